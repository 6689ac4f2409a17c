package synth

import (
	"math"
	"strings"

	"minzheng"
	"minzheng/registry"
)

// Standard returns the monthly 低保 standard per person (fen) the generator
// assumes for a village, by its county or city and its area ("" counts as
// rural). It is what incomes are spread against, not the rules' parameter:
// the rules read their standards from the regional, dated parameters.
//
// Figures from ../shared/RULES.md Part 2 where the seeds give them:
//
//	蓬莱区 370614   urban 1001, rural 800 元
//	天宁区 320402   940 元, urban and rural alike
//	济南市 3701     urban 1114, rural 884 元; 市中 370103, 槐荫 370104,
//	               天桥 370105, 历城 370112 and 高新区 370176 one standard
//	               (城乡一体化): 1114 元 for both
//
// and assumptions where they do not:
//
//	环翠区 371002   urban 1060, rural 880 元 — 威海's standards sit between
//	               烟台's (1001/800) and 济南's (1114/884); no figure in
//	               the seeds
//	青海省 63       urban 810, rural 600 元 — the seeds give no figure; the
//	               order of the western provinces' 2024 standards
//	other 山东 37   urban 950, rural 780 元; other 江苏 32 900 元 (one
//	               standard, as most of 江苏) — provincial orders of
//	               magnitude
//	elsewhere      urban 780, rural 600 元 — about the 2024 national
//	               averages (民政部 statistics: urban ≈ 780, rural ≈ 600)
func Standard(v Village) minzheng.Fen {
	c := string(v.Code)
	urban := v.Area == "urban"
	both := func(u, r minzheng.Fen) minzheng.Fen {
		if urban {
			return u * 100
		}
		return r * 100
	}
	switch {
	case strings.HasPrefix(c, "370614"):
		return both(1001, 800)
	case strings.HasPrefix(c, "320402"):
		return both(940, 940)
	case strings.HasPrefix(c, "370103"), strings.HasPrefix(c, "370104"), strings.HasPrefix(c, "370105"),
		strings.HasPrefix(c, "370112"), strings.HasPrefix(c, "370176"):
		return both(1114, 1114)
	case strings.HasPrefix(c, "3701"):
		return both(1114, 884)
	case strings.HasPrefix(c, "371002"):
		return both(1060, 880)
	case strings.HasPrefix(c, "63"):
		return both(810, 600)
	case strings.HasPrefix(c, "37"):
		return both(950, 780)
	case strings.HasPrefix(c, "32"):
		return both(900, 900)
	}
	return both(780, 600)
}

// basicPension is the 城乡居民基础养老金 (fen per month) of a province:
// the central minimum (123 元 in 2024, 143 元 from 2025) plus the provinces'
// own additions — assumed ≈ 190 元 in 山东, 250 元 in 江苏, 230 元 in 青海
// (plateau supplement), 150 元 elsewhere. Each person also gets 0–40 元
// from the personal account, so amounts land in the 150–290 元 range.
func basicPension(province string) minzheng.Fen {
	switch province {
	case "37":
		return 19000
	case "32":
		return 25000
	case "63":
		return 23000
	}
	return 15000
}

// The floats below are random draws — shares and ratios to the standard —
// that shape invented incomes. Amounts are computed from them in integers
// (times, the shares of a budget), so every amount is whole fen.

// times is the household's monthly standard (per head × heads) times ratio
// r, in whole yuan: r is taken to ten-thousandths and the product is
// computed in integer fen.
func (b *builder) times(r float64) minzheng.Fen {
	rm := int64(math.Round(r * 10000))
	fen := rm * int64(b.p.std) * int64(len(b.people)) / 10000
	return minzheng.Fen((fen+50)/100) * 100
}

// slot is an income whose amount is a share of what is left of the
// household's total once the fixed items are placed.
type slot struct {
	who    int // member, or -1 for the household
	kind   string
	w      float64
	note   string
	yearly bool
}

