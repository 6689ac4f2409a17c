package casework

import (
	"encoding/json"
	"fmt"

	"minzheng"
	"minzheng/auth"
	"minzheng/policy"
)

// Actions and states of 临时救助.
const (
	// Advance is 先行救助: aid given before the papers are complete, with
	// its amount and the fund it came from (the payments issue books it).
	Advance Action = "advance"
	// CompletePapers is 补办手续 after the advance aid.
	CompletePapers Action = "complete_papers"
	// SpecialReview is the county's 一事一议 for an amount above the
	// county's tier; approval needs it first.
	SpecialReview Action = "special_review"

	Advanced        State = "advanced"         // 已先行救助
	PapersComplete  State = "papers_complete"  // 已补办手续
	SpecialReviewed State = "special_reviewed" // 已一事一议
)

// AdvanceFund names the fund advance aid came from, for the ledger.
func AdvanceFund(code string) string { return advanceFunds[code] }

// The funds advance aid may come from.
var advanceFunds = map[string]string{
	"petty_fund": "乡镇（街道）临时救助备用金",
	"county":     "县级临时救助资金",
}

const (
	citeLinshi      = "《社会救助暂行办法》第48条"
	citeLinshiKinds = "《关于改革完善社会救助制度的意见》第15条"
	citeLinshiTiers = "《社会救助暂行办法》第48条；《关于改革完善社会救助制度的意见》第15条"
)

// linshiEmergency is 急难型临时救助 (《2020意见》第15条): acceptance starts
// the region's hour limit (青海: answer within 12 hours, aid within 24;
// 济南 24 hours); a small amount may be given at once (先行救助) from the
// township's reserve fund before the papers are complete, and the papers
// follow (补办手续). The approval then needs the authority for the amount
// (the rules engine's tiers): township, county, or the county's 一事一议.
// No public notice: the simplified procedure of 第48条 for emergencies.
var linshiEmergency = &Flow{Program: "linshi", Kind: "emergency", Title: "临时救助（急难型）", AuthorityTiers: true, Steps: []Step{
	{From: []State{Applied}, Action: Accept, Next: Accepted, Title: "受理", Roles: townCounty, StartsClock: true,
		HoursFrom: emergencyHours, StepNote: "受理后按本地时限（小时）先行救助", Cite: citeLinshiKinds},
	{From: []State{Accepted}, Action: Advance, Next: Advanced, Title: "先行救助", Roles: townCounty,
		Fields: []Field{{Name: "amount_fen", Title: "先行救助金额（分）", Kind: "fen", Required: true},
			{Name: "fund", Title: "资金来源（petty_fund 乡镇备用金 或 county 县级资金）", Kind: "text", Required: true},
			{Name: "note", Title: "说明", Kind: "text"}},
		StepNote: "先行救助后补办手续", Cite: citeLinshiKinds},
	{From: []State{Accepted, Advanced}, Action: CompletePapers, Next: PapersComplete, Title: "补办手续", Roles: townCounty,
		Fields: []Field{{Name: "papers", Title: "补齐的材料", Kind: "list", Required: true}, {Name: "note", Title: "情况说明", Kind: "text"}},
		Cite:   citeLinshiKinds},
	{From: []State{PapersComplete}, Action: SpecialReview, Next: SpecialReviewed, Title: "一事一议", Roles: county,
		Fields: []Field{text("meeting", "会议（时间、参加人员）"), text("conclusion", "会议意见")}, Cite: citeLinshiKinds},
	{From: []State{PapersComplete, SpecialReviewed}, Action: Approve, Next: Approved, Title: "审批（批准）", Roles: townCounty,
		Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}, Cite: citeLinshiTiers},
	{From: []State{PapersComplete, SpecialReviewed}, Action: Reject, Next: Rejected, Title: "不予批准", Roles: townCounty,
		Fields: []Field{text("reason", "不予批准的理由")}, Cite: citeLinshi},
	{From: []State{Accepted, Advanced, PapersComplete, SpecialReviewed}, Action: Terminate, Next: Terminated, Title: "终止办理", Roles: townCounty,
		Fields: []Field{text("reason", "终止的理由")}},
	{From: []State{Applied, Accepted, Advanced, PapersComplete, SpecialReviewed}, Action: Withdraw, Next: Withdrawn, Title: "申请人撤回申请", Roles: field,
		Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}},
}}

