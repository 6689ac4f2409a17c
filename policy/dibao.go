package policy

import (
	"fmt"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/registry"
)

// Citations used by the 低保 rules.
const (
	citeStandard  = "《社会救助暂行办法》第10条"
	citeMembers   = "《最低生活保障审核确认办法》第7条"
	citeIncome    = "《最低生活保障审核确认办法》第13条"
	citeAssets    = "《最低生活保障审核确认办法》第14条"
	citeEligible  = "《社会救助暂行办法》第9条"
	citeGap       = "《社会救助暂行办法》第12条；《最低生活保障审核确认办法》第23条"
	citeSingle    = "《最低生活保障审核确认办法》第8条"
	citeEdge      = "《最低生活保障审核确认办法》第8条；《关于进一步做好最低生活保障等社会救助兜底保障工作的通知》一(四)；《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》二"
	citeDibaoBase = "《社会救助暂行办法》第9条"
)

func init() {
	register(&Program{Code: "dibao", Name: "城乡最低生活保障", Period: "month", rule: evalDibao})
	register(&Program{Code: "dibao_edge", Name: "低保边缘家庭", Period: "month", rule: evalEdge})
}

// householdTest is the start of the 低保 and 低保边缘 tests: the standard
// and the household's means; ok is false when a fact or a parameter is
// missing (recorded on d or e).
func householdTest(r *Request, e *env, d *Decision) (minzheng.Fen, means, bool) {
	if len(r.Household.Members) == 0 {
		d.missing("household.members")
		return 0, means{}, false
	}
	std, ok := dibaoStandard(r, e, d)
	if !ok || e.err != nil {
		return 0, means{}, false
	}
	mm, ok := householdMeans(r, e, d, std)
	return std, mm, ok && e.err == nil
}

// dibaoStandard is the monthly 低保 standard for the household: urban or
// rural by its area, or the one standard of a region that unifies them.
// ok is false when the area is needed and missing.
func dibaoStandard(r *Request, e *env, d *Decision) (minzheng.Fen, bool) {
	if e.optBool("dibao.unified") {
		std := e.fen("dibao.standard.urban")
		d.say(cite(e.source("dibao.standard.urban"), citeStandard), map[string]any{"standard_fen": int64(std)},
			"当地实行城乡统一低保标准，为 %s 元/人/月", yuan(std))
		return std, true
	}
	area := r.Household.Area
	if area == "" {
		d.missing("household.area")
		return 0, false
	}
	std := e.fen("dibao.standard." + area)
	d.say(cite(e.source("dibao.standard."+area), citeStandard), map[string]any{"standard_fen": int64(std), "area": area},
		"%s低保标准为 %s 元/人/月", registry.Areas.Name(area), yuan(std))
	return std, true
}

// means is a household's economic situation as the income and asset tests
// read it, per month, in fen.
type means struct {
	n        int
	counted  minzheng.Fen // income counted
	exempt   minzheng.Fen // income not counted
	deduct   minzheng.Fen // rigid expenses deducted, per month
	net      minzheng.Fen // counted − deducted, not below zero
	assetsOK bool
	// assetsKnown is false when the request gave no assets: the income may
	// still settle the answer; otherwise they are a missing fact.
	assetsKnown bool
}

// memberIncome is one member's counted income, exempted income and
// deductible expenses per month under the exemption and deduction lists.
func memberIncome(m *Member, exempt, deductible Value) (counted, exempted, deduct minzheng.Fen) {
	for _, in := range m.Incomes {
		if exempt.Has(in.Kind) {
			exempted += in.MonthlyFen
		} else {
			counted += in.MonthlyFen
		}
	}
	var yearly minzheng.Fen
	for _, x := range m.Expenses {
		if deductible.Has(x.Kind) {
			yearly += x.YearlyFen - x.ReimbursedFen
		}
	}
	return counted, exempted, yearly / 12
}

// netIncome is counted income less deductions, never below zero.
func netIncome(counted, deduct minzheng.Fen) minzheng.Fen {
	if deduct >= counted {
		return 0
	}
	return counted - deduct
}

