package casework

import (
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/policy"
)

// allFlows is every flow: one per programme, and the further kinds
// (临时救助 急难型).
func allFlows() []*Flow {
	var out []*Flow
	for _, p := range Programs() {
		f, _ := FlowOf(p)
		out = append(out, f)
	}
	for _, byKind := range kinds {
		for _, f := range byKind {
			if flows[f.Program] != f {
				out = append(out, f)
			}
		}
	}
	return out
}

func at(s string, hour int) time.Time {
	d, err := minzheng.ParseDate(s)
	if err != nil {
		panic(err)
	}
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, hour, 0, 0, 0, minzheng.China)
}

// decision is a fake rules engine's answer: eligible, with the amount and
// the authority tier given.
func decision(program string, amount minzheng.Fen, authority string) func(minzheng.Date) (policy.Decision, error) {
	return func(day minzheng.Date) (policy.Decision, error) {
		yes := true
		return policy.Decision{Program: program, Date: day, Eligible: &yes, AmountFen: amount, Period: "month", Authority: authority}, nil
	}
}

// walker applies actions to one case and fails the test on a refusal.
type walker struct {
	t      *testing.T
	f      *Flow
	c      Case
	set    Settings
	decide func(minzheng.Date) (policy.Decision, error)
}

func newWalker(t *testing.T, f *Flow) *walker {
	return &walker{t: t, f: f, c: Case{Program: f.Program, State: Applied},
		set: Settings{LimitWorkdays: 30, ExtendedDays: 45, NoticeDays: 7, TownshipMaxFen: 500000}, decide: decision(f.Program, 50000, "")}
}

func (w *walker) ctx(role auth.Role, now time.Time) Context {
	ctx := ctxFor(w.t, role, now, w.set.Delegated)
	ctx.Settings, ctx.Decide = w.set, w.decide
	return ctx
}

func (w *walker) try(role auth.Role, now time.Time, a Action, kv map[string]any) error {
	w.t.Helper()
	_, err := Apply(w.f, &w.c, a, fields(w.t, kv), w.ctx(role, now))
	return err
}

func (w *walker) step(role auth.Role, now time.Time, a Action, kv map[string]any, want State) {
	w.t.Helper()
	if err := w.try(role, now, a, kv); err != nil {
		w.t.Fatalf("%s: %s by %s at %s: %v", w.f.Title, a, role, now.Format("2006-01-02 15:04"), err)
	}
	if w.c.State != want {
		w.t.Fatalf("%s: after %s: %s, want %s", w.f.Title, a, w.c.State, want)
	}
}

// refused checks that the action fails with code and leaves the case.
func (w *walker) refused(role auth.Role, now time.Time, a Action, kv map[string]any, code, contains string) {
	w.t.Helper()
	before := w.c
	err := w.try(role, now, a, kv)
	if minzheng.ErrorCode(err) != code {
		w.t.Fatalf("%s: %s by %s: %v, want %s", w.f.Title, a, role, err, code)
	}
	if contains != "" && !strings.Contains(err.Error(), contains) {
		w.t.Fatalf("%s: %s by %s: %q does not name %q", w.f.Title, a, role, err, contains)
	}
	if w.c != before {
		w.t.Fatalf("%s: refused %s changed the case", w.f.Title, a)
	}
}

var (
	villager = auth.RoleVillageClerk
	towner   = auth.RoleTownshipOfficer
	countier = auth.RoleCountyOfficer
)

