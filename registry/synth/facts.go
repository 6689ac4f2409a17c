package synth

import (
	"minzheng"
	"minzheng/registry"
)

// Disability. The 2006 second national sample survey of disability found
// 6.34 % of the population disabled, rising steeply with age (about one in
// four over 60), and this generator aims at ≈ 6 % of persons with a
// disability certificate (about twice the share of certificate holders in
// the whole population — some 38 million in 2023 — since a social-assistance
// registry over-represents disabled people). The rate per age below is
// multiplied by the income band's factor (poorer households hold more
// disabled members: 因残致贫) and by disabilityScale, tuned so that the
// total comes out at ≈ 6 %.
var disabilityByAge = []struct {
	upTo int // age below
	p    float64
}{{2, 0}, {15, 0.012}, {45, 0.025}, {60, 0.05}, {70, 0.09}, {80, 0.14}, {200, 0.22}}

var disabilityBand = [3]float64{1.9, 1.3, 0.85}

const disabilityScale = 0.93

// Categories (in the registry's order: visual, hearing, speech, limb,
// intellectual, mental, multiple) by age group, after the survey's
// composition (limb 29 %, hearing 24 %, multiple 16 %, visual 15 %, mental
// 7 %, intellectual 7 %, speech 2 %): children's disabilities are mostly
// intellectual and multiple, old people's hearing, sight and limbs.
var (
	disabilityCats  = []string{"visual", "hearing", "speech", "limb", "intellectual", "mental", "multiple"}
	catsChild       = []int{5, 10, 10, 20, 30, 5, 20}
	catsAdult       = []int{10, 10, 3, 38, 10, 14, 15}
	catsElder       = []int{18, 28, 2, 30, 2, 4, 16}
	catsSevereAdult = []int{0, 0, 0, 25, 35, 25, 15}
	// Levels 1 (most severe) to 4: roughly 12/22/26/40 % among certificate
	// holders.
	levels = []int{12, 22, 26, 40}
)

