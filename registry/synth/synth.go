// Package synth generates realistic synthetic households for the registry:
// the demo database (`minzheng demo --households N`) and the benchmarks'
// million persons.
//
// Everything is drawn from one math/rand/v2 PCG source seeded from
// Options.Seed, in a fixed order, and "now" is Options.Today: the same
// villages, options and seed give the same households, byte for byte. No map
// is iterated and the clock is never read.
//
// What is realistic and where the figures come from is said next to each
// table: surnames (names.go), family shapes (below), disability, illness,
// schooling and work (facts.go), incomes against the regions' 低保 standards,
// assets and rigid expenses (money.go), legal supporters and the parents'
// statuses the children's programmes read (support.go).
package synth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"minzheng"
	"minzheng/region"
	"minzheng/registry"
)

// Village is a place households can be put: a real village code, whose first
// six digits (its county) begin the ID numbers of the people born there, and
// its area.
type Village struct {
	Code region.Code
	Area string // "urban" or "rural" ("" → guess rural)
}

// Options say how many households to make, from which seed, and on what day.
type Options struct {
	Households int
	Seed       int64
	Today      minzheng.Date // "now" for ages and dates (the demo fixes it)
}

// Generate calls fn for each of opts.Households households, each put in a
// village drawn uniformly from villages (skipping the odd village whose code
// reads as a higher level, like 金门县's 350527000000, where the registry
// cannot put a household), deterministically: the same
// villages (in the same order), options and seed give the same households,
// byte for byte. Every household passes registry.NewHousehold.Check on
// opts.Today, and ID numbers are unique over the run (not across runs: two
// runs into one database may collide, see idAlloc). An error from fn stops
// the run and is returned as it is.
//
// Each household's Area is set to its village's (rural when the village has
// none), since its incomes are spread against that area's standard; its
// ValidFrom is a day in the last three years (never before its youngest
// member's birth), and its dated facts start on or after it.
func Generate(villages []Village, opts Options, fn func(registry.NewHousehold) error) error {
	g, err := newGen(villages, opts)
	if err != nil {
		return err
	}
	for range opts.Households {
		if err := fn(g.build().household()); err != nil {
			return err
		}
	}
	return nil
}

// Family shapes.
const (
	shapeElderAlone    = iota // one person 60+, mostly widowed
	shapeElderCouple          // husband and wife, the older 60+
	shapeSingle               // one person 18–59
	shapeCouple               // a couple 22–59 without children at home (young, or children gone)
	shapeCoupleKids           // a couple with 1–3 children (some adult children still at home)
	shapeSingleParent         // a divorced, widowed or unmarried parent with children
	shapeThreeGen             // grandparent(s), a couple and their children
	shapeLeftBehind           // 留守: grandparent(s) raising grandchildren, the parents away
	shapeDisabledChild        // parent(s) with an adult child with a severe disability
	nShapes
)

var shapeNames = [nShapes]string{"独居老人", "老年夫妇", "单身", "夫妻", "夫妻与子女", "单亲", "三代同堂", "隔代留守", "老养残"}

// shapeShare is the share of each shape among households, rural and urban.
// Anchored on the 2020 census (第七次全国人口普查): average household size
// 2.62; one-person households 25.4 %; a large and growing share of elderly
// living alone or as couples (空巢), more in the countryside; nuclear
// families the commonest shape in towns; three-generation households around
// one in six in the countryside; skipped-generation households (隔代户,
// grandparents and grandchildren only) a few percent of rural households,
// set at 5 % here for the out-migration counties a civil-affairs registry
// serves. "Adults with a disabled adult child" (老养残) has no census line;
// 3 % gives the disability programmes their cases. The mean size comes out
// ≈ 2.8 persons (a little above the census's 2.62, which counts the
// collective and the young migrant households a village registry lacks).
var shapeShare = [2][nShapes]float64{
	// rural
	{14, 16, 8, 8, 25, 4, 17, 5, 3},
	// urban
	{11, 13, 11, 12, 32.5, 6, 10, 1.5, 3},
}

// Income bands: under the 低保 standard per head, the 低保边缘 band from 1×
// to 1.5× the standard, and above.
const (
	bandBelow = iota
	bandEdge
	bandAbove
)

// bandShare is the share of households in the bands below and at the edge,
// rural and urban: rural 11 % under the standard and 10 % in the edge band,
// urban 4.5 % and 5 %. Rural 低保 covers about 7 % of the rural population
// and urban 低保 under 1 % of the urban (民政部 statistics for 2023: ≈ 3,400万
// rural and ≈ 660万 urban recipients); a registry of households — poor ones
// are smaller, and not every eligible household is enrolled — holds a
// larger share under the line, and about as many again just above it, where
// the monitoring of low-income people looks (the ranges issue 3 asks for:
// 8–15 % rural, 3–6 % urban).
var bandShare = [2][2]float64{{0.11, 0.10}, {0.045, 0.05}}

