package registry_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/region"
	"minzheng/registry"
)

// The persons of the test household: a couple and their son in 辛店一村.
var (
	headID   = registry.NewIDNumber("370614", date(1970, time.May, 10), 111)    // 张三, male
	spouseID = registry.NewIDNumber("370614", date(1972, time.August, 20), 222) // 李四, female
	childID  = registry.NewIDNumber("370614", date(2010, time.March, 3), 333)   // 张小明, male
	sonID    = registry.NewIDNumber("370614", date(1990, time.July, 7), 555)    // 张大明, outside the household
)

// baseHousehold is a valid new household; each case spoils one thing.
func baseHousehold() registry.NewHousehold {
	return registry.NewHousehold{
		Region:  "370614107201",
		Area:    "rural",
		Address: "大辛店镇辛店一村12号",
		Members: []registry.NewMember{
			{IDNumber: string(headID), Relation: "head", PersonFacts: registry.PersonFacts{Name: "张三"}},
			{IDNumber: string(spouseID), Relation: "spouse", PersonFacts: registry.PersonFacts{Name: "李四"}},
			{IDNumber: string(childID), Relation: "child", PersonFacts: registry.PersonFacts{Name: "张小明"}},
		},
	}
}

// wrong17 is a number whose check character is wrong.
func wrong17(id registry.IDNumber) string { return wrongCheck(string(id[:17])) }

// wantInvalid asserts an invalid error on field with exactly msg.
func wantInvalid(t *testing.T, err error, field, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want invalid %s: %s", field, msg)
	}
	e, ok := minzheng.AsError(err)
	if !ok {
		t.Fatalf("error %v is not a minzheng.Error", err)
	}
	if e.Code != minzheng.CodeInvalid || e.Field != field || e.Message != msg {
		t.Errorf("error\n got %s %q %q\nwant invalid %q %q", e.Code, e.Field, e.Message, field, msg)
	}
}

const (
	relationCodes  = "head、spouse、child、parent、parent_in_law、grandparent、grandchild、sibling、child_in_law、other"
	incomeKindCode = "wage、business、property、transfer、pension、pension_basic、alimony、preferential_care、family_planning、scholarship、heroism、assistance、grassland_subsidy、elderly_allowance、disability_subsidy、work_injury_care、other"
)