func pickWeighted(g *gen, w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	x := g.r.IntN(total)
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// Serious illness (重特大疾病): a few percent, rising with age, more in
// poor households (因病致贫 is the commonest cause of poverty the
// registries record).
var illnessByAge = []struct {
	upTo int
	p    float64
}{{18, 0.004}, {45, 0.01}, {60, 0.03}, {75, 0.05}, {200, 0.07}}

var illnessBand = [3]float64{2.5, 1.5, 0.7}

var (
	illnessChild = []string{"急性淋巴细胞白血病", "先天性心脏病", "血友病", "儿童淋巴瘤", "重型地中海贫血", "苯丙酮尿症", "儿童肾病综合征"}
	illnessAdult = []string{"恶性肿瘤（肺癌）", "恶性肿瘤（胃癌）", "恶性肿瘤（肝癌）", "恶性肿瘤（食管癌）", "恶性肿瘤（结直肠癌）",
		"尿毒症（终末期肾病）", "白血病", "重型再生障碍性贫血", "系统性红斑狼疮", "器官移植术后抗排异治疗", "耐多药肺结核",
		"急性心肌梗死", "肝硬化失代偿期", "脑卒中后遗症"}
	illnessFemale = []string{"恶性肿瘤（乳腺癌）", "恶性肿瘤（宫颈癌）"}
	illnessElder  = []string{"慢性阻塞性肺疾病（重度）", "慢性心力衰竭", "帕金森病", "脑梗死后遗症"}
)

// The six items of 《特困办法》第21条 in the order old people lose them
// (the Katz ADL hierarchy: bathing first, eating last).
var adlOrder = []string{"bathing", "dressing", "toileting", "bed_transfer", "walking", "eating"}

func rate(table []struct {
	upTo int
	p    float64
}, age int) float64 {
	for _, t := range table {
		if age < t.upTo {
			return t.p
		}
	}
	return 0
}

func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// facts draws a person's disability, illness, schooling, self-care
// assessment, phone and — rarely — death.
func (b *builder) facts(i int) {
	g := b.g
	p := &b.people[i]
	m := &p.m

	// Disability.
	if p.forceDisabled || g.chance(rate(disabilityByAge, p.age)*disabilityBand[b.band]*disabilityScale) {
		var cat, level int
		switch {
		case p.forceDisabled:
			cat = pickWeighted(g, catsSevereAdult)
			level = 1 + pickWeighted(g, []int{35, 45, 20})
			if level == 3 && cat != 4 && cat != 5 {
				level = 2
			}
		case p.age < 18:
			cat = pickWeighted(g, catsChild)
			level = 1 + pickWeighted(g, levels)
		case p.age < 60:
			cat = pickWeighted(g, catsAdult)
			level = 1 + pickWeighted(g, levels)
		default:
			cat = pickWeighted(g, catsElder)
			level = 1 + pickWeighted(g, levels)
		}
		// The certificate number of the second-generation 残疾人证: the
		// ID number, the category digit (1 visual … 7 multiple) and the
		// level digit.
		m.Disability = &registry.Disability{
			Category:    disabilityCats[cat],
			Level:       level,
			Certificate: m.IDNumber + string(rune('1'+cat)) + string(rune('0'+level)),
		}
	}

	// Serious illness.
	if g.chance(rate(illnessByAge, p.age) * illnessBand[b.band]) {
		switch {
		case p.age < 18:
			m.SeriousIllness = illnessChild[g.r.IntN(len(illnessChild))]
		case !p.male && g.chance(0.2):
			m.SeriousIllness = illnessFemale[g.r.IntN(len(illnessFemale))]
		case p.age >= 60 && g.chance(0.35):
			m.SeriousIllness = illnessElder[g.r.IntN(len(illnessElder))]
		default:
			m.SeriousIllness = illnessAdult[g.r.IntN(len(illnessAdult))]
		}
	}

	// Schooling, by age at the start of the school year (31 August):
	// kindergarten 3–5 (gross enrolment ≈ 90 %), nine compulsory years
	// 6–14, senior secondary 15–17 (≈ 55 % general high school, ≈ 38 %
	// vocational), higher education 18–21 for about half (gross enrolment
	// ≈ 60 %, less in the countryside and among the poor).
	severeChild := m.Disability.Severe() && (m.Disability.Category == "intellectual" || m.Disability.Level == 1)
	switch sa := registry.Age(p.birth, g.schoolRef); {
	case sa < 3:
	case sa < 6:
		if g.chance(0.9) {
			m.Schooling = "preschool"
		}
	case sa < 15:
		m.Schooling = "compulsory"
		p.student = true
	case sa < 18:
		x := g.r.Float64()
		switch {
		case severeChild:
			m.Schooling = "none"
		case x < 0.55:
			m.Schooling, p.student = "high_school", true
		case x < 0.93:
			m.Schooling, p.student = "vocational", true
		}
	case sa < 22 && m.Relation != "head" && m.Relation != "spouse" && !severeChild:
		pHigher := 0.55
		if !b.p.urban {
			pHigher = 0.42
		}
		if b.band == bandBelow {
			pHigher *= 0.7
		}
		if g.chance(pHigher) {
			m.Schooling, p.student = "higher", true
		}
	}

	// Self-care assessment (《特困办法》第21条): for old people who are
	// disabled, ill or very old, and for severely disabled adults. The
	// number of items failed follows the cause: level-1 disability 3–6,
	// level-2 1–4, illness 0–3, age 90+ 1–5, 80+ 0–3.
	d := m.Disability
	assess, n := false, 0
	if d != nil && p.age >= 16 && (d.Level <= 2 || d.Severe()) {
		assess = g.chance(0.55)
	}
	if p.age >= 60 && (d != nil || m.SeriousIllness != "") {
		assess = assess || g.chance(0.6)
	}
	if p.age >= 80 {
		assess = assess || g.chance(0.35)
	}
	if assess {
		if d != nil && d.Level == 1 {
			n = max(n, g.between(3, 6))
		}
		if d != nil && d.Level == 2 {
			n = max(n, g.between(1, 4))
		}
		if m.SeriousIllness != "" {
			n = max(n, g.between(0, 3))
		}
		if p.age >= 90 {
			n = max(n, g.between(1, 5))
		} else if p.age >= 80 {
			n = max(n, g.between(0, 3))
		}
		if n == 0 && g.chance(0.3) {
			n = 1
		}
		unable := make([]string, n)
		copy(unable, adlOrder[:n])
		if n >= 2 && n < 6 && g.chance(0.2) { // not everyone follows the hierarchy
			unable[n-1] = adlOrder[n]
		}
		lo := max(p.birth, g.today-730)
		m.SelfCare = &registry.SelfCare{AssessedOn: lo + g.days(int(g.today-lo)+1), Unable: unable}
	}

	// A mobile phone for most adults, fewer of the very old.
	pPhone := 0.0
	switch {
	case p.age >= 80:
		pPhone = 0.35
	case p.age >= 60:
		pPhone = 0.72
	case p.age >= 18:
		pPhone = 0.93
	case p.age >= 15:
		pPhone = 0.3
	}
	if g.chance(pPhone) {
		m.Phone = phone(g.r)
	}

	// Death: a few old members died in the last two years and are still
	// in the record (the 3-month review after a death, 《2022通知》一(三),
	// is what finds them). Never a parent of a child at home.
	if p.age >= 50 && !p.minorParent {
		var pd float64
		switch {
		case p.age < 65:
			pd = 0.004
		case p.age < 75:
			pd = 0.011
		case p.age < 85:
			pd = 0.03
		default:
			pd = 0.07
		}
		if g.chance(pd) {
			lo := max(b.from, g.today-730, p.birth)
			if lo <= g.today {
				m.DeathDate = lo + g.days(int(g.today-lo)+1)
				if s := m.SelfCare; s != nil && s.AssessedOn > m.DeathDate {
					s.AssessedOn = m.DeathDate
				}
			}
		}
	}
}

// employment sets a person's work status from age, area, health and the
// household's income band: farming for most working countryside people,
// wages for most townspeople, retirement pensions for old townspeople
// (retirement at 60 for men, 50–55 for women), "unable" for the severely
// disabled and many of the seriously ill; poor households have more
// unemployed and fewer retired (no employee pension).
func (b *builder) employment(i int) {
	g := b.g
	p := &b.people[i]
	m := &p.m
	if p.age < 16 || p.student {
		return
	}
	if m.Disability.Severe() || (m.SelfCare != nil && m.SelfCare.Level() == "fully_lost") ||
		(m.SeriousIllness != "" && g.chance(0.55)) {
		m.Employment = "unable"
		return
	}
	x := g.r.Float64()
	if !b.p.urban {
		switch {
		case p.age < 60:
			switch b.band {
			case bandBelow:
				m.Employment = pickN(x, "farming", 0.40, "unemployed", 0.35, "employed", 0.20, "self_employed")
			case bandEdge:
				m.Employment = pickN(x, "farming", 0.45, "employed", 0.30, "unemployed", 0.18, "self_employed")
			default:
				m.Employment = pickN(x, "employed", 0.45, "farming", 0.35, "self_employed", 0.12, "unemployed")
			}
		case p.age < 75:
			m.Employment = pickN(x, "farming", 0.6, "unemployed", 0.17, "unable", 0.13, "employed")
		default:
			m.Employment = pickN(x, "unable", 0.4, "farming", 0.15, "", 0.45, "")
		}
		return
	}
	retireAge := 60
	if !p.male {
		retireAge = 50
	}
	pRetired := 0.85
	if b.band == bandBelow {
		pRetired = 0.15
	} else if b.band == bandEdge {
		pRetired = 0.5
	}
	switch {
	case p.age >= 60 && x < pRetired:
		m.Employment = "retired"
	case p.age >= 60:
		m.Employment = pickN(g.r.Float64(), "unemployed", 0.5, "", 0.25, "unable", 0.15, "employed")
	case p.age >= retireAge && x < pRetired*0.6:
		m.Employment = "retired"
	default:
		x = g.r.Float64()
		switch b.band {
		case bandBelow:
			m.Employment = pickN(x, "unemployed", 0.55, "employed", 0.35, "self_employed", 0.10, "unemployed")
		case bandEdge:
			m.Employment = pickN(x, "employed", 0.55, "unemployed", 0.30, "self_employed", 0.15, "employed")
		default:
			m.Employment = pickN(x, "employed", 0.70, "self_employed", 0.18, "unemployed", 0.12, "employed")
		}
	}
}

// pickN maps x in [0,1) to a, b, c or d by the shares of a, b and c.
func pickN(x float64, a string, pa float64, b string, pb float64, c string, pc float64, d string) string {
	switch {
	case x < pa:
		return a
	case x < pa+pb:
		return b
	case x < pa+pb+pc:
		return c
	}
	return d
}

// parentStatuses records, for each child under 18, the status of a parent
// who is away (留守, single-parent households), and of a parent at home who
// is severely disabled or seriously ill — what 事实无人抚养 and 困境儿童
// are decided on. Working parents at home get no record.
func (b *builder) parentStatuses() {
	// One date per parent at home, so that siblings agree.
	var buf [8]minzheng.Date
	since := buf[:0]
	if len(b.people) <= len(buf) {
		since = buf[:len(b.people)]
	} else {
		since = make([]minzheng.Date, len(b.people))
	}
	for i := range b.people {
		c := &b.people[i]
		if c.age >= 18 || (c.m.Relation != "child" && c.m.Relation != "grandchild") {
			continue
		}
		for k, pi := range [2]int{c.father, c.mother} {
			which := [2]string{"father", "mother"}[k]
			if pi >= 0 {
				pm := &b.people[pi].m
				status := ""
				switch {
				case pm.Disability.Severe():
					status = "severely_disabled"
					if since[pi].IsZero() {
						since[pi] = b.sinceAgo(b.people[pi].birth, 30, 10*365)
					}
				case pm.SeriousIllness != "":
					status = "seriously_ill"
					if since[pi].IsZero() {
						since[pi] = b.sinceAgo(b.people[pi].birth, 30, 3*365)
					}
				}
				if status != "" {
					c.m.ParentStatuses = append(c.m.ParentStatuses, registry.ParentStatus{Parent: which, Status: status, Since: since[pi]})
				}
				continue
			}
			if !b.hasAbsent {
				continue
			}
			a := b.absent[k]
			if a.status == "" {
				continue
			}
			since := a.since
			if a.status == "normal" || since.IsZero() {
				since = c.birth
			}
			c.m.ParentStatuses = append(c.m.ParentStatuses, registry.ParentStatus{Parent: which, Status: a.status, Since: since})
		}
	}
}

// supporters records the adult children living elsewhere as the legal
// supporters (赡养义务人) of the old members, with what 《特困办法》第8条
// weighs: age, 低保/特困, disability, income, prison, incapacity.
func (b *builder) supporters() {
	g := b.g
	if len(b.outKids) == 0 {
		return
	}
	list := make([]registry.Supporter, len(b.outKids))
	for i, k := range b.outKids {
		s := registry.Supporter{Name: k.name, IDNumber: k.id, Relation: "child", Birth: k.birth, ValidFrom: b.from}
		switch b.band {
		case bandBelow:
			s.MonthlyIncome = minzheng.Fen(g.between(800, 3200)) * 100
		case bandEdge:
			s.MonthlyIncome = minzheng.Fen(g.between(1500, 4500)) * 100
		default:
			s.MonthlyIncome = minzheng.Fen(g.between(2500, 10000)) * 100
		}
		switch k.state {
		case "dibao":
			s.Dibao = true
			s.MonthlyIncome = minzheng.Fen(g.between(0, 600)) * 100
		case "tekun":
			s.Tekun = true
			s.Disability = b.supporterDisability(k, true)
			s.MonthlyIncome = 0
		case "disabled":
			s.Disability = b.supporterDisability(k, g.chance(0.5))
			if s.Disability.Severe() {
				s.MonthlyIncome = minzheng.Fen(g.between(0, 1000)) * 100
			}
		case "imprisoned":
			s.Imprisoned = true
			s.MonthlyIncome = 0
		case "incapacitated":
			s.Incapacitated = true
			s.MonthlyIncome = 0
		}
		list[i] = s
	}
	for _, w := range b.supported {
		// Each supported member gets the list; a copy each, so that a
		// caller editing one does not change another.
		b.people[w].m.Supporters = append([]registry.Supporter(nil), list...)
	}
}

func (b *builder) supporterDisability(k outKid, severe bool) *registry.Disability {
	g := b.g
	cat := pickWeighted(g, catsAdult)
	level := 3 + g.r.IntN(2)
	if severe {
		level = 1 + g.r.IntN(2)
	}
	d := &registry.Disability{Category: disabilityCats[cat], Level: level}
	if k.id != "" {
		d.Certificate = k.id + string(rune('1'+cat)) + string(rune('0'+level))
	}
	return d
}
