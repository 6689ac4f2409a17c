package casework

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/policy"
)

var allRoles = []auth.Role{auth.RoleVillageClerk, auth.RoleTownshipOfficer, auth.RoleCountyOfficer, auth.RoleCityOfficer,
	auth.RoleProvinceOfficer, auth.RoleAuditor, auth.RoleAdmin}

func testCalendar(t *testing.T) *calendar.Calendar {
	t.Helper()
	b, err := calendar.NewBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	return b.Calendar()
}

func ctxFor(t *testing.T, role auth.Role, now time.Time, delegated bool) Context {
	return Context{Actor: minzheng.Actor{UserID: 1, Username: string(role), Role: string(role), Region: "370614107000"}, Now: now,
		Calendar: testCalendar(t), Settings: Settings{Delegated: delegated, LimitWorkdays: 30, ExtendedDays: 45, NoticeDays: 7, TownshipMaxFen: 500000},
		Decide: func(day minzheng.Date) (policy.Decision, error) {
			yes := true
			return policy.Decision{Program: "dibao", Date: day, Eligible: &yes, AmountFen: 50000, Period: "month"}, nil
		}}
}

func fields(t *testing.T, kv map[string]any) Input {
	in := Input{}
	for k, v := range kv {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		in[k] = b
	}
	return in
}

// TestEveryStepOutsideTheTableIsRefused walks every state, action and role:
// what the table does not allow is refused — forbidden for a role that may
// never take the action, conflict for one the state does not allow — and
// the case is left as it was.
func TestEveryStepOutsideTheTableIsRefused(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, minzheng.China)
	for _, f := range allFlows() {
		prog := f.Program + "/" + f.Kind
		for _, delegated := range []bool{false, true} {
			for _, st := range f.States() {
				for _, a := range f.Actions() {
					for _, role := range allRoles {
						ctx := ctxFor(t, role, now, delegated)
						c := Case{Program: f.Program, State: st, NoticeFrom: minzheng.DateOf(now).AddDays(-10), AcceptedOn: minzheng.DateOf(now).AddDays(-3)}
						before := c
						s, inTable := f.step(st, a)
						allowed := inTable && s.may(role, ctx.Settings.Decider())
						_, err := Apply(f, &c, a, Input{}, ctx)
						if allowed {
							continue // needs its fields: the flow tests take those
						}
						code := minzheng.ErrorCode(err)
						switch {
						case !f.mayEver(role, a, ctx.Settings.Decider()) && code != minzheng.CodeForbidden,
							f.mayEver(role, a, ctx.Settings.Decider()) && code != minzheng.CodeConflict:
							t.Fatalf("%s %s: %s by %s (delegated %v): %v", prog, st, a, role, delegated, err)
						}
						if c != before {
							t.Fatalf("%s %s: refused %s changed the case", prog, st, a)
						}
					}
				}
			}
		}
	}
}

func TestUnknownAction(t *testing.T) {
	c := Case{Program: "dibao", State: Applied}
	_, err := Apply(dibaoFlow, &c, "bribe", Input{}, ctxFor(t, auth.RoleCountyOfficer, time.Now(), false))
	var e *minzheng.Error
	if !errors.As(err, &e) || e.Code != minzheng.CodeInvalid || e.Field != "action" {
		t.Fatalf("unknown action: %v", err)
	}
}

