package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"minzheng"
	"minzheng/region"
)

// Kind is the type of a parameter's value.
type Kind string

// Parameter kinds. A fen parameter may also be given as a formula over
// another fen parameter ("1.3 × dibao.standard.urban"), evaluated in the
// region and on the date of the request, so a province can say "特困 = 1.3 ×
// 低保" once and every county's own 低保 standard feeds it (DESIGN.md §5).
const (
	KindFen   Kind = "fen"   // money in fen
	KindRatio Kind = "ratio" // a multiple, up to four decimals ("1.5")
	KindInt   Kind = "int"   // a count or an age
	KindBool  Kind = "bool"  // a switch
	KindList  Kind = "list"  // a set of codes
	KindCode  Kind = "code"  // one code from a fixed set
)

// Ratio is a multiple in ten-thousandths: 1.3 is 13000. Money is multiplied
// by it in integers.
type Ratio int64

// RatioOne is 1.
const RatioOne Ratio = 10000

// ParseRatio reads "1.5", "1.3", "60" (at most four decimals).
func ParseRatio(s string) (Ratio, error) {
	s = strings.TrimSpace(s)
	whole, frac, has := strings.Cut(s, ".")
	if whole == "" || len(frac) > 4 || (has && frac == "") || len(whole) > 9 {
		return 0, fmt.Errorf("倍数 %q 不对，应为数字，最多四位小数", s)
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, fmt.Errorf("倍数 %q 不对，应为数字，最多四位小数", s)
			}
		}
	}
	for len(frac) < 4 {
		frac += "0"
	}
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	return Ratio(n), nil
}

