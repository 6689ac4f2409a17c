package sqldb

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/calendar"
)

func init() {
	audit.Register("calendar.year", "录入节假日安排")
}

// CalendarYears reads the years administrators entered.
func (db *DB) CalendarYears(ctx context.Context) ([]calendar.Year, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}

	rows, err := db.Query(ctx, `SELECT y.year, y.source, d.day, d.kind, d.name
		FROM calendar_years y LEFT JOIN calendar_days d ON d.year = y.year ORDER BY y.year, d.day`)
	if err != nil {
		return nil, fmt.Errorf("sqldb: calendar years: %w", err)
	}
	defer rows.Close()
	var out []calendar.Year
	for rows.Next() {
		var y int
		var source string
		var day minzheng.Date
		var kind, name *string
		if err := rows.Scan(&y, &source, &day, &kind, &name); err != nil {
			return nil, fmt.Errorf("sqldb: calendar years: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Year != y {
			out = append(out, calendar.Year{Year: y, Source: source,
				Holidays: map[minzheng.Date]string{}, Workdays: map[minzheng.Date]string{}})
		}
		cur := &out[len(out)-1]
		if kind == nil {
			continue
		}
		if *kind == "holiday" {
			cur.Holidays[day] = *name
		} else {
			cur.Workdays[day] = *name
		}
	}
	return out, rows.Err()
}

// SaveCalendarYear stores an administrator's entry of one year's holidays
// and adjusted working days from the State Council notice, replacing any
// earlier entry of that year; audited with what changed.
func (db *DB) SaveCalendarYear(ctx context.Context, y calendar.Year) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := auth.Require(a, auth.PermCalendarEdit); err != nil {
		return err
	}
	// Holidays are national: one province's administrator must not move
	// every region's deadlines.
	if err := auth.RequireCountry(a, "节假日安排"); err != nil {
		return err
	}
	if err := y.Validate(); err != nil {
		return err
	}
	if y.Source == "" {
		return minzheng.Invalid("source", "请填写放假通知的文号或来源")
	}
	var before map[string]any
	err = db.InTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM calendar_days WHERE year = ?`, y.Year).Scan(&n); err != nil {
			return err
		}
		var had int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM calendar_years WHERE year = ?`, y.Year).Scan(&had); err != nil {
			return err
		}
		if had > 0 {
			before = map[string]any{"days": n}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM calendar_days WHERE year = ?`, y.Year); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM calendar_years WHERE year = ?`, y.Year); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO calendar_years (year, source, entered_at, entered_by) VALUES (?, ?, ?, ?)`,
			y.Year, y.Source, At(db.now()), a.Username); err != nil {
			return err
		}
		for _, d := range sortedDays(y.Holidays) {
			if _, err := tx.Exec(ctx, `INSERT INTO calendar_days (day, year, kind, name) VALUES (?, ?, 'holiday', ?)`,
				d, y.Year, y.Holidays[d]); err != nil {
				return err
			}
		}
		for _, d := range sortedDays(y.Workdays) {
			if _, err := tx.Exec(ctx, `INSERT INTO calendar_days (day, year, kind, name) VALUES (?, ?, 'workday', ?)`,
				d, y.Year, y.Workdays[d]); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "calendar.year", Entity: "calendar", EntityID: strconv.Itoa(y.Year),
			Summary: fmt.Sprintf("录入%d年节假日安排：放假 %d 天，调休上班 %d 天（%s）", y.Year, len(y.Holidays), len(y.Workdays), y.Source),
			Before:  before,
			After:   map[string]any{"holidays": len(y.Holidays), "workdays": len(y.Workdays), "source": y.Source}})
	})
	if err != nil {
		return fmt.Errorf("sqldb: save calendar year: %w", err)
	}
	return nil
}

func sortedDays(m map[minzheng.Date]string) []minzheng.Date {
	out := make([]minzheng.Date, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
