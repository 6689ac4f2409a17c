// Package casework is the daily work of the offices (DESIGN.md §6): a case
// is one application (or review, change, exit) for one programme by one
// household or person, and its life is a state machine written as a table.
// Each row says from which state which action leads where, who may take it
// (roles, or whoever holds the decision power in the region), what it needs,
// and what clock it starts. Nothing moves a case except a row of the table
// (《低保办法》第28条: no enrolment without acceptance, investigation and
// decision).
//
// The package is pure: the store gives it the case, the calendar and the
// region's settings, and records the event it returns.
package casework

import (
	"sort"
	"strings"

	"minzheng/auth"
)

// State is where a case stands.
type State string

// Action is what moves it.
type Action string

// States shared by the flows.
const (
	Applied    State = "applied"    // 已申请: recorded, not yet accepted
	Incomplete State = "incomplete" // 待补正: told at once everything missing (一次性告知)
	Accepted   State = "accepted"   // 已受理: the statutory clock runs
	Verifying  State = "verifying"  // 核对中: economic verification requested
	Verified   State = "verified"   // 已核对
	Visited    State = "visited"    // 已入户调查
	Reviewed   State = "reviewed"   // 已初审: the township's opinion
	Noticing   State = "noticing"   // 公示中 (7 days)
	Noticed    State = "noticed"    // 公示期满: ready for the decision
	Approved   State = "approved"   // 已批准
	Rejected   State = "rejected"   // 不予批准
	Withdrawn  State = "withdrawn"  // 已撤回
	Terminated State = "terminated" // 终止审核确认 (第29条)
)

// StateNames are the states in Chinese.
var StateNames = map[State]string{
	Applied: "已申请", Incomplete: "待补正材料", Accepted: "已受理", Verifying: "经济状况核对中", Verified: "已核对",
	Visited: "已入户调查", Reviewed: "已初审", Noticing: "公示中", Noticed: "公示期满", Approved: "已批准",
	Rejected: "不予批准", Withdrawn: "已撤回", Terminated: "已终止",
}

// Final reports whether nothing can follow the state.
func (s State) Final() bool {
	return s == Approved || s == Rejected || s == Withdrawn || s == Terminated || s == Continued || s == Stopped || s == PhasingOut
}

// Field is an input an action needs.
type Field struct {
	Name     string `json:"name"`
	Title    string `json:"title"`
	Kind     string `json:"kind"` // text, list (of text), bool, fen
	Required bool   `json:"required"`
}

// Step is one row of a flow's table.
type Step struct {
	From   []State // the states it may be taken in
	Action Action
	Next   State  // "" keeps the state (extend, note)
	Title  string // Chinese, as on the button
	Roles  []auth.Role
	// Decider adds the role that holds the decision power in the region:
	// the county, or the township where the region delegates it.
	Decider bool
	Fields  []Field
	// Clock says what the step starts: the statutory clock (acceptance),
	// a step limit in working days, or in hours.
	StartsClock  bool
	StepWorkdays int    // the next step is due within this many working days
	StepHours    int    // … or hours (emergencies)
	StepDays     int    // … or calendar days (公示, 7 天)
	StepNote     string // what the step limit is, for the page
	Cite         string // the article behind the step
	// HoursFrom reads the hour limit from the region's settings (急难型
	// 临时救助: the region's own hours, 青海 12, 济南 24); when it gives
	// more than 0 it replaces StepHours.
	HoursFrom func(Settings) int `json:"-"`
	// KeepClock leaves the running step limit as it is: the step is part
	// of a stage whose limit an earlier step set (特困: the data check and
	// the investigation both fall within the 15 working days to the
	// township's opinion).
	KeepClock bool
}

// hours is the step's hour limit under the settings (0: none).
func (s *Step) hours(set Settings) int {
	if s.HoursFrom != nil {
		if h := s.HoursFrom(set); h > 0 {
			return h
		}
	}
	return s.StepHours
}

