package policy

import (
	"fmt"
	"strings"
	"testing"

	"minzheng"
)

func TestDibaoContractExample(t *testing.T) {
	head := person(t, "370614", "1970-03-02", 11)
	js := fmt.Sprintf(`{"program":"dibao","date":"2024-06-01","region":"370614107201",
	"household":{"area":"rural","members":[
	 {"id_number":%q,"relation":"head","incomes":[{"kind":"wage","monthly_fen":120000}],"expenses":[{"kind":"medical","yearly_fen":600000}]},
	 {"id_number":%q,"relation":"spouse"},
	 {"id_number":%q,"relation":"child","schooling":"compulsory"}],
	 "assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`,
		head, person(t, "370614", "1972-05-06", 22), person(t, "370614", "2012-09-01", 33))
	d := mustEval(t, parse(t, js))
	if !yes(d) || d.AmountFen != 170000 {
		t.Fatalf("eligible %v amount %d, want yes 170000", d.Eligible, d.AmountFen)
	}
	found := false
	for _, r := range d.Reasons {
		if strings.Contains(r.Text, "(1200 − 500) ÷ 3 = 233.33") && strings.Contains(r.Text, "800") {
			found = true
		}
	}
	if !found {
		t.Errorf("no per-capita sentence in %+v", d.Reasons)
	}
	golden(t, "dibao_penglai_rural", d)
}

// household writes a request for one programme with members given as JSON
// objects and ordinary assets.
func household(program, date, region, area string, members ...string) string {
	a := ""
	if area != "" {
		a = fmt.Sprintf(`"area":%q,`, area)
	}
	return fmt.Sprintf(`{"program":%q,"date":%q,"region":%q,"household":{%s"members":[%s],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`,
		program, date, region, a, strings.Join(members, ","))
}

