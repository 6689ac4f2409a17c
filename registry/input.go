package registry

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"minzheng"
	"minzheng/region"
)

// NewHousehold is what creating a household takes: from the API, a form, an
// imported spreadsheet or the synthetic data.
type NewHousehold struct {
	Region    string        `json:"region"` // a village: 12 digits
	Area      string        `json:"area"`   // urban or rural; "" takes the region's
	Address   string        `json:"address"`
	Bank      *Bank         `json:"bank"`
	ValidFrom minzheng.Date `json:"valid_from"` // the day the record applies from; today when not given
	Members   []NewMember   `json:"members"`
	Incomes   []Income      `json:"incomes"` // the household's own
	Assets    []Asset       `json:"assets"`
	Expenses  []Expense     `json:"expenses"`
	Status    string        `json:"-"` // active unless the portal creates it pending
}

// NewMember is one person of a new household.
type NewMember struct {
	IDNumber string `json:"id_number"`
	Relation string `json:"relation"`
	PersonFacts
	Incomes        []Income       `json:"incomes"`
	Assets         []Asset        `json:"assets"`
	Expenses       []Expense      `json:"expenses"`
	Supporters     []Supporter    `json:"supporters"`
	ParentStatuses []ParentStatus `json:"parent_statuses"`
}

// CheckedHousehold is a NewHousehold that passed Check, with its ID numbers
// parsed and its dates filled in.
type CheckedHousehold struct {
	NewHousehold
	RegionCode region.Code
	IDs        []IDNumber // per member
}

