package policy

import (
	"strconv"
	"strings"

	"minzheng"
	"minzheng/region"
	"minzheng/registry"
)

// Request asks for one programme's decision for a household (or one of its
// members) in a region on a date. It is what `minzheng eval` reads and
// POST /api/v1/eval takes.
type Request struct {
	Program   string        `json:"program"`
	Date      minzheng.Date `json:"date"`
	Region    string        `json:"region"`
	Subject   string        `json:"subject,omitempty"` // the member's ID number, for person programmes
	Options   Options       `json:"options"`
	Household Household     `json:"household"`
}

// Options are the facts of the request rather than of the household.
type Options struct {
	Kind               string       `json:"kind,omitempty"` // linshi: emergency or expenditure
	AmountRequestedFen minzheng.Fen `json:"amount_requested_fen,omitempty"`
	Support            string       `json:"support,omitempty"` // tekun: dispersed or centralized
}

// Household is the household as the rules read it. A list left out
// (members' incomes, expenses, supporters, parents, benefits) means none;
// a fact left out (area where the standard depends on it, the assets, a
// member's age) is missing, and the decision says so.
type Household struct {
	Area     string    `json:"area,omitempty"`
	Members  []Member  `json:"members"`
	Assets   *Assets   `json:"assets"`
	Benefits []Benefit `json:"benefits,omitempty"` // the household's current enrolments (dibao, dibao_edge)
}

// Assets are the household's property as 《低保办法》第14条 counts it.
type Assets struct {
	DepositsFen minzheng.Fen `json:"deposits_fen"` // deposits, securities, funds, insurance, claims, internet finance
	Vehicles    int          `json:"vehicles"`
	Houses      int          `json:"houses"`
}

// Member is one person of the household.
type Member struct {
	IDNumber       string        `json:"id_number,omitempty"`
	BirthDate      minzheng.Date `json:"birth_date,omitempty"` // when no ID number is given
	Relation       string        `json:"relation,omitempty"`
	Disability     *Disability   `json:"disability,omitempty"`
	SeriousIllness bool          `json:"serious_illness,omitempty"`
	Schooling      string        `json:"schooling,omitempty"`
	SelfCareFailed []string      `json:"self_care_failed,omitempty"`
	LongTermCare   *bool         `json:"long_term_care,omitempty"` // disability_care: needs care for six months or more
	Incomes        []Income      `json:"incomes,omitempty"`
	Expenses       []Expense     `json:"expenses,omitempty"`
	Supporters     []Supporter   `json:"supporters,omitempty"`
	Parents        []Parent      `json:"parents,omitempty"`
	Benefits       []Benefit     `json:"benefits,omitempty"` // the person's current enrolments

	birth minzheng.Date // from the ID number or BirthDate
}

// Disability is the certificate's category and level (1 most severe).
type Disability struct {
	Category string `json:"category"`
	Level    int    `json:"level"`
}

// Income is a monthly income of one kind.
type Income struct {
	Kind       string       `json:"kind"`
	MonthlyFen minzheng.Fen `json:"monthly_fen"`
}

// Expense is a rigid expense over a year, and what insurance or aid
// already reimbursed of it.
type Expense struct {
	Kind          string       `json:"kind"`
	YearlyFen     minzheng.Fen `json:"yearly_fen"`
	ReimbursedFen minzheng.Fen `json:"reimbursed_fen,omitempty"`
}

// Supporter is a legal supporter. Either Able says whether he can fulfil
// the duty, or the facts let the rule decide (《特困办法》第8条).
type Supporter struct {
	Relation         string        `json:"relation,omitempty"`
	Able             *bool         `json:"able,omitempty"`
	Age              *int          `json:"age,omitempty"`
	Status           string        `json:"status,omitempty"` // normal, tekun, dibao, severely_disabled, incapacitated, missing, imprisoned
	MonthlyIncomeFen *minzheng.Fen `json:"monthly_income_fen,omitempty"`
}

// SupporterStatuses are the supporter states 《特困办法》第8条 weighs.
var SupporterStatuses = []string{"normal", "tekun", "dibao", "severely_disabled", "incapacitated", "missing", "imprisoned"}

// Parent is one parent's status for a child's programmes.
type Parent struct {
	Parent     string        `json:"parent,omitempty"` // father or mother
	Status     string        `json:"status"`
	Since      minzheng.Date `json:"since,omitempty"`
	TermMonths int           `json:"term_months,omitempty"` // imprisoned or detained: the term
}

// Benefit is a current enrolment and its monthly amount.
type Benefit struct {
	Program    string       `json:"program"`
	MonthlyFen minzheng.Fen `json:"monthly_fen,omitempty"`
}

