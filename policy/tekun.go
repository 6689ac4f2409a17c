package policy

import (
	"fmt"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/registry"
)

const (
	citeTekunCriteria = "《特困人员认定办法》第4条；《社会救助暂行办法》第14条"
	citeTekunWork     = "《特困人员认定办法》第5条"
	citeTekunMeans    = "《特困人员认定办法》第6条"
	citeTekunSupport  = "《特困人员认定办法》第8条"
	citeTekunArea     = "《特困人员认定办法》第19条"
	citeTekunCare     = "《特困人员认定办法》第21—23条"
	citeTekunKeep     = "《特困人员认定办法》第24条"
)

func init() {
	register(&Program{Code: "tekun", Name: "特困人员救助供养", Person: true, Period: "month", rule: evalTekun})
}

// evalTekun decides 特困 for the subject: no ability to work (第5条, with
// the region's ages and grades), no means of living (第6条), no supporter
// able to support (第8条) — all three (第4条). Minors already supported keep
// it to 18 and beyond while in the schooling the region lists (第24条).
// Amount = the basic-living standard by area + the care allowance by the
// self-care level of the six-item assessment (第21—23条).
func evalTekun(r *Request, e *env, d *Decision) {
	m, idx, _ := r.subject()
	f := "household.members[" + strconv.Itoa(idx) + "]"
	d.Support = r.Options.Support
	if d.Support == "" {
		d.Support = "dispersed"
	}
	age, known := m.Age(r.Date)
	if !known {
		d.missing(f + ".id_number")
		return
	}
	// The three conditions in turn: the first one failed settles it, so no
	// fact the answer no longer needs is asked for.
	refuse := func() {
		d.say(citeTekunCriteria, nil, "不同时具备无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其无履行义务能力三个条件，不符合特困人员认定条件")
		d.decide(false)
	}
	if !tekunUnableToWork(r, e, d, m, age) {
		if e.err == nil {
			refuse()
		}
		return
	}
	// The 低保 standard the means test reads: urban where the region has one
	// standard for both (as dibaoStandard does).
	area := r.Household.Area
	stdArea := area
	if e.optBool("dibao.unified") {
		stdArea = "urban"
		if area == "" {
			area = "urban"
		}
	}
	if area == "" {
		d.missing("household.area")
		return
	}
	ok, known := tekunNoMeans(r, e, d, m, stdArea)
	if e.err != nil || !known {
		return
	}
	if !ok {
		refuse()
		return
	}
	if !tekunNoSupporter(r, e, d, m, f) {
		if e.err == nil && len(d.Missing) == 0 {
			refuse()
		}
		return
	}
	if e.err != nil || len(d.Missing) > 0 {
		return
	}
	basic := e.fen("tekun.standard." + area)
	level := (&registry.SelfCare{Unable: m.SelfCareFailed}).Level()
	care := e.fen("tekun.care." + level)
	if e.err != nil {
		return
	}
	d.say(cite(e.source("tekun.standard."+area), citeTekunArea), map[string]any{"basic_fen": int64(basic), "area": area},
		"%s特困人员基本生活标准 %s 元/月", registry.Areas.Name(area), yuan(basic))
	failed := make([]string, len(m.SelfCareFailed))
	for i, s := range m.SelfCareFailed {
		failed[i] = registry.SelfCareItems.Name(s)
	}
	what := "六项均能自理"
	if len(failed) > 0 {
		what = fmt.Sprintf("%d 项不能自理（%s）", len(failed), strings.Join(failed, "、"))
	}
	d.say(cite(citeTekunCare, e.source("tekun.care."+level)), map[string]any{"failed": len(failed), "level": level, "care_fen": int64(care)},
		"生活自理能力评估：%s，为%s，照料护理标准 %s 元/月", what, registry.SelfCareLevels.Name(level), yuan(care))
	d.AmountFen = basic + care
	d.decide(true)
	support := map[string]string{"dispersed": "分散供养", "centralized": "集中供养"}[d.Support]
	d.say(citeTekunCriteria, map[string]any{"amount_fen": int64(d.AmountFen)},
		"符合特困人员认定条件（%s），月供养金 = %s + %s = %s 元", support, yuan(basic), yuan(care), yuan(d.AmountFen))
}

