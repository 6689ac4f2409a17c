package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"minzheng"
	"minzheng/registry"
)

// Citations of the children's programmes. Both document numbers are
// [memory] in RULES.md (B5); the texts were read.
const (
	// 孤儿: children who lost both parents (国发〔2016〕36号 二(一) "无法定抚养人
	// 的儿童，纳入孤儿保障范围", 二(四) "失去父母、查找不到生父母的儿童"); death
	// and missing as 民发〔2019〕62号 一 defines them (natural death or declared
	// dead; declared missing by a court).
	citeOrphan = "《国务院关于加强困境儿童保障工作的意见》（国发〔2016〕36号）二(一)、二(四)；《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）一"
	// 事实无人抚养儿童: who they are, 重残, 失联 and the six-month terms.
	citeUnsupported = "《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）一"
	// 补差 over 低保金 and 特困供养金; no 生活补贴 when paid in full.
	citeUnsupportedGap = "《关于进一步加强事实无人抚养儿童保障工作的意见》（民发〔2019〕62号）三(一)"
	// 困境儿童: poverty, own disability, lack of guardianship; orphans are
	// provided for as orphans, the basic living of "其他困境儿童" locally.
	citeDistressed = "《国务院关于加强困境儿童保障工作的意见》（国发〔2016〕36号）"
)

func init() {
	register(&Program{Code: "orphan", Name: "孤儿基本生活费", Person: true, Period: "month", rule: evalOrphan})
	register(&Program{Code: "unsupported_child", Name: "事实无人抚养儿童生活补贴", Person: true, Period: "month", rule: evalUnsupportedChild})
	register(&Program{Code: "distressed_child", Name: "重点困境儿童", Person: true, Period: "month", rule: evalDistressedChild})
}

// childAge checks that the member is a child: under child.age_limit. ok is
// false when he is not, or his age is unknown (then it is missing).
func childAge(r *Request, e *env, d *Decision, m *Member, i int) bool {
	age, known := m.Age(r.Date)
	if !known {
		d.missing(memberField(i, "id_number"))
		return false
	}
	limit := e.integer("child.age_limit")
	if e.err != nil {
		return false
	}
	values := map[string]any{"age": age, "age_limit": limit}
	if int64(age) >= limit {
		d.say(e.source("child.age_limit"), values, "本人 %d 周岁，已满 %d 周岁，不属于儿童", age, limit)
		d.decide(false)
		return false
	}
	d.say(e.source("child.age_limit"), values, "本人 %d 周岁，未满 %d 周岁，属于儿童", age, limit)
	return true
}

// childParent is one parent as the children's programmes read him: the
// request lists at most two; a parent not listed is taken as normal.
type childParent struct {
	who    string // 父亲, 母亲, 父母一方
	status string // "" when not listed
	since  minzheng.Date
	term   int
	field  string // household.members[i].parents[j]
}

// childParents lists the child's two parents.
func childParents(m *Member, i int) [2]childParent {
	out := [2]childParent{{who: "父母一方"}, {who: "父母另一方"}}
	for j, p := range m.Parents {
		if j > 1 {
			break
		}
		out[j] = childParent{who: out[j].who, status: p.Status, since: p.Since, term: p.TermMonths,
			field: memberField(i, "parents["+strconv.Itoa(j)+"]")}
		if p.Parent != "" {
			out[j].who = registry.Parents.Name(p.Parent)
		}
	}
	if len(m.Parents) == 1 {
		switch m.Parents[0].Parent {
		case "father":
			out[1].who = "母亲"
		case "mother":
			out[1].who = "父亲"
		}
	}
	return out
}

// plainText says the parent's status: "父亲死亡", "母亲未登记特殊情形".
func (p childParent) plainText() string {
	switch p.status {
	case "":
		return p.who + "未登记特殊情形"
	case "missing":
		return p.who + "被宣告失踪"
	}
	return p.who + registry.ParentStatuses.Name(p.status)
}

// gone is 死亡 or 宣告失踪: the parents an orphan has lost.
func (p childParent) gone() bool { return p.status == "dead" || p.status == "missing" }

// absent is a parent not there to care for the child: dead, declared
// missing, in prison or custody, lost contact (重点困境儿童's 监护缺失).
func (p childParent) absent() bool {
	switch p.status {
	case "dead", "missing", "imprisoned", "detained", "lost_contact":
		return true
	}
	return false
}

