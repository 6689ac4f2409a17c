package policy

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"minzheng"
	"minzheng/registry"
)

// Columns hold many households in structure-of-arrays form, as of one
// date, for the batch: the 低保 test of a million households is then a few
// tight loops over flat slices instead of a million object graphs. Members,
// incomes and expenses are stored contiguously per household (CSR): the
// members of household h are MemberStart[h]..MemberStart[h+1], the incomes
// of member m are IncStart[m]..IncStart[m+1].
//
// Build it with Add (from a Household, the same input Evaluate reads) so the
// batch and Evaluate can never read different facts.
type Columns struct {
	Date     minzheng.Date
	Villages []string // 12-digit codes; Village[h] indexes it
	village  map[string]int32

	ID          []int64 // the registry's household id
	Village     []int32
	Area        []uint8 // 0 unknown, 1 urban, 2 rural
	HasAssets   []bool
	Deposits    []minzheng.Fen
	Vehicles    []int32
	Houses      []int32
	MemberStart []int32
	// Per household, so the common case reads no member: the kinds of
	// income present (a bit each) and their total; likewise expenses.
	Size     []uint8
	IncMask  []uint32
	IncTotal []minzheng.Fen
	ExpMask  []uint8
	ExpTotal []minzheng.Fen

	Birth     []minzheng.Date // per member; 0 unknown
	Age       []int16         // per member on Date; −1 unknown
	Flags     []uint8         // per member: flagListed, flagSevere
	IncStart  []int32         // per member
	ExpStart  []int32         // per member
	IncKind   []uint8
	IncFen    []minzheng.Fen
	ExpKind   []uint8
	ExpNetFen []minzheng.Fen // yearly − reimbursed
	// For rebuilding a member's request when explaining a result; kept
	// free of pointers so the garbage collector never walks the columns.
	idNumbers []byte  // 18 bytes per member, zeros when none
	relation  []uint8 // index in registry.Relations, +1; 0 none
	disCat    []uint8 // index in disabilityOrder, +1; 0 none
	disLevel  []uint8
}

var disabilityOrder = []string{"visual", "hearing", "speech", "limb", "intellectual", "mental", "multiple"}

func indexOf(list []string, s string) uint8 {
	for i, x := range list {
		if x == s {
			return uint8(i + 1)
		}
	}
	return 0
}

var relationCodes = func() []string {
	out := make([]string, len(registry.Relations))
	for i, r := range registry.Relations {
		out[i] = r.Code
	}
	return out
}()

// Member flags.
const (
	flagListed uint8 = 1 << iota // grade 1–2, grade 3 intellectual/mental, or seriously ill (《低保办法》第8条)
	flagSevere                   // grade 1–2 (增发)
	flagIll                      // seriously ill
)

var incomeIndex, expenseIndex = func() (map[string]uint8, map[string]uint8) {
	a, b := map[string]uint8{}, map[string]uint8{}
	for i, k := range incomeKinds {
		a[k] = uint8(i)
	}
	for i, k := range expenseKinds {
		b[k] = uint8(i)
	}
	return a, b
}()

// NewColumns makes empty columns for day, with room for n households.
func NewColumns(day minzheng.Date, n int) *Columns {
	c := &Columns{Date: day, village: map[string]int32{}}
	c.ID = make([]int64, 0, n)
	c.Village = make([]int32, 0, n)
	c.Area = make([]uint8, 0, n)
	c.HasAssets = make([]bool, 0, n)
	c.Deposits = make([]minzheng.Fen, 0, n)
	c.Vehicles = make([]int32, 0, n)
	c.Houses = make([]int32, 0, n)
	c.MemberStart = append(make([]int32, 0, n+1), 0)
	c.IncStart = []int32{0}
	c.ExpStart = []int32{0}
	return c
}

// Len is the number of households.
func (c *Columns) Len() int { return len(c.ID) }

// Members is the number of members of all households.
func (c *Columns) Members() int { return len(c.Age) }

