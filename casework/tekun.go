package casework

import "minzheng"

// Actions and states the 低保 flow does not have, shared by the flows that
// need them.
const (
	// Investigate is 调查核实 by the township with the methods it used
	// (《特困人员认定办法》第13条: 入户调查、邻里访问、信函索证、信息核对);
	// unlike HomeVisit it does not carry the 低保 two-investigator form.
	Investigate Action = "investigate"
	// SpotCheck is the county's record, for each case, of whether it was
	// in the random check of at least 30% (第16条), so the share can be
	// counted over the cases.
	SpotCheck Action = "spot_check"

	Investigated State = "investigated" // 已调查核实
	Checked      State = "checked"      // 县级已审核（含抽查记录）
)

// investigationMethods are the methods of 第13条, by code.
var investigationMethods = map[string]string{
	"home_visit": "入户调查", "neighbours": "邻里访问", "letters": "信函索证", "data_check": "信息核对",
}

const citeTekun = "《特困人员认定办法》"

// tekunFlow is 《特困人员认定办法》第10—18条 (RULES.md B2): the township
// accepts and investigates, its opinion is due 15 working days from
// acceptance; 7 days' notice, an objection sends it back for a new
// investigation and opinion within 15 working days and a new notice; the
// county reviews everything, checks at least 30% at random and decides
// within 15 working days; support from the month after. 第28条 lets a
// region delegate the decision to the township, so the decision is the
// region's Decider; the spot check stays with the county.
var tekunFlow = &Flow{Program: "tekun", Title: "特困人员救助供养", Notice: true, StageLimits: true, Steps: []Step{
	{From: []State{Applied, Incomplete}, Action: Accept, Next: Accepted, Title: "受理", Roles: townCounty, StartsClock: true,
		StepWorkdays: 15, StepNote: "受理之日起 15 个工作日内调查核实并提出初审意见", Cite: citeTekun + "第12、13条"},
	{From: []State{Applied}, Action: NotifyMissing, Next: Incomplete, Title: "一次性告知补正材料", Roles: townCounty,
		Fields: []Field{{Name: "missing", Title: "需补正的全部材料", Kind: "list", Required: true}}, Cite: citeTekun + "第12条"},
	{From: []State{Accepted}, Action: RequestVerify, Next: Verifying, Title: "提请信息核对", Roles: townCounty, KeepClock: true,
		StepNote: "信息核对计入 15 个工作日的调查核实期限", Cite: citeTekun + "第10、13条"},
	{From: []State{Verifying}, Action: RecordVerify, Next: Verified, Title: "录入核对结果", Roles: county, KeepClock: true,
		Fields: []Field{{Name: "result", Title: "核对结果（pass 或 fail）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
		Cite:   citeTekun + "第13条"},
	{From: []State{Verified}, Action: Investigate, Next: Investigated, Title: "调查核实", Roles: field, KeepClock: true,
		Fields: []Field{{Name: "methods", Title: "调查方式（home_visit 入户调查、neighbours 邻里访问、letters 信函索证、data_check 信息核对）", Kind: "list", Required: true},
			text("note", "调查核实情况（经济状况、实际生活状况、赡养抚养扶养状况）"), {Name: "review", Title: "已组织民主评议", Kind: "bool"}},
		Cite: citeTekun + "第13、14条"},
	{From: []State{Investigated}, Action: Opinion, Next: Reviewed, Title: "提出初审意见", Roles: township,
		Fields: []Field{{Name: "opinion", Title: "初审意见（agree 或 disagree）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
		Cite:   citeTekun + "第13条"},
	{From: []State{Reviewed}, Action: PostNotice, Next: Noticing, Title: "张贴公示", Roles: township,
		StepDays: 7, StepNote: "在申请人所在村（社区）公示 7 天", Cite: citeTekun + "第15条"},
	{From: []State{Noticing}, Action: Object, Next: Verified, Title: "登记公示异议（重新调查核实）", Roles: field,
		StepWorkdays: 15, StepNote: "重新调查核实，15 个工作日内提出初审意见并重新公示",
		Fields: []Field{text("objection", "异议内容")}, Cite: citeTekun + "第15条"},
	{From: []State{Noticing}, Action: CloseNotice, Next: Noticed, Title: "公示期满，报送县级", Roles: township,
		StepWorkdays: 15, StepNote: "县级民政部门 15 个工作日内提出确认意见", Cite: citeTekun + "第15、16条"},
	{From: []State{Noticed}, Action: SpotCheck, Next: Checked, Title: "县级审核（记录是否随机抽查）", Roles: county, KeepClock: true,
		Fields: []Field{{Name: "done", Title: "本案已列入随机抽查并核实（抽查比例不低于 30%）", Kind: "bool", Required: true},
			{Name: "note", Title: "审核和抽查情况", Kind: "text"}},
		Cite: citeTekun + "第16条"},
	{From: []State{Checked}, Action: Approve, Next: Approved, Title: "确认（批准）", Decider: true,
		Fields:   []Field{{Name: "note", Title: "说明", Kind: "text"}},
		StepNote: "从确认之日下月起给予救助供养待遇，并在村（社区）公布", Cite: citeTekun + "第16、17、28条"},
	{From: []State{Checked}, Action: Reject, Next: Rejected, Title: "不予确认", Decider: true,
		Fields: []Field{text("reason", "不予确认的理由")}, StepWorkdays: 3,
		StepNote: "作出决定 3 个工作日内通过乡镇（街道）书面告知申请人并说明理由", Cite: citeTekun + "第18条"},
	{From: []State{Rejected}, Action: NotifyRefusal, Title: "送达不予确认告知书", Roles: townCounty,
		Fields: []Field{{Name: "note", Title: "送达情况", Kind: "text"}}, Cite: citeTekun + "第18条"},
	{From: []State{Accepted, Verifying, Verified, Investigated, Reviewed, Noticing, Noticed, Checked}, Action: Terminate, Next: Terminated,
		Title: "终止办理", Roles: townCounty, Fields: []Field{text("reason", "终止的理由")}},
	{From: []State{Applied, Incomplete, Accepted, Verifying, Verified, Investigated, Reviewed, Noticing, Noticed, Checked}, Action: Withdraw,
		Next: Withdrawn, Title: "申请人撤回申请", Roles: field, Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}},
}}

func init() {
	registerFlow(tekunFlow)
	StateNames[Investigated] = "已调查核实"
	StateNames[Checked] = "县级已审核"
}

// checkInvestigation is the guard of Investigate: the methods are those of
// 第13条.
func checkInvestigation(in Input) error {
	for _, m := range in.List("methods") {
		if _, ok := investigationMethods[m]; !ok {
			return minzheng.Invalid("methods", "调查方式“%s”不对，应为 home_visit（入户调查）、neighbours（邻里访问）、letters（信函索证）、data_check（信息核对）", m)
		}
	}
	return nil
}
