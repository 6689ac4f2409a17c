package casework

import (
	"fmt"
	"strings"

	"minzheng"
	"minzheng/auth"
)

// Actions of the application flows.
const (
	Accept        Action = "accept"         // 受理 (第10条), starts the statutory clock
	NotifyMissing Action = "notify_missing" // 一次性告知 everything missing (第10条)
	RequestVerify Action = "request_verification"
	RecordVerify  Action = "record_verification"
	HomeVisit     Action = "home_visit"
	Opinion       Action = "township_opinion"
	PostNotice    Action = "post_notice"
	Object        Action = "object"
	CloseNotice   Action = "close_notice"
	Approve       Action = "approve"
	Reject        Action = "reject"
	Extend        Action = "extend"
	Terminate     Action = "terminate"
	Withdraw      Action = "withdraw"
	// NotifyRefusal records that the written reasons of a refusal reached
	// the applicant (第21条: within 3 working days, via the township).
	NotifyRefusal Action = "notify_refusal"
)

var (
	township   = []auth.Role{auth.RoleTownshipOfficer}
	townCounty = []auth.Role{auth.RoleTownshipOfficer, auth.RoleCountyOfficer}
	field      = []auth.Role{auth.RoleVillageClerk, auth.RoleTownshipOfficer, auth.RoleCountyOfficer}
	county     = []auth.Role{auth.RoleCountyOfficer}
	open       = []State{Applied, Incomplete, Accepted, Verifying, Verified, Visited, Reviewed, Noticing, Noticed}
	running    = []State{Accepted, Verifying, Verified, Visited, Reviewed, Noticing, Noticed}
)

func text(name, title string) Field {
	return Field{Name: name, Title: title, Kind: "text", Required: true}
}