// String writes the ratio without trailing zeros: 13000 → "1.3".
func (r Ratio) String() string {
	s := fmt.Sprintf("%d.%04d", r/10000, r%10000)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Of is r × f, rounded half up to the fen.
func (r Ratio) Of(f minzheng.Fen) minzheng.Fen {
	p := int64(f) * int64(r)
	if p >= 0 {
		return minzheng.Fen((p + 5000) / 10000)
	}
	return -minzheng.Fen((-p + 5000) / 10000)
}

// under reports whether x < r × base exactly, without rounding the line:
// a household at 1199.99 元 is under a line of 1.5 × 799.99 = 1199.985.
func under(x minzheng.Fen, r Ratio, base minzheng.Fen) bool {
	return int64(x)*10000 < int64(r)*int64(base)
}

// Value is a parameter's parsed value; which field holds it depends on the
// parameter's Kind.
type Value struct {
	Fen   minzheng.Fen
	Ratio Ratio
	Int   int64
	Bool  bool
	List  []string
	Code  string
	// A formula: Factor × Ref, for fen parameters.
	Factor Ratio
	Ref    string
}

// IsFormula reports whether the value is a formula over another parameter.
func (v Value) IsFormula() bool { return v.Ref != "" }

// Has reports whether a list value holds code.
func (v Value) Has(code string) bool {
	for _, c := range v.List {
		if c == code {
			return true
		}
	}
	return false
}

// ParseValue reads the text of a value of kind k, checking codes against
// the spec's allowed set when it has one.
func ParseValue(spec Spec, text string) (Value, error) {
	text = strings.TrimSpace(text)
	var v Value
	switch spec.Kind {
	case KindFen:
		if f, ref, ok := splitFormula(text); ok {
			r, err := ParseRatio(f)
			if err != nil {
				return v, err
			}
			target, ok := Lookup(ref)
			if !ok || target.Kind != KindFen {
				return v, fmt.Errorf("公式引用的参数 %q 不存在或不是金额", ref)
			}
			if ref == spec.Name {
				return v, fmt.Errorf("公式不能引用参数自身")
			}
			v.Factor, v.Ref = r, ref
			return v, nil
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < 0 || n > 1e13 {
			return v, fmt.Errorf("金额 %q 不对，应为以分计的非负整数，或“倍数 × 参数名”形式的公式", text)
		}
		v.Fen = minzheng.Fen(n)
	case KindRatio:
		r, err := ParseRatio(text)
		if err != nil {
			return v, err
		}
		v.Ratio = r
	case KindInt:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n < 0 || n > 1e9 {
			return v, fmt.Errorf("数值 %q 不对，应为非负整数", text)
		}
		v.Int = n
	case KindBool:
		switch text {
		case "true", "是":
			v.Bool = true
		case "false", "否":
		default:
			return v, fmt.Errorf("开关 %q 不对，应为 true 或 false", text)
		}
	case KindList:
		if text != "" {
			for _, c := range strings.Split(text, ",") {
				c = strings.TrimSpace(c)
				if c == "" {
					continue
				}
				if spec.Allowed != nil && !allowed(spec.Allowed, c) {
					return v, fmt.Errorf("代码 %q 不在可选范围（%s）内", c, strings.Join(spec.Allowed, "、"))
				}
				if !v.Has(c) {
					v.List = append(v.List, c)
				}
			}
		}
		if v.List == nil {
			v.List = []string{}
		}
	case KindCode:
		if !allowed(spec.Allowed, text) {
			return v, fmt.Errorf("代码 %q 不在可选范围（%s）内", text, strings.Join(spec.Allowed, "、"))
		}
		v.Code = text
	default:
		return v, fmt.Errorf("unknown kind %q", spec.Kind)
	}
	return v, nil
}

func allowed(set []string, c string) bool {
	for _, a := range set {
		// A tiered entry such as "80:10000" is allowed by its pattern "age:fen".
		if a == c || (a == "age:fen" && isTier(c)) || (a == "category:level" && isCategoryLevel(c)) {
			return true
		}
	}
	return false
}

func isTier(c string) bool {
	a, f, ok := strings.Cut(c, ":")
	_, e1 := strconv.Atoi(a)
	_, e2 := strconv.ParseInt(f, 10, 64)
	return ok && e1 == nil && e2 == nil
}

func isCategoryLevel(c string) bool {
	cat, lv, ok := strings.Cut(c, ":")
	n, err := strconv.Atoi(lv)
	return ok && err == nil && n >= 1 && n <= 4 && disabilityCategories[cat] != ""
}

// splitFormula splits "1.3 × dibao.standard.urban" (also "*" or "x").
func splitFormula(s string) (factor, ref string, ok bool) {
	for _, op := range []string{"×", "*", "x", "X"} {
		if a, b, found := strings.Cut(s, op); found {
			a, b = strings.TrimSpace(a), strings.TrimSpace(b)
			if a != "" && b != "" && strings.Contains(b, ".") {
				return a, b, true
			}
		}
	}
	return "", "", false
}

// Format writes v back as canonical text.
func (v Value) Format(k Kind) string {
	if v.IsFormula() {
		return v.Factor.String() + " × " + v.Ref
	}
	switch k {
	case KindFen:
		return strconv.FormatInt(int64(v.Fen), 10)
	case KindRatio:
		return v.Ratio.String()
	case KindInt:
		return strconv.FormatInt(v.Int, 10)
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindList:
		return strings.Join(v.List, ",")
	}
	return v.Code
}

// Document is what set a parameter: 文号, title, article, address.
type Document struct {
	Number  string `json:"number,omitempty"` // 文号, e.g. 民发〔2021〕57号
	Title   string `json:"title,omitempty"`
	Article string `json:"article,omitempty"` // e.g. 第8条
	URL     string `json:"url,omitempty"`
}

// Source is the document as one line: title, number, article.
func (d Document) Source() string {
	var parts []string
	if d.Title != "" {
		parts = append(parts, d.Title)
	}
	if d.Number != "" {
		parts = append(parts, d.Number)
	}
	if d.Article != "" {
		parts = append(parts, d.Article)
	}
	return strings.Join(parts, " ")
}

// Param is one dated, regional value of a parameter. A standard changes by
// a new row, never by editing one: the row with the latest effective_from on
// or before the day applies, and among rows for the same day the one recorded
// last (a correction) wins; so every past decision can be replayed.
type Param struct {
	ID            int64         `json:"id,omitempty"`
	Name          string        `json:"name"`
	Region        string        `json:"region"` // a region prefix (2/4/6/9/12 digits); "" is the whole country
	Value         string        `json:"value"`  // canonical text, see Value.Format
	EffectiveFrom minzheng.Date `json:"effective_from"`
	EffectiveTo   minzheng.Date `json:"effective_to"` // the first day it no longer applies; zero while open
	RecordedAt    time.Time     `json:"recorded_at"`
	RecordedBy    string        `json:"recorded_by,omitempty"`
	Document      Document      `json:"document"`
	// Demo marks a value the program's demonstration chose where no seed
	// document gives one; every screen showing it says 演示.
	Demo bool   `json:"demo"`
	Note string `json:"note,omitempty"`

	parsed Value
}

// Parsed is the row's value, parsed by its spec.
func (p *Param) Parsed() Value { return p.parsed }

// Region12 is the row's region as 12 digits ("000000000000" for the country).
func (p *Param) Region12() string { return Region12(p.Region) }

// Region12 pads a region prefix to 12 digits.
func Region12(prefix string) string {
	return prefix + strings.Repeat("0", 12-len(prefix))
}

// Check validates a row before it is stored: a known name, a value of its
// kind, a region, a date and a document.
func (p *Param) Check() error {
	spec, ok := Lookup(p.Name)
	if !ok {
		return minzheng.Invalid("name", "没有名为“%s”的参数", p.Name)
	}
	v, err := ParseValue(spec, p.Value)
	if err != nil {
		return minzheng.Invalid("value", "%s：%s", spec.Title, err.Error())
	}
	p.parsed = v
	p.Value = v.Format(spec.Kind)
	if p.Region != "" {
		code, lvl, err := region.Parse(p.Region)
		if err != nil {
			return minzheng.Invalid("region", "区划代码“%s”不对", p.Region)
		}
		p.Region = region.Short(code, lvl)
	}
	if p.EffectiveFrom.IsZero() {
		return minzheng.Invalid("effective_from", "请填写生效日期")
	}
	if !p.EffectiveTo.IsZero() && p.EffectiveTo <= p.EffectiveFrom {
		return minzheng.Invalid("effective_to", "失效日期应晚于生效日期")
	}
	if p.Document.Number == "" && p.Document.Title == "" {
		return minzheng.Invalid("document", "请填写设定该标准的文件（文号或文件名）")
	}
	if len(p.Document.URL) > 500 || len(p.Document.Title) > 300 || len(p.Document.Number) > 100 || len(p.Document.Article) > 100 || len(p.Note) > 1000 {
		return minzheng.Invalid("document", "文件信息过长")
	}
	if u := p.Document.URL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return minzheng.Invalid("document.url", "文件地址应以 http:// 或 https:// 开头")
	}
	return nil
}

// Book is a set of parameter rows, indexed for lookup. It is immutable; a
// reform is a new Book made by Overlay.
type Book struct {
	byName   map[string][]*Param // each sorted by region length desc, effective_from desc, recorded_at desc
	regions  map[string]bool     // the regions holding any row
	list     []string            // regions, deepest first, made once
	listOnce sync.Once
}

// NewBook checks and indexes rows. A row that does not parse is an error:
// the book must never hold a value the rules cannot read.
func NewBook(rows []Param) (*Book, error) {
	b := &Book{byName: map[string][]*Param{}, regions: map[string]bool{}}
	for i := range rows {
		p := rows[i]
		if err := p.Check(); err != nil {
			return nil, fmt.Errorf("参数 %s（%s，%s 起）：%w", rows[i].Name, regionLabel(rows[i].Region), rows[i].EffectiveFrom, err)
		}
		b.byName[p.Name] = append(b.byName[p.Name], &p)
		b.regions[p.Region] = true
	}
	for _, list := range b.byName {
		sortRows(list)
	}
	return b, nil
}

func sortRows(list []*Param) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if len(a.Region) != len(b.Region) {
			return len(a.Region) > len(b.Region)
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.EffectiveFrom != b.EffectiveFrom {
			return a.EffectiveFrom > b.EffectiveFrom
		}
		return a.RecordedAt.After(b.RecordedAt)
	})
}