// tekunUnableToWork is 第5条 with the region's thresholds; a minor already
// supported keeps it under 第24条.
func tekunUnableToWork(r *Request, e *env, d *Decision, m *Member, age int) bool {
	if _, already := m.Receives("tekun"); already {
		keep := int(e.integer("tekun.keep_age"))
		if age < keep && age >= int(e.integer("tekun.child_age")) {
			d.say(cite(citeTekunKeep, e.source("tekun.keep_age")), map[string]any{"age": age, "keep_age": keep},
				"已是特困供养的未成年人，%d 周岁，供养至 %d 周岁", age, keep)
			return true
		}
		if school := e.list("tekun.keep_schooling"); age >= keep && school.Has(m.Schooling) {
			d.say(cite(citeTekunKeep, e.source("tekun.keep_schooling")), map[string]any{"age": age, "schooling": m.Schooling},
				"已是特困供养人员，年满 %d 周岁仍在接受%s，继续供养至毕业", keep, registry.Schoolings.Name(m.Schooling))
			return true
		}
	}
	workAge := int(e.integer("tekun.work_age"))
	ageSource := e.source("tekun.work_age")
	if min := e.optInt("tekun.hardship_class_min"); min > 0 {
		if class := e.optInt("region.hardship_class"); class >= min {
			workAge = int(e.integer("tekun.work_age_hardship"))
			ageSource = cite(e.source("tekun.work_age_hardship"), e.source("region.hardship_class"))
			d.say(ageSource, map[string]any{"hardship_class": class, "work_age": workAge},
				"所在地为 %d 类艰苦边远地区（%d 类及以上适用），无劳动能力年龄为 %d 周岁", class, min, workAge)
		}
	}
	childAge := int(e.integer("tekun.child_age"))
	switch {
	case age >= workAge:
		d.say(cite(citeTekunWork, ageSource), map[string]any{"age": age, "work_age": workAge}, "年满 %d 周岁（%d 周岁），视为无劳动能力", workAge, age)
		return true
	case age < childAge:
		d.say(citeTekunWork, map[string]any{"age": age, "child_age": childAge}, "未满 %d 周岁的未成年人（%d 周岁），视为无劳动能力", childAge, age)
		return true
	}
	if dis := m.Disability; dis != nil {
		for _, entry := range e.list("tekun.disability").List {
			cat, lv, _ := strings.Cut(entry, ":")
			max, _ := strconv.Atoi(lv)
			if dis.Category == cat && dis.Level <= max {
				d.say(cite(citeTekunWork, e.source("tekun.disability")), map[string]any{"category": dis.Category, "level": dis.Level},
					"持%d级%s证（%s一至%s级视为无劳动能力）", dis.Level, disabilityCategories[cat], disabilityCategories[cat], chineseNumerals[max])
				return true
			}
		}
	}
	d.say(citeTekunWork, map[string]any{"age": age, "work_age": workAge}, "%d 周岁，未达无劳动能力年龄 %d 周岁，且无视为无劳动能力的残疾，具有劳动能力", age, workAge)
	return false
}

// tekunNoMeans is 第6条: own income (without the exempt kinds) below the
// local 低保 standard, and assets within the local limit. known is false
// when the assets are missing and the income alone does not settle it.
func tekunNoMeans(r *Request, e *env, d *Decision, m *Member, area string) (ok, known bool) {
	std := e.fen("dibao.standard." + area)
	exempt := e.list("tekun.income.exempt")
	var counted, free minzheng.Fen
	for _, in := range m.Incomes {
		if exempt.Has(in.Kind) {
			free += in.MonthlyFen
		} else {
			counted += in.MonthlyFen
		}
	}
	if e.err != nil {
		return false, false
	}
	text := fmt.Sprintf("本人月收入计入 %s 元", yuan(counted))
	if free > 0 {
		text += fmt.Sprintf("（另有不计入的 %s 元）", yuan(free))
	}
	ok = counted < std
	if ok {
		text += fmt.Sprintf("，低于%s低保标准 %s 元", registry.Areas.Name(area), yuan(std))
	} else {
		text += fmt.Sprintf("，不低于%s低保标准 %s 元，有生活来源", registry.Areas.Name(area), yuan(std))
	}
	d.say(cite(citeTekunMeans, e.source("dibao.standard."+area)), map[string]any{"income_fen": int64(counted), "exempt_fen": int64(free), "standard_fen": int64(std)}, "%s", text)
	if !ok {
		return false, true
	}
	if r.Household.Assets == nil {
		d.missing("household.assets")
		return false, false
	}
	months := e.integer("tekun.assets.deposit_months")
	limit := std * minzheng.Fen(months)
	a := r.Household.Assets
	if a.DepositsFen > limit {
		d.say(cite(citeTekunMeans, e.source("tekun.assets.deposit_months")), map[string]any{"deposits_fen": int64(a.DepositsFen), "limit_fen": int64(limit)},
			"金融资产 %s 元超过 %d 个月低保标准 %s 元，不符合财产状况规定", yuan(a.DepositsFen), months, yuan(limit))
		return false, true
	}
	d.say(cite(citeTekunMeans, e.source("tekun.assets.deposit_months")), map[string]any{"deposits_fen": int64(a.DepositsFen), "limit_fen": int64(limit)},
		"金融资产 %s 元，不超过 %d 个月低保标准 %s 元", yuan(a.DepositsFen), months, yuan(limit))
	return true, true
}

