package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
)

func init() {
	audit.Register("recovery.open", "启动追缴")
	audit.Register("recovery.entry", "登记追缴款")
}

// Recovery reasons.
const (
	RecoveryDeath = "death" // paid for months after the recipient's death (DESIGN.md §8)
	RecoveryUndue = "undue" // found not owed by a review
	RecoveryFraud = "fraud" // obtained by fraud: recovered with a fine (《社会救助暂行办法》第68条)
)

// RecoveryReasons are the reasons on screen.
var RecoveryReasons = map[string]string{RecoveryDeath: "对象死亡后多发", RecoveryUndue: "核查认定不应享受", RecoveryFraud: "骗取社会救助"}

// Recovery is money to be paid back (追缴), with its balance.
type Recovery struct {
	ID          int64           `json:"id"`
	EnrolmentID int64           `json:"enrolment_id"`
	HouseholdID int64           `json:"household_id"`
	Region      string          `json:"region"`
	Program     string          `json:"program"`
	Reason      string          `json:"reason"`
	ReasonName  string          `json:"reason_name"`
	Note        string          `json:"note"`
	CaseID      *int64          `json:"case_id"`
	AmountFen   minzheng.Fen    `json:"amount_fen"` // the payments not owed
	FineFen     minzheng.Fen    `json:"fine_fen"`   // 罚款, 1–3 × the amount where fraud is decided
	RepaidFen   minzheng.Fen    `json:"repaid_fen"`
	WaivedFen   minzheng.Fen    `json:"waived_fen"`
	BalanceFen  minzheng.Fen    `json:"balance_fen"`
	Status      string          `json:"status"` // open, settled
	OpenedAt    time.Time       `json:"opened_at"`
	OpenedBy    string          `json:"opened_by"`
	Payments    []PaymentLine   `json:"payments,omitempty"`
	Entries     []RecoveryEntry `json:"entries,omitempty"`
}

// RecoveryEntry is a repayment or a waiver.
type RecoveryEntry struct {
	ID        int64         `json:"id"`
	Kind      string        `json:"kind"` // repayment, waiver
	AmountFen minzheng.Fen  `json:"amount_fen"`
	On        minzheng.Date `json:"on"`
	Note      string        `json:"note"`
	By        string        `json:"by"`
}

// paidOut selects the payments that went out, or are going to the bank:
// advance aid, and the lines of approved payrolls (not of a draft, which
// may still change).
const paidOut = `(payroll_id IS NULL OR payroll_id IN (SELECT id FROM payrolls WHERE state <> 'draft'))`