// TestDibaoFlow walks one application from acceptance to approval on the
// statutory clock of 2025 (Qingming 4–6 April, Labour Day 1–5 May).
func TestDibaoFlow(t *testing.T) {
	day := func(s string) time.Time {
		d, _ := minzheng.ParseDate(s)
		y, m, dd := d.YMD()
		return time.Date(y, m, dd, 10, 0, 0, 0, minzheng.China)
	}
	c := Case{Program: "dibao", State: Applied}
	step := func(role auth.Role, at string, a Action, kv map[string]any, want State) {
		t.Helper()
		if _, err := Apply(dibaoFlow, &c, a, fields(t, kv), ctxFor(t, role, day(at), false)); err != nil {
			t.Fatalf("%s by %s on %s: %v", a, role, at, err)
		}
		if c.State != want {
			t.Fatalf("after %s: %s, want %s", a, c.State, want)
		}
	}
	step(auth.RoleTownshipOfficer, "2025-04-01", Accept, nil, Accepted)
	// 30 working days from 1 April 2025, over Qingming (4 April) and Labour Day (1–5 May, with 27 April worked).
	if c.Deadline.String() != "2025-05-16" {
		t.Errorf("deadline %s, want 2025-05-16", c.Deadline)
	}
	if c.StepDeadline.String() != "2025-04-07" {
		t.Errorf("step deadline %s, want 2025-04-07 (3 working days, Qingming off)", c.StepDeadline)
	}
	step(auth.RoleTownshipOfficer, "2025-04-02", RequestVerify, nil, Verifying)
	step(auth.RoleCountyOfficer, "2025-04-08", RecordVerify, map[string]any{"result": "pass"}, Verified)
	// One investigator is not enough (第16条).
	_, err := Apply(dibaoFlow, &c, HomeVisit, fields(t, map[string]any{"investigators": []string{"王"}, "signed": true}), ctxFor(t, auth.RoleVillageClerk, day("2025-04-09"), false))
	if minzheng.ErrorCode(err) != minzheng.CodeInvalid {
		t.Fatalf("one investigator: %v", err)
	}
	_, err = Apply(dibaoFlow, &c, HomeVisit, fields(t, map[string]any{"investigators": []string{"王明", " 王明 "}, "signed": true}), ctxFor(t, auth.RoleVillageClerk, day("2025-04-09"), false))
	if minzheng.ErrorCode(err) != minzheng.CodeInvalid {
		t.Fatalf("the same investigator twice: %v", err)
	}
	step(auth.RoleVillageClerk, "2025-04-09", HomeVisit, map[string]any{"investigators": []string{"王", "李"}, "signed": true}, Visited)
	step(auth.RoleTownshipOfficer, "2025-04-10", Opinion, map[string]any{"opinion": "agree"}, Reviewed)
	step(auth.RoleTownshipOfficer, "2025-04-10", PostNotice, nil, Noticing)
	// The notice runs 7 days: closing it early is refused.
	if _, err := Apply(dibaoFlow, &c, CloseNotice, Input{}, ctxFor(t, auth.RoleTownshipOfficer, day("2025-04-16"), false)); minzheng.ErrorCode(err) != minzheng.CodeConflict {
		t.Fatalf("closing the notice after 6 days: %v", err)
	}
	step(auth.RoleTownshipOfficer, "2025-04-17", CloseNotice, nil, Noticed)
	// The township may not decide where the county holds the power.
	if _, err := Apply(dibaoFlow, &c, Approve, Input{}, ctxFor(t, auth.RoleTownshipOfficer, day("2025-04-18"), false)); minzheng.ErrorCode(err) != minzheng.CodeForbidden {
		t.Fatalf("township approving undelegated: %v", err)
	}
	step(auth.RoleCountyOfficer, "2025-04-18", Approve, nil, Approved)
	if c.Decision == nil || c.Decision.AmountFen != 50000 {
		t.Fatalf("the decision was not stored: %+v", c.Decision)
	}
	if c.StepDeadline != 0 || c.Version != 8 {
		t.Errorf("after approval: step deadline %s, version %d", c.StepDeadline, c.Version)
	}
	// Nothing follows a decision.
	if _, err := Apply(dibaoFlow, &c, Withdraw, Input{}, ctxFor(t, auth.RoleCountyOfficer, day("2025-04-19"), false)); minzheng.ErrorCode(err) != minzheng.CodeConflict {
		t.Fatalf("withdrawing an approved case: %v", err)
	}
}

func TestDelegatedDecisionAndExtension(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, minzheng.China)
	c := Case{Program: "dibao", State: Noticed, AcceptedOn: minzheng.NewDate(2025, 3, 3)}
	if _, err := Apply(dibaoFlow, &c, Extend, fields(t, map[string]any{"reason": "需补充核对"}), ctxFor(t, auth.RoleCountyOfficer, now, true)); err != nil {
		t.Fatal(err)
	}
	if !c.Extended || c.Deadline.String() != "2025-05-08" {
		t.Errorf("extended to %s, want 45 working days: 2025-05-08", c.Deadline)
	}
	if _, err := Apply(dibaoFlow, &c, Extend, fields(t, map[string]any{"reason": "再延"}), ctxFor(t, auth.RoleCountyOfficer, now, true)); minzheng.ErrorCode(err) != minzheng.CodeConflict {
		t.Fatalf("a second extension: %v", err)
	}
	// Delegated: the township decides; a refusal needs its reasons.
	if _, err := Apply(dibaoFlow, &c, Reject, Input{}, ctxFor(t, auth.RoleTownshipOfficer, now, true)); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
		t.Fatalf("a refusal without reasons: %v", err)
	}
	if _, err := Apply(dibaoFlow, &c, Reject, fields(t, map[string]any{"reason": "家庭收入超过标准"}), ctxFor(t, auth.RoleTownshipOfficer, now, true)); err != nil || c.State != Rejected {
		t.Fatalf("delegated refusal: %v %s", err, c.State)
	}
}

