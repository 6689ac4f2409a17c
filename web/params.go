package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/policy"
	"minzheng/region"
)

// Parameters (标准管理): the catalog, each parameter's history per region,
// adding a dated row with its document, and the 标准调整情况 report — as
// JSON under /api/v1/params and as pages under /staff/params.

func init() {
	doc := object(obj{"number": str("文号，如 民发〔2021〕57号"), "title": str("文件名称"), "article": str("条款，如 第8条"),
		"url": str("文件地址（http:// 或 https://）")})
	schemas["ParamDocument"] = doc
	schemas["Param"] = object(obj{
		"id": integer("编号"), "name": str("参数名称（见 /params/specs）"), "title": str("参数中文名"),
		"region":         str("适用区划，12 位代码；000000000000 为全国。适用于该区划及其下级，最近的上级优先"),
		"value":          str("值：金额以分计；倍数如 1.5；开关 true/false；列表以逗号分隔；或公式如 “1.3 × dibao.standard.urban”"),
		"effective_from": str("生效日期 YYYY-MM-DD"), "effective_to": nullable(str("失效日期（当日起不再适用）；长期有效为 null")),
		"recorded_at": str("录入时间（UTC）"), "recorded_by": str("录入人"),
		"document": ref("ParamDocument"), "demo": obj{"type": "boolean", "description": "演示数据选定的值，并非文件规定"},
		"note": str("备注"),
	}, "id", "name", "region", "value", "effective_from", "effective_to", "recorded_at", "recorded_by", "document", "demo")
	schemas["ParamList"] = list("Param")
	schemas["ParamInput"] = object(obj{
		"name": str("参数名称"), "region": str("适用区划（2/4/6/9/12 位代码）；全国留空"),
		"value":          obj{"description": "值（字符串；金额也可为整数，单位分）", "oneOf": []any{obj{"type": "string"}, obj{"type": "integer"}}},
		"effective_from": str("生效日期 YYYY-MM-DD"), "effective_to": nullable(str("失效日期；不填为长期有效")),
		"document": ref("ParamDocument"), "note": str("备注"),
	}, "name", "value", "effective_from", "document")
	schemas["ParamSpec"] = object(obj{
		"name": str("参数名称"), "kind": obj{"type": "string", "enum": []string{"fen", "ratio", "int", "bool", "list", "code"}},
		"title": str("中文名"), "unit": str("单位"), "allowed": arrayOf(str("可选代码")),
		"standard": obj{"type": "boolean", "description": "列入标准调整情况表的保障标准"},
	}, "name", "kind", "title", "standard")
	schemas["ParamSpecList"] = list("ParamSpec")
	schemas["ParamChange"] = object(obj{
		"name": str("参数名称"), "title": str("中文名"), "unit": str("单位"),
		"old_fen": nullable(integer("起始日适用的标准（分）；当时尚无标准为 null")), "new_fen": nullable(integer("截止日适用的标准（分）")),
		"old_since": nullable(str("起始日适用标准的生效日期")), "new_since": nullable(str("截止日适用标准的生效日期")),
		"changes": integer("期间调整次数"), "growth": nullable(str("增幅（%，两位小数，四舍五入），如 47.42；无原标准为 null")),
		"demo": obj{"type": "boolean", "description": "含演示数据选定的标准"},
	}, "name", "title", "old_fen", "new_fen", "changes", "growth", "demo")
	schemas["ParamChanges"] = object(obj{
		"region": str("12 位区划代码"), "from": str("起始日期"), "to": str("截止日期"),
		"items": arrayOf(ref("ParamChange")), "total": integer("行数"),
	}, "region", "from", "to", "items", "total")
}