// belowMult says how much likelier a shape is to be poor than the average
// household: old people alone, single parents and families caring for a
// disabled adult are the classic 低保 cases (因老, 因残, 因病, 因学);
// working couples the least likely. The edge band uses the square roots.
// Conditional shape tables per band are made from these so that the shape
// shares and the band shares both come out exactly as stated.
var belowMult = [nShapes]float64{2.2, 1.3, 1.0, 0.4, 0.6, 2.0, 0.6, 1.6, 3.0}

// place is a village prepared for generation.
type place struct {
	code         string // 12 digits
	county       string // 6 digits
	countyN      uint32
	city         string // 4 digits
	province     string // 2 digits
	urban        bool
	std          minzheng.Fen
	basicPension minzheng.Fen
	tibetan      float64
}

type gen struct {
	r          *rand.Rand
	today      minzheng.Date
	ty         int
	tm         time.Month
	td         int
	schoolRef  minzheng.Date // the last 31 August: school years are counted from it
	monthStart minzheng.Date // the first day of today's month
	places     []place
	ids        idAlloc
	sur        surnamePicker
	bandCum    [2][2]float64          // cumulative band probabilities per area
	shapeCum   [2][3][nShapes]float64 // cumulative shape probabilities per area and band
	names      map[string]struct{}    // names used in the household being built
	scratch    [8]minzheng.Date       // children's birth dates while drawing a family
}

func newGen(villages []Village, opts Options) (*gen, error) {
	if len(villages) == 0 {
		return nil, errors.New("synth: no villages to put households in")
	}
	if opts.Households < 0 {
		return nil, fmt.Errorf("synth: %d households", opts.Households)
	}
	if opts.Today.IsZero() {
		return nil, errors.New("synth: Options.Today is not set")
	}
	g := &gen{
		r:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x6d696e7a68656e67)), // "minzheng"
		today: opts.Today,
		ids:   newIDAlloc(mix(uint64(opts.Seed)^0x73796e7468), min(opts.Households*2, 1<<20)),
		sur:   newSurnamePicker(),
		names: make(map[string]struct{}, 8),
	}
	g.ty, g.tm, g.td = opts.Today.YMD()
	sy := g.ty
	if g.tm < time.September {
		sy--
	}
	g.schoolRef = minzheng.NewDate(sy, time.August, 31)
	g.monthStart = minzheng.NewDate(g.ty, g.tm, 1)
	g.places = make([]place, 0, len(villages))
	for _, v := range villages {
		code, level, err := region.Parse(string(v.Code))
		if err != nil || len(v.Code) != 12 {
			return nil, fmt.Errorf("synth: %q is not a 12-digit village code", v.Code)
		}
		if level != region.LevelVillage {
			// A village whose code pads to its parent's (金门县's
			// 350527000000) reads as the parent: the registry cannot put
			// a household there.
			continue
		}
		if v.Area != "" && v.Area != region.AreaUrban && v.Area != region.AreaRural {
			return nil, fmt.Errorf("synth: village %s: area %q is neither urban nor rural", code, v.Area)
		}
		c := string(code)
		n, _ := strconv.Atoi(c[:6])
		p := place{code: c, county: c[:6], countyN: uint32(n), city: c[:4], province: c[:2], urban: v.Area == region.AreaUrban}
		if p.province < "11" || p.province > "82" {
			return nil, fmt.Errorf("synth: village %s: %s is not a province code", code, p.province)
		}
		p.std = Standard(Village{Code: code, Area: v.Area})
		p.basicPension = basicPension(p.province)
		if p.province == "63" {
			p.tibetan = tibetanShare(p.city)
		}
		g.places = append(g.places, p)
	}
	if len(g.places) == 0 {
		return nil, errors.New("synth: none of the villages can hold a household")
	}
	for a := range 2 {
		below, edge := bandShare[a][0], bandShare[a][1]
		g.bandCum[a] = [2]float64{below, below + edge}
		var nb, ne float64
		for s := range nShapes {
			nb += shapeShare[a][s] * belowMult[s]
			ne += shapeShare[a][s] * math.Sqrt(belowMult[s])
		}
		var cb, ce, ca float64
		total := 0.0
		for s := range nShapes {
			total += shapeShare[a][s]
		}
		for s := range nShapes {
			pb := shapeShare[a][s] * belowMult[s] / nb
			pe := shapeShare[a][s] * math.Sqrt(belowMult[s]) / ne
			pa := (shapeShare[a][s]/total - below*pb - edge*pe) / (1 - below - edge)
			if pa < 0 {
				return nil, errors.New("synth: the band multipliers are too strong for the shape shares")
			}
			cb += pb
			ce += pe
			ca += pa
			g.shapeCum[a][bandBelow][s] = cb
			g.shapeCum[a][bandEdge][s] = ce
			g.shapeCum[a][bandAbove][s] = ca
		}
	}
	return g, nil
}