// openRecovery opens a recovery of the payments of an enrolment for benefit
// months from `from` on that were approved (and not returned by the bank)
// and are not in a recovery yet. Nothing is opened when there are none.
// fine is the multiple of the amount fined (0, or 1–3 for fraud).
func (tx *Tx) openRecovery(ctx context.Context, db *DB, a minzheng.Actor, enrolmentID int64, from minzheng.Month, reason, note string, caseID int64, fine int) (int64, minzheng.Fen, error) {
	var amount sql.NullInt64
	var household int64
	var reg, program string
	if err := tx.QueryRow(ctx, `SELECT household_id, region_code, program FROM enrolments WHERE id = ?`, enrolmentID).Scan(&household, &reg, &program); err != nil {
		return 0, 0, err
	}
	if err := tx.QueryRow(ctx, `SELECT SUM(amount_fen) FROM payments WHERE enrolment_id = ? AND benefit_month >= ? AND status IN ('due', 'paid')
		AND recovery_id IS NULL AND `+paidOut, enrolmentID, from).Scan(&amount); err != nil {
		return 0, 0, err
	}
	if amount.Int64 <= 0 {
		return 0, 0, nil
	}
	var caseArg any = minzheng.SQLNull
	if caseID != 0 {
		caseArg = caseID
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO recoveries (enrolment_id, household_id, region_code, reason, note, case_id, amount_fen, fine_fen, status, opened_at, opened_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id`, enrolmentID, household, reg, reason, note, caseArg, amount.Int64,
		amount.Int64*int64(fine), At(db.now()), a.Username).Scan(&id); err != nil {
		return 0, 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE payments SET recovery_id = ? WHERE enrolment_id = ? AND benefit_month >= ? AND status IN ('due', 'paid') AND recovery_id IS NULL
		AND `+paidOut, id, enrolmentID, from); err != nil {
		return 0, 0, err
	}
	summary := fmt.Sprintf("第 %d 户%s：%s起已发 %s 元应予追缴（%s）", household, programName(program), from, minzheng.Fen(amount.Int64).Yuan(), RecoveryReasons[reason])
	if fine > 0 {
		summary += fmt.Sprintf("，并处 %d 倍罚款 %s 元（《社会救助暂行办法》第68条）", fine, minzheng.Fen(amount.Int64*int64(fine)).Yuan())
	}
	return id, minzheng.Fen(amount.Int64), tx.Audit(ctx, audit.Event{Action: "recovery.open", Entity: "recovery", EntityID: strconv.FormatInt(id, 10),
		Region: reg, Summary: summary, After: map[string]any{"amount_fen": amount.Int64, "fine_fen": amount.Int64 * int64(fine), "reason": reason}})
}

const recoveryColumns = `r.id, r.enrolment_id, r.household_id, r.region_code, e.program, r.reason, r.note, r.case_id, r.amount_fen, r.fine_fen, r.status,
	r.opened_at, r.opened_by,
	COALESCE((SELECT SUM(amount_fen) FROM recovery_entries x WHERE x.recovery_id = r.id AND x.kind = 'repayment'), 0),
	COALESCE((SELECT SUM(amount_fen) FROM recovery_entries x WHERE x.recovery_id = r.id AND x.kind = 'waiver'), 0)`

func scanRecovery(sc interface{ Scan(...any) error }) (Recovery, error) {
	var r Recovery
	var opened Instant
	if err := sc.Scan(&r.ID, &r.EnrolmentID, &r.HouseholdID, &r.Region, &r.Program, &r.Reason, &r.Note, &r.CaseID, &r.AmountFen, &r.FineFen, &r.Status,
		&opened, &r.OpenedBy, &r.RepaidFen, &r.WaivedFen); err != nil {
		return r, err
	}
	r.OpenedAt = opened.Time
	r.ReasonName = RecoveryReasons[r.Reason]
	r.BalanceFen = r.AmountFen + r.FineFen - r.RepaidFen - r.WaivedFen
	return r, nil
}

// Recoveries lists the region's recoveries (open ones, or all).
func (db *DB) Recoveries(ctx context.Context, scope region.Code, status string) ([]Recovery, error) {
	a, err := requireHouseholds(ctx, auth.PermPaymentRead)
	if err != nil {
		return nil, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return nil, db.Deny(ctx, "查看辖区外的追缴", "recovery", "", scope)
	}
	cond, args := InRegion("r.region_code", scope)
	if status != "" {
		if status != "open" && status != "settled" {
			return nil, minzheng.Invalid("status", "状态应为 open（追缴中）或 settled（已结清）")
		}
		cond += " AND r.status = ?"
		args = append(args, status)
	}
	rows, err := db.Query(ctx, `SELECT `+recoveryColumns+` FROM recoveries r JOIN enrolments e ON e.id = r.enrolment_id WHERE `+cond+` ORDER BY r.id DESC LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: recoveries: %w", err)
	}
	defer rows.Close()
	out := []Recovery{}
	for rows.Next() {
		r, err := scanRecovery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Recovery returns one recovery with the payments it recovers and its
// entries.
func (db *DB) Recovery(ctx context.Context, id int64) (Recovery, error) {
	if _, err := requireHouseholds(ctx, auth.PermPaymentRead); err != nil {
		return Recovery{}, err
	}
	r, err := scanRecovery(db.QueryRow(ctx, `SELECT `+recoveryColumns+` FROM recoveries r JOIN enrolments e ON e.id = r.enrolment_id WHERE r.id = ?`, id))
	if err != nil {
		return r, notFound(err, fmt.Sprintf("追缴 %d", id))
	}
	if err := db.CheckScope(ctx, "查看辖区外的追缴", "recovery", strconv.FormatInt(id, 10), region.Code(r.Region)); err != nil {
		return Recovery{}, err
	}
	rows, err := db.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE recovery_id = ? ORDER BY benefit_month, id`, id)
	if err != nil {
		return r, fmt.Errorf("sqldb: recovery: %w", err)
	}
	for rows.Next() {
		l, err := scanPayment(rows)
		if err != nil {
			rows.Close()
			return r, err
		}
		r.Payments = append(r.Payments, l.masked())
	}
	rows.Close()
	erows, err := db.Query(ctx, `SELECT id, kind, amount_fen, on_day, note, created_by FROM recovery_entries WHERE recovery_id = ? ORDER BY id`, id)
	if err != nil {
		return r, fmt.Errorf("sqldb: recovery: %w", err)
	}
	defer erows.Close()
	for erows.Next() {
		var e RecoveryEntry
		if err := erows.Scan(&e.ID, &e.Kind, &e.AmountFen, &e.On, &e.Note, &e.By); err != nil {
			return r, err
		}
		r.Entries = append(r.Entries, e)
	}
	return r, erows.Err()
}

// RecoveryEntryInput is a repayment or waiver to record.
type RecoveryEntryInput struct {
	Kind      string        `json:"kind"`
	AmountFen minzheng.Fen  `json:"amount_fen"`
	On        minzheng.Date `json:"on"`
	Note      string        `json:"note"`
}

// AddRecoveryEntry records a repayment (退回) or a waiver (核销, with its
// reason) against a recovery; never more than the balance. The recovery is
// settled when its balance reaches nothing.
func (db *DB) AddRecoveryEntry(ctx context.Context, id int64, in RecoveryEntryInput) (Recovery, error) {
	a, err := requireHouseholds(ctx, auth.PermPaymentRun)
	if err != nil {
		return Recovery{}, err
	}
	r, err := db.Recovery(ctx, id)
	if err != nil {
		return r, err
	}
	if in.Kind != "repayment" && in.Kind != "waiver" {
		return r, minzheng.Invalid("kind", "类型应为 repayment（退回）或 waiver（核销）")
	}
	if in.AmountFen <= 0 {
		return r, minzheng.Invalid("amount_fen", "金额应大于 0")
	}
	if in.On.IsZero() {
		in.On = db.today()
	}
	if in.On > db.today() {
		return r, minzheng.Invalid("on", "日期不能晚于今天")
	}
	in.Note = strings.TrimSpace(in.Note)
	if in.Kind == "waiver" && in.Note == "" {
		return r, minzheng.Invalid("note", "核销须写明理由")
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		// The balance read again under the write: two clerks cannot both
		// take the last of it.
		var amount, fine int64
		var status string
		if err := tx.QueryRow(ctx, `SELECT amount_fen, fine_fen, status FROM recoveries WHERE id = ?`+tx.forUpdate(), id).Scan(&amount, &fine, &status); err != nil {
			return err
		}
		var done sql.NullInt64
		if err := tx.QueryRow(ctx, `SELECT SUM(amount_fen) FROM recovery_entries WHERE recovery_id = ?`, id).Scan(&done); err != nil {
			return err
		}
		balance := minzheng.Fen(amount + fine - done.Int64)
		if status != "open" || balance <= 0 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "该追缴已结清"}
		}
		if in.AmountFen > balance {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("金额 %s 元超过尚欠的 %s 元", in.AmountFen.Yuan(), balance.Yuan())}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_entries (recovery_id, kind, amount_fen, on_day, note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, in.Kind, in.AmountFen, in.On, in.Note, At(db.now()), a.Username); err != nil {
			return err
		}
		if in.AmountFen == balance {
			if _, err := tx.Exec(ctx, `UPDATE recoveries SET status = 'settled' WHERE id = ?`, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "recovery.entry", Entity: "recovery", EntityID: strconv.FormatInt(id, 10), Region: r.Region,
			Summary: fmt.Sprintf("追缴 %d：%s %s 元，尚欠 %s 元", id, map[string]string{"repayment": "退回", "waiver": "核销"}[in.Kind], in.AmountFen.Yuan(),
				(balance - in.AmountFen).Yuan()), After: map[string]any{"kind": in.Kind, "amount_fen": int64(in.AmountFen), "note": in.Note}})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return r, err
		}
		return r, fmt.Errorf("sqldb: recovery entry: %w", err)
	}
	return db.Recovery(ctx, id)
}

