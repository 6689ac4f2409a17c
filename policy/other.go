package policy

import (
	"strconv"
	"strings"

	"minzheng/registry"
)

// Citations of 困难大学生救助 and 免费电量.
const (
	// 教育救助 for 低保 and 特困 members in higher education. The article
	// number is [memory]: 第七章 教育救助 begins at 第33条.
	citeCollege = "《社会救助暂行办法》第33条"
)

func init() {
	register(&Program{Code: "college_student", Name: "困难大学生救助", Person: true, Period: "once", rule: evalCollegeStudent})
	register(&Program{Code: "free_electricity", Name: "免费电量补贴", Period: "month", rule: evalFreeElectricity})
}

// groupNames are the groups a programme's group list may name (the codes
// of the programmes whose recipients they are), as a sentence says them.
var groupNames = map[string]string{
	"dibao":             "低保",
	"dibao_edge":        "低保边缘家庭",
	"tekun":             "特困人员救助供养",
	"orphan":            "孤儿基本生活保障",
	"unsupported_child": "事实无人抚养儿童基本生活补贴",
}

// poorGroups are the enrolments that make a household 困难 where a rule
// says so without a parameter (重点困境儿童, 低收入 elderly).
var poorGroups = Value{List: []string{"dibao", "dibao_edge", "tekun"}}

// inGroups reports which of groups (programme codes) the person or the
// household is in, by the current enrolments the request lists: the
// household's (household.benefits) and the member's own (members[i].benefits,
// where 特困, 孤儿 and 事实无人抚养 are). For a household programme (m nil)
// any member's enrolment counts: a household with a 特困 member is a 特困户.
// The first group of the list that matches is returned.
func inGroups(r *Request, m *Member, groups Value) (string, bool) {
	for _, g := range groups.List {
		if r.Household.Receives(g) {
			return g, true
		}
		if m != nil {
			if _, ok := m.Receives(g); ok {
				return g, true
			}
			continue
		}
		for i := range r.Household.Members {
			if _, ok := r.Household.Members[i].Receives(g); ok {
				return g, true
			}
		}
	}
	return "", false
}

// groupFact says who is in group g: "家庭享受低保", "本人享受特困人员救助供养".
func groupFact(r *Request, m *Member, g string) string {
	who := "家庭"
	if !r.Household.Receives(g) {
		who = "家庭成员"
		if m != nil {
			who = "本人"
		}
	}
	if g == "dibao_edge" {
		return who + "属于低保边缘家庭"
	}
	return who + "享受" + groupNames[g]
}

// groupList names the groups of a list: "低保、特困人员救助供养".
func groupList(groups Value) string {
	if len(groups.List) == 0 {
		return "本地未设定"
	}
	names := make([]string, len(groups.List))
	for i, g := range groups.List {
		names[i] = groupNames[g]
	}
	return strings.Join(names, "、")
}

// groupTest reads the list parameter param and says whether the person (m)
// or the household (m nil) is in one of its groups; what names the
// programme in the sentence. false also when the parameter has no value
// (e.err is then set).
func groupTest(r *Request, e *env, d *Decision, m *Member, param, what, citation string) bool {
	groups := e.list(param)
	if e.err != nil {
		return false
	}
	// The rule's article first: cite() then drops a national row's source
	// that only repeats its title.
	return groupSay(r, d, m, groups, what, cite(citation, e.source(param)))
}

// groupSay says whether the person (m) or the household (m nil) is in one
// of groups, citing cit.
func groupSay(r *Request, d *Decision, m *Member, groups Value, what, cit string) bool {
	if g, ok := inGroups(r, m, groups); ok {
		d.say(cit, map[string]any{"group": g, "groups": groups.List},
			"%s，在%s覆盖范围内（覆盖：%s）", groupFact(r, m, g), what, groupList(groups))
		return true
	}
	who := "家庭及家庭成员"
	if m != nil {
		who = "家庭及本人"
	}
	d.say(cit, map[string]any{"groups": groups.List},
		"%s均未享受%s覆盖的救助（覆盖：%s），不在覆盖范围内", who, what, groupList(groups))
	return false
}

// evalCollegeStudent is 困难大学生救助, a one-off grant: a member in higher
// education (schooling "higher") whose household or who himself is in one
// of the region's groups (college_student.groups: 低保, 低保边缘, 特困, 孤儿,
// 事实无人抚养). 蓬莱 links it to 低保 and grants it without application
// (联动办理, 免申即享; seed 000); the national basis is 教育救助 for 低保
// and 特困 members in 普通高等教育 (《社会救助暂行办法》第33条 [memory]).
func evalCollegeStudent(r *Request, e *env, d *Decision) {
	m, i, _ := r.subject()
	if !groupTest(r, e, d, m, "college_student.groups", "困难大学生救助", citeCollege) {
		d.decide(false)
		return
	}
	switch m.Schooling {
	case "":
		d.missing(memberField(i, "schooling"))
		return
	case "higher":
		d.say(citeCollege, map[string]any{"schooling": m.Schooling}, "本人在读高等教育")
	default:
		d.say(citeCollege, map[string]any{"schooling": m.Schooling}, "本人就学阶段为%s，不是高等教育在读学生，不符合困难大学生救助条件", registry.Schoolings.Name(m.Schooling))
		d.decide(false)
		return
	}
	amount := e.fen("college_student.amount")
	if e.err != nil {
		return
	}
	d.AmountFen = amount
	d.decide(true)
	d.say(e.source("college_student.amount"), map[string]any{"amount_fen": int64(amount)},
		"符合困难大学生救助条件，一次性发放 %s 元", yuan(amount))
}

// evalFreeElectricity is 免费电量补贴, a household programme: a household
// in one of free_electricity.groups (低保户, 特困户) gets free_electricity.kwh
// kWh a month; the amount is energy, not money. A provincial measure with
// no national article; 蓬莱 grants it without application (免申即享, seed 000).
func evalFreeElectricity(r *Request, e *env, d *Decision) {
	if !groupTest(r, e, d, nil, "free_electricity.groups", "免费电量补贴", "") {
		d.decide(false)
		return
	}
	kwh := e.integer("free_electricity.kwh")
	if e.err != nil {
		return
	}
	markDemo(e, d, "free_electricity.kwh")
	d.AmountKWh = &kwh
	d.AmountFen = 0
	d.decide(true)
	d.say(e.source("free_electricity.kwh"), map[string]any{"kwh": kwh}, "符合免费电量补贴条件，每户每月免费用电 %d 千瓦时", kwh)
}

// markDemo marks the decision 演示 when the row of name in force is a
// demonstration value. Evaluate does so only for parameters the catalog
// marks Standard; the kWh and the longevity tiers are amounts too.
func markDemo(e *env, d *Decision, name string) {
	if row := e.book.Row(name, e.region, e.date); row != nil && row.Demo {
		d.Demo = true
	}
}

// memberField is the request field of member i: household.members[i].name.
func memberField(i int, name string) string {
	return "household.members[" + strconv.Itoa(i) + "]." + name
}