// householdMeans applies the income test (《低保办法》第13条: what counts,
// what is exempt, what rigid expenses are deducted) and the asset test
// (第14条) against std, writing the reasons. ok is false when a
// parameter is missing (e.err).
func householdMeans(r *Request, e *env, d *Decision, std minzheng.Fen) (means, bool) {
	h := &r.Household
	mm := means{n: len(h.Members)}
	d.say(citeMembers, map[string]any{"members": mm.n}, "共同生活的家庭成员 %d 人", mm.n)
	exempt := e.list("dibao.income.exempt")
	deductible := e.list("dibao.deduct.expenses")
	byKind := map[string]minzheng.Fen{}
	exemptByKind := map[string]minzheng.Fen{}
	var yearly minzheng.Fen
	var deducted []string
	for i := range h.Members {
		m := &h.Members[i]
		for _, in := range m.Incomes {
			if exempt.Has(in.Kind) {
				exemptByKind[in.Kind] += in.MonthlyFen
				mm.exempt += in.MonthlyFen
			} else {
				byKind[in.Kind] += in.MonthlyFen
				mm.counted += in.MonthlyFen
			}
		}
		for _, x := range m.Expenses {
			if deductible.Has(x.Kind) {
				yearly += x.YearlyFen - x.ReimbursedFen
				if !contains(deducted, x.Kind) {
					deducted = append(deducted, x.Kind)
				}
			}
		}
	}
	mm.deduct = yearly / 12
	mm.net = netIncome(mm.counted, mm.deduct)
	text := fmt.Sprintf("家庭月收入计入 %s 元", yuan(mm.counted))
	if len(byKind) > 0 {
		text += "（" + kindList(byKind) + "）"
	}
	if mm.exempt > 0 {
		text += fmt.Sprintf("；不计入 %s 元（%s）", yuan(mm.exempt), kindList(exemptByKind))
	}
	d.say(cite(citeIncome, e.source("dibao.income.exempt")), map[string]any{"counted_fen": int64(mm.counted), "exempt_fen": int64(mm.exempt)}, "%s", text)
	if yearly > 0 {
		d.say(cite(citeIncome, e.source("dibao.deduct.expenses")), map[string]any{"expenses_yearly_fen": int64(yearly), "deduct_fen": int64(mm.deduct)},
			"扣减刚性支出（%s，扣除已报销部分）：每年 %s 元 ÷ 12 = 每月 %s 元", kindNames(deducted, registry.ExpenseKinds), yuan(yearly), yuan(mm.deduct))
	}
	if h.Assets == nil {
		return mm, true
	}
	mm.assetsKnown = true
	a := h.Assets
	months := e.integer("dibao.assets.deposit_months")
	vmax := int(e.integer("dibao.assets.vehicles_max"))
	hmax := int(e.integer("dibao.assets.houses_max"))
	limit := std * minzheng.Fen(months) * minzheng.Fen(mm.n)
	mm.assetsOK = a.DepositsFen <= limit && a.Vehicles <= vmax && a.Houses <= hmax
	verdict := "符合"
	if !mm.assetsOK {
		verdict = "不符合"
	}
	d.say(cite(citeAssets, e.source("dibao.assets.deposit_months")),
		map[string]any{"deposits_fen": int64(a.DepositsFen), "deposits_limit_fen": int64(limit), "vehicles": a.Vehicles, "vehicles_max": vmax, "houses": a.Houses, "houses_max": hmax},
		"家庭金融资产 %s 元（上限 %d 个月标准 × %d 人 = %s 元），机动车 %d 辆（上限 %d 辆），房屋 %d 套（上限 %d 套），%s财产状况规定",
		yuan(a.DepositsFen), months, mm.n, yuan(limit), a.Vehicles, vmax, a.Houses, hmax, verdict)
	return mm, true
}

func kindList(m map[string]minzheng.Fen) string {
	var parts []string
	for _, k := range registry.IncomeKinds {
		if v, ok := m[k.Code]; ok {
			parts = append(parts, k.Name+" "+yuan(v)+" 元")
		}
	}
	return strings.Join(parts, "，")
}

func kindNames(codes []string, l interface{ Name(string) string }) string {
	var names []string
	for _, c := range codes {
		names = append(names, l.Name(c))
	}
	return strings.Join(names, "、")
}

// perCapita writes "(1200 − 500) ÷ 3 = 233.33": the per-capita income is
// shown, truncated to the fen, and never rounded into the amount.
func perCapitaText(mm means) string {
	pc := mm.net / minzheng.Fen(mm.n)
	if mm.deduct > mm.counted {
		return fmt.Sprintf("(%s − %s，不足按 0 计) ÷ %d = %s", yuan(mm.counted), yuan(mm.deduct), mm.n, yuan(pc))
	}
	if mm.deduct > 0 {
		return fmt.Sprintf("(%s − %s) ÷ %d = %s", yuan(mm.counted), yuan(mm.deduct), mm.n, yuan(pc))
	}
	return fmt.Sprintf("%s ÷ %d = %s", yuan(mm.net), mm.n, yuan(pc))
}