func TestNewHouseholdCheckBadInput(t *testing.T) {
	member := func(i int) registry.NewMember {
		return registry.NewMember{IDNumber: string(registry.NewIDNumber("370614", date(1950+i, time.January, 1+i%28), 100+i)),
			Relation: "other", PersonFacts: registry.PersonFacts{Name: "成员" + strings.Repeat("甲", 1+i%3)}}
	}
	cases := []struct {
		name  string
		spoil func(h *registry.NewHousehold)
		field string
		msg   string
	}{
		// The household.
		{"区划是乡镇", func(h *registry.NewHousehold) { h.Region = "370614107" }, "region",
			"家庭应登记到村（居）：区划代码 370614107 是乡镇级，请填 12 位村级代码"},
		{"区划是补零的乡镇", func(h *registry.NewHousehold) { h.Region = "370614107000" }, "region",
			"家庭应登记到村（居）：区划代码 370614107000 是乡镇级，请填 12 位村级代码"},
		{"区划是县", func(h *registry.NewHousehold) { h.Region = "370614" }, "region",
			"家庭应登记到村（居）：区划代码 370614 是县级，请填 12 位村级代码"},
		{"区划11位", func(h *registry.NewHousehold) { h.Region = "37061410720" }, "region",
			`户籍所在村（居）的区划代码 "37061410720" 不对，应为 12 位村级代码`},
		{"区划有字母", func(h *registry.NewHousehold) { h.Region = "37061410720A" }, "region",
			`户籍所在村（居）的区划代码 "37061410720A" 不对，应为 12 位村级代码`},
		{"区划为空", func(h *registry.NewHousehold) { h.Region = "" }, "region",
			`户籍所在村（居）的区划代码 "" 不对，应为 12 位村级代码`},
		{"城乡属性不对", func(h *registry.NewHousehold) { h.Area = "suburb" }, "area",
			"城乡属性“suburb”不对，应为 urban、rural 之一"},
		{"地址太长", func(h *registry.NewHousehold) { h.Address = strings.Repeat("村", 201) }, "address",
			"地址不能超过 200 个字"},
		{"生效日期晚于今天", func(h *registry.NewHousehold) { h.ValidFrom = date(2025, 9, 27) }, "valid_from",
			"生效日期 2025-09-27 不能晚于今天"},
		{"银行账号太短", func(h *registry.NewHousehold) {
			h.Bank = &registry.Bank{Name: "蓬莱农商银行", Account: "1234567", Holder: "张三"}
		}, "bank.account", "银行账号应为 8 到 30 位数字"},
		{"银行账号有字母", func(h *registry.NewHousehold) {
			h.Bank = &registry.Bank{Name: "蓬莱农商银行", Account: "6228A80012345678", Holder: "张三"}
		}, "bank.account", "银行账号应为 8 到 30 位数字"},
		{"没有开户银行", func(h *registry.NewHousehold) { h.Bank = &registry.Bank{Account: "6228480012345678", Holder: "张三"} },
			"bank.name", "请填写开户银行"},
		{"没有户名", func(h *registry.NewHousehold) {
			h.Bank = &registry.Bank{Name: "蓬莱农商银行", Account: "6228480012345678"}
		},
			"bank.holder", "请填写姓名"},

		// Members: how many, and the head.
		{"没有成员", func(h *registry.NewHousehold) { h.Members = nil }, "members", "家庭至少要有一位成员（户主）"},
		{"31位成员", func(h *registry.NewHousehold) {
			for i := 3; i < 31; i++ {
				h.Members = append(h.Members, member(i))
			}
		}, "members", "一户最多 30 位成员，现有 31 位"},
		{"两位户主", func(h *registry.NewHousehold) { h.Members[1].Relation = "head" }, "members",
			"一户应有且只有一位户主（relation 为 head），现有 2 位"},
		{"没有户主", func(h *registry.NewHousehold) { h.Members[0].Relation = "spouse" }, "members",
			"一户应有且只有一位户主（relation 为 head），现有 0 位"},
		{"与户主关系不认识", func(h *registry.NewHousehold) { h.Members[1].Relation = "wife" }, "members[1].relation",
			"第 2 位成员（李四）：与户主关系“wife”不对，应为 " + relationCodes + " 之一"},
		{"与户主关系为空", func(h *registry.NewHousehold) { h.Members[2].Relation = "" }, "members[2].relation",
			"第 3 位成员（张小明）：与户主关系“”不对，应为 " + relationCodes + " 之一"},
		{"与户主关系大写", func(h *registry.NewHousehold) { h.Members[0].Relation = "HEAD" }, "members[0].relation",
			"第 1 位成员（张三）：与户主关系“HEAD”不对，应为 " + relationCodes + " 之一"},

		// Members: names and ID numbers.
		{"成员没有姓名", func(h *registry.NewHousehold) { h.Members[1].Name = "" }, "members[1].name", "第 2 位成员：请填写姓名"},
		{"姓名含数字", func(h *registry.NewHousehold) { h.Members[1].Name = "李4" }, "members[1].name",
			"第 2 位成员（李4）：姓名“李4”中含有数字或符号"},
		{"姓名太长", func(h *registry.NewHousehold) { h.Members[0].Name = strings.Repeat("张", 41) }, "members[0].name",
			"第 1 位成员（" + strings.Repeat("张", 41) + "）：姓名不能超过 40 个字"},
		{"校验位错误", func(h *registry.NewHousehold) { h.Members[1].IDNumber = wrong17(spouseID) }, "members[1].id_number",
			"第 2 位成员（李四）：身份证号 " + minzheng.MaskID(wrong17(spouseID)) + " 的校验位不对，请核对号码"},
		{"出生日期不存在", func(h *registry.NewHousehold) { h.Members[2].IDNumber = withCheck("37061420100230333") }, "members[2].id_number",
			"第 3 位成员（张小明）：身份证号 " + minzheng.MaskID(withCheck("37061420100230333")) + " 中的出生日期 20100230 不存在"},
		{"出生月份13", func(h *registry.NewHousehold) { h.Members[2].IDNumber = withCheck("37061420101303333") }, "members[2].id_number",
			"第 3 位成员（张小明）：身份证号 " + minzheng.MaskID(withCheck("37061420101303333")) + " 中的出生日期 20101303 不存在"},
		{"出生日期晚于今天", func(h *registry.NewHousehold) { h.Members[2].IDNumber = withCheck("37061420251001333") }, "members[2].id_number",
			"第 3 位成员（张小明）：身份证号 " + minzheng.MaskID(withCheck("37061420251001333")) + " 中的出生日期 2025-10-01 晚于今天"},
		{"身份证号位数不对", func(h *registry.NewHousehold) { h.Members[0].IDNumber = "3706141970" }, "members[0].id_number",
			"第 1 位成员（张三）：身份证号应为 18 位（或旧的 15 位），现为 10 位"},
		{"同户身份证号重复", func(h *registry.NewHousehold) { h.Members[2].IDNumber = string(headID) }, "members[2].id_number",
			"第 3 位成员（张小明）的身份证号与第 1 位成员相同"},
		{"15位与18位是同一人", func(h *registry.NewHousehold) {
			h.Members[1].IDNumber = string(headID[:6]) + string(headID[8:17]) // 15-digit form of the head's number
		}, "members[1].id_number", "第 2 位成员（李四）的身份证号与第 1 位成员相同"},
		{"小写x与大写X是同一人", func(h *registry.NewHousehold) {
			x := registry.IDNumber(withCheck("37061419800101123")) // ends in X
			h.Members[0].IDNumber = string(x)
			h.Members[2].IDNumber = strings.ToLower(string(x))
		}, "members[2].id_number", "第 3 位成员（张小明）的身份证号与第 1 位成员相同"},

		// Members: conditions.
		{"残疾等级5级", func(h *registry.NewHousehold) {
			h.Members[0].Disability = &registry.Disability{Category: "limb", Level: 5}
		}, "members[0].disability.level", "第 1 位成员（张三）：残疾等级应为 1 到 4 级，现为 5"},
		{"残疾等级0级", func(h *registry.NewHousehold) {
			h.Members[1].Disability = &registry.Disability{Category: "visual"}
		}, "members[1].disability.level", "第 2 位成员（李四）：残疾等级应为 1 到 4 级，现为 0"},
		{"残疾类别不认识", func(h *registry.NewHousehold) {
			h.Members[0].Disability = &registry.Disability{Category: "blind", Level: 1}
		}, "members[0].disability.category", "第 1 位成员（张三）：残疾类别“blind”不对，应为 visual、hearing、speech、limb、intellectual、mental、multiple 之一"},
		{"电话格式不对", func(h *registry.NewHousehold) { h.Members[0].Phone = "12345" }, "members[0].phone",
			"第 1 位成员（张三）：电话号码“*****”格式不对"},
		{"户籍地区划不对", func(h *registry.NewHousehold) { h.Members[0].HukouRegion = "3706" + "1" }, "members[0].hukou_region",
			`第 1 位成员（张三）：户籍地区划代码 "37061" 不对`},
		{"就学阶段不认识", func(h *registry.NewHousehold) { h.Members[2].Schooling = "college" }, "members[2].schooling",
			"第 3 位成员（张小明）：就学阶段“college”不对，应为 none、preschool、compulsory、high_school、vocational、higher 之一"},
		{"就业状况不认识", func(h *registry.NewHousehold) { h.Members[0].Employment = "boss" }, "members[0].employment",
			"第 1 位成员（张三）：就业状况“boss”不对，应为 employed、self_employed、farming、unemployed、retired、unable 之一"},
		{"婚姻状况不认识", func(h *registry.NewHousehold) { h.Members[0].Marital = "engaged" }, "members[0].marital",
			"第 1 位成员（张三）：婚姻状况“engaged”不对，应为 single、married、divorced、widowed 之一"},
		{"死亡日期早于出生", func(h *registry.NewHousehold) { h.Members[0].DeathDate = date(1960, 1, 1) }, "members[0].death_date",
			"第 1 位成员（张三）：死亡日期 1960-01-01 不对：不能晚于今天或早于出生日期"},
		{"死亡日期晚于今天", func(h *registry.NewHousehold) { h.Members[0].DeathDate = date(2025, 9, 27) }, "members[0].death_date",
			"第 1 位成员（张三）：死亡日期 2025-09-27 不对：不能晚于今天或早于出生日期"},
		{"自理评估项目不认识", func(h *registry.NewHousehold) {
			h.Members[0].SelfCare = &registry.SelfCare{Unable: []string{"eating", "flying"}}
		}, "members[0].self_care.unable", "第 1 位成员（张三）：自理能力评估项目“flying”不对，应为 eating、dressing、bed_transfer、toileting、walking、bathing 之一"},
		{"自理评估项目重复", func(h *registry.NewHousehold) {
			h.Members[0].SelfCare = &registry.SelfCare{Unable: []string{"eating", "eating"}}
		}, "members[0].self_care.unable", "第 1 位成员（张三）：自理能力评估项目“进食”重复"},
		{"自理评估日期晚于今天", func(h *registry.NewHousehold) {
			h.Members[0].SelfCare = &registry.SelfCare{AssessedOn: date(2025, 10, 1), Unable: []string{"eating"}}
		}, "members[0].self_care.assessed_on", "第 1 位成员（张三）：评估日期 2025-10-01 不对"},

		// Facts: kinds, negative amounts, periods and dates.
		{"家庭收入类别不认识", func(h *registry.NewHousehold) {
			h.Incomes = []registry.Income{{Kind: "salary", Amount: 100000}}
		}, "incomes[0].kind", "收入类别“salary”不对，应为 " + incomeKindCode + " 之一"},
		{"成员收入类别不认识", func(h *registry.NewHousehold) {
			h.Members[1].Incomes = []registry.Income{{Kind: "wage", Amount: 1}, {Kind: "lottery", Amount: 1}}
		}, "members[1].incomes[1].kind", "第 2 位成员（李四）：收入类别“lottery”不对，应为 " + incomeKindCode + " 之一"},
		{"家庭收入为负", func(h *registry.NewHousehold) {
			h.Incomes = []registry.Income{{Kind: "business", Amount: -1}}
		}, "incomes[0].amount", "收入金额不能为负数（亏损的经营收入请按 0 填报，并在备注中说明）"},
		{"成员收入为负", func(h *registry.NewHousehold) {
			h.Members[0].Incomes = []registry.Income{{Kind: "wage", Amount: 300000}, {Kind: "business", Amount: -50000}}
		}, "members[0].incomes[1].amount", "第 1 位成员（张三）：收入金额不能为负数（亏损的经营收入请按 0 填报，并在备注中说明）"},
		{"财产价值为负", func(h *registry.NewHousehold) {
			h.Assets = []registry.Asset{{Kind: "deposit", Value: -100}}
		}, "assets[0].value", "财产价值不能为负数"},
		{"成员财产价值为负", func(h *registry.NewHousehold) {
			h.Members[1].Assets = []registry.Asset{{Kind: "vehicle", Value: -1}}
		}, "members[1].assets[0].value", "第 2 位成员（李四）：财产价值不能为负数"},
		{"支出为负", func(h *registry.NewHousehold) {
			h.Expenses = []registry.Expense{{Kind: "medical", Amount: -5}}
		}, "expenses[0].amount", "支出金额不能为负数"},
		{"成员支出为负", func(h *registry.NewHousehold) {
			h.Members[2].Expenses = []registry.Expense{{Kind: "education", Amount: -5}}
		}, "members[2].expenses[0].amount", "第 3 位成员（张小明）：支出金额不能为负数"},
		{"财产类别不认识", func(h *registry.NewHousehold) {
			h.Assets = []registry.Asset{{Kind: "gold", Value: 1}}
		}, "assets[0].kind", "财产类别“gold”不对，应为 deposit、securities、fund、insurance、claim、internet_finance、vehicle、house、business、other 之一"},
		{"支出类别不认识", func(h *registry.NewHousehold) {
			h.Expenses = []registry.Expense{{Kind: "travel", Amount: 1}}
		}, "expenses[0].kind", "刚性支出类别“travel”不对，应为 medical、education、job_cost、other 之一"},
		{"收入周期不认识", func(h *registry.NewHousehold) {
			h.Incomes = []registry.Income{{Kind: "wage", Amount: 1, Period: "week"}}
		}, "incomes[0].period", "收入周期“week”不对，应为 month、year 之一"},
		{"收入来源不认识", func(h *registry.NewHousehold) {
			h.Incomes = []registry.Income{{Kind: "wage", Amount: 1, Source: "rumor"}}
		}, "incomes[0].source", "收入来源“rumor”不对，应为 declared、verified、compared 之一"},
		{"截止早于起始", func(h *registry.NewHousehold) {
			h.Incomes = []registry.Income{{Kind: "wage", Amount: 1, ValidFrom: date(2025, 3, 1), ValidTo: date(2025, 1, 1)}}
		}, "incomes[0].valid_to", "截止日期 2025-01-01 应晚于起始日期 2025-03-01"},
		{"截止等于起始", func(h *registry.NewHousehold) {
			h.Assets = []registry.Asset{{Kind: "house", Value: 1, ValidFrom: date(2025, 3, 1), ValidTo: date(2025, 3, 1)}}
		}, "assets[0].valid_to", "截止日期 2025-03-01 应晚于起始日期 2025-03-01"},
		{"截止早于户的生效日期", func(h *registry.NewHousehold) {
			h.ValidFrom = date(2025, 6, 1)
			h.Members[0].Expenses = []registry.Expense{{Kind: "medical", Amount: 1, ValidTo: date(2025, 5, 1)}}
		}, "members[0].expenses[0].valid_to", "第 1 位成员（张三）：截止日期 2025-05-01 应晚于起始日期 2025-06-01"},
		{"收入起始晚于今天", func(h *registry.NewHousehold) {
			h.Incomes = []registry.Income{{Kind: "wage", Amount: 1, ValidFrom: date(2025, 10, 1)}}
		}, "incomes[0].valid_from", "起始日期 2025-10-01 不能晚于今天"},

		// Supporters and parents.
		{"义务人没有姓名", func(h *registry.NewHousehold) {
			h.Members[0].Supporters = []registry.Supporter{{Relation: "child"}}
		}, "members[0].supporters[0].name", "第 1 位成员（张三）：请填写姓名"},
		{"义务人关系不认识", func(h *registry.NewHousehold) {
			h.Members[0].Supporters = []registry.Supporter{{Name: "张大明", Relation: "son"}}
		}, "members[0].supporters[0].relation", "第 1 位成员（张三）：义务人关系“son”不对，应为 " + relationCodes + " 之一"},
		{"义务人月收入为负", func(h *registry.NewHousehold) {
			h.Members[0].Supporters = []registry.Supporter{{Name: "张大明", Relation: "child", MonthlyIncome: -1}}
		}, "members[0].supporters[0].monthly_income", "第 1 位成员（张三）：月收入不能为负数"},
		{"义务人身份证号校验位错", func(h *registry.NewHousehold) {
			h.Members[0].Supporters = []registry.Supporter{{Name: "张大明", Relation: "child", IDNumber: wrong17(sonID)}}
		}, "members[0].supporters[0].id_number", "第 1 位成员（张三）：身份证号 " + minzheng.MaskID(wrong17(sonID)) + " 的校验位不对，请核对号码"},
		{"义务人残疾等级不对", func(h *registry.NewHousehold) {
			h.Members[0].Supporters = []registry.Supporter{{Name: "张大明", Relation: "child", Disability: &registry.Disability{Category: "limb", Level: 9}}}
		}, "members[0].supporters[0].disability.level", "第 1 位成员（张三）：残疾等级应为 1 到 4 级"},
		{"父母状况没有日期", func(h *registry.NewHousehold) {
			h.Members[2].ParentStatuses = []registry.ParentStatus{{Parent: "father", Status: "normal"}}
		}, "members[2].parent_statuses[0].since", "第 3 位成员（张小明）：请填写该状况开始的日期"},
		{"父母状况不认识", func(h *registry.NewHousehold) {
			h.Members[2].ParentStatuses = []registry.ParentStatus{{Parent: "father", Status: "away", Since: date(2020, 1, 1)}}
		}, "members[2].parent_statuses[0].status", "第 3 位成员（张小明）：父母状况“away”不对，应为 normal、dead、missing、severely_disabled、seriously_ill、imprisoned、detained、lost_contact 之一"},
		{"父母不是父亲或母亲", func(h *registry.NewHousehold) {
			h.Members[2].ParentStatuses = []registry.ParentStatus{{Parent: "uncle", Status: "dead", Since: date(2020, 1, 1)}}
		}, "members[2].parent_statuses[0].parent", "第 3 位成员（张小明）：父母“uncle”不对，应为 father、mother 之一"},
		{"父母状况开始晚于今天", func(h *registry.NewHousehold) {
			h.Members[2].ParentStatuses = []registry.ParentStatus{{Parent: "mother", Status: "imprisoned", Since: date(2026, 1, 1)}}
		}, "members[2].parent_statuses[0].since", "第 3 位成员（张小明）：开始日期 2026-01-01 不能晚于今天"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := baseHousehold()
			c.spoil(&h)
			_, err := h.Check(today)
			wantInvalid(t, err, c.field, c.msg)
		})
	}
}

