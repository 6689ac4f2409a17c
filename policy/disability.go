package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// Citations of the two disability subsidies (残疾人两项补贴). The national
// text was not read (RULES.md B5, [secondary]); the exclusions come from
// local implementing rules following it, except the one of 民发〔2019〕62号.
const (
	citeDisability = "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）"
)

func init() {
	register(&Program{Code: "disability_living", Name: "困难残疾人生活补贴", Person: true, Period: "month", rule: evalDisabilityLiving})
	register(&Program{Code: "disability_care", Name: "重度残疾人护理补贴", Person: true, Period: "month", rule: evalDisabilityCare})
}

// hasCertificate says whether the member holds a disability certificate,
// writing it; false decides "not eligible".
func hasCertificate(d *Decision, m *Member, what string) bool {
	if m.Disability == nil {
		d.say(citeDisability, nil, "本人未持有残疾人证，不符合%s条件", what)
		d.decide(false)
		return false
	}
	d.say(citeDisability, map[string]any{"category": m.Disability.Category, "level": m.Disability.Level}, "本人%s", disabilityText(m.Disability))
	return true
}

// excludedTekun applies disability.exclude_tekun: 特困 supported persons
// draw neither subsidy where the region says so.
func excludedTekun(e *env, d *Decision, m *Member, what string) bool {
	if _, ok := m.Receives("tekun"); !ok {
		return false
	}
	if !e.optBool("disability.exclude_tekun") {
		d.say(e.source("disability.exclude_tekun"), nil, "本人为特困供养人员，本地未规定特困供养人员不享受残疾人两项补贴")
		return false
	}
	d.say(e.source("disability.exclude_tekun"), map[string]any{"exclude_tekun": true}, "本人为特困供养人员，本地规定特困供养人员不享受%s", what)
	d.decide(false)
	return true
}

// evalDisabilityLiving is 困难残疾人生活补贴 (国发〔2015〕52号): a
// certificate holder whose household or who himself is in one of
// disability_living.groups (national: 低保; regions extend it). Not for 特困
// supported persons where disability.exclude_tekun says so; not for orphans
// (孤儿基本生活保障) nor for 事实无人抚养 children paid the allowance in full
// (民发〔2019〕62号 三(一)) — a child whose allowance tops up his 低保 or 特困
// (补差) keeps the subsidy, which counts in that top-up.
func evalDisabilityLiving(r *Request, e *env, d *Decision) {
	m, _, _ := r.subject()
	const what = "困难残疾人生活补贴"
	if !hasCertificate(d, m, what) {
		return
	}
	if excludedTekun(e, d, m, what) || e.err != nil {
		return
	}
	if _, ok := m.Receives("orphan"); ok {
		d.say(citeDisability, map[string]any{"program": "orphan"}, "本人享受孤儿基本生活保障，不享受困难残疾人生活补贴（可享受重度残疾人护理补贴）")
		d.decide(false)
		return
	}
	if _, ok := m.Receives("unsupported_child"); ok {
		_, dibao := m.Receives("dibao")
		_, tekun := m.Receives("tekun")
		if !dibao && !tekun && !r.Household.Receives("dibao") {
			d.say(citeUnsupportedGap, map[string]any{"program": "unsupported_child"}, "本人全额领取事实无人抚养儿童基本生活补贴，不享受困难残疾人生活补贴（可享受重度残疾人护理补贴）")
			d.decide(false)
			return
		}
		d.say(citeUnsupportedGap, map[string]any{"program": "unsupported_child"}, "本人领取的事实无人抚养儿童基本生活补贴为补差发放，不排除困难残疾人生活补贴，生活补贴计入补差")
	}
	if !groupTest(r, e, d, m, "disability_living.groups", what, citeDisability) {
		d.decide(false)
		return
	}
	std := e.fen("disability_living.standard")
	if e.err != nil {
		return
	}
	d.AmountFen = std
	d.decide(true)
	d.say(e.source("disability_living.standard"), map[string]any{"standard_fen": int64(std), "amount_fen": int64(std)},
		"符合困难残疾人生活补贴条件，补贴标准 %s 元/人/月，按标准发放 %s 元/月", yuan(std), yuan(std))
}

