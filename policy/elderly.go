package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"minzheng"
)

// Citations of the elderly programmes.
const (
	// "国家鼓励地方建立八十周岁以上低收入老年人高龄津贴制度": encouragement
	// only; the tiers and amounts are local (RULES.md B5).
	citeLongevity = "《中华人民共和国老年人权益保障法》第33条"
)

func init() {
	register(&Program{Code: "elderly_longevity", Name: "高龄津贴", Person: true, Period: "month", rule: evalElderlyLongevity})
	register(&Program{Code: "elderly_poor", Name: "经济困难老年人补贴", Person: true, Period: "month", rule: evalElderlyPoor})
}

// longevityTier is one tier of elderly_longevity.tiers: from age, fen a month.
type longevityTier struct {
	age int
	fen minzheng.Fen
}

// longevityTiers reads "80:5000,90:10000,100:30000", lowest age first.
func longevityTiers(v Value) []longevityTier {
	var out []longevityTier
	for _, x := range v.List {
		a, f, _ := strings.Cut(x, ":")
		age, err1 := strconv.Atoi(a)
		fen, err2 := strconv.ParseInt(f, 10, 64)
		if err1 == nil && err2 == nil {
			out = append(out, longevityTier{age, minzheng.Fen(fen)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].age < out[j].age })
	return out
}

func tiersText(tiers []longevityTier) string {
	parts := make([]string, len(tiers))
	for i, t := range tiers {
		parts[i] = fmt.Sprintf("%d 周岁以上 %s 元/月", t.age, yuan(t.fen))
	}
	return strings.Join(parts, "，")
}

// evalElderlyLongevity is 高龄津贴 (老年人权益保障法第33条; local tiers):
// the highest tier of elderly_longevity.tiers whose age the person has
// reached. Where elderly_longevity.low_income_only is set, only for a
// household or person on 低保, 低保边缘 or 特困.
func evalElderlyLongevity(r *Request, e *env, d *Decision) {
	m, i, _ := r.subject()
	if e.optBool("elderly_longevity.low_income_only") {
		if !groupSay(r, d, m, poorGroups, "低收入老年人高龄津贴", cite(e.source("elderly_longevity.low_income_only"), citeLongevity)) {
			d.decide(false)
			return
		}
	}
	list := e.list("elderly_longevity.tiers")
	tiers := longevityTiers(list)
	if e.err != nil {
		return
	}
	if len(tiers) == 0 {
		d.say(cite(e.source("elderly_longevity.tiers"), citeLongevity), nil, "本地未设定高龄津贴档次")
		d.decide(false)
		return
	}
	d.say(cite(e.source("elderly_longevity.tiers"), citeLongevity), map[string]any{"tiers": list.List},
		"本地高龄津贴档次：%s", tiersText(tiers))
	age, ok := m.Age(r.Date)
	if !ok {
		d.missing(memberField(i, "id_number"))
		return
	}
	var tier *longevityTier
	for k := range tiers {
		if age >= tiers[k].age {
			tier = &tiers[k]
		}
	}
	if tier == nil {
		d.say(citeLongevity, map[string]any{"age": age, "lowest_age": tiers[0].age}, "本人 %d 周岁，未满 %d 周岁，不享受高龄津贴", age, tiers[0].age)
		d.decide(false)
		return
	}
	markDemo(e, d, "elderly_longevity.tiers")
	d.AmountFen = tier.fen
	d.decide(true)
	d.say(cite(e.source("elderly_longevity.tiers"), citeLongevity), map[string]any{"age": age, "tier_age": tier.age, "amount_fen": int64(tier.fen)},
		"本人 %d 周岁，适用 %d 周岁以上档，月发放高龄津贴 %s 元", age, tier.age, yuan(tier.fen))
}

// evalElderlyPoor is 经济困难老年人补贴, a local programme: a person of at
// least elderly_poor.age whose household or who himself is in one of
// elderly_poor.groups gets elderly_poor.standard. 蓬莱 links it to 低保
// (联动办理) and grants it without application (免申即享; seed 000).
func evalElderlyPoor(r *Request, e *env, d *Decision) {
	m, i, _ := r.subject()
	if !groupTest(r, e, d, m, "elderly_poor.groups", "经济困难老年人补贴", "") {
		d.decide(false)
		return
	}
	age, ok := m.Age(r.Date)
	if !ok {
		d.missing(memberField(i, "id_number"))
		return
	}
	min := e.integer("elderly_poor.age")
	if e.err != nil {
		return
	}
	values := map[string]any{"age": age, "min_age": min}
	if int64(age) < min {
		d.say(e.source("elderly_poor.age"), values, "本人 %d 周岁，未满 %d 周岁，不符合经济困难老年人补贴条件", age, min)
		d.decide(false)
		return
	}
	d.say(e.source("elderly_poor.age"), values, "本人 %d 周岁，已满 %d 周岁", age, min)
	std := e.fen("elderly_poor.standard")
	if e.err != nil {
		return
	}
	d.AmountFen = std
	d.decide(true)
	d.say(e.source("elderly_poor.standard"), map[string]any{"standard_fen": int64(std), "amount_fen": int64(std)},
		"符合经济困难老年人补贴条件，补贴标准 %s 元/人/月，按标准发放 %s 元/月", yuan(std), yuan(std))
}