func standardName(r *Request, e *env) string {
	if e.optBool("dibao.unified") {
		return "城乡统一低保标准"
	}
	return registry.Areas.Name(r.Household.Area) + "低保标准"
}

// evalDibao is the household 低保 test: per-capita counted income below the
// standard and assets within the limits (《暂行办法》第9条); amount = the gap
// standard × members − counted income (第12条, 《低保办法》第23条), rounded as
// the region says, plus the region's extras (增发), at least its minimum.
// A household above the line but within the edge is looked at member by
// member for 单人保 (《低保办法》第8条).
func evalDibao(r *Request, e *env, d *Decision) {
	std, mm, ok := householdTest(r, e, d)
	if !ok {
		return
	}
	line := std * minzheng.Fen(mm.n)
	pc := mm.net / minzheng.Fen(mm.n)
	values := map[string]any{"net_income_fen": int64(mm.net), "members": mm.n, "per_capita_fen": int64(pc), "standard_fen": int64(std)}
	if mm.net < line {
		d.say(citeEligible, values, "家庭月人均收入 = %s 元，低于%s %s 元", perCapitaText(mm), standardName(r, e), yuan(std))
	} else {
		d.say(citeEligible, values, "家庭月人均收入 = %s 元，不低于%s %s 元", perCapitaText(mm), standardName(r, e), yuan(std))
	}
	if !mm.assetsKnown {
		// Above the edge line no household and no member qualifies, whatever
		// it owns; below it the assets decide.
		multiple := e.ratio("dibao.edge.multiple")
		if mm.net >= line && !under(mm.net, multiple, line) {
			d.say(citeEdge, map[string]any{"net_income_fen": int64(mm.net), "edge_line_fen": int64(multiple.Of(line))},
				"家庭月收入 %s 元不低于低保边缘收入线 %s × %s × %d = %s 元，不论财产状况，均不符合低保条件", yuan(mm.net), multiple, yuan(std), mm.n, yuan(multiple.Of(line)))
			d.decide(false)
			return
		}
		d.missing("household.assets")
		return
	}
	if !mm.assetsOK {
		d.say(citeAssets, nil, "家庭财产超过当地规定，不符合低保条件")
		d.decide(false)
		return
	}
	if mm.net >= line {
		singlePerson(r, e, d, std, mm)
		return
	}
	gap := line - mm.net
	d.say(citeGap, map[string]any{"standard_fen": int64(std), "members": mm.n, "net_income_fen": int64(mm.net), "gap_fen": int64(gap)},
		"保障金 = %s × %d − %s = %s 元/月（补差）", yuan(std), mm.n, yuan(mm.net), yuan(gap))
	amount := gap + dibaoExtras(r, e, d)
	amount = roundAmount(e, d, amount)
	if min := e.optFen("dibao.minimum"); min > 0 && amount < min {
		d.say(e.source("dibao.minimum"), map[string]any{"minimum_fen": int64(min)}, "不足每户最低保障金 %s 元，按 %s 元发放", yuan(min), yuan(min))
		amount = min
	}
	d.AmountFen = amount
	d.decide(true)
	d.say(citeDibaoBase, map[string]any{"amount_fen": int64(amount)}, "符合低保条件，月保障金 %s 元", yuan(amount))
}

// dibaoExtras adds the region's 增发 for listed groups, where set.
func dibaoExtras(r *Request, e *env, d *Decision) minzheng.Fen {
	var total minzheng.Fen
	if per := e.optFen("dibao.extra.severe_disability"); per > 0 {
		n := 0
		for _, m := range r.Household.Members {
			if m.Disability != nil && m.Disability.Level <= 2 {
				n++
			}
		}
		if n > 0 {
			total += per * minzheng.Fen(n)
			d.say(e.source("dibao.extra.severe_disability"), map[string]any{"persons": n, "extra_fen": int64(per)}, "一、二级重度残疾人 %d 人，每人增发 %s 元", n, yuan(per))
		}
	}
	ageExtra := func(name, label string, match func(age int) bool) {
		per := e.optFen(name)
		if per <= 0 {
			return
		}
		n := 0
		for i := range r.Household.Members {
			age, ok := r.Household.Members[i].Age(r.Date)
			if !ok {
				d.missing("household.members[" + strconv.Itoa(i) + "].id_number")
				continue
			}
			if match(age) {
				n++
			}
		}
		if n > 0 {
			total += per * minzheng.Fen(n)
			d.say(e.source(name), map[string]any{"persons": n, "extra_fen": int64(per)}, "%s %d 人，每人增发 %s 元", label, n, yuan(per))
		}
	}
	if e.optFen("dibao.extra.elderly") > 0 {
		old := int(e.integer("dibao.extra.elderly_age"))
		ageExtra("dibao.extra.elderly", fmt.Sprintf("%d 周岁以上老年人", old), func(a int) bool { return a >= old })
	}
	ageExtra("dibao.extra.minor", "未成年人", func(a int) bool { return a < 18 })
	return total
}

