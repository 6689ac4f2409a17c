package policy

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"minzheng"
	"minzheng/registry"
)

// batchVillages are villages of the seed regions, with their own rules:
// 蓬莱 (deductions, minors' 单人保), 天宁 (unified), 济南 历城 (unified by
// formula) and 历下, 青海 治多 (grassland subsidy exempt), and a region
// with the demonstration's standard.
var batchVillages = []string{"370614107201", "370614001001", "320402001001", "370112001001", "370102001001", "632724100200", "440305001001"}

// randomHousehold draws a household whose income straddles the 低保 line,
// with every kind of fact the test reads.
func randomHousehold(r *rand.Rand, day minzheng.Date, county string, seq *int) Household {
	n := 1 + r.IntN(5)
	h := Household{Area: []string{"urban", "rural", "rural", ""}[r.IntN(4)]}
	if r.IntN(50) > 0 {
		h.Assets = &Assets{DepositsFen: minzheng.Fen(r.IntN(4000000)), Vehicles: r.IntN(12) / 10, Houses: 1 + r.IntN(12)/10}
	}
	for i := 0; i < n; i++ {
		*seq++
		birth := day.AddDays(-r.IntN(90 * 365))
		m := Member{Relation: "head"}
		if i > 0 {
			m.Relation = "child"
		}
		if r.IntN(40) > 0 {
			m.IDNumber = string(registry.NewIDNumber(county, birth, *seq%1000))
		} else if r.IntN(2) == 0 {
			m.BirthDate = birth
		}
		if r.IntN(8) == 0 {
			m.Disability = &Disability{Category: []string{"limb", "intellectual", "mental", "visual"}[r.IntN(4)], Level: 1 + r.IntN(4)}
		}
		m.SeriousIllness = r.IntN(15) == 0
		for k := r.IntN(3); k > 0; k-- {
			m.Incomes = append(m.Incomes, Income{Kind: incomeKinds[r.IntN(len(incomeKinds))], MonthlyFen: minzheng.Fen(r.IntN(150000))})
		}
		if r.IntN(4) == 0 {
			y := minzheng.Fen(r.IntN(3000000))
			m.Expenses = append(m.Expenses, Expense{Kind: expenseKinds[r.IntN(len(expenseKinds))], YearlyFen: y, ReimbursedFen: y / minzheng.Fen(1+r.IntN(4))})
		}
		h.Members = append(h.Members, m)
	}
	return h
}

func randomColumns(t testing.TB, n int, day minzheng.Date) (*Columns, []Household) {
	r := rand.New(rand.NewPCG(7, 11))
	c := NewColumns(day, n)
	hs := make([]Household, n)
	seq := 0
	for i := range hs {
		v := batchVillages[i%len(batchVillages)]
		hs[i] = randomHousehold(r, day, v[:6], &seq)
		c.Add(int64(i+1), v, &hs[i])
	}
	return c, hs
}

// TestBatchEqualsEvaluate holds the batch to Evaluate, to the fen, on
// 100,000 random households across the seed regions' rules.
func TestBatchEqualsEvaluate(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 10000
	}
	day := day(t, "2024-06-01")
	c, hs := randomColumns(t, n, day)
	res, err := c.Dibao(book)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint8]int{}
	for i := range hs {
		d, err := Evaluate(Request{Program: "dibao", Date: day, Region: c.Villages[c.Village[i]], Household: hs[i]}, book)
		if err != nil {
			t.Fatalf("household %d: %v", i, err)
		}
		want := ResultNo
		switch {
		case d.Eligible == nil:
			want = ResultMissing
		case *d.Eligible && d.SinglePerson:
			want = ResultSingle
		case *d.Eligible:
			want = ResultYes
		}
		seen[want]++
		if res.Code[i] != want || res.Amount[i] != d.AmountFen {
			t.Fatalf("household %d in %s: batch %d/%d, Evaluate %d/%d\n%+v", i, c.Villages[c.Village[i]], res.Code[i], res.Amount[i], want, d.AmountFen, d.Reasons)
		}
	}
	for _, code := range []uint8{ResultNo, ResultYes, ResultSingle, ResultMissing} {
		if seen[code] == 0 {
			t.Errorf("no household with result %d: the draw does not cover the rule", code)
		}
	}
	t.Logf("results: %v", seen)
}

