package synth

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"minzheng"
	"minzheng/region"
	"minzheng/registry"
)

var today = minzheng.NewDate(2025, time.June, 15)

var (
	seedOnce     sync.Once
	seedVills    []Village
	seedVillsErr error
)

// seedVillages are the real villages of the seed regions (蓬莱, 天宁, 环翠,
// 济南, 青海), their areas guessed from their names as the registry does.
func seedVillages(t testing.TB) []Village {
	seedOnce.Do(func() {
		only := []region.Code{"370614000000", "320402000000", "371002000000", "370100000000", "630000000000"}
		seedVillsErr = region.Divisions(only, func(r region.Region) error {
			if r.Level == region.LevelVillage {
				seedVills = append(seedVills, Village{Code: r.Code, Area: region.AreaFromName(r.Level, r.Name)})
			}
			return nil
		})
	})
	if seedVillsErr != nil {
		t.Fatal(seedVillsErr)
	}
	if len(seedVills) < 1000 {
		t.Fatalf("only %d seed villages", len(seedVills))
	}
	return seedVills
}

func byArea(vs []Village, area string) []Village {
	var out []Village
	for _, v := range vs {
		if v.Area == area || (area == "rural" && v.Area == "") {
			out = append(out, v)
		}
	}
	return out
}

func digest(t *testing.T, vs []Village, seed int64, n int) [32]byte {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	err := Generate(vs, Options{Households: n, Seed: seed, Today: today}, func(x registry.NewHousehold) error {
		return enc.Encode(x)
	})
	if err != nil {
		t.Fatal(err)
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	return d
}

func TestDeterministic(t *testing.T) {
	vs := seedVillages(t)
	a := digest(t, vs, 42, 3000)
	b := digest(t, vs, 42, 3000)
	if a != b {
		t.Fatal("the same seed gave different households")
	}
	if c := digest(t, vs, 43, 3000); c == a {
		t.Fatal("different seeds gave the same households")
	}
	// A shorter run is a prefix of a longer one.
	var first, again []byte
	Generate(vs, Options{Households: 5, Seed: 7, Today: today}, func(x registry.NewHousehold) error {
		b, _ := json.Marshal(x)
		first = append(first, b...)
		return nil
	})
	n := 0
	Generate(vs, Options{Households: 50, Seed: 7, Today: today}, func(x registry.NewHousehold) error {
		if n < 5 {
			b, _ := json.Marshal(x)
			again = append(again, b...)
		}
		n++
		return nil
	})
	if string(first) != string(again) || n != 50 {
		t.Fatal("a run of 5 is not the start of a run of 50")
	}
}

// TestCheck runs every household of several seeds, and of other days,
// through the registry's own validation.
func TestCheck(t *testing.T) {
	vs := seedVillages(t)
	d := func(s string) minzheng.Date {
		x, err := minzheng.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	cases := []struct {
		name  string
		seed  int64
		today minzheng.Date
		n     int
	}{
		{"种子1", 1, today, 20000},
		{"种子2", 2, today, 20000},
		{"种子3", 3, today, 20000},
		{"种子0", 0, today, 5000},
		{"负数种子", -7, today, 5000},
		{"闰日", 4, d("2000-02-29"), 5000},
		{"开学前一天", 5, d("2025-08-31"), 5000},
		{"开学日", 6, d("2025-09-01"), 5000},
		{"十年后", 7, d("2035-12-31"), 5000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			err := Generate(vs, Options{Households: c.n, Seed: c.seed, Today: c.today}, func(h registry.NewHousehold) error {
				n++
				if _, err := h.Check(c.today); err != nil {
					b, _ := json.Marshal(h)
					t.Fatalf("household %d: %v\n%s", n, err, b)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != c.n {
				t.Fatalf("%d households, want %d", n, c.n)
			}
		})
	}
}

// TestIDs: unique over ~200,000 persons and their supporters, the county of
// the village, the sex the generator meant, a birth date the person's role
// allows, the certificate numbers built on them.
func TestIDs(t *testing.T) {
	vs := seedVillages(t)
	g, err := newGen(vs, Options{Households: 1, Seed: 5, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]struct{}, 300000)
	persons := 0
	for persons < 200000 {
		b := g.build()
		h := b.household()
		for i, m := range h.Members {
			persons++
			id, err := registry.ParseIDNumber(m.IDNumber, today, "id")
			if err != nil {
				t.Fatal(err)
			}
			if _, dup := seen[m.IDNumber]; dup {
				t.Fatalf("ID %s given twice", m.IDNumber)
			}
			seen[m.IDNumber] = struct{}{}
			if id.County() != h.Region[:6] {
				t.Fatalf("ID %s in village %s", id, h.Region)
			}
			wantSex := registry.SexFemale
			if b.people[i].male {
				wantSex = registry.SexMale
			}
			if id.Sex() != wantSex {
				t.Fatalf("ID %s: sex %s, meant %s", id, id.Sex(), wantSex)
			}
			if id.Birth() != b.people[i].birth {
				t.Fatalf("ID %s: birth %s, meant %s", id, id.Birth(), b.people[i].birth)
			}
			if d := m.Disability; d != nil {
				if !strings.HasPrefix(d.Certificate, m.IDNumber) || len(d.Certificate) != 20 ||
					d.Certificate[18] != byte('1'+index(disabilityCats, d.Category)) || d.Certificate[19] != byte('0'+d.Level) {
					t.Fatalf("certificate %q for %s %s level %d", d.Certificate, m.IDNumber, d.Category, d.Level)
				}
			}
			for _, s := range m.Supporters {
				if s.IDNumber == "" {
					continue
				}
				sid, err := registry.ParseIDNumber(s.IDNumber, today, "id")
				if err != nil {
					t.Fatal(err)
				}
				if sid.Birth() != s.Birth {
					t.Fatalf("supporter %s born %s", sid, s.Birth)
				}
				if _, dup := seen[s.IDNumber]; dup && i == firstSupported(h) {
					t.Fatalf("supporter ID %s given twice", s.IDNumber)
				}
				seen[s.IDNumber] = struct{}{}
			}
		}
	}
	if len(seen) < 200000 {
		t.Fatalf("%d numbers", len(seen))
	}
}

// firstSupported is the first member with supporters (the others share the
// same list).
func firstSupported(h registry.NewHousehold) int {
	for i, m := range h.Members {
		if len(m.Supporters) > 0 {
			return i
		}
	}
	return -1
}

func index(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	return -1
}

func perCapita(h registry.NewHousehold) float64 {
	var sum minzheng.Fen
	for _, in := range h.Incomes {
		sum += in.Monthly()
	}
	for _, m := range h.Members {
		for _, in := range m.Incomes {
			sum += in.Monthly()
		}
	}
	return float64(sum) / float64(len(h.Members))
}

// TestIncomeBands: per-capita monthly income, every kind counted, against
// the standard Standard gives.
func TestIncomeBands(t *testing.T) {
	vs := seedVillages(t)
	cases := []struct {
		name               string
		area               string
		belowLo, belowHi   float64
		edgeLo, edgeHi     float64
		medianLo, medianHi float64 // per-capita income over the standard
	}{
		{"农村", "rural", 0.08, 0.15, 0.07, 0.14, 1.8, 3.2},
		{"城市", "urban", 0.03, 0.06, 0.03, 0.07, 3.0, 5.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var below, edge, n int
			var ratios []float64
			err := Generate(byArea(vs, c.area), Options{Households: 15000, Seed: 11, Today: today}, func(h registry.NewHousehold) error {
				std := float64(Standard(Village{Code: region.Code(h.Region), Area: h.Area}))
				r := perCapita(h) / std
				ratios = append(ratios, r)
				n++
				switch {
				case r < 1:
					below++
				case r < 1.5:
					edge++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			b, e := float64(below)/float64(n), float64(edge)/float64(n)
			t.Logf("%s: %.1f %% under the standard, %.1f %% between 1 and 1.5 times", c.name, 100*b, 100*e)
			if b < c.belowLo || b > c.belowHi {
				t.Errorf("%.1f %% under the standard, want %.0f–%.0f %%", 100*b, 100*c.belowLo, 100*c.belowHi)
			}
			if e < c.edgeLo || e > c.edgeHi {
				t.Errorf("%.1f %% in the edge band, want %.0f–%.0f %%", 100*e, 100*c.edgeLo, 100*c.edgeHi)
			}
			med := quantile(ratios, 0.5)
			if med < c.medianLo || med > c.medianHi {
				t.Errorf("median per-capita income %.2f × the standard, want %.1f–%.1f", med, c.medianLo, c.medianHi)
			}
		})
	}
}

func quantile(x []float64, q float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[int(q*float64(len(s)-1))]
}

// schoolAges are the ages (today) each schooling stage allows.
var schoolAges = map[string][2]int{
	"preschool": {2, 7}, "compulsory": {5, 16}, "high_school": {14, 19}, "vocational": {14, 19}, "higher": {17, 23}, "none": {14, 19},
}

// TestConsistency checks ages, relations and facts person by person.
func TestConsistency(t *testing.T) {
	vs := seedVillages(t)
	g, err := newGen(vs, Options{Households: 1, Seed: 9, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	age := func(b minzheng.Date) int { return registry.Age(b, today) }
	years := func(older, younger minzheng.Date) int { return registry.Age(older, younger) }
	mobile := regexp.MustCompile(`^1[3-9]\d{9}$`)
	for n := 0; n < 20000; n++ {
		b := g.build()
		h := b.household()
		fail := func(format string, args ...any) {
			t.Helper()
			js, _ := json.Marshal(h)
			t.Fatalf("household %d (%s): "+format+"\n%s", append(append([]any{n, shapeNames[b.shape]}, args...), js)...)
		}
		if h.Area != "urban" && h.Area != "rural" {
			fail("area %q", h.Area)
		}
		if h.ValidFrom > today || h.ValidFrom < today-3*366 {
			fail("valid from %s", h.ValidFrom)
		}
		heads := 0
		head := b.people[0]
		for i, p := range b.people {
			m := p.m
			if m.Relation == "head" {
				heads++
				if i != 0 {
					fail("the head is not the first member")
				}
				if p.age < 18 {
					fail("head aged %d", p.age)
				}
			}
			if p.birth > h.ValidFrom {
				fail("%s born after the record starts", m.Name)
			}
			if !b.tibetan && !strings.HasPrefix(m.Name, p.surname) || utf8.RuneCountInString(m.Name) < 2 || utf8.RuneCountInString(m.Name) > 6 {
				fail("name %q (surname %q)", m.Name, p.surname)
			}
			// Parents at least 18 years older than their children.
			for _, pi := range []int{p.father, p.mother} {
				if pi >= 0 && years(b.people[pi].birth, p.birth) < 18 {
					fail("%s is not 18 years older than %s", b.people[pi].m.Name, m.Name)
				}
			}
			if p.father >= 0 && !b.people[p.father].male || p.mother >= 0 && b.people[p.mother].male {
				fail("%s: father/mother of the wrong sex", m.Name)
			}
			switch m.Relation {
			case "spouse":
				if p.male == head.male {
					fail("same-sex spouses")
				}
				if d := years(min(p.birth, head.birth), max(p.birth, head.birth)); d > 10 {
					fail("spouses %d years apart", d)
				}
				if m.Marital != "married" || head.m.Marital != "married" {
					fail("spouses not married: %s, %s", m.Marital, head.m.Marital)
				}
			case "child":
				if years(head.birth, p.birth) < 18 {
					fail("child %s less than 18 years younger than the head", m.Name)
				}
			case "grandchild":
				if years(head.birth, p.birth) < 36 {
					fail("grandchild %s less than 36 years younger than the head", m.Name)
				}
			case "parent":
				if years(p.birth, head.birth) < 18 {
					fail("parent %s less than 18 years older than the head", m.Name)
				}
			}
			if p.age < 18 && m.Marital != "single" {
				fail("%s aged %d is %s", m.Name, p.age, m.Marital)
			}
			if p.age < 16 && m.Employment != "" {
				fail("%s aged %d: employment %s", m.Name, p.age, m.Employment)
			}
			if p.age < 15 && m.Phone != "" {
				fail("%s aged %d has a phone", m.Name, p.age)
			}
			if m.Phone != "" && !mobile.MatchString(m.Phone) {
				fail("phone %q", m.Phone)
			}
			if r, ok := schoolAges[m.Schooling]; ok && (p.age < r[0] || p.age > r[1]) {
				fail("%s aged %d: schooling %s", m.Name, p.age, m.Schooling)
			}
			if s := m.SelfCare; s != nil {
				if p.age < 16 || (p.age < 60 && m.Disability == nil) {
					fail("%s aged %d assessed for self-care", m.Name, p.age)
				}
				if m.Disability != nil && m.Disability.Level == 1 && len(s.Unable) < 3 {
					fail("%s: level-1 disability but %d items", m.Name, len(s.Unable))
				}
			}
			if d := m.DeathDate; !d.IsZero() {
				if d > today || d < today-730 || d < h.ValidFrom || p.age < 50 {
					fail("%s aged %d died %s", m.Name, p.age, d)
				}
				if p.minorParent {
					fail("%s died leaving a child at home without a status", m.Name)
				}
			}
			if m.Disability.Severe() && p.age >= 16 && !p.student && m.Employment != "unable" {
				fail("%s severely disabled but %q", m.Name, m.Employment)
			}
			for _, s := range m.Supporters {
				if s.Relation != "child" || years(p.birth, s.Birth) < 18 || age(s.Birth) < 18 {
					fail("%s supported by %s born %s", m.Name, s.Name, s.Birth)
				}
			}
			if len(m.ParentStatuses) > 0 && p.age >= 18 {
				fail("parent statuses for %s aged %d", m.Name, p.age)
			}
			for _, ps := range m.ParentStatuses {
				if ps.Status != "normal" && ps.Since < p.birth-3650*2 {
					fail("%s: %s %s since %s", m.Name, ps.Parent, ps.Status, ps.Since)
				}
			}
		}
		if heads != 1 {
			fail("%d heads", heads)
		}
		if h.Bank != nil {
			if h.Bank.Holder != head.m.Name || len(h.Bank.Account) < 16 || len(h.Bank.Account) > 19 {
				fail("bank %+v", h.Bank)
			}
		}
		// Siblings share their parents' statuses.
		var first []registry.ParentStatus
		for _, p := range b.people {
			if p.m.Relation == "grandchild" && b.shape == shapeLeftBehind {
				if len(p.m.ParentStatuses) != 2 {
					fail("left-behind child %s with %d parent statuses", p.m.Name, len(p.m.ParentStatuses))
				}
				if first == nil {
					first = p.m.ParentStatuses
				} else {
					for k := range 2 {
						a, c := first[k], p.m.ParentStatuses[k]
						if a.Status != c.Status || (a.Status != "normal" && a.Since != c.Since) {
							fail("siblings with different parent statuses")
						}
					}
				}
			}
		}
	}
}

// classify infers a household's shape from its relations and ages alone.
func classify(h registry.NewHousehold) int {
	rel := map[string]int{}
	oldest, adultDisabledChild := 0, false
	for _, m := range h.Members {
		rel[m.Relation]++
		id := registry.IDNumber(m.IDNumber)
		a := registry.Age(id.Birth(), today)
		oldest = max(oldest, a)
		if m.Relation == "child" && a >= 18 && m.Disability.Severe() {
			adultDisabledChild = true
		}
	}
	switch {
	case len(h.Members) == 1 && oldest >= 60:
		return shapeElderAlone
	case len(h.Members) == 1:
		return shapeSingle
	case rel["parent"]+rel["parent_in_law"]+rel["child_in_law"] > 0 || rel["child"] > 0 && rel["grandchild"] > 0:
		return shapeThreeGen
	case rel["grandchild"] > 0:
		return shapeLeftBehind
	case rel["child"] == 0 && oldest >= 60:
		return shapeElderCouple
	case rel["child"] == 0:
		return shapeCouple
	case rel["child"] == 1 && adultDisabledChild:
		return shapeDisabledChild
	case rel["spouse"] == 0:
		return shapeSingleParent
	}
	return shapeCoupleKids
}

// TestShapes: the shares of family shapes as intended, and each household
// looking like its shape.
func TestShapes(t *testing.T) {
	vs := seedVillages(t)
	for a, area := range []string{"rural", "urban"} {
		t.Run(map[string]string{"rural": "农村", "urban": "城市"}[area], func(t *testing.T) {
			g, err := newGen(byArea(vs, area), Options{Households: 1, Seed: 3, Today: today})
			if err != nil {
				t.Fatal(err)
			}
			const n = 20000
			var count [nShapes]int
			agree := 0
			for range n {
				b := g.build()
				count[b.shape]++
				if classify(b.household()) == b.shape {
					agree++
				}
			}
			total := 0.0
			for _, s := range shapeShare[a] {
				total += s
			}
			for s := range nShapes {
				got, want := 100*float64(count[s])/n, 100*shapeShare[a][s]/total
				if math.Abs(got-want) > 1.2 {
					t.Errorf("%s: %.1f %%, want %.1f %%", shapeNames[s], got, want)
				}
			}
			if agree < n*99/100 {
				t.Errorf("only %d of %d households look like their shape", agree, n)
			}
		})
	}
}

// TestPersons: disability at ≈ 6 %, illness, deaths, the children's
// cases, supporters and surnames at their rates.
func TestPersons(t *testing.T) {
	vs := seedVillages(t)
	var persons, disabled, severe, ill, dead, selfCare, elders, eldersDisabled int
	var wang, han, leftBehindCases, unsupported, supportersOf, elderAloneWith, elderAlone int
	cats := map[string]int{}
	err := Generate(vs, Options{Households: 30000, Seed: 21, Today: today}, func(h registry.NewHousehold) error {
		hasGrandchildOnly := true
		for _, m := range h.Members {
			if m.Relation == "child" || m.Relation == "child_in_law" {
				hasGrandchildOnly = false
			}
		}
		for _, m := range h.Members {
			persons++
			a := registry.Age(registry.IDNumber(m.IDNumber).Birth(), today)
			if a >= 60 {
				elders++
			}
			if d := m.Disability; d != nil {
				disabled++
				cats[d.Category]++
				if d.Severe() {
					severe++
				}
				if a >= 60 {
					eldersDisabled++
				}
			}
			if m.SeriousIllness != "" {
				ill++
			}
			if !m.DeathDate.IsZero() {
				dead++
			}
			if m.SelfCare != nil {
				selfCare++
			}
			if len(m.Supporters) > 0 {
				supportersOf++
			}
			if !strings.HasPrefix(h.Region, "63") {
				han++
				if strings.HasPrefix(m.Name, "王") {
					wang++
				}
			}
			if m.Relation == "grandchild" && hasGrandchildOnly && len(m.ParentStatuses) == 2 {
				leftBehindCases++
				f, mo := m.ParentStatuses[0].Status, m.ParentStatuses[1].Status
				unable := func(s string) bool {
					return s == "severely_disabled" || s == "seriously_ill" || s == "imprisoned" || s == "detained" || s == "lost_contact"
				}
				gone := func(s string) bool { return s == "dead" || s == "missing" }
				if unable(f) && unable(mo) || gone(f) && unable(mo) || unable(f) && gone(mo) {
					unsupported++
				}
			}
		}
		if len(h.Members) == 1 && registry.Age(registry.IDNumber(h.Members[0].IDNumber).Birth(), today) >= 60 {
			elderAlone++
			if len(h.Members[0].Supporters) > 0 {
				elderAloneWith++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pct := func(x, of int) float64 { return 100 * float64(x) / float64(of) }
	t.Logf("%d persons: disabled %.2f %% (severe %.2f %%, elders %.1f %% of elders), ill %.2f %%, dead %.2f %%, self-care assessed %.2f %%",
		persons, pct(disabled, persons), pct(severe, persons), pct(eldersDisabled, elders), pct(ill, persons), pct(dead, persons), pct(selfCare, persons))
	t.Logf("categories %v; 王 %.2f %%; left-behind children %d, of whom de facto unsupported %d; elderly alone with supporters %.1f %%",
		cats, pct(wang, han), leftBehindCases, unsupported, pct(elderAloneWith, elderAlone))
	check := func(what string, got, lo, hi float64) {
		if got < lo || got > hi {
			t.Errorf("%s: %.2f %%, want %.1f–%.1f %%", what, got, lo, hi)
		}
	}
	check("disability", pct(disabled, persons), 5, 7)
	check("disability among the elderly", pct(eldersDisabled, elders), 8, 25)
	check("serious illness", pct(ill, persons), 1, 5)
	check("deaths", pct(dead, persons), 0.3, 0.8)
	check("王", pct(wang, han), 6, 8.5)
	check("elderly alone with supporters", pct(elderAloneWith, elderAlone), 80, 97)
	if unsupported == 0 || unsupported > leftBehindCases/5 {
		t.Errorf("%d de facto unsupported among %d left-behind children", unsupported, leftBehindCases)
	}
	for _, c := range disabilityCats {
		if cats[c] == 0 {
			t.Errorf("no %s disability", c)
		}
	}
}

func TestStandard(t *testing.T) {
	cases := []struct {
		name string
		v    Village
		want minzheng.Fen
	}{
		{"蓬莱城市", Village{"370614001001", "urban"}, 100100},
		{"蓬莱农村", Village{"370614002208", "rural"}, 80000},
		{"蓬莱未定", Village{"370614002208", ""}, 80000},
		{"天宁", Village{"320402003203", "rural"}, 94000},
		{"济南历下城市", Village{"370102001002", "urban"}, 111400},
		{"济南章丘农村", Village{"370114004236", "rural"}, 88400},
		{"济南历城农村（城乡一体）", Village{"370112007221", "rural"}, 111400},
		{"环翠农村", Village{"371002101222", "rural"}, 88000},
		{"治多", Village{"632724100001", "urban"}, 81000},
	}
	for _, c := range cases {
		if got := Standard(c.v); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestErrors(t *testing.T) {
	ok := []Village{{"370614002208", "rural"}}
	none := func(registry.NewHousehold) error { return nil }
	cases := []struct {
		name string
		vs   []Village
		opts Options
	}{
		{"没有村", nil, Options{Households: 1, Today: today}},
		{"乡镇代码", []Village{{"370614002000", "rural"}}, Options{Households: 1, Today: today}},
		{"县级代码", []Village{{"350527000000", "rural"}}, Options{Households: 1, Today: today}},
		{"代码位数", []Village{{"3706140022", "rural"}}, Options{Households: 1, Today: today}},
		{"城乡属性", []Village{{"370614002208", "town"}}, Options{Households: 1, Today: today}},
		{"没有日期", ok, Options{Households: 1}},
		{"负数", ok, Options{Households: -1, Today: today}},
	}
	for _, c := range cases {
		if err := Generate(c.vs, c.opts, none); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	stop := errors.New("stop")
	n := 0
	err := Generate(ok, Options{Households: 10, Today: today}, func(registry.NewHousehold) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("fn's error: %v after %d", err, n)
	}
	if err := Generate(ok, Options{Households: 0, Today: today}, func(registry.NewHousehold) error {
		t.Fatal("called for zero households")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkGenerate generates households over the seed villages; the
// figures that matter are persons/s and the memory a million persons take.
func BenchmarkGenerate(b *testing.B) {
	vs := seedVillages(b)
	const n = 100000
	persons := 0
	b.ReportAllocs()
	for b.Loop() {
		persons = 0
		err := Generate(vs, Options{Households: n, Seed: 1, Today: today}, func(h registry.NewHousehold) error {
			persons += len(h.Members)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(n/sec, "households/s")
	b.ReportMetric(float64(persons)/sec, "persons/s")
}