// LedgerEntry is one line of an enrolment's ledger.
type LedgerEntry struct {
	Month     minzheng.Month `json:"month"` // the benefit month, or the month of a recovery's entry
	Kind      string         `json:"kind"`  // payment, returned, recovery, fine, repayment, waiver
	Text      string         `json:"text"`
	AmountFen minzheng.Fen   `json:"amount_fen"`
	PaymentID int64          `json:"payment_id,omitempty"`
	Recovery  int64          `json:"recovery_id,omitempty"`
}

// Ledger is everything owed, paid, returned and recovered on an enrolment,
// with its balances.
type Ledger struct {
	Enrolment   Enrolment     `json:"enrolment"`
	Entries     []LedgerEntry `json:"entries"`
	DueFen      minzheng.Fen  `json:"due_fen"`      // approved payments, whatever the bank did
	PaidFen     minzheng.Fen  `json:"paid_fen"`     // the bank confirmed
	InBankFen   minzheng.Fen  `json:"in_bank_fen"`  // approved, not yet answered
	ReturnedFen minzheng.Fen  `json:"returned_fen"` // the bank returned as failed
	RecoverFen  minzheng.Fen  `json:"recover_fen"`  // found not owed, to be paid back
	FineFen     minzheng.Fen  `json:"fine_fen"`     // fines
	RepaidFen   minzheng.Fen  `json:"repaid_fen"`   // paid back
	WaivedFen   minzheng.Fen  `json:"waived_fen"`   // written off
	OwedFen     minzheng.Fen  `json:"owed_fen"`     // still to be paid back
	NetPaidFen  minzheng.Fen  `json:"net_paid_fen"` // what the household kept: paid less repaid
}

