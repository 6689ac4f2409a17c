package policy

import "sort"

// Spec describes a parameter: its name (the one name used in code, SQL,
// JSON and the --set flag), its kind, its Chinese title, and for codes and
// lists the values allowed. The catalog is code; the values are data.
type Spec struct {
	Name    string   `json:"name"`
	Kind    Kind     `json:"kind"`
	Title   string   `json:"title"`
	Unit    string   `json:"unit,omitempty"`
	Allowed []string `json:"allowed,omitempty"`
	// Standard marks the money standards the 标准调整情况 report follows.
	Standard bool `json:"standard,omitempty"`
}

var incomeKinds = []string{"wage", "business", "property", "transfer", "pension", "pension_basic", "alimony",
	"preferential_care", "family_planning", "scholarship", "heroism", "assistance", "grassland_subsidy",
	"elderly_allowance", "disability_subsidy", "work_injury_care", "other"}

var expenseKinds = []string{"medical", "education", "job_cost", "other"}

var disabilityCategories = map[string]string{"visual": "视力残疾", "hearing": "听力残疾", "speech": "言语残疾",
	"limb": "肢体残疾", "intellectual": "智力残疾", "mental": "精神残疾", "multiple": "多重残疾"}

var programCodes = []string{"dibao", "dibao_edge", "tekun", "linshi", "orphan", "unsupported_child", "distressed_child", "disability_living", "disability_care", "elderly_longevity", "elderly_poor", "college_student", "free_electricity"}

var schoolings = []string{"none", "preschool", "compulsory", "high_school", "vocational", "higher"}

