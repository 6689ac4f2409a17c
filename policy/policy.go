// Package policy is the rules as code (DESIGN.md §5): for each programme a
// pure function from a household (or one of its members), a date and a book
// of dated regional parameters to a Decision — eligible or not, the amount
// in fen, and the reasons step by step in Chinese, each with the values it
// used and the article behind it.
//
// Nothing here reads a clock, a file or a database: the date is part of the
// request and the parameters are passed in, so a decision can be replayed
// years later from its inputs and the parameter rows it names.
//
// Parameters are data (Param rows in a Book): a region's row applies to its
// subtree, the deepest region with a row in force wins, a change is a new
// dated row. A what-if is the same rules over a Book with an Overlay.
package policy

import (
	"fmt"
	"sort"
	"strings"

	"minzheng"
)

// Program is one programme: its code, Chinese name, whom it decides for,
// and its rule.
type Program struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Person bool   `json:"person"` // decided for one member (subject), not the household
	Period string `json:"period"` // month or once
	rule   func(r *Request, e *env, d *Decision)
}

// programs is filled by each programme's file.
var programs = map[string]*Program{}

func register(p *Program) { programs[p.Code] = p }

// ProgramCodes lists the programmes' codes in a fixed order.
func ProgramCodes() []string {
	out := make([]string, 0, len(programs))
	for c := range programs {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return programOrder(out[i]) < programOrder(out[j]) })
	return out
}

// Programs lists the programmes in display order.
func Programs() []*Program {
	var out []*Program
	for _, c := range ProgramCodes() {
		out = append(out, programs[c])
	}
	return out
}

// ProgramByCode finds a programme.
func ProgramByCode(code string) (*Program, bool) {
	p, ok := programs[code]
	return p, ok
}

var order = []string{"dibao", "dibao_edge", "tekun", "linshi", "orphan", "unsupported_child", "distressed_child",
	"disability_living", "disability_care", "elderly_longevity", "elderly_poor", "college_student", "free_electricity"}

func programOrder(c string) int {
	for i, o := range order {
		if o == c {
			return i
		}
	}
	return len(order)
}

// Decision is a programme's answer for one household or person.
type Decision struct {
	Program string        `json:"program"`
	Date    minzheng.Date `json:"date"`
	Region  string        `json:"region"`
	Subject string        `json:"subject,omitempty"` // masked ID number, person programmes
	// Eligible is null when a fact the rule needs is missing (see Missing).
	Eligible  *bool        `json:"eligible"`
	AmountFen minzheng.Fen `json:"amount_fen"`
	Period    string       `json:"period"`
	AmountKWh *int64       `json:"amount_kwh,omitempty"` // free_electricity: kWh per month
	Authority string       `json:"authority,omitempty"`  // linshi: township, county or special_review
	Support   string       `json:"support,omitempty"`    // tekun: dispersed or centralized
	// SinglePerson is 单人保: members of a 低保边缘 household covered alone
	// (《低保办法》第8条); Covered names them, masked.
	SinglePerson bool        `json:"single_person,omitempty"`
	Covered      []string    `json:"covered,omitempty"`
	Missing      []string    `json:"missing,omitempty"`
	Reasons      []Reason    `json:"reasons"`
	ParamsUsed   []ParamUsed `json:"params_used"`
	// Demo is true when a standard used is one the demonstration chose
	// (演示), not one a document set.
	Demo bool `json:"demo"`
}

// Reason is one step: a Chinese sentence with the values it used and the
// article or document behind it.
type Reason struct {
	Text     string         `json:"text"`
	Values   map[string]any `json:"values,omitempty"`
	Citation string         `json:"citation"`
}

// ParamUsed names the parameter version a decision read.
type ParamUsed struct {
	Name          string        `json:"name"`
	Title         string        `json:"title"`
	Value         any           `json:"value"`
	Formula       string        `json:"formula,omitempty"`
	Region        string        `json:"region"` // 12 digits; 000000000000 is the whole country
	EffectiveFrom minzheng.Date `json:"effective_from"`
	Source        string        `json:"source"`
	Demo          bool          `json:"demo,omitempty"`
}

// IsEligible reports a definite yes.
func (d *Decision) IsEligible() bool { return d.Eligible != nil && *d.Eligible }

func (d *Decision) say(citation string, values map[string]any, format string, args ...any) {
	d.Reasons = append(d.Reasons, Reason{Text: fmt.Sprintf(format, args...), Values: values, Citation: citation})
}

func (d *Decision) missing(field string) {
	for _, m := range d.Missing {
		if m == field {
			return
		}
	}
	d.Missing = append(d.Missing, field)
}

func (d *Decision) decide(ok bool) {
	v := ok
	d.Eligible = &v
}

