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
// Each table is streamed in household order from a covering index (0003),
// the members in three ranges of household ids, all at once on the read
// pool, then merged; the whole country reads without joins. The bulk read
// is audited.
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
	// The whole country needs no join to find the households' regions.
	join := func(col string) string {
		if args == nil {
			return ""
		}
		return "JOIN households h ON h.id = " + col
	}
	validM := ` m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?) AND m.superseded_at IS NULL`
	validF := ` f.valid_from <= ? AND (f.valid_to IS NULL OR f.valid_to > ?) AND f.superseded_at IS NULL`
	with := func(extra ...any) []any { return append(append([]any(nil), args...), extra...) }

	var (
		versions []hhVersion
		members  []hhMember
		incomes  []hhFact
		expenses []hhFact
		assets   []hhFact
	)
	queries := []func() error{
		func() error {
			return db.scan(ctx, `SELECT v.household_id, v.region_code, v.area, v.status FROM household_versions v
				`+join("v.household_id")+`
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
			return db.scan(ctx, `SELECT f.household_id, f.person_id, f.kind, f.amount, f.period FROM incomes f
				`+join("f.household_id")+` WHERE `+cond+` AND`+validF+` ORDER BY f.household_id`, with(day, day), func(r *sql.Rows) error {
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
				`+join("f.household_id")+` WHERE `+cond+` AND`+validF+` ORDER BY f.household_id`, with(day, day), func(r *sql.Rows) error {
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
				`+join("f.household_id")+` WHERE `+cond+` AND`+validF+` ORDER BY f.household_id`, with(day, day), func(r *sql.Rows) error {
				var f hhFact
				if err := r.Scan(&f.household, &f.kind, &f.amount); err != nil {
					return err
				}
				assets = append(assets, f)
				return nil
			})
		},
	}
	// The members are the most rows: they are read in several ranges of
	// household ids at once, each into its own slice, joined in order.
	var lo, hi int64
	if err := db.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM households`).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("sqldb: policy columns: %w", err)
	}
	const memberParts = 3
	parts := make([][]hhMember, memberParts)
	step := (hi-lo)/memberParts + 1
	for k := range parts {
		from, to := lo+int64(k)*step, lo+int64(k+1)*step
		queries = append(queries, func() error {
			var part []hhMember
			var rel, id, ill sql.RawBytes
			err := db.scan(ctx, `SELECT m.household_id, m.person_id, m.relation, p.id_number,
				f.valid_from, f.id, f.disability_category, f.disability_level, f.serious_illness, f.death_date
				FROM memberships m `+join("m.household_id")+` JOIN persons p ON p.id = m.person_id
				JOIN person_versions f ON f.person_id = m.person_id AND f.valid_from <= ? AND f.superseded_at IS NULL
				WHERE `+cond+` AND m.household_id >= ? AND m.household_id < ? AND`+validM+`
				ORDER BY m.household_id`, append(append([]any{day}, args...), from, to, day, day), func(r *sql.Rows) error {
				var m hhMember
				var cat sql.NullString
				var level sql.NullInt64
				// Raw bytes for the text read on every row: no string is made
				// for them until the member is kept.
				if err := r.Scan(&m.household, &m.person, &rel, &id, &m.from, &m.version, &cat, &level, &ill, &m.death); err != nil {
					return err
				}
				m.relation = relationCode(rel)
				copy(m.idNumber[:], id)
				m.ill = len(ill) > 0
				if cat.Valid {
					m.disability = &policy.Disability{Category: cat.String, Level: int(level.Int64)}
				}
				// A later version of a member already seen replaces it.
				for i := len(part) - 1; i >= 0 && part[i].household == m.household; i-- {
					if part[i].person == m.person {
						if m.from > part[i].from || (m.from == part[i].from && m.version > part[i].version) {
							part[i] = m
						}
						return nil
					}
				}
				part = append(part, m)
				return nil
			})
			parts[k] = part
			return err
		})
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

	for _, part := range parts {
		members = append(members, part...)
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
			if !m.death.IsZero() && m.death <= day {
				continue
			}
			if m.relation == "head" || head < 0 {
				head = len(h.Members)
			}
			h.Members = append(h.Members, policy.Member{IDNumber: string(m.idNumber[:]), Relation: m.relation, Disability: m.disability, SeriousIllness: m.ill})
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

// hhMember is a member with his facts' version.
type hhMember struct {
	household, person int64
	relation          string // one of registry.Relations' codes, not a copy
	idNumber          [18]byte
	from              minzheng.Date
	version           int64
	disability        *policy.Disability
	ill               bool
	death             minzheng.Date
}

// relationCode is the registry's own string for a relation read as bytes,
// so a million members share ten strings.
func relationCode(b []byte) string {
	for _, r := range registry.Relations {
		if string(b) == r.Code {
			return r.Code
		}
	}
	return string(b)
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