// Add appends a household of the village (12 digits) with its registry id.
// Codes are assumed valid (they come from the registry or a checked
// request).
func (c *Columns) Add(id int64, village string, h *Household) {
	v, ok := c.village[village]
	if !ok {
		v = int32(len(c.Villages))
		c.village[village] = v
		c.Villages = append(c.Villages, village)
	}
	c.ID = append(c.ID, id)
	c.Village = append(c.Village, v)
	area := uint8(0)
	switch h.Area {
	case "urban":
		area = 1
	case "rural":
		area = 2
	}
	c.Area = append(c.Area, area)
	if h.Assets != nil {
		c.HasAssets = append(c.HasAssets, true)
		c.Deposits = append(c.Deposits, h.Assets.DepositsFen)
		c.Vehicles = append(c.Vehicles, int32(h.Assets.Vehicles))
		c.Houses = append(c.Houses, int32(h.Assets.Houses))
	} else {
		c.HasAssets = append(c.HasAssets, false)
		c.Deposits = append(c.Deposits, 0)
		c.Vehicles = append(c.Vehicles, 0)
		c.Houses = append(c.Houses, 0)
	}
	for i := range h.Members {
		m := &h.Members[i]
		birth := m.birth
		if birth == 0 && m.IDNumber != "" {
			if id, err := registry.ParseIDNumber(m.IDNumber, c.Date, ""); err == nil {
				birth = id.Birth()
			}
		}
		if birth == 0 {
			birth = m.BirthDate
		}
		c.Birth = append(c.Birth, birth)
		age := int16(-1)
		if birth != 0 {
			age = int16(registry.Age(birth, c.Date))
		}
		c.Age = append(c.Age, age)
		var fl uint8
		if dis := m.Disability; dis != nil {
			if dis.Level <= 2 {
				fl |= flagListed | flagSevere
			} else if dis.Level == 3 && (dis.Category == "intellectual" || dis.Category == "mental") {
				fl |= flagListed
			}
		}
		if m.SeriousIllness {
			fl |= flagListed | flagIll
		}
		c.Flags = append(c.Flags, fl)
		var id [18]byte
		copy(id[:], m.IDNumber)
		c.idNumbers = append(c.idNumbers, id[:]...)
		c.relation = append(c.relation, indexOf(relationCodes, m.Relation))
		if m.Disability != nil {
			c.disCat = append(c.disCat, indexOf(disabilityOrder, m.Disability.Category))
			c.disLevel = append(c.disLevel, uint8(m.Disability.Level))
		} else {
			c.disCat = append(c.disCat, 0)
			c.disLevel = append(c.disLevel, 0)
		}
		for _, in := range m.Incomes {
			c.IncKind = append(c.IncKind, incomeIndex[in.Kind])
			c.IncFen = append(c.IncFen, in.MonthlyFen)
		}
		c.IncStart = append(c.IncStart, int32(len(c.IncKind)))
		for _, x := range m.Expenses {
			c.ExpKind = append(c.ExpKind, expenseIndex[x.Kind])
			c.ExpNetFen = append(c.ExpNetFen, x.YearlyFen-x.ReimbursedFen)
		}
		c.ExpStart = append(c.ExpStart, int32(len(c.ExpKind)))
	}
	c.MemberStart = append(c.MemberStart, int32(len(c.Age)))
	m0, m1 := c.MemberStart[len(c.MemberStart)-2], c.MemberStart[len(c.MemberStart)-1]
	var im uint32
	var it minzheng.Fen
	for i := c.IncStart[m0]; i < c.IncStart[m1]; i++ {
		im |= 1 << c.IncKind[i]
		it += c.IncFen[i]
	}
	var em uint8
	var et minzheng.Fen
	for i := c.ExpStart[m0]; i < c.ExpStart[m1]; i++ {
		em |= 1 << c.ExpKind[i]
		et += c.ExpNetFen[i]
	}
	c.Size = append(c.Size, uint8(m1-m0))
	c.IncMask = append(c.IncMask, im)
	c.IncTotal = append(c.IncTotal, it)
	c.ExpMask = append(c.ExpMask, em)
	c.ExpTotal = append(c.ExpTotal, et)
}