// TestNewHouseholdImpossibleDates: a date that does not exist is refused
// where the JSON is read, before Check sees it.
func TestNewHouseholdImpossibleDates(t *testing.T) {
	cases := []struct {
		name, json, msg string
	}{
		{"生效日期2月30日", `{"valid_from":"2025-02-30"}`, `日期 "2025-02-30" 不存在`},
		{"生效日期13月", `{"valid_from":"2025-13-01"}`, `日期 "2025-13-01" 格式不对，应为 YYYY-MM-DD`},
		{"平年2月29日", `{"valid_from":"2025-02-29"}`, `日期 "2025-02-29" 不存在`},
		{"4月31日", `{"incomes":[{"kind":"wage","amount":1,"valid_from":"2025-04-31"}]}`, `日期 "2025-04-31" 不存在`},
		{"成员死亡日期不存在", `{"members":[{"name":"张三","death_date":"2024-06-31"}]}`, `日期 "2024-06-31" 不存在`},
		{"日期不是字符串", `{"valid_from":20250101}`, `日期应为字符串 YYYY-MM-DD`},
		{"日期格式不对", `{"valid_from":"2025/01/01"}`, `日期 "2025/01/01" 格式不对，应为 YYYY-MM-DD`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var h registry.NewHousehold
			err := json.Unmarshal([]byte(c.json), &h)
			// The decoder's error carries the Chinese message as the value of
			// a type error, so that the web layer can name the field.
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) || te.Value != c.msg {
				t.Errorf("unmarshal %s: %v, want %s", c.json, err, c.msg)
			}
		})
	}
	// A leap day that exists is fine.
	var h registry.NewHousehold
	if err := json.Unmarshal([]byte(`{"valid_from":"2024-02-29"}`), &h); err != nil || h.ValidFrom != date(2024, 2, 29) {
		t.Errorf("2024-02-29: %v %s", err, h.ValidFrom)
	}
}

