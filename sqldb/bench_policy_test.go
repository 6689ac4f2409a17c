package sqldb_test

import (
	"testing"

	"minzheng"
	"minzheng/policy"
	"minzheng/sqldb/sqltest"
)

// BenchmarkPolicyColumns1M loads a million households (about 2.6 million
// persons) of the seed regions from SQLite into the batch's columns
// (target: under 10 s), then runs the 低保 batch and a what-if over them.
func BenchmarkPolicyColumns1M(b *testing.B) {
	db := sqltest.SQLite(b, sqltest.Options{})
	created := fillSynthetic(b, db, 1_000_000, sqltest.SeedRegions...)
	b.Logf("%d households", created)
	day := minzheng.NewDate(2025, 9, 26)
	var c *policy.Columns
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			var err error
			if c, err = db.PolicyColumns(sys(), "", day); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(c.Len()), "households")
		b.ReportMetric(float64(c.Members()), "persons")
	})
	book := policy.BuiltinBook()
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Dibao(book); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(c.Len())*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mhouseholds/s")
	})
	sets, _ := policy.ParseSets([]string{"dibao.standard.rural=85000@370614"})
	b.Run("simulate", func(b *testing.B) {
		for b.Loop() {
			if _, err := policy.Simulate(c, book, sets, "", 10); err != nil {
				b.Fatal(err)
			}
		}
	})
}