// Household rebuilds household h as Evaluate reads it, for explaining a
// batch result.
func (c *Columns) Household(h int) Household {
	out := Household{}
	switch c.Area[h] {
	case 1:
		out.Area = "urban"
	case 2:
		out.Area = "rural"
	}
	if c.HasAssets[h] {
		out.Assets = &Assets{DepositsFen: c.Deposits[h], Vehicles: int(c.Vehicles[h]), Houses: int(c.Houses[h])}
	}
	for m := c.MemberStart[h]; m < c.MemberStart[h+1]; m++ {
		mem := Member{SeriousIllness: c.Flags[m]&flagIll != 0}
		if id := c.idNumbers[18*m : 18*m+18]; id[0] != 0 {
			mem.IDNumber = string(id)
		} else {
			mem.BirthDate = c.Birth[m]
		}
		if r := c.relation[m]; r > 0 {
			mem.Relation = relationCodes[r-1]
		}
		if k := c.disCat[m]; k > 0 {
			mem.Disability = &Disability{Category: disabilityOrder[k-1], Level: int(c.disLevel[m])}
		}
		for i := c.IncStart[m]; i < c.IncStart[m+1]; i++ {
			mem.Incomes = append(mem.Incomes, Income{Kind: incomeKinds[c.IncKind[i]], MonthlyFen: c.IncFen[i]})
		}
		for i := c.ExpStart[m]; i < c.ExpStart[m+1]; i++ {
			mem.Expenses = append(mem.Expenses, Expense{Kind: expenseKinds[c.ExpKind[i]], YearlyFen: c.ExpNetFen[i]})
		}
		out.Members = append(out.Members, mem)
	}
	return out
}

// Result codes of the batch, per household.
const (
	ResultNo      uint8 = iota // not eligible
	ResultYes                  // eligible, household
	ResultSingle               // eligible through 单人保 of some members
	ResultMissing              // a fact is missing
)

// Results are the batch's answer per household: the code, the monthly
// amount in fen and the persons covered.
type Results struct {
	Code    []uint8
	Amount  []minzheng.Fen
	Persons []int32
}

// groupParams are the 低保 parameters of one village on the date, read once
// for all its households.
type groupParams struct {
	unified                bool
	std                    [3]minzheng.Fen // by area code; [0] unused unless unified
	hasStd                 [3]bool
	exempt                 uint32 // bit per income kind
	deduct                 uint8  // bit per expense kind
	round                  uint8  // index in roundings
	depositMonths          minzheng.Fen
	vehiclesMax, housesMax int32
	rounding               string
	minimum                minzheng.Fen
	extraSevere            minzheng.Fen
	extraElderly           minzheng.Fen
	elderlyAge             int16
	extraMinor             minzheng.Fen
	minors                 bool
	edge                   Ratio
}

// resolveGroup reads the parameters as Evaluate would, for a household of
// the village; an error names the parameter with no value in force.
func resolveGroup(b *Book, village string, day minzheng.Date, areas [3]bool) (groupParams, error) {
	var d Decision
	e := &env{book: b, region: village, date: day, d: &d}
	var g groupParams
	g.unified = e.optBool("dibao.unified")
	if g.unified {
		s := e.fen("dibao.standard.urban")
		g.std = [3]minzheng.Fen{s, s, s}
		g.hasStd = [3]bool{true, true, true}
	} else {
		for a, name := range [3]string{"", "urban", "rural"} {
			if a > 0 && areas[a] {
				g.std[a] = e.fen("dibao.standard." + name)
				g.hasStd[a] = true
			}
		}
	}
	for _, k := range e.list("dibao.income.exempt").List {
		g.exempt |= 1 << incomeIndex[k]
	}
	for _, k := range e.list("dibao.deduct.expenses").List {
		g.deduct |= 1 << expenseIndex[k]
	}
	g.depositMonths = minzheng.Fen(e.integer("dibao.assets.deposit_months"))
	g.vehiclesMax = int32(e.integer("dibao.assets.vehicles_max"))
	g.housesMax = int32(e.integer("dibao.assets.houses_max"))
	g.rounding = e.code("dibao.rounding")
	for i, r := range roundings {
		if r == g.rounding {
			g.round = uint8(i)
		}
	}
	g.minimum = e.optFen("dibao.minimum")
	g.extraSevere = e.optFen("dibao.extra.severe_disability")
	if g.extraElderly = e.optFen("dibao.extra.elderly"); g.extraElderly > 0 {
		g.elderlyAge = int16(e.integer("dibao.extra.elderly_age"))
	}
	g.extraMinor = e.optFen("dibao.extra.minor")
	g.minors = e.optBool("dibao.single_person.minors")
	g.edge = e.ratio("dibao.edge.multiple")
	return g, e.err
}

