package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/casework"
	"minzheng/payment"
	"minzheng/policy"
	"minzheng/region"
)

func init() {
	audit.Register("payroll.generate", "生成发放名册")
	audit.Register("payroll.approve", "审核发放名册")
}

// Payroll is one county's payroll (发放名册) of a benefit month and programme.
type Payroll struct {
	ID          int64          `json:"id"`
	Region      string         `json:"region"`
	Month       minzheng.Month `json:"month"`
	Program     string         `json:"program"`
	ProgramName string         `json:"program_name"`
	State       string         `json:"state"` // draft, approved, exported, reconciled
	payment.Totals
	LinesHash    string     `json:"-"`
	GeneratedAt  time.Time  `json:"generated_at"`
	GeneratedBy  string     `json:"generated_by"`
	generatorID  int64      // who generated it: may not approve it
	ApprovedAt   *time.Time `json:"approved_at"`
	ApprovedBy   string     `json:"approved_by,omitempty"`
	ExportedAt   *time.Time `json:"exported_at"`
	ReconciledAt *time.Time `json:"reconciled_at"`
}

// PayrollStates are the states on screen.
var PayrollStates = map[string]string{"draft": "待审核", "approved": "已审核", "exported": "已导出银行文件", "reconciled": "已对账"}

const payrollColumns = `id, region_code, month, program, state, lines, persons, households, amount_fen, lines_hash,
	generated_at, generated_by, generator_id, approved_at, approved_by, exported_at, reconciled_at`

func scanPayroll(sc interface{ Scan(...any) error }) (Payroll, error) {
	var p Payroll
	var gen Instant
	var appr, exp, rec Instant
	var by sql.NullString
	if err := sc.Scan(&p.ID, &p.Region, &p.Month, &p.Program, &p.State, &p.Lines, &p.Persons, &p.Households, &p.AmountFen, &p.LinesHash,
		&gen, &p.GeneratedBy, &p.generatorID, &appr, &by, &exp, &rec); err != nil {
		return p, err
	}
	p.GeneratedAt, p.ApprovedAt, p.ExportedAt, p.ReconciledAt, p.ApprovedBy = gen.Time, appr.Ptr(), exp.Ptr(), rec.Ptr(), by.String
	p.ProgramName = programName(p.Program)
	return p, nil
}

func programName(code string) string {
	if p, ok := policy.ProgramByCode(code); ok {
		return p.Name
	}
	return code
}

// paidPrograms are the programmes paid in money each month or once: the
// ones a payroll is made for.
func paidProgram(code string) error {
	p, ok := policy.ProgramByCode(code)
	if !ok || code == "free_electricity" || code == "dibao_edge" {
		return minzheng.Invalid("program", "项目“%s”不发放资金，不能生成发放名册", code)
	}
	_ = p
	return nil
}

// payrollTarget checks a request for a payroll: a county in the actor's
// region, a month not after next month, a programme paid in money.
func (db *DB) payrollTarget(ctx context.Context, code region.Code, level region.Level, month minzheng.Month, program string) error {
	if level != region.LevelCounty {
		return minzheng.Invalid("region", "发放名册按县（区）生成，请给出 6 位县级区划代码")
	}
	if month == 0 {
		return minzheng.Invalid("month", "请给出发放月份（YYYY-MM）")
	}
	if now := minzheng.DateOf(db.now()).Month(); month > now+1 {
		return minzheng.Invalid("month", "发放月份 %s 太远：最多生成下个月（%s）的名册", month, now+1)
	}
	if err := paidProgram(program); err != nil {
		return err
	}
	return db.CheckScope(ctx, "生成辖区外的发放名册", "payroll", "", code)
}

