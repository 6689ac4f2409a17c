package sqldb

import (
	"context"
	"fmt"
	"strings"

	"minzheng"
	"minzheng/auth"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/report"
)

// yearOf and bitOf compute, in SQL the two engines share, a payment month's
// year and its bit in paid_holders.months.
const (
	yearOf = `CAST(SUBSTR(pay_month, 1, 4) AS INTEGER)`
	bitOf  = `(1 << (CAST(SUBSTR(pay_month, 6, 2) AS INTEGER) - 1))`
)

// count adds the payments matching where (all of one payment month) to what
// reports read: when a payroll is approved, or advance aid is booked.
func (tx *Tx) count(ctx context.Context, where string, args ...any) error {
	if _, err := tx.Exec(ctx, `INSERT INTO payment_totals (program, pay_month, region_code, lines, person_times, amount_fen)
		SELECT program, pay_month, region_code, COUNT(*), SUM(persons), SUM(amount_fen) FROM payments WHERE `+where+`
		GROUP BY program, pay_month, region_code
		ON CONFLICT (program, pay_month, region_code) DO UPDATE SET lines = payment_totals.lines + excluded.lines,
			person_times = payment_totals.person_times + excluded.person_times, amount_fen = payment_totals.amount_fen + excluded.amount_fen`,
		args...); err != nil {
		return fmt.Errorf("sqldb: payment totals: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO paid_holders (program, household_id, subject, year, region_code, months, persons)
		SELECT program, household_id, subject, `+yearOf+`, MAX(region_code), `+bitOf+`, MAX(persons) FROM payments WHERE `+where+`
		GROUP BY program, household_id, subject, pay_month
		ON CONFLICT (program, household_id, subject, year) DO UPDATE SET months = paid_holders.months | excluded.months,
			persons = CASE WHEN excluded.persons > paid_holders.persons THEN excluded.persons ELSE paid_holders.persons END,
			region_code = excluded.region_code`, args...); err != nil {
		return fmt.Errorf("sqldb: paid holders: %w", err)
	}
	return nil
}

// uncount takes a payment the bank returned as failed out of what reports
// read; its holder's month stays counted if another payment of that month
// was made to it.
func (tx *Tx) uncount(ctx context.Context, id int64) error {
	if _, err := tx.Exec(ctx, `UPDATE payment_totals SET lines = lines - 1,
		person_times = person_times - (SELECT persons FROM payments WHERE id = ?),
		amount_fen = amount_fen - (SELECT amount_fen FROM payments WHERE id = ?)
		WHERE (program, pay_month, region_code) = (SELECT program, pay_month, region_code FROM payments WHERE id = ?)`, id, id, id); err != nil {
		return fmt.Errorf("sqldb: payment totals: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE paid_holders SET months = months & ~(SELECT `+bitOf+` FROM payments WHERE id = ?)
		WHERE (program, household_id, subject, year) = (SELECT program, household_id, subject, `+yearOf+` FROM payments WHERE id = ?)
		AND NOT EXISTS (SELECT 1 FROM payments p, payments f WHERE f.id = ? AND p.id <> f.id AND p.program = f.program
			AND p.household_id = f.household_id AND p.subject = f.subject AND p.pay_month = f.pay_month AND p.status IN ('due', 'paid'))`,
		id, id, id); err != nil {
		return fmt.Errorf("sqldb: paid holders: %w", err)
	}
	return nil
}

// PaymentReport is the report of what was paid: the counted payments of a
// region, period and programme — the lines of approved payrolls and the
// advance aid booked, less what the bank returned as failed (a failed line
// counts again when it is paid later) — in total, by month and by the
// regions one level down.
func (db *DB) PaymentReport(ctx context.Context, scope region.Code, from, to minzheng.Month, program string) (report.Payments, error) {
	a, err := requireHouseholds(ctx, auth.PermReportRead)
	if err != nil {
		return report.Payments{}, err
	}
	scope, err = region.Narrow(region.ActorRegion(a), scope)
	if err != nil {
		return report.Payments{}, db.Deny(ctx, "查看辖区外的统计报表", "report", "", scope)
	}
	if err := report.CheckPeriod(from, to); err != nil {
		return report.Payments{}, err
	}
	out := report.Payments{Region: string(scope), From: from, To: to, Program: program}
	cond, args := InRegion("region_code", scope)
	// Additive figures, by month and by sub-region.
	childDigits := 2
	if l := scope.Level(); l > 0 && l < region.LevelVillage {
		childDigits = (l + 1).Digits()
	} else if l == region.LevelVillage {
		childDigits = region.LevelVillage.Digits()
	}
	rows, err := db.Query(ctx, `SELECT pay_month, SUBSTR(region_code, 1, `+fmt.Sprint(childDigits)+`), SUM(lines), SUM(person_times), SUM(amount_fen)
		FROM payment_totals WHERE program = ? AND pay_month >= ? AND pay_month <= ? AND `+cond+` GROUP BY 1, 2 ORDER BY 1, 2`,
		append([]any{program, from, to}, args...)...)
	if err != nil {
		return out, fmt.Errorf("sqldb: payment report: %w", err)
	}
	months := map[minzheng.Month]*report.Figures{}
	subs := map[string]*report.Figures{}
	for rows.Next() {
		var m minzheng.Month
		var sub string
		var f report.Figures
		if err := rows.Scan(&m, &sub, &f.Lines, &f.PersonTimes, &f.AmountFen); err != nil {
			rows.Close()
			return out, err
		}
		out.Figures.Add(f)
		if months[m] == nil {
			months[m] = &report.Figures{}
		}
		months[m].Add(f)
		if subs[sub] == nil {
			subs[sub] = &report.Figures{}
		}
		subs[sub].Add(f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	// Households and persons, each once over the period: a holder is in it
	// if any of its paid months of a year falls in the period's months.
	// For a household's benefit a holder is a household; for a person's,
	// households are the distinct ones of the persons paid.
	person := false
	if p, ok := policy.ProgramByCode(program); ok {
		person = p.Person
	}
	households := func(cond string) string {
		if person {
			return "COUNT(DISTINCT CASE WHEN " + cond + " THEN household_id END)"
		}
		return "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)"
	}
	sub := `SUBSTR(region_code, 1, ` + fmt.Sprint(childDigits) + `)`
	fromYear, _ := from.YM()
	toYear, _ := to.YM()
	hcond, hargs := InRegion("region_code", scope)
	for y := fromYear; y <= toYear; y++ {
		// One pass over the year's holders, by sub-region: the period's
		// figures (when the period is within the year) and each month's.
		mask := 0
		var cols []string
		var ms []minzheng.Month
		for m := from; m <= to; m++ {
			if my, mm := m.YM(); my == y {
				bit := 1 << (int(mm) - 1)
				mask |= bit
				in := fmt.Sprintf("(months & %d) <> 0", bit)
				cols = append(cols, households(in), "SUM(CASE WHEN "+in+" THEN persons ELSE 0 END)")
				ms = append(ms, m)
			}
		}
		rows, err := db.Query(ctx, `SELECT `+sub+`, `+households("1 = 1")+`, SUM(persons), `+strings.Join(cols, ", ")+`
			FROM paid_holders WHERE program = ? AND year = ? AND `+hcond+` AND (months & ?) <> 0 GROUP BY 1`,
			append(append([]any{program, y}, hargs...), mask)...)
		if err != nil {
			return out, fmt.Errorf("sqldb: payment report: %w", err)
		}
		for rows.Next() {
			var s string
			vals := make([]any, 2+2*len(ms))
			ptrs := []any{&s}
			for i := range vals {
				ptrs = append(ptrs, &vals[i])
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return out, err
			}
			if fromYear == toYear {
				if subs[s] == nil {
					subs[s] = &report.Figures{}
				}
				subs[s].Households, subs[s].Persons = asInt(vals[0]), asInt(vals[1])
				out.Households += asInt(vals[0])
				out.Persons += asInt(vals[1])
			}
			for i, m := range ms {
				if months[m] == nil {
					months[m] = &report.Figures{}
				}
				months[m].Households += asInt(vals[2+2*i])
				months[m].Persons += asInt(vals[3+2*i])
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("sqldb: payment report: %w", err)
		}
	}
	if fromYear != toYear {
		// Across years a holder has a row a year: each is counted once by
		// taking them together (a holder that moved counts where it was
		// paid last; its largest household size).
		var yearConds []string
		var yargs []any
		for y := fromYear; y <= toYear; y++ {
			mask := 0
			for m := from; m <= to; m++ {
				if my, mm := m.YM(); my == y {
					mask |= 1 << (int(mm) - 1)
				}
			}
			yearConds = append(yearConds, "(year = ? AND (months & ?) <> 0)")
			yargs = append(yargs, y, mask)
		}
		where := `program = ? AND ` + hcond + ` AND (` + strings.Join(yearConds, " OR ") + `)`
		wargs := append(append([]any{program}, hargs...), yargs...)
		hrows, err := db.Query(ctx, `SELECT sub, COUNT(DISTINCT household_id), SUM(p) FROM (
			SELECT household_id, subject, MAX(`+sub+`) AS sub, MAX(persons) AS p
			FROM paid_holders WHERE `+where+` GROUP BY household_id, subject) holders GROUP BY sub`, wargs...)
		if err != nil {
			return out, fmt.Errorf("sqldb: payment report: %w", err)
		}
		for hrows.Next() {
			var s string
			var hh, persons int64
			if err := hrows.Scan(&s, &hh, &persons); err != nil {
				hrows.Close()
				return out, err
			}
			if subs[s] == nil {
				subs[s] = &report.Figures{}
			}
			subs[s].Households, subs[s].Persons = hh, persons
			out.Households += hh
			out.Persons += persons
		}
		hrows.Close()
		if err := hrows.Err(); err != nil {
			return out, err
		}
	}
	for m := from; m <= to; m++ {
		f := report.Figures{}
		if months[m] != nil {
			f = *months[m]
		}
		out.ByMonth = append(out.ByMonth, report.MonthFigures{Month: m, Figures: f})
	}
	names, err := db.childNames(ctx, scope, childDigits)
	if err != nil {
		return out, err
	}
	for _, n := range names {
		f := report.Figures{}
		if subs[n.prefix] != nil {
			f = *subs[n.prefix]
		}
		out.ByRegion = append(out.ByRegion, report.RegionFigures{Region: n.code, Name: n.name, Figures: f})
	}
	out.Finish()
	return out, nil
}

// asInt reads a SUM that either engine may answer as an integer, a numeric
// text or NULL.
func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	case []byte:
		var n int64
		fmt.Sscan(string(x), &n)
		return n
	case string:
		var n int64
		fmt.Sscan(x, &n)
		return n
	}
	return 0
}

type childName struct{ prefix, code, name string }

// childNames lists the regions one level below scope (the scope itself for
// a village), with their code prefixes, in code order.
func (db *DB) childNames(ctx context.Context, scope region.Code, digits int) ([]childName, error) {
	l := scope.Level()
	var q string
	var args []any
	if l == region.LevelVillage {
		q, args = `SELECT code, name FROM regions WHERE code = ? AND level = ?`, []any{string(scope), int(l)}
	} else {
		child := l + 1
		if scope == region.Country {
			child = region.LevelProvince
		}
		q = `SELECT code, name FROM regions WHERE level = ?`
		args = []any{int(child)}
		if scope != region.Country {
			q += ` AND parent_code = ?`
			args = append(args, string(scope))
		}
		q += ` ORDER BY code`
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: sub-regions: %w", err)
	}
	defer rows.Close()
	var out []childName
	for rows.Next() {
		var c childName
		if err := rows.Scan(&c.code, &c.name); err != nil {
			return nil, err
		}
		c.prefix = c.code[:digits]
		out = append(out, c)
	}
	return out, rows.Err()
}