// Dibao evaluates the 低保 programme for every household, in parallel, to
// the fen what Evaluate answers for each (a test holds it to that).
func (c *Columns) Dibao(b *Book) (*Results, error) {
	groups, err := c.groups(b)
	if err != nil {
		return nil, err
	}
	return c.dibao(groups, villageGroups{}, nil), nil
}

// dibao runs the groups' parameters over every household; where prev is
// given, households of villages whose parameters equal prevGroups' are
// copied from prev instead — a reform of one county's standard reevaluates
// that county only.
func (c *Columns) dibao(groups villageGroups, prevGroups villageGroups, prev *Results) *Results {
	same := make([]bool, len(groups.of))
	if prev != nil {
		for v := range groups.of {
			same[v] = groups.params[groups.of[v]] == prevGroups.params[prevGroups.of[v]]
		}
	}
	n := c.Len()
	res := &Results{Code: make([]uint8, n), Amount: make([]minzheng.Fen, n), Persons: make([]int32, n)}
	workers := runtime.GOMAXPROCS(0)
	chunk := (n + workers - 1) / workers
	if chunk < 4096 {
		chunk = 4096
	}
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for h := lo; h < hi; h++ {
				v := c.Village[h]
				if same[v] {
					res.Code[h], res.Amount[h], res.Persons[h] = prev.Code[h], prev.Amount[h], prev.Persons[h]
					continue
				}
				res.Code[h], res.Amount[h], res.Persons[h] = c.dibaoOne(h, &groups.params[groups.of[v]])
			}
		}(lo, hi)
	}
	wg.Wait()
	return res
}

// groups reads the parameters of every village. Villages whose deepest
// region holding any parameter row is the same read the same rows, so
// each such region is resolved once: a province of 30,000 villages with
// standards set per county resolves a few dozen groups.
func (c *Columns) groups(b *Book) (villageGroups, error) {
	// The areas present decide which standards must exist: per village
	// first (an index, not a map, per household), then per region.
	perVillage := make([][3]bool, len(c.Villages))
	for h, v := range c.Village {
		perVillage[v][c.Area[h]] = true
	}
	// Number the regions the villages fall under, then resolve each once
	// for the areas its villages hold.
	byKey := map[string]int32{}
	var first []int // a village of each group
	var areas [][3]bool
	groups := villageGroups{of: make([]int32, len(c.Villages))}
	for i, v := range c.Villages {
		key := b.deepestRegion(v)
		k, ok := byKey[key]
		if !ok {
			k = int32(len(first))
			byKey[key] = k
			first = append(first, i)
			areas = append(areas, [3]bool{})
		}
		groups.of[i] = k
		for a, has := range perVillage[i] {
			areas[k][a] = areas[k][a] || has
		}
	}
	for k, i := range first {
		g, err := resolveGroup(b, c.Villages[i], c.Date, areas[k])
		if err != nil {
			return villageGroups{}, err
		}
		groups.params = append(groups.params, g)
	}
	return groups, nil
}

// villageGroups are the distinct parameter sets (few) and which one each
// village (many) reads; the sets stay in the processor's cache.
type villageGroups struct {
	of     []int32 // by village
	params []groupParams
}