// paramRoutes are the API's parameter routes; routeAPI adds them to the table.
func (s *Server) paramRoutes() []apiRoute {
	tag := "标准管理"
	return []apiRoute{
		{Method: "GET", Path: "/params", Summary: "适用于某区划的参数记录（本级及各上级），含已失效和被更正的记录", Tag: tag,
			Query:    []apiParam{{"name", "string", "参数名称；不填为全部参数", false}, {"region", "string", "区划代码；不填为本辖区", false}},
			Response: "ParamList", handle: s.apiParams},
		{Method: "GET", Path: "/params/specs", Summary: "参数目录：名称、类型、中文名、单位", Tag: tag, Response: "ParamSpecList", handle: s.apiParamSpecs},
		{Method: "POST", Path: "/params", Summary: "设定一项标准：新增一条带生效日期和依据文件的记录（原记录保留）", Tag: tag,
			Body: "ParamInput", Response: "Param", Status: http.StatusCreated, handle: s.apiAddParam},
		{Method: "GET", Path: "/params/changes", Summary: "标准调整情况：期初、期末标准，调整次数和增幅", Tag: tag,
			Query: []apiParam{{"region", "string", "区划代码；不填为本辖区", false}, {"from", "string", "起始日期 YYYY-MM-DD，默认一年前", false},
				{"to", "string", "截止日期 YYYY-MM-DD，默认今天", false}},
			Response: "ParamChanges", handle: s.apiParamChanges},
	}
}

// paramJSON is a row as the API answers it: the region as 12 digits.
type paramJSON struct {
	ID            int64           `json:"id"`
	Name          string          `json:"name"`
	Title         string          `json:"title"`
	Region        string          `json:"region"`
	Value         string          `json:"value"`
	EffectiveFrom minzheng.Date   `json:"effective_from"`
	EffectiveTo   minzheng.Date   `json:"effective_to"`
	RecordedAt    *string         `json:"recorded_at"`
	RecordedBy    string          `json:"recorded_by"`
	Document      policy.Document `json:"document"`
	Demo          bool            `json:"demo"`
	Note          string          `json:"note,omitempty"`
}

func toParamJSON(p policy.Param) paramJSON {
	spec, _ := policy.Lookup(p.Name)
	return paramJSON{ID: p.ID, Name: p.Name, Title: spec.Title, Region: p.Region12(), Value: p.Value,
		EffectiveFrom: p.EffectiveFrom, EffectiveTo: p.EffectiveTo, RecordedAt: utc(p.RecordedAt), RecordedBy: p.RecordedBy,
		Document: p.Document, Demo: p.Demo, Note: p.Note}
}

// paramRegion is the region a parameter request is about: the query's
// region narrowed to the actor's (its own when none is given); one wholly
// outside is refused and audited.
func (s *Server) paramRegion(r *http.Request) (region.Code, error) {
	return s.narrow(r, strings.TrimSpace(r.URL.Query().Get("region")))
}

// paramHistory is every row of the named parameters (all when names is
// empty) that applies to the region: its own and its ancestors'.
func (s *Server) paramHistory(r *http.Request, reg region.Code, names ...string) ([]policy.Param, error) {
	b, err := s.db.ParamBook(r.Context())
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		for _, sp := range policy.Specs() {
			names = append(names, sp.Name)
		}
	}
	var out []policy.Param
	for _, n := range names {
		out = append(out, b.History(n, string(reg))...)
	}
	return out, nil
}

func (s *Server) apiParams(r *http.Request) (any, error) {
	name := strings.TrimSpace(r.URL.Query().Get("name"))
	if name != "" {
		if _, ok := policy.Lookup(name); !ok {
			return nil, minzheng.Invalid("name", "没有名为“%s”的参数", name)
		}
	}
	reg, err := s.paramRegion(r)
	if err != nil {
		return nil, err
	}
	var names []string
	if name != "" {
		names = []string{name}
	}
	rows, err := s.paramHistory(r, reg, names...)
	if err != nil {
		return nil, err
	}
	items := make([]paramJSON, len(rows))
	for i, p := range rows {
		items[i] = toParamJSON(p)
	}
	return listJSON{Items: items, Total: len(items)}, nil
}