// dibaoFlow is 《最低生活保障审核确认办法》 as RULES.md B1 gives it.
var dibaoFlow = &Flow{Program: "dibao", Title: "城乡最低生活保障", Notice: true, Steps: []Step{
	{From: []State{Applied, Incomplete}, Action: Accept, Next: Accepted, Title: "受理", Roles: townCounty, StartsClock: true,
		StepWorkdays: 3, StepNote: "受理后 3 个工作日内启动入户调查和信息核对", Cite: "《最低生活保障审核确认办法》第10、15条"},
	{From: []State{Applied}, Action: NotifyMissing, Next: Incomplete, Title: "一次性告知补正材料", Roles: townCounty,
		Fields: []Field{{Name: "missing", Title: "需补正的全部材料", Kind: "list", Required: true}}, Cite: "《最低生活保障审核确认办法》第10条"},
	{From: []State{Accepted}, Action: RequestVerify, Next: Verifying, Title: "提请经济状况核对", Roles: townCounty,
		StepWorkdays: 3, StepNote: "县级民政部门 3 个工作日内启动核对", Cite: "《最低生活保障审核确认办法》第17条"},
	{From: []State{Verifying}, Action: RecordVerify, Next: Verified, Title: "录入核对结果", Roles: county,
		Fields: []Field{{Name: "result", Title: "核对结果（pass 或 fail）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
		Cite:   "《最低生活保障审核确认办法》第17、18条"},
	{From: []State{Visited, Reviewed, Noticed}, Action: RecordVerify, Title: "复查后重新录入核对结果", Roles: county, KeepClock: true,
		Fields: []Field{{Name: "result", Title: "复查结果（pass 或 fail）", Kind: "text", Required: true}, {Name: "note", Title: "复查情况", Kind: "text"}},
		Cite:   "《最低生活保障审核确认办法》第18条"},
	{From: []State{Verified}, Action: HomeVisit, Next: Visited, Title: "入户调查", Roles: field,
		Fields: []Field{{Name: "investigators", Title: "调查人员（至少 2 人）", Kind: "list", Required: true},
			{Name: "signed", Title: "调查表已由调查人员和申请人签字", Kind: "bool", Required: true}, {Name: "note", Title: "调查情况", Kind: "text"}},
		Cite: "《最低生活保障审核确认办法》第16条"},
	{From: []State{Visited}, Action: Opinion, Next: Reviewed, Title: "提出初审意见", Roles: township,
		Fields: []Field{{Name: "opinion", Title: "初审意见（agree 或 disagree）", Kind: "text", Required: true}, {Name: "note", Title: "说明", Kind: "text"}},
		Cite:   "《最低生活保障审核确认办法》第19条"},
	{From: []State{Reviewed}, Action: PostNotice, Next: Noticing, Title: "张贴公示", Roles: township,
		StepDays: 7, StepNote: "在村（居）公示 7 天", Cite: "《最低生活保障审核确认办法》第19、24条"},
	{From: []State{Noticing}, Action: Object, Next: Verified, Title: "登记公示异议（重新调查）", Roles: field,
		Fields: []Field{text("objection", "异议内容")}, Cite: "《最低生活保障审核确认办法》第19条"},
	{From: []State{Noticing}, Action: CloseNotice, Next: Noticed, Title: "公示期满", Roles: township,
		StepWorkdays: 10, StepNote: "审核确认机关 10 个工作日内作出决定", Cite: "《最低生活保障审核确认办法》第20条"},
	{From: []State{Noticed}, Action: Approve, Next: Approved, Title: "审核确认（批准）", Decider: true,
		Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}, Cite: "《最低生活保障审核确认办法》第20、21条"},
	{From: []State{Noticed, Reviewed}, Action: Reject, Next: Rejected, Title: "不予批准", Decider: true,
		Fields: []Field{text("reason", "不予批准的理由")}, StepWorkdays: 3, StepNote: "3 个工作日内通过乡镇（街道）书面告知理由",
		Cite: "《最低生活保障审核确认办法》第21条"},
	{From: []State{Rejected}, Action: NotifyRefusal, Title: "送达不予批准告知书", Roles: townCounty,
		Fields: []Field{{Name: "note", Title: "送达情况", Kind: "text"}}, Cite: "《最低生活保障审核确认办法》第21条"},
	{From: running, Action: Extend, Title: "延长办理时限", Roles: county,
		Fields: []Field{text("reason", "延长的理由")}, Cite: "《最低生活保障审核确认办法》第22条"},
	{From: running, Action: Terminate, Next: Terminated, Title: "终止审核确认", Roles: townCounty,
		Fields: []Field{text("reason", "终止的理由（如申请人不配合调查）")}, Cite: "《最低生活保障审核确认办法》第29条"},
	{From: open, Action: Withdraw, Next: Withdrawn, Title: "申请人撤回申请", Roles: field,
		Fields: []Field{{Name: "note", Title: "说明", Kind: "text"}}},
}}

func init() { registerFlow(dibaoFlow) }

// guard checks what a step needs beyond its fields, and records on c what
// it sets: the investigators, the notice period, the decision.
func guard(f *Flow, s *Step, c *Case, in Input, ctx Context, today minzheng.Date) error {
	switch s.Action {
	case Suspend, Resume:
		return suspension(s.Action, c, ctx, today)
	case NotifyRefusal:
		if c.StepDeadline == 0 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "不予批准告知书已送达"}
		}
	case Recalculate, StopBenefit, PhaseOut:
		return reviewGuard(s.Action, c, in, ctx, today)
	case RecordVerify:
		r := in.Text("result")
		if r != "pass" && r != "fail" {
			return minzheng.Invalid("result", "核对结果应为 pass（通过）或 fail（未通过）")
		}
		c.VerifyResult = r
	case HomeVisit:
		// 第16条: at least two investigators, and the form signed.
		seen := map[string]bool{}
		for _, n := range in.List("investigators") {
			if n = strings.TrimSpace(n); n != "" {
				seen[n] = true
			}
		}
		if len(seen) < 2 {
			return minzheng.Invalid("investigators", "入户调查须由至少 2 名工作人员进行（《最低生活保障审核确认办法》第16条）")
		}
		if !in.Bool("signed") {
			return minzheng.Invalid("signed", "入户调查表须由调查人员和申请人签字")
		}
	case Opinion:
		if o := in.Text("opinion"); o != "agree" && o != "disagree" {
			return minzheng.Invalid("opinion", "初审意见应为 agree（同意）或 disagree（不同意）")
		}
	case PostNotice:
		if !f.Notice {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: f.Title + "不公示，以保护当事人隐私"}
		}
		if c.VerifyResult == "fail" {
			// 公示 is of a proposed approval; a failed check first goes
			// back to the applicant (第18条).
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "经济状况核对未通过，不能公示；应告知申请人，有异议并提供证据的复查后重新录入核对结果（《最低生活保障审核确认办法》第18条）"}
		}
		c.NoticeFrom = today
	case CloseNotice:
		// 公示 is 7 days (天, not working days).
		end := c.NoticeFrom.AddDays(ctx.Settings.NoticeDays)
		if today < end {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("公示自 %s 起 %d 天，%s 期满后方可结束", c.NoticeFrom, ctx.Settings.NoticeDays, end)}
		}
	case Approve, Reject:
		if s.Action == Reject && c.State == Reviewed && c.VerifyResult != "fail" {
			// Without a 公示 only a refusal on a failed check (第18条):
			// any other decision is made on the notice's outcome (第19条).
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "经济状况核对已通过，应先公示初审意见，公示期满后再作决定（《最低生活保障审核确认办法》第19、20条）"}
		}
		if s.Action == Approve && c.VerifyResult == "fail" {
			// 第18条: a failed check is told to the applicant; only a
			// re-check that passes (after his objection) lets the case on.
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "经济状况核对未通过，不能批准；申请人有异议并提供证据的，应复查后重新录入核对结果（《最低生活保障审核确认办法》第18条）"}
		}
		if ctx.Decide == nil {
			return fmt.Errorf("casework: no rules engine for the decision")
		}
		d, err := ctx.Decide(today)
		if err != nil {
			return err
		}
		if s.Action == Approve && !d.IsEligible() {
			why := "规则测算不符合条件"
			if len(d.Missing) > 0 {
				why = "缺少认定所需信息：" + strings.Join(d.Missing, "、")
			}
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "不能批准：" + why + "。请补充家庭信息后重新测算，或作出不予批准的决定"}
		}
		c.Decision = &d
	case Extend:
		if c.Extended {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: "办理时限已延长过一次"}
		}
		d, prov, err := addWorkdays(ctx.Calendar, c.AcceptedOn, ctx.Settings.ExtendedDays+c.SuspendedDays)
		if err != nil {
			return err
		}
		c.Deadline, c.Extended, c.Provisional = d, true, c.Provisional || prov
	case Investigate:
		return checkInvestigation(in)
	case DisabilityReview:
		if o := in.Text("opinion"); o != "agree" && o != "disagree" {
			return minzheng.Invalid("opinion", "残联审核意见应为 agree（同意）或 disagree（不同意）")
		}
	case Advance:
		return checkAdvance(in, ctx)
	case SpecialReview:
		return checkSpecialReview(ctx, today)
	}
	// 临时救助: approving and refusing need the authority for the amount
	// the rules engine has just given (c.Decision, set above).
	if f.AuthorityTiers && (s.Action == Approve || s.Action == Reject) {
		return checkAuthority(c, s.Action, auth.Role(ctx.Actor.Role))
	}
	return nil
}
