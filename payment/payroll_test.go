package payment

import (
	"reflect"
	"testing"

	"minzheng"
)

func mon(s string) minzheng.Month {
	m, err := minzheng.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// brief is a line as the table states it: benefit month, kind, amount.
type brief struct {
	Month  string
	Kind   string
	Amount minzheng.Fen
}

func briefs(lines []Line) []brief {
	out := []brief{}
	for _, l := range lines {
		out = append(out, brief{l.BenefitMonth.String(), l.Kind, l.AmountFen})
	}
	return out
}

func TestPlan(t *testing.T) {
	base := Enrolment{ID: 1, HouseholdID: 10, Region: "370614107201", AmountFen: 50000, Period: "month", Persons: 2, BankAccount: "622"}
	with := func(f func(e *Enrolment)) Enrolment { e := base; f(&e); return e }
	cases := []struct {
		name      string
		month     string
		start     string
		e         Enrolment
		paid      []string
		candidate bool
		holds     []Hold
		failed    []Failed
		account   string
		want      []brief
	}{
		{name: "当月在保按月发放", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02") }),
			want: []brief{{"2024-06", KindRegular, 50000}}},
		{name: "批准次月起发，当月之前未到首月不发", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-07") }),
			want: []brief{}},
		{name: "停发当月起不再发放", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02"); e.Stop = mon("2024-06") }),
			want: []brief{}},
		{name: "停发前一月照发", month: "2024-05", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02"); e.Stop = mon("2024-06") }),
			want: []brief{{"2024-05", KindRegular, 50000}}},
		{name: "审批晚于上月名册，补发上月", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-05") }),
			candidate: true, want: []brief{{"2024-05", KindBackPay, 50000}, {"2024-06", KindRegular, 50000}}},
		{name: "补发不早于系统首次发放的月份", month: "2024-02", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2023-10") }),
			candidate: true, paid: []string{}, want: []brief{{"2024-01", KindBackPay, 50000}, {"2024-02", KindRegular, 50000}}},
		{name: "已发月份不补发", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-03") }),
			candidate: true, paid: []string{"2024-03", "2024-05"}, want: []brief{{"2024-04", KindBackPay, 50000}, {"2024-06", KindRegular, 50000}}},
		{name: "暂停期间不发", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02") }),
			holds: []Hold{{From: mon("2024-05")}}, want: []brief{}},
		{name: "暂停解除不补发，暂停月份作废", month: "2024-07", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02") }),
			candidate: true, paid: []string{"2024-02", "2024-03", "2024-04"}, holds: []Hold{{From: mon("2024-05"), To: mon("2024-06")}},
			want: []brief{{"2024-07", KindRegular, 50000}}},
		{name: "暂停解除并补发，补发暂停月份", month: "2024-07", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02") }),
			candidate: true, paid: []string{"2024-02", "2024-03", "2024-04"}, holds: []Hold{{From: mon("2024-05"), To: mon("2024-06"), BackPay: true}},
			want: []brief{{"2024-05", KindBackPay, 50000}, {"2024-06", KindBackPay, 50000}, {"2024-07", KindRegular, 50000}}},
		{name: "渐退期间按月发放并标明第几个月", month: "2024-06", start: "2024-01",
			e:    with(func(e *Enrolment) { e.First = mon("2024-02"); e.PhaseOut = mon("2024-05"); e.Stop = mon("2024-08") }),
			want: []brief{{"2024-06", KindPhaseOut, 50000}}},
		{name: "临时救助一次性发放，扣除先行救助", month: "2024-06", start: "2024-01",
			e: with(func(e *Enrolment) {
				e.First = mon("2024-06")
				e.Period = "once"
				e.AmountFen = 300000
				e.AdvanceFen = 100000
			}),
			want: []brief{{"2024-06", KindOnce, 200000}}},
		{name: "临时救助已发过不再发", month: "2024-07", start: "2024-01",
			e: with(func(e *Enrolment) { e.First = mon("2024-06"); e.Period = "once"; e.AmountFen = 300000 }), paid: []string{"2024-06"},
			want: []brief{}},
		{name: "先行救助已足额，不再发放", month: "2024-06", start: "2024-01",
			e: with(func(e *Enrolment) {
				e.First = mon("2024-06")
				e.Period = "once"
				e.AmountFen = 100000
				e.AdvanceFen = 100000
			}),
			want: []brief{}},
		{name: "实物待遇（免费电量）不进名册", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02"); e.AmountFen = 0 }),
			want: []brief{}},
		{name: "银行退回的账户已更正，重发并指向原行", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02") }),
			failed: []Failed{{LineID: 77, EnrolmentID: 1, BenefitMonth: mon("2024-05"), AmountFen: 50000, BankAccount: "611"}}, account: "622",
			want: []brief{{"2024-05", KindRetry, 50000}, {"2024-06", KindRegular, 50000}}},
		{name: "银行退回的账户未更正，暂不重发", month: "2024-06", start: "2024-01", e: with(func(e *Enrolment) { e.First = mon("2024-02") }),
			failed: []Failed{{LineID: 77, EnrolmentID: 1, BenefitMonth: mon("2024-05"), AmountFen: 50000, BankAccount: "622"}}, account: "622",
			want: []brief{{"2024-06", KindRegular, 50000}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Month: mon(c.month), Start: mon(c.start), Enrolments: []Enrolment{c.e}, Failed: c.failed,
				Paid: map[int64][]minzheng.Month{}, Candidates: map[int64]bool{1: c.candidate}, Holds: map[int64][]Hold{1: c.holds},
				Accounts: map[int64]string{1: c.account}}
			for _, p := range c.paid {
				in.Paid[1] = append(in.Paid[1], mon(p))
			}
			got := Plan(in)
			if !reflect.DeepEqual(briefs(got), c.want) {
				t.Fatalf("lines %v, want %v", briefs(got), c.want)
			}
			for _, l := range got {
				if l.Kind == KindRetry && l.RetryOf != 77 {
					t.Errorf("a retry must name the failed line: %+v", l)
				}
				if l.Kind == KindPhaseOut && l.Step != "2/3" {
					t.Errorf("渐退 step %q, want 2/3", l.Step)
				}
			}
			if Hash(got) != Hash(Plan(in)) {
				t.Error("the same input must give the same lines")
			}
		})
	}
}

