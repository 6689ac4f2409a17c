package policy

import (
	"fmt"
	"testing"
)

func TestLinshiAuthority(t *testing.T) {
	head := person(t, "632724", "1980-01-01", 11)
	base := `{"program":"linshi","date":"2024-06-01","region":%q,"options":{"kind":%q,"amount_requested_fen":%d},
	  "household":{"area":"urban","members":[{"id_number":%q,"relation":"head","incomes":[{"kind":"wage","monthly_fen":%d}],"expenses":[{"kind":"medical","yearly_fen":%d,"reimbursed_fen":%d}]}],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`
	cases := []struct {
		name, region, kind    string
		requested, income     int64
		yearly, reimbursed    int64
		eligible              bool
		amount                int64
		authority, goldenName string
	}{
		{"青海急难型五千元以下乡镇审批", "632724100200", "emergency", 500000, 0, 0, 0, true, 500000, "township", "linshi_qinghai_township"},
		{"青海急难型五千零一元县级审批", "632724100200", "emergency", 500100, 0, 0, 0, true, 500100, "county", ""},
		{"青海超过年城市标准五倍一事一议", "632724100200", "emergency", 4800100, 0, 0, 0, true, 4800100, "special_review", "linshi_qinghai_special"},
		{"青海恰为年城市标准五倍县级审批", "632724100200", "emergency", 4800000, 0, 0, 0, true, 4800000, "county", ""},
		{"急难型未填金额按三个月标准", "632724100200", "emergency", 0, 0, 0, 0, true, 240000, "township", ""},
		{"支出型医疗支出超出承受能力", "370614107201", "expenditure", 0, 100000, 3000000, 1000000, true, 2000000, "county", "linshi_penglai_expenditure"},
		{"支出型收入足以承担", "370614107201", "expenditure", 0, 500000, 600000, 0, false, 0, "", ""},
		{"支出型无支出", "370614107201", "expenditure", 0, 0, 0, 0, false, 0, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustEval(t, parse(t, fmt.Sprintf(base, c.region, c.kind, c.requested, head, c.income, c.yearly, c.reimbursed)))
			if yes(d) != c.eligible || int64(d.AmountFen) != c.amount || d.Authority != c.authority {
				t.Fatalf("got eligible %v amount %d authority %q; want %v %d %q\n%+v", yes(d), d.AmountFen, d.Authority, c.eligible, c.amount, c.authority, d.Reasons)
			}
			if c.goldenName != "" {
				golden(t, c.goldenName, d)
			}
		})
	}
}

func TestLinshiKindMissing(t *testing.T) {
	d := mustEval(t, parse(t, fmt.Sprintf(`{"program":"linshi","date":"2024-06-01","region":"370614","household":{"area":"rural","members":[{"id_number":%q}]}}`, person(t, "370614", "1980-01-01", 1))))
	if !null(d) || len(d.Missing) != 1 || d.Missing[0] != "options.kind" {
		t.Fatalf("want missing options.kind, got %v %v", d.Eligible, d.Missing)
	}
}
