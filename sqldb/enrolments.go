package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"minzheng/region"
	"strconv"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/casework"
	"minzheng/policy"
	"minzheng/registry"
)

func init() {
	audit.Register("enrolment.create", "纳入保障")
	audit.Register("enrolment.auto_grant", "免申即享")
	audit.Register("case.linked", "联动办理")
	audit.Register("enrolment.review", "核查后调整待遇")
	audit.Register("review.open", "启动定期核查")
	audit.Register("enrolment.death_stop", "死亡停发本人待遇")
	audit.Register("enrolment.import", "接转存量对象")
}

// paidFromApplication are the programmes paid from the month of the
// application rather than the month after the decision: the two disability
// subsidies (RULES.md B5, 国发〔2015〕52号 as the local texts apply it).
var paidFromApplication = map[string]bool{"disability_living": true, "disability_care": true}

// Enrolment is a granted benefit.
type Enrolment struct {
	ID          int64          `json:"id"`
	CaseID      *int64         `json:"case_id"`
	Program     string         `json:"program"`
	HouseholdID int64          `json:"household_id"`
	Subject     string         `json:"subject,omitempty"`
	Region      string         `json:"region"`
	AmountFen   minzheng.Fen   `json:"amount_fen"`
	AmountKWh   int64          `json:"amount_kwh,omitempty"`
	Period      string         `json:"period"`
	FirstMonth  minzheng.Month `json:"first_month"`
	NextReview  minzheng.Date  `json:"next_review"`
	Status      string         `json:"status"`
	Granted     string         `json:"granted"` // decision or auto_grant
	Persons     int            `json:"persons"` // persons the payment covers
}

// personsCovered is how many persons an enrolment's payment covers: one
// for a person's benefit; those covered alone under 单人保 (《低保办法》
// 第8条); otherwise the household's members.
func personsCovered(subject string, d *policy.Decision, h *registry.Household) int {
	switch {
	case subject != "":
		return 1
	case d != nil && d.SinglePerson && len(d.Covered) > 0:
		return len(d.Covered)
	case h != nil && len(h.Members) > 0:
		return len(h.Members)
	}
	return 0
}

// nextReview is the periodic review of 《低保办法》第31条: every six months
// when a member is of working age and able to work (whose income may
// change), otherwise once a year.
func nextReview(h *registry.Household, day minzheng.Date) minzheng.Date {
	months := 12
	for _, m := range h.Members {
		age := registry.Age(m.Birth, day)
		severe := m.Disability != nil && m.Disability.Level <= 2
		if age >= 16 && age < 60 && !severe && m.SeriousIllness == "" {
			months = 6
			break
		}
	}
	tm := day.Month() + minzheng.Month(months)
	if d := tm.First().AddDays(day.Time().Day() - 1); d <= tm.Last() {
		return d
	}
	return tm.Last()
}