// Parent states as 事实无人抚养 weighs them.
const (
	parentGone    = iota // dead or declared missing
	parentUnable         // 重残, 重病, in prison or custody ≥ the term, lost contact ≥ the months
	parentAble           // none of these
	parentUnknown        // a fact is missing (since of 失联, the term of prison or custody)
)

// unsupportedState weighs one parent under 民发〔2019〕62号 一 and says it
// as a sentence part ("父亲服刑在押，期限 24 个月，不少于 6 个月").
// Imprisonment or custody of unknown term (0) is a missing fact.
func (p childParent) unsupportedState(r *Request, e *env) (state int, text string) {
	name := registry.ParentStatuses.Name(p.status)
	switch p.status {
	case "":
		return parentAble, p.who + "未登记特殊情形"
	case "normal":
		return parentAble, p.who + "情况正常"
	case "dead":
		return parentGone, p.who + "死亡"
	case "missing":
		return parentGone, p.who + "被宣告失踪"
	case "severely_disabled":
		return parentUnable, p.who + "重残（一级、二级残疾或三级、四级精神、智力残疾）"
	case "seriously_ill":
		return parentUnable, p.who + "重病"
	case "imprisoned", "detained":
		n := e.integer("unsupported_child.term_months")
		term := "期限"
		if p.status == "imprisoned" {
			term = "刑期"
		}
		switch {
		case p.term == 0:
			return parentUnknown, fmt.Sprintf("%s%s，未填写%s，无法判断是否满 %d 个月", p.who, name, term, n)
		case int64(p.term) >= n:
			return parentUnable, fmt.Sprintf("%s%s，%s %d 个月，不少于 %d 个月", p.who, name, term, p.term, n)
		default:
			return parentAble, fmt.Sprintf("%s%s，%s %d 个月，不足 %d 个月，不计入", p.who, name, term, p.term, n)
		}
	case "lost_contact":
		n := int(e.integer("unsupported_child.lost_contact_months"))
		if p.since.IsZero() {
			return parentUnknown, fmt.Sprintf("%s失联，未填写失联起始日期，无法判断是否满 %d 个月", p.who, n)
		}
		full := shiftMonths(p.since, n)
		if full <= r.Date {
			return parentUnable, fmt.Sprintf("%s自 %s 起失联，已满 %d 个月", p.who, p.since, n)
		}
		return parentAble, fmt.Sprintf("%s自 %s 起失联，不满 %d 个月（%s 满 %d 个月），不计入", p.who, p.since, n, full, n)
	}
	return parentAble, p.who + name
}

// shiftMonths moves day by n months, keeping the day of the month where
// the target month has it and its last day otherwise (08-31 + 6 = 02-28/29).
func shiftMonths(day minzheng.Date, n int) minzheng.Date {
	y, m, dd := day.YMD()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); dd > last {
		dd = last
	}
	return minzheng.NewDate(first.Year(), first.Month(), dd)
}

// childStatus is what the parents make of a child: an orphan (both dead or
// declared missing), or a 事实无人抚养 child (state: yes parentUnable, no
// parentAble, unknown parentUnknown), with each parent's sentence and the
// fields still missing.
type childStatus struct {
	orphan      bool
	unsupported int
	texts       []string
	missing     []string
}

func classifyChild(r *Request, e *env, m *Member, i int) childStatus {
	ps := childParents(m, i)
	var st childStatus
	states := [2]int{}
	for j, p := range ps {
		s, text := p.unsupportedState(r, e)
		states[j] = s
		st.texts = append(st.texts, text)
		if s == parentUnknown {
			if p.status == "imprisoned" || p.status == "detained" {
				st.missing = append(st.missing, p.field+".term_months")
			} else {
				st.missing = append(st.missing, p.field+".since")
			}
		}
	}
	st.orphan = states[0] == parentGone && states[1] == parentGone
	switch {
	case st.orphan:
		st.unsupported = parentAble
	case states[0] == parentAble || states[1] == parentAble:
		st.unsupported = parentAble
	case states[0] == parentUnknown || states[1] == parentUnknown:
		st.unsupported = parentUnknown
	default: // each gone or unable, not both gone
		st.unsupported = parentUnable
	}
	return st
}

