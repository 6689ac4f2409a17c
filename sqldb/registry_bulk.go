package sqldb

import (
	"context"
	"fmt"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
)

// VillageRow is a village with the area its households default to.
type VillageRow struct {
	Code region.Code
	Name string
	Area string // set on the village or an ancestor, else guessed from the name; "" when unknown
}

// Villages lists the villages inside scope: the places synthetic households
// are put.
func (db *DB) Villages(ctx context.Context, scope region.Code) ([]VillageRow, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	cond, args := InRegion("code", scope)
	rows, err := db.Query(ctx, `SELECT code, name FROM regions WHERE level = 5 AND `+cond+` ORDER BY code`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqldb: villages: %w", err)
	}
	defer rows.Close()
	var out []VillageRow
	for rows.Next() {
		var v VillageRow
		var code string
		if err := rows.Scan(&code, &v.Name); err != nil {
			return nil, err
		}
		v.Code = region.Code(code)
		v.Area = region.AreaFromName(region.LevelVillage, v.Name)
		out = append(out, v)
	}
	return out, rows.Err()
}

// BulkReport counts what CreateHouseholds wrote.
type BulkReport struct {
	Households, Persons, Skipped int
}

// CreateHouseholds writes many households in one transaction — the
// synthetic data of the demo and the benchmarks. A household that fails its
// check or collides with one already there is skipped and counted; the
// others are written. next yields households until it returns false.
func (db *DB) CreateHouseholds(ctx context.Context, next func() (registry.NewHousehold, bool, error), progress func(n int)) (BulkReport, error) {
	a, err := requireHouseholds(ctx, auth.PermHouseholdWrite)
	if err != nil {
		return BulkReport{}, err
	}
	var rep BulkReport
	today := db.today()
	scope := region.ActorRegion(a)
	err = db.InTx(ctx, func(tx *Tx) error {
		for {
			h, ok, err := next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			c, err := h.Check(today)
			if err == nil && !scope.Contains(c.RegionCode) {
				err = minzheng.ErrForbidden
			}
			if err == nil {
				err = tx.savepoint(ctx, func() error {
					_, err := tx.insertHousehold(ctx, a, c)
					return err
				})
			}
			if err != nil {
				if _, ok := minzheng.AsError(err); !ok {
					return err
				}
				rep.Skipped++
				continue
			}
			rep.Households++
			rep.Persons += len(c.Members)
			if progress != nil && rep.Households%1000 == 0 {
				progress(rep.Households)
			}
		}
		return tx.Audit(ctx, audit.Event{Action: "household.import", Entity: "import", EntityID: "synthetic", Region: string(scope),
			Summary: fmt.Sprintf("生成演示家庭档案 %d 户 %d 人（跳过 %d 户）", rep.Households, rep.Persons, rep.Skipped),
			After:   map[string]any{"households": rep.Households, "persons": rep.Persons, "skipped": rep.Skipped}})
	})
	return rep, err
}