// enrol records an approved case's enrolment, then grants the region's
// no-application programmes (免申即享) and opens its linked cases (联动办理)
// for what the rules find the household or its members eligible for. It
// runs in the approving transaction; it returns what it did, for the
// event's record.
func (tx *Tx) enrol(ctx context.Context, db *DB, c *CaseRecord, h *registry.Household, book *policy.Book, day minzheng.Date, actor minzheng.Actor) (map[string]any, error) {
	d := c.Decision
	first := day.Month() + 1
	if paidFromApplication[c.Program] {
		first = minzheng.DateOf(c.CreatedAt).Month()
	}
	review := nextReview(h, day)
	caseID := c.ID
	id, err := tx.insertEnrolment(ctx, db, Enrolment{CaseID: &caseID, Program: c.Program, HouseholdID: c.HouseholdID, Subject: c.Subject,
		Region: c.Region, AmountFen: d.AmountFen, Period: d.Period, FirstMonth: first, NextReview: review, Granted: "decision",
		Persons: personsCovered(c.Subject, d, h)}, d, actor)
	if err != nil {
		return nil, err
	}
	done := map[string]any{"enrolment_id": id, "first_month": first.String(), "next_review": review.String()}
	if c.Program != "dibao" && c.Program != "tekun" {
		return done, nil
	}
	list := func(name string) policy.Value {
		if row := book.Row(name, c.Region, day); row != nil {
			return row.Parsed()
		}
		return policy.Value{}
	}
	auto, linked := list("casework.auto_grant"), list("casework.linked")
	household := policy.FromRegistry(h, day)
	household.Benefits = append(household.Benefits, policy.Benefit{Program: c.Program, MonthlyFen: d.AmountFen})
	var granted []string
	var opened []int64
	for _, prog := range append(append([]string(nil), auto.List...), linked.List...) {
		if prog == c.Program {
			continue
		}
		p, ok := policy.ProgramByCode(prog)
		if !ok {
			continue
		}
		subjects := []string{""}
		if p.Person {
			subjects = subjects[:0]
			for _, m := range household.Members {
				subjects = append(subjects, m.IDNumber)
			}
		}
		for _, subject := range subjects {
			dec, err := policy.Evaluate(policy.Request{Program: prog, Date: day, Region: c.Region, Subject: subject, Household: household}, book)
			if err != nil || !dec.IsEligible() {
				continue // a linked programme the rules cannot decide waits for an application
			}
			var open int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM enrolments WHERE household_id = ? AND program = ? AND subject = ? AND status = 'active'`,
				c.HouseholdID, prog, subject).Scan(&open); err != nil {
				return nil, err
			}
			if open > 0 {
				continue
			}
			if auto.Has(prog) {
				// A programme on both lists is granted without application.
				if _, err := tx.insertEnrolment(ctx, db, Enrolment{Program: prog, HouseholdID: c.HouseholdID, Subject: subject, Region: c.Region,
					AmountFen: dec.AmountFen, AmountKWh: kwh(dec), Period: dec.Period, FirstMonth: first, NextReview: review, Granted: "auto_grant",
					Persons: personsCovered(subject, &dec, h)}, &dec, actor); err != nil {
					return nil, err
				}
				granted = append(granted, prog)
				continue
			}
			if _, ok := casework.FlowOf(prog); !ok {
				continue
			}
			var lid int64
			if err := tx.QueryRow(ctx, `INSERT INTO cases (program, variant, kind, household_id, subject, region_code, state, created_at, created_by, updated_at)
				VALUES (?, '', 'linked', ?, ?, ?, 'applied', ?, ?, ?) RETURNING id`, prog, c.HouseholdID, subject, c.Region, At(db.now()), actor.Username, At(db.now())).Scan(&lid); err != nil {
				return nil, err
			}
			if err := tx.Audit(ctx, audit.Event{Action: "case.linked", Entity: "case", EntityID: strconv.FormatInt(lid, 10), Region: c.Region,
				Summary: fmt.Sprintf("案件 %d 批准后联动办理%s", c.ID, p.Name)}); err != nil {
				return nil, err
			}
			opened = append(opened, lid)
		}
	}
	if len(granted) > 0 {
		done["auto_granted"] = granted
	}
	if len(opened) > 0 {
		done["linked_cases"] = opened
	}
	return done, nil
}

func kwh(d policy.Decision) int64 {
	if d.AmountKWh != nil {
		return *d.AmountKWh
	}
	return 0
}

func (tx *Tx) insertEnrolment(ctx context.Context, db *DB, e Enrolment, d *policy.Decision, actor minzheng.Actor) (int64, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return 0, err
	}
	var caseID any = minzheng.SQLNull
	if e.CaseID != nil {
		caseID = *e.CaseID
	}
	var id int64
	// A one-off benefit (临时救助) is paid once, for its first month: its
	// row is 'once' and stops the month after, so that a household may
	// receive it again for another emergency.
	status, stop := "active", any(minzheng.SQLNull)
	if e.Period == "once" {
		status, stop = "once", e.FirstMonth+1
	}
	if err := tx.QueryRow(ctx, `INSERT INTO enrolments (case_id, program, household_id, subject, region_code, amount_fen, amount_kwh, period,
		first_month, next_review, status, stopped_from, granted, decision, persons, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		caseID, e.Program, e.HouseholdID, e.Subject, e.Region, e.AmountFen, e.AmountKWh, e.Period, e.FirstMonth, e.NextReview, status, stop, e.Granted,
		string(b), e.Persons, At(db.now()), actor.Username).Scan(&id); err != nil {
		return 0, err
	}
	action, what := "enrolment.create", "纳入"
	switch e.Granted {
	case "auto_grant":
		action, what = "enrolment.auto_grant", "免申即享纳入"
	case "import":
		action, what = "enrolment.import", "接转存量对象"
	}
	name := e.Program
	if p, ok := policy.ProgramByCode(e.Program); ok {
		name = p.Name
	}
	return id, tx.Audit(ctx, audit.Event{Action: action, Entity: "enrolment", EntityID: strconv.FormatInt(id, 10), Region: e.Region,
		Summary: fmt.Sprintf("第 %d 户%s%s，%s 起每%s %s 元", e.HouseholdID, what, name, e.FirstMonth, map[string]string{"month": "月", "once": "次"}[e.Period], e.AmountFen.Yuan())})
}

// Enrolments lists a household's enrolments (in the actor's region).
func (db *DB) Enrolments(ctx context.Context, householdID int64) ([]Enrolment, error) {
	if _, err := requireHouseholds(ctx, auth.PermCaseRead); err != nil {
		return nil, err
	}
	if _, err := db.householdScope(ctx, householdID, "查看辖区外家庭的待遇："); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT id, case_id, program, household_id, subject, region_code, amount_fen, amount_kwh, period, first_month,
		next_review, status, granted FROM enrolments WHERE household_id = ? ORDER BY id`, householdID)
	if err != nil {
		return nil, fmt.Errorf("sqldb: enrolments: %w", err)
	}
	defer rows.Close()
	out := []Enrolment{}
	for rows.Next() {
		var e Enrolment
		var caseID *int64
		if err := rows.Scan(&e.ID, &caseID, &e.Program, &e.HouseholdID, &e.Subject, &e.Region, &e.AmountFen, &e.AmountKWh, &e.Period,
			&e.FirstMonth, &e.NextReview, &e.Status, &e.Granted); err != nil {
			return nil, err
		}
		e.CaseID = caseID
		if e.Subject != "" {
			e.Subject = minzheng.MaskID(e.Subject)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// applyReview carries a review's outcome to the enrolment it reviewed, from
// the next month: a new amount (the old row ends, a new one begins, so the
// history stays), a stop with its reasons, or a phase-out ending after the
// months given. The next review is set again.
func (tx *Tx) applyReview(ctx context.Context, db *DB, c *CaseRecord, ev casework.Event, h *registry.Household, day minzheng.Date, actor minzheng.Actor) (map[string]any, error) {
	var id int64
	var amount minzheng.Fen
	err := tx.QueryRow(ctx, `SELECT id, amount_fen FROM enrolments WHERE household_id = ? AND program = ? AND subject = ? AND status = 'active'
		ORDER BY id DESC LIMIT 1`, c.HouseholdID, c.Program, c.Subject).Scan(&id, &amount)
	if err != nil {
		return nil, &minzheng.Error{Code: minzheng.CodeConflict, Message: "没有在保的待遇可以核查"}
	}
	next := day.Month() + 1
	done := map[string]any{"enrolment_id": id}
	switch ev.Action {
	case casework.Recalculate:
		review := nextReview(h, day)
		if c.Decision.AmountFen == amount {
			if _, err := tx.Exec(ctx, `UPDATE enrolments SET next_review = ? WHERE id = ?`, review, id); err != nil {
				return nil, err
			}
			done["next_review"] = review.String()
			return done, nil
		}
		if _, err := tx.Exec(ctx, `UPDATE enrolments SET status = 'changed', stopped_from = ? WHERE id = ?`, next, id); err != nil {
			return nil, err
		}
		caseID := c.ID
		nid, err := tx.insertEnrolment(ctx, db, Enrolment{CaseID: &caseID, Program: c.Program, HouseholdID: c.HouseholdID, Subject: c.Subject,
			Region: c.Region, AmountFen: c.Decision.AmountFen, Period: c.Decision.Period, FirstMonth: next, NextReview: review, Granted: "review",
			Persons: personsCovered(c.Subject, c.Decision, h)}, c.Decision, actor)
		if err != nil {
			return nil, err
		}
		done["new_enrolment_id"], done["amount_fen"], done["from"] = nid, int64(c.Decision.AmountFen), next.String()
	case casework.StopBenefit:
		if _, err := tx.Exec(ctx, `UPDATE enrolments SET status = 'stopped', stopped_from = ? WHERE id = ?`, next, id); err != nil {
			return nil, err
		}
		done["stopped_from"] = next.String()
		// Payments found not owed since a month the review names are to be
		// paid back; where fraud is decided, with a fine of 1–3 times the
		// amount (《社会救助暂行办法》第68条).
		if from := ev.Fields.Text("undue_from"); from != "" {
			m, err := minzheng.ParseMonth(from)
			if err != nil {
				return nil, minzheng.Invalid("undue_from", "月份“%s”格式不对，应为 YYYY-MM", from)
			}
			reason, fine := RecoveryUndue, 0
			if ev.Fields.Bool("fraud") {
				reason = RecoveryFraud
				fine, _ = strconv.Atoi(ev.Fields.Text("fine_multiple"))
			}
			rid, amount, err := tx.openRecovery(ctx, db, actor, id, m, reason, ev.Fields.Text("reason"), c.ID, fine)
			if err != nil {
				return nil, err
			}
			if rid != 0 {
				done["recovery_id"], done["recovery_fen"] = rid, int64(amount)
			}
		}
		// What was granted without application on the strength of this
		// benefit (免申即享) ends with it.
		res, err := tx.Exec(ctx, `UPDATE enrolments SET status = 'stopped', stopped_from = ? WHERE household_id = ? AND granted = 'auto_grant'
			AND status = 'active' AND created_at >= (SELECT created_at FROM enrolments WHERE id = ?)`, next, c.HouseholdID, id)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			done["auto_granted_stopped"] = n
		}
	case casework.PhaseOut:
		n, _ := strconv.Atoi(ev.Fields.Text("months"))
		end := next + minzheng.Month(n)
		if _, err := tx.Exec(ctx, `UPDATE enrolments SET status = 'phasing_out', stopped_from = ?, phase_out_from = ? WHERE id = ?`, end, next, id); err != nil {
			return nil, err
		}
		done["stopped_from"] = end.String()
	}
	return done, tx.Audit(ctx, audit.Event{Action: "enrolment.review", Entity: "enrolment", EntityID: strconv.FormatInt(id, 10), Region: c.Region,
		Summary: fmt.Sprintf("案件 %d 核查后：%s", c.ID, casework.StateNames[c.State]), After: done})
}

// OpenDueReviews opens a review case for every benefit of the region whose
// periodic review is due by day (第31条) and has none open; it answers how
// many it opened.
func (db *DB) OpenDueReviews(ctx context.Context, scope region.Code, day minzheng.Date) (int, error) {
	a, err := requireHouseholds(ctx, auth.PermCaseAct)
	if err != nil {
		return 0, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return 0, db.Deny(ctx, "为辖区外启动定期核查", "region", string(scope), scope)
	}
	cond, args := InRegion("e.region_code", scope)
	opened := 0
	err = db.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.Query(ctx, `SELECT e.household_id, e.program, e.subject, e.region_code FROM enrolments e
			WHERE `+cond+` AND e.status = 'active' AND e.program IN ('dibao', 'tekun') AND e.next_review IS NOT NULL AND e.next_review <= ?
			AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = e.household_id AND c.program = e.program AND c.subject = e.subject
				AND c.kind = 'review' AND c.state NOT IN (`+finalStates+`))`, append(args, day)...)
		if err != nil {
			return err
		}
		type due struct {
			hid                   int64
			program, subject, reg string
		}
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.hid, &d.program, &d.subject, &d.reg); err != nil {
				rows.Close()
				return err
			}
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range list {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO cases (program, variant, kind, household_id, subject, region_code, state, created_at, created_by, updated_at)
				VALUES (?, 'review', 'review', ?, ?, ?, 'applied', ?, ?, ?) RETURNING id`, d.program, d.hid, d.subject, d.reg, At(db.now()), a.Username, At(db.now())).Scan(&id); err != nil {
				return err
			}
			opened++
		}
		if opened == 0 {
			return nil
		}
		return tx.Audit(ctx, audit.Event{Action: "review.open", Entity: "region", EntityID: string(scope), Region: string(scope),
			Summary: fmt.Sprintf("启动到期的定期核查 %d 件（截至 %s）", opened, day)})
	})
	if err != nil {
		return 0, fmt.Errorf("sqldb: open reviews: %w", err)
	}
	return opened, nil
}

