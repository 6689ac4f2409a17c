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

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/casework"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/registry"
)

func init() {
	audit.Register("case.create", "登记申请")
	audit.Register("case.action", "办理案件")
}

// NewCase is an application to record.
type NewCase struct {
	Program     string `json:"program"`
	Variant     string `json:"variant,omitempty"` // linshi: emergency or expenditure
	HouseholdID int64  `json:"household_id"`
	Subject     string `json:"subject,omitempty"` // the person's ID number, for person programmes
	// Key is the request's Idempotency-Key: the same key again answers the
	// case first registered with it, and registers nothing.
	Key string `json:"-"`
}

// CaseRecord is a case with its history, as stored.
type CaseRecord struct {
	casework.Case
	Variant string           `json:"variant,omitempty"`
	History []casework.Event `json:"history"`
	// KinFlag is set at acceptance when a member is a registered relative
	// of assistance staff or a village cadre (近亲属备案).
	KinFlag  bool     `json:"kin_flag"`
	kinStaff []string // their usernames: they may not act on the case
}

// KinStaff are the usernames of the staff a registered relative ties to
// the case: they may not act on it (《低保办法》第11条).
func (c CaseRecord) KinStaff() []string { return c.kinStaff }

// Proposed is the decision the rules engine would give the case's
// household today: what a page needs to show who may decide it.
func (db *DB) Proposed(ctx context.Context, c CaseRecord) (policy.Decision, error) {
	book, err := db.ParamBook(ctx)
	if err != nil {
		return policy.Decision{}, err
	}
	day := minzheng.DateOf(db.clock.Now())
	h, err := db.Household(ctx, c.HouseholdID, day)
	if err != nil {
		return policy.Decision{}, err
	}
	return policy.Evaluate(policy.Request{Program: c.Program, Date: day, Region: h.Region, Subject: c.Subject,
		Options: policy.Options{Kind: c.Variant}, Household: policy.FromRegistry(&h, day)}, book)
}

const caseColumns = `id, program, variant, kind, household_id, subject, region_code, state, accepted_on, deadline, step_deadline,
	deadline_at, provisional, extended, notice_from, decision, created_at, created_by, version, kin_flag, kin_staff, suspended_on, suspended_days, verify_result`

func scanCase(sc interface{ Scan(...any) error }) (CaseRecord, error) {
	var c CaseRecord
	var deadlineAt, created Instant
	var decision sql.NullString
	var staff string
	err := sc.Scan(&c.ID, &c.Program, &c.Variant, &c.Kind, &c.HouseholdID, &c.Subject, &c.Region, &c.State, &c.AcceptedOn,
		&c.Deadline, &c.StepDeadline, &deadlineAt, &c.Provisional, &c.Extended, &c.NoticeFrom, &decision, &created, &c.CreatedBy, &c.Version,
		&c.KinFlag, &staff, &c.SuspendedOn, &c.SuspendedDays, &c.VerifyResult)
	if err != nil {
		return c, err
	}
	_ = json.Unmarshal([]byte(staff), &c.kinStaff)
	c.CreatedAt = created.Time
	if !deadlineAt.IsZero() {
		t := deadlineAt.Time
		c.DeadlineAt = &t
	}
	if decision.Valid && decision.String != "" {
		var d policy.Decision
		if err := json.Unmarshal([]byte(decision.String), &d); err != nil {
			return c, fmt.Errorf("sqldb: case %d decision: %w", c.ID, err)
		}
		c.Decision = &d
	}
	return c, nil
}

// finalStates are the states no action follows, for SQL.
const finalStates = `'approved', 'rejected', 'withdrawn', 'terminated', 'continued', 'stopped', 'phasing_out'`

// flowOf is the flow of a stored case.
func flowOf(c *CaseRecord) (*casework.Flow, error) {
	f, ok := casework.FlowFor(c.Program, c.Variant)
	if !ok {
		return nil, fmt.Errorf("sqldb: case %d: no flow for %s", c.ID, c.Program)
	}
	return f, nil
}