func TestTimeLeft(t *testing.T) {
	for n, want := range map[int]string{3: "剩余 3 个工作日", 0: "今日到期", -2: "已超期 2 个工作日"} {
		if got := TimeLeft(n); got != want {
			t.Errorf("TimeLeft(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSettingsOfTheSeedRegions(t *testing.T) {
	b := policy.BuiltinBook()
	day := minzheng.NewDate(2025, 6, 1)
	cases := []struct {
		name, region string
		delegated    bool
		limit, aid   int
	}{
		{"蓬莱县级审批，30个工作日", "370614107201", false, 30, 24},
		{"天宁下放街道", "320402001001", true, 30, 24},
		{"济南15个工作日", "370102001001", false, 15, 24},
		{"青海下放乡镇，急难24小时", "632724100200", true, 30, 24},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := SettingsFor(b, c.region, "dibao", day)
			if err != nil {
				t.Fatal(err)
			}
			if s.Delegated != c.delegated || s.LimitWorkdays != c.limit || s.EmergencyAidHours != c.aid || s.NoticeDays != 7 || s.ExtendedDays != 45 {
				t.Errorf("settings %+v", s)
			}
		})
	}
}

// TestSuspension: waiting for the applicant stops the clock; resuming moves
// the deadlines by the working days lost. Every flow has the two rows.
func TestSuspension(t *testing.T) {
	for _, p := range Programs() {
		f, _ := FlowOf(p)
		if !f.has(Suspend) || !f.has(Resume) {
			t.Errorf("%s has no suspension", p)
		}
	}
	if f, _ := FlowFor("linshi", "emergency"); !f.has(Suspend) {
		t.Error("the emergency flow has no suspension")
	}
	at := func(s string) time.Time {
		d, _ := minzheng.ParseDate(s)
		y, m, dd := d.YMD()
		return time.Date(y, m, dd, 10, 0, 0, 0, minzheng.China)
	}
	c := Case{Program: "dibao", State: Applied}
	if _, err := Apply(dibaoFlow, &c, Accept, Input{}, ctxFor(t, auth.RoleTownshipOfficer, at("2025-06-02"), false)); err != nil {
		t.Fatal(err)
	}
	deadline := c.Deadline
	if _, err := Apply(dibaoFlow, &c, Suspend, fields(t, map[string]any{"reason": "等待申请人补交收入证明"}), ctxFor(t, auth.RoleTownshipOfficer, at("2025-06-03"), false)); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(dibaoFlow, &c, Suspend, fields(t, map[string]any{"reason": "再次"}), ctxFor(t, auth.RoleTownshipOfficer, at("2025-06-04"), false)); minzheng.ErrorCode(err) != minzheng.CodeConflict {
		t.Fatalf("suspending twice: %v", err)
	}
	// Resumed a week later (5 working days: 4–10 June 2025, no holiday).
	if _, err := Apply(dibaoFlow, &c, Resume, Input{}, ctxFor(t, auth.RoleTownshipOfficer, at("2025-06-10"), false)); err != nil {
		t.Fatal(err)
	}
	want, _, _ := testCalendar(t).AddWorkdays(deadline, 5)
	if c.Deadline != want || c.SuspendedOn != 0 {
		t.Errorf("deadline %s → %s, want %s", deadline, c.Deadline, want)
	}
}

// TestWorkdaysLeftIntoAYearWithoutData: a deadline in a year whose holidays
// are not yet published is counted on weekends alone, provisionally — the
// worklist in late November must not fail.
func TestWorkdaysLeftIntoAYearWithoutData(t *testing.T) {
	cal := testCalendar(t)
	c := Case{State: Accepted}
	var prov bool
	var err error
	c.Deadline, prov, err = cal.AddWorkdays(minzheng.NewDate(2026, 11, 23), 30)
	if err != nil || !prov || c.Deadline.Year() != 2027 {
		t.Fatalf("deadline %s provisional %v: %v", c.Deadline, prov, err)
	}
	n, prov, err := c.WorkdaysLeft(cal, minzheng.NewDate(2026, 11, 23))
	if err != nil || n != 30 || !prov {
		t.Fatalf("left %d provisional %v: %v", n, prov, err)
	}
	n, _, err = c.WorkdaysLeft(cal, c.Deadline.AddDays(7))
	if err != nil || n != -5 {
		t.Fatalf("a week overdue: %d, %v", n, err)
	}
	// Within a year with data the count is the calendar's.
	c.Deadline = minzheng.NewDate(2025, 5, 16)
	if n, prov, err := c.WorkdaysLeft(cal, minzheng.NewDate(2025, 4, 1)); err != nil || n != 30 || prov {
		t.Fatalf("1 April to 16 May 2025: %d %v %v", n, prov, err)
	}
}

// TestAcceptedInAYearWithoutData: accepted on a day of a year whose
// holidays are not yet entered, the case still gets a deadline, provisional.
func TestAcceptedInAYearWithoutData(t *testing.T) {
	c := Case{Program: "dibao", State: Applied}
	if _, err := Apply(dibaoFlow, &c, Accept, Input{}, ctxFor(t, auth.RoleTownshipOfficer, time.Date(2027, 1, 4, 9, 0, 0, 0, minzheng.China), false)); err != nil {
		t.Fatal(err)
	}
	if !c.Provisional || c.Deadline.String() != "2027-02-15" {
		t.Errorf("deadline %s provisional %v, want 2027-02-15 on weekends alone", c.Deadline, c.Provisional)
	}
}

func TestDelegationIsPerProgramme(t *testing.T) {
	s, err := SettingsFor(policy.BuiltinBook(), "632724100200", "tekun", minzheng.NewDate(2025, 6, 1))
	if err != nil || s.Delegated {
		t.Fatalf("青海 delegates 低保, not 特困: %+v %v", s, err)
	}
}

// TestFailedVerificationBlocksApproval: 第18条 — a failed check stops the
// approval until a re-check passes.
func TestFailedVerificationBlocksApproval(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, minzheng.China)
	c := Case{Program: "dibao", State: Noticed, VerifyResult: "fail"}
	if _, err := Apply(dibaoFlow, &c, Approve, Input{}, ctxFor(t, auth.RoleCountyOfficer, now, false)); minzheng.ErrorCode(err) != minzheng.CodeConflict {
		t.Fatalf("approving after a failed check: %v", err)
	}
	if _, err := Apply(dibaoFlow, &c, RecordVerify, fields(t, map[string]any{"result": "pass", "note": "复查：收入证明有误"}), ctxFor(t, auth.RoleCountyOfficer, now, false)); err != nil || c.State != Noticed {
		t.Fatalf("re-check: %v %s", err, c.State)
	}
	if _, err := Apply(dibaoFlow, &c, Approve, Input{}, ctxFor(t, auth.RoleCountyOfficer, now, false)); err != nil {
		t.Fatalf("approving after the re-check passed: %v", err)
	}
}

