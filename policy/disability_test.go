package policy

import (
	"errors"
	"strings"
	"testing"

	"minzheng"
)

func TestDisabilityLiving(t *testing.T) {
	adult := person(t, "370614", "1985-07-08", 51)
	kid := person(t, "370614", "2012-07-08", 52)
	limb2 := &Disability{Category: "limb", Level: 2}
	onDibao := func(m Member) Request {
		r := one(t, "disability_living", "2024-06-01", "370614107201", m)
		r.Household.Benefits = []Benefit{{Program: "dibao", MonthlyFen: 80000}}
		return r
	}
	edgeWider := withRows(t, localRow(t, "disability_living.groups", "370614", "dibao,dibao_edge"))
	runProgCases(t, []progCase{
		{name: "低保家庭的持证残疾人", req: onDibao(Member{IDNumber: adult, Disability: limb2}),
			want: isYes, amount: 10000, golden: "disability_living_dibao",
			says: []string{"本人持2级肢体残疾证", "家庭享受低保，在困难残疾人生活补贴覆盖范围内（覆盖：低保）"}},
		{name: "未持残疾人证", req: onDibao(Member{IDNumber: adult}),
			want: isNo, says: []string{"本人未持有残疾人证，不符合困难残疾人生活补贴条件"}},
		{name: "低保边缘家庭不在国家规定范围内", req: one(t, "disability_living", "2024-06-01", "370614107201",
			Member{IDNumber: adult, Disability: limb2, Benefits: []Benefit{{Program: "dibao_edge"}}}),
			want: isNo, says: []string{"家庭及本人均未享受困难残疾人生活补贴覆盖的救助（覆盖：低保），不在覆盖范围内"}},
		{name: "本区扩大到低保边缘家庭", book: edgeWider, req: one(t, "disability_living", "2024-06-01", "370614107201",
			Member{IDNumber: adult, Disability: limb2, Benefits: []Benefit{{Program: "dibao_edge"}}}),
			want: isYes, amount: 10000, says: []string{"本人属于低保边缘家庭，在困难残疾人生活补贴覆盖范围内（覆盖：低保、低保边缘家庭）"}},
		{name: "他区不因本区扩大而改变", book: edgeWider, req: one(t, "disability_living", "2024-06-01", "371002",
			Member{IDNumber: adult, Disability: limb2, Benefits: []Benefit{{Program: "dibao_edge"}}}),
			want: isNo},
		{name: "特困供养人员不享受", req: one(t, "disability_living", "2024-06-01", "370614107201",
			Member{IDNumber: adult, Disability: limb2, Benefits: []Benefit{{Program: "tekun", MonthlyFen: 152000}}}),
			want: isNo, says: []string{"本人为特困供养人员，本地规定特困供养人员不享受困难残疾人生活补贴"}},
		{name: "本区未规定排除特困", book: withRows(t, localRow(t, "disability.exclude_tekun", "370614", "false"),
			localRow(t, "disability_living.groups", "370614", "dibao,tekun")),
			req: one(t, "disability_living", "2024-06-01", "370614107201",
				Member{IDNumber: adult, Disability: limb2, Benefits: []Benefit{{Program: "tekun", MonthlyFen: 152000}}}),
			want: isYes, amount: 10000, says: []string{"本地未规定特困供养人员不享受残疾人两项补贴"}},
		{name: "孤儿不享受生活补贴", req: onDibao(Member{IDNumber: kid, Disability: limb2, Benefits: []Benefit{{Program: "orphan", MonthlyFen: 150000}}}),
			want: isNo, says: []string{"本人享受孤儿基本生活保障，不享受困难残疾人生活补贴"}},
		{name: "全额领取事实无人抚养补贴不享受", req: one(t, "disability_living", "2024-06-01", "370614107201",
			Member{IDNumber: kid, Disability: limb2, Benefits: []Benefit{{Program: "unsupported_child", MonthlyFen: 150000}}}),
			want: isNo, says: []string{"本人全额领取事实无人抚养儿童基本生活补贴，不享受困难残疾人生活补贴"}},
		{name: "补差领取事实无人抚养补贴可享受", req: onDibao(Member{IDNumber: kid, Disability: limb2,
			Benefits: []Benefit{{Program: "unsupported_child", MonthlyFen: 100000}}}),
			want: isYes, amount: 10000, says: []string{"为补差发放"}},
	})
}