// CreateCase records an application (state applied) for a household in the
// actor's region. Acceptance is the first action, and starts the clock.
func (db *DB) CreateCase(ctx context.Context, in NewCase) (CaseRecord, error) {
	a, err := requireHouseholds(ctx, auth.PermCaseAct)
	if err != nil {
		return CaseRecord{}, err
	}
	if in.Key != "" {
		var resp, action string
		err := db.QueryRow(ctx, `SELECT response, action FROM case_requests WHERE actor_id = ? AND key = ?`, a.UserID, in.Key).Scan(&resp, &action)
		switch {
		case err == nil && action != "create":
			return CaseRecord{}, &minzheng.Error{Code: minzheng.CodeConflict, Message: "这个 Idempotency-Key 已用于另一项操作，请为每次新的操作使用新的 Key"}
		case err == nil:
			var c CaseRecord
			if err := json.Unmarshal([]byte(resp), &c); err != nil {
				return c, fmt.Errorf("sqldb: idempotent answer: %w", err)
			}
			return c, nil
		case !errors.Is(err, sql.ErrNoRows):
			return CaseRecord{}, fmt.Errorf("sqldb: idempotency key: %w", err)
		}
	}
	if _, ok := casework.FlowOf(in.Program); !ok {
		return CaseRecord{}, minzheng.Invalid("program", "救助项目“%s”没有办理流程，可选：%s", in.Program, strings.Join(casework.Programs(), "、"))
	}
	if in.HouseholdID <= 0 {
		return CaseRecord{}, minzheng.Invalid("household_id", "请填写申请家庭的户号")
	}
	kind := "application"
	switch {
	case in.Program == "linshi" && in.Variant != "emergency" && in.Variant != "expenditure":
		return CaseRecord{}, minzheng.Invalid("kind", "临时救助请注明类型：emergency（急难型）或 expenditure（支出型）")
	case (in.Variant == "review" || in.Variant == "change") && (in.Program == "dibao" || in.Program == "tekun"):
		kind = in.Variant
	case in.Program != "linshi" && in.Variant != "":
		return CaseRecord{}, minzheng.Invalid("kind", "类型“%s”不对：临时救助为 emergency 或 expenditure，低保、特困的定期核查为 review、情况变化为 change", in.Variant)
	}
	reg, err := db.householdScope(ctx, in.HouseholdID, "为辖区外家庭登记申请：")
	if err != nil {
		return CaseRecord{}, err
	}
	prog, _ := policy.ProgramByCode(in.Program)
	if in.Subject != "" {
		id, err := registry.ParseIDNumber(in.Subject, db.today(), "subject")
		if err != nil {
			return CaseRecord{}, err
		}
		h, err := db.Household(ctx, in.HouseholdID, db.today())
		if err != nil {
			return CaseRecord{}, err
		}
		found := false
		for _, m := range h.Members {
			found = found || m.IDNumber == id
		}
		if !found {
			return CaseRecord{}, minzheng.Invalid("subject", "身份证号 %s 不是第 %d 户的成员", id.Masked(), in.HouseholdID)
		}
		in.Subject = string(id)
	} else if prog != nil && prog.Person {
		return CaseRecord{}, minzheng.Invalid("subject", "%s以个人为对象，请在 subject 中填写申请人的身份证号", prog.Name)
	}
	now := db.now()
	// An emergency is answered within the region's hours of the
	// application (青海 12): that clock starts now.
	var answerBy any = minzheng.SQLNull
	var answerOn minzheng.Date
	if in.Program == "linshi" && in.Variant == "emergency" {
		book, err := db.ParamBook(ctx)
		if err != nil {
			return CaseRecord{}, err
		}
		settings, err := casework.SettingsFor(book, string(reg), in.Program, minzheng.DateOf(now))
		if err != nil {
			return CaseRecord{}, err
		}
		if h := casework.AnswerHours(settings); h > 0 {
			at := now.Add(time.Duration(h) * time.Hour)
			answerBy, answerOn = At(at), minzheng.DateOf(at)
		}
	}
	var c CaseRecord
	err = db.InTx(ctx, func(tx *Tx) error {
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE household_id = ? AND program = ? AND subject = ? AND kind = ?
			AND state NOT IN (`+finalStates+`)`, in.HouseholdID, in.Program, in.Subject, kind).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("第 %d 户已有办理中的%s案件，不能重复登记", in.HouseholdID, prog.Name)}
		}
		if kind == "application" && in.Program != "linshi" {
			var paid int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM enrolments WHERE household_id = ? AND program = ? AND subject = ? AND status IN ('active', 'phasing_out')`,
				in.HouseholdID, in.Program, in.Subject).Scan(&paid); err != nil {
				return err
			}
			if paid > 0 {
				return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("第 %d 户正在享受%s；家庭情况变化请登记变更（kind: change）", in.HouseholdID, prog.Name)}
			}
		}
		var id int64
		if kind == "review" || kind == "change" {
			var active int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM enrolments WHERE household_id = ? AND program = ? AND subject = ? AND status = 'active'`,
				in.HouseholdID, in.Program, in.Subject).Scan(&active); err != nil {
				return err
			}
			if active == 0 {
				return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("第 %d 户没有在保的%s，无需核查", in.HouseholdID, prog.Name)}
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO cases (program, variant, kind, household_id, subject, region_code, state, deadline_at, step_deadline,
			created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?, ?, ?) RETURNING id`,
			in.Program, in.Variant, kind, in.HouseholdID, in.Subject, string(reg), answerBy, answerOn, At(now), a.Username, At(now)).Scan(&id); err != nil {
			return err
		}
		row := tx.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id)
		var err error
		if c, err = scanCase(row); err != nil {
			return err
		}
		if in.Key != "" {
			c.History = []casework.Event{}
			b, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO case_requests (actor_id, key, case_id, action, response, created_at) VALUES (?, ?, ?, 'create', ?, ?)`,
				a.UserID, in.Key, id, string(b), At(now)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "case.create", Entity: "case", EntityID: strconv.FormatInt(id, 10), Region: string(reg),
			Summary: fmt.Sprintf("为第 %d 户登记%s申请", in.HouseholdID, prog.Name), After: map[string]any{"program": in.Program, "household_id": in.HouseholdID}})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return CaseRecord{}, err
		}
		if isUnique(err) {
			return CaseRecord{}, &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("第 %d 户已有办理中的%s案件，不能重复登记", in.HouseholdID, prog.Name)}
		}
		return CaseRecord{}, fmt.Errorf("sqldb: create case: %w", err)
	}
	c.History = []casework.Event{}
	return c, nil
}

// Case reads a case in the actor's region, with its history.
func (db *DB) Case(ctx context.Context, id int64) (CaseRecord, error) {
	if _, err := requireHouseholds(ctx, auth.PermCaseRead); err != nil {
		return CaseRecord{}, err
	}
	c, err := scanCase(db.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	if err != nil {
		return c, notFound(err, fmt.Sprintf("案件 %d", id))
	}
	if err := db.CheckScope(ctx, "查看辖区外案件 "+strconv.FormatInt(id, 10), "case", strconv.FormatInt(id, 10), region.Code(c.Region)); err != nil {
		return CaseRecord{}, err
	}
	if c.History, err = db.caseHistory(ctx, db.Query, id); err != nil {
		return c, err
	}
	return c, nil
}

func (db *DB) caseHistory(ctx context.Context, query func(context.Context, string, ...any) (*sql.Rows, error), id int64) ([]casework.Event, error) {
	rows, err := query(ctx, `SELECT seq, action, from_state, to_state, actor, role, at, fields FROM case_events WHERE case_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("sqldb: case history: %w", err)
	}
	defer rows.Close()
	out := []casework.Event{}
	for rows.Next() {
		var e casework.Event
		var at Instant
		var fields string
		if err := rows.Scan(&e.Seq, &e.Action, &e.From, &e.To, &e.Actor, &e.Role, &at, &fields); err != nil {
			return nil, err
		}
		e.At = at.Time
		_ = json.Unmarshal([]byte(fields), &e.Fields)
		out = append(out, e)
	}
	return out, rows.Err()
}

