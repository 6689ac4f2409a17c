package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"minzheng"
)

// progCase is one table case of a person or household programme: the
// request, the book (nil: the built-in one), the answer expected (want nil:
// eligible must be null, with missing), sentences some reason must hold,
// and the golden file to compare with.
type progCase struct {
	name    string
	req     Request
	book    *Book
	want    *bool
	amount  minzheng.Fen
	missing []string
	says    []string
	golden  string
}

var isYes, isNo = boolp(true), boolp(false)

func boolp(b bool) *bool { return &b }

func runProgCases(t *testing.T, cases []progCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.book
			if b == nil {
				b = book
			}
			d, err := Evaluate(c.req, b)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			switch {
			case c.want == nil && !null(d), c.want != nil && *c.want && !yes(d), c.want != nil && !*c.want && !no(d):
				t.Fatalf("eligible = %v, want %v; reasons:\n%s", fmtBool(d.Eligible), fmtBool(c.want), reasonsText(d))
			}
			if d.AmountFen != c.amount {
				t.Errorf("amount %d, want %d; reasons:\n%s", d.AmountFen, c.amount, reasonsText(d))
			}
			if !reflect.DeepEqual(d.Missing, c.missing) {
				t.Errorf("missing %q, want %q", d.Missing, c.missing)
			}
			for _, s := range c.says {
				if !strings.Contains(reasonsText(d), s) {
					t.Errorf("no reason says %q; reasons:\n%s", s, reasonsText(d))
				}
			}
			if c.golden != "" {
				golden(t, c.golden, d)
			}
		})
	}
}

func fmtBool(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}

func reasonsText(d Decision) string {
	var lines []string
	for _, r := range d.Reasons {
		lines = append(lines, r.Text+" 〔"+r.Citation+"〕")
	}
	return strings.Join(lines, "\n")
}

// withRows is the built-in book with a region's own rows added.
func withRows(t *testing.T, rows ...Param) *Book {
	t.Helper()
	all := append(append(National(), Seeds()...), rows...)
	for i := range all {
		if all[i].RecordedAt.IsZero() {
			all[i].RecordedAt = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		}
	}
	b, err := NewBook(all)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// localRow is a row a region's own document sets from 2024-01-01.
func localRow(t *testing.T, name, region, value string) Param {
	return Param{Name: name, Region: region, Value: value, EffectiveFrom: day(t, "2024-01-01"),
		Document: Document{Title: "测试区实施办法"}}
}

// one is a request for the household of one member, its subject.
func one(t *testing.T, program, date, region string, m Member) Request {
	return Request{Program: program, Date: day(t, date), Region: region, Household: Household{Members: []Member{m}}}
}

func parents(ps ...Parent) []Parent { return ps }

func TestOrphan(t *testing.T) {
	kid := person(t, "371002", "2012-05-06", 21)
	bothDead := parents(Parent{Parent: "father", Status: "dead", Since: day(t, "2019-03-01")}, Parent{Parent: "mother", Status: "dead"})
	grandma := person(t, "371002", "1955-02-03", 42)
	runProgCases(t, []progCase{
		{name: "父母双亡的孤儿（环翠区2024年标准）", req: one(t, "orphan", "2024-06-01", "371002", Member{IDNumber: kid, Parents: bothDead}),
			want: isYes, amount: 212400, says: []string{"父亲死亡，母亲死亡，父母双方均已死亡或被宣告失踪，属于孤儿", "2124 元/人/月"}, golden: "orphan_huancui_2024"},
		{name: "环翠区2023年标准", req: one(t, "orphan", "2023-06-01", "371002", Member{IDNumber: kid, Parents: bothDead}),
			want: isYes, amount: 200200, says: []string{"2002 元/人/月"}},
		{name: "父亲死亡母亲宣告失踪（非种子地区用演示标准）", req: Request{Program: "orphan", Date: day(t, "2024-06-01"), Region: "370614107201", Subject: kid,
			Household: Household{Members: []Member{{IDNumber: grandma, Relation: "head"}, {IDNumber: kid, Relation: "grandchild",
				Parents: parents(Parent{Parent: "father", Status: "dead"}, Parent{Parent: "mother", Status: "missing"})}}}},
			want: isYes, amount: 150000, says: []string{"母亲被宣告失踪"}, golden: "orphan_penglai_demo"},
		{name: "母亲健在不是孤儿", req: one(t, "orphan", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "dead"})}),
			want: isNo, says: []string{"父亲死亡，母亲未登记特殊情形，并非父母双方均死亡或被宣告失踪，不属于孤儿"}},
		{name: "父亲服刑母亲死亡是事实无人抚养而非孤儿", req: one(t, "orphan", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "imprisoned", TermMonths: 60}, Parent{Parent: "mother", Status: "dead"})}),
			want: isNo},
		{name: "已满18周岁", req: one(t, "orphan", "2024-06-01", "371002", Member{IDNumber: person(t, "371002", "2006-05-06", 23), Parents: bothDead}),
			want: isNo, says: []string{"本人 18 周岁，已满 18 周岁，不属于儿童"}},
		{name: "年龄不明", req: one(t, "orphan", "2024-06-01", "371002", Member{Parents: bothDead}),
			missing: []string{"household.members[0].id_number"}},
		{name: "以出生日期认定年龄", req: one(t, "orphan", "2024-06-01", "371002", Member{BirthDate: day(t, "2010-01-01"), Parents: bothDead}),
			want: isYes, amount: 212400},
	})
}