// roundAmount applies the region's rounding of the monthly amount.
func roundAmount(e *env, d *Decision, amount minzheng.Fen) minzheng.Fen {
	mode := e.code("dibao.rounding")
	out := applyRounding(mode, amount)
	if out != amount {
		d.say(e.source("dibao.rounding"), map[string]any{"before_fen": int64(amount), "after_fen": int64(out), "rounding": mode},
			"按当地取整规定（%s），%s 元计为 %s 元", roundingNames[mode], yuan(amount), yuan(out))
	}
	return out
}

var roundingNames = map[string]string{"fen": "保留到分", "jiao_up": "角位进位", "jiao_half": "四舍五入到角", "yuan_up": "元位进位", "yuan_half": "四舍五入到元"}

func applyRounding(mode string, a minzheng.Fen) minzheng.Fen {
	switch mode {
	case "jiao_up":
		return (a + 9) / 10 * 10
	case "jiao_half":
		return (a + 5) / 10 * 10
	case "yuan_up":
		return (a + 99) / 100 * 100
	case "yuan_half":
		return (a + 50) / 100 * 100
	}
	return a
}

// singleListed reports whether a member may be covered alone within a
// 低保边缘 household (《低保办法》第8条): a grade 1–2 disability, a grade 3
// intellectual or mental disability, a serious illness; and, where the
// region extends it (蓬莱), a minor. ok is false when the age is needed and
// unknown.
func singleListed(m *Member, minors bool, day minzheng.Date) (why string, listed, ok bool) {
	if dis := m.Disability; dis != nil {
		if dis.Level <= 2 {
			return fmt.Sprintf("持%d级%s证", dis.Level, disabilityCategories[dis.Category]), true, true
		}
		if dis.Level == 3 && (dis.Category == "intellectual" || dis.Category == "mental") {
			return fmt.Sprintf("持3级%s证", disabilityCategories[dis.Category]), true, true
		}
	}
	if m.SeriousIllness {
		return "患重特大疾病", true, true
	}
	if minors {
		age, known := m.Age(day)
		if !known {
			return "", false, false
		}
		if age < 18 {
			return fmt.Sprintf("未成年人（%d 周岁）", age), true, true
		}
	}
	return "", false, true
}

