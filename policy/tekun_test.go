package policy

import (
	"fmt"
	"testing"
)

func TestTekun(t *testing.T) {
	old := person(t, "370614", "1950-01-02", 11)
	herder := person(t, "632724", "1967-03-04", 13) // 57 on 2024-06-01
	herderXining := person(t, "630102", "1967-03-04", 15)
	cases := []struct {
		name, js string
		eligible *bool
		amount   int64
		golden   string
	}{
		{"蓬莱农村老人部分失能无赡养人", fmt.Sprintf(`{"program":"tekun","date":"2024-06-01","region":"370614107201","subject":%q,
		  "household":{"area":"rural","members":[{"id_number":%q,"relation":"head","self_care_failed":["bathing","walking"],"incomes":[{"kind":"pension_basic","monthly_fen":15000}]}],"assets":{"deposits_fen":100000,"vehicles":0,"houses":1}}}`, old, old),
			ptr(true), 112000 + 40000, "tekun_penglai_partial"},
		{"治多县55岁以上视为无劳动能力", fmt.Sprintf(`{"program":"tekun","date":"2024-06-01","region":"632724100200",
		  "household":{"area":"rural","members":[{"id_number":%q,"relation":"head"}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`, herder),
			ptr(true), 78000 + 10000, "tekun_zhiduo_55"},
		{"西宁市区57岁有劳动能力", fmt.Sprintf(`{"program":"tekun","date":"2024-06-01","region":"630102001001",
		  "household":{"area":"urban","members":[{"id_number":%q,"relation":"head"}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`, herderXining),
			ptr(false), 0, ""},
		{"子女有赡养能力", fmt.Sprintf(`{"program":"tekun","date":"2024-06-01","region":"370614107201",
		  "household":{"area":"rural","members":[{"id_number":%q,"relation":"head","supporters":[{"relation":"child","age":45,"status":"normal"}]}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`, old),
			ptr(false), 0, ""},
		{"七十岁低收入子女视为无履行能力", fmt.Sprintf(`{"program":"tekun","date":"2024-06-01","region":"370614107201",
		  "household":{"area":"rural","members":[{"id_number":%q,"relation":"head","supporters":[{"relation":"sibling","age":72,"monthly_income_fen":50000}]}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`, old),
			ptr(true), 112000 + 10000, ""},
		{"赡养人年龄未填", fmt.Sprintf(`{"program":"tekun","date":"2024-06-01","region":"370614107201",
		  "household":{"area":"rural","members":[{"id_number":%q,"relation":"head","supporters":[{"relation":"child"}]}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`, old),
			nil, 0, ""},
		{"天宁特困为低保1.3倍", fmt.Sprintf(`{"program":"tekun","date":"2024-06-01","region":"320402001001",
		  "household":{"members":[{"id_number":%q,"relation":"head"}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`, old),
			ptr(true), 122200 + 10000, "tekun_tianning_formula"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustEval(t, parse(t, c.js))
			switch {
			case c.eligible == nil && !null(d), c.eligible != nil && *c.eligible && !yes(d), c.eligible != nil && !*c.eligible && !no(d):
				t.Fatalf("eligible = %v, want %v; reasons %+v", d.Eligible, c.eligible, d.Reasons)
			}
			if int64(d.AmountFen) != c.amount {
				t.Errorf("amount %d, want %d", d.AmountFen, c.amount)
			}
			if c.golden != "" {
				golden(t, c.golden, d)
			}
		})
	}
}

func ptr(b bool) *bool { return &b }