// Flow is a programme's table.
type Flow struct {
	Program string
	Title   string
	Steps   []Step
	Kind    string // "" for most; 临时救助: emergency or expenditure (see FlowFor)
	// Notice says whether the flow has public notices (children's cases
	// have none, to protect them).
	Notice bool
	// AuthorityTiers says approving and refusing need the authority the
	// rules engine's Decision names for the amount (临时救助: township,
	// county, or special_review, 一事一议), not only the role in the table.
	AuthorityTiers bool
	// StageLimits says the programme's rules set limits per stage and no
	// overall one (特困: 15 working days to the township's opinion, 15 more
	// for the county from the materials; children's cases alike): the
	// case's Deadline then follows the limit of the stage it is in, so a
	// lawful objection and re-notice do not show the case overdue. Without
	// it, Deadline is the region's overall limit from acceptance.
	StageLimits bool
}

// Actions lists every action of the flow, in table order.
func (f *Flow) Actions() []Action {
	var out []Action
	seen := map[Action]bool{}
	for _, s := range f.Steps {
		if !seen[s.Action] {
			seen[s.Action] = true
			out = append(out, s.Action)
		}
	}
	return out
}

// States lists every state of the flow.
func (f *Flow) States() []State {
	seen := map[State]bool{Applied: true}
	out := []State{Applied}
	add := func(s State) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range f.Steps {
		for _, from := range s.From {
			add(from)
		}
		add(s.Next)
	}
	return out
}

// step finds the row for action from state.
func (f *Flow) step(from State, a Action) (*Step, bool) {
	for i := range f.Steps {
		s := &f.Steps[i]
		if s.Action == a && hasState(s.From, from) {
			return s, true
		}
	}
	return nil, false
}

func hasState(list []State, s State) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// may reports whether role may take the step where decider is the region's
// deciding role.
func (s *Step) may(role auth.Role, decider auth.Role) bool {
	for _, r := range s.Roles {
		if r == role {
			return true
		}
	}
	return s.Decider && role == decider
}

// mayEver reports whether role may take action anywhere in the flow.
func (f *Flow) mayEver(role auth.Role, a Action, decider auth.Role) bool {
	for i := range f.Steps {
		if f.Steps[i].Action == a && f.Steps[i].may(role, decider) {
			return true
		}
	}
	return false
}

// has reports whether the flow knows the action.
func (f *Flow) has(a Action) bool {
	for _, s := range f.Steps {
		if s.Action == a {
			return true
		}
	}
	return false
}

// Allowed lists the actions role may take in state, sorted.
func (f *Flow) Allowed(state State, role auth.Role, decider auth.Role) []Action {
	var out []Action
	for i := range f.Steps {
		s := &f.Steps[i]
		if hasState(s.From, state) && s.may(role, decider) && !containsAction(out, s.Action) {
			out = append(out, s.Action)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func containsAction(list []Action, a Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func actionList(list []Action) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = string(a)
	}
	return strings.Join(s, "、")
}

var flows = map[string]*Flow{}

// kinds are the further flows of a programme, by kind (临时救助 急难型).
var kinds = map[string]map[string]*Flow{}

// FlowOf is the flow of a programme (for 临时救助, the ordinary one:
// 支出型).
func FlowOf(program string) (*Flow, bool) {
	f, ok := flows[program]
	return f, ok
}

// FlowFor is the flow of a programme for a kind of application — the
// programme's own variant, not Case.Kind (application, review …): for
// "linshi", kind "emergency" is 急难型 and "expenditure" 支出型; any other
// kind (or "") is the programme's flow as FlowOf gives it.
func FlowFor(program, kind string) (*Flow, bool) {
	if f, ok := kinds[program][kind]; ok {
		return f, true
	}
	return FlowOf(program)
}

// registerKind adds a further flow of a programme.
func registerKind(f *Flow) {
	if flows[f.Program] != f {
		addSuspension(f) // the programme's main flow has them already
	}
	if kinds[f.Program] == nil {
		kinds[f.Program] = map[string]*Flow{}
	}
	kinds[f.Program][f.Kind] = f
}

// Programs lists the programmes with a flow.
func Programs() []string {
	var out []string
	for p := range flows {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// AllFlows lists every flow: each programme's, then the further kinds
// (急难型, reviews, changes), in a fixed order.
func AllFlows() []*Flow {
	var out []*Flow
	for _, p := range Programs() {
		out = append(out, flows[p])
		var ks []string
		for k := range kinds[p] {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			if f := kinds[p][k]; f != flows[p] {
				out = append(out, f)
			}
		}
	}
	return out
}