// linshiExpenditure is 支出型临时救助: the ordinary procedure of 《社会救助
// 暂行办法》第48条 — application to the township, 审核 and 公示, approval by
// the county, or by the township for the small amounts the county
// delegates (the tiers).
var linshiExpenditure = &Flow{Program: "linshi", Kind: "expenditure", Title: "临时救助（支出型）", Notice: true, AuthorityTiers: true, Steps: []Step{
	{From: []State{Applied, Incomplete}, Action: Accept, Next: Accepted, Title: "受理", Roles: townCounty, StartsClock: true, Cite: citeLinshi},
	{From: []State{Applied}, Action: NotifyMissing, Next: Incomplete, Title: "一次性告知补正材料", Roles: townCounty,
		Fields: []Field{{Name: "missing", Title: "需补正的全部材料", Kind: "list", Required: true}}},
	{From: []State{Accepted}, Action: RequestVerify, Next: Verifying, Title: "提请经济状况核对", Roles: townCounty, Cite: citeLinshi},
	{From: []State{Verifying}, Action: RecordVerify, Next: Verified, Title: "录入核对结果", Roles: county,
		Fields: []Field{{Name: "result", Title: "核对结果（pass 或 fail）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
		Cite:   citeLinshi},
	{From: []State{Verified}, Action: Investigate, Next: Investigated, Title: "调查核实支出情况", Roles: field,
		Fields: []Field{{Name: "methods", Title: "调查方式（home_visit 入户调查、neighbours 邻里访问、letters 信函索证、data_check 信息核对）", Kind: "list", Required: true},
			text("note", "调查核实情况（刚性支出及报销）")},
		Cite: citeLinshi},
	{From: []State{Investigated}, Action: Opinion, Next: Reviewed, Title: "提出审核意见", Roles: township,
		Fields: []Field{{Name: "opinion", Title: "审核意见（agree 或 disagree）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
		Cite:   citeLinshi},
	{From: []State{Reviewed}, Action: PostNotice, Next: Noticing, Title: "张贴公示", Roles: township,
		StepDays: 7, StepNote: "按本地公示天数公示", Cite: citeLinshi},
	{From: []State{Noticing}, Action: Object, Next: Verified, Title: "登记公示异议（重新调查）", Roles: field,
		Fields: []Field{text("objection", "异议内容")}, Cite: citeLinshi},
	{From: []State{Noticing}, Action: CloseNotice, Next: Noticed, Title: "公示期满", Roles: township, Cite: citeLinshi},
	{From: []State{Noticed}, Action: SpecialReview, Next: SpecialReviewed, Title: "一事一议", Roles: county,
		Fields: []Field{text("meeting", "会议（时间、参加人员）"), text("conclusion", "会议意见")}, Cite: citeLinshiKinds},
	{From: []State{Noticed, SpecialReviewed}, Action: Approve, Next: Approved, Title: "审批（批准）", Roles: townCounty,
		Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}, Cite: citeLinshiTiers},
	{From: []State{Noticed, SpecialReviewed}, Action: Reject, Next: Rejected, Title: "不予批准", Roles: townCounty,
		Fields: []Field{text("reason", "不予批准的理由")}, Cite: citeLinshi},
	{From: []State{Accepted, Verifying, Verified, Investigated, Reviewed, Noticing, Noticed, SpecialReviewed}, Action: Terminate, Next: Terminated,
		Title: "终止办理", Roles: townCounty, Fields: []Field{text("reason", "终止的理由")}},
	{From: []State{Applied, Incomplete, Accepted, Verifying, Verified, Investigated, Reviewed, Noticing, Noticed, SpecialReviewed}, Action: Withdraw,
		Next: Withdrawn, Title: "申请人撤回申请", Roles: field, Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}},
}}

func init() {
	// FlowOf("linshi") stays the ordinary (支出型) flow; FlowFor gives
	// either by kind, and Programs lists linshi once.
	registerFlow(linshiExpenditure)
	registerKind(linshiExpenditure)
	registerKind(linshiEmergency)
	StateNames[Advanced] = "已先行救助"
	StateNames[PapersComplete] = "已补办手续"
	StateNames[SpecialReviewed] = "已一事一议"
}

// An emergency runs on two hour limits where the region sets both (青海:
// answer within 12 hours, aid within 24): from the application to the
// answer (acceptance) — AnswerHours, set when the case is recorded — and
// from the answer to the aid given (advance) — emergencyHours, which
// acceptance starts.
func emergencyHours(s Settings) int {
	return s.EmergencyAidHours
}

// AnswerHours is the limit from an emergency application to its answer:
// the region's answer limit, or its aid limit where it sets only that.
func AnswerHours(s Settings) int {
	if s.EmergencyAnswerHours > 0 {
		return s.EmergencyAnswerHours
	}
	return s.EmergencyAidHours
}

// checkAdvance is the guard of Advance: an amount, and a fund it may come
// from; advance aid by the township, or from its reserve fund, is the
// small amount within the township's approval tier (《2020意见》第15条
// 小金额先行救助; 青海: 5000 元).
func checkAdvance(in Input, ctx Context) error {
	var amount int64
	if raw, ok := in["amount_fen"]; ok {
		_ = json.Unmarshal(raw, &amount)
	}
	if amount <= 0 {
		return minzheng.Invalid("amount_fen", "请填写先行救助金额（大于 0）")
	}
	if _, ok := advanceFunds[in.Text("fund")]; !ok {
		return minzheng.Invalid("fund", "资金来源应为 petty_fund（乡镇临时救助备用金）或 county（县级临时救助资金）")
	}
	if (auth.Role(ctx.Actor.Role) == auth.RoleTownshipOfficer || in.Text("fund") == "petty_fund") && amount > int64(ctx.Settings.TownshipMaxFen) {
		return &minzheng.Error{Code: minzheng.CodeConflict, Field: "amount_fen", Message: fmt.Sprintf("先行救助 %s 元超过乡镇（街道）审批权限 %s 元，请由县级民政部门从县级资金先行救助",
			minzheng.Fen(amount).Yuan(), ctx.Settings.TownshipMaxFen.Yuan())}
	}
	return nil
}

// Authority tiers as the rules engine names them (policy.Decision.Authority).
const (
	tierTownship = "township"
	tierCounty   = "county"
	tierSpecial  = "special_review"
)

var tierNames = map[string]string{
	tierTownship: "乡镇（街道）审批",
	tierCounty:   "县级民政部门审批",
	tierSpecial:  "县级民政部门一事一议后审批",
}

// checkSpecialReview is the guard of SpecialReview: 一事一议 is for the
// amounts above the county's tier only.
func checkSpecialReview(ctx Context, today minzheng.Date) error {
	if ctx.Decide == nil {
		return fmt.Errorf("casework: no rules engine for the decision")
	}
	d, err := ctx.Decide(today)
	if err != nil {
		return err
	}
	if d.Authority != tierSpecial {
		return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("救助金额 %s 元在%s权限内，无需一事一议", d.AmountFen.Yuan(), tierLevel(d.Authority))}
	}
	return nil
}

// tierLevel names the level of a tier for messages.
func tierLevel(tier string) string {
	if tier == tierTownship {
		return "乡镇（街道）"
	}
	return "县级民政部门"
}

// checkAuthority is the tier rule on approving and refusing (《暂行办法》
// 第48条: the county approves, small amounts may be delegated to the
// township; 《2020意见》第15条: above the county's tier, 一事一议): a
// township officer only at the township tier, the county at the township
// and county tiers, and above them the county after the 一事一议. A decision
// without a tier (not eligible, facts missing) is the county's. c.Decision
// is the rules engine's answer the guard has just stored; c.State is still
// the state the action is taken in.
func checkAuthority(c *Case, a Action, role auth.Role) error {
	tier := ""
	amount := minzheng.Fen(0)
	if c.Decision != nil {
		tier, amount = c.Decision.Authority, c.Decision.AmountFen
	}
	verb := "批准"
	if a == Reject {
		verb = "作出不予批准决定"
	}
	forbidden := func(need string) error {
		return &minzheng.Error{Code: minzheng.CodeForbidden, Message: fmt.Sprintf("救助金额 %s 元须由%s，%s无权%s", amount.Yuan(), need, role.Chinese(), verb)}
	}
	switch tier {
	case tierTownship:
		if role == auth.RoleTownshipOfficer || role == auth.RoleCountyOfficer {
			return nil
		}
		return forbidden(tierNames[tierTownship])
	case tierCounty:
		if role == auth.RoleCountyOfficer {
			return nil
		}
		return forbidden(tierNames[tierCounty])
	case tierSpecial:
		if role != auth.RoleCountyOfficer {
			return forbidden(tierNames[tierSpecial])
		}
		if a == Approve && c.State != SpecialReviewed {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("救助金额 %s 元超过县级审批权限，须先“一事一议”后方可批准", amount.Yuan())}
		}
		return nil
	case "":
		if role == auth.RoleCountyOfficer {
			return nil
		}
		return &minzheng.Error{Code: minzheng.CodeForbidden, Message: fmt.Sprintf("规则测算未确定审批权限，须由县级民政部门%s", verb)}
	}
	return fmt.Errorf("casework: unknown authority tier %q", tier)
}

// MayDecide reports whether role holds the authority to take action (approve
// or reject) on a case of an authority-tiered flow, given the decision the
// rules engine would give now: what a page shows as allowed is what the
// action would accept.
func MayDecide(f *Flow, c Case, a Action, role auth.Role, d policy.Decision) bool {
	if !f.AuthorityTiers || (a != Approve && a != Reject) {
		return true
	}
	c.Decision = &d
	return checkAuthority(&c, a, role) == nil
}