func TestFlowsAndKinds(t *testing.T) {
	want := []string{"dibao", "disability_care", "disability_living", "distressed_child", "elderly_longevity", "elderly_poor",
		"linshi", "orphan", "tekun", "unsupported_child"}
	if got := strings.Join(Programs(), ","); got != strings.Join(want, ",") {
		t.Fatalf("programmes %s, want %s", got, strings.Join(want, ","))
	}
	if f, _ := FlowOf("linshi"); f != linshiExpenditure {
		t.Errorf("FlowOf(linshi) is %s, want the expenditure flow", f.Title)
	}
	for kind, want := range map[string]*Flow{"emergency": linshiEmergency, "expenditure": linshiExpenditure, "": linshiExpenditure, "application": linshiExpenditure} {
		if f, ok := FlowFor("linshi", kind); !ok || f != want {
			t.Errorf("FlowFor(linshi, %q) = %v", kind, f.Title)
		}
	}
	if f, ok := FlowFor("dibao", "emergency"); !ok || f != dibaoFlow {
		t.Errorf("FlowFor(dibao, emergency) is not the dibao flow")
	}
	if _, ok := FlowFor("nothing", "emergency"); ok {
		t.Errorf("FlowFor of an unknown programme found a flow")
	}
	// Every state has its Chinese name, every row a title, and only
	// flows with notices have notice actions.
	for _, f := range allFlows() {
		for _, s := range f.States() {
			if StateNames[s] == "" {
				t.Errorf("%s: state %s has no Chinese name", f.Title, s)
			}
		}
		for _, s := range f.Steps {
			if s.Title == "" || len(s.From) == 0 {
				t.Errorf("%s: row %s without a title or a state", f.Title, s.Action)
			}
		}
		if f.has(PostNotice) != f.Notice {
			t.Errorf("%s: Notice %v but post_notice row %v", f.Title, f.Notice, f.has(PostNotice))
		}
	}
}

// TestTekunFlow walks a 特困 application with an objection: 15 working days
// to the opinion, 7 days' notice, a new investigation and opinion within 15
// working days, the county's review with its spot-check record, then the
// decision within 15 working days (2025: Qingming 4 April, Labour Day
// 1–5 May with 27 April worked).
func TestTekunFlow(t *testing.T) {
	w := newWalker(t, tekunFlow)
	w.decide = decision("tekun", 140200, "")
	w.step(towner, at("2025-04-01", 10), Accept, nil, Accepted)
	if w.c.StepDeadline.String() != "2025-04-23" || w.c.Deadline != w.c.StepDeadline || w.c.AcceptedOn.String() != "2025-04-01" {
		t.Fatalf("after acceptance: step %s, deadline %s; want the opinion due 2025-04-23 (15 working days)", w.c.StepDeadline, w.c.Deadline)
	}
	// The data check and the investigation fall within the 15 days.
	w.step(towner, at("2025-04-02", 10), RequestVerify, nil, Verifying)
	w.step(countier, at("2025-04-07", 10), RecordVerify, map[string]any{"result": "pass"}, Verified)
	w.refused(villager, at("2025-04-08", 10), Investigate, map[string]any{"methods": []string{"guessing"}, "note": "x"}, minzheng.CodeInvalid, "")
	w.step(villager, at("2025-04-08", 10), Investigate, map[string]any{"methods": []string{"home_visit", "neighbours"}, "note": "无劳动能力，无生活来源"}, Investigated)
	if w.c.StepDeadline.String() != "2025-04-23" {
		t.Fatalf("the investigation moved the opinion's deadline to %s", w.c.StepDeadline)
	}
	w.step(towner, at("2025-04-10", 10), Opinion, map[string]any{"opinion": "agree"}, Reviewed)
	w.step(towner, at("2025-04-10", 10), PostNotice, nil, Noticing)
	// An objection: a new investigation and opinion within 15 working days.
	w.step(villager, at("2025-04-14", 10), Object, map[string]any{"objection": "申请人有子女在外务工"}, Verified)
	if w.c.StepDeadline.String() != "2025-05-07" || w.c.Deadline != w.c.StepDeadline {
		t.Fatalf("after the objection: step %s, deadline %s; want 2025-05-07 (27 April worked)", w.c.StepDeadline, w.c.Deadline)
	}
	w.step(villager, at("2025-04-21", 10), Investigate, map[string]any{"methods": []string{"letters"}, "note": "子女无履行义务能力"}, Investigated)
	w.step(towner, at("2025-04-22", 10), Opinion, map[string]any{"opinion": "agree"}, Reviewed)
	w.step(towner, at("2025-04-22", 10), PostNotice, nil, Noticing)
	w.refused(towner, at("2025-04-28", 10), CloseNotice, nil, minzheng.CodeConflict, "")
	w.step(towner, at("2025-04-29", 10), CloseNotice, nil, Noticed)
	// The county decides within 15 working days of the materials.
	if w.c.StepDeadline.String() != "2025-05-23" || w.c.Deadline != w.c.StepDeadline {
		t.Fatalf("county's limit: step %s, deadline %s; want 2025-05-23", w.c.StepDeadline, w.c.Deadline)
	}
	// The decision waits for the county's review and spot-check record.
	w.refused(countier, at("2025-05-06", 10), Approve, nil, minzheng.CodeConflict, "spot_check")
	w.refused(towner, at("2025-05-06", 10), SpotCheck, map[string]any{"done": true}, minzheng.CodeForbidden, "县级")
	w.refused(countier, at("2025-05-06", 10), SpotCheck, nil, minzheng.CodeInvalid, "")
	w.step(countier, at("2025-05-06", 10), SpotCheck, map[string]any{"done": true, "note": "入户抽查属实"}, Checked)
	if w.c.StepDeadline.String() != "2025-05-23" {
		t.Fatalf("the spot check moved the county's deadline to %s", w.c.StepDeadline)
	}
	w.refused(towner, at("2025-05-07", 10), Approve, nil, minzheng.CodeForbidden, "")
	w.step(countier, at("2025-05-07", 10), Approve, nil, Approved)
	if w.c.Decision == nil || w.c.Decision.AmountFen != 140200 || w.c.StepDeadline != 0 {
		t.Fatalf("after approval: %+v, step %s", w.c.Decision, w.c.StepDeadline)
	}
}