type specJSON struct {
	Name     string      `json:"name"`
	Kind     policy.Kind `json:"kind"`
	Title    string      `json:"title"`
	Unit     string      `json:"unit,omitempty"`
	Allowed  []string    `json:"allowed,omitempty"`
	Standard bool        `json:"standard"`
}

func (s *Server) apiParamSpecs(r *http.Request) (any, error) {
	specs := policy.Specs()
	items := make([]specJSON, len(specs))
	for i, sp := range specs {
		items[i] = specJSON{Name: sp.Name, Kind: sp.Kind, Title: sp.Title, Unit: sp.Unit, Allowed: sp.Allowed, Standard: sp.Standard}
	}
	return listJSON{Items: items, Total: len(items)}, nil
}

// paramValue is a value as the API takes it: a string, or a number or
// true/false written bare.
type paramValue string

func (v *paramValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return minzheng.Invalid("value", "值应为字符串或数字")
		}
		*v = paramValue(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9') || b[0] == 't' || b[0] == 'f'):
		*v = paramValue(b)
	default:
		return minzheng.Invalid("value", "值应为字符串或数字")
	}
	return nil
}

type paramInput struct {
	Name          string          `json:"name"`
	Region        string          `json:"region"`
	Value         paramValue      `json:"value"`
	EffectiveFrom minzheng.Date   `json:"effective_from"`
	EffectiveTo   minzheng.Date   `json:"effective_to"`
	Document      policy.Document `json:"document"`
	Note          string          `json:"note"`
}

func (s *Server) apiAddParam(r *http.Request) (any, error) {
	var in paramInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	p, err := s.db.AddParam(r.Context(), policy.Param{Name: strings.TrimSpace(in.Name), Region: in.Region, Value: string(in.Value),
		EffectiveFrom: in.EffectiveFrom, EffectiveTo: in.EffectiveTo, Document: trimDocument(in.Document), Note: strings.TrimSpace(in.Note)})
	if err != nil {
		return nil, err
	}
	return toParamJSON(p), nil
}

func trimDocument(d policy.Document) policy.Document {
	return policy.Document{Number: strings.TrimSpace(d.Number), Title: strings.TrimSpace(d.Title),
		Article: strings.TrimSpace(d.Article), URL: strings.TrimSpace(d.URL)}
}

// changesReport is the 标准调整情况 of one region over a period.
type changesReport struct {
	Region   region.Code
	From, To minzheng.Date
	Lines    []policy.Change
}

// paramChanges reads region, from and to (one year ago and today by
// default) and makes the report.
func (s *Server) paramChanges(r *http.Request) (changesReport, error) {
	q := r.URL.Query()
	to := s.today()
	var err error
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		if to, err = minzheng.ParseDate(v); err != nil {
			return changesReport{}, minzheng.Invalid("to", "截止日期：%s", err.Error())
		}
	}
	y, m, d := to.YMD()
	from := minzheng.NewDate(y-1, m, d)
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		if from, err = minzheng.ParseDate(v); err != nil {
			return changesReport{}, minzheng.Invalid("from", "起始日期：%s", err.Error())
		}
	}
	if from > to {
		return changesReport{}, minzheng.Invalid("from", "起始日期 %s 晚于截止日期 %s", from, to)
	}
	reg, err := s.paramRegion(r)
	if err != nil {
		return changesReport{}, err
	}
	b, err := s.db.ParamBook(r.Context())
	if err != nil {
		return changesReport{}, err
	}
	return changesReport{Region: reg, From: from, To: to, Lines: policy.Changes(b, region12(reg), from, to)}, nil
}

// region12 is a region as 12 digits, the country as twelve zeros.
func region12(c region.Code) string {
	if c == region.Country {
		return policy.Region12("")
	}
	return string(c)
}