func TestNewHouseholdCheckAccepts(t *testing.T) {
	t.Run("三十位成员", func(t *testing.T) {
		h := baseHousehold()
		for i := 3; i < 30; i++ {
			h.Members = append(h.Members, registry.NewMember{IDNumber: string(registry.NewIDNumber("370614", date(1950+i, 1, 1+i), 100+i)),
				Relation: "other", PersonFacts: registry.PersonFacts{Name: "成员"}})
		}
		c, err := h.Check(today)
		if err != nil || len(c.IDs) != 30 || len(c.Members) != 30 {
			t.Fatalf("30 members: %v, %d ids", err, len(c.IDs))
		}
	})

	t.Run("补全并规范", func(t *testing.T) {
		h := baseHousehold()
		h.Region = " 370614107201 "
		h.Area = ""
		h.Bank = &registry.Bank{Name: " 蓬莱农商银行 ", Account: "6228 4800 1234 5678", Holder: " 张三 "}
		h.Members[0].Name = " 张三 "
		h.Members[0].IDNumber = string(headID[:6]) + string(headID[8:17]) // the 15-digit form
		h.Members[0].Phone = " 13800001111 "
		h.Members[0].HukouRegion = "370614"
		h.Members[0].Disability = &registry.Disability{Category: "limb", Level: 2, Certificate: "37061419700510111142"}
		h.Members[0].SelfCare = &registry.SelfCare{Unable: []string{"walking", "bathing"}}
		h.Members[0].Supporters = []registry.Supporter{{Name: " 张大明 ", Relation: "child", IDNumber: strings.ToLower(string(sonID)), MonthlyIncome: 450000}}
		h.Members[0].Incomes = []registry.Income{{Kind: "wage", Amount: 200000}}
		h.Members[1].IDNumber = strings.ToLower(string(spouseID))
		h.Members[2].ParentStatuses = []registry.ParentStatus{{Parent: "father", Status: "normal", Since: date(2010, 3, 3)}}
		h.Incomes = []registry.Income{{Kind: "grassland_subsidy", Amount: 120000, Period: "year", Source: "verified", ValidFrom: date(2025, 1, 1)}}
		h.Assets = []registry.Asset{{Kind: "deposit", Value: 3000000}}
		h.Expenses = []registry.Expense{{Kind: "medical", Amount: 800000, ValidFrom: date(2025, 2, 1), ValidTo: date(2025, 8, 1)}}

		c, err := h.Check(today)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		if c.RegionCode != region.Code("370614107201") || c.Status != registry.StatusActive || c.ValidFrom != today || c.Area != "" {
			t.Errorf("region %q status %q valid_from %s area %q", c.RegionCode, c.Status, c.ValidFrom, c.Area)
		}
		if !reflect.DeepEqual(c.IDs, []registry.IDNumber{headID, spouseID, childID}) {
			t.Errorf("IDs %v, want %v", c.IDs, []registry.IDNumber{headID, spouseID, childID})
		}
		if *c.Bank != (registry.Bank{Name: "蓬莱农商银行", Account: "6228480012345678", Holder: "张三"}) {
			t.Errorf("bank %+v", *c.Bank)
		}
		m := c.Members[0]
		if m.Name != "张三" || m.IDNumber != string(headID) || m.Phone != "13800001111" || m.HukouRegion != "370614000000" {
			t.Errorf("head %q %q %q %q", m.Name, m.IDNumber, m.Phone, m.HukouRegion)
		}
		if m.SelfCare.AssessedOn != today || m.SelfCare.Level() != "partially_lost" {
			t.Errorf("self care %+v", *m.SelfCare)
		}
		wantSup := registry.Supporter{Name: "张大明", Relation: "child", IDNumber: string(sonID), Birth: date(1990, 7, 7), MonthlyIncome: 450000, ValidFrom: today}
		if !reflect.DeepEqual(m.Supporters, []registry.Supporter{wantSup}) {
			t.Errorf("supporters %+v\nwant %+v", m.Supporters, wantSup)
		}
		if want := []registry.Income{{Kind: "wage", Amount: 200000, Period: "month", Source: "declared", ValidFrom: today}}; !reflect.DeepEqual(m.Incomes, want) {
			t.Errorf("member incomes %+v, want %+v", m.Incomes, want)
		}
		if c.Members[1].IDNumber != string(spouseID) {
			t.Errorf("spouse id %q", c.Members[1].IDNumber)
		}
		if want := []registry.Income{{Kind: "grassland_subsidy", Amount: 120000, Period: "year", Source: "verified", ValidFrom: date(2025, 1, 1)}}; !reflect.DeepEqual(c.Incomes, want) {
			t.Errorf("household incomes %+v, want %+v", c.Incomes, want)
		}
		if want := []registry.Asset{{Kind: "deposit", Value: 3000000, ValidFrom: today}}; !reflect.DeepEqual(c.Assets, want) {
			t.Errorf("assets %+v", c.Assets)
		}
		if want := []registry.Expense{{Kind: "medical", Amount: 800000, ValidFrom: date(2025, 2, 1), ValidTo: date(2025, 8, 1)}}; !reflect.DeepEqual(c.Expenses, want) {
			t.Errorf("expenses %+v", c.Expenses)
		}
	})

	t.Run("生效日期在过去", func(t *testing.T) {
		h := baseHousehold()
		h.ValidFrom = date(2024, 3, 1)
		h.Incomes = []registry.Income{{Kind: "wage", Amount: 1}}
		c, err := h.Check(today)
		if err != nil || c.ValidFrom != date(2024, 3, 1) || c.Incomes[0].ValidFrom != date(2024, 3, 1) {
			t.Errorf("Check: %v, valid_from %s, income from %s", err, c.ValidFrom, c.Incomes[0].ValidFrom)
		}
	})
}