// decides are the actions that ask the rules engine (casework.Context
// .Decide): the household is read for them before the transaction.
var decides = map[casework.Action]bool{casework.Approve: true, casework.Reject: true, casework.PostNotice: true, casework.SpecialReview: true,
	casework.Recalculate: true, casework.StopBenefit: true, casework.PhaseOut: true}

// Act takes action on case id for the actor, with the calendar of the day,
// in one transaction: the case read and locked, the region's settings and
// the rules engine's decision for approvals, the table's checks (casework
// .Apply), the new state, the event and its audit entry. With an
// idempotency key, a repeat of the same request returns the first answer
// and changes nothing.
func (db *DB) Act(ctx context.Context, id int64, action casework.Action, in casework.Input, key string, cal *calendar.Calendar) (CaseRecord, error) {
	a, err := requireHouseholds(ctx, auth.PermCaseAct)
	if err != nil {
		return CaseRecord{}, err
	}
	// Scope first, outside the transaction: a refusal is audited in a
	// transaction of its own, which on SQLite could not start while this
	// one held the only write connection.
	var reg string
	if err := db.QueryRow(ctx, `SELECT region_code FROM cases WHERE id = ?`, id).Scan(&reg); err != nil {
		return CaseRecord{}, notFound(err, fmt.Sprintf("案件 %d", id))
	}
	if err := db.CheckScope(ctx, "办理辖区外案件 "+strconv.FormatInt(id, 10), "case", strconv.FormatInt(id, 10), region.Code(reg)); err != nil {
		return CaseRecord{}, err
	}
	if key != "" {
		var resp, keyAction string
		var keyCase int64
		err := db.QueryRow(ctx, `SELECT response, case_id, action FROM case_requests WHERE actor_id = ? AND key = ?`, a.UserID, key).Scan(&resp, &keyCase, &keyAction)
		if err == nil {
			if keyCase != id || keyAction != string(action) {
				return CaseRecord{}, &minzheng.Error{Code: minzheng.CodeConflict, Message: "这个 Idempotency-Key 已用于另一项操作，请为每次新的操作使用新的 Key"}
			}
			var c CaseRecord
			if err := json.Unmarshal([]byte(resp), &c); err != nil {
				return c, fmt.Errorf("sqldb: idempotent answer: %w", err)
			}
			return c, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return CaseRecord{}, err
		}
	}
	book, err := db.ParamBook(ctx)
	if err != nil {
		return CaseRecord{}, err
	}
	// The household as it stands today, read before the transaction: a
	// read inside it would need a second connection of the pool, and a
	// hundred clerks at once would wait on each other for ever.
	day := minzheng.DateOf(db.clock.Now())
	var household registry.Household
	if decides[action] {
		var hid int64
		if err := db.QueryRow(ctx, `SELECT household_id FROM cases WHERE id = ?`, id).Scan(&hid); err != nil {
			return CaseRecord{}, notFound(err, fmt.Sprintf("案件 %d", id))
		}
		if household, err = db.Household(ctx, hid, day); err != nil {
			return CaseRecord{}, err
		}
	}
	var out CaseRecord
	var decidedOn *policy.Request // the rules' input, kept with the decision
	err = db.InTx(ctx, func(tx *Tx) error {
		c, err := scanCase(tx.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`+tx.forUpdate(), id))
		if err != nil {
			return notFound(err, fmt.Sprintf("案件 %d", id))
		}
		if !region.ActorRegion(a).Contains(region.Code(c.Region)) {
			// Moved out of scope since the check above; refused, audited then.
			return minzheng.ErrForbidden
		}
		f, err := flowOf(&c)
		if err != nil {
			return err
		}
		now := db.clock.Now()
		today := day // the day the household was read for
		settings, err := casework.SettingsFor(book, c.Region, c.Program, today)
		if err != nil {
			return err
		}
		cctx := casework.Context{Actor: a, Now: now, Calendar: cal, Settings: settings,
			Decide: func(on minzheng.Date) (policy.Decision, error) {
				if !decides[action] || on != day {
					return policy.Decision{}, fmt.Errorf("sqldb: a decision for %s, not today (%s)", on, day)
				}
				req := policy.Request{Program: c.Program, Date: day, Region: household.Region, Subject: c.Subject,
					Options: policy.Options{Kind: c.Variant}, Household: policy.FromRegistry(&household, day)}
				decidedOn = &req
				return policy.Evaluate(req, book)
			}}
		if action == casework.Accept {
			// 近亲属备案: flag the case when it is accepted.
			if c.KinFlag, c.kinStaff, err = tx.kinOfHousehold(ctx, c.HouseholdID, today); err != nil {
				return err
			}
		}
		if err := casework.KinCheck(c.KinFlag, c.kinStaff, action, a); err != nil {
			return err
		}
		ev, err := casework.Apply(f, &c.Case, action, in, cctx)
		if err != nil {
			return err
		}
		if ev.Action == casework.PostNotice {
			// 第24条: the notice shows the amount proposed; it is the rules
			// engine's for the household as it stands on the first day.
			if d, err := cctx.Decide(minzheng.DateOf(now)); err == nil && d.IsEligible() {
				if ev.Fields == nil {
					ev.Fields = casework.Input{}
				}
				ev.Fields["proposed_fen"] = json.RawMessage(strconv.FormatInt(int64(d.AmountFen), 10))
			}
		}
		var decision any = minzheng.SQLNull
		if c.Decision != nil {
			b, err := json.Marshal(c.Decision)
			if err != nil {
				return err
			}
			decision = string(b)
		}
		var deadlineAt Instant
		if c.DeadlineAt != nil {
			deadlineAt = At(*c.DeadlineAt)
		}
		res, err := tx.Exec(ctx, `UPDATE cases SET state = ?, accepted_on = ?, deadline = ?, step_deadline = ?, deadline_at = ?, provisional = ?,
			extended = ?, notice_from = ?, decision = ?, updated_at = ?, version = ?, kin_flag = ?, kin_staff = ?, suspended_on = ?, suspended_days = ?, verify_result = ? WHERE id = ? AND version = ?`,
			string(c.State), c.AcceptedOn, c.Deadline, c.StepDeadline, deadlineAt, c.Provisional, c.Extended, c.NoticeFrom, decision,
			At(db.now()), c.Version, c.KinFlag, kinJSON(c.kinStaff), c.SuspendedOn, c.SuspendedDays, c.VerifyResult, id, c.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "案件已被他人同时办理，请刷新后重试"}
		}
		switch ev.Action {
		case casework.Recalculate, casework.StopBenefit, casework.PhaseOut:
			done, err := tx.applyReview(ctx, db, &c, ev, &household, today, a)
			if err != nil {
				return err
			}
			b, _ := json.Marshal(done)
			if ev.Fields == nil {
				ev.Fields = casework.Input{}
			}
			ev.Fields["enrolment"] = b
		}
		if ev.Action == casework.Advance {
			// 先行救助 is money out of a fund before the papers are done:
			// booked as paid at once, on the case, in the reports.
			if err := tx.bookAdvance(ctx, db, &c, ev); err != nil {
				return err
			}
		}
		if ev.Action == casework.Approve {
			// 纳入: the enrolment, then what the region grants or links.
			done, err := tx.enrol(ctx, db, &c, &household, book, today, a)
			if err != nil {
				return err
			}
			b, err := json.Marshal(done)
			if err != nil {
				return err
			}
			if ev.Fields == nil {
				ev.Fields = casework.Input{}
			}
			ev.Fields["enrolment"] = b
		}
		if decidedOn != nil && c.Decision != nil {
			// The household exactly as the rules read it: a replay years
			// later needs no registry to agree with it.
			b, err := json.Marshal(decidedOn)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE cases SET decision_input = ? WHERE id = ?`, string(b), id); err != nil {
				return err
			}
		}
		fields, _ := json.Marshal(ev.Fields)
		if ev.Fields == nil {
			fields = []byte("{}")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, action, from_state, to_state, actor, role, at, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, c.Version, string(ev.Action), string(ev.From), string(ev.To), ev.Actor, string(ev.Role), At(db.now()), string(fields)); err != nil {
			return err
		}
		if c.History, err = db.caseHistory(ctx, tx.Query, id); err != nil {
			return err
		}
		out = c
		if key != "" {
			b, err := json.Marshal(out)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO case_requests (actor_id, key, case_id, action, response, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				a.UserID, key, id, string(action), string(b), At(db.now())); err != nil {
				return err
			}
		}
		// The audit entry last: it locks the head of the log's chain, which
		// every write waits on, so it is held from here to the commit only.
		summary := fmt.Sprintf("案件 %d（%s）：%s，%s → %s", id, f.Title, action, casework.StateNames[ev.From], casework.StateNames[ev.To])
		return tx.Audit(ctx, audit.Event{Action: "case.action", Entity: "case", EntityID: strconv.FormatInt(id, 10), Region: c.Region,
			Summary: summary, Before: map[string]any{"state": string(ev.From)}, After: map[string]any{"state": string(ev.To), "action": string(action)}})
	})
	if err != nil {
		if _, ok := minzheng.AsError(err); ok {
			return CaseRecord{}, err
		}
		if errors.Is(err, minzheng.ErrForbidden) {
			return CaseRecord{}, err
		}
		if isUnique(err) {
			return CaseRecord{}, &minzheng.Error{Code: minzheng.CodeConflict, Message: "该家庭已有同一项目在保或在办，不能重复纳入，请刷新后核对"}
		}
		return CaseRecord{}, fmt.Errorf("sqldb: act on case %d: %w", id, err)
	}
	return out, nil
}