// tekunNoSupporter is 第8条: no legal supporter, or none able to fulfil
// the duty. A supporter's ability is given, or decided from his facts.
func tekunNoSupporter(r *Request, e *env, d *Decision, m *Member, f string) bool {
	if len(m.Supporters) == 0 {
		d.say(citeTekunSupport, nil, "无法定赡养、抚养、扶养义务人")
		return true
	}
	all := true
	for i, s := range m.Supporters {
		g := f + ".supporters[" + strconv.Itoa(i) + "]"
		rel := registry.Relations.Name(s.Relation)
		if s.Relation == "" {
			rel = "义务人"
		}
		who := fmt.Sprintf("第 %d 位义务人（%s）", i+1, rel)
		able, why, ok := supporterAble(e, s, g, d)
		if !ok {
			continue
		}
		cit := citeTekunSupport
		if strings.Contains(why, "人均可支配收入") {
			cit = cite(citeTekunSupport, e.source("tekun.supporter.income_limit"))
		}
		if able {
			all = false
			d.say(cit, nil, "%s%s，具有履行义务能力", who, why)
		} else {
			d.say(cit, nil, "%s%s，视为无履行义务能力", who, why)
		}
	}
	return all
}

// supporterAble decides 第8条 for one supporter: a 特困 person; a 低保
// recipient aged 60 or more; aged 70 or more, or severely disabled, with
// income below the previous year's local per-capita disposable income;
// incapacitated, declared missing or in prison. ok is false when a fact is
// missing (recorded on d).
func supporterAble(e *env, s Supporter, field string, d *Decision) (able bool, why string, ok bool) {
	if s.Able != nil {
		if *s.Able {
			return true, "经认定", true
		}
		return false, "经认定", true
	}
	switch s.Status {
	case "tekun":
		return false, "本人为特困人员", true
	case "incapacitated":
		return false, "无民事行为能力", true
	case "missing":
		return false, "被宣告失踪", true
	case "imprisoned":
		return false, "在监狱服刑", true
	case "dibao":
		age := int(e.integer("tekun.supporter.dibao_age"))
		if s.Age == nil {
			d.missing(field + ".age")
			return false, "", false
		}
		if *s.Age >= age {
			return false, fmt.Sprintf("为 %d 周岁以上低保对象（%d 周岁）", age, *s.Age), true
		}
	case "severely_disabled":
		if s.MonthlyIncomeFen == nil {
			d.missing(field + ".monthly_income_fen")
			return false, "", false
		}
		limit := e.fen("tekun.supporter.income_limit")
		if *s.MonthlyIncomeFen < limit {
			return false, fmt.Sprintf("为重度残疾人，月收入 %s 元低于上年度当地人均可支配收入 %s 元", yuan(*s.MonthlyIncomeFen), yuan(limit)), true
		}
		return true, fmt.Sprintf("为重度残疾人，但月收入 %s 元不低于上年度当地人均可支配收入 %s 元", yuan(*s.MonthlyIncomeFen), yuan(limit)), true
	case "", "normal":
		if s.Age == nil {
			d.missing(field + ".age")
			return false, "", false
		}
	}
	old := int(e.integer("tekun.supporter.old_age"))
	if s.Age != nil && *s.Age >= old {
		if s.MonthlyIncomeFen == nil {
			d.missing(field + ".monthly_income_fen")
			return false, "", false
		}
		limit := e.fen("tekun.supporter.income_limit")
		if *s.MonthlyIncomeFen < limit {
			return false, fmt.Sprintf("年满 %d 周岁（%d 周岁），月收入 %s 元低于上年度当地人均可支配收入 %s 元", old, *s.Age, yuan(*s.MonthlyIncomeFen), yuan(limit)), true
		}
		return true, fmt.Sprintf("年满 %d 周岁，但月收入 %s 元不低于上年度当地人均可支配收入 %s 元", old, yuan(*s.MonthlyIncomeFen), yuan(limit)), true
	}
	if s.Age != nil {
		return true, fmt.Sprintf("%d 周岁", *s.Age), true
	}
	return true, "", true
}

// chineseNumerals are the disability grades as the certificates write them.
var chineseNumerals = []string{"零", "一", "二", "三", "四"}