func TestCheckMember(t *testing.T) {
	ok := registry.NewMember{IDNumber: strings.ToLower(string(registry.NewIDNumber("370614", date(1995, 1, 1), 7))), Relation: "child_in_law",
		PersonFacts: registry.PersonFacts{Name: "王五"}}
	t.Run("接受并升级", func(t *testing.T) {
		m, id, err := registry.CheckMember(ok, 0, today)
		if err != nil || id != registry.NewIDNumber("370614", date(1995, 1, 1), 7) || m.IDNumber != string(id) {
			t.Errorf("CheckMember: %v %q %q", err, id, m.IDNumber)
		}
	})
	cases := []struct {
		name      string
		spoil     func(m *registry.NewMember)
		validFrom minzheng.Date
		field     string
		msg       string
	}{
		{"入户日期晚于今天", func(m *registry.NewMember) {}, date(2025, 9, 27), "valid_from", "生效日期 2025-09-27 不能晚于今天"},
		{"没有姓名", func(m *registry.NewMember) { m.Name = "" }, 0, "name", "请填写姓名"},
		{"校验位错误", func(m *registry.NewMember) { m.IDNumber = wrong17(spouseID) }, 0, "id_number",
			"身份证号 " + minzheng.MaskID(wrong17(spouseID)) + " 的校验位不对，请核对号码"},
		{"与户主关系不认识", func(m *registry.NewMember) { m.Relation = "cousin" }, 0, "relation",
			"与户主关系“cousin”不对，应为 " + relationCodes + " 之一"},
		{"残疾等级不对", func(m *registry.NewMember) { m.Disability = &registry.Disability{Category: "mental", Level: -1} }, 0, "disability.level",
			"残疾等级应为 1 到 4 级，现为 -1"},
		{"收入为负", func(m *registry.NewMember) { m.Incomes = []registry.Income{{Kind: "wage", Amount: -100}} }, 0, "incomes[0].amount",
			"收入金额不能为负数（亏损的经营收入请按 0 填报，并在备注中说明）"},
		{"收入类别不认识", func(m *registry.NewMember) { m.Incomes = []registry.Income{{Kind: "gift", Amount: 100}} }, 0, "incomes[0].kind",
			"收入类别“gift”不对，应为 " + incomeKindCode + " 之一"},
		{"收入截止早于入户", func(m *registry.NewMember) {
			m.Incomes = []registry.Income{{Kind: "wage", Amount: 100, ValidTo: date(2025, 1, 1)}}
		},
			date(2025, 3, 1), "incomes[0].valid_to", "截止日期 2025-01-01 应晚于起始日期 2025-03-01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := ok
			m.Incomes = nil
			c.spoil(&m)
			_, _, err := registry.CheckMember(m, c.validFrom, today)
			wantInvalid(t, err, c.field, c.msg)
		})
	}
}