// TestRefusalNotice: a refusal's written reasons are due within 3 working
// days (第21条), recorded once when delivered.
func TestRefusalNotice(t *testing.T) {
	now := time.Date(2025, 4, 3, 10, 0, 0, 0, minzheng.China) // Thursday before Qingming
	c := Case{Program: "dibao", State: Noticed}
	if _, err := Apply(dibaoFlow, &c, Reject, fields(t, map[string]any{"reason": "收入超过标准"}), ctxFor(t, auth.RoleCountyOfficer, now, false)); err != nil {
		t.Fatal(err)
	}
	if c.StepDeadline.String() != "2025-04-09" {
		t.Errorf("notice due %s, want 2025-04-09 (3 working days over Qingming)", c.StepDeadline)
	}
	if _, err := Apply(dibaoFlow, &c, NotifyRefusal, Input{}, ctxFor(t, auth.RoleTownshipOfficer, now.Add(24*time.Hour), false)); err != nil || c.StepDeadline != 0 || c.State != Rejected {
		t.Fatalf("delivered: %v %s %s", err, c.StepDeadline, c.State)
	}
	if _, err := Apply(dibaoFlow, &c, NotifyRefusal, Input{}, ctxFor(t, auth.RoleTownshipOfficer, now.Add(48*time.Hour), false)); minzheng.ErrorCode(err) != minzheng.CodeConflict {
		t.Fatalf("delivered twice: %v", err)
	}
}