// onDeath is what a recorded death sets off (DESIGN.md §8): the deceased's
// own enrolments stop from the month after the death — the one stop no
// case decides — and each household benefit still paid gets a review case,
// due within three months of the death (《2022通知》一(三)), which alone
// may change it.
func (tx *Tx) onDeath(ctx context.Context, db *DB, a minzheng.Actor, hid int64, reg, idNumber string, died minzheng.Date) error {
	stop := died.Month() + 1
	var own []int64
	rows, err := tx.Query(ctx, `SELECT id FROM enrolments WHERE household_id = ? AND subject = ? AND status IN ('active', 'phasing_out')`, hid, idNumber)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		own = append(own, id)
	}
	rows.Close()
	res, err := tx.Exec(ctx, `UPDATE enrolments SET status = 'stopped', stopped_from = ? WHERE household_id = ? AND subject = ? AND status IN ('active', 'phasing_out')`,
		stop, hid, idNumber)
	if err != nil {
		return err
	}
	// What was paid for the months after the death is to be paid back.
	for _, id := range own {
		if _, _, err := tx.openRecovery(ctx, db, a, id, stop, RecoveryDeath, fmt.Sprintf("对象于 %s 死亡", died), 0, 0); err != nil {
			return err
		}
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if err := tx.Audit(ctx, audit.Event{Action: "enrolment.death_stop", Entity: "household", EntityID: strconv.FormatInt(hid, 10), Region: reg,
			Summary: fmt.Sprintf("成员 %s 于 %s 死亡，其本人的 %d 项待遇自 %s 起停止", minzheng.MaskID(idNumber), died, n, stop)}); err != nil {
			return err
		}
	}
	rows, err = tx.Query(ctx, `SELECT DISTINCT program FROM enrolments WHERE household_id = ? AND subject = '' AND status = 'active' AND program IN ('dibao', 'tekun')`, hid)
	if err != nil {
		return err
	}
	var programs []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return err
		}
		programs = append(programs, p)
	}
	rows.Close()
	tm := died.Month() + 3
	due := tm.First().AddDays(died.Time().Day() - 1)
	if due > tm.Last() {
		due = tm.Last()
	}
	for _, p := range programs {
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE household_id = ? AND program = ? AND kind = 'review'
			AND state NOT IN (`+finalStates+`)`, hid, p).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			continue
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO cases (program, variant, kind, household_id, subject, region_code, state, deadline, step_deadline, created_at, created_by, updated_at)
			VALUES (?, 'review', 'review', ?, '', ?, 'applied', ?, ?, ?, ?, ?) RETURNING id`, p, hid, reg, due, due, At(db.now()), a.Username, At(db.now())).Scan(&id); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Event{Action: "review.open", Entity: "case", EntityID: strconv.FormatInt(id, 10), Region: reg,
			Summary: fmt.Sprintf("家庭成员死亡，启动第 %d 户的核查（%s 前完成）", hid, due)}); err != nil {
			return err
		}
	}
	return nil
}