// Evaluate decides req.Program for the request under the book. Bad input
// (an unknown programme, a code not in its list, a subject not in the
// household) and a parameter with no value in force on the date are
// errors; a missing fact is not — the decision names it.
func Evaluate(req Request, book *Book) (Decision, error) {
	p, ok := programs[req.Program]
	if !ok {
		if req.Program == "" {
			return Decision{}, minzheng.Invalid("program", "请填写救助项目，可选：%s", strings.Join(ProgramCodes(), "、"))
		}
		return Decision{}, minzheng.Invalid("program", "救助项目“%s”不存在，可选：%s", req.Program, strings.Join(ProgramCodes(), "、"))
	}
	if err := req.prepare(); err != nil {
		return Decision{}, err
	}
	d := Decision{Program: p.Code, Date: req.Date, Region: req.Region, Period: p.Period, Reasons: []Reason{}, ParamsUsed: []ParamUsed{}}
	if p.Person {
		m, _, err := req.subject()
		if err != nil {
			return Decision{}, err
		}
		if m.IDNumber != "" {
			d.Subject = minzheng.MaskID(m.IDNumber)
		}
	}
	e := &env{book: book, region: req.Region, date: req.Date, d: &d}
	p.rule(&req, e, &d)
	if e.err != nil {
		return Decision{}, e.err
	}
	if len(d.Missing) > 0 {
		d.Eligible = nil
		d.AmountFen = 0
		d.AmountKWh = nil
		d.Authority = ""
		d.Covered = nil
		d.SinglePerson = false
		d.say("", map[string]any{"missing": d.Missing}, "缺少认定所需的信息：%s，暂不能作出结论", strings.Join(d.Missing, "、"))
	} else if d.Eligible == nil {
		d.decide(false)
	}
	if !d.IsEligible() {
		d.AmountFen = 0
		d.AmountKWh = nil
	}
	return d, nil
}

// env reads parameters for one decision, recording each version used. The
// first parameter without a value in force is remembered as the error.
type env struct {
	book   *Book
	region string
	date   minzheng.Date
	d      *Decision
	err    error
	seen   map[string]bool
	depth  int // formulas being followed
}

// value resolves name (following a formula), recording it; required
// parameters set the error when absent.
func (e *env) value(name string, required bool) (Value, bool) {
	spec, ok := Lookup(name)
	if !ok {
		panic("policy: unknown parameter " + name)
	}
	row := e.book.Row(name, e.region, e.date)
	if row == nil {
		if required && e.err == nil {
			e.err = e.absent(name, spec)
		}
		return Value{}, false
	}
	v := row.parsed
	formula := ""
	if v.IsFormula() {
		if e.depth >= 5 {
			if e.err == nil {
				e.err = minzheng.Invalid("value", "参数 %s 的公式引用层次过多（可能循环引用），请检查标准设定", name)
			}
			return Value{}, false
		}
		e.depth++
		ref, ok := e.value(v.Ref, true)
		e.depth--
		if !ok {
			return Value{}, false
		}
		formula = v.Format(KindFen)
		v = Value{Fen: v.Factor.Of(ref.Fen)}
	}
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	if !e.seen[name] {
		e.seen[name] = true
		u := ParamUsed{Name: name, Title: spec.Title, Value: display(spec.Kind, v), Formula: formula, Region: row.Region12(),
			EffectiveFrom: row.EffectiveFrom, Source: row.Document.Source(), Demo: row.Demo}
		e.d.ParamsUsed = append(e.d.ParamsUsed, u)
		if row.Demo && spec.Standard {
			e.d.Demo = true
		}
	}
	return v, true
}

func (e *env) absent(name string, spec Spec) error {
	return noValue(e.book, name, spec, e.region, e.date)
}

func display(k Kind, v Value) any {
	switch k {
	case KindFen:
		return int64(v.Fen)
	case KindRatio:
		return v.Ratio.String()
	case KindInt:
		return v.Int
	case KindBool:
		return v.Bool
	case KindList:
		return v.List
	}
	return v.Code
}

func (e *env) fen(name string) minzheng.Fen    { v, _ := e.value(name, true); return v.Fen }
func (e *env) ratio(name string) Ratio         { v, _ := e.value(name, true); return v.Ratio }
func (e *env) integer(name string) int64       { v, _ := e.value(name, true); return v.Int }
func (e *env) list(name string) Value          { v, _ := e.value(name, true); return v }
func (e *env) code(name string) string         { v, _ := e.value(name, true); return v.Code }
func (e *env) optFen(name string) minzheng.Fen { v, _ := e.value(name, false); return v.Fen }
func (e *env) optInt(name string) int64        { v, _ := e.value(name, false); return v.Int }
func (e *env) optBool(name string) bool        { v, _ := e.value(name, false); return v.Bool }
func (e *env) optList(name string) Value       { v, _ := e.value(name, false); return v }

// source is the citation for a parameter already read: its document.
func (e *env) source(name string) string {
	if row := e.book.Row(name, e.region, e.date); row != nil {
		s := row.Document.Source()
		if row.Region == "" && !row.Demo {
			// A national text: cited like the articles in the code, so
			// cite() can drop it when the rule already names the article.
			s = row.Document.Title + row.Document.Article
		}
		if row.Demo {
			s += "（演示）"
		}
		return s
	}
	return ""
}

// yuan writes fen as yuan for a sentence: whole yuan without decimals
// ("1200"), otherwise two decimals ("233.33").
func yuan(f minzheng.Fen) string {
	if f%100 == 0 {
		return fmt.Sprintf("%d", f/100)
	}
	return f.Yuan()
}

func cite(parts ...string) string {
	var out []string
next:
	for _, p := range parts {
		if p == "" {
			continue
		}
		for _, q := range out {
			if strings.Contains(q, p) {
				continue next
			}
		}
		out = append(out, p)
	}
	return strings.Join(out, "；")
}