// incomes spreads the household's income. First the band fixes the total:
// per head, under the standard a fraction 0.08–0.95 of it (a few
// households with nothing at all), in the edge band 1.03–1.45 times it,
// above it 1.6 times plus a log-normal amount whose median puts the
// per-capita income near the 2024 disposable incomes (rural ≈ 2.4 ×
// standard, ≈ 1,900 元 a month; urban ≈ 4.1 ×, ≈ 4,100 元). Margins of a few
// percent keep rounding from moving a household across a line.
//
// The total counts every kind, exempt ones too (what the tests measure); the
// rules, which leave out pension_basic, family_planning, scholarships and
// the like, find a little more poverty than this.
//
// Then the items: the basic pension of every old person without an
// employee pension (fixed, always); the exempt kinds now and then, when the
// total leaves room (高龄津贴 80+, the two disability subsidies, 计划生育
// 奖励扶助金, 优抚, 国家助学金, 青海's grassland subsidy); and the rest
// shared by weight among wages, farming and business, pensions, support
// from children (alimony) and rents.
func (b *builder) incomes() {
	g := b.g
	n := len(b.people)
	std := b.p.std
	perStd := float64(std) * float64(n)

	var fixed minzheng.Fen
	for i := range b.people {
		p := &b.people[i]
		if p.age >= 60 && p.m.Employment != "retired" {
			amt := b.p.basicPension + minzheng.Fen(g.r.IntN(41))*100
			b.income(i, "pension_basic", amt, false, "")
			fixed += amt
		}
	}

	var r float64
	switch b.band {
	case bandBelow:
		lo := max(0.08, float64(fixed)/perStd+0.03)
		if fixed == 0 && !b.anyEarner() && g.chance(0.08) {
			r = 0 // nothing at all: no work, no pension, no help
		} else {
			r = lo + g.r.Float64()*(0.95-lo)
		}
	case bandEdge:
		r = 1.03 + g.r.Float64()*0.42
	default:
		mu := math.Log(0.9)
		if b.p.urban {
			mu = math.Log(2.6)
		}
		r = 1.6 + min(math.Exp(mu+0.7*g.r.NormFloat64()), 14) // the tail cut at ≈ 3 σ
	}
	b.ratio = r
	total := b.times(r)
	budget := total - fixed
	if budget <= 0 {
		return
	}

	// Exempt and fixed kinds, each only if it leaves room for the rest.
	room := func(amt minzheng.Fen) bool {
		if amt <= budget*7/10 {
			budget -= amt
			return true
		}
		return false
	}
	for i := range b.people {
		p := &b.people[i]
		m := &p.m
		if p.age >= 80 && g.chance(map3(b.band, 0.9, 0.9, 0.5)) {
			amt := minzheng.Fen(10000)
			switch {
			case p.age >= 100:
				amt = 50000
			case p.age >= 90:
				amt = 20000
			}
			if room(amt) {
				b.income(i, "elderly_allowance", amt, false, "")
			}
		}
		if d := m.Disability; d != nil {
			// 困难残疾人生活补贴 for the poor, 重度残疾人护理补贴 for
			// levels 1–2 (国发〔2015〕52号; ≈ 100–150 元 each).
			var amt minzheng.Fen
			switch {
			case b.band == bandBelow && d.Level <= 2 && g.chance(0.8):
				amt = minzheng.Fen(g.between(200, 260)) * 100
			case b.band == bandBelow && g.chance(0.8):
				amt = minzheng.Fen(g.between(90, 120)) * 100
			case d.Level <= 2 && g.chance(map3(b.band, 0, 0.5, 0.3)):
				amt = minzheng.Fen(g.between(100, 140)) * 100
			}
			if amt > 0 && room(amt) {
				b.income(i, "disability_subsidy", amt, false, "")
			}
		}
		if !b.p.urban && p.age >= 60 && g.chance(0.07) && room(10000) {
			b.income(i, "family_planning", 10000, true, "农村部分计划生育家庭奖励扶助")
		}
		if p.male && p.age >= 60 && g.chance(0.012) {
			if amt := minzheng.Fen(g.between(600, 1800)) * 100; room(amt) {
				b.income(i, "preferential_care", amt, false, "在乡复员军人定期抚恤")
			}
		}
		if p.student && m.Schooling != "compulsory" && g.chance(map3(b.band, 0.45, 0.45, 0.05)) {
			// 国家助学金: 2,000 元 a year at (vocational) high school,
			// 3,700 元 at university (2024 levels).
			year := minzheng.Fen(2000 * 100)
			if m.Schooling == "higher" {
				year = 3700 * 100
			}
			if room(year / 12) {
				m.Incomes = append(m.Incomes, b.newIncome("scholarship", year, "year", "国家助学金"))
			}
		}
	}
	if b.p.province == "63" && !b.p.urban && g.chance(0.08+0.8*b.p.tibetan) {
		// 草原生态保护补助奖励 (禁牧 and 草畜平衡 payments per mu), 3,000–
		// 20,000 元 a year for a herding household.
		if year := g.yuanRange(3000, 20000); room(year / 12) {
			b.hhIncomes = append(b.hhIncomes, b.newIncome("grassland_subsidy", year, "year", "草原生态保护补助奖励"))
		}
	}

	// The rest, by weight.
	var slots [12]slot
	s := slots[:0]
	for i := range b.people {
		p := &b.people[i]
		switch p.m.Employment {
		case "employed":
			note := "本地企业务工"
			switch {
			case b.band == bandBelow:
				note = "临时工"
			case b.p.urban:
				note = "单位工资"
			case g.chance(0.5):
				note = "外出务工"
			}
			s = append(s, slot{i, "wage", 1, note, false})
		case "self_employed":
			s = append(s, slot{i, "business", 1.2, "个体经营", g.chance(0.3)})
		case "farming":
			w := 0.6
			if p.age >= 60 {
				w = 0.3
			}
			s = append(s, slot{i, "business", w, farmNotes[g.r.IntN(len(farmNotes))], g.chance(0.6)})
		case "unemployed":
			if p.age < 60 && g.chance(0.45) {
				s = append(s, slot{i, "wage", 0.25, "灵活就业（零工）", false})
			}
		case "retired":
			s = append(s, slot{i, "pension", 0.9, "基本养老金", false})
		}
		if len(s) >= len(slots)-3 {
			break
		}
	}
	if len(b.outKids) > 0 && g.chance(0.6) {
		s = append(s, slot{b.supported[0], "alimony", 0.5, "子女赡养费", false})
	}
	if b.shape == shapeSingleParent && b.people[0].m.Marital == "divorced" && g.chance(0.55) {
		s = append(s, slot{0, "alimony", 0.3, "子女抚养费", false})
	}
	if b.band == bandAbove && g.chance(0.1) {
		s = append(s, slot{-1, "property", 0.2, "房屋出租", true})
	}
	if len(s) == 0 {
		switch {
		case len(b.outKids) > 0:
			s = append(s, slot{b.supported[0], "alimony", 1, "子女赡养费", false})
		case b.p.urban:
			s = append(s, slot{-1, "transfer", 1, "亲友资助", false})
		default:
			s = append(s, slot{-1, "property", 1, "土地流转租金", true})
		}
	}
	// The drawn weights become whole thousandths, and the budget is shared
	// in integer yuan: the shares add up to it exactly.
	parts := make([]int64, len(s))
	var sum int64
	for k := range s {
		parts[k] = int64(math.Round(s[k].w * (0.6 + 0.8*g.r.Float64()) * 1000))
		sum += parts[k]
	}
	left := budget / 100 // yuan
	for k := range s {
		yuan := left
		if k < len(s)-1 && sum > 0 {
			yuan = min(minzheng.Fen(int64(budget/100)*parts[k]/sum), left)
		}
		left -= yuan
		if yuan <= 0 {
			continue
		}
		b.income(s[k].who, s[k].kind, yuan*100, s[k].yearly, s[k].note)
	}
}