func TestTotalsAndDiff(t *testing.T) {
	prev := []Line{
		{EnrolmentID: 1, HouseholdID: 10, Kind: KindRegular, AmountFen: 50000, Persons: 2},
		{EnrolmentID: 2, HouseholdID: 11, Kind: KindRegular, AmountFen: 30000, Persons: 1},
		{EnrolmentID: 3, HouseholdID: 12, Kind: KindRegular, AmountFen: 40000, Persons: 3},
	}
	cur := []Line{
		{EnrolmentID: 1, HouseholdID: 10, Kind: KindRegular, AmountFen: 50000, Persons: 2},
		{EnrolmentID: 4, HouseholdID: 11, Kind: KindRegular, AmountFen: 35000, Persons: 1}, // new amount, new row
		{EnrolmentID: 5, HouseholdID: 13, BenefitMonth: mon("2024-05"), Kind: KindBackPay, AmountFen: 20000, Persons: 2},
		{EnrolmentID: 5, HouseholdID: 13, Kind: KindRegular, AmountFen: 20000, Persons: 2},
		{EnrolmentID: 6, HouseholdID: 13, Subject: "370614195001010011", Kind: KindRegular, AmountFen: 10000, Persons: 1},
	}
	tot := TotalsOf(cur)
	if tot != (Totals{Lines: 5, Persons: 2 + 1 + 2 + 1, Households: 3, AmountFen: 135000}) {
		t.Errorf("totals %+v", tot)
	}
	d := DiffOf(prev, cur)
	if len(d.New) != 2 || d.New[0].HouseholdID != 13 || len(d.Changed) != 1 || d.Changed[0].Before != 30000 || d.Changed[0].After != 35000 ||
		len(d.Stopped) != 1 || d.Stopped[0].HouseholdID != 12 || len(d.BackPay) != 1 {
		t.Errorf("diff %+v", d)
	}
}