// dibaoOne is evalDibao without the sentences. The common case reads
// only per-household columns: when no income present is exempt, the
// counted income is the total; likewise for deductible expenses.
func (c *Columns) dibaoOne(h int, g *groupParams) (uint8, minzheng.Fen, int32) {
	area := c.Area[h]
	if g.unified {
		area = 0
	} else if area == 0 {
		return ResultMissing, 0, 0
	}
	n := minzheng.Fen(c.Size[h])
	if n == 0 {
		return ResultMissing, 0, 0
	}
	std := g.std[area]
	counted := c.IncTotal[h]
	if c.IncMask[h]&g.exempt != 0 {
		counted = 0
		m0, m1 := c.MemberStart[h], c.MemberStart[h+1]
		for i := c.IncStart[m0]; i < c.IncStart[m1]; i++ {
			if g.exempt&(1<<c.IncKind[i]) == 0 {
				counted += c.IncFen[i]
			}
		}
	}
	var yearly minzheng.Fen
	if em := c.ExpMask[h]; em&g.deduct == em {
		yearly = c.ExpTotal[h]
	} else if em&g.deduct != 0 {
		m0, m1 := c.MemberStart[h], c.MemberStart[h+1]
		for i := c.ExpStart[m0]; i < c.ExpStart[m1]; i++ {
			if g.deduct&(1<<c.ExpKind[i]) != 0 {
				yearly += c.ExpNetFen[i]
			}
		}
	}
	net := netIncome(counted, yearly/12)
	if !c.HasAssets[h] {
		// Above the edge line the assets cannot change the answer.
		if net >= std*n && !under(net, g.edge, std*n) {
			return ResultNo, 0, 0
		}
		return ResultMissing, 0, 0
	}
	if c.Deposits[h] > std*g.depositMonths*n || c.Vehicles[h] > g.vehiclesMax || c.Houses[h] > g.housesMax {
		return ResultNo, 0, 0
	}
	line := std * n
	if net >= line {
		return c.singleOne(h, g, std, net)
	}
	amount := line - net
	if g.extraSevere > 0 || g.extraElderly > 0 || g.extraMinor > 0 {
		for m := c.MemberStart[h]; m < c.MemberStart[h+1]; m++ {
			if c.Flags[m]&flagSevere != 0 {
				amount += g.extraSevere
			}
			if g.extraElderly > 0 || g.extraMinor > 0 {
				age := c.Age[m]
				if age < 0 {
					return ResultMissing, 0, 0
				}
				if g.extraElderly > 0 && age >= g.elderlyAge {
					amount += g.extraElderly
				}
				if g.extraMinor > 0 && age < 18 {
					amount += g.extraMinor
				}
			}
		}
	}
	if g.round != 0 {
		amount = applyRounding(g.rounding, amount)
	}
	if g.minimum > 0 && amount < g.minimum {
		amount = g.minimum
	}
	return ResultYes, amount, int32(n)
}

// singleOne is singlePerson without the sentences.
func (c *Columns) singleOne(h int, g *groupParams, std, net minzheng.Fen) (uint8, minzheng.Fen, int32) {
	m0, m1 := c.MemberStart[h], c.MemberStart[h+1]
	n := minzheng.Fen(m1 - m0)
	if !under(net, g.edge, std*n) {
		return ResultNo, 0, 0
	}
	var total minzheng.Fen
	var persons int32
	missing := false
	for m := m0; m < m1; m++ {
		listed := c.Flags[m]&flagListed != 0
		if !listed && g.minors {
			if c.Age[m] < 0 {
				missing = true
				continue
			}
			listed = c.Age[m] < 18
		}
		if !listed {
			continue
		}
		var counted, yearly minzheng.Fen
		for i := c.IncStart[m]; i < c.IncStart[m+1]; i++ {
			if g.exempt&(1<<c.IncKind[i]) == 0 {
				counted += c.IncFen[i]
			}
		}
		for i := c.ExpStart[m]; i < c.ExpStart[m+1]; i++ {
			if g.deduct&(1<<c.ExpKind[i]) != 0 {
				yearly += c.ExpNetFen[i]
			}
		}
		own := netIncome(counted, yearly/12)
		if own >= std {
			continue
		}
		total += applyRounding(g.rounding, std-own)
		persons++
	}
	if missing {
		return ResultMissing, 0, 0
	}
	if total == 0 {
		return ResultNo, 0, 0
	}
	return ResultSingle, total, persons
}

// Diff is a what-if's difference from the baseline over a set of
// households.
type Diff struct {
	Households        int          `json:"households"`
	Entered           Count        `json:"entered"` // newly eligible
	Left              Count        `json:"left"`    // no longer eligible
	Up                Count        `json:"up"`      // still eligible, more money
	Down              Count        `json:"down"`    // still eligible, less money
	BaselineEligible  Count        `json:"baseline_eligible"`
	ReformEligible    Count        `json:"reform_eligible"`
	BaselineMonthly   minzheng.Fen `json:"baseline_monthly_fen"`
	ReformMonthly     minzheng.Fen `json:"reform_monthly_fen"`
	MonthlyChangeFen  minzheng.Fen `json:"monthly_change_fen"`
	YearlyChangeFen   minzheng.Fen `json:"yearly_change_fen"`
	MissingHouseholds int          `json:"missing_households"` // a fact missing, in either run
}