var (
	phoneRE   = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$`)
	accountRE = regexp.MustCompile(`^\d{8,30}$`)
)

// Check validates a new household on day today. Errors name the member and
// the field at fault: Field is like "members[1].id_number" and the message
// says 第 2 位成员（张三）.
func (h NewHousehold) Check(today minzheng.Date) (CheckedHousehold, error) {
	c := CheckedHousehold{NewHousehold: h}
	code, level, err := region.Parse(strings.TrimSpace(h.Region))
	if err != nil {
		return c, minzheng.Invalid("region", "户籍所在村（居）的区划代码 %q 不对，应为 12 位村级代码", h.Region)
	}
	if level != region.LevelVillage {
		return c, minzheng.Invalid("region", "家庭应登记到村（居）：区划代码 %s 是%s级，请填 12 位村级代码", h.Region, level.Chinese())
	}
	c.RegionCode = code
	if err := checkCode(Areas, h.Area, "area", "城乡属性", true); err != nil {
		return c, err
	}
	if utf8.RuneCountInString(h.Address) > 200 {
		return c, minzheng.Invalid("address", "地址不能超过 200 个字")
	}
	if c.Status == "" {
		c.Status = StatusActive
	}
	if c.ValidFrom.IsZero() {
		c.ValidFrom = today
	}
	if c.ValidFrom > today {
		return c, minzheng.Invalid("valid_from", "生效日期 %s 不能晚于今天", c.ValidFrom)
	}
	if err := checkBank(h.Bank, "bank"); err != nil {
		return c, err
	}
	switch n := len(h.Members); {
	case n == 0:
		return c, minzheng.Invalid("members", "家庭至少要有一位成员（户主）")
	case n > MaxMembers:
		return c, minzheng.Invalid("members", "一户最多 %d 位成员，现有 %d 位", MaxMembers, n)
	}
	heads := 0
	seen := map[IDNumber]int{}
	c.Members = make([]NewMember, len(h.Members))
	c.IDs = make([]IDNumber, len(h.Members))
	for i, m := range h.Members {
		who := fmt.Sprintf("第 %d 位成员", i+1)
		if m.Name != "" {
			who += "（" + m.Name + "）"
		}
		m, id, err := checkMember(m, fmt.Sprintf("members[%d].", i), c.ValidFrom, today)
		if err != nil {
			return c, prefix(err, who)
		}
		if j, dup := seen[id]; dup {
			return c, minzheng.Invalid(fmt.Sprintf("members[%d].id_number", i), "%s的身份证号与第 %d 位成员相同", who, j+1)
		}
		seen[id] = i
		c.IDs[i] = id
		if m.Relation == "head" {
			heads++
		}
		if c.ValidFrom < id.Birth() {
			return c, minzheng.Invalid("valid_from", "%s生于 %s，建档生效日期 %s 不能早于此", who, id.Birth(), c.ValidFrom)
		}
		c.Members[i] = m
	}
	if heads != 1 {
		return c, minzheng.Invalid("members", "一户应有且只有一位户主（relation 为 head），现有 %d 位", heads)
	}
	if c.Incomes, err = CheckIncomes(h.Incomes, c.ValidFrom, today, "incomes"); err != nil {
		return c, err
	}
	if c.Assets, err = CheckAssets(h.Assets, c.ValidFrom, today, "assets"); err != nil {
		return c, err
	}
	if c.Expenses, err = CheckExpenses(h.Expenses, c.ValidFrom, today, "expenses"); err != nil {
		return c, err
	}
	return c, nil
}

// CheckAll is Check, but answers every problem it can find rather than the
// first: the household's own and each member's. An import's report lists
// every bad row, not just the first of each household.
func (h NewHousehold) CheckAll(today minzheng.Date) (CheckedHousehold, []error) {
	c, err := h.Check(today)
	if err == nil {
		return c, nil
	}
	var errs []error
	seen := map[string]bool{}
	add := func(e error) {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			errs = append(errs, e)
		}
	}
	add(err)
	from := h.ValidFrom
	if from.IsZero() {
		from = today
	}
	for i, m := range h.Members {
		who := fmt.Sprintf("第 %d 位成员", i+1)
		if m.Name != "" {
			who += "（" + strings.TrimSpace(m.Name) + "）"
		}
		if _, _, merr := checkMember(m, fmt.Sprintf("members[%d].", i), from, today); merr != nil {
			add(prefix(merr, who))
		}
	}
	return c, errs
}

// checkMember validates one member; f prefixes the field names
// ("members[1]." in a household, "" alone).
func checkMember(m NewMember, f string, validFrom, today minzheng.Date) (NewMember, IDNumber, error) {
	m.Name = strings.TrimSpace(m.Name)
	if err := checkName(m.Name, f+"name"); err != nil {
		return m, "", err
	}
	id, err := ParseIDNumber(m.IDNumber, today, f+"id_number")
	if err != nil {
		return m, "", err
	}
	m.IDNumber = string(id)
	if err := checkCode(Relations, m.Relation, f+"relation", "与户主关系", false); err != nil {
		return m, "", err
	}
	if err := m.PersonFacts.check(id.Birth(), today, strings.TrimSuffix(f, ".")); err != nil {
		return m, "", err
	}
	base := strings.TrimSuffix(f, ".")
	if base != "" {
		base += "."
	}
	if m.Incomes, err = CheckIncomes(m.Incomes, validFrom, today, base+"incomes"); err != nil {
		return m, "", err
	}
	if m.Assets, err = CheckAssets(m.Assets, validFrom, today, base+"assets"); err != nil {
		return m, "", err
	}
	if m.Expenses, err = CheckExpenses(m.Expenses, validFrom, today, base+"expenses"); err != nil {
		return m, "", err
	}
	if m.Supporters, err = CheckSupporters(m.Supporters, validFrom, today, base+"supporters"); err != nil {
		return m, "", err
	}
	if err := CheckParentStatuses(m.ParentStatuses, today, base+"parent_statuses"); err != nil {
		return m, "", err
	}
	return m, id, nil
}

// prefix puts who in front of an error's message.
func prefix(err error, who string) error {
	if e, ok := minzheng.AsError(err); ok {
		return &minzheng.Error{Code: e.Code, Field: e.Field, Message: who + "：" + e.Message}
	}
	return err
}

// check validates a person's facts for someone born on birth.
func (p *PersonFacts) check(birth, today minzheng.Date, f string) error {
	p.Phone = strings.TrimSpace(p.Phone)
	if p.Phone != "" && !phoneRE.MatchString(p.Phone) {
		return minzheng.Invalid(join(f, "phone"), "电话号码“%s”格式不对", minzheng.MaskPhone(p.Phone))
	}
	if p.HukouRegion != "" {
		code, _, err := region.Parse(p.HukouRegion)
		if err != nil {
			return minzheng.Invalid(join(f, "hukou_region"), "户籍地区划代码 %q 不对", p.HukouRegion)
		}
		p.HukouRegion = string(code)
	}
	if d := p.Disability; d != nil {
		if err := checkCode(DisabilityCategories, d.Category, join(f, "disability.category"), "残疾类别", false); err != nil {
			return err
		}
		if d.Level < 1 || d.Level > 4 {
			return minzheng.Invalid(join(f, "disability.level"), "残疾等级应为 1 到 4 级，现为 %d", d.Level)
		}
		if utf8.RuneCountInString(d.Certificate) > 40 {
			return minzheng.Invalid(join(f, "disability.certificate"), "残疾证号不能超过 40 个字符")
		}
	}
	if utf8.RuneCountInString(p.SeriousIllness) > 100 {
		return minzheng.Invalid(join(f, "serious_illness"), "重病名称不能超过 100 个字")
	}
	if s := p.SelfCare; s != nil {
		seen := map[string]bool{}
		for _, it := range s.Unable {
			if err := checkCode(SelfCareItems, it, join(f, "self_care.unable"), "自理能力评估项目", false); err != nil {
				return err
			}
			if seen[it] {
				return minzheng.Invalid(join(f, "self_care.unable"), "自理能力评估项目“%s”重复", SelfCareItems.Name(it))
			}
			seen[it] = true
		}
		if s.AssessedOn.IsZero() {
			s.AssessedOn = today
		}
		if s.AssessedOn > today || s.AssessedOn < birth {
			return minzheng.Invalid(join(f, "self_care.assessed_on"), "评估日期 %s 不对", s.AssessedOn)
		}
	}
	if err := checkCode(Schoolings, p.Schooling, join(f, "schooling"), "就学阶段", true); err != nil {
		return err
	}
	if err := checkCode(Employments, p.Employment, join(f, "employment"), "就业状况", true); err != nil {
		return err
	}
	if err := checkCode(Maritals, p.Marital, join(f, "marital"), "婚姻状况", true); err != nil {
		return err
	}
	if !p.DeathDate.IsZero() && (p.DeathDate > today || p.DeathDate < birth) {
		return minzheng.Invalid(join(f, "death_date"), "死亡日期 %s 不对：不能晚于今天或早于出生日期", p.DeathDate)
	}
	return nil
}

func checkBank(b *Bank, f string) error {
	if b == nil {
		return nil
	}
	b.Name, b.Account, b.Holder = strings.TrimSpace(b.Name), strings.ReplaceAll(b.Account, " ", ""), strings.TrimSpace(b.Holder)
	if b.Name == "" && b.Account == "" && b.Holder == "" {
		return nil
	}
	if b.Name == "" {
		return minzheng.Invalid(f+".name", "请填写开户银行")
	}
	if !accountRE.MatchString(b.Account) {
		return minzheng.Invalid(f+".account", "银行账号应为 8 到 30 位数字")
	}
	return checkName(b.Holder, f+".holder")
}

// CheckIncomes, CheckAssets and CheckExpenses validate facts, defaulting
// their start to def; f prefixes the field names ("" for a fact alone).

// period checks a fact's dates: from defaults to def, not after today, and
// to (when set) after from.
func period(from, to *minzheng.Date, def, today minzheng.Date, f string) error {
	if from.IsZero() {
		*from = def
	}
	if *from > today {
		return minzheng.Invalid(join(f, "valid_from"), "起始日期 %s 不能晚于今天", *from)
	}
	if !to.IsZero() && *to <= *from {
		return minzheng.Invalid(join(f, "valid_to"), "截止日期 %s 应晚于起始日期 %s", *to, *from)
	}
	return nil
}

func CheckIncomes(in []Income, def, today minzheng.Date, f string) ([]Income, error) {
	for i := range in {
		x := &in[i]
		fi := itemField(f, i)
		if err := checkCode(IncomeKinds, x.Kind, join(fi, "kind"), "收入类别", false); err != nil {
			return nil, err
		}
		if x.Amount < 0 {
			return nil, minzheng.Invalid(join(fi, "amount"), "收入金额不能为负数（亏损的经营收入请按 0 填报，并在备注中说明）")
		}
		if x.Period == "" {
			x.Period = "month"
		}
		if err := checkCode(Periods, x.Period, join(fi, "period"), "收入周期", false); err != nil {
			return nil, err
		}
		if x.Source == "" {
			x.Source = "declared"
		}
		if err := checkCode(IncomeSources, x.Source, join(fi, "source"), "收入来源", false); err != nil {
			return nil, err
		}
		if err := period(&x.ValidFrom, &x.ValidTo, def, today, fi); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func CheckAssets(in []Asset, def, today minzheng.Date, f string) ([]Asset, error) {
	for i := range in {
		x := &in[i]
		fi := itemField(f, i)
		if err := checkCode(AssetKinds, x.Kind, join(fi, "kind"), "财产类别", false); err != nil {
			return nil, err
		}
		if x.Value < 0 {
			return nil, minzheng.Invalid(join(fi, "value"), "财产价值不能为负数")
		}
		if utf8.RuneCountInString(x.Description) > 200 {
			return nil, minzheng.Invalid(join(fi, "description"), "财产说明不能超过 200 个字")
		}
		if err := period(&x.ValidFrom, &x.ValidTo, def, today, fi); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func CheckExpenses(in []Expense, def, today minzheng.Date, f string) ([]Expense, error) {
	for i := range in {
		x := &in[i]
		fi := itemField(f, i)
		if err := checkCode(ExpenseKinds, x.Kind, join(fi, "kind"), "刚性支出类别", false); err != nil {
			return nil, err
		}
		if x.Amount < 0 {
			return nil, minzheng.Invalid(join(fi, "amount"), "支出金额不能为负数")
		}
		if err := period(&x.ValidFrom, &x.ValidTo, def, today, fi); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func CheckSupporters(in []Supporter, def, today minzheng.Date, f string) ([]Supporter, error) {
	for i := range in {
		x := &in[i]
		fi := itemField(f, i)
		x.Name = strings.TrimSpace(x.Name)
		if err := checkName(x.Name, join(fi, "name")); err != nil {
			return nil, err
		}
		if err := checkCode(Relations, x.Relation, join(fi, "relation"), "义务人关系", false); err != nil {
			return nil, err
		}
		if x.IDNumber != "" {
			id, err := ParseIDNumber(x.IDNumber, today, join(fi, "id_number"))
			if err != nil {
				return nil, err
			}
			x.IDNumber = string(id)
			if x.Birth.IsZero() {
				x.Birth = id.Birth()
			}
		}
		if !x.Birth.IsZero() && x.Birth > today {
			return nil, minzheng.Invalid(join(fi, "birth_date"), "出生日期 %s 晚于今天", x.Birth)
		}
		if x.MonthlyIncome < 0 {
			return nil, minzheng.Invalid(join(fi, "monthly_income"), "月收入不能为负数")
		}
		if d := x.Disability; d != nil {
			if err := checkCode(DisabilityCategories, d.Category, join(fi, "disability.category"), "残疾类别", false); err != nil {
				return nil, err
			}
			if d.Level < 1 || d.Level > 4 {
				return nil, minzheng.Invalid(join(fi, "disability.level"), "残疾等级应为 1 到 4 级")
			}
		}
		if err := period(&x.ValidFrom, &x.ValidTo, def, today, fi); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func CheckParentStatuses(in []ParentStatus, today minzheng.Date, f string) error {
	for i := range in {
		x := &in[i]
		fi := itemField(f, i)
		if err := checkCode(Parents, x.Parent, join(fi, "parent"), "父母", false); err != nil {
			return err
		}
		if err := checkCode(ParentStatuses, x.Status, join(fi, "status"), "父母状况", false); err != nil {
			return err
		}
		if x.Since.IsZero() {
			return minzheng.Invalid(join(fi, "since"), "请填写该状况开始的日期")
		}
		if x.Since > today {
			return minzheng.Invalid(join(fi, "since"), "开始日期 %s 不能晚于今天", x.Since)
		}
	}
	return nil
}

// join names a field inside f: "members[0]" + "phone", or just "phone".
func join(f, name string) string {
	if f == "" {
		return name
	}
	return f + "." + name
}

// itemField names the i-th item of list f ("incomes[2]"), or "" for a fact
// checked alone.
func itemField(f string, i int) string {
	if f == "" {
		return ""
	}
	return fmt.Sprintf("%s[%d]", f, i)
}