func TestHouseholdChangeCheck(t *testing.T) {
	cases := []struct {
		name  string
		json  string
		field string // "" with msg "" when accepted
		msg   string
		check func(t *testing.T, c registry.HouseholdChange)
	}{
		{"空的修改", `{}`, "", "没有要修改的内容", nil},
		{"只有生效日期", `{"valid_from":"2025-09-01"}`, "", "没有要修改的内容", nil},
		{"改地址", `{"address":"  辛店一村15号 "}`, "", "", func(t *testing.T, c registry.HouseholdChange) {
			if !c.Address.Set || c.Address.V != "辛店一村15号" || c.ValidFrom != today || c.Region.Set || c.Bank.Set {
				t.Errorf("change %+v", c)
			}
		}},
		{"清空地址", `{"address":null,"valid_from":"2025-01-01"}`, "", "", func(t *testing.T, c registry.HouseholdChange) {
			if !c.Address.Set || c.Address.V != "" || c.ValidFrom != date(2025, 1, 1) {
				t.Errorf("change %+v", c)
			}
		}},
		{"清空银行账户", `{"bank":null}`, "", "", func(t *testing.T, c registry.HouseholdChange) {
			if !c.Bank.Set || c.Bank.V != nil {
				t.Errorf("change %+v", c)
			}
		}},
		{"空银行账户即清空", `{"bank":{"name":"","account":"","holder":""}}`, "", "", func(t *testing.T, c registry.HouseholdChange) {
			if !c.Bank.Set || c.Bank.V != nil {
				t.Errorf("change %+v", c)
			}
		}},
		{"银行账号去空格", `{"bank":{"name":"蓬莱农商银行","account":"6228 4800 1234 5678","holder":"张三"}}`, "", "", func(t *testing.T, c registry.HouseholdChange) {
			if !c.Bank.Set || *c.Bank.V != (registry.Bank{Name: "蓬莱农商银行", Account: "6228480012345678", Holder: "张三"}) {
				t.Errorf("change %+v", c)
			}
		}},
		{"迁到另一村", `{"region":"370614107202"}`, "", "", func(t *testing.T, c registry.HouseholdChange) {
			if !c.Region.Set || c.Region.V != "370614107202" {
				t.Errorf("change %+v", c)
			}
		}},
		{"注销", `{"status":"closed","valid_from":"2025-09-26"}`, "", "", nil},
		{"区划不是村", `{"region":"370614107"}`, "region", "家庭应登记到村（居）：请填 12 位村级区划代码", nil},
		{"区划不对", `{"region":"abc"}`, "region", "家庭应登记到村（居）：请填 12 位村级区划代码", nil},
		{"城乡属性不对", `{"area":"suburb"}`, "area", "城乡属性“suburb”不对，应为 urban、rural 之一", nil},
		{"城乡属性不能清空", `{"area":null}`, "area", "城乡属性“”不对，应为 urban、rural 之一", nil},
		{"状态不对", `{"status":"deleted"}`, "status", "状态“deleted”不对，应为 active、pending、closed 之一", nil},
		{"状态不能清空", `{"status":null}`, "status", "状态“”不对，应为 active、pending、closed 之一", nil},
		{"生效日期晚于今天", `{"address":"x","valid_from":"2025-09-27"}`, "valid_from", "生效日期 2025-09-27 不能晚于今天", nil},
		{"地址太长", `{"address":"` + strings.Repeat("号", 201) + `"}`, "address", "地址不能超过 200 个字", nil},
		{"银行账号不对", `{"bank":{"name":"蓬莱农商银行","account":"12","holder":"张三"}}`, "bank.account", "银行账号应为 8 到 30 位数字", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ch registry.HouseholdChange
			if err := json.Unmarshal([]byte(c.json), &ch); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			err := ch.Check(today)
			if c.msg == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if c.check != nil {
					c.check(t, ch)
				}
				return
			}
			wantInvalid(t, err, c.field, c.msg)
		})
	}

	t.Run("只改给出的字段", func(t *testing.T) {
		var ch registry.HouseholdChange
		if err := json.Unmarshal([]byte(`{"address":"新址","bank":null}`), &ch); err != nil {
			t.Fatal(err)
		}
		f := registry.HouseholdFacts{Region: "370614107201", Area: "rural", Address: "旧址", Status: "active", Bank: &registry.Bank{Name: "行", Account: "12345678", Holder: "张三"}}
		ch.Apply(&f)
		if f != (registry.HouseholdFacts{Region: "370614107201", Area: "rural", Address: "新址", Status: "active"}) {
			t.Errorf("after apply %+v", f)
		}
	})
}

