package policy

import (
	"minzheng"
	"minzheng/registry"
)

const (
	citeLinshiWho       = "《社会救助暂行办法》第47条"
	citeLinshiApprove   = "《社会救助暂行办法》第48条"
	citeLinshiStandard  = "《社会救助暂行办法》第49条"
	citeLinshiKinds     = "《关于改革完善社会救助制度的意见》第15条"
	citeLinshiAuthority = "《社会救助暂行办法》第48条；《关于改革完善社会救助制度的意见》第15条"
)

func init() {
	register(&Program{Code: "linshi", Name: "临时救助", Period: "once", rule: evalLinshi})
}

// evalLinshi is 临时救助 (《暂行办法》第47—49条, 《2020意见》第15条): 急难型
// aid is given first and explained after, so it has no means test; 支出型
// aid needs rigid expenses (net of reimbursements) that push the household's
// income below the region's line. The amount follows the region's standards
// (第49条: set by county-level government or above), capped where the region
// caps it; the authority that may approve it follows the region's tiers.
func evalLinshi(r *Request, e *env, d *Decision) {
	h := &r.Household
	if r.Options.Kind == "" {
		d.missing("options.kind")
		return
	}
	if len(h.Members) == 0 {
		d.missing("household.members")
		return
	}
	std, ok := dibaoStandard(r, e, d)
	if !ok || e.err != nil {
		return
	}
	n := minzheng.Fen(len(h.Members))
	req := r.Options.AmountRequestedFen
	var amount minzheng.Fen
	if r.Options.Kind == "emergency" {
		d.say(citeLinshiKinds, nil, "急难型临时救助：对遭遇突发事件、意外伤害、重大疾病等陷入困境的家庭先行救助，事后补充说明情况，不以家庭经济状况核对为前置条件")
		if req > 0 {
			amount = req
			d.say(citeLinshiWho, map[string]any{"requested_fen": int64(req)}, "申请救助金额 %s 元", yuan(req))
		} else {
			months := e.ratio("linshi.emergency.months")
			amount = months.Of(std * n)
			d.say(cite(citeLinshiStandard, e.source("linshi.emergency.months")), map[string]any{"months": months.String(), "standard_fen": int64(std), "members": int(n), "amount_fen": int64(amount)},
				"救助金额 = %s 倍月低保标准 %s 元 × %d 人 = %s 元", months, yuan(std), n, yuan(amount))
		}
	} else {
		d.say(citeLinshiKinds, nil, "支出型临时救助：因教育、医疗等生活必需支出突然增加，超出家庭承受能力")
		var counted, yearly minzheng.Fen
		exempt := e.list("dibao.income.exempt")
		kinds := e.list("linshi.expenditure.kinds")
		for i := range h.Members {
			m := &h.Members[i]
			for _, in := range m.Incomes {
				if !exempt.Has(in.Kind) {
					counted += in.MonthlyFen
				}
			}
			for _, x := range m.Expenses {
				if kinds.Has(x.Kind) {
					yearly += x.YearlyFen - x.ReimbursedFen
				}
			}
		}
		if e.err != nil {
			return
		}
		if yearly <= 0 {
			d.say(cite(citeLinshiWho, e.source("linshi.expenditure.kinds")), nil, "没有扣除报销后的%s支出，不符合支出型临时救助条件", kindNames(kinds.List, registry.ExpenseKinds))
			d.decide(false)
			return
		}
		burden := yearly / 12
		left := netIncome(counted, burden)
		multiple := e.ratio("linshi.expenditure.multiple")
		line := multiple.Of(std * n)
		values := map[string]any{"income_fen": int64(counted), "expenses_yearly_fen": int64(yearly), "burden_fen": int64(burden), "left_fen": int64(left), "line_fen": int64(line)}
		if !under(left, multiple, std*n) {
			d.say(cite(citeLinshiWho, e.source("linshi.expenditure.multiple")), values,
				"家庭月收入 %s 元，扣除刚性支出（报销后每年 %s 元，每月 %s 元）后为 %s 元，不低于 %s 倍低保标准 × %d 人 = %s 元，支出未超出家庭承受能力",
				yuan(counted), yuan(yearly), yuan(burden), yuan(left), multiple, n, yuan(line))
			d.decide(false)
			return
		}
		d.say(cite(citeLinshiWho, e.source("linshi.expenditure.multiple")), values,
			"家庭月收入 %s 元，扣除刚性支出（报销后每年 %s 元，每月 %s 元）后为 %s 元，低于 %s 倍低保标准 × %d 人 = %s 元",
			yuan(counted), yuan(yearly), yuan(burden), yuan(left), multiple, n, yuan(line))
		amount = yearly
		if req > 0 && req < yearly {
			amount = req
			d.say(citeLinshiWho, map[string]any{"requested_fen": int64(req)}, "按申请金额 %s 元救助（不超过报销后的支出 %s 元）", yuan(req), yuan(yearly))
		} else {
			d.say(citeLinshiStandard, map[string]any{"amount_fen": int64(amount)}, "救助金额为报销后的刚性支出 %s 元", yuan(amount))
		}
	}
	if capMonths, ok := e.value("linshi.cap.months", false); ok {
		limit := capMonths.Ratio.Of(std)
		if amount > limit {
			d.say(cite(citeLinshiStandard, e.source("linshi.cap.months")), map[string]any{"cap_fen": int64(limit)},
				"超过当地上限 %s 倍月低保标准 = %s 元，按上限救助", capMonths.Ratio, yuan(limit))
			amount = limit
		}
	}
	d.AmountFen = amount
	d.Authority = linshiAuthority(e, d, amount)
	d.decide(amount > 0)
}

// linshiAuthority is who may approve the amount: the township up to its
// delegated limit, the county up to its limit, above that 一事一议 (青海:
// township ≤ 5000 元, county ≤ 5 × the yearly urban standard).
func linshiAuthority(e *env, d *Decision, amount minzheng.Fen) string {
	// No delegation set: the county approves everything (第48条).
	township := e.optFen("linshi.authority.township_max")
	county, hasCounty := e.value("linshi.authority.county_max", false)
	switch {
	case amount <= township:
		d.say(cite(citeLinshiAuthority, e.source("linshi.authority.township_max")), map[string]any{"amount_fen": int64(amount), "township_max_fen": int64(township)},
			"救助金额 %s 元，不超过乡镇审批权限 %s 元，由乡镇（街道）审批", yuan(amount), yuan(township))
		return "township"
	case !hasCounty || amount <= county.Fen:
		if hasCounty {
			d.say(cite(citeLinshiAuthority, e.source("linshi.authority.county_max")), map[string]any{"amount_fen": int64(amount), "county_max_fen": int64(county.Fen)},
				"救助金额 %s 元，超过乡镇权限 %s 元、不超过县级权限 %s 元，由县级民政部门审批", yuan(amount), yuan(township), yuan(county.Fen))
		} else {
			d.say(citeLinshiApprove, map[string]any{"amount_fen": int64(amount), "township_max_fen": int64(township)},
				"救助金额 %s 元，超过乡镇审批权限 %s 元，由县级民政部门审批", yuan(amount), yuan(township))
		}
		return "county"
	}
	d.say(cite(citeLinshiAuthority, e.source("linshi.authority.county_max")), map[string]any{"amount_fen": int64(amount), "county_max_fen": int64(county.Fen)},
		"救助金额 %s 元，超过县级审批权限 %s 元，须一事一议", yuan(amount), yuan(county.Fen))
	return "special_review"
}
