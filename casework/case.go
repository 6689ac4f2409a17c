package casework

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/policy"
)

// Case is one application (or review, change, exit) as the engine reads it.
type Case struct {
	ID          int64         `json:"id"`
	Program     string        `json:"program"`
	Kind        string        `json:"kind"` // application, review, change, exit
	HouseholdID int64         `json:"household_id"`
	Subject     string        `json:"subject,omitempty"` // the person, for person programmes (ID number, masked when shown)
	Region      string        `json:"region"`            // the household's village, 12 digits
	State       State         `json:"state"`
	AcceptedOn  minzheng.Date `json:"accepted_on"`
	// Deadline is the overall statutory date (null before acceptance);
	// StepDeadline the date the current step is due; DeadlineAt the
	// instant, for limits in hours.
	Deadline     minzheng.Date `json:"deadline"`
	StepDeadline minzheng.Date `json:"step_deadline"`
	DeadlineAt   *time.Time    `json:"deadline_at"`
	Provisional  bool          `json:"provisional"` // runs into a year without holiday data
	Extended     bool          `json:"extended"`
	NoticeFrom   minzheng.Date `json:"notice_from"`
	// SuspendedOn is set while the clock stands still, waiting for the
	// applicant; resuming moves the deadlines by the working days lost.
	SuspendedOn minzheng.Date `json:"suspended_on"`
	// SuspendedDays are the working days the clock stood still, in all; an
	// extension counts from acceptance and adds them.
	SuspendedDays int `json:"suspended_days"`
	// VerifyResult is the latest economic verification: pass or fail.
	VerifyResult string           `json:"verify_result,omitempty"`
	Decision     *policy.Decision `json:"decision"`
	CreatedAt    time.Time        `json:"created_at"`
	CreatedBy    string           `json:"created_by"`
	Version      int              `json:"version"`
}

// Input is what an action carries: its fields, by name.
type Input map[string]json.RawMessage

// Text reads a text field ("" when absent).
func (in Input) Text(name string) string {
	var s string
	if raw, ok := in[name]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return strings.TrimSpace(s)
}