// TestTekunDelegated: where the region delegates the decision (第28条),
// the township decides; the spot check stays with the county.
func TestTekunDelegated(t *testing.T) {
	w := newWalker(t, tekunFlow)
	w.set.Delegated = true
	w.c.State = Noticed
	w.refused(towner, at("2025-05-06", 10), SpotCheck, map[string]any{"done": false}, minzheng.CodeForbidden, "")
	w.step(countier, at("2025-05-06", 10), SpotCheck, map[string]any{"done": false}, Checked)
	w.refused(towner, at("2025-05-07", 10), Reject, nil, minzheng.CodeInvalid, "")
	w.step(towner, at("2025-05-07", 10), Reject, map[string]any{"reason": "有具备履行能力的赡养人"}, Rejected)
}

// TestLinshiEmergencyHourClock: acceptance (the answer) starts the
// region's aid limit, counted in hours over a holiday (Qingming, 4 April
// 2025), not in working days; the answer limit runs from the application
// (set when the case is recorded, see AnswerHours).
func TestLinshiEmergencyHourClock(t *testing.T) {
	if AnswerHours(Settings{EmergencyAnswerHours: 12, EmergencyAidHours: 24}) != 12 || AnswerHours(Settings{EmergencyAidHours: 24}) != 24 {
		t.Error("the answer limit: the region's, else its aid limit")
	}
	for _, c := range []struct {
		name          string
		answer, aid   int
		want          time.Time
		wantStepLimit string
	}{
		{"青海：响应后 24 小时内救助", 12, 24, at("2025-04-05", 22), "2025-04-05"},
		{"济南：24 小时", 0, 24, at("2025-04-05", 22), "2025-04-05"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWalker(t, linshiEmergency)
			w.set.EmergencyAnswerHours, w.set.EmergencyAidHours = c.answer, c.aid
			w.step(towner, at("2025-04-04", 22), Accept, nil, Accepted)
			if w.c.DeadlineAt == nil || !w.c.DeadlineAt.Equal(c.want) {
				t.Fatalf("deadline_at %v, want %v", w.c.DeadlineAt, c.want)
			}
			if w.c.StepDeadline.String() != c.wantStepLimit || w.c.AcceptedOn.String() != "2025-04-04" {
				t.Fatalf("step deadline %s, accepted %s", w.c.StepDeadline, w.c.AcceptedOn)
			}
			// The advance aid stops the hour clock.
			w.step(towner, at("2025-04-05", 8), Advance, map[string]any{"amount_fen": 200000, "fund": "petty_fund"}, Advanced)
			if w.c.DeadlineAt != nil {
				t.Fatalf("after the advance aid: deadline_at %v", w.c.DeadlineAt)
			}
		})
	}
}