// CaseFilter selects a worklist.
type CaseFilter struct {
	Region  region.Code
	State   string // "" the open cases, "all" every case, or one state
	Program string
	Overdue bool // the overall deadline before today, still open
	Page    int
	PerPage int
}

// Cases lists the cases in the filter's region (narrowed to the actor's),
// by deadline, soonest first.
func (db *DB) Cases(ctx context.Context, f CaseFilter) ([]CaseRecord, int, error) {
	a, err := requireHouseholds(ctx, auth.PermCaseRead)
	if err != nil {
		return nil, 0, err
	}
	scope, err := region.Narrow(region.ActorRegion(a), f.Region)
	if err != nil {
		return nil, 0, db.Deny(ctx, "查看辖区外案件", "case", "", f.Region)
	}
	cond, args := InRegion("region_code", scope)
	// A worklist is of open cases; "all" includes the decided ones.
	switch _, known := casework.StateNames[casework.State(f.State)]; {
	case f.State == "":
		// … and refusals whose written reasons are still to be delivered.
		cond += " AND (state NOT IN (" + finalStates + ") OR (state = 'rejected' AND step_deadline IS NOT NULL))"
	case f.State == "all":
	case !known:
		return nil, 0, minzheng.Invalid("state", "状态“%s”不存在", f.State)
	default:
		cond += " AND state = ?"
		args = append(args, f.State)
	}
	if f.Program != "" {
		if _, ok := casework.FlowOf(f.Program); !ok {
			return nil, 0, minzheng.Invalid("program", "项目“%s”不存在或没有办理流程", f.Program)
		}
		cond += " AND program = ?"
		args = append(args, f.Program)
	}
	if f.Overdue {
		// Past its date, or past its hour limit (急难型), its clock not
		// suspended; or refused and the written reasons not yet delivered
		// in their 3 working days.
		cond += " AND ((((deadline IS NOT NULL AND deadline < ?) OR (deadline_at IS NOT NULL AND deadline_at < ?)) AND suspended_on IS NULL AND state NOT IN (" + finalStates + "))" +
			" OR (state = 'rejected' AND step_deadline IS NOT NULL AND step_deadline < ?))"
		args = append(args, db.today(), At(db.now()), db.today())
	}
	var total int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("sqldb: cases: %w", err)
	}
	if f.PerPage <= 0 || f.PerPage > 500 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	rows, err := db.Query(ctx, `SELECT `+caseColumns+` FROM cases WHERE `+cond+`
		ORDER BY CASE WHEN deadline IS NULL THEN 1 ELSE 0 END, deadline, id LIMIT ? OFFSET ?`, append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, fmt.Errorf("sqldb: cases: %w", err)
	}
	defer rows.Close()
	out := []CaseRecord{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// forUpdate locks the row read on PostgreSQL; SQLite's one writer already
// excludes every other write.
func (tx *Tx) forUpdate() string {
	if tx.db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// Notice is one line of a village's 公示 or 公布: name, household size,
// amount — nothing else (《低保办法》第24条).
type Notice struct {
	Program     string        `json:"program"`
	ProgramName string        `json:"program_name"`
	Village     string        `json:"village"`
	Name        string        `json:"name"`
	Members     int           `json:"household_size"`
	AmountFen   minzheng.Fen  `json:"amount_fen"`
	From        minzheng.Date `json:"from"`
	Until       minzheng.Date `json:"until,omitempty"`
}

// Notices are the region's current 公示 (applications in their notice
// period) and its standing publication (benefits in payment). They are
// public: anyone may read them, and they hold no ID number, address,
// illness or disability; programmes without notices (children's, the
// disability subsidies, 急难型 aid) and one-off aid are in neither.
func (db *DB) Notices(ctx context.Context, scope region.Code, noticeDays int) (current, published []Notice, err error) {
	cond, args := InRegion("c.region_code", scope)
	rows, err := db.Query(ctx, `SELECT c.id, c.program, c.variant, c.region_code, c.notice_from, h.head_name, h.members
		FROM cases c JOIN households h ON h.id = c.household_id
		WHERE `+cond+` AND c.state = 'noticing' ORDER BY c.region_code, c.id LIMIT 5000`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("sqldb: notices: %w", err)
	}
	type row struct {
		id                      int64
		program, variant, where string
		from                    minzheng.Date
		name                    string
		members                 int
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.program, &r.variant, &r.where, &r.from, &r.name, &r.members); err != nil {
			rows.Close()
			return nil, nil, err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	current, published = []Notice{}, []Notice{}
	for _, r := range list {
		f, ok := casework.FlowFor(r.program, r.variant)
		if !ok || !f.Notice {
			continue
		}
		// Seven days (第19条) are the day posted and the six after it; a
		// notice past its last day is no longer on the board, though the
		// case waits for its close.
		n := Notice{Program: r.program, ProgramName: f.Title, Village: r.where, Name: r.name, Members: r.members, From: r.from, Until: r.from.AddDays(noticeDays - 1)}
		if db.today() > n.Until {
			continue
		}
		var fields string
		if err := db.QueryRow(ctx, `SELECT fields FROM case_events WHERE case_id = ? AND action = 'post_notice' ORDER BY seq DESC LIMIT 1`, r.id).Scan(&fields); err == nil {
			var fv struct {
				Proposed minzheng.Fen `json:"proposed_fen"`
			}
			_ = json.Unmarshal([]byte(fields), &fv)
			n.AmountFen = fv.Proposed
		}
		current = append(current, n)
	}
	// The standing publication: what is paid now, under the name of the
	// person it is paid for (the head, for a household's benefit).
	econd, eargs := InRegion("e.region_code", scope)
	prow, err := db.Query(ctx, `SELECT e.program, e.region_code, e.amount_fen, e.first_month, h.head_name, h.members, COALESCE(p.name, '')
		FROM enrolments e JOIN households h ON h.id = e.household_id LEFT JOIN persons p ON e.subject <> '' AND p.id_number = e.subject
		WHERE `+econd+` AND e.status IN ('active', 'phasing_out') AND e.period = 'month' ORDER BY e.region_code, e.id LIMIT 5000`, eargs...)
	if err != nil {
		return nil, nil, fmt.Errorf("sqldb: publication: %w", err)
	}
	defer prow.Close()
	for prow.Next() {
		var n Notice
		var first minzheng.Month
		var person string
		if err := prow.Scan(&n.Program, &n.Village, &n.AmountFen, &first, &n.Name, &n.Members, &person); err != nil {
			return nil, nil, err
		}
		f, ok := casework.FlowOf(n.Program)
		if !ok || !f.Notice {
			continue
		}
		if person != "" {
			n.Name = person
		}
		n.ProgramName, n.From = f.Title, first.First()
		published = append(published, n)
	}
	return current, published, prow.Err()
}

func kinJSON(staff []string) string {
	if len(staff) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(staff)
	return string(b)
}

// Replay evaluates a decided case again: the rules' input kept with the
// decision (the household as it stood that day), with the parameters as
// they were recorded when the decision was taken — a later correction of
// the registry or of a standard changes nothing. It answers the stored
// decision and the replayed one, for comparison.
func (db *DB) Replay(ctx context.Context, id int64) (stored, replayed policy.Decision, err error) {
	c, err := db.Case(ctx, id)
	if err != nil {
		return stored, replayed, err
	}
	if c.Decision == nil {
		return stored, replayed, &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("案件 %d 尚未作出决定", id)}
	}
	var decidedAt Instant
	if err := db.QueryRow(ctx, `SELECT at FROM case_events WHERE case_id = ? AND action IN ('approve', 'reject') ORDER BY seq DESC LIMIT 1`, id).Scan(&decidedAt); err != nil {
		return stored, replayed, fmt.Errorf("sqldb: replay %d: %w", id, err)
	}
	book, err := db.ParamBook(ctx)
	if err != nil {
		return stored, replayed, err
	}
	var input sql.NullString
	if err := db.QueryRow(ctx, `SELECT decision_input FROM cases WHERE id = ?`, id).Scan(&input); err != nil {
		return stored, replayed, err
	}
	if !input.Valid {
		return stored, replayed, &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("案件 %d 的决定没有保存测算输入，不能重演", id)}
	}
	var req policy.Request
	if err := json.Unmarshal([]byte(input.String), &req); err != nil {
		return stored, replayed, fmt.Errorf("sqldb: replay %d input: %w", id, err)
	}
	replayed, err = policy.Evaluate(req, book.AsRecorded(decidedAt.Time))
	return *c.Decision, replayed, err
}

// SpotChecks counts, for the 特困 cases of a region (narrowed to the
// actor's) that reached the county's review in [from, to], how many the
// county checked at random: 《特困人员认定办法》第16条 asks for at least 30%.
func (db *DB) SpotChecks(ctx context.Context, scope region.Code, from, to minzheng.Date) (reviewed, checked int, err error) {
	a, err := requireHouseholds(ctx, auth.PermCaseRead)
	if err != nil {
		return 0, 0, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return 0, 0, db.Deny(ctx, "查看辖区外的抽查情况", "region", string(scope), scope)
	}
	cond, args := InRegion("c.region_code", scope)
	rows, err := db.Query(ctx, `SELECT e.fields, e.at FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE `+cond+` AND c.program = 'tekun' AND e.action = 'spot_check'`, args...)
	if err != nil {
		return 0, 0, fmt.Errorf("sqldb: spot checks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var fields string
		var at Instant
		if err := rows.Scan(&fields, &at); err != nil {
			return 0, 0, err
		}
		if d := minzheng.DateOf(at.Time); (from != 0 && d < from) || (to != 0 && d > to) {
			continue
		}
		var f struct {
			Done bool `json:"done"`
		}
		_ = json.Unmarshal([]byte(fields), &f)
		reviewed++
		if f.Done {
			checked++
		}
	}
	return reviewed, checked, rows.Err()
}