// careExtra finds the disability_care.extra entry ("intellectual:3") that
// covers the disability: the same category at that level or more severe.
func careExtra(extra Value, dis *Disability) (string, bool) {
	for _, x := range extra.List {
		cat, lv, _ := strings.Cut(x, ":")
		n, err := strconv.Atoi(lv)
		if err == nil && cat == dis.Category && dis.Level <= n {
			return x, true
		}
	}
	return "", false
}

// evalDisabilityCare is 重度残疾人护理补贴 (国发〔2015〕52号): a grade 1 or
// 2 certificate, or a category and level the region adds
// (disability_care.extra: "intellectual:3" is grade 3 intellectual
// disability or worse), and a need for long-term care (six months or
// more). Not for people paid 工伤保险生活护理费, nor for 特困 supported
// persons where disability.exclude_tekun says so. Orphans and 事实无人抚养
// children may draw it (民发〔2019〕62号 三(二)). Grade 1: the level-1
// standard; all others the level-2 standard.
func evalDisabilityCare(r *Request, e *env, d *Decision) {
	m, i, _ := r.subject()
	const what = "重度残疾人护理补贴"
	if !hasCertificate(d, m, what) {
		return
	}
	dis := m.Disability
	if dis.Level <= 2 {
		d.say(citeDisability, map[string]any{"level": dis.Level}, "%d级残疾，属于重度残疾（一级、二级）", dis.Level)
	} else {
		extra := e.list("disability_care.extra")
		if e.err != nil {
			return
		}
		if x, ok := careExtra(extra, dis); ok {
			cat, lv, _ := strings.Cut(x, ":")
			d.say(cite(citeDisability, e.source("disability_care.extra")), map[string]any{"extra": x},
				"本地护理补贴扩大到%s级及以上%s，本人在范围内", lv, disabilityCategories[cat])
		} else {
			d.say(cite(citeDisability, e.source("disability_care.extra")), map[string]any{"extra": extra.List},
				"%d级%s不属于重度残疾（一级、二级）%s，不符合重度残疾人护理补贴条件", dis.Level, disabilityCategories[dis.Category], careExtraText(extra))
			d.decide(false)
			return
		}
	}
	for _, in := range m.Incomes {
		if in.Kind == "work_injury_care" {
			d.say(citeDisability, map[string]any{"work_injury_care_fen": int64(in.MonthlyFen)},
				"本人领取工伤保险生活护理费 %s 元/月，不享受重度残疾人护理补贴", yuan(in.MonthlyFen))
			d.decide(false)
			return
		}
	}
	if excludedTekun(e, d, m, what) || e.err != nil {
		return
	}
	if m.LongTermCare == nil {
		d.missing(memberField(i, "long_term_care"))
		return
	}
	if !*m.LongTermCare {
		d.say(citeDisability, map[string]any{"long_term_care": false}, "本人不需要长期照护（6个月以上），不符合重度残疾人护理补贴条件")
		d.decide(false)
		return
	}
	d.say(citeDisability, map[string]any{"long_term_care": true}, "本人需要长期照护（6个月以上）")
	name := "disability_care.standard.level2"
	if dis.Level == 1 {
		name = "disability_care.standard.level1"
	}
	std := e.fen(name)
	if e.err != nil {
		return
	}
	spec, _ := Lookup(name)
	d.AmountFen = std
	d.decide(true)
	d.say(e.source(name), map[string]any{"standard_fen": int64(std), "amount_fen": int64(std)},
		"符合重度残疾人护理补贴条件，适用%s %s 元/人/月，按标准发放 %s 元/月", spec.Title, yuan(std), yuan(std))
}

// careExtraText names the region's extension for the refusal, if any.
func careExtraText(extra Value) string {
	if len(extra.List) == 0 {
		return "，本地未扩大护理补贴范围"
	}
	var parts []string
	for _, x := range extra.List {
		cat, lv, _ := strings.Cut(x, ":")
		parts = append(parts, fmt.Sprintf("%s级及以上%s", lv, disabilityCategories[cat]))
	}
	return "，也不在本地扩大的范围（" + strings.Join(parts, "、") + "）内"
}