func TestOrphanNoStandard(t *testing.T) {
	kid := person(t, "370614", "2012-05-06", 21)
	req := one(t, "orphan", "2023-06-01", "370614107201", Member{IDNumber: kid,
		Parents: parents(Parent{Parent: "father", Status: "dead"}, Parent{Parent: "mother", Status: "dead"})})
	_, err := Evaluate(req, book)
	var me *minzheng.Error
	if !errors.As(err, &me) || me.Code != minzheng.CodeInvalid || !strings.Contains(me.Message, "orphan.standard") {
		t.Fatalf("err = %v, want invalid naming orphan.standard", err)
	}
	if !strings.Contains(me.Message, "2024-01-01") {
		t.Errorf("message %q should say from when the standard applies", me.Message)
	}
}

func TestUnsupportedChild(t *testing.T) {
	kid := person(t, "371002", "2014-08-09", 31)
	grandpa := person(t, "371002", "1950-01-02", 11)
	grandma := person(t, "371002", "1952-03-04", 12)
	jailed := Parent{Parent: "father", Status: "imprisoned", Since: day(t, "2022-01-01"), TermMonths: 60}
	lost := Parent{Parent: "mother", Status: "lost_contact", Since: day(t, "2023-05-01")}
	withBenefits := func(b ...Benefit) Member {
		return Member{IDNumber: kid, Parents: parents(jailed, lost), Benefits: b}
	}
	runProgCases(t, []progCase{
		{name: "父亲服刑母亲失联满6个月", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{IDNumber: kid, Parents: parents(jailed, lost)}),
			want: isYes, amount: 212400, golden: "unsupported_child_huancui",
			says: []string{"父亲服刑在押，刑期 60 个月，不少于 6 个月；母亲自 2023-05-01 起失联，已满 6 个月，属于事实无人抚养儿童", "按补贴标准全额发放 2124 元/月"}},
		{name: "期限未填写即缺少信息", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "detained"}, Parent{Parent: "mother", Status: "dead"})}),
			missing: []string{"household.members[0].parents[0].term_months"}, says: []string{"父亲强制隔离戒毒或其他限制人身自由，未填写期限，无法判断是否满 6 个月"}},
		{name: "刑期不足6个月", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "imprisoned", TermMonths: 4}, Parent{Parent: "mother", Status: "dead"})}),
			want: isNo, says: []string{"刑期 4 个月，不足 6 个月，不计入"}},
		{name: "母亲失联不满6个月", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "severely_disabled"}, Parent{Parent: "mother", Status: "lost_contact", Since: day(t, "2024-01-15")})}),
			want: isNo, says: []string{"母亲自 2024-01-15 起失联，不满 6 个月（2024-07-15 满 6 个月），不计入"}},
		{name: "失联恰满6个月（月末日）", req: one(t, "unsupported_child", "2024-02-29", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "seriously_ill"}, Parent{Parent: "mother", Status: "lost_contact", Since: day(t, "2023-08-31")})}),
			want: isYes, amount: 212400},
		{name: "失联日期未填写", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "seriously_ill"}, Parent{Parent: "mother", Status: "lost_contact"})}),
			missing: []string{"household.members[0].parents[1].since"}, golden: "unsupported_child_missing_since"},
		{name: "失联日期未填写但父亲正常", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "normal"}, Parent{Parent: "mother", Status: "lost_contact"})}),
			want: isNo},
		{name: "父母双亡属于孤儿", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{IDNumber: kid,
			Parents: parents(Parent{Parent: "father", Status: "dead"}, Parent{Parent: "mother", Status: "missing"})}),
			want: isNo, says: []string{"属于孤儿，应按孤儿基本生活保障办理"}},
		{name: "已领低保金补差", req: one(t, "unsupported_child", "2024-06-01", "371002", withBenefits(Benefit{Program: "dibao", MonthlyFen: 50000})),
			want: isYes, amount: 162400, golden: "unsupported_child_topup",
			says: []string{"本人已领取低保金 500 元，合计 500 元，未达到补贴标准，补差发放：2124 − 500 = 1624 元/月"}},
		{name: "家庭低保金按人均计入补差", req: Request{Program: "unsupported_child", Date: day(t, "2024-06-01"), Region: "371002", Subject: kid,
			Household: Household{Benefits: []Benefit{{Program: "dibao", MonthlyFen: 150000}}, Members: []Member{
				{IDNumber: grandpa, Relation: "head"}, {IDNumber: grandma, Relation: "spouse"},
				{IDNumber: kid, Relation: "grandchild", Parents: parents(jailed, lost)}}}},
			want: isYes, amount: 162400, says: []string{"家庭低保金人均份额 500 元（1500 ÷ 3 人）"}},
		{name: "家庭低保未填金额", req: Request{Program: "unsupported_child", Date: day(t, "2024-06-01"), Region: "371002", Subject: kid,
			Household: Household{Benefits: []Benefit{{Program: "dibao"}}, Members: []Member{
				{IDNumber: grandpa, Relation: "head"}, {IDNumber: kid, Relation: "grandchild", Parents: parents(jailed, lost)}}}},
			missing: []string{"household.members[1].benefits"}},
		{name: "特困供养金高于标准补差为零，生活补贴不计入", req: one(t, "unsupported_child", "2024-06-01", "371002",
			withBenefits(Benefit{Program: "tekun", MonthlyFen: 213000}, Benefit{Program: "disability_living", MonthlyFen: 15000})),
			want: isYes, amount: 0, says: []string{"本人已领取特困人员救助供养金 2130 元，合计 2130 元，不低于补贴标准 2124 元，补差为 0 元"}},
		{name: "非种子地区用演示标准", req: one(t, "unsupported_child", "2024-06-01", "370614", Member{IDNumber: kid, Parents: parents(jailed, lost)}),
			want: isYes, amount: 150000},
		{name: "年龄不明", req: one(t, "unsupported_child", "2024-06-01", "371002", Member{Parents: parents(jailed, lost)}),
			missing: []string{"household.members[0].id_number"}},
	})
}