// singlePerson covers the listed members of a 低保边缘 household alone:
// each as a one-person household, standard − his own counted income.
func singlePerson(r *Request, e *env, d *Decision, std minzheng.Fen, mm means) {
	multiple := e.ratio("dibao.edge.multiple")
	edgeLine := multiple.Of(std * minzheng.Fen(mm.n))
	if !under(mm.net, multiple, std*minzheng.Fen(mm.n)) {
		d.say(citeEdge, map[string]any{"net_income_fen": int64(mm.net), "edge_line_fen": int64(edgeLine)},
			"家庭月收入 %s 元不低于低保边缘收入线 %s × %s × %d = %s 元，不属于低保边缘家庭，不符合低保条件", yuan(mm.net), multiple, yuan(std), mm.n, yuan(edgeLine))
		d.decide(false)
		return
	}
	d.say(citeEdge, map[string]any{"net_income_fen": int64(mm.net), "edge_line_fen": int64(edgeLine)},
		"家庭月收入 %s 元低于低保边缘收入线 %s × %s × %d = %s 元，属于低保边缘家庭", yuan(mm.net), multiple, yuan(std), mm.n, yuan(edgeLine))
	minors := e.optBool("dibao.single_person.minors")
	exempt := e.list("dibao.income.exempt")
	deductible := e.list("dibao.deduct.expenses")
	var total minzheng.Fen
	for i := range r.Household.Members {
		m := &r.Household.Members[i]
		why, listed, ok := singleListed(m, minors, r.Date)
		if !ok {
			d.missing("household.members[" + strconv.Itoa(i) + "].id_number")
			continue
		}
		if !listed {
			continue
		}
		counted, _, deduct := memberIncome(m, exempt, deductible)
		own := netIncome(counted, deduct)
		if own >= std {
			d.say(citeSingle, map[string]any{"own_income_fen": int64(own)}, "成员 %s %s，本人月收入 %s 元不低于标准，不单独纳入", label(m, i), why, yuan(own))
			continue
		}
		amount := applyRounding(e.code("dibao.rounding"), std-own)
		total += amount
		d.Covered = append(d.Covered, label(m, i))
		cit := citeSingle
		if minors && strings.HasPrefix(why, "未成年人") {
			cit = cite(citeSingle, e.source("dibao.single_person.minors"))
		}
		d.say(cit, map[string]any{"own_income_fen": int64(own), "amount_fen": int64(amount)},
			"成员 %s %s，单独纳入低保（单人保）：%s − %s = %s 元/月", label(m, i), why, yuan(std), yuan(own), yuan(amount))
	}
	if len(d.Missing) > 0 {
		return
	}
	if total == 0 {
		d.say(citeDibaoBase, nil, "家庭不符合低保条件，且无可单独纳入的成员")
		d.decide(false)
		return
	}
	d.SinglePerson = true
	d.AmountFen = total
	d.decide(true)
	d.say(citeSingle, map[string]any{"amount_fen": int64(total), "covered": len(d.Covered)}, "单人保 %d 人，月保障金合计 %s 元", len(d.Covered), yuan(total))
}

// label names a member in a reason: the masked ID number, or the position.
func label(m *Member, i int) string {
	if m.IDNumber != "" {
		return minzheng.MaskID(m.IDNumber)
	}
	return fmt.Sprintf("第 %d 人", i+1)
}

// evalEdge classifies a 低保边缘家庭: not eligible for 低保, per-capita
// income under the region's multiple of the standard, assets within the
// limits (《低保办法》第8条, 《2022通知》一(四), 《2023意见》二).
func evalEdge(r *Request, e *env, d *Decision) {
	std, mm, ok := householdTest(r, e, d)
	if !ok {
		return
	}
	if mm.assetsKnown && !mm.assetsOK {
		d.say(citeEdge, nil, "家庭财产超过当地规定，不属于低保边缘家庭")
		d.decide(false)
		return
	}
	line := std * minzheng.Fen(mm.n)
	pc := mm.net / minzheng.Fen(mm.n)
	if mm.net < line {
		// Below the standard a household is on 低保 if its assets qualify,
		// and not on the edge if they do not: never on the edge.
		d.say(citeEdge, map[string]any{"per_capita_fen": int64(pc), "standard_fen": int64(std)},
			"家庭月人均收入 = %s 元，低于%s %s 元，属于低保的收入范围，不属于低保边缘家庭", perCapitaText(mm), standardName(r, e), yuan(std))
		d.decide(false)
		return
	}
	multiple := e.ratio("dibao.edge.multiple")
	edgeLine := multiple.Of(std * minzheng.Fen(mm.n))
	values := map[string]any{"per_capita_fen": int64(pc), "standard_fen": int64(std), "multiple": multiple.String(), "net_income_fen": int64(mm.net), "edge_line_fen": int64(edgeLine)}
	if under(mm.net, multiple, line) {
		if !mm.assetsKnown {
			d.missing("household.assets")
			return
		}
		d.say(cite(citeEdge, e.source("dibao.edge.multiple")), values,
			"家庭月人均收入 = %s 元，不低于%s %s 元，但家庭月收入 %s 元低于 %s 倍标准 × %d 人 = %s 元，属于低保边缘家庭",
			perCapitaText(mm), standardName(r, e), yuan(std), yuan(mm.net), multiple, mm.n, yuan(edgeLine))
		d.decide(true)
		return
	}
	d.say(cite(citeEdge, e.source("dibao.edge.multiple")), values,
		"家庭月收入 %s 元不低于 %s 倍标准 × %d 人 = %s 元，不属于低保边缘家庭", yuan(mm.net), multiple, mm.n, yuan(edgeLine))
	d.decide(false)
}

// roundings are the rounding codes; "fen" (none) first.
var roundings = []string{"fen", "jiao_up", "jiao_half", "yuan_up", "yuan_half"}