// evalOrphan is 孤儿基本生活保障: a child (under child.age_limit) whose
// parents are both dead or declared missing gets orphan.standard a month.
func evalOrphan(r *Request, e *env, d *Decision) {
	m, i, _ := r.subject()
	if !childAge(r, e, d, m, i) {
		return
	}
	ps := childParents(m, i)
	texts := []string{ps[0].plainText(), ps[1].plainText()}
	if !ps[0].gone() || !ps[1].gone() {
		d.say(citeOrphan, map[string]any{"parents": parentStatuses(ps)},
			"%s，并非父母双方均死亡或被宣告失踪，不属于孤儿", strings.Join(texts, "，"))
		d.decide(false)
		return
	}
	d.say(citeOrphan, map[string]any{"parents": parentStatuses(ps)},
		"%s，父母双方均已死亡或被宣告失踪，属于孤儿", strings.Join(texts, "，"))
	std := e.fen("orphan.standard")
	if e.err != nil {
		return
	}
	d.AmountFen = std
	d.decide(true)
	d.say(e.source("orphan.standard"), map[string]any{"standard_fen": int64(std), "amount_fen": int64(std)},
		"孤儿基本生活费标准为 %s 元/人/月，按标准发放 %s 元/月", yuan(std), yuan(std))
}

func parentStatuses(ps [2]childParent) []string {
	out := make([]string, 2)
	for j, p := range ps {
		out[j] = p.status
		if out[j] == "" {
			out[j] = "normal"
		}
	}
	return out
}

// evalUnsupportedChild is 事实无人抚养儿童基本生活补贴 (民发〔2019〕62号):
// both parents each 重残, 重病, in prison or custody (term ≥
// unsupported_child.term_months, or unknown), or lost contact for at least
// unsupported_child.lost_contact_months; or one parent dead or declared
// missing and the other so. Both dead or missing is an orphan instead. The
// amount is unsupported_child.standard; a child already paid 低保金,
// 特困供养金 or 困难残疾人生活补贴 gets the difference (补差, 三(一)).
func evalUnsupportedChild(r *Request, e *env, d *Decision) {
	m, i, _ := r.subject()
	if !childAge(r, e, d, m, i) {
		return
	}
	st := classifyChild(r, e, m, i)
	if e.err != nil {
		return
	}
	values := map[string]any{"parents": parentStatuses(childParents(m, i))}
	switch {
	case st.orphan:
		d.say(citeUnsupported, values, "%s，父母双方均已死亡或被宣告失踪，属于孤儿，应按孤儿基本生活保障办理，不属于事实无人抚养儿童",
			strings.Join(st.texts, "；"))
		d.decide(false)
		return
	case st.unsupported == parentAble:
		d.say(citeUnsupported, values, "%s", strings.Join(st.texts, "；"))
		d.say(citeUnsupported, nil, "不符合父母双方均重残、重病、服刑在押、强制隔离戒毒或被执行其他限制人身自由的措施、失联，或一方死亡、失踪另一方有上述情形的条件，不属于事实无人抚养儿童")
		d.decide(false)
		return
	case st.unsupported == parentUnknown:
		d.say(citeUnsupported, values, "%s", strings.Join(st.texts, "；"))
		for _, f := range st.missing {
			d.missing(f)
		}
		return
	}
	d.say(citeUnsupported, values, "%s，属于事实无人抚养儿童", strings.Join(st.texts, "；"))
	std := e.fen("unsupported_child.standard")
	if e.err != nil {
		return
	}
	d.say(e.source("unsupported_child.standard"), map[string]any{"standard_fen": int64(std)},
		"事实无人抚养儿童基本生活补贴标准为 %s 元/人/月", yuan(std))
	got, parts, ok := childReceived(r, d, m, i)
	if !ok {
		return
	}
	amount := std
	if got > 0 {
		amount = std - got
		if amount < 0 {
			amount = 0
		}
		if amount == 0 {
			d.say(citeUnsupportedGap, map[string]any{"received_fen": int64(got), "standard_fen": int64(std), "amount_fen": int64(0)},
				"本人已领取%s，合计 %s 元，不低于补贴标准 %s 元，补差为 0 元", strings.Join(parts, "、"), yuan(got), yuan(std))
		} else {
			d.say(citeUnsupportedGap, map[string]any{"received_fen": int64(got), "standard_fen": int64(std), "amount_fen": int64(amount)},
				"本人已领取%s，合计 %s 元，未达到补贴标准，补差发放：%s − %s = %s 元/月", strings.Join(parts, "、"), yuan(got), yuan(std), yuan(got), yuan(amount))
		}
	} else {
		note := ""
		if m.Disability != nil {
			note = "；全额领取后不再享受困难残疾人生活补贴"
		}
		d.say(citeUnsupportedGap, map[string]any{"amount_fen": int64(amount)},
			"本人未领取低保金、特困人员救助供养金或困难残疾人生活补贴，按补贴标准全额发放 %s 元/月%s", yuan(amount), note)
	}
	d.AmountFen = amount
	d.decide(true)
	d.say(citeUnsupported, map[string]any{"amount_fen": int64(amount)}, "符合事实无人抚养儿童保障条件，月发放 %s 元", yuan(amount))
}

