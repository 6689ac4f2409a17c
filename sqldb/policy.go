package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/registry"
)

func init() {
	audit.Register("policy.load", "读取家庭档案用于政策测算")
}

// PolicyColumns loads the active households of the region (narrowed to the
// actor's) as they were on day into the batch's columns: members alive that
// day, their disability and illness, incomes, rigid expenses and assets —
// what the 低保 batch reads, the same facts FromRegistry gives Evaluate.
// The six queries each stream one table in household order and run at once
// on the read pool. The bulk read is audited.
func (db *DB) PolicyColumns(ctx context.Context, scope region.Code, day minzheng.Date) (*policy.Columns, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdRead)
	if err != nil {
		return nil, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return nil, db.Deny(ctx, "在辖区外进行政策测算", "region", string(scope), scope)
	}
	cond, args := InRegion("h.region_code", scope)
	validM := ` m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) AND m.superseded_at IS NULL`
	validF := ` f.valid_from <= ? AND (f.valid_to IS NULL OR f.valid_to > ?) AND f.superseded_at IS NULL`
	with := func(extra ...any) []any { return append(append([]any(nil), args...), extra...) }

	var (
		versions []hhVersion
		members  []hhMember
		facts    map[int64]personFact
		incomes  []hhFact
		expenses []hhFact
		assets   []hhFact
	)
	queries := []func() error{
		func() error {
			return db.scan(ctx, `SELECT v.household_id, v.region_code, v.area, v.status FROM household_versions v
				JOIN households h ON h.id = v.household_id
				WHERE `+cond+` AND v.valid_from <= ? AND v.superseded_at IS NULL
				ORDER BY v.household_id, v.valid_from, v.id`, with(day), func(r *sql.Rows) error {
				var v hhVersion
				if err := r.Scan(&v.id, &v.region, &v.area, &v.status); err != nil {
					return err
				}
				if n := len(versions); n > 0 && versions[n-1].id == v.id {
					versions[n-1] = v
				} else {
					versions = append(versions, v)
				}
				return nil
			})
		},
		func() error {
			return db.scan(ctx, `SELECT m.household_id, m.person_id, m.relation, p.id_number FROM memberships m
				JOIN households h ON h.id = m.household_id JOIN persons p ON p.id = m.person_id
				WHERE `+cond+` AND`+validM+`
				ORDER BY m.household_id, CASE m.relation WHEN 'head' THEN 0 ELSE 1 END, p.birth_date, m.person_id`, with(day, day), func(r *sql.Rows) error {
				var m hhMember
				if err := r.Scan(&m.household, &m.person, &m.relation, &m.idNumber); err != nil {
					return err
				}
				members = append(members, m)
				return nil
			})
		},
		func() error {
			facts = map[int64]personFact{}
			return db.scan(ctx, `SELECT f.person_id, f.disability_category, f.disability_level, f.serious_illness, f.death_date
				FROM person_versions f JOIN memberships m ON m.person_id = f.person_id JOIN households h ON h.id = m.household_id
				WHERE `+cond+` AND`+validM+` AND f.valid_from <= ? AND f.superseded_at IS NULL
				ORDER BY f.person_id, f.valid_from, f.id`, with(day, day, day), func(r *sql.Rows) error {
				var pid int64
				var cat sql.NullString
				var level sql.NullInt64
				var f personFact
				if err := r.Scan(&pid, &cat, &level, &f.illness, &f.death); err != nil {
					return err
				}
				if cat.Valid {
					f.disability = &policy.Disability{Category: cat.String, Level: int(level.Int64)}
				}
				facts[pid] = f
				return nil
			})
		},
		func() error {
			return db.scan(ctx, `SELECT f.household_id, f.person_id, f.kind, f.amount, f.period FROM incomes f
				JOIN households h ON h.id = f.household_id WHERE `+cond+` AND`+validF+` ORDER BY f.household_id, f.id`, with(day, day), func(r *sql.Rows) error {
				var f hhFact
				var person sql.NullInt64
				if err := r.Scan(&f.household, &person, &f.kind, &f.amount, &f.period); err != nil {
					return err
				}
				f.person = person.Int64
				incomes = append(incomes, f)
				return nil
			})
		},
		func() error {
			return db.scan(ctx, `SELECT f.household_id, f.person_id, f.kind, f.amount FROM expenses f
				JOIN households h ON h.id = f.household_id WHERE `+cond+` AND`+validF+` ORDER BY f.household_id, f.id`, with(day, day), func(r *sql.Rows) error {
				var f hhFact
				var person sql.NullInt64
				if err := r.Scan(&f.household, &person, &f.kind, &f.amount); err != nil {
					return err
				}
				f.person = person.Int64
				expenses = append(expenses, f)
				return nil
			})
		},
		func() error {
			return db.scan(ctx, `SELECT f.household_id, f.kind, f.value FROM assets f
				JOIN households h ON h.id = f.household_id WHERE `+cond+` AND`+validF+` ORDER BY f.household_id, f.id`, with(day, day), func(r *sql.Rows) error {
				var f hhFact
				if err := r.Scan(&f.household, &f.kind, &f.amount); err != nil {
					return err
				}
				assets = append(assets, f)
				return nil
			})
		},
	}
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = q() }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("sqldb: policy columns: %w", err)
		}
	}

	c := policy.NewColumns(day, len(versions))
	var mi, ii, ei, ai int
	var h policy.Household
	for _, v := range versions {
		for mi < len(members) && members[mi].household < v.id {
			mi++
		}
		for ii < len(incomes) && incomes[ii].household < v.id {
			ii++
		}
		for ei < len(expenses) && expenses[ei].household < v.id {
			ei++
		}
		for ai < len(assets) && assets[ai].household < v.id {
			ai++
		}
		if v.status != registry.StatusActive || !scope.Contains(region.Code(v.region)) {
			continue
		}
		h = policy.Household{Area: v.area, Members: h.Members[:0], Assets: &policy.Assets{}}
		var persons []int64
		head := -1
		for ; mi < len(members) && members[mi].household == v.id; mi++ {
			m := members[mi]
			f := facts[m.person]
			if !f.death.IsZero() && f.death <= day {
				continue
			}
			if m.relation == "head" || head < 0 {
				head = len(h.Members)
			}
			h.Members = append(h.Members, policy.Member{IDNumber: m.idNumber, Relation: m.relation, Disability: f.disability, SeriousIllness: f.illness != ""})
			persons = append(persons, m.person)
		}
		member := func(person int64) *policy.Member {
			for i, p := range persons {
				if p == person {
					return &h.Members[i]
				}
			}
			if head >= 0 {
				return &h.Members[head]
			}
			return nil
		}
		for ; ii < len(incomes) && incomes[ii].household == v.id; ii++ {
			f := incomes[ii]
			if m := member(f.person); m != nil {
				in := registry.Income{Amount: f.amount, Period: f.period}
				m.Incomes = append(m.Incomes, policy.Income{Kind: f.kind, MonthlyFen: in.Monthly()})
			}
		}
		for ; ei < len(expenses) && expenses[ei].household == v.id; ei++ {
			f := expenses[ei]
			if m := member(f.person); m != nil {
				m.Expenses = append(m.Expenses, policy.Expense{Kind: f.kind, YearlyFen: f.amount})
			}
		}
		for ; ai < len(assets) && assets[ai].household == v.id; ai++ {
			policy.AddAsset(h.Assets, assets[ai].kind, assets[ai].amount)
		}
		c.Add(v.id, v.region, &h)
		// Add copies what it keeps; the members' slices can be reused.
		for i := range h.Members {
			h.Members[i] = policy.Member{}
		}
	}
	err = db.AuditAlone(ctx, audit.Event{Action: "policy.load", Entity: "region", EntityID: string(scope), Region: string(scope),
		Summary: fmt.Sprintf("读取 %d 户家庭档案（%s）用于政策测算", c.Len(), day)})
	if err != nil {
		return nil, err
	}
	return c, nil
}

type hhVersion struct {
	id                   int64
	region, area, status string
}

type hhMember struct {
	household, person  int64
	relation, idNumber string
}

type personFact struct {
	disability *policy.Disability
	illness    string
	death      minzheng.Date
}

type hhFact struct {
	household, person int64
	kind, period      string
	amount            minzheng.Fen
}

// scan runs a query on the read pool and calls fn for each row.
func (db *DB) scan(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