// anyEarner reports whether someone in the household works for money or
// draws a pension.
func (b *builder) anyEarner() bool {
	for i := range b.people {
		switch b.people[i].m.Employment {
		case "employed", "self_employed", "retired":
			return true
		}
	}
	return false
}

var farmNotes = []string{"种植业", "种植玉米、小麦", "果园", "蔬菜种植", "养殖业", "种植养殖"}

func map3(band int, below, edge, above float64) float64 {
	switch band {
	case bandBelow:
		return below
	case bandEdge:
		return edge
	}
	return above
}

// newIncome makes an income of amount fen per period.
func (b *builder) newIncome(kind string, amount minzheng.Fen, period, note string) registry.Income {
	g := b.g
	in := registry.Income{Kind: kind, Amount: amount, Period: period, Note: note, ValidFrom: b.from}
	switch x := g.r.Float64(); {
	case x < 0.85:
		in.Source = "declared"
	case x < 0.96:
		in.Source = "verified"
	default:
		in.Source = "compared"
	}
	if g.chance(0.15) && g.today > b.from {
		// A later change: the amount as declared from some month since.
		d := b.from + g.days(int(g.today-b.from)+1)
		y, m, _ := d.YMD()
		if ms := minzheng.NewDate(y, m, 1); ms > b.from {
			in.ValidFrom = ms
		}
	}
	return in
}

// income gives member i (or the household, for i < 0) an income of monthly
// fen, recorded per year — 12 times the monthly amount, so that Monthly
// gives it back exactly — when yearly.
func (b *builder) income(i int, kind string, monthly minzheng.Fen, yearly bool, note string) {
	in := b.newIncome(kind, monthly, "month", note)
	if yearly {
		in.Amount, in.Period = monthly*12, "year"
	}
	if i < 0 {
		b.hhIncomes = append(b.hhIncomes, in)
		return
	}
	p := &b.people[i].m
	p.Incomes = append(p.Incomes, in)
}