// childReceived is what the child is already paid a month that the 补差
// counts: his 低保金 (his own enrolment, or the household's 低保金 per
// person) and 特困供养金, as the issue reads 民发〔2019〕62号 三(一). The
// text also names 困难残疾人生活补贴; counting it would take from the child
// the subsidy disability_living still pays him, so it is not counted. An
// enrolment listed without its amount is a missing fact (ok false).
func childReceived(r *Request, d *Decision, m *Member, i int) (minzheng.Fen, []string, bool) {
	var got minzheng.Fen
	var parts []string
	ok := true
	names := map[string]string{"dibao": "低保金", "tekun": "特困人员救助供养金"}
	for _, prog := range []string{"dibao", "tekun"} {
		f, has := m.Receives(prog)
		if !has {
			continue
		}
		if f == 0 {
			d.say(citeUnsupportedGap, map[string]any{"program": prog}, "本人领取%s，但未填写月领取金额，无法计算补差", names[prog])
			d.missing(memberField(i, "benefits"))
			ok = false
			continue
		}
		got += f
		parts = append(parts, fmt.Sprintf("%s %s 元", names[prog], yuan(f)))
	}
	if _, has := m.Receives("dibao"); !has && r.Household.Receives("dibao") {
		var family minzheng.Fen
		for _, b := range r.Household.Benefits {
			if b.Program == "dibao" {
				family += b.MonthlyFen
			}
		}
		n := len(r.Household.Members)
		if family == 0 {
			d.say(citeUnsupportedGap, nil, "家庭享受低保，但未填写家庭月低保金或本人领取的低保金，无法计算补差")
			d.missing(memberField(i, "benefits"))
			return 0, nil, false
		}
		share := family / minzheng.Fen(n)
		got += share
		parts = append(parts, fmt.Sprintf("家庭低保金人均份额 %s 元（%s ÷ %d 人）", yuan(share), yuan(family), n))
	}
	return got, parts, ok
}

// distressedGroupNames are the 重点困境儿童 groups of distressed_child.groups.
var distressedGroupNames = map[string]string{
	"poor_disabled":     "困难家庭残疾儿童",
	"poor_ill":          "困难家庭重病儿童",
	"severe_disability": "重度残疾儿童",
	"guardianship":      "监护缺失儿童",
}

// severeChildDisability is the child's own severe disability: level 1–2, or
// intellectual or mental disability of any level.
func severeChildDisability(dis *Disability) bool {
	return dis != nil && (dis.Level <= 2 || dis.Category == "intellectual" || dis.Category == "mental")
}

func disabilityText(dis *Disability) string {
	return fmt.Sprintf("持%d级%s证", dis.Level, disabilityCategories[dis.Category])
}