func TestDibaoRules(t *testing.T) {
	adult := func(seq int, extra string) string {
		return fmt.Sprintf(`{"id_number":%q,"relation":"head"%s}`, person(t, "370614", "1975-01-01", seq), extra)
	}
	kid := func(seq int, extra string) string {
		return fmt.Sprintf(`{"id_number":%q,"relation":"child"%s}`, person(t, "370614", "2015-01-01", seq), extra)
	}
	wage := func(fen int) string { return fmt.Sprintf(`,"incomes":[{"kind":"wage","monthly_fen":%d}]`, fen) }
	cases := []struct {
		name, js string
		want     *bool
		amount   int64
		single   bool
		golden   string
	}{
		{"蓬莱城市两口之家补差", household("dibao", "2024-06-01", "370614001001", "urban", adult(1, wage(150000)), kid(2, "")), ptr(true), 2*100100 - 150000, false, ""},
		{"2020年蓬莱农村标准486元", household("dibao", "2020-06-01", "370614107201", "rural", adult(1, wage(50000))), ptr(false), 0, false, ""},
		{"优待抚恤金不计入收入", household("dibao", "2024-06-01", "370614107201", "rural", adult(1, `,"incomes":[{"kind":"preferential_care","monthly_fen":300000},{"kind":"wage","monthly_fen":20000}]`)), ptr(true), 60000, false, "dibao_exempt_income"},
		{"收入超过标准不足1.5倍的边缘户中未成年人单人保", household("dibao", "2024-06-01", "370614107201", "rural", adult(1, wage(200000)), kid(2, "")), ptr(true), 80000, true, "dibao_single_minor_penglai"},
		{"天宁不单独纳入未成年人", household("dibao", "2024-06-01", "320402001001", "", adult(1, wage(200000)), kid(2, "")), ptr(false), 0, false, ""},
		{"边缘户中一级残疾人单人保", household("dibao", "2024-06-01", "320402001001", "", adult(1, wage(200000)), kid(2, `,"disability":{"category":"limb","level":1}`)), ptr(true), 94000, true, ""},
		{"收入超过1.5倍标准不是边缘户", household("dibao", "2024-06-01", "370614107201", "rural", adult(1, wage(300000)), kid(2, "")), ptr(false), 0, false, ""},
		{"存款超过上限", strings.Replace(household("dibao", "2024-06-01", "370614107201", "rural", adult(1, "")), `"deposits_fen":0`, `"deposits_fen":2000000`, 1), ptr(false), 0, false, ""},
		{"有机动车", strings.Replace(household("dibao", "2024-06-01", "370614107201", "rural", adult(1, "")), `"vehicles":0`, `"vehicles":1`, 1), ptr(false), 0, false, ""},
		{"缺城乡类别", household("dibao", "2024-06-01", "370614107201", "", adult(1, "")), nil, 0, false, "dibao_missing_area"},
		{"缺财产", strings.Replace(household("dibao", "2024-06-01", "370614107201", "rural", adult(1, "")), `,"assets":{"deposits_fen":0,"vehicles":0,"houses":1}`, "", 1), nil, 0, false, ""},
		{"济南历城区城乡一体不需城乡类别", household("dibao", "2024-06-01", "370112001001", "", adult(1, wage(10000))), ptr(true), 111400 - 10000, false, ""},
		{"济南历下区农村标准", household("dibao", "2024-06-01", "370102001001", "rural", adult(1, wage(10000))), ptr(true), 88400 - 10000, false, ""},
		{"济南历下区缺城乡类别", household("dibao", "2024-06-01", "370102001001", "", adult(1, wage(10000))), nil, 0, false, ""},
		{"济南2019年农村标准", household("dibao", "2019-06-01", "370102001001", "rural", adult(1, wage(10000))), ptr(true), 45700 - 10000, false, ""},
		{"边缘家庭认定", strings.Replace(household("dibao", "2024-06-01", "370614107201", "rural", adult(1, wage(100000))), `"dibao"`, `"dibao_edge"`, 1), ptr(true), 0, false, "dibao_edge_penglai"},
		{"低保户不是边缘家庭", strings.Replace(household("dibao", "2024-06-01", "370614107201", "rural", adult(1, wage(10000))), `"dibao"`, `"dibao_edge"`, 1), ptr(false), 0, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustEval(t, parse(t, c.js))
			switch {
			case c.want == nil && !null(d), c.want != nil && *c.want && !yes(d), c.want != nil && !*c.want && !no(d):
				t.Fatalf("eligible = %v, want %v; missing %v; reasons %+v", d.Eligible, c.want, d.Missing, d.Reasons)
			}
			if int64(d.AmountFen) != c.amount || d.SinglePerson != c.single {
				t.Errorf("amount %d single %v, want %d %v; reasons %+v", d.AmountFen, d.SinglePerson, c.amount, c.single, d.Reasons)
			}
			if c.golden != "" {
				golden(t, c.golden, d)
			}
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	a := fmt.Sprintf(`{"id_number":%q}`, person(t, "370614", "1975-01-01", 1))
	cases := []struct{ name, js, field, contains string }{
		{"未知项目", household("wubao", "2024-06-01", "370614", "rural", a), "program", "dibao"},
		{"日期早于任何标准", household("dibao", "2019-06-01", "370614107201", "rural", a), "date", "dibao.standard.rural"},
		{"天宁2021年7月前没有标准", household("dibao", "2021-06-30", "320402", "urban", a), "date", "320402"},
		{"区划代码格式不对", household("dibao", "2024-06-01", "37061", "rural", a), "region", "区划代码"},
		{"收入类别不对", household("dibao", "2024-06-01", "370614", "rural", fmt.Sprintf(`{"id_number":%q,"incomes":[{"kind":"salary","monthly_fen":1}]}`, person(t, "370614", "1975-01-01", 1))), "household.members[0].incomes[0].kind", "收入类别"},
		{"身份证校验位错", household("dibao", "2024-06-01", "370614", "rural", `{"id_number":"370614197501010011"}`), "household.members[0].id_number", ""},
		{"人员项目不在本户", strings.Replace(household("tekun", "2024-06-01", "370614", "rural", a), `"household"`, fmt.Sprintf(`"subject":%q,"household"`, person(t, "370614", "1960-01-01", 3)), 1), "subject", "不是本户成员"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Evaluate(parse(t, c.js), book)
			e, ok := minzheng.AsError(err)
			if !ok || e.Code != "invalid" || e.Field != c.field || !strings.Contains(e.Message, c.contains) {
				t.Fatalf("err = %#v, want invalid on %s containing %q", err, c.field, c.contains)
			}
		})
	}
}

// TestReviewCases: answers that must not depend on facts they do not need,
// and inputs a careless rule would get wrong.
func TestReviewCases(t *testing.T) {
	old := person(t, "440305", "1950-01-02", 11)
	noAssets := func(js string) string {
		return strings.Replace(js, `,"assets":{"deposits_fen":0,"vehicles":0,"houses":1}`, "", 1)
	}
	cases := []struct {
		name, js string
		want     *bool
		amount   int64
		missing  string
	}{
		{"收入超过边缘线时不需财产信息", noAssets(household("dibao", "2024-06-01", "370614107201", "rural", fmt.Sprintf(`{"id_number":%q,"incomes":[{"kind":"wage","monthly_fen":1500000}]}`, old))), ptr(false), 0, ""},
		{"收入低于标准时缺财产信息", noAssets(household("dibao", "2024-06-01", "370614107201", "rural", fmt.Sprintf(`{"id_number":%q}`, old))), nil, 0, "household.assets"},
		{"低于标准的家庭不是边缘户，不需财产信息", noAssets(strings.Replace(household("dibao", "2024-06-01", "370614107201", "rural", fmt.Sprintf(`{"id_number":%q}`, old)), `"dibao"`, `"dibao_edge"`, 1)), ptr(false), 0, ""},
		{"有劳动能力者不是特困，不需城乡类别", household("tekun", "2024-06-01", "370614107201", "", fmt.Sprintf(`{"id_number":%q}`, person(t, "370614", "1990-01-01", 13))), ptr(false), 0, ""},
		{"收入高于标准不是特困，不需赡养人年龄", household("tekun", "2024-06-01", "370614107201", "rural", fmt.Sprintf(`{"id_number":%q,"incomes":[{"kind":"wage","monthly_fen":500000}],"supporters":[{"relation":"child"}]}`, old)), ptr(false), 0, ""},
		{"城乡统一地区特困按统一低保标准核收入", household("tekun", "2024-06-01", "320402001001", "rural", fmt.Sprintf(`{"id_number":%q,"incomes":[{"kind":"wage","monthly_fen":90000}]}`, old)), ptr(true), 122200 + 10000, ""},
		{"支出型救助不计就业成本", strings.Replace(household("linshi", "2024-06-01", "370614107201", "rural", fmt.Sprintf(`{"id_number":%q,"expenses":[{"kind":"job_cost","yearly_fen":1200000}]}`, old)), `"household"`, `"options":{"kind":"expenditure"},"household"`, 1), ptr(false), 0, ""},
		{"青海草场补贴不计入特困收入", household("tekun", "2024-06-01", "632724100200", "rural", fmt.Sprintf(`{"id_number":%q,"incomes":[{"kind":"grassland_subsidy","monthly_fen":70000}]}`, person(t, "632724", "1960-01-01", 15))), ptr(true), 78000 + 10000, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustEval(t, parse(t, c.js))
			switch {
			case c.want == nil && !null(d), c.want != nil && *c.want && !yes(d), c.want != nil && !*c.want && !no(d):
				t.Fatalf("eligible = %v, want %v; missing %v; reasons %+v", d.Eligible, c.want, d.Missing, d.Reasons)
			}
			if int64(d.AmountFen) != c.amount {
				t.Errorf("amount %d, want %d", d.AmountFen, c.amount)
			}
			if c.missing != "" && (len(d.Missing) != 1 || d.Missing[0] != c.missing) {
				t.Errorf("missing %v, want %s", d.Missing, c.missing)
			}
		})
	}
	t.Run("自理项目重复填写", func(t *testing.T) {
		_, err := Evaluate(parse(t, household("tekun", "2024-06-01", "370614107201", "rural", fmt.Sprintf(`{"id_number":%q,"self_care_failed":["bathing","bathing"]}`, old))), book)
		if e, ok := minzheng.AsError(err); !ok || e.Field != "household.members[0].self_care_failed" {
			t.Fatalf("duplicate items: %v", err)
		}
	})
}