var specs = []Spec{
	// 低保 (《低保办法》, 《暂行办法》第10–12条)
	{Name: "dibao.standard.urban", Kind: KindFen, Title: "城市低保标准", Unit: "分/人/月", Standard: true},
	{Name: "dibao.standard.rural", Kind: KindFen, Title: "农村低保标准", Unit: "分/人/月", Standard: true},
	{Name: "dibao.unified", Kind: KindBool, Title: "城乡统一低保标准"},
	{Name: "dibao.income.exempt", Kind: KindList, Title: "不计入家庭收入的收入类别", Allowed: incomeKinds},
	{Name: "dibao.deduct.expenses", Kind: KindList, Title: "可从收入中扣减的刚性支出类别", Allowed: expenseKinds},
	{Name: "dibao.assets.deposit_months", Kind: KindInt, Title: "人均金融资产上限（月低保标准的倍数）", Unit: "个月"},
	{Name: "dibao.assets.vehicles_max", Kind: KindInt, Title: "机动车辆上限", Unit: "辆"},
	{Name: "dibao.assets.houses_max", Kind: KindInt, Title: "房屋上限", Unit: "套"},
	{Name: "dibao.rounding", Kind: KindCode, Title: "保障金取整方式", Allowed: []string{"fen", "jiao_up", "jiao_half", "yuan_up", "yuan_half"}},
	{Name: "dibao.minimum", Kind: KindFen, Title: "每户最低保障金", Unit: "分/户/月"},
	{Name: "dibao.extra.severe_disability", Kind: KindFen, Title: "重度残疾人增发", Unit: "分/人/月"},
	{Name: "dibao.extra.elderly", Kind: KindFen, Title: "老年人增发", Unit: "分/人/月"},
	{Name: "dibao.extra.elderly_age", Kind: KindInt, Title: "增发的老年人年龄", Unit: "周岁"},
	{Name: "dibao.extra.minor", Kind: KindFen, Title: "未成年人增发", Unit: "分/人/月"},
	{Name: "dibao.single_person.minors", Kind: KindBool, Title: "单人保扩大到未成年人"},
	{Name: "dibao.edge.multiple", Kind: KindRatio, Title: "低保边缘家庭收入线（低保标准的倍数）", Unit: "倍"},

	// 特困 (《特困办法》)
	{Name: "tekun.standard.urban", Kind: KindFen, Title: "城市特困人员基本生活标准", Unit: "分/人/月", Standard: true},
	{Name: "tekun.standard.rural", Kind: KindFen, Title: "农村特困人员基本生活标准", Unit: "分/人/月", Standard: true},
	{Name: "tekun.care.capable", Kind: KindFen, Title: "照料护理标准（具备生活自理能力）", Unit: "分/人/月", Standard: true},
	{Name: "tekun.care.partially_lost", Kind: KindFen, Title: "照料护理标准（部分丧失生活自理能力）", Unit: "分/人/月", Standard: true},
	{Name: "tekun.care.fully_lost", Kind: KindFen, Title: "照料护理标准（完全丧失生活自理能力）", Unit: "分/人/月", Standard: true},
	{Name: "tekun.work_age", Kind: KindInt, Title: "无劳动能力的年龄", Unit: "周岁"},
	{Name: "tekun.work_age_hardship", Kind: KindInt, Title: "艰苦边远地区无劳动能力的年龄", Unit: "周岁"},
	{Name: "tekun.hardship_class_min", Kind: KindInt, Title: "适用艰苦边远地区年龄的最低艰苦类别", Unit: "类"},
	{Name: "tekun.child_age", Kind: KindInt, Title: "无劳动能力的未成年人年龄上限（不含）", Unit: "周岁"},
	{Name: "tekun.disability", Kind: KindList, Title: "视为无劳动能力的残疾类别和最低等级（类别:等级）", Allowed: []string{"category:level"}},
	{Name: "tekun.income.exempt", Kind: KindList, Title: "特困认定不计入的收入类别", Allowed: incomeKinds},
	{Name: "tekun.assets.deposit_months", Kind: KindInt, Title: "特困人员金融资产上限（月低保标准的倍数）", Unit: "个月"},
	{Name: "tekun.keep_age", Kind: KindInt, Title: "未成年特困人员保留供养的年龄", Unit: "周岁"},
	{Name: "tekun.keep_schooling", Kind: KindList, Title: "年满保留年龄后在读仍保留供养的学段", Allowed: schoolings},
	{Name: "tekun.supporter.old_age", Kind: KindInt, Title: "视为无履行义务能力的赡养人年龄", Unit: "周岁"},
	{Name: "tekun.supporter.dibao_age", Kind: KindInt, Title: "视为无履行义务能力的低保赡养人年龄", Unit: "周岁"},
	{Name: "tekun.supporter.income_limit", Kind: KindFen, Title: "上年度当地居民人均可支配收入（按月）", Unit: "分/月"},

	// 临时救助 (《暂行办法》第47–49条, 《2020意见》第15条)
	{Name: "linshi.emergency.months", Kind: KindRatio, Title: "急难型救助额（月低保标准的倍数，按人）", Unit: "倍"},
	{Name: "linshi.expenditure.multiple", Kind: KindRatio, Title: "支出型救助收入线（扣除刚性支出后，低保标准的倍数）", Unit: "倍"},
	{Name: "linshi.expenditure.kinds", Kind: KindList, Title: "支出型临时救助计入的刚性支出类别", Allowed: expenseKinds},
	{Name: "linshi.cap.months", Kind: KindRatio, Title: "临时救助上限（月低保标准的倍数，按户）", Unit: "倍"},
	{Name: "linshi.authority.township_max", Kind: KindFen, Title: "乡镇审批权限上限", Unit: "分"},
	{Name: "linshi.authority.county_max", Kind: KindFen, Title: "县级审批权限上限（以上一事一议）", Unit: "分"},

	// 儿童 (民发〔2019〕62号; 国发〔2016〕36号)
	{Name: "orphan.standard", Kind: KindFen, Title: "孤儿基本生活费标准", Unit: "分/人/月", Standard: true},
	{Name: "unsupported_child.standard", Kind: KindFen, Title: "事实无人抚养儿童生活补贴标准", Unit: "分/人/月", Standard: true},
	{Name: "unsupported_child.lost_contact_months", Kind: KindInt, Title: "失联认定月数", Unit: "个月"},
	{Name: "unsupported_child.term_months", Kind: KindInt, Title: "服刑在押、强制隔离戒毒等期限", Unit: "个月"},
	{Name: "distressed_child.standard", Kind: KindFen, Title: "重点困境儿童基本生活费标准", Unit: "分/人/月", Standard: true},
	{Name: "distressed_child.groups", Kind: KindList, Title: "重点困境儿童的认定情形", Allowed: []string{"poor_disabled", "poor_ill", "severe_disability", "guardianship"}},
	{Name: "child.age_limit", Kind: KindInt, Title: "儿童年龄上限（不含）", Unit: "周岁"},

	// 残疾人两项补贴 (国发〔2015〕52号)
	{Name: "disability_living.standard", Kind: KindFen, Title: "困难残疾人生活补贴标准", Unit: "分/人/月", Standard: true},
	{Name: "disability_living.groups", Kind: KindList, Title: "生活补贴覆盖的困难家庭", Allowed: []string{"dibao", "dibao_edge", "tekun"}},
	{Name: "disability_care.standard.level1", Kind: KindFen, Title: "重度残疾人护理补贴标准（一级）", Unit: "分/人/月", Standard: true},
	{Name: "disability_care.standard.level2", Kind: KindFen, Title: "重度残疾人护理补贴标准（二级及扩大范围）", Unit: "分/人/月", Standard: true},
	{Name: "disability_care.extra", Kind: KindList, Title: "护理补贴扩大到的残疾类别和最低等级（类别:等级）", Allowed: []string{"category:level"}},
	{Name: "disability.exclude_tekun", Kind: KindBool, Title: "特困供养人员不享受两项补贴"},

	// 老年人 (老年人权益保障法第30、33条)
	{Name: "elderly_longevity.tiers", Kind: KindList, Title: "高龄津贴档次（年龄:分/月）", Allowed: []string{"age:fen"}},
	{Name: "elderly_longevity.low_income_only", Kind: KindBool, Title: "高龄津贴仅限低收入老年人"},
	{Name: "elderly_poor.age", Kind: KindInt, Title: "经济困难老年人补贴年龄", Unit: "周岁"},
	{Name: "elderly_poor.standard", Kind: KindFen, Title: "经济困难老年人补贴标准", Unit: "分/人/月", Standard: true},
	{Name: "elderly_poor.groups", Kind: KindList, Title: "经济困难老年人补贴覆盖的困难家庭", Allowed: []string{"dibao", "dibao_edge", "tekun"}},

	// 其他
	{Name: "college_student.amount", Kind: KindFen, Title: "困难大学生一次性救助", Unit: "分/人", Standard: true},
	{Name: "college_student.groups", Kind: KindList, Title: "困难大学生救助覆盖的困难家庭", Allowed: []string{"dibao", "dibao_edge", "tekun", "orphan", "unsupported_child"}},
	{Name: "free_electricity.kwh", Kind: KindInt, Title: "免费电量", Unit: "千瓦时/户/月"},
	{Name: "free_electricity.groups", Kind: KindList, Title: "免费电量覆盖的困难家庭", Allowed: []string{"dibao", "tekun"}},
	// 业务办理 (casework): who decides and on what clock, per region.
	{Name: "casework.delegated", Kind: KindList, Title: "审核确认权限下放乡镇（街道）的项目", Allowed: programCodes},
	{Name: "casework.limit_workdays", Kind: KindInt, Title: "审核确认办理时限（自受理起）", Unit: "个工作日"},
	{Name: "casework.extended_workdays", Kind: KindInt, Title: "特殊情况延长后的办理时限", Unit: "个工作日"},
	{Name: "casework.notice_days", Kind: KindInt, Title: "公示天数", Unit: "天"},
	{Name: "casework.emergency_answer_hours", Kind: KindInt, Title: "急难型临时救助响应时限", Unit: "小时"},
	{Name: "casework.emergency_aid_hours", Kind: KindInt, Title: "急难型临时救助救助时限", Unit: "小时"},
	{Name: "casework.linked", Kind: KindList, Title: "批准低保、特困后联动办理的项目", Allowed: programCodes},
	{Name: "casework.auto_grant", Kind: KindList, Title: "免申即享的项目", Allowed: programCodes},
	{Name: "region.hardship_class", Kind: KindInt, Title: "艰苦边远地区类别", Unit: "类"},
}

var specByName = func() map[string]Spec {
	m := make(map[string]Spec, len(specs))
	for _, s := range specs {
		m[s.Name] = s
	}
	return m
}()

// Lookup finds a parameter's spec by name.
func Lookup(name string) (Spec, bool) {
	s, ok := specByName[name]
	return s, ok
}

// Specs lists every parameter, by name.
func Specs() []Spec {
	out := append([]Spec(nil), specs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