// evalDistressedChild is 重点困境儿童基本生活保障: a child in one of the
// region's groups (distressed_child.groups), after 国发〔2016〕36号's three
// kinds of 困境儿童 — poverty with disability or serious illness (household
// or child on 低保, 低保边缘 or 特困), his own severe disability, lack of
// guardianship (one parent dead, missing, in prison or custody, or lost).
// Orphans and 事实无人抚养 children are provided for by their own
// programmes (二(一): 其他困境儿童), not this one.
func evalDistressedChild(r *Request, e *env, d *Decision) {
	m, i, _ := r.subject()
	if !childAge(r, e, d, m, i) {
		return
	}
	for _, prog := range []string{"orphan", "unsupported_child"} {
		if _, ok := m.Receives(prog); ok {
			d.say(citeDistressed+"二(一)", map[string]any{"program": prog}, "本人已享受%s，不再按重点困境儿童保障", groupNames[prog])
			d.decide(false)
			return
		}
	}
	st := classifyChild(r, e, m, i)
	if e.err != nil {
		return
	}
	if st.orphan {
		d.say(citeOrphan, nil, "%s，属于孤儿，应按孤儿基本生活保障办理，不按重点困境儿童保障", strings.Join(st.texts, "；"))
		d.decide(false)
		return
	}
	if st.unsupported == parentUnable {
		d.say(citeUnsupported, nil, "%s，属于事实无人抚养儿童，应按事实无人抚养儿童保障办理，不按重点困境儿童保障", strings.Join(st.texts, "；"))
		d.decide(false)
		return
	}
	groups := e.list("distressed_child.groups")
	if e.err != nil {
		return
	}
	var names []string
	for _, g := range groups.List {
		names = append(names, distressedGroupNames[g])
	}
	d.say(e.source("distressed_child.groups"), map[string]any{"groups": groups.List},
		"本地重点困境儿童认定情形：%s", strings.Join(names, "、"))
	poorGroup, poor := inGroups(r, m, poorGroups)
	var absent []string
	for _, p := range childParents(m, i) {
		if p.absent() {
			absent = append(absent, p.plainText())
		}
	}
	matched, why := "", ""
	for _, g := range groups.List {
		switch {
		case g == "poor_disabled" && poor && m.Disability != nil:
			why = fmt.Sprintf("%s，本人%s", groupFact(r, m, poorGroup), disabilityText(m.Disability))
		case g == "poor_ill" && poor && m.SeriousIllness:
			why = groupFact(r, m, poorGroup) + "，本人患重病"
		case g == "severe_disability" && severeChildDisability(m.Disability):
			why = "本人" + disabilityText(m.Disability) + "，为重度残疾（一级、二级或精神、智力残疾）"
		case g == "guardianship" && len(absent) > 0:
			why = strings.Join(absent, "、") + "，且不属于孤儿或事实无人抚养儿童"
		default:
			continue
		}
		matched = g
		break
	}
	if matched == "" {
		d.say(citeDistressed, map[string]any{"groups": groups.List}, "%s，不属于本地重点困境儿童认定情形", distressedFacts(r, m, groups, poor, poorGroup, absent))
		d.decide(false)
		return
	}
	if st.unsupported == parentUnknown {
		// He may be a 事实无人抚养 child, whose programme comes first.
		d.say(citeUnsupported, nil, "%s；须先确定是否属于事实无人抚养儿童", strings.Join(st.texts, "；"))
		for _, f := range st.missing {
			d.missing(f)
		}
		return
	}
	d.say(citeDistressed, map[string]any{"group": matched}, "%s，属于%s", why, distressedGroupNames[matched])
	std := e.fen("distressed_child.standard")
	if e.err != nil {
		return
	}
	d.AmountFen = std
	d.decide(true)
	d.say(e.source("distressed_child.standard"), map[string]any{"standard_fen": int64(std), "amount_fen": int64(std)},
		"重点困境儿童基本生活费标准为 %s 元/人/月，按标准发放 %s 元/月", yuan(std), yuan(std))
}

// distressedFacts says why no group matched, fact by fact for the groups
// the region has.
func distressedFacts(r *Request, m *Member, groups Value, poor bool, poorGroup string, absent []string) string {
	var facts []string
	if groups.Has("poor_disabled") || groups.Has("poor_ill") {
		if poor {
			facts = append(facts, groupFact(r, m, poorGroup))
		} else {
			facts = append(facts, "家庭及本人均未享受低保、低保边缘家庭或特困人员救助供养")
		}
	}
	if groups.Has("poor_disabled") || groups.Has("severe_disability") {
		if m.Disability != nil {
			facts = append(facts, "本人"+disabilityText(m.Disability))
		} else {
			facts = append(facts, "本人未持残疾人证")
		}
	}
	if groups.Has("poor_ill") {
		if m.SeriousIllness {
			facts = append(facts, "本人患重病")
		} else {
			facts = append(facts, "本人未患重病")
		}
	}
	if groups.Has("guardianship") && len(absent) == 0 {
		facts = append(facts, "父母均无死亡、失踪、服刑在押、强制隔离戒毒或失联情形")
	}
	if len(facts) == 0 {
		return "本人情况"
	}
	return strings.Join(facts, "，")
}