// GeneratePayroll makes (or makes again) the payroll of a county, month and
// programme. There is one per county, month and programme: asking again
// returns the same payroll — regenerated while it is a draft, unchanged
// once approved. created reports whether this call made it.
func (db *DB) GeneratePayroll(ctx context.Context, code region.Code, level region.Level, month minzheng.Month, program string) (p Payroll, created bool, err error) {
	a, err := requireHouseholds(ctx, auth.PermPaymentRun)
	if err != nil {
		return p, false, err
	}
	if err := db.payrollTarget(ctx, code, level, month, program); err != nil {
		return p, false, err
	}
	existing, err := db.findPayroll(ctx, string(code), month, program)
	switch {
	case err == nil && existing.State != "draft":
		return existing, false, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return p, false, err
	}
	// Months are paid in order: an earlier month still a draft is approved
	// first, and a month before one already made is not made now.
	var later int
	var earlierDraft sql.NullString
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM payrolls WHERE region_code = ? AND program = ? AND month > ?`, string(code), program, month).Scan(&later); err != nil {
		return p, false, fmt.Errorf("sqldb: payroll: %w", err)
	}
	if later > 0 {
		return p, false, &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("已有 %s 之后月份的发放名册，不能再生成更早月份的名册；漏发的月份会在下一期名册中补发", month)}
	}
	if err := db.QueryRow(ctx, `SELECT MIN(month) FROM payrolls WHERE region_code = ? AND program = ? AND month < ? AND state = 'draft'`,
		string(code), program, month).Scan(&earlierDraft); err != nil {
		return p, false, fmt.Errorf("sqldb: payroll: %w", err)
	}
	if earlierDraft.Valid {
		return p, false, &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("%s 的发放名册尚未审核，请先审核该月名册再生成 %s 的名册", earlierDraft.String, month)}
	}
	var existingID int64
	if existing.ID != 0 {
		existingID = existing.ID
	}
	lines, err := db.planPayroll(ctx, string(code), month, program, existingID)
	if err != nil {
		return p, false, err
	}
	hash, totals := payment.Hash(lines), payment.TotalsOf(lines)
	if existing.ID != 0 && existing.LinesHash == hash {
		return existing, false, nil // nothing changed: the same lines
	}
	// On PostgreSQL the lines go in by COPY, on a connection of its own.
	inTx := db.InTx
	if db.dialect == Postgres {
		inTx = db.inConnTx
	}
	err = inTx(ctx, func(tx *Tx) error {
		var id int64
		if existing.ID == 0 {
			err := tx.QueryRow(ctx, `INSERT INTO payrolls (region_code, month, program, state, lines, persons, households, amount_fen, lines_hash,
				generated_at, generated_by, generator_id) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				string(code), month, program, totals.Lines, totals.Persons, totals.Households, totals.AmountFen, hash, At(db.now()), a.Username, a.UserID).Scan(&id)
			if err != nil {
				if isUnique(err) {
					return &minzheng.Error{Code: minzheng.CodeConflict, Message: "同一县、月份和项目的发放名册正由他人同时生成，请刷新后查看"}
				}
				return err
			}
			created = true
		} else {
			id = existing.ID
			var state string
			if err := tx.QueryRow(ctx, `SELECT state FROM payrolls WHERE id = ?`+tx.forUpdate(), id).Scan(&state); err != nil {
				return err
			}
			if state != "draft" {
				return &minzheng.Error{Code: minzheng.CodeConflict, Message: "名册已由他人审核，不能重新生成"}
			}
			if _, err := tx.Exec(ctx, `DELETE FROM payments WHERE payroll_id = ?`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE payrolls SET lines = ?, persons = ?, households = ?, amount_fen = ?, lines_hash = ?, generated_at = ?,
				generated_by = ?, generator_id = ? WHERE id = ?`, totals.Lines, totals.Persons, totals.Households, totals.AmountFen, hash,
				At(db.now()), a.Username, a.UserID, id); err != nil {
				return err
			}
		}
		if err := tx.insertPayments(ctx, id, program, month, lines); err != nil {
			if isUnique(err) {
				return &minzheng.Error{Code: minzheng.CodeConflict, Message: "名册中有待遇的某个月份已在其他名册中发放，不能重复发放"}
			}
			return err
		}
		verb := "生成"
		if !created {
			verb = "重新生成"
		}
		return tx.Audit(ctx, audit.Event{Action: "payroll.generate", Entity: "payroll", EntityID: strconv.FormatInt(id, 10), Region: string(code),
			Summary: fmt.Sprintf("%s %s %s 发放名册：%d 行，%d 户 %d 人，%s 元", verb, month, programName(program), totals.Lines, totals.Households,
				totals.Persons, totals.AmountFen.Yuan()),
			After: map[string]any{"lines": totals.Lines, "amount_fen": int64(totals.AmountFen), "hash": hash}})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return p, false, err
		}
		return p, false, fmt.Errorf("sqldb: generate payroll: %w", err)
	}
	p, err = db.findPayroll(ctx, string(code), month, program)
	return p, created, err
}

// insertPayments writes a payroll's lines: by COPY on PostgreSQL, many
// rows to a statement on SQLite.
func (tx *Tx) insertPayments(ctx context.Context, payrollID int64, program string, month minzheng.Month, lines []payment.Line) error {
	if tx.conn != nil && tx.db.dialect == Postgres {
		return tx.copyPayments(ctx, payrollID, program, month, lines)
	}
	const cols = 15
	const per = 500 // 7,500 parameters: within SQLite's limit of 32,766
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	args := make([]any, 0, per*cols)
	var q string
	flush := func(n int) error {
		if n == 0 {
			return nil
		}
		if n != per || q == "" {
			q = `INSERT INTO payments (payroll_id, enrolment_id, household_id, subject, region_code, program, pay_month, benefit_month, kind,
				amount_fen, persons, payee, bank_name, bank_account, retry_of) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
		}
		_, err := tx.Exec(ctx, q, args...)
		if n != per {
			q = ""
		}
		args = args[:0]
		return err
	}
	n := 0
	for _, l := range lines {
		var retry any = minzheng.SQLNull
		if l.RetryOf != 0 {
			retry = l.RetryOf
		}
		args = append(args, payrollID, l.EnrolmentID, l.HouseholdID, l.Subject, l.Region, program, month, l.BenefitMonth, l.Kind,
			l.AmountFen, l.Persons, l.Payee, l.BankName, l.BankAccount, retry)
		if n++; n == per {
			if err := flush(n); err != nil {
				return err
			}
			n = 0
		}
	}
	return flush(n)
}

