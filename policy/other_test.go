package policy

import "testing"

func TestCollegeStudent(t *testing.T) {
	student := person(t, "370614", "2005-09-01", 91)
	mother := person(t, "370614", "1978-02-03", 92)
	inDibao := func(schooling string) Request {
		return Request{Program: "college_student", Date: day(t, "2024-09-01"), Region: "370614107201", Subject: student,
			Household: Household{Benefits: []Benefit{{Program: "dibao", MonthlyFen: 120000}}, Members: []Member{
				{IDNumber: mother, Relation: "head"}, {IDNumber: student, Relation: "child", Schooling: schooling}}}}
	}
	ownAmount := withRows(t, localRow(t, "college_student.amount", "370614", "300000"))
	runProgCases(t, []progCase{
		{name: "低保家庭的大学生", req: inDibao("higher"),
			want: isYes, amount: 500000, golden: "college_student_dibao",
			says: []string{"家庭享受低保，在困难大学生救助覆盖范围内", "本人在读高等教育", "一次性发放 5000 元"}},
		{name: "事实无人抚养儿童上大学", req: one(t, "college_student", "2024-09-01", "370614107201", Member{IDNumber: student, Schooling: "higher",
			Benefits: []Benefit{{Program: "unsupported_child", MonthlyFen: 150000}}}),
			want: isYes, amount: 500000, says: []string{"本人享受事实无人抚养儿童基本生活补贴"}},
		{name: "高中生不符合", req: inDibao("high_school"),
			want: isNo, says: []string{"本人就学阶段为普通高中，不是高等教育在读学生"}},
		{name: "就学情况未填写", req: inDibao(""), missing: []string{"household.members[1].schooling"}},
		{name: "非困难家庭", req: one(t, "college_student", "2024-09-01", "370614107201", Member{IDNumber: student, Schooling: "higher"}),
			want: isNo},
		{name: "本区救助金额", book: ownAmount, req: inDibao("higher"), want: isYes, amount: 300000,
			says: []string{"一次性发放 3000 元"}},
	})
	d := mustEval(t, inDibao("higher"))
	if d.Period != "once" {
		t.Errorf("period %q, want once", d.Period)
	}
}

func TestFreeElectricity(t *testing.T) {
	head := person(t, "370614", "1966-04-05", 95)
	household := func(h Household) Request {
		return Request{Program: "free_electricity", Date: day(t, "2024-06-01"), Region: "370614107201", Household: h}
	}
	members := []Member{{IDNumber: head, Relation: "head"}}
	more := withRows(t, localRow(t, "free_electricity.kwh", "3706", "15"))
	cases := []progCase{
		{name: "低保户每月免费电量", req: household(Household{Members: members, Benefits: []Benefit{{Program: "dibao", MonthlyFen: 60000}}}),
			want: isYes, golden: "free_electricity_dibao",
			says: []string{"家庭享受低保，在免费电量补贴覆盖范围内（覆盖：低保、特困人员救助供养）", "每户每月免费用电 10 千瓦时"}},
		{name: "有特困成员的家庭", req: household(Household{Members: []Member{{IDNumber: head, Benefits: []Benefit{{Program: "tekun", MonthlyFen: 152000}}}}}),
			want: isYes, says: []string{"家庭成员享受特困人员救助供养"}},
		{name: "低保边缘家庭不在范围内", req: household(Household{Members: members, Benefits: []Benefit{{Program: "dibao_edge"}}}),
			want: isNo},
		{name: "本市电量", book: more, req: household(Household{Members: members, Benefits: []Benefit{{Program: "dibao", MonthlyFen: 60000}}}),
			want: isYes, says: []string{"每户每月免费用电 15 千瓦时"}},
	}
	runProgCases(t, cases)
	for _, c := range []struct {
		c   progCase
		kwh int64
	}{{cases[0], 10}, {cases[2], 0}, {cases[3], 15}} {
		b := c.c.book
		if b == nil {
			b = book
		}
		d, err := Evaluate(c.c.req, b)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.kwh == 0 && d.AmountKWh != nil:
			t.Errorf("%s: amount_kwh %d, want none", c.c.name, *d.AmountKWh)
		case c.kwh != 0 && (d.AmountKWh == nil || *d.AmountKWh != c.kwh):
			t.Errorf("%s: amount_kwh %v, want %d", c.c.name, d.AmountKWh, c.kwh)
		}
		if d.AmountFen != 0 || d.Period != "month" {
			t.Errorf("%s: amount_fen %d period %q, want 0 month", c.c.name, d.AmountFen, d.Period)
		}
	}
}