type changeJSON struct {
	Name     string        `json:"name"`
	Title    string        `json:"title"`
	Unit     string        `json:"unit,omitempty"`
	OldFen   *minzheng.Fen `json:"old_fen"`
	NewFen   *minzheng.Fen `json:"new_fen"`
	OldSince minzheng.Date `json:"old_since"`
	NewSince minzheng.Date `json:"new_since"`
	Changes  int           `json:"changes"`
	Growth   *string       `json:"growth"`
	Demo     bool          `json:"demo"`
}

type changesJSON struct {
	Region string       `json:"region"`
	From   string       `json:"from"`
	To     string       `json:"to"`
	Items  []changeJSON `json:"items"`
	Total  int          `json:"total"`
}

func (s *Server) apiParamChanges(r *http.Request) (any, error) {
	rep, err := s.paramChanges(r)
	if err != nil {
		return nil, err
	}
	out := changesJSON{Region: region12(rep.Region), From: rep.From.String(), To: rep.To.String(), Items: []changeJSON{}}
	for _, c := range rep.Lines {
		j := changeJSON{Name: c.Name, Title: c.Title, Unit: c.Unit, OldFen: c.Old, NewFen: c.New, Changes: c.Changes, Demo: c.Demo}
		if c.OldRow != nil {
			j.OldSince = c.OldRow.EffectiveFrom
		}
		if c.NewRow != nil {
			j.NewSince = c.NewRow.EffectiveFrom
		}
		if c.Growth != "" {
			g := c.Growth
			j.Growth = &g
		}
		out.Items = append(out.Items, j)
	}
	out.Total = len(out.Items)
	return out, nil
}

// Pages.

func (s *Server) routeParamPages() {
	s.mux.Handle("GET /staff/params", s.staff(s.paramsPage))
	s.mux.Handle("GET /staff/params/changes", s.staff(s.paramChangesPage))
	s.mux.Handle("GET /staff/params/{name}", s.staff(s.paramPage))
	s.mux.Handle("POST /staff/params/{name}", s.staff(s.paramSubmit))
}

// regionLabels names region prefixes ("" is 全国) for a page, reading
// each region once.
type regionLabels struct {
	s     *Server
	r     *http.Request
	names map[string]string
}

func (s *Server) labels(r *http.Request) *regionLabels {
	return &regionLabels{s: s, r: r, names: map[string]string{"": "全国"}}
}

func (l *regionLabels) of(prefix string) string {
	if n, ok := l.names[prefix]; ok {
		return n
	}
	n := prefix
	if c, lvl, err := region.Parse(prefix); err == nil {
		if reg, err := l.s.db.Region(l.r.Context(), c, lvl); err == nil {
			n = strings.Join(reg.Path, "")
		}
	}
	l.names[prefix] = n
	return n
}

// shortOf is the code as typed in forms: "370614" for 蓬莱区, "" for the country.
func shortOf(c region.Code) string { return region.Short(c, c.Level()) }

// paramText shows a row's value for a person: money in 元 with its unit,
// a formula with the title of what it refers to, codes as they are.
func paramText(p policy.Param) string {
	spec, _ := policy.Lookup(p.Name)
	v := p.Parsed()
	if v.IsFormula() {
		ref, _ := policy.Lookup(v.Ref)
		return v.Factor.String() + " × " + ref.Title
	}
	switch spec.Kind {
	case policy.KindFen:
		return v.Fen.Yuan() + " " + yuanUnit(spec.Unit)
	case policy.KindBool:
		if v.Bool {
			return "是"
		}
		return "否"
	case policy.KindList:
		if len(v.List) == 0 {
			return "（无）"
		}
		return strings.Join(v.List, "、")
	}
	if spec.Unit != "" {
		return p.Value + " " + spec.Unit
	}
	return p.Value
}

// yuanUnit is a money unit as shown: 分/人/月 → 元/人/月.
func yuanUnit(u string) string {
	if u == "" {
		return "元"
	}
	return strings.Replace(u, "分", "元", 1)
}