func TestDistressedChild(t *testing.T) {
	kid := person(t, "371002", "2013-04-05", 41)
	dibao := []Benefit{{Program: "dibao", MonthlyFen: 120000}}
	limb2 := &Disability{Category: "limb", Level: 2}
	withGroups := withRows(t, localRow(t, "distressed_child.groups", "371002", "severe_disability,guardianship"))
	runProgCases(t, []progCase{
		{name: "低保家庭的残疾儿童", req: Request{Program: "distressed_child", Date: day(t, "2024-06-01"), Region: "371002",
			Household: Household{Benefits: dibao, Members: []Member{{IDNumber: kid, Disability: limb2}}}},
			want: isYes, amount: 200300, golden: "distressed_child_huancui",
			says: []string{"家庭享受低保，本人持2级肢体残疾证，属于困难家庭残疾儿童"}},
		{name: "低保边缘家庭的重病儿童（2023年环翠区标准）", req: one(t, "distressed_child", "2023-06-01", "371002",
			Member{IDNumber: kid, SeriousIllness: true, Benefits: []Benefit{{Program: "dibao_edge"}}}),
			want: isYes, amount: 188100, says: []string{"本人属于低保边缘家庭，本人患重病，属于困难家庭重病儿童"}},
		{name: "父亲服刑母亲正常的监护缺失儿童", req: one(t, "distressed_child", "2024-06-01", "371002",
			Member{IDNumber: kid, Parents: parents(Parent{Parent: "father", Status: "imprisoned", TermMonths: 12})}),
			want: isYes, amount: 200300, says: []string{"父亲服刑在押，且不属于孤儿或事实无人抚养儿童，属于监护缺失儿童"}},
		{name: "非困难家庭的残疾儿童", req: one(t, "distressed_child", "2024-06-01", "371002", Member{IDNumber: kid, Disability: limb2}),
			want: isNo, says: []string{"家庭及本人均未享受低保、低保边缘家庭或特困人员救助供养，本人持2级肢体残疾证，本人未患重病，父母均无死亡、失踪、服刑在押、强制隔离戒毒或失联情形，不属于本地重点困境儿童认定情形"}},
		{name: "本区认定重度残疾儿童不论贫困", book: withGroups, req: one(t, "distressed_child", "2024-06-01", "371002", Member{IDNumber: kid, Disability: limb2}),
			want: isYes, amount: 200300, says: []string{"本人持2级肢体残疾证，为重度残疾（一级、二级或精神、智力残疾），属于重度残疾儿童"}},
		{name: "本区不认定困难家庭重病儿童", book: withGroups, req: one(t, "distressed_child", "2024-06-01", "371002",
			Member{IDNumber: kid, SeriousIllness: true, Benefits: []Benefit{{Program: "dibao_edge"}}}),
			want: isNo},
		{name: "父母双亡应按孤儿保障", req: Request{Program: "distressed_child", Date: day(t, "2024-06-01"), Region: "371002",
			Household: Household{Benefits: dibao, Members: []Member{{IDNumber: kid, Disability: limb2,
				Parents: parents(Parent{Parent: "father", Status: "dead"}, Parent{Parent: "mother", Status: "dead"})}}}},
			want: isNo, says: []string{"属于孤儿，应按孤儿基本生活保障办理"}},
		{name: "已享受事实无人抚养儿童补贴", req: one(t, "distressed_child", "2024-06-01", "371002",
			Member{IDNumber: kid, Disability: limb2, Benefits: []Benefit{{Program: "unsupported_child", MonthlyFen: 212400}, {Program: "dibao", MonthlyFen: 30000}}}),
			want: isNo, says: []string{"本人已享受事实无人抚养儿童基本生活补贴，不再按重点困境儿童保障"}},
		{name: "母亲死亡父亲失联日期未填", req: Request{Program: "distressed_child", Date: day(t, "2024-06-01"), Region: "371002",
			Household: Household{Benefits: dibao, Members: []Member{{IDNumber: kid, Disability: limb2,
				Parents: parents(Parent{Parent: "father", Status: "lost_contact"}, Parent{Parent: "mother", Status: "dead"})}}}},
			missing: []string{"household.members[0].parents[0].since"}, says: []string{"须先确定是否属于事实无人抚养儿童"}},
		{name: "年龄不明", req: one(t, "distressed_child", "2024-06-01", "371002", Member{Disability: limb2}),
			missing: []string{"household.members[0].id_number"}},
	})
}

func TestShiftMonths(t *testing.T) {
	for _, c := range [][3]string{{"2023-08-31", "6", "2024-02-29"}, {"2024-01-15", "6", "2024-07-15"}, {"2024-03-31", "-1", "2024-02-29"}, {"2023-12-01", "1", "2024-01-01"}} {
		n := map[string]int{"6": 6, "-1": -1, "1": 1}[c[1]]
		if got := shiftMonths(day(t, c[0]), n); got != day(t, c[2]) {
			t.Errorf("shiftMonths(%s, %d) = %s, want %s", c[0], n, got, c[2])
		}
	}
}