// Count is households and persons.
type Count struct {
	Households int `json:"households"`
	Persons    int `json:"persons"`
}

// Change kinds of a household between two runs.
const (
	changeNone = iota
	changeEntered
	changeLeft
	changeUp
	changeDown
)

var changeNames = [...]string{"", "entered", "left", "up", "down"}

// add counts household h's difference between the runs into d and says
// how it changed.
func (d *Diff) add(base, reform *Results, h int) int {
	d.Households++
	b, r := base.Code[h], reform.Code[h]
	if b == ResultMissing || r == ResultMissing {
		d.MissingHouseholds++
		return changeNone
	}
	be, re := b != ResultNo, r != ResultNo
	if be {
		d.BaselineEligible.Households++
		d.BaselineEligible.Persons += int(base.Persons[h])
		d.BaselineMonthly += base.Amount[h]
	}
	if re {
		d.ReformEligible.Households++
		d.ReformEligible.Persons += int(reform.Persons[h])
		d.ReformMonthly += reform.Amount[h]
	}
	switch {
	case !be && re:
		d.Entered.Households++
		d.Entered.Persons += int(reform.Persons[h])
		return changeEntered
	case be && !re:
		d.Left.Households++
		d.Left.Persons += int(base.Persons[h])
		return changeLeft
	case be && re && reform.Amount[h] > base.Amount[h]:
		d.Up.Households++
		d.Up.Persons += int(reform.Persons[h])
		return changeUp
	case be && re && reform.Amount[h] < base.Amount[h]:
		d.Down.Households++
		d.Down.Persons += int(reform.Persons[h])
		return changeDown
	}
	return changeNone
}

// merge adds o's counts to d.
func (d *Diff) merge(o *Diff) {
	d.Households += o.Households
	d.MissingHouseholds += o.MissingHouseholds
	for _, p := range [][2]*Count{{&d.Entered, &o.Entered}, {&d.Left, &o.Left}, {&d.Up, &o.Up}, {&d.Down, &o.Down},
		{&d.BaselineEligible, &o.BaselineEligible}, {&d.ReformEligible, &o.ReformEligible}} {
		p[0].Households += p[1].Households
		p[0].Persons += p[1].Persons
	}
	d.BaselineMonthly += o.BaselineMonthly
	d.ReformMonthly += o.ReformMonthly
}

func (d *Diff) finish() {
	d.MonthlyChangeFen = d.ReformMonthly - d.BaselineMonthly
	d.YearlyChangeFen = d.MonthlyChangeFen * 12
}

// Simulation is a what-if's report.
type Simulation struct {
	Program   string         `json:"program"`
	Region    string         `json:"region"`
	Date      minzheng.Date  `json:"date"`
	Sets      []string       `json:"sets"`
	Total     Diff           `json:"total"`
	Townships []TownshipDiff `json:"townships"`
	Sample    []Affected     `json:"sample"`
}

// TownshipDiff is the difference within one township.
type TownshipDiff struct {
	Township string `json:"township"` // 12 digits
	Name     string `json:"name,omitempty"`
	Diff
}

// Affected is one household the reform changes, with both explanations.
type Affected struct {
	HouseholdID int64    `json:"household_id"`
	Village     string   `json:"village"`
	Change      string   `json:"change"` // entered, left, up, down
	Before      Decision `json:"before"`
	After       Decision `json:"after"`
}

// ParseSets reads --set values.
func ParseSets(list []string) ([]Set, error) {
	var out []Set
	for _, s := range list {
		set, err := ParseSet(s)
		if err != nil {
			return nil, err
		}
		out = append(out, set)
	}
	if len(out) == 0 {
		return nil, minzheng.Invalid("set", "请至少给出一项改革参数，如 dibao.standard.rural=85000@370614")
	}
	return out, nil
}

