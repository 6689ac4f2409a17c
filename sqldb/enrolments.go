package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
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
}

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
	review := nextReview(h, day)
	caseID := c.ID
	id, err := tx.insertEnrolment(ctx, db, Enrolment{CaseID: &caseID, Program: c.Program, HouseholdID: c.HouseholdID, Subject: c.Subject,
		Region: c.Region, AmountFen: d.AmountFen, Period: d.Period, FirstMonth: first, NextReview: review, Granted: "decision"}, d, actor)
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
					AmountFen: dec.AmountFen, AmountKWh: kwh(dec), Period: dec.Period, FirstMonth: first, NextReview: review, Granted: "auto_grant"}, &dec, actor); err != nil {
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
	if err := tx.QueryRow(ctx, `INSERT INTO enrolments (case_id, program, household_id, subject, region_code, amount_fen, amount_kwh, period,
		first_month, next_review, status, granted, decision, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?) RETURNING id`,
		caseID, e.Program, e.HouseholdID, e.Subject, e.Region, e.AmountFen, e.AmountKWh, e.Period, e.FirstMonth, e.NextReview, e.Granted,
		string(b), At(db.now()), actor.Username).Scan(&id); err != nil {
		return 0, err
	}
	action, what := "enrolment.create", "纳入"
	if e.Granted == "auto_grant" {
		action, what = "enrolment.auto_grant", "免申即享纳入"
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
	if _, err := requireHouseholds(ctx, auth.PermHouseholdRead); err != nil {
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