type paramCatalogRow struct {
	Spec        policy.Spec
	Row         *policy.Param // in force today; nil when none
	Value       string
	Resolved    string // a formula's amount in the region, "" otherwise
	RegionLabel string
}

type paramsData struct {
	Region      string // short code, "" for the country
	RegionLabel string
	Today       minzheng.Date
	Rows        []paramCatalogRow
}

func (s *Server) paramsPage(w http.ResponseWriter, r *http.Request) error {
	reg, err := s.paramRegion(r)
	if err != nil {
		return err
	}
	b, err := s.db.ParamBook(r.Context())
	if err != nil {
		return err
	}
	labels := s.labels(r)
	today := s.today()
	d := paramsData{Region: shortOf(reg), RegionLabel: labels.of(shortOf(reg)), Today: today}
	for _, sp := range policy.Specs() {
		row := paramCatalogRow{Spec: sp}
		if p := b.Row(sp.Name, string(reg), today); p != nil {
			c := *p
			row.Row = &c
			row.Value = paramText(c)
			row.RegionLabel = labels.of(c.Region)
			if c.Parsed().IsFormula() {
				if f, _, err := policy.Resolve(b, sp.Name, region12(reg), today); err == nil {
					row.Resolved = f.Yuan() + " " + yuanUnit(sp.Unit)
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, r, "params", page{Title: "标准管理", Menu: "params", Data: d})
	return nil
}

type paramHistoryRow struct {
	policy.Param
	Value       string
	RegionLabel string
	InForce     bool
	Builtin     bool // shipped with the program: its recorded_at is a convention, not a time
}

// builtinCutoff: rows shipped with the program count as recorded on
// 2000-01-01 (policy's builtin rows), before anything a bureau enters.
var builtinCutoff = time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC)

type paramPageData struct {
	Spec        policy.Spec
	Region      string // short code, "" for the country
	RegionLabel string
	Today       minzheng.Date
	Rows        []paramHistoryRow
	Current     string
	CanEdit     bool
	Choices     []string // for bool and code parameters
}

func (s *Server) paramPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderParamPage(w, r, nil, nil)
}

// renderParamPage shows a parameter's history for a region with the form
// to add a row; formErr and form are the form's error and input after a
// refused submission.
func (s *Server) renderParamPage(w http.ResponseWriter, r *http.Request, formErr *minzheng.Error, form url.Values) error {
	spec, ok := policy.Lookup(r.PathValue("name"))
	if !ok {
		return minzheng.NotFound("参数“" + r.PathValue("name") + "”")
	}
	reg, err := s.paramRegion(r)
	if err != nil {
		return err
	}
	b, err := s.db.ParamBook(r.Context())
	if err != nil {
		return err
	}
	u, _ := userFrom(r)
	labels := s.labels(r)
	today := s.today()
	d := paramPageData{Spec: spec, Region: shortOf(reg), RegionLabel: labels.of(shortOf(reg)), Today: today,
		CanEdit: auth.Can(u.Actor(), auth.PermParamEdit)}
	cur := b.Row(spec.Name, string(reg), today)
	for _, p := range b.History(spec.Name, string(reg)) {
		h := paramHistoryRow{Param: p, Value: paramText(p), RegionLabel: labels.of(p.Region), InForce: cur != nil && cur.ID == p.ID,
			Builtin: strings.HasPrefix(p.RecordedBy, "system") && p.RecordedAt.Before(builtinCutoff)}
		d.Rows = append(d.Rows, h)
	}
	if cur != nil {
		d.Current = paramText(*cur)
		if cur.Parsed().IsFormula() {
			if f, _, err := policy.Resolve(b, spec.Name, region12(reg), today); err == nil {
				d.Current += "，即 " + f.Yuan() + " " + yuanUnit(spec.Unit)
			}
		}
	}
	switch spec.Kind {
	case policy.KindBool:
		d.Choices = []string{"true", "false"}
	case policy.KindCode:
		d.Choices = spec.Allowed
	}
	if form == nil {
		form = url.Values{"region": {d.Region}}
	}
	s.render(w, r, "param", page{Title: spec.Title + " · 标准管理", Menu: "params", Data: d, Err: formErr, Form: form})
	return nil
}

// paramSubmit adds a row from the page's form. Money is typed in 元; a
// formula as it is.
func (s *Server) paramSubmit(w http.ResponseWriter, r *http.Request) error {
	spec, ok := policy.Lookup(r.PathValue("name"))
	if !ok {
		return minzheng.NotFound("参数“" + r.PathValue("name") + "”")
	}
	form := url.Values{}
	for _, k := range []string{"region", "value", "effective_from", "effective_to", "document.number", "document.title",
		"document.article", "document.url", "note"} {
		form.Set(k, strings.TrimSpace(r.PostFormValue(k)))
	}
	fail := func(err error) error {
		e, ok := formError(err)
		if !ok {
			return err
		}
		// The history shown is that of the region the page was opened for.
		return s.renderParamPage(w, r, e, form)
	}
	p := policy.Param{Name: spec.Name, Region: form.Get("region"), Value: form.Get("value"), Note: form.Get("note"),
		Document: policy.Document{Number: form.Get("document.number"), Title: form.Get("document.title"),
			Article: form.Get("document.article"), URL: form.Get("document.url")}}
	if spec.Kind == policy.KindFen && !strings.ContainsAny(p.Value, "×*xX") {
		f, err := minzheng.ParseYuan(p.Value)
		if err != nil {
			return fail(minzheng.Invalid("value", "%s", err.Error()))
		}
		if f < 0 {
			return fail(minzheng.Invalid("value", "金额不能为负数"))
		}
		p.Value = strconv.FormatInt(int64(f), 10)
	}
	var err error
	if p.EffectiveFrom, err = formDate(form, "effective_from"); err != nil {
		return fail(err)
	}
	if p.EffectiveTo, err = formDate(form, "effective_to"); err != nil {
		return fail(err)
	}
	saved, err := s.db.AddParam(r.Context(), p)
	if err != nil {
		return fail(err)
	}
	to := "/staff/params/" + url.PathEscape(spec.Name)
	if saved.Region != "" {
		to += "?region=" + url.QueryEscape(saved.Region)
	} else if q := r.URL.Query().Get("region"); q != "" {
		to += "?region=" + url.QueryEscape(q)
	}
	redirectFlash(w, r, to, "已设定"+s.labels(r).of(saved.Region)+spec.Title+"：自 "+saved.EffectiveFrom.String()+" 起为 "+paramText(saved))
	return nil
}

type changeRow struct {
	policy.Change
	OldYuan, NewYuan       string
	OldSince, NewSince     minzheng.Date
	OldFormula, NewFormula string // the formula behind a value, "" for a plain amount
}

func formulaOf(p *policy.Param) string {
	if p != nil && p.Parsed().IsFormula() {
		return paramText(*p)
	}
	return ""
}

type paramChangesData struct {
	Region      string
	RegionLabel string
	From, To    minzheng.Date
	Rows        []changeRow
}

func (s *Server) paramChangesPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.paramChanges(r)
	if err != nil {
		return err
	}
	d := paramChangesData{Region: shortOf(rep.Region), RegionLabel: s.labels(r).of(shortOf(rep.Region)), From: rep.From, To: rep.To}
	for _, c := range rep.Lines {
		row := changeRow{Change: c}
		if c.Old != nil {
			row.OldYuan, row.OldSince, row.OldFormula = c.Old.Yuan(), c.OldRow.EffectiveFrom, formulaOf(c.OldRow)
		}
		if c.New != nil {
			row.NewYuan, row.NewSince, row.NewFormula = c.New.Yuan(), c.NewRow.EffectiveFrom, formulaOf(c.NewRow)
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, r, "param_changes", page{Title: "标准调整情况", Menu: "params", Data: d})
	return nil
}