// Age is the member's age in whole years on day; ok is false when neither
// an ID number nor a birth date gives it.
func (m *Member) Age(day minzheng.Date) (int, bool) {
	if m.birth == 0 {
		return 0, false
	}
	return registry.Age(m.birth, day), true
}

// Receives reports whether the member is enrolled in program.
func (m *Member) Receives(program string) (minzheng.Fen, bool) {
	for _, b := range m.Benefits {
		if b.Program == program {
			return b.MonthlyFen, true
		}
	}
	return 0, false
}

// Receives reports whether the household is enrolled in program.
func (h *Household) Receives(program string) bool {
	for _, b := range h.Benefits {
		if b.Program == program {
			return true
		}
	}
	return false
}

// prepare validates the request and derives what it can (birth dates,
// region code). Bad input is an error; missing facts are not — the rules
// name them in the decision.
func (r *Request) prepare() error {
	if r.Date.IsZero() {
		return minzheng.Invalid("date", "请填写测算日期（YYYY-MM-DD）")
	}
	if r.Region == "" {
		return minzheng.Invalid("region", "请填写所在区划代码")
	}
	code, _, err := region.Parse(r.Region)
	if err != nil {
		return minzheng.Invalid("region", "区划代码“%s”格式不对，应为 2、4、6、9 或 12 位数字", r.Region)
	}
	r.Region = string(code)
	h := &r.Household
	if h.Area != "" && !registry.Areas.Has(h.Area) {
		return minzheng.Invalid("household.area", "城乡类别“%s”不对，应为 urban 或 rural", h.Area)
	}
	if len(h.Members) > registry.MaxMembers {
		return minzheng.Invalid("household.members", "一户最多 %d 人", registry.MaxMembers)
	}
	if a := h.Assets; a != nil && (a.DepositsFen < 0 || a.Vehicles < 0 || a.Houses < 0) {
		return minzheng.Invalid("household.assets", "财产数额不能为负数")
	}
	for _, b := range h.Benefits {
		if err := checkProgram(b.Program, "household.benefits"); err != nil {
			return err
		}
	}
	switch r.Options.Kind {
	case "", "emergency", "expenditure":
	default:
		return minzheng.Invalid("options.kind", "临时救助类型“%s”不对，应为 emergency（急难型）或 expenditure（支出型）", r.Options.Kind)
	}
	switch r.Options.Support {
	case "", "dispersed", "centralized":
	default:
		return minzheng.Invalid("options.support", "供养方式“%s”不对，应为 dispersed（分散）或 centralized（集中）", r.Options.Support)
	}
	if r.Options.AmountRequestedFen < 0 {
		return minzheng.Invalid("options.amount_requested_fen", "申请金额不能为负数")
	}
	seen := map[string]bool{}
	for i := range h.Members {
		m := &h.Members[i]
		f := "household.members[" + strconv.Itoa(i) + "]"
		if m.IDNumber != "" {
			id, err := registry.ParseIDNumber(m.IDNumber, r.Date, f+".id_number")
			if err != nil {
				return err
			}
			if seen[string(id)] {
				return minzheng.Invalid(f+".id_number", "身份证号 %s 在本户中重复", id.Masked())
			}
			seen[string(id)] = true
			m.IDNumber = string(id)
			m.birth = id.Birth()
		} else if !m.BirthDate.IsZero() {
			if m.BirthDate > r.Date {
				return minzheng.Invalid(f+".birth_date", "出生日期晚于测算日期")
			}
			m.birth = m.BirthDate
		}
		if m.Relation != "" && !registry.Relations.Has(m.Relation) {
			return minzheng.Invalid(f+".relation", "与户主关系“%s”不对，应为 %s 之一", m.Relation, registry.Relations.Codes())
		}
		if d := m.Disability; d != nil {
			if disabilityCategories[d.Category] == "" {
				return minzheng.Invalid(f+".disability.category", "残疾类别“%s”不对，应为 %s 之一", d.Category, registry.DisabilityCategories.Codes())
			}
			if d.Level < 1 || d.Level > 4 {
				return minzheng.Invalid(f+".disability.level", "残疾等级应为 1 到 4")
			}
		}
		if m.Schooling != "" && !registry.Schoolings.Has(m.Schooling) {
			return minzheng.Invalid(f+".schooling", "在学情况“%s”不对，应为 %s 之一", m.Schooling, registry.Schoolings.Codes())
		}
		for j, s := range m.SelfCareFailed {
			if !registry.SelfCareItems.Has(s) {
				return minzheng.Invalid(f+".self_care_failed", "自理能力项目“%s”不对，应为 %s 之一", s, registry.SelfCareItems.Codes())
			}
			if contains(m.SelfCareFailed[:j], s) {
				return minzheng.Invalid(f+".self_care_failed", "自理能力项目“%s”重复填写", registry.SelfCareItems.Name(s))
			}
		}
		for j, in := range m.Incomes {
			if !registry.IncomeKinds.Has(in.Kind) {
				return minzheng.Invalid(f+".incomes["+strconv.Itoa(j)+"].kind", "收入类别“%s”不对，应为 %s 之一", in.Kind, registry.IncomeKinds.Codes())
			}
			if in.MonthlyFen < 0 {
				return minzheng.Invalid(f+".incomes["+strconv.Itoa(j)+"].monthly_fen", "收入不能为负数；经营亏损请按 0 填写")
			}
		}
		for j, e := range m.Expenses {
			g := f + ".expenses[" + strconv.Itoa(j) + "]"
			if !registry.ExpenseKinds.Has(e.Kind) {
				return minzheng.Invalid(g+".kind", "支出类别“%s”不对，应为 %s 之一", e.Kind, registry.ExpenseKinds.Codes())
			}
			if e.YearlyFen < 0 || e.ReimbursedFen < 0 {
				return minzheng.Invalid(g+".yearly_fen", "支出金额不能为负数")
			}
			if e.ReimbursedFen > e.YearlyFen {
				return minzheng.Invalid(g+".reimbursed_fen", "已报销金额不能超过支出金额")
			}
		}
		for j, s := range m.Supporters {
			g := f + ".supporters[" + strconv.Itoa(j) + "]"
			if s.Relation != "" && !registry.Relations.Has(s.Relation) {
				return minzheng.Invalid(g+".relation", "赡养人关系“%s”不对，应为 %s 之一", s.Relation, registry.Relations.Codes())
			}
			if s.Status != "" && !contains(SupporterStatuses, s.Status) {
				return minzheng.Invalid(g+".status", "赡养人状况“%s”不对，应为 %s 之一", s.Status, strings.Join(SupporterStatuses, "、"))
			}
			if s.Age != nil && (*s.Age < 0 || *s.Age > 150) {
				return minzheng.Invalid(g+".age", "赡养人年龄不对")
			}
			if s.MonthlyIncomeFen != nil && *s.MonthlyIncomeFen < 0 {
				return minzheng.Invalid(g+".monthly_income_fen", "收入不能为负数")
			}
		}
		for j, p := range m.Parents {
			g := f + ".parents[" + strconv.Itoa(j) + "]"
			if !registry.ParentStatuses.Has(p.Status) {
				return minzheng.Invalid(g+".status", "父母状况“%s”不对，应为 %s 之一", p.Status, registry.ParentStatuses.Codes())
			}
			if p.Parent != "" && !registry.Parents.Has(p.Parent) {
				return minzheng.Invalid(g+".parent", "应为 father 或 mother")
			}
			if p.Since > r.Date {
				return minzheng.Invalid(g+".since", "父母状况的起始日期晚于测算日期")
			}
			if p.TermMonths < 0 {
				return minzheng.Invalid(g+".term_months", "期限不能为负数")
			}
		}
		if len(m.Parents) > 2 {
			return minzheng.Invalid(f+".parents", "父母状况最多两条")
		}
		for _, b := range m.Benefits {
			if err := checkProgram(b.Program, f+".benefits"); err != nil {
				return err
			}
			if b.MonthlyFen < 0 {
				return minzheng.Invalid(f+".benefits", "待遇金额不能为负数")
			}
		}
	}
	return nil
}

func checkProgram(code, field string) error {
	if _, ok := programs[code]; !ok {
		return minzheng.Invalid(field, "救助项目“%s”不存在，可选：%s", code, strings.Join(ProgramCodes(), "、"))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// subject finds the member a person programme decides for: the one whose ID
// number is Subject, or the only member. It is bad input, not a missing
// fact, when the request names nobody or someone not in the household.
func (r *Request) subject() (*Member, int, error) {
	h := &r.Household
	if r.Subject == "" {
		if len(h.Members) == 1 {
			return &h.Members[0], 0, nil
		}
		return nil, 0, minzheng.Invalid("subject", "该项目以个人为对象，请在 subject 中填写对象的身份证号")
	}
	id, err := registry.ParseIDNumber(r.Subject, r.Date, "subject")
	if err != nil {
		return nil, 0, err
	}
	for i := range h.Members {
		if h.Members[i].IDNumber == string(id) {
			return &h.Members[i], i, nil
		}
	}
	return nil, 0, minzheng.Invalid("subject", "身份证号 %s 不是本户成员", id.Masked())
}