func TestDisabilityLivingNoStandard(t *testing.T) {
	req := one(t, "disability_living", "2023-06-01", "370614107201", Member{IDNumber: person(t, "370614", "1985-07-08", 51),
		Disability: &Disability{Category: "limb", Level: 2}})
	req.Household.Benefits = []Benefit{{Program: "dibao", MonthlyFen: 80000}}
	_, err := Evaluate(req, book)
	var me *minzheng.Error
	if !errors.As(err, &me) || me.Code != minzheng.CodeInvalid || !strings.Contains(me.Message, "disability_living.standard") {
		t.Fatalf("err = %v, want invalid naming disability_living.standard", err)
	}
}

func TestDisabilityCare(t *testing.T) {
	adult := person(t, "370614", "1980-01-02", 61)
	kid := person(t, "370614", "2015-01-02", 62)
	care := func(dis *Disability, long *bool, extra ...func(*Member)) Request {
		m := Member{IDNumber: adult, Disability: dis, LongTermCare: long}
		for _, f := range extra {
			f(&m)
		}
		return one(t, "disability_care", "2024-06-01", "370614107201", m)
	}
	beijingLike := withRows(t, localRow(t, "disability_care.extra", "370614", "intellectual:3,mental:3"))
	runProgCases(t, []progCase{
		{name: "一级肢体残疾需长期照护", req: care(&Disability{Category: "limb", Level: 1}, isYes),
			want: isYes, amount: 15000, golden: "disability_care_level1",
			says: []string{"1级残疾，属于重度残疾（一级、二级）", "本人需要长期照护（6个月以上）"}},
		{name: "二级视力残疾", req: care(&Disability{Category: "visual", Level: 2}, isYes),
			want: isYes, amount: 10000},
		{name: "三级肢体残疾不属于重度", req: care(&Disability{Category: "limb", Level: 3}, isYes),
			want: isNo, says: []string{"3级肢体残疾不属于重度残疾（一级、二级），本地未扩大护理补贴范围"}},
		{name: "三级智力残疾在国家范围外", req: care(&Disability{Category: "intellectual", Level: 3}, isYes),
			want: isNo},
		{name: "本区扩大到三级智力残疾", book: beijingLike, req: care(&Disability{Category: "intellectual", Level: 3}, isYes),
			want: isYes, amount: 10000, golden: "disability_care_extra",
			says: []string{"本地护理补贴扩大到3级及以上智力残疾，本人在范围内"}},
		{name: "本区扩大范围不含四级精神残疾", book: beijingLike, req: care(&Disability{Category: "mental", Level: 4}, isYes),
			want: isNo, says: []string{"也不在本地扩大的范围（3级及以上智力残疾、3级及以上精神残疾）内"}},
		{name: "是否需要长期照护未填写", req: care(&Disability{Category: "limb", Level: 1}, nil),
			missing: []string{"household.members[0].long_term_care"}},
		{name: "不需要长期照护", req: care(&Disability{Category: "limb", Level: 1}, isNo),
			want: isNo, says: []string{"本人不需要长期照护（6个月以上）"}},
		{name: "领取工伤保险生活护理费", req: care(&Disability{Category: "limb", Level: 1}, nil, func(m *Member) {
			m.Incomes = []Income{{Kind: "work_injury_care", MonthlyFen: 300000}}
		}), want: isNo, says: []string{"本人领取工伤保险生活护理费 3000 元/月，不享受重度残疾人护理补贴"}},
		{name: "特困供养人员不享受", req: care(&Disability{Category: "limb", Level: 2}, isYes, func(m *Member) {
			m.Benefits = []Benefit{{Program: "tekun", MonthlyFen: 152000}}
		}), want: isNo},
		{name: "孤儿可享受护理补贴", req: one(t, "disability_care", "2024-06-01", "370614107201", Member{IDNumber: kid,
			Disability: &Disability{Category: "intellectual", Level: 2}, LongTermCare: isYes, Benefits: []Benefit{{Program: "orphan", MonthlyFen: 150000}}}),
			want: isYes, amount: 10000},
		{name: "未持残疾人证", req: care(nil, isYes), want: isNo},
	})
}