// ImportEnrolments takes over the recipients a region already had when it
// began to use minzheng (存量对象接转): every active household of the region
// — or member, for a person's programme — that the rules find eligible on
// day is enrolled from month first, granted "import", with the rules'
// decision kept as its record. 低保 comes first; 特困 only where the
// household receives no 低保 (the two exclude each other, 《社会救助暂行
// 办法》第14条 and 第10条). A benefit already in payment is left alone. It
// is the command line's (the system actor's), audited per enrolment; it
// answers how many it enrolled per programme.
func (db *DB) ImportEnrolments(ctx context.Context, scope region.Code, programs []string, day minzheng.Date, first minzheng.Month) (map[string]int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsSystem() {
		return nil, &minzheng.Error{Code: minzheng.CodeForbidden, Message: "存量对象接转只能在命令行以系统身份进行"}
	}
	book, err := db.ParamBook(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	cond, args := InRegion("region_code", scope)
	if err := db.eachInt(ctx, `SELECT id FROM households WHERE status = 'active' AND `+cond+` ORDER BY id`, args, func(id int64) { ids = append(ids, id) }); err != nil {
		return nil, err
	}
	done := map[string]int{}
	for len(ids) > 0 {
		n := min(len(ids), 100)
		batch := ids[:n]
		ids = ids[n:]
		// Read and decide outside the transaction; write the batch in one.
		type grant struct {
			e Enrolment
			d policy.Decision
		}
		var grants []grant
		for _, hid := range batch {
			h, err := db.Household(ctx, hid, day)
			if err != nil {
				return nil, err
			}
			in := policy.FromRegistry(&h, day)
			hasDibao := false
			for _, prog := range programs {
				p, ok := policy.ProgramByCode(prog)
				if !ok {
					return nil, minzheng.Invalid("program", "项目“%s”不存在", prog)
				}
				if prog == "tekun" && hasDibao {
					continue
				}
				subjects := []string{""}
				if p.Person {
					subjects = subjects[:0]
					for _, m := range h.Members {
						subjects = append(subjects, string(m.IDNumber))
					}
				}
				for _, subject := range subjects {
					d, err := policy.Evaluate(policy.Request{Program: prog, Date: day, Region: h.Region, Subject: subject, Household: in}, book)
					if err != nil || !d.IsEligible() || (d.AmountFen <= 0 && kwh(d) == 0) || d.Period != "month" {
						continue
					}
					if prog == "dibao" {
						hasDibao = true
					}
					grants = append(grants, grant{Enrolment{Program: prog, HouseholdID: h.ID, Subject: subject, Region: h.Region, AmountFen: d.AmountFen,
						AmountKWh: kwh(d), Period: d.Period, FirstMonth: first, NextReview: nextReview(&h, day), Granted: "import",
						Persons: personsCovered(subject, &d, &h)}, d})
				}
			}
		}
		err := db.InTx(ctx, func(tx *Tx) error {
			for i := range grants {
				g := &grants[i]
				var open int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM enrolments WHERE household_id = ? AND program = ? AND subject = ? AND status IN ('active', 'phasing_out')`,
					g.e.HouseholdID, g.e.Program, g.e.Subject).Scan(&open); err != nil {
					return err
				}
				if open > 0 {
					continue
				}
				if _, err := tx.insertEnrolment(ctx, db, g.e, &g.d, a); err != nil {
					return err
				}
				done[g.e.Program]++
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("sqldb: import enrolments: %w", err)
		}
	}
	return done, nil
}
