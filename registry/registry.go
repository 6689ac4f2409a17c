// Package registry is the household registry (家庭档案): households, the
// persons in them and their relation to the head, ID numbers, and the dated
// facts the rules read — conditions (disability, illness, self-care,
// schooling, work, marriage), incomes, assets, rigid expenses, legal
// supporters and, for children, their parents' status.
//
// Every fact has the date it applies from (valid time) and the time it was
// recorded (transaction time). A change from a date closes the fact that
// applied until then; a correction supersedes a recorded row without
// erasing it. So the registry answers both "what did this household look
// like on the day of the decision" (AsOf) and "what did we know then"
// (the history).
package registry

import (
	"strings"
	"unicode/utf8"

	"minzheng"
)

// Sexes.
const (
	SexMale   = "male"
	SexFemale = "female"
)

// Household statuses.
const (
	StatusActive  = "active"  // in the registry
	StatusPending = "pending" // created from an online application, until the township accepts it
	StatusClosed  = "closed"  // dissolved (moved away, all members dead …)
)

// codeList is a list of codes with their Chinese names, in display order.
type codeList []struct{ Code, Name string }

// Has reports whether code is in the list.
func (l codeList) Has(code string) bool {
	for _, c := range l {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Name is the Chinese name of code, or code itself.
func (l codeList) Name(code string) string {
	for _, c := range l {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// Codes lists the codes, comma-separated, for error messages.
func (l codeList) Codes() string {
	s := make([]string, len(l))
	for i, c := range l {
		s[i] = c.Code
	}
	return strings.Join(s, "、")
}

// The code lists of GLOSSARY.md.
var (
	Relations = codeList{{"head", "户主"}, {"spouse", "配偶"}, {"child", "子女"}, {"parent", "父母"},
		{"parent_in_law", "岳父母/公婆"}, {"grandparent", "祖父母/外祖父母"}, {"grandchild", "孙子女/外孙子女"},
		{"sibling", "兄弟姐妹"}, {"child_in_law", "儿媳/女婿"}, {"other", "其他"}}
	DisabilityCategories = codeList{{"visual", "视力残疾"}, {"hearing", "听力残疾"}, {"speech", "言语残疾"},
		{"limb", "肢体残疾"}, {"intellectual", "智力残疾"}, {"mental", "精神残疾"}, {"multiple", "多重残疾"}}
	Schoolings = codeList{{"none", "未上学"}, {"preschool", "学前教育"}, {"compulsory", "义务教育"},
		{"high_school", "普通高中"}, {"vocational", "中等职业教育"}, {"higher", "高等教育"}}
	Employments = codeList{{"employed", "就业"}, {"self_employed", "自主经营"}, {"farming", "务农"},
		{"unemployed", "失业/无业"}, {"retired", "退休"}, {"unable", "无劳动能力"}}
	Maritals = codeList{{"single", "未婚"}, {"married", "已婚"}, {"divorced", "离婚"}, {"widowed", "丧偶"}}
	// IncomeKinds: which of them count is the rules' business (《低保办法》第13条,
	// and regional exemptions); the registry records the kind only.
	IncomeKinds = codeList{{"wage", "工资性收入"}, {"business", "经营净收入"}, {"property", "财产净收入"},
		{"transfer", "转移净收入"}, {"pension", "养老金"}, {"pension_basic", "城乡居民基础养老金"},
		{"alimony", "赡养/抚养/扶养费"}, {"preferential_care", "优待抚恤金"}, {"family_planning", "计划生育奖励扶助金"},
		{"scholarship", "奖学金"}, {"heroism", "见义勇为奖励"}, {"assistance", "社会救助款物"},
		{"grassland_subsidy", "草场补贴"}, {"elderly_allowance", "高龄津贴"}, {"disability_subsidy", "残疾人两项补贴"},
		{"work_injury_care", "工伤保险生活护理费"}, {"other", "其他收入"}}
	// IncomeSources: where a figure came from.
	IncomeSources = codeList{{"declared", "申报"}, {"verified", "核对中心核实"}, {"compared", "数据比对"}}
	// AssetKinds per 《低保办法》第14条.
	AssetKinds = codeList{{"deposit", "存款"}, {"securities", "有价证券"}, {"fund", "基金"},
		{"insurance", "商业保险"}, {"claim", "债权"}, {"internet_finance", "互联网金融资产"},
		{"vehicle", "机动车辆"}, {"house", "房屋"}, {"business", "工商登记（经营主体）"}, {"other", "其他财产"}}
	ExpenseKinds = codeList{{"medical", "医疗支出"}, {"education", "教育支出"}, {"job_cost", "就业成本"}, {"other", "其他刚性支出"}}
	// ParentStatuses for the children's programmes, each with the date it began.
	ParentStatuses = codeList{{"normal", "正常"}, {"dead", "死亡"}, {"missing", "宣告失踪"},
		{"severely_disabled", "重残"}, {"seriously_ill", "重病"}, {"imprisoned", "服刑在押"},
		{"detained", "强制隔离戒毒或其他限制人身自由"}, {"lost_contact", "失联"}}
	// SelfCareItems are the six items of 《特困办法》第21条.
	SelfCareItems = codeList{{"eating", "进食"}, {"dressing", "穿衣"}, {"bed_transfer", "上下床"},
		{"toileting", "如厕"}, {"walking", "室内行走"}, {"bathing", "洗澡"}}
	Statuses = codeList{{StatusActive, "在册"}, {StatusPending, "待受理"}, {StatusClosed, "已注销"}}
	Areas    = codeList{{"urban", "城市"}, {"rural", "农村"}}
	Periods  = codeList{{"month", "每月"}, {"year", "每年"}}
	Parents  = codeList{{"father", "父亲"}, {"mother", "母亲"}}
)

// MaxMembers is the most persons one household may hold.
const MaxMembers = 30

// Disability is a disability certificate's content (残疾人证).
type Disability struct {
	Category    string `json:"category"`
	Level       int    `json:"level"` // 1 (most severe) to 4
	Certificate string `json:"certificate,omitempty"`
}

// Severe is grade 1–2, or grade 3–4 intellectual or mental disability (the
// 重残 of the children's programmes).
func (d *Disability) Severe() bool {
	return d != nil && (d.Level <= 2 || d.Category == "intellectual" || d.Category == "mental")
}

// SelfCare is an assessment of the six items of 《特困办法》第21条: the items
// the person cannot do alone.
type SelfCare struct {
	AssessedOn minzheng.Date `json:"assessed_on"`
	Unable     []string      `json:"unable"`
}

// Level is 《特困办法》第22条's classification: all six items done alone
// is capable (具备生活自理能力); one to three failed is partially lost
// (部分丧失); four or more failed is fully lost (完全丧失).
func (s *SelfCare) Level() string {
	switch n := len(s.Unable); {
	case n == 0:
		return "capable"
	case n <= 3:
		return "partially_lost"
	}
	return "fully_lost"
}

// SelfCareLevels names the levels.
var SelfCareLevels = codeList{{"capable", "具备生活自理能力"}, {"partially_lost", "部分丧失生活自理能力"}, {"fully_lost", "完全丧失生活自理能力"}}

// Bank is the account benefits are paid into. The number is shown masked.
type Bank struct {
	Name    string `json:"name"`
	Account string `json:"account"`
	Holder  string `json:"holder"`
}

// PersonFacts are a person's dated attributes: what one version holds.
type PersonFacts struct {
	Name           string        `json:"name"`
	Phone          string        `json:"phone,omitempty"`
	HukouRegion    string        `json:"hukou_region,omitempty"` // 12 digits
	Disability     *Disability   `json:"disability"`
	SeriousIllness string        `json:"serious_illness,omitempty"` // the illness, "" for none
	SelfCare       *SelfCare     `json:"self_care"`
	Schooling      string        `json:"schooling,omitempty"`
	Employment     string        `json:"employment,omitempty"`
	Marital        string        `json:"marital,omitempty"`
	DeathDate      minzheng.Date `json:"death_date"`
}

// HouseholdFacts are a household's dated attributes.
type HouseholdFacts struct {
	Region  string `json:"region"` // the village, 12 digits
	Area    string `json:"area"`   // urban or rural; from the region when not given
	Address string `json:"address,omitempty"`
	Status  string `json:"status"`
	Bank    *Bank  `json:"bank"`
}

// Income is one income item.
type Income struct {
	ID        int64         `json:"id,omitempty"`
	PersonID  int64         `json:"person_id,omitempty"` // 0: the household's as a whole
	Kind      string        `json:"kind"`
	Amount    minzheng.Fen  `json:"amount"` // fen, per Period
	Period    string        `json:"period"` // month or year
	Source    string        `json:"source"`
	ValidFrom minzheng.Date `json:"valid_from"`
	ValidTo   minzheng.Date `json:"valid_to"` // the first day it no longer applies; zero while open
	Note      string        `json:"note,omitempty"`
}

// Monthly is the amount per month in fen: a yearly amount divided by 12,
// rounded down, so nothing is counted that was not received.
func (i Income) Monthly() minzheng.Fen {
	if i.Period == "year" {
		return i.Amount / 12
	}
	return i.Amount
}

// Asset is one item of property.
type Asset struct {
	ID          int64         `json:"id,omitempty"`
	PersonID    int64         `json:"person_id,omitempty"`
	Kind        string        `json:"kind"`
	Value       minzheng.Fen  `json:"value"` // fen
	Description string        `json:"description,omitempty"`
	ValidFrom   minzheng.Date `json:"valid_from"`
	ValidTo     minzheng.Date `json:"valid_to"`
}

// Expense is one rigid expense (刚性支出): medical, education, job costs.
type Expense struct {
	ID        int64         `json:"id,omitempty"`
	PersonID  int64         `json:"person_id,omitempty"`
	Kind      string        `json:"kind"`
	Amount    minzheng.Fen  `json:"amount"` // fen, the total over the period
	ValidFrom minzheng.Date `json:"valid_from"`
	ValidTo   minzheng.Date `json:"valid_to"`
	Note      string        `json:"note,omitempty"`
}

// Supporter is a legal supporter (赡养/抚养/扶养义务人) of a person, inside or
// outside the registry, with the facts 《特困办法》第8条 weighs.
type Supporter struct {
	ID            int64         `json:"id,omitempty"`
	Name          string        `json:"name"`
	IDNumber      string        `json:"id_number,omitempty"`
	Relation      string        `json:"relation"` // the supporter's relation to the person: child, spouse, parent …
	Birth         minzheng.Date `json:"birth_date"`
	Dibao         bool          `json:"dibao"`
	Tekun         bool          `json:"tekun"`
	Disability    *Disability   `json:"disability"`
	MonthlyIncome minzheng.Fen  `json:"monthly_income"`
	Imprisoned    bool          `json:"imprisoned"`
	Incapacitated bool          `json:"incapacitated"` // 无民事行为能力 / 宣告失踪
	ValidFrom     minzheng.Date `json:"valid_from"`
	ValidTo       minzheng.Date `json:"valid_to"`
}

// ParentStatus is one parent's status for a child, from a date.
type ParentStatus struct {
	ID     int64         `json:"id,omitempty"`
	Parent string        `json:"parent"` // father or mother
	Status string        `json:"status"`
	Since  minzheng.Date `json:"since"`
}

// Member is a person in a household, as of some day.
type Member struct {
	PersonID int64         `json:"person_id"`
	IDNumber IDNumber      `json:"id_number"` // masked when shown, unless revealed
	Sex      string        `json:"sex"`
	Birth    minzheng.Date `json:"birth_date"`
	Relation string        `json:"relation"`
	Since    minzheng.Date `json:"member_since"`
	PersonFacts
	Incomes        []Income       `json:"incomes"`
	Assets         []Asset        `json:"assets"`
	Expenses       []Expense      `json:"expenses"`
	Supporters     []Supporter    `json:"supporters"`
	ParentStatuses []ParentStatus `json:"parent_statuses"`
}

// Household is a household with its members and facts, as of some day.
type Household struct {
	ID   int64         `json:"id"`
	AsOf minzheng.Date `json:"as_of"`
	HouseholdFacts
	Members  []Member  `json:"members"`
	Incomes  []Income  `json:"incomes"` // the household's own, not tied to a member
	Assets   []Asset   `json:"assets"`
	Expenses []Expense `json:"expenses"`
}

// Head is the member whose relation is head, if any.
func (h *Household) Head() *Member {
	for i := range h.Members {
		if h.Members[i].Relation == "head" {
			return &h.Members[i]
		}
	}
	return nil
}

// checkName validates a person's name: 1 to 40 characters, no digits.
func checkName(name, field string) error {
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return minzheng.Invalid(field, "请填写姓名")
	}
	if n > 40 {
		return minzheng.Invalid(field, "姓名不能超过 40 个字")
	}
	if strings.ContainsAny(name, "0123456789<>\"") {
		return minzheng.Invalid(field, "姓名“%s”中含有数字或符号", name)
	}
	return nil
}

// checkCode validates a code against its list; empty is allowed when
// optional.
func checkCode(l codeList, code, field, what string, optional bool) error {
	if code == "" && optional {
		return nil
	}
	if !l.Has(code) {
		return minzheng.Invalid(field, "%s“%s”不对，应为 %s 之一", what, code, l.Codes())
	}
	return nil
}