// TestLinshiEmergencyFlow: advance aid from the reserve fund before the
// papers, the papers after, the township approves a township-tier amount.
func TestLinshiEmergencyFlow(t *testing.T) {
	w := newWalker(t, linshiEmergency)
	w.set.EmergencyAidHours = 24
	w.decide = decision("linshi", 300000, "township")
	now := at("2025-06-03", 9)
	w.step(towner, now, Accept, nil, Accepted)
	// The papers are not needed for the advance aid, but its amount and
	// fund are.
	w.refused(towner, now, Advance, map[string]any{"amount_fen": 0, "fund": "petty_fund"}, minzheng.CodeInvalid, "")
	w.refused(towner, now, Advance, map[string]any{"amount_fen": 100000, "fund": "pocket"}, minzheng.CodeInvalid, "")
	w.refused(towner, now, Advance, map[string]any{"amount_fen": -5, "fund": "county"}, minzheng.CodeInvalid, "")
	w.refused(auth.RoleCityOfficer, now, Advance, map[string]any{"amount_fen": 100000, "fund": "county"}, minzheng.CodeForbidden, "")
	w.refused(towner, now, Approve, nil, minzheng.CodeConflict, "complete_papers")
	w.step(towner, now.Add(2*time.Hour), Advance, map[string]any{"amount_fen": 100000, "fund": "petty_fund", "note": "火灾"}, Advanced)
	// No second advance once given, none after the papers.
	w.refused(towner, now.Add(3*time.Hour), Advance, map[string]any{"amount_fen": 100000, "fund": "petty_fund"}, minzheng.CodeConflict, "")
	w.step(towner, now.AddDate(0, 0, 2), CompletePapers, map[string]any{"papers": []string{"申请书", "火灾证明"}}, PapersComplete)
	w.refused(towner, now.AddDate(0, 0, 3), Advance, map[string]any{"amount_fen": 100000, "fund": "petty_fund"}, minzheng.CodeConflict, "")
	w.step(towner, now.AddDate(0, 0, 3), Approve, nil, Approved)
	if w.c.Decision == nil || w.c.Decision.Authority != "township" || w.c.Decision.AmountFen != 300000 {
		t.Fatalf("decision %+v", w.c.Decision)
	}
}

