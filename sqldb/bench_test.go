package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"minzheng/region"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// BenchmarkLoadRegions loads the whole national tree (665,276 regions) into
// a fresh database: the first start of an installation.
func BenchmarkLoadRegions(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				var db *sqldb.DB
				if engine == "sqlite" {
					db = sqltest.SQLite(b, sqltest.Options{Regions: sqltest.NoRegions})
				} else {
					db = sqltest.Postgres(b, sqltest.Options{Regions: sqltest.NoRegions})
				}
				b.StartTimer()
				n, err := db.LoadRegions(sys(), nil)
				if err != nil || n != 665276 {
					b.Fatalf("%d %v", n, err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}

// scopeRows is the size of the scope benchmark's table.
const scopeRows = 1_000_000

// fillScopeTable makes a table of a million rows spread over the real
// villages of the seed regions, as households will be.
func fillScopeTable(b *testing.B, db *sqldb.DB) {
	b.Helper()
	ctx := sys()
	var villages []string
	if err := region.Divisions(sqltest.SeedRegions, func(r region.Region) error {
		if r.Level == region.LevelVillage {
			villages = append(villages, string(r.Code))
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE bench_scope (id BIGINT PRIMARY KEY, region_code TEXT NOT NULL, amount BIGINT NOT NULL)`); err != nil {
			return err
		}
		// Multi-row inserts of 500 rows keep the load to seconds on both engines.
		const batch = 500
		q := "INSERT INTO bench_scope (id, region_code, amount) VALUES "
		for i := 0; i < batch; i++ {
			if i > 0 {
				q += ","
			}
			q += "(?, ?, ?)"
		}
		args := make([]any, 0, batch*3)
		for i := 0; i < scopeRows; i += batch {
			args = args[:0]
			for j := i; j < i+batch; j++ {
				args = append(args, j+1, villages[j%len(villages)], int64(50000+j%70000))
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `CREATE INDEX bench_scope_region ON bench_scope (region_code)`)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if db.Dialect() == sqldb.Postgres {
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			_, err := tx.Exec(ctx, `ANALYZE bench_scope`)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScopeQuery is a list page's two queries — count and first page —
// and a sum, over a million rows filtered to one actor's region with the
// scope condition every store uses.
func BenchmarkScopeQuery(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *sqldb.DB
			if engine == "sqlite" {
				db = sqltest.SQLite(b, sqltest.Options{Regions: sqltest.NoRegions})
			} else {
				db = sqltest.Postgres(b, sqltest.Options{Regions: sqltest.NoRegions})
			}
			fillScopeTable(b, db)
			ctx := context.Background()
			for _, sc := range []struct {
				name string
				code region.Code
			}{
				{"township_大辛店镇", "370614107000"},
				{"county_蓬莱区", "370614000000"},
				{"province_青海省", "630000000000"},
			} {
				cond, args := sqldb.InRegion("region_code", sc.code)
				b.Run(sc.name+"/count+page", func(b *testing.B) {
					var n int
					for b.Loop() {
						if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM bench_scope WHERE `+cond, args...).Scan(&n); err != nil {
							b.Fatal(err)
						}
						rows, err := db.Query(ctx, `SELECT id, region_code, amount FROM bench_scope WHERE `+cond+` ORDER BY region_code, id LIMIT 50`, args...)
						if err != nil {
							b.Fatal(err)
						}
						k := 0
						for rows.Next() {
							k++
						}
						rows.Close()
						if k == 0 {
							b.Fatal("no rows")
						}
					}
					b.ReportMetric(float64(n), "rows_in_scope")
				})
				b.Run(sc.name+"/sum", func(b *testing.B) {
					var total int64
					for b.Loop() {
						if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM bench_scope WHERE `+cond, args...).Scan(&total); err != nil {
							b.Fatal(err)
						}
					}
					_ = fmt.Sprint(total)
				})
			}
		})
	}
}