// yuanRange is a whole number of yuan between lo and hi, in fen.
func (g *gen) yuanRange(lo, hi int) minzheng.Fen {
	return minzheng.Fen(g.between(lo, hi)) * 100
}

// assets: deposits for most better-off households and some poor ones, a
// car for some of the well-off, a tricycle or farm vehicle in the
// countryside, houses (a self-built house on the homestead in villages, a
// flat in towns), a business registration for some self-employed, now and
// then securities, funds or commercial insurance. Values grow with income.
func (b *builder) assets() {
	g := b.g
	head := &b.people[0].m
	add := func(m *registry.NewMember, kind string, v minzheng.Fen, desc string) {
		m.Assets = append(m.Assets, registry.Asset{Kind: kind, Value: v, Description: desc, ValidFrom: b.from})
	}
	monthlyTotal := b.times(b.ratio)
	switch b.band {
	case bandBelow:
		if g.chance(0.25) {
			add(head, "deposit", g.yuanRange(200, 8000), "银行存款")
		}
	case bandEdge:
		if g.chance(0.45) {
			add(head, "deposit", g.yuanRange(2000, 30000), "银行存款")
		}
	default:
		if g.chance(0.7) {
			months := int64(math.Round((2 + 10*g.r.ExpFloat64()) * 100)) // hundredths of a month
			add(head, "deposit", minzheng.Fen(int64(monthlyTotal)*months/10000)*100, "银行存款")
		}
		if b.ratio > 2.5 && g.chance(0.3) {
			add(head, "vehicle", g.yuanRange(50000, 250000), "小型轿车（"+itoa(g.between(g.ty-12, g.ty))+"年购置）")
		}
		for _, k := range [...]struct{ kind, desc string }{{"securities", "股票"}, {"fund", "基金理财"}, {"insurance", "商业保险（分红型）"}} {
			if g.chance(0.05) {
				add(head, k.kind, g.yuanRange(10000, 200000), k.desc)
			}
		}
	}
	if !b.p.urban {
		if g.chance(0.12) {
			if g.chance(0.6) {
				add(head, "vehicle", g.yuanRange(2000, 5000), "电动三轮车")
			} else {
				add(head, "vehicle", g.yuanRange(5000, 15000), "农用三轮车")
			}
		}
		if g.chance(0.35) {
			add(head, "house", g.yuanRange(50000, 300000), "自建房（宅基地）"+itoa(g.between(60, 200))+"平方米")
		}
	} else if g.chance(map3(b.band, 0.2, 0.3, 0.45)) {
		area := g.between(45, 140)
		add(head, "house", minzheng.Fen(area*g.between(3000, 12000))*100, "商品房"+itoa(area)+"平方米")
	}
	for i := range b.people {
		if m := &b.people[i].m; m.Employment == "self_employed" && g.chance(0.3) {
			add(m, "business", g.yuanRange(10000, 100000), "个体工商户（"+shops[g.r.IntN(len(shops))]+"）")
		}
	}
}

var shops = []string{"小卖部", "餐馆", "理发店", "汽车修理", "农资经营", "服装店", "快递代收点"}

// expenses: medical costs over the last twelve months for the seriously ill
// and some severely disabled, education costs for pupils and students (the
// rigid expenses 蓬莱 deducts: 因病, 因学).
func (b *builder) expenses() {
	g := b.g
	from := minzheng.NewDate(g.ty-1, g.tm, 1)
	to := g.monthStart
	if from < b.from {
		from = b.from
	}
	if to <= from {
		to = 0
	}
	add := func(m *registry.NewMember, kind string, amt minzheng.Fen, note string) {
		m.Expenses = append(m.Expenses, registry.Expense{Kind: kind, Amount: amt, ValidFrom: from, ValidTo: to, Note: note})
	}
	for i := range b.people {
		m := &b.people[i].m
		if m.SeriousIllness != "" && g.chance(0.9) {
			add(m, "medical", g.yuanRange(20000, 150000), "自付医疗费用")
		} else if m.Disability.Severe() && g.chance(0.25) {
			add(m, "medical", g.yuanRange(3000, 30000), "康复治疗费用")
		}
		switch m.Schooling {
		case "high_school":
			if g.chance(0.7) {
				add(m, "education", g.yuanRange(3000, 8000), "学费、住宿费")
			}
		case "vocational":
			if g.chance(0.6) {
				add(m, "education", g.yuanRange(2000, 6000), "住宿费、生活费")
			}
		case "higher":
			if g.chance(0.8) {
				add(m, "education", g.yuanRange(10000, 25000), "学费、住宿费")
			}
		case "compulsory":
			if g.chance(0.08) {
				add(m, "education", g.yuanRange(800, 3000), "寄宿费用")
			}
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