// TestLinshiAuthority: the tiers the rules engine gives decide who may
// approve — 403 naming the level required.
func TestLinshiAuthority(t *testing.T) {
	now := at("2025-06-03", 9)
	for _, f := range []*Flow{linshiEmergency, linshiExpenditure} {
		ready := PapersComplete
		if f == linshiExpenditure {
			ready = Noticed
		}
		start := func(amount minzheng.Fen, tier string) *walker {
			w := newWalker(t, f)
			w.c.State = ready
			w.decide = decision("linshi", amount, tier)
			return w
		}
		t.Run(f.Title+" 县级权限", func(t *testing.T) {
			w := start(800000, "county")
			w.refused(towner, now, Approve, nil, minzheng.CodeForbidden, "县级民政部门审批")
			w.refused(towner, now, Reject, map[string]any{"reason": "不符合"}, minzheng.CodeForbidden, "县级民政部门审批")
			w.refused(auth.RoleCityOfficer, now, Approve, nil, minzheng.CodeForbidden, "")
			// No 一事一议 for an amount within the county's tier.
			w.refused(countier, now, SpecialReview, map[string]any{"meeting": "6月3日局务会", "conclusion": "同意"}, minzheng.CodeConflict, "无需一事一议")
			w.step(countier, now, Approve, nil, Approved)
		})
		t.Run(f.Title+" 一事一议", func(t *testing.T) {
			w := start(5000000, "special_review")
			w.refused(towner, now, Approve, nil, minzheng.CodeForbidden, "一事一议")
			// The county itself needs the meeting first.
			w.refused(countier, now, Approve, nil, minzheng.CodeConflict, "一事一议")
			w.refused(towner, now, SpecialReview, map[string]any{"meeting": "x", "conclusion": "y"}, minzheng.CodeForbidden, "")
			w.refused(countier, now, SpecialReview, map[string]any{"meeting": "6月3日局务会"}, minzheng.CodeInvalid, "")
			w.step(countier, now, SpecialReview, map[string]any{"meeting": "6月3日局务会，局长、分管副局长、救助科", "conclusion": "同意救助5万元"}, SpecialReviewed)
			w.refused(towner, now, Approve, nil, minzheng.CodeForbidden, "一事一议")
			w.step(countier, now, Approve, nil, Approved)
		})
		t.Run(f.Title+" 乡镇权限", func(t *testing.T) {
			w := start(300000, "township")
			w.step(towner, now, Approve, nil, Approved)
			w = start(300000, "township")
			w.step(countier, now, Approve, nil, Approved)
		})
	}
}

// TestLinshiExpenditureFlow: the ordinary procedure with its notice.
func TestLinshiExpenditureFlow(t *testing.T) {
	w := newWalker(t, linshiExpenditure)
	w.decide = decision("linshi", 400000, "township")
	w.step(towner, at("2025-04-01", 10), Accept, nil, Accepted)
	if w.c.Deadline.String() != "2025-05-16" || w.c.DeadlineAt != nil {
		t.Fatalf("deadline %s (want the region's 30 working days, 2025-05-16), deadline_at %v", w.c.Deadline, w.c.DeadlineAt)
	}
	w.refused(towner, at("2025-04-02", 10), Advance, nil, minzheng.CodeInvalid, "")
	w.step(towner, at("2025-04-02", 10), RequestVerify, nil, Verifying)
	w.step(countier, at("2025-04-03", 10), RecordVerify, map[string]any{"result": "pass"}, Verified)
	w.step(villager, at("2025-04-07", 10), Investigate, map[string]any{"methods": []string{"home_visit"}, "note": "住院自付 4 万元"}, Investigated)
	w.step(towner, at("2025-04-08", 10), Opinion, map[string]any{"opinion": "agree"}, Reviewed)
	w.step(towner, at("2025-04-08", 10), PostNotice, nil, Noticing)
	w.step(towner, at("2025-04-15", 10), CloseNotice, nil, Noticed)
	w.step(towner, at("2025-04-16", 10), Approve, nil, Approved)
}

