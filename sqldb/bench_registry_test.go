package sqldb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"minzheng"
	"minzheng/registry"
	"minzheng/registry/synth"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
	"minzheng/xlsx"
)

// benchPersons is the size of the registry benchmarks: a million persons,
// about a mid-sized province's low-income population and its neighbours.
const benchPersons = 1_000_000

// benchFile writes the synthetic households of the seed regions, benchPersons
// persons, as an import file of the format, and returns its path and the
// households.
func benchFile(b *testing.B, db *sqldb.DB, format string) (string, []registry.NewHousehold) {
	b.Helper()
	ctx := sys()
	var villages []synth.Village
	for _, r := range sqltest.SeedRegions {
		vs, err := db.Villages(ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range vs {
			villages = append(villages, synth.Village{Code: v.Code, Area: v.Area})
		}
	}
	var hs []registry.NewHousehold
	persons := 0
	// Generate households until the persons reach the target.
	err := synth.Generate(villages, synth.Options{Households: benchPersons, Seed: 7, Today: minzheng.NewDate(2025, 9, 26)},
		func(h registry.NewHousehold) error {
			if persons >= benchPersons {
				return errEnough
			}
			hs = append(hs, h)
			persons += len(h.Members)
			return nil
		})
	if err != nil && err != errEnough {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "import."+format)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w, err := xlsx.NewWriter(f, format, "家庭档案", registry.SheetColumns)
	if err != nil {
		b.Fatal(err)
	}
	for i, h := range hs {
		for _, row := range h.Rows(strconv.Itoa(i + 1)) {
			if err := w.Write(row); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path, hs
}

var errEnough = fmt.Errorf("enough")

// BenchmarkImport1M imports a million persons from CSV and from .xlsx into
// a fresh SQLite database: the whole import, file parsing, checks and
// writes in one transaction (target: under 60 s each).
func BenchmarkImport1M(b *testing.B) {
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := sqltest.SQLite(b, sqltest.Options{})
				path, _ := benchFile(b, db, format)
				b.StartTimer()
				r, err := xlsx.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				rep, err := db.ImportHouseholds(sys(), r, false, "bench", nil)
				r.Close()
				if err != nil || !rep.Committed {
					b.Fatalf("%+v %v", rep.Problems[:min(5, len(rep.Problems))], err)
				}
				b.ReportMetric(float64(rep.WrittenPeople), "persons")
			}
		})
	}
}

// BenchmarkRegistry1M loads a million persons once, then measures search
// by name and by ID suffix (p95 over many queries, target under 100 ms),
// the export of every row, and the as_of read of one household.
func BenchmarkRegistry1M(b *testing.B) {
	db := sqltest.SQLite(b, sqltest.Options{})
	path, hs := benchFile(b, db, "csv")
	r, err := xlsx.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	rep, err := db.ImportHouseholds(sys(), r, false, "bench", nil)
	r.Close()
	if err != nil || !rep.Committed {
		b.Fatalf("import: %v", err)
	}
	ctx := sys()
	rng := rand.New(rand.NewPCG(1, 2))
	var names, suffixes []string
	for i := 0; i < 200; i++ {
		h := hs[rng.IntN(len(hs))]
		m := h.Members[rng.IntN(len(h.Members))]
		names = append(names, m.Name)
		suffixes = append(suffixes, m.IDNumber[12:])
	}
	search := func(b *testing.B, qs []string) {
		var times []time.Duration
		for b.Loop() {
			for _, q := range qs {
				start := time.Now()
				if _, _, err := db.Households(ctx, sqldb.HouseholdFilter{Region: "370000000000", Q: q, PerPage: 20}); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95_ms")
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50_ms")
	}
	b.Run("search_name", func(b *testing.B) { search(b, names) })
	b.Run("search_id_suffix", func(b *testing.B) { search(b, suffixes) })
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Create(filepath.Join(b.TempDir(), "export.xlsx"))
			if err != nil {
				b.Fatal(err)
			}
			w, err := xlsx.NewWriter(f, "xlsx", "家庭档案", registry.SheetColumns)
			if err != nil {
				b.Fatal(err)
			}
			n, err := db.ExportHouseholds(ctx, sqldb.HouseholdFilter{}, w.Write)
			if err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			f.Close()
			b.ReportMetric(float64(n), "rows")
		}
	})
	b.Run("as_of", func(b *testing.B) {
		ids := []int64{1, int64(len(hs) / 2), int64(len(hs) - 1)}
		i := 0
		for b.Loop() {
			if _, err := db.Household(ctx, ids[i%3], minzheng.NewDate(2025, 1, 1)); err != nil && minzheng.ErrorCode(err) != minzheng.CodeNotFound {
				b.Fatal(err)
			}
			i++
		}
	})
}

var _ = context.Background
