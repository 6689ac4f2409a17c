package casework

import (
	"fmt"

	"minzheng"
)

// Suspending the clock: while the office waits for the applicant (材料补正,
// 配合调查), the statutory days do not run. The time stopped is recorded by
// the suspend and resume events, and resuming moves the overall and the
// step deadline by the working days that passed.
const (
	Suspend Action = "suspend"
	Resume  Action = "resume"
	// Note is a note on the case's record — a call made, a paper seen —
	// in any state, decided or not: it changes nothing of the case.
	Note Action = "note"
)

// addSuspension gives every flow the two rows, in the states where its
// clock runs.
func addSuspension(f *Flow) {
	var running []State
	for _, st := range f.States() {
		if st != Applied && st != Incomplete && !st.Final() {
			running = append(running, st)
		}
	}
	f.Steps = append(f.Steps,
		Step{From: running, Action: Suspend, Title: "中止计时（等待申请人）", Roles: townCounty,
			Fields: []Field{text("reason", "中止的原因")}, KeepClock: true, Cite: "办理时限不含等待申请人补正、配合的时间"},
		Step{From: running, Action: Resume, Title: "恢复计时", Roles: townCounty, KeepClock: true},
		Step{From: f.States(), Action: Note, Title: "记录办理情况", Roles: field, KeepClock: true, Fields: []Field{text("note", "记录内容")}})
}

// registerFlow makes f the flow of its programme, with the rows every flow
// shares.
func registerFlow(f *Flow) {
	addSuspension(f)
	flows[f.Program] = f
}

// suspension is the guard of Suspend and Resume.
func suspension(a Action, c *Case, ctx Context, today minzheng.Date) error {
	if a == Suspend {
		if c.SuspendedOn != 0 {
			return &minzheng.Error{Code: minzheng.CodeConflict, Message: fmt.Sprintf("已于 %s 中止计时", c.SuspendedOn)}
		}
		c.SuspendedOn = today
		return nil
	}
	if c.SuspendedOn == 0 {
		return &minzheng.Error{Code: minzheng.CodeConflict, Message: "计时没有中止，无需恢复"}
	}
	lost, _, err := countWorkdays(ctx.Calendar, c.SuspendedOn, today)
	if err != nil {
		return err
	}
	c.SuspendedOn = 0
	c.SuspendedDays += lost
	if lost == 0 {
		return nil
	}
	for _, d := range []*minzheng.Date{&c.Deadline, &c.StepDeadline} {
		if *d == 0 {
			continue
		}
		moved, prov, err := addWorkdays(ctx.Calendar, *d, lost)
		if err != nil {
			return err
		}
		*d, c.Provisional = moved, c.Provisional || prov
	}
	return nil
}
