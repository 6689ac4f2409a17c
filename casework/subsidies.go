package casework

// DisabilityReview is the county 残联's review of a disability subsidy,
// between the township's first review and the county 民政 decision.
const (
	DisabilityReview   Action = "disability_review"
	DisabilityReviewed State  = "disability_reviewed" // 残联已审核
)

const (
	citeDisability = "国发〔2015〕52号及地方实施办法"
	citeElderly    = "《中华人民共和国老年人权益保障法》"
)

// subsidyFlow is the procedure of the person subsidies: application at the
// township, its first review, for the disability subsidies the county 残联's
// review, then the county 民政 decision (RULES.md B5, from county guides:
// [secondary]). The national texts consulted set no time limits for these
// steps, so only the region's overall limit from acceptance runs.
//
// No public notice: RULES.md is silent on 公示 for the disability and
// elderly subsidies, and a notice of a disability subsidy would publish a
// disability, which the notices must never show (issue 5 §6). So Notice is
// false and there is no post_notice row.
func subsidyFlow(program, title string, disability bool, cite, start string) *Flow {
	decideFrom := []State{Reviewed}
	pending := []State{Accepted, Reviewed}
	steps := []Step{
		{From: []State{Applied, Incomplete}, Action: Accept, Next: Accepted, Title: "受理", Roles: townCounty, StartsClock: true, Cite: cite},
		{From: []State{Applied}, Action: NotifyMissing, Next: Incomplete, Title: "一次性告知补正材料", Roles: townCounty,
			Fields: []Field{{Name: "missing", Title: "需补正的全部材料", Kind: "list", Required: true}}},
		{From: []State{Accepted}, Action: Opinion, Next: Reviewed, Title: "乡镇（街道）初审", Roles: township,
			Fields: []Field{{Name: "opinion", Title: "初审意见（agree 或 disagree）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
			Cite:   cite},
	}
	if disability {
		decideFrom = []State{DisabilityReviewed}
		pending = append(pending, DisabilityReviewed)
		steps = append(steps, Step{From: []State{Reviewed}, Action: DisabilityReview, Next: DisabilityReviewed, Title: "县级残联审核", Roles: county,
			Fields: []Field{{Name: "opinion", Title: "残联审核意见（agree 或 disagree）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
			Cite:   cite})
	}
	steps = append(steps,
		Step{From: decideFrom, Action: Approve, Next: Approved, Title: "县级民政审批（批准）", Roles: county,
			Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}, StepNote: start, Cite: cite},
		Step{From: decideFrom, Action: Reject, Next: Rejected, Title: "不予批准", Roles: county,
			Fields: []Field{text("reason", "不予批准的理由")}, Cite: cite},
		Step{From: pending, Action: Terminate, Next: Terminated, Title: "终止办理", Roles: townCounty,
			Fields: []Field{text("reason", "终止的理由")}},
		Step{From: append([]State{Applied, Incomplete}, pending...), Action: Withdraw, Next: Withdrawn, Title: "申请人撤回申请", Roles: field,
			Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}},
	)
	return &Flow{Program: program, Title: title, Notice: false, Steps: steps}
}

var (
	disabilityLivingFlow = subsidyFlow("disability_living", "困难残疾人生活补贴", true, citeDisability, "自申请当月起按月发放")
	disabilityCareFlow   = subsidyFlow("disability_care", "重度残疾人护理补贴", true, citeDisability, "按月发放至本人账户")
	elderlyLongevityFlow = subsidyFlow("elderly_longevity", "高龄津贴", false, citeElderly+"第33条", "按月发放")
	elderlyPoorFlow      = subsidyFlow("elderly_poor", "经济困难老年人补贴", false, citeElderly+"第30、33条", "按月发放")
)

func init() {
	registerFlow(disabilityLivingFlow)
	registerFlow(disabilityCareFlow)
	registerFlow(elderlyLongevityFlow)
	registerFlow(elderlyPoorFlow)
	StateNames[DisabilityReviewed] = "残联已审核"
}
