package policy

import "testing"

func TestElderlyLongevity(t *testing.T) {
	at := func(birth string, seq int, benefits ...Benefit) Request {
		return one(t, "elderly_longevity", "2024-06-01", "371002", Member{IDNumber: person(t, "371002", birth, seq), Benefits: benefits})
	}
	lowIncome := withRows(t, localRow(t, "elderly_longevity.low_income_only", "371002", "true"))
	from70 := withRows(t, localRow(t, "elderly_longevity.tiers", "63", "70:3000,80:6000,90:12000,100:50000"))
	runProgCases(t, []progCase{
		{name: "九十二岁适用九十周岁档", req: at("1932-03-04", 71),
			want: isYes, amount: 10000, golden: "elderly_longevity_92",
			says: []string{"本地高龄津贴档次：80 周岁以上 50 元/月，90 周岁以上 100 元/月，100 周岁以上 300 元/月", "本人 92 周岁，适用 90 周岁以上档，月发放高龄津贴 100 元"}},
		{name: "百岁老人", req: at("1924-06-01", 73), want: isYes, amount: 30000},
		{name: "八十岁生日当天", req: at("1944-06-01", 75), want: isYes, amount: 5000},
		{name: "七十九岁不享受", req: at("1944-06-02", 77),
			want: isNo, says: []string{"本人 79 周岁，未满 80 周岁，不享受高龄津贴"}},
		{name: "年龄不明", req: one(t, "elderly_longevity", "2024-06-01", "371002", Member{}),
			missing: []string{"household.members[0].id_number"}},
		{name: "本区仅限低收入老年人：非低收入", book: lowIncome, req: at("1932-03-04", 71),
			want: isNo, says: []string{"不在覆盖范围内"}},
		{name: "本区仅限低收入老年人：低保", book: lowIncome, req: at("1932-03-04", 71, Benefit{Program: "dibao", MonthlyFen: 60000}),
			want: isYes, amount: 10000, golden: "elderly_longevity_low_income",
			says: []string{"本人享受低保，在低收入老年人高龄津贴覆盖范围内"}},
		{name: "本省七十周岁起发", book: from70, req: one(t, "elderly_longevity", "2024-06-01", "630102",
			Member{IDNumber: person(t, "630102", "1952-01-01", 79)}),
			want: isYes, amount: 3000, says: []string{"本人 72 周岁，适用 70 周岁以上档"}},
	})
}

func TestElderlyPoor(t *testing.T) {
	old := person(t, "370614", "1958-09-10", 81)
	young := person(t, "370614", "1968-09-10", 83)
	onDibao := func(id string) Request {
		r := one(t, "elderly_poor", "2024-06-01", "370614107201", Member{IDNumber: id})
		r.Household.Benefits = []Benefit{{Program: "dibao", MonthlyFen: 80000}}
		return r
	}
	edgeToo := withRows(t, localRow(t, "elderly_poor.groups", "370614", "dibao,dibao_edge,tekun"))
	runProgCases(t, []progCase{
		{name: "低保家庭的老年人", req: onDibao(old),
			want: isYes, amount: 5000, golden: "elderly_poor_dibao",
			says: []string{"本人 65 周岁，已满 60 周岁"}},
		{name: "特困供养老人", req: one(t, "elderly_poor", "2024-06-01", "370614107201",
			Member{IDNumber: old, Benefits: []Benefit{{Program: "tekun", MonthlyFen: 152000}}}),
			want: isYes, amount: 5000},
		{name: "非困难家庭", req: one(t, "elderly_poor", "2024-06-01", "370614107201", Member{IDNumber: old}),
			want: isNo, says: []string{"家庭及本人均未享受经济困难老年人补贴覆盖的救助（覆盖：低保、特困人员救助供养）"}},
		{name: "五十五岁不享受", req: onDibao(young),
			want: isNo, says: []string{"本人 55 周岁，未满 60 周岁"}},
		{name: "年龄不明", req: onDibao(""), missing: []string{"household.members[0].id_number"}},
		{name: "低保边缘家庭在国家默认外", req: one(t, "elderly_poor", "2024-06-01", "370614107201",
			Member{IDNumber: old, Benefits: []Benefit{{Program: "dibao_edge"}}}), want: isNo},
		{name: "本区扩大到低保边缘家庭", book: edgeToo, req: one(t, "elderly_poor", "2024-06-01", "370614107201",
			Member{IDNumber: old, Benefits: []Benefit{{Program: "dibao_edge"}}}), want: isYes, amount: 5000},
	})
}