// Rows lists every row of the book, by name then region then date.
func (b *Book) Rows() []Param {
	var out []Param
	for _, list := range b.byName {
		for _, p := range list {
			out = append(out, *p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if a.Name != c.Name {
			return a.Name < c.Name
		}
		if a.Region != c.Region {
			return a.Region < c.Region
		}
		return a.EffectiveFrom < c.EffectiveFrom
	})
	return out
}

// Row finds the row that applies to name in the region (12 digits) on the
// day: the deepest region prefix holding a row in force that day wins, and
// within it the latest effective_from, then the latest recorded. nil when
// none applies.
func (b *Book) Row(name, region12 string, day minzheng.Date) *Param {
	for _, p := range b.byName[name] {
		if !strings.HasPrefix(region12, p.Region) {
			continue
		}
		if p.EffectiveFrom > day || (!p.EffectiveTo.IsZero() && p.EffectiveTo <= day) {
			continue
		}
		return p
	}
	return nil
}

// deepestRegion is the longest prefix of region12 that holds a row of any
// parameter: two places with the same one read the same rows.
func (b *Book) deepestRegion(region12 string) string {
	for _, r := range b.regionList() {
		if strings.HasPrefix(region12, r) {
			return r
		}
	}
	return ""
}

// regionList is the regions holding rows, deepest first: a handful, so a
// scan of prefixes beats hashing for every village.
func (b *Book) regionList() []string {
	b.listOnce.Do(func() {
		for r := range b.regions {
			b.list = append(b.list, r)
		}
		sort.Slice(b.list, func(i, j int) bool {
			if len(b.list[i]) != len(b.list[j]) {
				return len(b.list[i]) > len(b.list[j])
			}
			return b.list[i] < b.list[j]
		})
	})
	return b.list
}

// Earliest is the first day name has any value in the region, zero when it
// has none at all; for the error that names what is missing.
func (b *Book) Earliest(name, region12 string) minzheng.Date {
	var first minzheng.Date
	for _, p := range b.byName[name] {
		if strings.HasPrefix(region12, p.Region) && (first == 0 || p.EffectiveFrom < first) {
			first = p.EffectiveFrom
		}
	}
	return first
}

// History lists name's rows that apply to the region: its own and its
// ancestors', oldest first.
func (b *Book) History(name, region12 string) []Param {
	var out []Param
	for _, p := range b.byName[name] {
		if strings.HasPrefix(region12, p.Region) {
			out = append(out, *p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].EffectiveFrom != out[j].EffectiveFrom {
			return out[i].EffectiveFrom < out[j].EffectiveFrom
		}
		return len(out[i].Region) < len(out[j].Region)
	})
	return out
}

// AsRecorded is the book as it was known at t: only the rows recorded by
// then. A decision is replayed with the book of the moment it was made, so
// a correction recorded later does not change what was decided.
func (b *Book) AsRecorded(t time.Time) *Book {
	nb := &Book{byName: make(map[string][]*Param, len(b.byName)), regions: map[string]bool{}}
	for k, list := range b.byName {
		for _, p := range list {
			if !p.RecordedAt.After(t) {
				nb.byName[k] = append(nb.byName[k], p)
				nb.regions[p.Region] = true
			}
		}
	}
	return nb
}

// Set is one reform value for a what-if: name=value@region, in force from
// the simulation's date.
type Set struct {
	Name   string
	Value  string
	Region string // prefix; "" is the whole country
}

// ParseSet reads "dibao.standard.rural=85000@370614" (the region is
// optional: the whole country).
func ParseSet(s string) (Set, error) {
	name, rest, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok || name == "" {
		return Set{}, minzheng.Invalid("set", "改革参数“%s”应写作 名称=值@区划", s)
	}
	value, reg, _ := strings.Cut(rest, "@")
	set := Set{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
	spec, ok := Lookup(set.Name)
	if !ok {
		return Set{}, minzheng.Invalid("set", "没有名为“%s”的参数", set.Name)
	}
	if _, err := ParseValue(spec, set.Value); err != nil {
		return Set{}, minzheng.Invalid("set", "%s：%s", set.Name, err.Error())
	}
	if reg = strings.TrimSpace(reg); reg != "" {
		code, lvl, err := region.Parse(reg)
		if err != nil {
			return Set{}, minzheng.Invalid("set", "改革参数“%s”的区划代码不对", s)
		}
		set.Region = region.Short(code, lvl)
	}
	return set, nil
}

// Overlay is a new book with the reform values added as rows in force from
// day, recorded after everything else, so they win wherever their region is
// at least as deep as the row they replace.
func (b *Book) Overlay(sets []Set, day minzheng.Date) (*Book, error) {
	nb := &Book{byName: make(map[string][]*Param, len(b.byName)), regions: make(map[string]bool, len(b.regions))}
	for k, v := range b.byName {
		nb.byName[k] = append([]*Param(nil), v...)
	}
	for k := range b.regions {
		nb.regions[k] = true
	}
	for _, s := range sets {
		p := &Param{Name: s.Name, Region: s.Region, Value: s.Value, EffectiveFrom: day,
			RecordedAt: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), Document: Document{Title: "测算方案（未生效）"}}
		if err := p.Check(); err != nil {
			return nil, err
		}
		nb.byName[s.Name] = append(nb.byName[s.Name], p)
		nb.regions[p.Region] = true
		sortRows(nb.byName[s.Name])
	}
	return nb, nil
}

func regionLabel(prefix string) string {
	if prefix == "" {
		return "全国"
	}
	return Region12(prefix)
}