// List reads a list of text.
func (in Input) List(name string) []string {
	var l []string
	if raw, ok := in[name]; ok {
		_ = json.Unmarshal(raw, &l)
	}
	var out []string
	for _, s := range l {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Bool reads a yes/no field.
func (in Input) Bool(name string) bool {
	var b bool
	if raw, ok := in[name]; ok {
		_ = json.Unmarshal(raw, &b)
	}
	return b
}

// check validates the fields against the step: each required one given,
// of its kind; no field the step does not know.
func (in Input) check(s *Step) error {
	for name, raw := range in {
		var f *Field
		for i := range s.Fields {
			if s.Fields[i].Name == name {
				f = &s.Fields[i]
			}
		}
		if f == nil {
			return minzheng.Invalid(name, "“%s”不需要填写字段 %s", s.Title, name)
		}
		var err error
		switch f.Kind {
		case "text":
			var v string
			err = json.Unmarshal(raw, &v)
		case "list":
			var v []string
			err = json.Unmarshal(raw, &v)
		case "bool":
			var v bool
			err = json.Unmarshal(raw, &v)
		case "fen":
			var v int64
			err = json.Unmarshal(raw, &v)
			if err == nil && v < 0 {
				return minzheng.Invalid(name, "%s不能为负数", f.Title)
			}
		}
		if err != nil {
			return minzheng.Invalid(name, "%s的格式不对", f.Title)
		}
	}
	for _, f := range s.Fields {
		if !f.Required {
			continue
		}
		switch f.Kind {
		case "text":
			if in.Text(f.Name) == "" {
				return minzheng.Invalid(f.Name, "请填写%s", f.Title)
			}
		case "list":
			if len(in.List(f.Name)) == 0 {
				return minzheng.Invalid(f.Name, "请填写%s", f.Title)
			}
		default:
			if _, ok := in[f.Name]; !ok {
				return minzheng.Invalid(f.Name, "请填写%s", f.Title)
			}
		}
	}
	return nil
}

// Settings are the region's casework rules (regional parameters).
type Settings struct {
	Delegated     bool // the decision is delegated to the township (放管服)
	LimitWorkdays int  // overall limit from acceptance (30; 济南 15)
	ExtendedDays  int  // when extended with a reason (45)
	NoticeDays    int  // 公示, calendar days (7)
	// Emergency (急难型) limits in hours: to answer, and to give the aid.
	EmergencyAnswerHours int
	EmergencyAidHours    int
	// TownshipMaxFen is the township's approval tier for 临时救助, also the
	// most it may give as advance aid.
	TownshipMaxFen minzheng.Fen
}

// SettingsFor reads the region's casework parameters in force on day, for
// a programme: the decision is delegated per programme (天宁 and 青海
// delegate 低保, not 特困).
func SettingsFor(b *policy.Book, region12, program string, day minzheng.Date) (Settings, error) {
	var s Settings
	num := func(name string, into *int, required bool) error {
		row := b.Row(name, region12, day)
		if row == nil {
			if required {
				return minzheng.Invalid("region", "参数 %s 在区划 %s 于 %s 没有生效值，请先在标准管理中录入", name, region12, day)
			}
			return nil
		}
		*into = int(row.Parsed().Int)
		return nil
	}
	if row := b.Row("linshi.authority.township_max", region12, day); row != nil && !row.Parsed().IsFormula() {
		s.TownshipMaxFen = row.Parsed().Fen
	}
	if row := b.Row("casework.delegated", region12, day); row != nil {
		s.Delegated = row.Parsed().Has(program)
	}
	for _, p := range []struct {
		name     string
		into     *int
		required bool
	}{{"casework.limit_workdays", &s.LimitWorkdays, true}, {"casework.extended_workdays", &s.ExtendedDays, true},
		{"casework.notice_days", &s.NoticeDays, true}, {"casework.emergency_answer_hours", &s.EmergencyAnswerHours, false},
		{"casework.emergency_aid_hours", &s.EmergencyAidHours, false}} {
		if err := num(p.name, p.into, p.required); err != nil {
			return s, err
		}
	}
	return s, nil
}

// Decider is the role that holds the decision power under the settings.
func (s Settings) Decider() auth.Role {
	if s.Delegated {
		return auth.RoleTownshipOfficer
	}
	return auth.RoleCountyOfficer
}

// Context is what an action is taken with: who, when, the calendar, the
// region's settings, and — for decisions — the rules engine's answer for
// the household as it stands.
type Context struct {
	Actor    minzheng.Actor
	Now      time.Time
	Calendar *calendar.Calendar
	Settings Settings
	// Decide evaluates the programme for the case's household on the day;
	// approve and reject store its Decision.
	Decide func(day minzheng.Date) (policy.Decision, error)
}

// Event is one recorded step of a case.
type Event struct {
	Seq    int       `json:"seq"`
	Action Action    `json:"action"`
	From   State     `json:"from"`
	To     State     `json:"to"`
	Actor  string    `json:"actor"`
	Role   auth.Role `json:"role"`
	At     time.Time `json:"at"`
	Fields Input     `json:"fields,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// Apply takes action on c for ctx.Actor: the table row that allows it, its
// fields, its guard, then the move and the clocks. c is changed only when
// the action succeeds. The refusals, in order: an action the flow does not
// know (invalid); one the actor's role may never take in this flow
// (forbidden, checked first so a role learns nothing of the state); one not
// allowed in the current state (conflict, listing those allowed).
func Apply(f *Flow, c *Case, a Action, in Input, ctx Context) (Event, error) {
	if !f.has(a) {
		return Event{}, minzheng.Invalid("action", "没有“%s”这项操作，%s的操作有：%s", a, f.Title, actionList(f.Actions()))
	}
	decider := ctx.Settings.Decider()
	role := auth.Role(ctx.Actor.Role)
	if !f.mayEver(role, a, decider) {
		return Event{}, &minzheng.Error{Code: minzheng.CodeForbidden, Message: fmt.Sprintf("“%s”须由%s办理", titleOf(f, a), whoMay(f, a, decider))}
	}
	s, ok := f.step(c.State, a)
	if !ok || !s.may(role, decider) {
		allowed := c.Narrow(f.Allowed(c.State, role, decider))
		msg := fmt.Sprintf("案件当前为“%s”，不能“%s”", StateNames[c.State], titleOf(f, a))
		if len(allowed) > 0 {
			msg += "；当前可办理：" + actionList(allowed)
		} else {
			msg += "；当前没有您可办理的操作"
		}
		return Event{}, &minzheng.Error{Code: minzheng.CodeConflict, Message: msg}
	}
	if err := in.check(s); err != nil {
		return Event{}, err
	}
	today := minzheng.DateOf(ctx.Now)
	next := *c
	if err := guard(f, s, &next, in, ctx, today); err != nil {
		return Event{}, err
	}
	from := c.State
	if s.Next != "" {
		next.State = s.Next
	}
	if err := clocks(f, s, &next, ctx, today); err != nil {
		return Event{}, err
	}
	next.Version++
	*c = next
	return Event{Action: a, From: from, To: c.State, Actor: ctx.Actor.Username, Role: role, At: ctx.Now, Fields: in}, nil
}

// Narrow drops from actions the table allows in the state those the case's
// own facts rule out: resume when the clock runs, suspend when it stands,
// a second extension, the refusal's delivery when no refusal is due.
func (c *Case) Narrow(actions []Action) []Action {
	out := make([]Action, 0, len(actions))
	for _, a := range actions {
		if (a == Resume && c.SuspendedOn == 0) || (a == Suspend && c.SuspendedOn != 0) || (a == Extend && c.Extended) ||
			(a == NotifyRefusal && c.StepDeadline == 0) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func titleOf(f *Flow, a Action) string {
	for _, s := range f.Steps {
		if s.Action == a {
			return s.Title
		}
	}
	return string(a)
}

// whoMay names the roles that may take action, for the 403 message.
func whoMay(f *Flow, a Action, decider auth.Role) string {
	var names []string
	seen := map[auth.Role]bool{}
	for _, s := range f.Steps {
		if s.Action != a {
			continue
		}
		roles := append([]auth.Role(nil), s.Roles...)
		if s.Decider {
			roles = append(roles, decider)
		}
		for _, r := range roles {
			if !seen[r] {
				seen[r] = true
				names = append(names, r.Chinese())
			}
		}
	}
	return strings.Join(names, "或")
}

// clocks sets the deadlines a step starts.
func clocks(f *Flow, s *Step, c *Case, ctx Context, today minzheng.Date) error {
	if s.StartsClock {
		c.AcceptedOn = today
		if !f.StageLimits {
			d, prov, err := addWorkdays(ctx.Calendar, today, ctx.Settings.LimitWorkdays)
			if err != nil {
				return err
			}
			// A deadline set when the case was opened (the review due within
			// three months of a death) is kept when it is the earlier.
			if c.Deadline == 0 || d < c.Deadline {
				c.Deadline, c.Provisional = d, prov
			}
		}
	}
	switch {
	case s.Action == NotifyRefusal:
		c.StepDeadline, c.DeadlineAt = 0, nil
	case s.Next == "" && s.KeepClock:
		// A step that stays in its state and keeps the clock (a note,
		// suspending): every deadline stands.
	case c.State.Final() && s.StepWorkdays == 0:
		c.StepDeadline, c.DeadlineAt = 0, nil
	case s.StepWorkdays > 0:
		d, prov, err := addWorkdays(ctx.Calendar, today, s.StepWorkdays)
		if err != nil {
			return err
		}
		c.StepDeadline = d
		c.Provisional = c.Provisional || prov
		c.DeadlineAt = nil
	case s.StepDays > 0:
		c.StepDeadline = today.AddDays(s.StepDays)
		c.DeadlineAt = nil
	case s.hours(ctx.Settings) > 0:
		at := ctx.Now.Add(time.Duration(s.hours(ctx.Settings)) * time.Hour)
		c.DeadlineAt = &at
		c.StepDeadline = minzheng.DateOf(at)
	case s.KeepClock:
	case s.Next != "":
		c.StepDeadline, c.DeadlineAt = 0, nil
	}
	if f.StageLimits && !c.State.Final() && c.StepDeadline != 0 {
		c.Deadline = c.StepDeadline
	}
	return nil
}

// WorkdaysLeft is the working days from today to the deadline (negative
// when overdue), and whether the count is provisional. It steps day by
// working day with AddWorkdays, which counts a year without holiday data
// on weekends alone (provisional), so a deadline in next year's January is
// counted before that year's holidays are published.
func (c *Case) WorkdaysLeft(cal *calendar.Calendar, today minzheng.Date) (int, bool, error) {
	if c.Deadline == 0 || c.State.Final() {
		return 0, false, nil
	}
	if today <= c.Deadline {
		return countWorkdays(cal, today, c.Deadline)
	}
	n, prov, err := countWorkdays(cal, c.Deadline, today)
	return -n, prov, err
}

// countWorkdays is the working days in (from, to], provisional where a
// year has no holiday data (then counted on weekends alone).
func countWorkdays(cal *calendar.Calendar, from, to minzheng.Date) (int, bool, error) {
	provisional := false
	for n := 1; ; n++ {
		next, prov, err := cal.AddWorkdays(from, n)
		if err != nil {
			// from itself lies in a year without data: weekends alone.
			return weekdays(from, to), true, nil
		}
		provisional = provisional || prov
		if next > to {
			return n - 1, provisional, nil
		}
	}
}

// addWorkdays is the working day n after from; where the calendar has no
// data for from's year it counts weekends alone, provisionally — a case
// accepted on a January day before that year's holidays are published
// still gets its deadline, marked provisional (DESIGN.md §8).
func addWorkdays(cal *calendar.Calendar, from minzheng.Date, n int) (minzheng.Date, bool, error) {
	d, prov, err := cal.AddWorkdays(from, n)
	if err == nil {
		return d, prov, nil
	}
	if _, ok := minzheng.AsError(err); !ok || from == 0 {
		return 0, false, err
	}
	d = from
	for n > 0 {
		d++
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d, true, nil
}

// weekdays counts Monday to Friday in (from, to].
func weekdays(from, to minzheng.Date) int {
	n := 0
	for d := from + 1; d <= to; d++ {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// TimeLeft says the time left in Chinese: "剩余 3 个工作日", "今日到期",
// "已超期 2 个工作日".
// HoursLeft says how long remains to an hour limit (急难型: "剩余 5 小时",
// "已超时 2 小时"), rounded up to the hour so that "0" never means late.
func HoursLeft(deadline, now time.Time) string {
	d := deadline.Sub(now)
	if d >= 0 {
		h := int((d + time.Hour - 1) / time.Hour)
		if h == 0 {
			return "即将到时"
		}
		return fmt.Sprintf("剩余 %d 小时", h)
	}
	return fmt.Sprintf("已超时 %d 小时", int((-d+time.Hour-1)/time.Hour))
}

func TimeLeft(n int) string {
	switch {
	case n > 0:
		return fmt.Sprintf("剩余 %d 个工作日", n)
	case n == 0:
		return "今日到期"
	}
	return fmt.Sprintf("已超期 %d 个工作日", -n)
}