func TestSimulateRaisesRuralStandard(t *testing.T) {
	day := day(t, "2024-06-01")
	c, _ := randomColumns(t, 20000, day)
	sets, err := ParseSets([]string{"dibao.standard.rural=85000@370614"})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := Simulate(c, book, sets, "370614000000", 5)
	if err != nil {
		t.Fatal(err)
	}
	d := sim.Total
	if d.Entered.Households == 0 || d.Up.Households == 0 || d.Left.Households != 0 || d.MonthlyChangeFen <= 0 {
		t.Fatalf("raising the rural standard: %+v", d)
	}
	if d.YearlyChangeFen != 12*d.MonthlyChangeFen {
		t.Errorf("yearly %d != 12 × monthly %d", d.YearlyChangeFen, d.MonthlyChangeFen)
	}
	// Only 蓬莱's rural households may change.
	for _, tw := range sim.Townships {
		if tw.Township[:6] != "370614" && (tw.Entered.Households|tw.Up.Households) != 0 {
			t.Errorf("township %s outside 蓬莱 changed: %+v", tw.Township, tw.Diff)
		}
	}
	if len(sim.Sample) != 5 {
		t.Fatalf("sample %d", len(sim.Sample))
	}
	// A higher standard lowers an amount only where 单人保 of some members
	// gives way to the whole household's smaller gap.
	for _, a := range sim.Sample {
		if a.Change == "down" {
			if !a.Before.SinglePerson || a.After.SinglePerson {
				t.Errorf("sample %d went down without leaving 单人保: %+v", a.HouseholdID, a.After.Reasons)
			}
			continue
		}
		if a.After.AmountFen <= a.Before.AmountFen {
			t.Errorf("sample %d (%s): %d → %d", a.HouseholdID, a.Change, a.Before.AmountFen, a.After.AmountFen)
		}
	}
	var sum int
	for _, tw := range sim.Townships {
		sum += tw.Entered.Households
	}
	if sum != d.Entered.Households {
		t.Errorf("townships' entered %d != total %d", sum, d.Entered.Households)
	}
}

func BenchmarkEvaluateDibao(b *testing.B) {
	req := parse(b, fmt.Sprintf(`{"program":"dibao","date":"2024-06-01","region":"370614107201","household":{"area":"rural","members":[
	 {"id_number":%q,"relation":"head","incomes":[{"kind":"wage","monthly_fen":120000}],"expenses":[{"kind":"medical","yearly_fen":600000}]},
	 {"id_number":%q,"relation":"spouse"},{"id_number":%q,"relation":"child"}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`,
		person(b, "370614", "1970-03-02", 11), person(b, "370614", "1972-05-06", 22), person(b, "370614", "2012-09-01", 33)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Evaluate(req, book); err != nil {
			b.Fatal(err)
		}
	}
}

func benchColumns(b *testing.B, n int) *Columns {
	day, _ := minzheng.ParseDate("2024-06-01")
	c, _ := randomColumns(b, n, day)
	runtime.GC() // the households the columns were built from are garbage
	return c
}

func BenchmarkBatchDibao1M(b *testing.B) {
	c := benchColumns(b, 1_000_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Dibao(book); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Len())*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mhouseholds/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}

func BenchmarkSimulate1M(b *testing.B) {
	c := benchColumns(b, 1_000_000)
	sets, _ := ParseSets([]string{"dibao.standard.rural=85000@370614"})
	b.ResetTimer()
	for b.Loop() {
		if _, err := Simulate(c, book, sets, "370614000000", 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimulate1MAllChanged changes a parameter every village reads,
// so the reform run evaluates every household again.
func BenchmarkSimulate1MAllChanged(b *testing.B) {
	c := benchColumns(b, 1_000_000)
	sets, _ := ParseSets([]string{"dibao.edge.multiple=1.6"})
	b.ResetTimer()
	for b.Loop() {
		if _, err := Simulate(c, book, sets, "000000000000", 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchDibao1MManyVillages spreads the million households over
// 20,000 villages of the seed counties, as a province's registry is.
func BenchmarkBatchDibao1MManyVillages(b *testing.B) {
	day, _ := minzheng.ParseDate("2024-06-01")
	r := rand.New(rand.NewPCG(7, 11))
	c := NewColumns(day, 1_000_000)
	seq := 0
	for i := 0; i < 1_000_000; i++ {
		county := batchVillages[i%len(batchVillages)][:6]
		v := fmt.Sprintf("%s%06d", county, i%20000)
		h := randomHousehold(r, day, county, &seq)
		c.Add(int64(i+1), v, &h)
	}
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Dibao(book); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Len())*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mhouseholds/s")
}