func TestPersonChangeCheck(t *testing.T) {
	birth := headID.Birth()
	cur := func() registry.PersonFacts {
		return registry.PersonFacts{Name: "张三", Phone: "13800001111", Disability: &registry.Disability{Category: "limb", Level: 2, Certificate: "C1"},
			Employment: "farming", Marital: "married"}
	}
	cases := []struct {
		name  string
		json  string
		field string
		msg   string                      // "" when accepted
		want  func() registry.PersonFacts // the facts after Apply
	}{
		{"null清除残疾", `{"disability":null}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.Disability = nil
			return p
		}},
		{"空对象没有修改", `{}`, "", "没有要修改的内容", nil},
		{"只有生效日期没有修改", `{"valid_from":"2025-01-01"}`, "", "没有要修改的内容", nil},
		{"不给的字段不变", `{"employment":"unemployed"}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.Employment = "unemployed"
			return p
		}},
		{"改残疾等级", `{"disability":{"category":"limb","level":1}}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.Disability = &registry.Disability{Category: "limb", Level: 1}
			return p
		}},
		{"电话去空格", `{"phone":" 0535-5661234 "}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.Phone = "0535-5661234"
			return p
		}},
		{"null清除电话", `{"phone":null}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.Phone = ""
			return p
		}},
		{"户籍地补为12位", `{"hukou_region":"370614"}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.HukouRegion = "370614000000"
			return p
		}},
		{"自理评估日期默认今天", `{"self_care":{"unable":["eating","dressing","toileting","walking"]}}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.SelfCare = &registry.SelfCare{AssessedOn: today, Unable: []string{"eating", "dressing", "toileting", "walking"}}
			return p
		}},
		{"登记死亡", `{"death_date":"2025-09-20"}`, "", "", func() registry.PersonFacts {
			p := cur()
			p.DeathDate = date(2025, 9, 20)
			return p
		}},
		{"残疾等级5级", `{"disability":{"category":"limb","level":5}}`, "disability.level", "残疾等级应为 1 到 4 级，现为 5", nil},
		{"残疾类别不认识", `{"disability":{"category":"x","level":1}}`, "disability.category",
			"残疾类别“x”不对，应为 visual、hearing、speech、limb、intellectual、mental、multiple 之一", nil},
		{"姓名为空", `{"name":"  "}`, "name", "请填写姓名", nil},
		{"姓名为null", `{"name":null}`, "name", "请填写姓名", nil},
		{"电话不对", `{"phone":"138 0000"}`, "phone", "电话号码“138*0000”格式不对", nil},
		{"户籍地不对", `{"hukou_region":"37x"}`, "hukou_region", `户籍地区划代码 "37x" 不对`, nil},
		{"死亡日期晚于今天", `{"death_date":"2025-09-27"}`, "death_date", "死亡日期 2025-09-27 不对：不能晚于今天或早于出生日期", nil},
		{"就业状况不认识", `{"employment":"boss"}`, "employment", "就业状况“boss”不对，应为 employed、self_employed、farming、unemployed、retired、unable 之一", nil},
		{"生效日期早于出生", `{"valid_from":"1970-05-09","employment":"unemployed"}`, "valid_from", "生效日期 1970-05-09 早于出生日期", nil},
		{"生效日期晚于今天", `{"valid_from":"2025-09-27","employment":"unemployed"}`, "valid_from", "生效日期 2025-09-27 不能晚于今天", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ch registry.PersonChange
			if err := json.Unmarshal([]byte(c.json), &ch); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			err := ch.Check(cur(), birth, today)
			if c.msg != "" {
				wantInvalid(t, err, c.field, c.msg)
				return
			}
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if ch.ValidFrom != today {
				t.Errorf("valid_from %s, want today", ch.ValidFrom)
			}
			got := cur()
			ch.Apply(&got)
			if want := c.want(); !reflect.DeepEqual(got, want) {
				t.Errorf("after apply\n got %s\nwant %s", show(got), show(want))
			}
		})
	}

	t.Run("有无字段之别", func(t *testing.T) {
		var absent, null registry.PersonChange
		_ = json.Unmarshal([]byte(`{"phone":"13800001111"}`), &absent)
		_ = json.Unmarshal([]byte(`{"phone":"13800001111","disability":null}`), &null)
		if absent.Disability.Set || !null.Disability.Set || null.Disability.V != nil {
			t.Errorf("absent %+v, null %+v", absent.Disability, null.Disability)
		}
	})
}

func show(p registry.PersonFacts) string {
	b, _ := json.Marshal(p)
	return fmt.Sprint(string(b))
}
