package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/registry"
)

// ExportHouseholds streams the current members of the households the
// filter selects, one sheet row each (registry.SheetColumns, the import
// template's columns), to fn. ID numbers are masked unless the actor's role
// may see them, in which case the export itself is audited as a showing of
// whole numbers. It returns the number of rows.
func (db *DB) ExportHouseholds(ctx context.Context, f HouseholdFilter, fn func(row []string) error) (int, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdRead)
	if err != nil {
		return 0, err
	}
	whole := auth.Can(a, auth.PermIDReveal)
	w, args, err := householdWhere(f)
	if err != nil {
		return 0, err
	}
	// The latest version of each person gives the dated attributes; the
	// open incomes give the monthly total.
	rows, err := db.Query(ctx, `SELECT h.id, h.region_code, h.area, h.address, p.name, p.id_number, p.relation,
		v.phone, v.disability_category, v.disability_level, v.disability_cert, v.serious_illness, v.schooling, v.employment, v.marital,
		(SELECT COALESCE(SUM(CASE i.period WHEN 'year' THEN i.amount / 12 ELSE i.amount END), 0) FROM incomes i
		  WHERE i.household_id = h.id AND i.person_id = p.id AND i.valid_from <= ? AND (i.valid_to IS NULL OR i.valid_to > ?)
		  AND i.superseded_at IS NULL),
		hv.bank_name, hv.bank_account, hv.bank_holder
		FROM households h
		JOIN persons p ON p.household_id = h.id
		JOIN person_versions v ON v.id = (SELECT v2.id FROM person_versions v2 WHERE v2.person_id = p.id AND v2.superseded_at IS NULL
		  ORDER BY v2.valid_from DESC, v2.id DESC LIMIT 1)
		JOIN household_versions hv ON hv.id = (SELECT h2.id FROM household_versions h2 WHERE h2.household_id = h.id AND h2.superseded_at IS NULL
		  ORDER BY h2.valid_from DESC, h2.id DESC LIMIT 1)`+w+`
		ORDER BY h.id, CASE p.relation WHEN 'head' THEN 0 ELSE 1 END, p.id`, append([]any{db.today(), db.today()}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("sqldb: export: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var hid int64
		var hh registry.HouseholdFacts
		var m registry.Member
		var idn, relation string
		var cat sql.NullString
		var level sql.NullInt64
		var cert string
		var income int64
		var b registry.Bank
		if err := rows.Scan(&hid, &hh.Region, &hh.Area, &hh.Address, &m.Name, &idn, &relation, &m.Phone, &cat, &level, &cert,
			&m.SeriousIllness, &m.Schooling, &m.Employment, &m.Marital, &income, &b.Name, &b.Account, &b.Holder); err != nil {
			return n, fmt.Errorf("sqldb: export: %w", err)
		}
		m.Relation = relation
		if cat.Valid {
			m.Disability = &registry.Disability{Category: cat.String, Level: int(level.Int64), Certificate: cert}
		}
		if income > 0 {
			// A total of several kinds: no one kind is named.
			m.Incomes = []registry.Income{{Amount: minzheng.Fen(income), Period: "month"}}
		}
		if b != (registry.Bank{}) {
			hh.Bank = &b
		}
		shown := idn
		if !whole {
			shown = minzheng.MaskID(idn)
		}
		row := registry.SheetRow(strconv.FormatInt(hid, 10), hh, m, shown)
		if err := fn(row); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	what := "（身份证号已脱敏）"
	if whole {
		what = "（含完整身份证号）"
	}
	return n, db.AuditAlone(ctx, audit.Event{Action: "household.export", Entity: "export", Region: string(f.Region),
		Summary: fmt.Sprintf("导出家庭档案 %d 人%s", n, what), After: map[string]any{"rows": n, "whole_id_numbers": whole}})
}