// TestChildrenFlows: no public notice at all, the township's check within
// 15 working days and the county's confirmation within 15 more.
func TestChildrenFlows(t *testing.T) {
	for _, prog := range []string{"orphan", "unsupported_child", "distressed_child"} {
		t.Run(prog, func(t *testing.T) {
			f, ok := FlowOf(prog)
			if !ok {
				t.Fatal("no flow")
			}
			if f.Notice {
				t.Fatal("a children's flow with public notices")
			}
			for _, a := range f.Actions() {
				if a == PostNotice || a == Object || a == CloseNotice {
					t.Fatalf("a children's flow with the action %s", a)
				}
			}
			w := newWalker(t, f)
			w.step(towner, at("2025-04-01", 10), Accept, nil, Accepted)
			if w.c.Deadline.String() != "2025-04-23" {
				t.Fatalf("the township's check due %s, want 2025-04-23", w.c.Deadline)
			}
			// A notice is refused as an unknown action, from any state.
			w.refused(towner, at("2025-04-01", 10), PostNotice, nil, minzheng.CodeInvalid, "")
			w.step(towner, at("2025-04-02", 10), RequestVerify, nil, Verifying)
			w.step(countier, at("2025-04-03", 10), RecordVerify, map[string]any{"result": "pass"}, Verified)
			w.step(towner, at("2025-04-07", 10), Opinion, map[string]any{"opinion": "agree"}, Reviewed)
			if w.c.Deadline.String() != "2025-04-27" {
				t.Fatalf("the county's confirmation due %s, want 2025-04-27 (a Sunday worked)", w.c.Deadline)
			}
			w.refused(towner, at("2025-04-08", 10), Approve, nil, minzheng.CodeForbidden, "")
			w.step(countier, at("2025-04-08", 10), Approve, nil, Approved)
		})
	}
}

func TestSubsidyFlows(t *testing.T) {
	for _, prog := range []string{"disability_living", "disability_care", "elderly_longevity", "elderly_poor"} {
		t.Run(prog, func(t *testing.T) {
			f, _ := FlowOf(prog)
			if f.Notice || f.has(PostNotice) {
				t.Fatal("a subsidy flow with public notices")
			}
			disability := strings.HasPrefix(prog, "disability")
			if f.has(DisabilityReview) != disability {
				t.Fatalf("残联 review: %v", f.has(DisabilityReview))
			}
			w := newWalker(t, f)
			w.step(towner, at("2025-04-01", 10), Accept, nil, Accepted)
			w.step(towner, at("2025-04-02", 10), Opinion, map[string]any{"opinion": "agree"}, Reviewed)
			if disability {
				w.refused(countier, at("2025-04-03", 10), Approve, nil, minzheng.CodeConflict, "disability_review")
				w.refused(towner, at("2025-04-03", 10), DisabilityReview, map[string]any{"opinion": "agree"}, minzheng.CodeForbidden, "")
				w.refused(countier, at("2025-04-03", 10), DisabilityReview, map[string]any{"opinion": "maybe"}, minzheng.CodeInvalid, "")
				w.step(countier, at("2025-04-03", 10), DisabilityReview, map[string]any{"opinion": "agree"}, DisabilityReviewed)
			}
			w.refused(towner, at("2025-04-07", 10), Approve, nil, minzheng.CodeForbidden, "")
			w.step(countier, at("2025-04-07", 10), Approve, nil, Approved)
			if w.c.Deadline.String() != "2025-05-16" {
				t.Errorf("overall deadline %s, want the region's 30 working days", w.c.Deadline)
			}
		})
	}
}

// TestAdvanceWithinTheTownshipTier: the township's advance aid is the small
// amount within its approval tier.
func TestAdvanceWithinTheTownshipTier(t *testing.T) {
	f, _ := FlowFor("linshi", "emergency")
	c := Case{Program: "linshi", State: Applied}
	ctx := ctxFor(t, auth.RoleTownshipOfficer, time.Date(2025, 6, 3, 9, 0, 0, 0, minzheng.China), false)
	if _, err := Apply(f, &c, Accept, Input{}, ctx); err != nil {
		t.Fatal(err)
	}
	_, err := Apply(f, &c, Advance, fields(t, map[string]any{"amount_fen": 99999900, "fund": "petty_fund"}), ctx)
	if minzheng.ErrorCode(err) != minzheng.CodeConflict {
		t.Fatalf("a 999,999 元 advance by the township: %v", err)
	}
	if _, err := Apply(f, &c, Advance, fields(t, map[string]any{"amount_fen": 300000, "fund": "petty_fund"}), ctx); err != nil {
		t.Fatalf("a 3,000 元 advance: %v", err)
	}
}