// EnrolmentLedger is an enrolment's ledger.
func (db *DB) EnrolmentLedger(ctx context.Context, id int64) (Ledger, error) {
	if _, err := requireHouseholds(ctx, auth.PermPaymentRead); err != nil {
		return Ledger{}, err
	}
	var l Ledger
	var caseID sql.NullInt64
	var review string
	err := db.QueryRow(ctx, `SELECT id, case_id, program, household_id, subject, region_code, amount_fen, amount_kwh, period, first_month,
		COALESCE(next_review, ''), status, granted, persons FROM enrolments WHERE id = ?`, id).Scan(&l.Enrolment.ID, &caseID, &l.Enrolment.Program,
		&l.Enrolment.HouseholdID, &l.Enrolment.Subject, &l.Enrolment.Region, &l.Enrolment.AmountFen, &l.Enrolment.AmountKWh, &l.Enrolment.Period,
		&l.Enrolment.FirstMonth, &review, &l.Enrolment.Status, &l.Enrolment.Granted, &l.Enrolment.Persons)
	if err != nil {
		return l, notFound(err, fmt.Sprintf("待遇 %d", id))
	}
	if review != "" {
		if l.Enrolment.NextReview, err = minzheng.ParseDate(review); err != nil {
			return l, err
		}
	}
	if caseID.Valid {
		l.Enrolment.CaseID = &caseID.Int64
	}
	if err := db.CheckScope(ctx, "查看辖区外的待遇台账", "enrolment", strconv.FormatInt(id, 10), region.Code(l.Enrolment.Region)); err != nil {
		return Ledger{}, err
	}
	if l.Enrolment.Subject != "" {
		l.Enrolment.Subject = minzheng.MaskID(l.Enrolment.Subject)
	}
	l.Entries = []LedgerEntry{}
	cond, args := `enrolment_id = ? AND `+paidOut, []any{id}
	if caseID.Valid {
		// Advance aid is booked on the case, before the enrolment exists.
		cond, args = `(enrolment_id = ? OR (case_id = ? AND kind = 'advance')) AND `+paidOut, []any{id, caseID.Int64}
	}
	rows, err := db.Query(ctx, `SELECT `+paymentColumns+` FROM payments WHERE `+cond+` ORDER BY benefit_month, id`, args...)
	if err != nil {
		return l, fmt.Errorf("sqldb: ledger: %w", err)
	}
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			rows.Close()
			return l, err
		}
		text := fmt.Sprintf("%s %s（%s 发放）", p.BenefitMonth, kindName(p.Kind), p.PayMonth)
		l.Entries = append(l.Entries, LedgerEntry{Month: p.BenefitMonth, Kind: "payment", Text: text + "，" + PaymentStatuses[p.Status], AmountFen: p.AmountFen, PaymentID: p.ID})
		l.DueFen += p.AmountFen
		switch p.Status {
		case "paid":
			l.PaidFen += p.AmountFen
		case "due":
			l.InBankFen += p.AmountFen
		case "failed":
			l.ReturnedFen += p.AmountFen
			l.Entries = append(l.Entries, LedgerEntry{Month: p.BenefitMonth, Kind: "returned", Text: "银行退回：" + p.BankReason, AmountFen: -p.AmountFen, PaymentID: p.ID})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return l, err
	}
	recs, err := db.Query(ctx, `SELECT id FROM recoveries WHERE enrolment_id = ? ORDER BY id`, id)
	if err != nil {
		return l, fmt.Errorf("sqldb: ledger: %w", err)
	}
	var ids []int64
	for recs.Next() {
		var rid int64
		if err := recs.Scan(&rid); err != nil {
			recs.Close()
			return l, err
		}
		ids = append(ids, rid)
	}
	recs.Close()
	for _, rid := range ids {
		r, err := db.Recovery(ctx, rid)
		if err != nil {
			return l, err
		}
		m := minzheng.DateOf(r.OpenedAt).Month()
		l.Entries = append(l.Entries, LedgerEntry{Month: m, Kind: "recovery", Text: "追缴：" + r.ReasonName, AmountFen: r.AmountFen, Recovery: r.ID})
		if r.FineFen > 0 {
			l.Entries = append(l.Entries, LedgerEntry{Month: m, Kind: "fine", Text: "罚款（《社会救助暂行办法》第68条）", AmountFen: r.FineFen, Recovery: r.ID})
		}
		for _, e := range r.Entries {
			l.Entries = append(l.Entries, LedgerEntry{Month: e.On.Month(), Kind: e.Kind, Text: map[string]string{"repayment": "退回追缴款", "waiver": "核销"}[e.Kind] + " " + e.Note,
				AmountFen: -e.AmountFen, Recovery: r.ID})
		}
		l.RecoverFen += r.AmountFen
		l.FineFen += r.FineFen
		l.RepaidFen += r.RepaidFen
		l.WaivedFen += r.WaivedFen
		l.OwedFen += r.BalanceFen
	}
	l.NetPaidFen = l.PaidFen - l.RepaidFen
	return l, nil
}
