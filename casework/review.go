package casework

import (
	"fmt"

	"minzheng"
)

// Periodic review (定期核查, 《低保办法》第31条) and its outcomes: the benefit
// continues (at the amount the rules now give), stops from the next month
// with written reasons (第32条), or is phased out over up to six months
// after a member finds work (渐退, 第33条; 《2022通知》一(三)). Nothing
// changes a benefit except such a case (DESIGN.md §6).
const (
	Continued  State = "continued"   // 继续保障
	Stopped    State = "stopped"     // 停止保障
	PhasingOut State = "phasing_out" // 渐退

	Recalculate Action = "recalculate" // 复核后继续保障（按测算调整金额）
	StopBenefit Action = "stop"        // 停止保障
	PhaseOut    Action = "phase_out"   // 渐退
)

func init() {
	StateNames[Continued] = "继续保障"
	StateNames[Stopped] = "停止保障"
	StateNames[PhasingOut] = "渐退期"
	for _, program := range []string{"dibao", "tekun"} {
		for _, kind := range []string{"review", "change"} {
			registerKind(reviewFlow(program, kind))
		}
	}
}

// reviewFlow is the flow of a periodic review (review) or of a change of
// circumstances reported or found (change, 《低保办法》第32条): the same
// steps, a different start.
func reviewFlow(program, kind string) *Flow {
	title := map[string]string{"dibao/review": "低保定期核查", "tekun/review": "特困人员定期核查",
		"dibao/change": "低保变更（家庭情况变化）", "tekun/change": "特困人员变更（情况变化）"}[program+"/"+kind]
	// 特困: a stop is posted for 7 days first (《特困人员认定办法》第26条).
	decideFrom := []State{Visited}
	terminateFrom := []State{Accepted, Verifying, Verified, Visited}
	if program == "tekun" {
		decideFrom = []State{Noticed}
		terminateFrom = append(terminateFrom, Noticing, Noticed)
	}
	f := &Flow{Program: program, Kind: kind, Title: title, Notice: program == "tekun", Steps: []Step{
		{From: []State{Applied}, Action: Accept, Next: Accepted, Title: "启动核查", Roles: townCounty, StartsClock: true,
			StepWorkdays: 3, StepNote: "3 个工作日内启动入户调查和信息核对", Cite: "《最低生活保障审核确认办法》第31条"},
		{From: []State{Accepted}, Action: RequestVerify, Next: Verifying, Title: "提请经济状况核对", Roles: townCounty, StepWorkdays: 3,
			Cite: "《最低生活保障审核确认办法》第17条"},
		{From: []State{Verifying}, Action: RecordVerify, Next: Verified, Title: "录入核对结果", Roles: county,
			Fields: []Field{{Name: "result", Title: "核对结果（pass 或 fail）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}}},
		{From: []State{Verified}, Action: HomeVisit, Next: Visited, Title: "入户调查", Roles: field,
			Fields: []Field{{Name: "investigators", Title: "调查人员（至少 2 人）", Kind: "list", Required: true},
				{Name: "signed", Title: "调查表已由调查人员和申请人签字", Kind: "bool", Required: true}, {Name: "note", Title: "调查情况", Kind: "text"}},
			Cite: "《最低生活保障审核确认办法》第16条"},
		{From: []State{Visited, Noticed}, Action: Recalculate, Next: Continued, Title: "继续保障（按核查结果测算金额）", Decider: true,
			Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}, Cite: "《最低生活保障审核确认办法》第31、32条"},
		{From: decideFrom, Action: StopBenefit, Next: Stopped, Title: "停止保障（下月起）", Decider: true,
			Fields: []Field{text("reason", "停止的理由（书面告知）"),
				{Name: "undue_from", Title: "自哪个月起不应享受（YYYY-MM，已发的予以追缴；不填则不追缴）", Kind: "text"},
				{Name: "fraud", Title: "认定为骗取社会救助", Kind: "bool"},
				{Name: "fine_multiple", Title: "罚款倍数（骗取的，1—3 倍）", Kind: "text"}},
			Cite: "《最低生活保障审核确认办法》第32条；《社会救助暂行办法》第68条"},
		{From: decideFrom, Action: PhaseOut, Next: PhasingOut, Title: "渐退", Decider: true,
			Fields: []Field{{Name: "months", Title: "渐退月数（1—6）", Kind: "text", Required: true}, text("reason", "渐退的理由（如家庭成员就业）")},
			Cite:   "《最低生活保障审核确认办法》第33条；《关于进一步做好最低生活保障等社会救助兜底保障工作的通知》一(三)"},
		{From: terminateFrom, Action: Terminate, Next: Terminated, Title: "终止核查", Roles: townCounty,
			Fields: []Field{text("reason", "终止的理由")}}}}
	if program == "tekun" {
		f.Steps = append(f.Steps,
			Step{From: []State{Visited}, Action: PostNotice, Next: Noticing, Title: "张贴终止供养公示", Roles: township,
				StepDays: 7, StepNote: "在村（居）公示 7 天", Cite: "《特困人员认定办法》第26条"},
			Step{From: []State{Noticing}, Action: Object, Next: Verified, Title: "登记公示异议（重新调查）", Roles: field,
				Fields: []Field{text("objection", "异议内容")}, Cite: "《特困人员认定办法》第26条"},
			Step{From: []State{Noticing}, Action: CloseNotice, Next: Noticed, Title: "公示期满", Roles: township,
				StepWorkdays: 15, StepNote: "有异议的 15 个工作日内作出决定", Cite: "《特困人员认定办法》第26条"})
	}
	return f
}

// reviewGuard checks the outcome of a review: continuing needs the rules to
// find the household still eligible (the amount is theirs); a phase-out is
// one to six months.
func reviewGuard(a Action, c *Case, in Input, ctx Context, today minzheng.Date) error {
	switch a {
	case Recalculate:
		if ctx.Decide == nil {
			return fmt.Errorf("casework: no rules engine for the review")
		}
		d, err := ctx.Decide(today)
		if err != nil {
			return err
		}
		if !d.IsEligible() {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "按核查结果测算已不符合条件，不能继续保障；请作出停止保障或渐退的决定"}
		}
		c.Decision = &d
	case StopBenefit, PhaseOut:
		if a == StopBenefit {
			if err := checkUndue(in, today); err != nil {
				return err
			}
		}
		if a == PhaseOut {
			var n int
			if _, err := fmt.Sscanf(in.Text("months"), "%d", &n); err != nil || n < 1 || n > 6 {
				return minzheng.Invalid("months", "渐退期原则上不超过 6 个月，请填写 1 到 6")
			}
		}
		if ctx.Decide != nil {
			if d, err := ctx.Decide(today); err == nil {
				c.Decision = &d
			}
		}
	}
	return nil
}

// checkUndue checks what a stop says of payments not owed: the month they
// began, not after this one; and, for fraud, a fine of one to three times
// the amount (《社会救助暂行办法》第68条). Fraud needs the month.
func checkUndue(in Input, today minzheng.Date) error {
	from := in.Text("undue_from")
	if from == "" {
		if in.Bool("fraud") {
			return minzheng.Invalid("undue_from", "认定骗取的，请填写自哪个月起不应享受，以便追缴")
		}
		return nil
	}
	m, err := minzheng.ParseMonth(from)
	if err != nil {
		return minzheng.Invalid("undue_from", "月份“%s”格式不对，应为 YYYY-MM", from)
	}
	if m > today.Month() {
		return minzheng.Invalid("undue_from", "月份 %s 晚于本月", from)
	}
	if in.Bool("fraud") {
		var n int
		if _, err := fmt.Sscanf(in.Text("fine_multiple"), "%d", &n); err != nil || n < 1 || n > 3 {
			return minzheng.Invalid("fine_multiple", "骗取社会救助的，处骗取金额 1 倍以上 3 倍以下罚款，请填写 1、2 或 3")
		}
	} else if in.Text("fine_multiple") != "" {
		return minzheng.Invalid("fine_multiple", "只有认定骗取的才处罚款")
	}
	return nil
}
