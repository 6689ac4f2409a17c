package casework

const citeUnsupported = "《关于进一步加强事实无人抚养儿童保障工作的意见》"

// childFlow is the procedure of 《关于进一步加强事实无人抚养儿童保障工作
// 的意见》二 (RULES.md B5): the township checks within 15 working days of
// the application, mainly by comparing data between departments (二(二)),
// and may verify again by visits where the data do not settle it; the
// county confirms within 15 working days of the township's materials
// (二(三)); support from the month after. No public notice at all, to
// protect the children (二(二): 不宜设置公示环节) — there is no
// post_notice row, and Notice is false.
//
// RULES.md gives no procedure of its own for 孤儿 and 重点困境儿童; they
// take the same one here, children's cases being private alike, and their
// rows cite the text as followed by analogy (参照), not as their own.
func childFlow(program, title, cite string) *Flow {
	pending := []State{Accepted, Verifying, Verified, Investigated, Reviewed}
	return &Flow{Program: program, Title: title, Notice: false, StageLimits: true, Steps: []Step{
		{From: []State{Applied, Incomplete}, Action: Accept, Next: Accepted, Title: "受理", Roles: townCounty, StartsClock: true,
			StepWorkdays: 15, StepNote: "自收到申请之日起 15 个工作日内作出查验结论", Cite: cite + "二(一)(二)"},
		{From: []State{Applied}, Action: NotifyMissing, Next: Incomplete, Title: "一次性告知补正材料", Roles: townCounty,
			Fields: []Field{{Name: "missing", Title: "需补正的全部材料", Kind: "list", Required: true}}},
		{From: []State{Accepted}, Action: RequestVerify, Next: Verifying, Title: "提请部门信息比对", Roles: townCounty, KeepClock: true,
			StepNote: "查验一般采取部门信息比对的方式", Cite: cite + "二(二)"},
		{From: []State{Verifying}, Action: RecordVerify, Next: Verified, Title: "录入比对结果", Roles: county, KeepClock: true,
			Fields: []Field{{Name: "result", Title: "比对结果（pass 或 fail）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
			Cite:   cite + "二(二)"},
		{From: []State{Verified}, Action: Investigate, Next: Investigated, Title: "再次核实（比对不能核实时）", Roles: field, KeepClock: true,
			Fields: []Field{{Name: "methods", Title: "核实方式（home_visit 入户调查、neighbours 邻里访问、letters 信函索证、data_check 信息核对）", Kind: "list", Required: true},
				text("note", "核实情况")},
			Cite: cite + "二(二)"},
		{From: []State{Verified, Investigated}, Action: Opinion, Next: Reviewed, Title: "作出查验结论，报县级", Roles: township,
			Fields:       []Field{{Name: "opinion", Title: "查验结论（agree 符合 或 disagree 不符合）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
			StepWorkdays: 15, StepNote: "县级民政部门自收到材料之日起 15 个工作日内作出确认", Cite: cite + "二(二)(三)"},
		{From: []State{Reviewed}, Action: Approve, Next: Approved, Title: "确认（批准）", Roles: county,
			Fields:   []Field{{Name: "note", Title: "说明", Kind: "text"}},
			StepNote: "从确认的次月起纳入保障，录入全国儿童福利信息管理系统", Cite: cite + "二(三)"},
		{From: []State{Reviewed}, Action: Reject, Next: Rejected, Title: "不予确认", Roles: county,
			Fields: []Field{text("reason", "不予确认的理由")}, StepNote: "书面说明理由", Cite: cite + "二(三)"},
		{From: pending, Action: Terminate, Next: Terminated, Title: "终止办理", Roles: townCounty,
			Fields: []Field{text("reason", "终止的理由")}},
		{From: append([]State{Applied, Incomplete}, pending...), Action: Withdraw, Next: Withdrawn, Title: "申请人撤回申请", Roles: field,
			Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}},
	}}
}

var (
	orphanFlow      = childFlow("orphan", "孤儿基本生活费", "参照"+citeUnsupported)
	unsupportedFlow = childFlow("unsupported_child", "事实无人抚养儿童生活补贴", citeUnsupported)
	distressedFlow  = childFlow("distressed_child", "重点困境儿童", "参照"+citeUnsupported)
)

func init() {
	registerFlow(orphanFlow)
	registerFlow(unsupportedFlow)
	registerFlow(distressedFlow)
}