// Dates.

func (g *gen) days(n int) minzheng.Date { return minzheng.Date(g.r.IntN(n)) }

// birthForAge is a birth date of someone exactly age years old today.
func (g *gen) birthForAge(age int) minzheng.Date {
	lo := minzheng.NewDate(g.ty-age-1, g.tm, g.td) + 1
	hi := minzheng.NewDate(g.ty-age, g.tm, g.td)
	return lo + g.days(int(hi-lo)+1)
}

func addYears(d minzheng.Date, n int) minzheng.Date {
	y, m, dd := d.YMD()
	return minzheng.NewDate(y+n, m, dd)
}

// husbandBirth is the birth date of a husband for a wife born on wife: a year
// younger to six years older, as marriages mostly are.
func (g *gen) husbandBirth(wife minzheng.Date) minzheng.Date {
	return wife + 365 - g.days(7*365)
}

func (g *gen) age(d minzheng.Date) int { return registry.Age(d, g.today) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// person is a member under construction.
type person struct {
	m              registry.NewMember
	male           bool
	birth          minzheng.Date
	age            int
	surname        string
	father, mother int // indices in the household, -1 when not in it
	forceDisabled  bool
	student        bool
	minorParent    bool // has a child under 18 in the household
}

// outKid is an adult child living elsewhere: a legal supporter (赡养义务人)
// of the old members it is recorded for.
type outKid struct {
	name  string
	id    string
	male  bool
	birth minzheng.Date
	state string // normal, dibao, disabled, imprisoned, incapacitated, tekun
}

// absentParent is a child's father or mother who is not in the household.
type absentParent struct {
	status string
	since  minzheng.Date // zero for normal: the child's own birth is used
}

// builder builds one household.
type builder struct {
	g         *gen
	p         *place
	band      int
	shape     int
	tibetan   bool
	ratio     float64 // per-capita income over the standard, set by incomes
	people    []person
	from      minzheng.Date
	outKids   []outKid
	supported []int           // members the outKids support
	absent    [2]absentParent // father, mother of the children in the household without one
	hasAbsent bool
	hhIncomes []registry.Income
}

// build draws the next household.
func (g *gen) build() *builder {
	p := &g.places[g.r.IntN(len(g.places))]
	a := 0
	if p.urban {
		a = 1
	}
	b := &builder{g: g, p: p, people: make([]person, 0, 6)}
	x := g.r.Float64()
	switch {
	case x < g.bandCum[a][0]:
		b.band = bandBelow
	case x < g.bandCum[a][1]:
		b.band = bandEdge
	default:
		b.band = bandAbove
	}
	cum := &g.shapeCum[a][b.band]
	x = g.r.Float64() * cum[nShapes-1]
	for b.shape < nShapes-1 && x >= cum[b.shape] {
		b.shape++
	}
	b.tibetan = p.tibetan > 0 && g.chance(p.tibetan)
	clear(g.names)

	switch b.shape {
	case shapeElderAlone:
		b.elderAlone()
	case shapeElderCouple:
		b.elderCouple()
	case shapeSingle:
		b.single()
	case shapeCouple:
		b.couple()
	case shapeCoupleKids:
		b.coupleKids()
	case shapeSingleParent:
		b.singleParent()
	case shapeThreeGen:
		b.threeGen()
	case shapeLeftBehind:
		b.leftBehind()
	case shapeDisabledChild:
		b.disabledChild()
	}

	// The record starts on a day in the last three years, not before
	// anyone in it was born.
	b.from = g.today - 30 - g.days(3*365-30)
	for i := range b.people {
		if b.people[i].birth > b.from {
			b.from = b.people[i].birth
		}
	}
	for i := range b.people {
		b.facts(i)
	}
	for i := range b.people {
		b.employment(i)
	}
	b.parentStatuses()
	b.supporters()
	b.incomes()
	b.assets()
	b.expenses()
	return b
}

// household is the built household as the registry takes it.
func (b *builder) household() registry.NewHousehold {
	g, p := b.g, b.p
	h := registry.NewHousehold{
		Region:    p.code,
		Area:      region.AreaRural,
		Address:   b.address(),
		ValidFrom: b.from,
		Members:   make([]registry.NewMember, len(b.people)),
		Incomes:   b.hhIncomes,
	}
	if p.urban {
		h.Area = region.AreaUrban
	}
	for i := range b.people {
		h.Members[i] = b.people[i].m
	}
	if g.chance(0.92) {
		h.Bank = b.bank()
	}
	return h
}

// add puts a person in the household and returns the index.
func (b *builder) add(rel string, male bool, birth minzheng.Date, surname, marital string) int {
	g := b.g
	id, birth := g.ids.next(b.p.county, b.p.countyN, birth, male)
	p := person{male: male, birth: birth, age: g.age(birth), surname: surname, father: -1, mother: -1}
	p.m.IDNumber = string(id)
	p.m.Relation = rel
	p.m.Name = b.name(male, birth, surname)
	p.m.Marital = marital
	p.m.HukouRegion = b.p.code
	b.people = append(b.people, p)
	return len(b.people) - 1
}

// name draws a name not yet used in the household.
func (b *builder) name(male bool, birth minzheng.Date, surname string) string {
	g := b.g
	var n string
	for range 6 {
		if b.tibetan {
			n = tibetanName(g.r, male)
		} else {
			n = surname + givenName(g.r, male, birth.Year())
		}
		if _, dup := g.names[n]; !dup {
			break
		}
	}
	g.names[n] = struct{}{}
	return n
}

func (b *builder) surname() string {
	if b.p.province == "63" && !b.tibetan && b.g.chance(0.07) {
		return "马" // the Hui and Salar of 西宁 and 海东
	}
	return b.g.sur.pick(b.g.r)
}

func (b *builder) male() bool { return b.g.chance(0.515) } // sex ratio at birth ≈ 106

// elderAge is the age of an old person living alone or as a couple: 60–88,
// most often mid-seventies, a few into their nineties.
func (g *gen) elderAge() int {
	a := 60 + g.r.IntN(15) + g.r.IntN(15)
	if g.chance(0.06) {
		a += g.r.IntN(10)
	}
	return a
}

func (b *builder) elderAlone() {
	g := b.g
	male := g.chance(0.32) // widows outnumber widowers more than two to one
	age := g.elderAge()
	var marital string
	x := g.r.Float64()
	if male {
		marital = pick4(x, 0.62, 0.08, 0.22, "widowed", "divorced", "single", "married")
	} else {
		marital = pick4(x, 0.82, 0.06, 0.03, "widowed", "divorced", "single", "married")
	}
	sn := b.surname()
	h := b.add("head", male, g.birthForAge(age), sn, marital)
	if marital == "single" && g.chance(0.9) {
		return // no children: the classic 五保/特困 case
	}
	kidsSurname := sn
	if !male {
		kidsSurname = b.surname() // the (late) husband's
	}
	mother := b.people[h].birth
	if male {
		mother += 365*2 - g.days(365*4)
	}
	b.makeOutKids(mother, kidsSurname, h)
}

// pick4 maps x in [0,1) to one of four values by the first three shares.
func pick4(x, p1, p2, p3 float64, a, b, c, d string) string {
	switch {
	case x < p1:
		return a
	case x < p1+p2:
		return b
	case x < p1+p2+p3:
		return c
	}
	return d
}

func (b *builder) elderCouple() {
	g := b.g
	husband := g.birthForAge(g.elderAge())
	wife := husband - 365 + g.days(7*365)
	if g.age(wife) < 50 {
		wife = husband
	}
	hs, ws := b.surname(), b.surname()
	var hi, wi int
	if g.chance(0.88) {
		hi = b.add("head", true, husband, hs, "married")
		wi = b.add("spouse", false, wife, ws, "married")
	} else {
		wi = b.add("head", false, wife, ws, "married")
		hi = b.add("spouse", true, husband, hs, "married")
	}
	b.makeOutKids(b.people[wi].birth, hs, hi, wi)
}

func (b *builder) single() {
	g := b.g
	male := g.chance(0.6)
	age := 18 + g.r.IntN(42)
	x := g.r.Float64()
	var marital string
	if age < 30 {
		marital = pick4(x, 0.9, 0.1, 0, "single", "divorced", "widowed", "single")
	} else {
		marital = pick4(x, 0.4, 0.45, 0.15, "single", "divorced", "widowed", "single")
	}
	b.add("head", male, g.birthForAge(age), b.surname(), marital)
}

func (b *builder) couple() {
	g := b.g
	var wife minzheng.Date
	if g.chance(0.4) {
		wife = g.birthForAge(22 + g.r.IntN(12)) // young couple, 22–33
	} else {
		wife = g.birthForAge(45 + g.r.IntN(13)) // children gone, 45–57
	}
	husband := g.husbandBirth(wife)
	if g.age(husband) < 22 {
		husband = g.birthForAge(22)
	}
	if g.age(husband) >= 60 {
		husband = g.birthForAge(59)
	}
	b.pair(husband, wife, b.surname(), b.surname(), 0.85)
}

// pair adds husband and wife, one of them the head (the husband with
// probability pHusband), and returns their indices.
func (b *builder) pair(husband, wife minzheng.Date, hs, ws string, pHusband float64) (int, int) {
	if b.g.chance(pHusband) {
		h := b.add("head", true, husband, hs, "married")
		return h, b.add("spouse", false, wife, ws, "married")
	}
	w := b.add("head", false, wife, ws, "married")
	return b.add("spouse", true, husband, hs, "married"), w
}

// numKids is how many children a couple has: rural families more (the
// second child was allowed in the countryside long before 2016).
func (b *builder) numKids() int {
	x := b.g.r.Float64()
	if b.p.urban {
		switch {
		case x < 0.55:
			return 1
		case x < 0.95:
			return 2
		}
		return 3
	}
	switch {
	case x < 0.35:
		return 1
	case x < 0.85:
		return 2
	}
	return 3
}

// family draws a mother aged ageLo–ageHi today and the birth dates of up to
// n of her children: the first born when she was 21–27 (rural) or 23–30
// (urban), then every 2–6 years until she is 42, keeping those born by today
// and at most kidMax years old (older ones have left). At least one child is
// returned; the slice is reused by the next call.
func (b *builder) family(ageLo, ageHi, kidMax, n int) (minzheng.Date, []minzheng.Date) {
	g := b.g
	kids := g.scratch[:0]
	span := ageHi - ageLo
	for range 8 {
		a := ageLo + g.r.IntN(span/2+1) + g.r.IntN(span-span/2+1)
		mother := g.birthForAge(a)
		at := 21 + g.r.IntN(7)
		if b.p.urban {
			at = 23 + g.r.IntN(8)
		}
		kids = kids[:0]
		for j := 0; j < n && at <= 42; j++ {
			cb := addYears(mother, at) + g.days(365)
			if cb > g.today {
				break
			}
			if g.age(cb) <= kidMax {
				kids = append(kids, cb)
			}
			at += 2 + g.r.IntN(5)
		}
		if len(kids) > 0 {
			return mother, kids
		}
	}
	a := max(ageLo, 22)
	mother := g.birthForAge(a)
	c := g.r.IntN(min(kidMax, a-21) + 1)
	return mother, append(kids, g.birthForAge(c))
}

// addKids adds children born on the given dates with the given relation,
// surname and parents.
func (b *builder) addKids(rel string, births []minzheng.Date, surname string, father, mother int) {
	g := b.g
	for _, cb := range births {
		marital := "single"
		if a := g.age(cb); a >= 22 && g.chance(0.04) {
			marital = "divorced" // back home after a divorce
		}
		k := b.add(rel, b.male(), cb, surname, marital)
		b.people[k].father, b.people[k].mother = father, mother
		if b.people[k].age < 18 {
			if father >= 0 {
				b.people[father].minorParent = true
			}
			if mother >= 0 {
				b.people[mother].minorParent = true
			}
		}
	}
}

func (b *builder) coupleKids() {
	g := b.g
	mother, kids := b.family(24, 54, 27, b.numKids())
	father := g.husbandBirth(mother)
	fs, ms := b.surname(), b.surname()
	pH := 0.85
	if b.p.urban {
		pH = 0.75
	}
	fi, mi := b.pair(father, mother, fs, ms, pH)
	ks := fs
	if g.chance(0.07) {
		ks = ms // children may bear the mother's surname, more so since 2016
	}
	b.addKids("child", kids, ks, fi, mi)
	// Now and then the head's unmarried brother or sister lives with them,
	// often because of a disability.
	if g.chance(0.025) {
		h := &b.people[0]
		age := min(max(h.age-8+g.r.IntN(17), 18), 75)
		marital := "single"
		if g.chance(0.3) {
			marital = "divorced"
		}
		s := b.add("sibling", b.male(), g.birthForAge(age), h.surname, marital)
		b.people[s].forceDisabled = g.chance(0.4)
	}
}

func (b *builder) singleParent() {
	g := b.g
	x := g.r.Float64()
	n := 1
	switch {
	case x < 0.35:
		n = 2
	case x < 0.4:
		n = 3
	}
	mother, kids := b.family(24, 54, 22, n)
	father := g.husbandBirth(mother)
	fs, ms := b.surname(), b.surname()
	motherHead := g.chance(0.78)
	x = g.r.Float64()
	var marital string
	if motherHead {
		marital = pick4(x, 0.7, 0.25, 0.05, "divorced", "widowed", "single", "single")
	} else {
		marital = pick4(x, 0.75, 0.25, 0, "divorced", "widowed", "single", "single")
	}
	var pi int
	if motherHead {
		pi = b.add("head", false, mother, ms, marital)
	} else {
		pi = b.add("head", true, father, fs, marital)
	}
	ks := fs
	if g.chance(0.05) || (marital == "single" && g.chance(0.5)) {
		ks = ms
	}
	if motherHead {
		b.addKids("child", kids, ks, -1, pi)
	} else {
		b.addKids("child", kids, ks, pi, -1)
	}
	// The absent parent.
	youngest := kids[len(kids)-1]
	var st absentParent
	switch marital {
	case "widowed":
		st = absentParent{"dead", b.sinceAfter(youngest, 30)}
	case "single":
		if g.chance(0.45) {
			st = absentParent{"lost_contact", b.lostSince(youngest)}
		} else {
			st = absentParent{status: "normal"}
		}
	default:
		x := g.r.Float64()
		switch {
		case x < 0.84:
			st = absentParent{status: "normal"}
		case x < 0.89:
			st = absentParent{"imprisoned", b.sinceAgo(youngest, 120, 8*365)}
		case x < 0.95:
			st = absentParent{"lost_contact", b.lostSince(youngest)}
		case x < 0.97:
			st = absentParent{"seriously_ill", b.sinceAgo(youngest, 60, 5*365)}
		case x < 0.99:
			st = absentParent{"severely_disabled", b.sinceAgo(youngest, 60, 8*365)}
		default:
			st = absentParent{"detained", b.sinceAgo(youngest, 90, 2*365)}
		}
	}
	b.hasAbsent = true
	if motherHead {
		b.absent[0] = st
	} else {
		b.absent[1] = st
	}
}

// sinceAfter is a day between not (the youngest child's birth) and margin
// days ago.
func (b *builder) sinceAfter(not minzheng.Date, margin int) minzheng.Date {
	hi := b.g.today - minzheng.Date(margin)
	if hi <= not {
		return not
	}
	return not + b.g.days(int(hi-not)+1)
}

// sinceAgo is a day lo–hi days ago, not before not.
func (b *builder) sinceAgo(not minzheng.Date, lo, hi int) minzheng.Date {
	d := b.g.today - minzheng.Date(lo) - b.g.days(hi-lo+1)
	if d < not {
		d = not
	}
	if d > b.g.today {
		d = b.g.today
	}
	return d
}

// lostSince is when a parent lost contact: mostly over six months ago (the
// threshold of 事实无人抚养), about one case in seven more recent, so that the
// rule has both sides to tell apart.
func (b *builder) lostSince(not minzheng.Date) minzheng.Date {
	if b.g.chance(0.15) {
		return b.sinceAgo(not, 30, 150)
	}
	return b.sinceAgo(not, 200, 6*365)
}

func (b *builder) threeGen() {
	g := b.g
	mother, kids := b.family(24, 50, 20, b.numKids())
	father := g.husbandBirth(mother)
	fs, ms := b.surname(), b.surname()
	paternal := g.chance(0.8)
	base, gs := father, fs
	if !paternal {
		base, gs = mother, ms
	}
	gm := addYears(base, -(21+g.r.IntN(14))) - g.days(365)
	gf := g.husbandBirth(gm)
	if g.age(gf) > 98 {
		gf = g.birthForAge(98)
	}
	if g.age(gm) > 98 {
		gm = g.birthForAge(98)
	}
	gms := b.surname()
	x := g.r.Float64()
	withGF, withGM := true, true
	switch {
	case x < 0.33:
		withGF = false
	case x < 0.45:
		withGM = false
	}
	gMarital := "married"
	if !withGF || !withGM {
		gMarital = "widowed"
		if g.chance(0.1) {
			gMarital = "divorced"
		}
	}
	ks := fs
	if g.chance(0.07) {
		ks = ms
	}
	if g.chance(0.55) {
		// The middle generation heads the household.
		fi, mi := b.pair(father, mother, fs, ms, 0.85)
		headIsFathersSide := b.people[0].male
		rel := "parent"
		if headIsFathersSide != paternal {
			rel = "parent_in_law"
		}
		if withGF {
			b.add(rel, true, gf, gs, gMarital)
		}
		if withGM {
			b.add(rel, false, gm, gms, gMarital)
		}
		b.addKids("child", kids, ks, fi, mi)
		return
	}
	// The old man (or woman) heads it; the son or daughter and their spouse
	// are child and child_in_law, the children grandchildren.
	switch {
	case withGF && withGM:
		b.add("head", true, gf, gs, gMarital)
		b.add("spouse", false, gm, gms, gMarital)
	case withGF:
		b.add("head", true, gf, gs, gMarital)
	default:
		b.add("head", false, gm, gms, gMarital)
	}
	var fi, mi int
	if paternal {
		fi = b.add("child", true, father, fs, "married")
		mi = b.add("child_in_law", false, mother, ms, "married")
	} else {
		mi = b.add("child", false, mother, ms, "married")
		fi = b.add("child_in_law", true, father, fs, "married")
		if g.chance(0.5) {
			ks = ms // 上门女婿: the children take the mother's family name
		}
	}
	b.addKids("grandchild", kids, ks, fi, mi)
}

// leftBehind: grandparents raising grandchildren while the parents work
// away (留守儿童), or because the parents are dead, in prison or gone.
func (b *builder) leftBehind() {
	g := b.g
	x := g.r.Float64()
	n := 1
	switch {
	case x < 0.4:
		n = 2
	case x < 0.5:
		n = 3
	}
	mother, kids := b.family(22, 42, 16, n)
	father := g.husbandBirth(mother)
	fs, ms := b.surname(), b.surname()
	paternal := g.chance(0.82)
	base, gs := father, fs
	if !paternal {
		base, gs = mother, ms
	}
	gm := addYears(base, -(20+g.r.IntN(15))) - g.days(365)
	gf := g.husbandBirth(gm)
	gms := b.surname()
	x = g.r.Float64()
	withGF, withGM := true, true
	switch {
	case x < 0.28:
		withGF = false
	case x < 0.38:
		withGM = false
	}
	gMarital := "married"
	if !withGF || !withGM {
		gMarital = "widowed"
	}
	var gp []int
	if withGF {
		gp = append(gp, b.add("head", true, gf, gs, gMarital))
	}
	if withGM {
		rel := "spouse"
		if !withGF {
			rel = "head"
		}
		gp = append(gp, b.add(rel, false, gm, gms, gMarital))
	}
	b.addKids("grandchild", kids, fs, -1, -1)

	// The parents' statuses, the same for all the children (one pair of
	// parents): 82 % both working away (normal); the rest the cases the
	// children's programmes exist for — one parent dead or in prison (not
	// enough alone), 事实无人抚养 (both parents unable, or one dead/missing
	// and the other unable: ≈ 8 % of these households, a recent loss of
	// contact under six months among them), orphans (1 %). That is above the
	// national rate (≈ 3 % of left-behind children are de facto
	// unsupported), as households of grandparents alone with the children
	// concentrate such cases.
	youngest := kids[len(kids)-1]
	normal := absentParent{status: "normal"}
	dead := func() absentParent { return absentParent{"dead", b.sinceAfter(youngest, 30)} }
	prison := func() absentParent { return absentParent{"imprisoned", b.sinceAgo(youngest, 120, 8*365)} }
	lost := func() absentParent { return absentParent{"lost_contact", b.lostSince(youngest)} }
	var fa, mo absentParent
	x = g.r.Float64() * 100
	switch {
	case x < 82:
		fa, mo = normal, normal
	case x < 86:
		fa, mo = dead(), normal
	case x < 88.5:
		fa, mo = dead(), lost()
	case x < 90.5:
		fa, mo = prison(), lost()
	case x < 93:
		fa, mo = prison(), normal
	case x < 95:
		fa, mo = normal, lost()
	case x < 96.5:
		fa, mo = absentParent{"seriously_ill", b.sinceAgo(youngest, 60, 4*365)}, lost()
	case x < 97.5:
		fa, mo = dead(), dead()
	case x < 98.5:
		fa, mo = absentParent{"severely_disabled", b.sinceAgo(youngest, 60, 8*365)}, lost()
	case x < 99.3:
		fa, mo = absentParent{"detained", b.sinceAgo(youngest, 90, 2*365)}, normal
	default:
		fa, mo = prison(), absentParent{"missing", b.sinceAgo(youngest, 400, 5*365)}
	}
	b.absent = [2]absentParent{fa, mo}
	b.hasAbsent = true

	// The grandparents' supporters: the absent son or daughter, and the
	// brothers and sisters.
	own := fa
	ob, sn, male := father, fs, true
	if !paternal {
		own, ob, sn, male = mo, mother, ms, false
	}
	kidsSurname := gs
	b.supported = gp
	if own.status != "dead" {
		k := outKid{male: male, birth: ob, name: b.name(male, ob, sn)}
		switch own.status {
		case "imprisoned", "detained":
			k.state = "imprisoned"
		case "missing":
			k.state = "incapacitated"
		case "severely_disabled":
			k.state = "disabled"
		default:
			k.state = "normal"
		}
		if g.chance(0.75) {
			id, birth := g.ids.next(b.p.county, b.p.countyN, ob, male)
			k.id, k.birth = string(id), birth
		}
		b.outKids = append(b.outKids, k)
	}
	for range g.r.IntN(3) {
		kb := gm + 365*21 + g.days(365*17)
		if g.age(kb) < 18 {
			continue
		}
		b.outKids = append(b.outKids, b.outKid(kb, kidsSurname))
	}
}

func (b *builder) disabledChild() {
	g := b.g
	child := g.birthForAge(18 + g.r.IntN(33))
	mother := addYears(child, -(21+g.r.IntN(16))) - g.days(365)
	father := g.husbandBirth(mother)
	fs, ms := b.surname(), b.surname()
	x := g.r.Float64()
	fi, mi := -1, -1
	switch {
	case x < 0.65:
		fi, mi = b.pair(father, mother, fs, ms, 0.85)
	case x < 0.9:
		mi = b.add("head", false, mother, ms, pick4(g.r.Float64(), 0.75, 0.25, 0, "widowed", "divorced", "", ""))
	default:
		fi = b.add("head", true, father, fs, pick4(g.r.Float64(), 0.75, 0.25, 0, "widowed", "divorced", "", ""))
	}
	marital := "single"
	if g.chance(0.08) {
		marital = "divorced"
	}
	k := b.add("child", b.male(), child, fs, marital)
	b.people[k].father, b.people[k].mother = fi, mi
	b.people[k].forceDisabled = true
}

// makeOutKids draws the adult children, living elsewhere, of an old person
// or couple whose mother was born on mother; they become supporters of the
// members in who. Cohorts born before 1950 had 3–6 children, the 1950s 2–4,
// the 1960s (after 1971's 晚稀少 and 1980's one-child policy) 1–3; about 5 %
// have none.
func (b *builder) makeOutKids(mother minzheng.Date, surname string, who ...int) {
	g := b.g
	b.supported = who
	if g.chance(0.05) {
		return
	}
	var n int
	switch y := mother.Year(); {
	case y < 1950:
		n = 3 + g.r.IntN(4)
	case y < 1960:
		n = 2 + g.r.IntN(3)
	default:
		n = 1 + g.r.IntN(3)
	}
	at := 20 + g.r.IntN(6)
	for range n {
		if at > 42 {
			break
		}
		kb := addYears(mother, at) + g.days(365)
		at += 2 + g.r.IntN(4)
		if g.age(kb) < 18 {
			break
		}
		b.outKids = append(b.outKids, b.outKid(kb, surname))
	}
}

// outKid draws one adult child living elsewhere and his or her situation:
// mostly able to support; a few on 低保 themselves, disabled, in prison or
// legally incapacitated — the cases 《特困办法》第8条 weighs.
func (b *builder) outKid(birth minzheng.Date, surname string) outKid {
	g := b.g
	male := b.male()
	k := outKid{male: male, birth: birth, name: b.name(male, birth, surname), state: "normal"}
	pDibao := 0.03
	if b.band == bandBelow {
		pDibao = 0.12
	}
	x := g.r.Float64()
	switch {
	case x < pDibao:
		k.state = "dibao"
	case x < pDibao+0.03:
		k.state = "disabled"
	case x < pDibao+0.04:
		k.state = "imprisoned"
	case x < pDibao+0.045:
		k.state = "incapacitated"
	case x < pDibao+0.048:
		k.state = "tekun"
	}
	if g.chance(0.8) {
		id, birth := g.ids.next(b.p.county, b.p.countyN, birth, male)
		k.id, k.birth = string(id), birth
	}
	return k
}

// address is a plausible house address inside the village.
func (b *builder) address() string {
	g := b.g
	if b.p.urban {
		return strconv.Itoa(1+g.r.IntN(30)) + "号楼" + strconv.Itoa(1+g.r.IntN(6)) + "单元" +
			strconv.Itoa(1+g.r.IntN(18)) + "0" + strconv.Itoa(1+g.r.IntN(4)) + "室"
	}
	if g.chance(0.5) {
		return "第" + groupNames[g.r.IntN(len(groupNames))] + "村民小组" + strconv.Itoa(1+g.r.IntN(120)) + "号"
	}
	return strconv.Itoa(1+g.r.IntN(300)) + "号"
}

var groupNames = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// bank is the account benefits are paid into, held by the head.
func (b *builder) bank() *registry.Bank {
	g := b.g
	list := ruralBanks
	switch {
	case b.p.province == "63" && b.p.urban:
		list = qhUrban
	case b.p.province == "63":
		list = qhRural
	case b.p.urban:
		list = urbanBanks
	}
	bk := pickBank(g.r, list)
	n := 19
	if g.chance(0.15) {
		n = 16 + g.r.IntN(3) // old passbook (存折) numbers are shorter
	}
	return &registry.Bank{Name: bk.name, Account: account(g.r, bk, n), Holder: b.people[0].m.Name}
}