// Simulate runs the 低保 baseline and the reform over the columns and
// reports the difference in total and per township, with up to sample
// affected households explained both ways.
func Simulate(c *Columns, base *Book, sets []Set, regionCode string, sample int) (*Simulation, error) {
	reform, err := base.Overlay(sets, c.Date)
	if err != nil {
		return nil, err
	}
	baseGroups, err := c.groups(base)
	if err != nil {
		return nil, err
	}
	reformGroups, err := c.groups(reform)
	if err != nil {
		return nil, err
	}
	before := c.dibao(baseGroups, villageGroups{}, nil)
	after := c.dibao(reformGroups, baseGroups, before)
	sim := &Simulation{Program: "dibao", Region: regionCode, Date: c.Date}
	for _, st := range sets {
		if st.Region == "" {
			sim.Sets = append(sim.Sets, st.Name+"="+st.Value)
		} else {
			sim.Sets = append(sim.Sets, st.Name+"="+st.Value+"@"+st.Region)
		}
	}
	// Townships are the first 9 digits of the villages.
	townOf := make([]int32, len(c.Villages))
	townIdx := map[string]int32{}
	var towns []string
	for i, v := range c.Villages {
		t := v[:9]
		k, ok := townIdx[t]
		if !ok {
			k = int32(len(towns))
			townIdx[t] = k
			towns = append(towns, t)
		}
		townOf[i] = k
	}
	// One pass, split over the processors, each with its own counts.
	workers := runtime.GOMAXPROCS(0)
	n := c.Len()
	chunk := max((n+workers-1)/workers, 4096)
	type part struct {
		towns    []Diff
		affected [5][]int
	}
	var parts []*part
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		p := &part{towns: make([]Diff, len(towns))}
		parts = append(parts, p)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for h := lo; h < hi; h++ {
				k := p.towns[townOf[c.Village[h]]].add(before, after, h)
				if k != changeNone && len(p.affected[k]) < sample {
					p.affected[k] = append(p.affected[k], h)
				}
			}
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
	townDiffs := make([]Diff, len(towns))
	var affected [5][]int
	for _, p := range parts {
		for i := range towns {
			sim.Total.merge(&p.towns[i])
			townDiffs[i].merge(&p.towns[i])
		}
		for k := range affected {
			affected[k] = append(affected[k], p.affected[k]...)
		}
	}
	sim.Total.finish()
	order := make([]int, len(towns))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return towns[order[a]] < towns[order[b]] })
	for _, i := range order {
		townDiffs[i].finish()
		sim.Townships = append(sim.Townships, TownshipDiff{Township: towns[i] + "000", Diff: townDiffs[i]})
	}
	for round := 0; len(sim.Sample) < sample; round++ {
		added := false
		for k := changeEntered; k <= changeDown; k++ {
			if round < len(affected[k]) && len(sim.Sample) < sample {
				a, err := c.explain(affected[k][round], base, reform, changeNames[k])
				if err != nil {
					return nil, err
				}
				sim.Sample = append(sim.Sample, a)
				added = true
			}
		}
		if !added {
			break
		}
	}
	return sim, nil
}
func (c *Columns) explain(h int, base, reform *Book, change string) (Affected, error) {
	req := Request{Program: "dibao", Date: c.Date, Region: c.Villages[c.Village[h]], Household: c.Household(h)}
	before, err := Evaluate(req, base)
	if err != nil {
		return Affected{}, err
	}
	req.Household = c.Household(h)
	after, err := Evaluate(req, reform)
	if err != nil {
		return Affected{}, err
	}
	return Affected{HouseholdID: c.ID[h], Village: req.Region, Change: change, Before: before, After: after}, nil
}

// String summarises a diff in one Chinese line, for the command line.
func (d Diff) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "新增 %d 户 %d 人，退出 %d 户 %d 人，增加 %d 户，减少 %d 户；月支出变化 %s 元，年支出变化 %s 万元",
		d.Entered.Households, d.Entered.Persons, d.Left.Households, d.Left.Persons, d.Up.Households, d.Down.Households,
		d.MonthlyChangeFen.Yuan(), d.YearlyChangeFen.Wan())
	return b.String()
}