func (db *DB) findPayroll(ctx context.Context, code string, month minzheng.Month, program string) (Payroll, error) {
	return scanPayroll(db.QueryRow(ctx, `SELECT `+payrollColumns+` FROM payrolls WHERE region_code = ? AND month = ? AND program = ?`, code, month, program))
}

// planPayroll reads what a payroll is made from and computes its lines.
// self is the payroll being regenerated (its draft lines are not "paid").
func (db *DB) planPayroll(ctx context.Context, code string, month minzheng.Month, program string, self int64) ([]payment.Line, error) {
	in := payment.Input{Month: month, Paid: map[int64][]minzheng.Month{}, Candidates: map[int64]bool{}, Holds: map[int64][]payment.Hold{},
		Accounts: map[int64]string{}}
	// The previous payroll: its month bounds what must be looked at again.
	var prevID int64
	var prevMonth minzheng.Month
	var prevAt Instant
	err := db.QueryRow(ctx, `SELECT id, month, generated_at FROM payrolls WHERE region_code = ? AND program = ? AND month < ? ORDER BY month DESC LIMIT 1`,
		code, program, month).Scan(&prevID, &prevMonth, &prevAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqldb: payroll: %w", err)
	}
	first := prevID == 0
	in.Start = month
	if !first {
		var start minzheng.Month
		if err := db.QueryRow(ctx, `SELECT MIN(month) FROM payrolls WHERE region_code = ? AND program = ?`, code, program).Scan(&start); err != nil {
			return nil, fmt.Errorf("sqldb: payroll: %w", err)
		}
		in.Start = start
	}
	cond, args := InRegion("e.region_code", region.Code(code))
	// An enrolment can be owed in this payroll if it is in payment this
	// month, stopped after the previous payroll's month, was granted since
	// that payroll was made, or has a line the bank returned.
	since := prevAt.Time
	owed := `e.program = ? AND ` + cond + ` AND e.first_month <= ?
		AND (e.stopped_from IS NULL OR e.stopped_from > ? OR e.created_at > ?
			OR e.id IN (SELECT enrolment_id FROM payments WHERE status = 'failed' AND program = ?))`
	owedArgs := append(append([]any{program}, args...), month, max(prevMonth, in.Start-1), At(since), program)
	// The accounts: each household's latest current version, read in one
	// pass rather than looked up row by row.
	type account struct{ bank, number, holder string }
	accounts := map[int64]account{}
	vrows, err := db.Query(ctx, `SELECT household_id, bank_name, bank_account, bank_holder FROM household_versions
		WHERE superseded_at IS NULL AND household_id IN (SELECT e.household_id FROM enrolments e WHERE `+owed+`)
		ORDER BY household_id, valid_from, id`, owedArgs...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: payroll accounts: %w", err)
	}
	for vrows.Next() {
		var hid int64
		var a account
		if err := vrows.Scan(&hid, &a.bank, &a.number, &a.holder); err != nil {
			vrows.Close()
			return nil, err
		}
		accounts[hid] = a // the last, in valid_from order, wins
	}
	vrows.Close()
	if err := vrows.Err(); err != nil {
		return nil, fmt.Errorf("sqldb: payroll accounts: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT e.id, e.household_id, e.subject, e.region_code, e.amount_fen, e.period, e.first_month, e.stopped_from,
		e.phase_out_from, e.persons, e.case_id, h.members, h.head_name, e.created_at, COALESCE(pe.name, '')
		FROM enrolments e JOIN households h ON h.id = e.household_id
		LEFT JOIN persons pe ON e.subject <> '' AND pe.id_number = e.subject
		WHERE `+owed+` ORDER BY e.id`, owedArgs...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: payroll enrolments: %w", err)
	}
	var once []int64
	caseOf := map[int64]int64{}
	func() {
		defer rows.Close()
		for rows.Next() {
			var e payment.Enrolment
			var stop, phase sql.NullString
			var members int
			var head, holder, person string
			var caseID sql.NullInt64
			var created Instant
			if err = rows.Scan(&e.ID, &e.HouseholdID, &e.Subject, &e.Region, &e.AmountFen, &e.Period, &e.First, &stop, &phase, &e.Persons,
				&caseID, &members, &head, &created, &person); err != nil {
				return
			}
			acc := accounts[e.HouseholdID]
			e.BankName, e.BankAccount, holder = acc.bank, acc.number, acc.holder
			if stop.Valid {
				if e.Stop, err = minzheng.ParseMonth(stop.String); err != nil {
					return
				}
			}
			if phase.Valid {
				if e.PhaseOut, err = minzheng.ParseMonth(phase.String); err != nil {
					return
				}
			}
			if e.Persons == 0 {
				e.Persons = members
			}
			switch {
			case person != "":
				e.Payee = person
			case holder != "":
				e.Payee = holder
			default:
				e.Payee = head
			}
			if e.Period == "once" {
				once = append(once, e.ID)
				in.Candidates[e.ID] = true
				if caseID.Valid {
					caseOf[e.ID] = caseID.Int64
				}
			} else if !first && e.First < month && created.Time.After(since) {
				in.Candidates[e.ID] = true
			}
			in.Accounts[e.ID] = e.BankAccount
			in.Enrolments = append(in.Enrolments, e)
		}
		err = rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("sqldb: payroll enrolments: %w", err)
	}
	if !first {
		// Not on the previous payroll for its month: look at every month.
		onPrev := make(map[int64]bool, len(in.Enrolments))
		if err := db.eachInt(ctx, `SELECT enrolment_id FROM payments WHERE payroll_id = ? AND benefit_month = ?`,
			[]any{prevID, prevMonth}, func(id int64) { onPrev[id] = true }); err != nil {
			return nil, err
		}
		for _, e := range in.Enrolments {
			if e.Period != "once" && e.First <= prevMonth && (e.Stop == 0 || e.Stop > prevMonth) && !onPrev[e.ID] {
				in.Candidates[e.ID] = true
			}
		}
	}
	// Holds, and the enrolments released with back pay since.
	hcond, hargs := InRegion("e.region_code", region.Code(code))
	hrows, err := db.Query(ctx, `SELECT h.enrolment_id, h.from_month, h.to_month, h.back_pay FROM payment_holds h JOIN enrolments e ON e.id = h.enrolment_id
		WHERE e.program = ? AND `+hcond, append([]any{program}, hargs...)...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: payroll holds: %w", err)
	}
	for hrows.Next() {
		var id int64
		var h payment.Hold
		var to sql.NullString
		if err := hrows.Scan(&id, &h.From, &to, &h.BackPay); err != nil {
			hrows.Close()
			return nil, err
		}
		if to.Valid {
			h.To, _ = minzheng.ParseMonth(to.String)
		}
		in.Holds[id] = append(in.Holds[id], h)
		if h.BackPay {
			in.Candidates[id] = true
		}
	}
	hrows.Close()
	// What the candidates were paid, or what the bank holds or returned.
	ids := make([]int64, 0, len(in.Candidates))
	for id := range in.Candidates {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		chunk := ids[:n]
		ids = ids[n:]
		q := `SELECT enrolment_id, benefit_month FROM payments WHERE (payroll_id IS NULL OR payroll_id <> ?) AND enrolment_id IN (` + placeholders(len(chunk)) + `)`
		cargs := make([]any, 1, len(chunk)+1)
		cargs[0] = self
		for _, id := range chunk {
			cargs = append(cargs, id)
		}
		r, err := db.Query(ctx, q, cargs...)
		if err != nil {
			return nil, fmt.Errorf("sqldb: payroll paid months: %w", err)
		}
		for r.Next() {
			var id int64
			var m minzheng.Month
			if err := r.Scan(&id, &m); err != nil {
				r.Close()
				return nil, err
			}
			in.Paid[id] = append(in.Paid[id], m)
		}
		r.Close()
	}
	// Advance aid given on the cases of one-off benefits.
	for _, id := range once {
		c, ok := caseOf[id]
		if !ok {
			continue
		}
		var adv sql.NullInt64
		if err := db.QueryRow(ctx, `SELECT SUM(amount_fen) FROM payments WHERE case_id = ? AND kind = 'advance'`, c).Scan(&adv); err != nil {
			return nil, fmt.Errorf("sqldb: advance aid: %w", err)
		}
		for i := range in.Enrolments {
			if in.Enrolments[i].ID == id {
				in.Enrolments[i].AdvanceFen = minzheng.Fen(adv.Int64)
			}
		}
	}
	// Lines the bank returned, not yet paid again.
	fcond, fargs := InRegion("p.region_code", region.Code(code))
	frows, err := db.Query(ctx, `SELECT p.id, p.enrolment_id, p.benefit_month, p.amount_fen, p.bank_account FROM payments p
		WHERE p.status = 'failed' AND p.program = ? AND `+fcond+` AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.retry_of = p.id AND r.payroll_id <> ?)
		ORDER BY p.id`, append(append([]any{program}, fargs...), self)...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: failed payments: %w", err)
	}
	for frows.Next() {
		var f payment.Failed
		if err := frows.Scan(&f.LineID, &f.EnrolmentID, &f.BenefitMonth, &f.AmountFen, &f.BankAccount); err != nil {
			frows.Close()
			return nil, err
		}
		in.Failed = append(in.Failed, f)
	}
	frows.Close()
	return payment.Plan(in), nil
}

// eachInt runs a one-column integer query and hands each value to fn.
func (db *DB) eachInt(ctx context.Context, q string, args []any, fn func(int64)) error {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sqldb: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return err
		}
		fn(v)
	}
	return rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Payroll returns one payroll, in the actor's region.
func (db *DB) Payroll(ctx context.Context, id int64) (Payroll, error) {
	if _, err := requireHouseholds(ctx, auth.PermPaymentRead); err != nil {
		return Payroll{}, err
	}
	p, err := scanPayroll(db.QueryRow(ctx, `SELECT `+payrollColumns+` FROM payrolls WHERE id = ?`, id))
	if err != nil {
		return p, notFound(err, fmt.Sprintf("发放名册 %d", id))
	}
	// A township's officer reads its county's payroll (the totals are the
	// county's; the lines, only the township's own).
	if a, _ := actor(ctx); region.Code(p.Region).Contains(region.ActorRegion(a)) {
		return p, nil
	}
	if err := db.CheckScope(ctx, "查看辖区外的发放名册", "payroll", strconv.FormatInt(id, 10), region.Code(p.Region)); err != nil {
		return Payroll{}, err
	}
	return p, nil
}

// linesScope narrows a payroll's lines to the actor's region: a township
// officer sees the township's lines only.
func linesScope(ctx context.Context) (string, []any) {
	a, _ := actor(ctx)
	return InRegion("region_code", region.ActorRegion(a))
}

// PayrollFilter selects payrolls.
type PayrollFilter struct {
	Region  region.Code
	Program string
	Month   minzheng.Month
	State   string
}

// Payrolls lists payrolls in the region, latest month first.
func (db *DB) Payrolls(ctx context.Context, f PayrollFilter) ([]Payroll, error) {
	a, err := requireHouseholds(ctx, auth.PermPaymentRead)
	if err != nil {
		return nil, err
	}
	scope, err := region.Narrow(region.ActorRegion(a), f.Region)
	if err != nil {
		return nil, db.Deny(ctx, "查看辖区外的发放名册", "payroll", "", f.Region)
	}
	// A county's payroll lies in a city's or province's scope, and covers
	// a township's: a township officer sees its county's payrolls.
	if scope.Level() > region.LevelCounty {
		scope = scope.Ancestor(region.LevelCounty)
	}
	cond, args := InRegion("region_code", scope)
	if f.Program != "" {
		cond += " AND program = ?"
		args = append(args, f.Program)
	}
	if f.Month != 0 {
		cond += " AND month = ?"
		args = append(args, f.Month)
	}
	if f.State != "" {
		cond += " AND state = ?"
		args = append(args, f.State)
	}
	rows, err := db.Query(ctx, `SELECT `+payrollColumns+` FROM payrolls WHERE `+cond+` ORDER BY month DESC, region_code, program LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: payrolls: %w", err)
	}
	defer rows.Close()
	out := []Payroll{}
	for rows.Next() {
		p, err := scanPayroll(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ApprovePayroll is the checker's approval. The person who generated the
// payroll may not approve it (refused before anything else is looked at);
// the lines are computed again and must be those generated, or the
// payroll is made again first; approval freezes it, and its lines count
// in the reports. (The database refused, when the lines were written, any
// line for a month already paid: they hold their place from the start.)
func (db *DB) ApprovePayroll(ctx context.Context, id int64) (Payroll, error) {
	a, err := requireHouseholds(ctx, auth.PermPaymentRun)
	if err != nil {
		return Payroll{}, err
	}
	p, err := scanPayroll(db.QueryRow(ctx, `SELECT `+payrollColumns+` FROM payrolls WHERE id = ?`, id))
	if err != nil {
		return p, notFound(err, fmt.Sprintf("发放名册 %d", id))
	}
	if (a.UserID != 0 && p.generatorID == a.UserID) || p.GeneratedBy == a.Username {
		return Payroll{}, &minzheng.Error{Code: minzheng.CodeForbidden, Message: "这份发放名册是您生成的，须由另一位工作人员审核（生成与审核分离）"}
	}
	if err := db.CheckScope(ctx, "审核辖区外的发放名册", "payroll", strconv.FormatInt(id, 10), region.Code(p.Region)); err != nil {
		return Payroll{}, err
	}
	if p.State != "draft" {
		return Payroll{}, &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("发放名册已审核（%s），已冻结，不能再次审核", PayrollStates[p.State])}
	}
	lines, err := db.planPayroll(ctx, p.Region, p.Month, p.Program, p.ID)
	if err != nil {
		return Payroll{}, err
	}
	if payment.Hash(lines) != p.LinesHash {
		return Payroll{}, &minzheng.Error{Code: minzheng.CodeConflict,
			Message: "名册生成后有待遇变动（新增、停发、调整或账户更正），请重新生成名册并核对后再审核"}
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		var state string
		if err := tx.QueryRow(ctx, `SELECT state FROM payrolls WHERE id = ?`+tx.forUpdate(), id).Scan(&state); err != nil {
			return err
		}
		if state != "draft" {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "发放名册已由他人审核，不能再次审核"}
		}
		if err := tx.count(ctx, `payroll_id = ? AND status = 'due'`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE payrolls SET state = 'approved', approved_at = ?, approved_by = ? WHERE id = ?`, At(db.now()), a.Username, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Event{Action: "payroll.approve", Entity: "payroll", EntityID: strconv.FormatInt(id, 10), Region: p.Region,
			Summary: fmt.Sprintf("审核通过 %s %s 发放名册（%s 生成）：%d 行，%s 元", p.Month, p.ProgramName, p.GeneratedBy, p.Lines, p.AmountFen.Yuan()),
			Before:  map[string]any{"state": "draft"}, After: map[string]any{"state": "approved"}})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return Payroll{}, err
		}
		return Payroll{}, fmt.Errorf("sqldb: approve payroll: %w", err)
	}
	return db.Payroll(ctx, id)
}

// PaymentLine is a payment as pages and the API show it: the account
// masked, the person's ID number masked.
type PaymentLine struct {
	ID           int64          `json:"id"`
	PayrollID    int64          `json:"payroll_id,omitempty"`
	EnrolmentID  int64          `json:"enrolment_id,omitempty"`
	HouseholdID  int64          `json:"household_id"`
	Subject      string         `json:"subject,omitempty"`
	Region       string         `json:"region"`
	Program      string         `json:"program"`
	PayMonth     minzheng.Month `json:"pay_month"`
	BenefitMonth minzheng.Month `json:"benefit_month"`
	Kind         string         `json:"kind"`
	AmountFen    minzheng.Fen   `json:"amount_fen"`
	Persons      int            `json:"persons"`
	Payee        string         `json:"payee"`
	BankName     string         `json:"bank_name"`
	BankAccount  string         `json:"bank_account"`
	RetryOf      *int64         `json:"retry_of"`
	Status       string         `json:"status"`
	BankReason   string         `json:"bank_reason,omitempty"`
}

// PaymentStatuses are the statuses on screen.
var PaymentStatuses = map[string]string{"due": "待发放", "paid": "已发放", "failed": "发放失败"}

const paymentColumns = `id, payroll_id, enrolment_id, household_id, subject, region_code, program, pay_month, benefit_month, kind, amount_fen,
	persons, payee, bank_name, bank_account, retry_of, status, bank_reason`

func scanPayment(sc interface{ Scan(...any) error }) (PaymentLine, error) {
	var l PaymentLine
	var payroll, enrolment sql.NullInt64
	if err := sc.Scan(&l.ID, &payroll, &enrolment, &l.HouseholdID, &l.Subject, &l.Region, &l.Program, &l.PayMonth, &l.BenefitMonth, &l.Kind,
		&l.AmountFen, &l.Persons, &l.Payee, &l.BankName, &l.BankAccount, &l.RetryOf, &l.Status, &l.BankReason); err != nil {
		return l, err
	}
	l.PayrollID, l.EnrolmentID = payroll.Int64, enrolment.Int64
	return l, nil
}

// MaskAccount shows a bank account's last four digits only.
func MaskAccount(s string) string {
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

func (l PaymentLine) masked() PaymentLine {
	if l.Subject != "" {
		l.Subject = minzheng.MaskID(l.Subject)
	}
	l.BankAccount = MaskAccount(l.BankAccount)
	return l
}

// PayrollLines lists a payroll's lines, a page at a time, masked.
func (db *DB) PayrollLines(ctx context.Context, id int64, status string, page, perPage int) ([]PaymentLine, int, error) {
	if _, err := db.Payroll(ctx, id); err != nil {
		return nil, 0, err
	}
	scope, sargs := linesScope(ctx)
	cond, args := "payroll_id = ? AND "+scope, append([]any{id}, sargs...)
	if status != "" {
		cond += " AND status = ?"
		args = append(args, status)
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM payments WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqldb: payroll lines: %w", err)
	}
	if perPage <= 0 || perPage > 1000 {
		perPage = 50
	}
	if page <= 0 {
		page = 1
	}
	rows, err := db.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE `+cond+` ORDER BY id LIMIT ? OFFSET ?`,
		append(args, perPage, (page-1)*perPage)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqldb: payroll lines: %w", err)
	}
	defer rows.Close()
	out := []PaymentLine{}
	for rows.Next() {
		l, err := scanPayment(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, l.masked())
	}
	return out, total, rows.Err()
}

// PayrollDiff is the difference of a payroll from the month before, for
// the checker: new, stopped, changed, back pay; accounts masked.
func (db *DB) PayrollDiff(ctx context.Context, id int64) (payment.Diff, error) {
	p, err := db.Payroll(ctx, id)
	if err != nil {
		return payment.Diff{}, err
	}
	scope, sargs := linesScope(ctx)
	cur, err := db.linesOf(ctx, `payroll_id = ? AND `+scope, append([]any{p.ID}, sargs...)...)
	if err != nil {
		return payment.Diff{}, err
	}
	var prevID int64
	err = db.QueryRow(ctx, `SELECT id FROM payrolls WHERE region_code = ? AND program = ? AND month < ? ORDER BY month DESC LIMIT 1`,
		p.Region, p.Program, p.Month).Scan(&prevID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return payment.Diff{}, fmt.Errorf("sqldb: payroll diff: %w", err)
	}
	var prev []payment.Line
	if prevID != 0 {
		if prev, err = db.linesOf(ctx, `payroll_id = ? AND `+scope, append([]any{prevID}, sargs...)...); err != nil {
			return payment.Diff{}, err
		}
	}
	d := payment.DiffOf(prev, cur)
	for _, cs := range [][]payment.Change{d.New, d.Stopped, d.Changed} {
		for i := range cs {
			if cs[i].Subject != "" {
				cs[i].Subject = minzheng.MaskID(cs[i].Subject)
			}
		}
	}
	for i := range d.BackPay {
		d.BackPay[i].BankAccount = MaskAccount(d.BackPay[i].BankAccount)
		if d.BackPay[i].Subject != "" {
			d.BackPay[i].Subject = minzheng.MaskID(d.BackPay[i].Subject)
		}
	}
	return d, nil
}

// linesOf reads payments as the domain's lines.
func (db *DB) linesOf(ctx context.Context, cond string, args ...any) ([]payment.Line, error) {
	rows, err := db.Query(ctx, `SELECT enrolment_id, household_id, subject, region_code, benefit_month, kind, amount_fen, persons,
		COALESCE(retry_of, 0), payee, bank_name, bank_account FROM payments WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: payments: %w", err)
	}
	defer rows.Close()
	var out []payment.Line
	for rows.Next() {
		var l payment.Line
		var e sql.NullInt64
		if err := rows.Scan(&e, &l.HouseholdID, &l.Subject, &l.Region, &l.BenefitMonth, &l.Kind, &l.AmountFen, &l.Persons, &l.RetryOf,
			&l.Payee, &l.BankName, &l.BankAccount); err != nil {
			return nil, err
		}
		l.EnrolmentID = e.Int64
		out = append(out, l)
	}
	return out, rows.Err()
}

// PayrollTarget is a county and programme with benefits to pay.
type PayrollTarget struct {
	County  region.Code
	Program string
}

// PayrollTargets lists the counties and programmes of the region that have
// enrolments paid in money: what a month's payrolls are made for.
func (db *DB) PayrollTargets(ctx context.Context, scope region.Code) ([]PayrollTarget, error) {
	a, err := requireHouseholds(ctx, auth.PermPaymentRead)
	if err != nil {
		return nil, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return nil, db.Deny(ctx, "查看辖区外的发放对象", "payroll", "", scope)
	}
	cond, args := InRegion("region_code", scope)
	rows, err := db.Query(ctx, `SELECT DISTINCT SUBSTR(region_code, 1, 6), program FROM enrolments WHERE amount_fen > 0 AND `+cond+`
		ORDER BY 1, 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: payroll targets: %w", err)
	}
	defer rows.Close()
	var out []PayrollTarget
	for rows.Next() {
		var county, program string
		if err := rows.Scan(&county, &program); err != nil {
			return nil, err
		}
		if paidProgram(program) != nil {
			continue
		}
		out = append(out, PayrollTarget{County: region.Code(county + "000000"), Program: program})
	}
	return out, rows.Err()
}

// bookAdvance books advance aid (先行救助) given on a case: a payment paid
// the day it is given, from the fund it names, counted in the reports; the
// one-off payment the decision grants later is paid less it.
func (tx *Tx) bookAdvance(ctx context.Context, db *DB, c *CaseRecord, ev casework.Event) error {
	var amount int64
	if raw, ok := ev.Fields["amount_fen"]; ok {
		if err := json.Unmarshal(raw, &amount); err != nil {
			return minzheng.Invalid("amount_fen", "先行救助金额不对")
		}
	}
	var head string
	var members int
	if err := tx.QueryRow(ctx, `SELECT head_name, members FROM households WHERE id = ?`, c.HouseholdID).Scan(&head, &members); err != nil {
		return err
	}
	if c.Subject != "" {
		members = 1
	}
	month := minzheng.DateOf(ev.At).Month()
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO payments (case_id, household_id, subject, region_code, program, pay_month, benefit_month, kind, amount_fen,
		persons, payee, bank_name, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'advance', ?, ?, ?, ?, 'paid') RETURNING id`,
		c.ID, c.HouseholdID, c.Subject, c.Region, c.Program, month, month, amount, max(members, 1), head, casework.AdvanceFund(ev.Fields.Text("fund"))).Scan(&id); err != nil {
		return err
	}
	return tx.count(ctx, `id = ?`, id)
}

// copyPayments loads a payroll's lines through PostgreSQL's COPY, on the
// transaction's own connection.
func (tx *Tx) copyPayments(ctx context.Context, payrollID int64, program string, month minzheng.Month, lines []payment.Line) error {
	pm, cols := month.String(), []string{"payroll_id", "enrolment_id", "household_id", "subject", "region_code", "program", "pay_month",
		"benefit_month", "kind", "amount_fen", "persons", "payee", "bank_name", "bank_account", "retry_of"}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(lines) {
			return nil, nil
		}
		l := &lines[i]
		i++
		var retry any
		if l.RetryOf != 0 {
			retry = l.RetryOf
		}
		return []any{payrollID, l.EnrolmentID, l.HouseholdID, l.Subject, l.Region, program, pm, l.BenefitMonth.String(), l.Kind,
			int64(l.AmountFen), int32(l.Persons), l.Payee, l.BankName, l.BankAccount, retry}, nil
	})
	return tx.conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"payments"}, cols, src)
		return err
	})
}
