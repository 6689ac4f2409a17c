package web

import (
	"encoding/json"
	"fmt"
	"minzheng/registry"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"minzheng"
	"minzheng/casework"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/sqldb"
)

func (s *Server) routeCasePages() {
	s.mux.Handle("GET /staff/cases", s.staff(s.casesPage))
	s.mux.Handle("POST /staff/cases", s.staff(s.caseCreateSubmit))
	s.mux.Handle("GET /staff/cases/{id}", s.staff(s.casePage))
	s.mux.Handle("POST /staff/cases/{id}/actions/{action}", s.staff(s.caseActionSubmit))
	s.mux.Handle("GET /portal/notices", s.public(s.noticesPage))
	s.mux.Handle("GET /staff/cases/{id}/letter", s.staff(s.caseLetter))
	s.mux.Handle("GET /staff/kin", s.staff(s.kinPage))
	s.mux.Handle("POST /staff/kin", s.staff(s.kinSubmit))
	s.mux.Handle("POST /staff/kin/{id}/end", s.staff(s.kinEndSubmit))
	s.mux.Handle("POST /staff/cases/{id}/documents", s.staff(s.documentSubmit))
	s.mux.Handle("GET /staff/cases/{id}/documents/{doc}", s.staff(s.serveDocument))
}

// letterView is a printable decision letter: approval notice (确认通知书),
// refusal with reasons (第21条), stop, phase-out or continuation.
type letterView struct {
	C                  sqldb.CaseRecord
	Title, Outcome     string
	Program, Name      string
	Where, Authority   string
	Reason, FirstMonth string
	Date               minzheng.Date
	Noticed            bool   // the flow has a public notice (not children's cases)
	Once               bool   // a one-off payment (临时救助)
	Remedy             string // the article that gives the right of review
}

func (s *Server) caseLetter(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return err
	}
	c, err := s.db.Case(r.Context(), id)
	if err != nil {
		return err
	}
	if !c.State.Final() || c.State == casework.Withdrawn || c.State == casework.Terminated {
		return &minzheng.Error{Code: minzheng.CodeConflict, Message: "案件尚未作出决定，没有决定书可打印"}
	}
	v := letterView{C: c, Outcome: string(c.State)}
	if p, ok := policy.ProgramByCode(c.Program); ok {
		v.Program = p.Name
	}
	v.Title = map[casework.State]string{casework.Approved: v.Program + "审核确认通知书", casework.Rejected: v.Program + "不予批准告知书",
		casework.Stopped: v.Program + "停止保障告知书", casework.PhasingOut: v.Program + "渐退告知书", casework.Continued: v.Program + "继续保障通知书"}[c.State]
	// The decision is the last step that reached the final state: later
	// steps (the refusal's delivery) change neither its reason nor its date.
	for i := len(c.History) - 1; i >= 0; i-- {
		if ev := c.History[i]; ev.To == c.State && ev.From != c.State {
			v.Reason = ev.Fields.Text("reason")
			v.Date = minzheng.DateOf(ev.At)
			v.FirstMonth = (v.Date.Month() + 1).String()
			break
		}
	}
	if v.Reason == "" && c.Decision != nil && c.State == casework.Rejected {
		// Without a reason typed in, the rules engine's own last reason.
		if n := len(c.Decision.Reasons); n > 0 {
			v.Reason = c.Decision.Reasons[n-1].Text
		}
	}
	if f, ok := casework.FlowFor(c.Program, c.Variant); ok {
		v.Noticed = f.Notice
	}
	v.Once = c.Decision != nil && c.Decision.Period == "once"
	v.Remedy = "《社会救助暂行办法》第六十五条"
	if c.Program == "dibao" {
		v.Remedy = "《最低生活保障审核确认办法》第三十八条"
	}
	if h, err := s.db.Household(r.Context(), c.HouseholdID, v.Date); err == nil {
		if head := h.Head(); head != nil {
			v.Name = head.Name
		}
	}
	code := region.Code(c.Region)
	if row, err := s.db.Region(r.Context(), code, code.Level()); err == nil {
		v.Where = strings.Join(row.Path, "")
		if len(row.Path) >= 3 {
			v.Authority = row.Path[2] + "民政局"
		}
	}
	s.render(w, r, "case_letter", page{Title: v.Title, Menu: "cases", Data: v})
	return nil
}

// noticesView is the public, printable 公示 of a region.
type noticesView struct {
	Region, Where        string
	Notices, Publication []sqldb.Notice
}

// noticesPage is the 公示 anyone may read and print: names, household
// sizes and amounts only.
func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request) error {
	v := noticesView{Region: strings.TrimSpace(r.URL.Query().Get("region"))}
	p := page{Title: "公示公告", Data: &v}
	if v.Region != "" {
		ctx := minzheng.WithActor(r.Context(), minzheng.Anonymous)
		code, lvl, err := region.Parse(v.Region)
		if err == nil && code.Level() < region.LevelCounty {
			err = minzheng.Invalid("region", "公示按县、乡镇或村查看，请给出 6 位及以上的区划代码")
		}
		if err == nil {
			var row sqldb.RegionRow
			if row, err = s.db.Region(ctx, code, lvl); err == nil {
				v.Where = strings.Join(row.Path, "")
				var book *policy.Book
				if book, err = s.db.ParamBook(ctx); err == nil {
					var st casework.Settings
					if st, err = casework.SettingsFor(book, string(code), "dibao", minzheng.DateOf(s.clock.Now())); err == nil {
						v.Notices, v.Publication, err = s.db.Notices(ctx, code, st.NoticeDays)
					}
				}
			}
		}
		if err != nil {
			p.Err = s.publicError(r, err)
			v.Where = ""
		}
	}
	s.render(w, r, "portal_notices", p)
	return nil
}

// casesView is the 待办 worklist.
type casesView struct {
	Query url.Values
	Rows  []caseJSON
	Total int
}

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return minzheng.Invalid("region", "区划代码格式不对")
	}
	f := sqldb.CaseFilter{Region: reg, State: q.Get("state"), Program: q.Get("program"), Overdue: q.Get("overdue") == "true", PerPage: 200}
	list, total, err := s.db.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	v := casesView{Query: q, Total: total}
	for _, c := range list {
		cj, err := s.caseView(r, c)
		if err != nil {
			return err
		}
		v.Rows = append(v.Rows, cj)
	}
	s.render(w, r, "cases", page{Title: "业务办理 · 待办", Menu: "cases", Data: v})
	return nil
}

// caseCreateSubmit records an application from a household's page.
func (s *Server) caseCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	hid, err := strconv.ParseInt(r.PostForm.Get("household_id"), 10, 64)
	if err != nil {
		return minzheng.Invalid("household_id", "户号不对")
	}
	c, err := s.db.CreateCase(r.Context(), sqldb.NewCase{Program: r.PostForm.Get("program"), Variant: r.PostForm.Get("kind"),
		HouseholdID: hid, Subject: strings.TrimSpace(r.PostForm.Get("subject"))})
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d", c.ID), http.StatusSeeOther)
	return nil
}

// caseView is a case page: the case, the forms of the actions the user may
// take, and the flow as a table with the current state marked.
type casePageView struct {
	C        caseJSON
	Docs     []sqldb.CaseDocument
	Flow     *casework.Flow
	Forms    []actionForm
	Program  string
	Timeline []timelineRow
}

// timelineRow is one step of the case's history as a clerk reads it: the
// step's title and its fields under their own names, not the codes.
type timelineRow struct {
	Seq      int
	At       time.Time
	Title    string
	From, To casework.State
	Actor    string
	Details  []string
}

// fieldNames are the names of the fields steps record that no form asks
// for (the system adds them).
var fieldNames = map[string]string{"proposed_fen": "公示的拟保障金额", "enrolment": "待遇", "objection": "异议内容",
	"missing": "需补正的材料", "result": "核对结果", "opinion": "意见", "signed": "调查表已签字", "investigators": "调查人员",
	"reason": "理由", "note": "说明", "amount_fen": "金额", "fund": "资金来源", "months": "渐退月数"}

// fieldValues are the coded values steps record, in words.
var fieldValues = map[string]string{"pass": "通过", "fail": "未通过", "agree": "同意", "disagree": "不同意", "true": "是", "false": "否"}

func timeline(f *casework.Flow, history []casework.Event) []timelineRow {
	titles, names := map[casework.Action]string{}, map[string]string{}
	if f != nil {
		for _, st := range f.Steps {
			if _, ok := titles[st.Action]; !ok {
				titles[st.Action] = st.Title
			}
			for _, fd := range st.Fields {
				names[fd.Name] = fd.Title
			}
		}
	}
	out := make([]timelineRow, 0, len(history))
	for _, ev := range history {
		row := timelineRow{Seq: ev.Seq, At: ev.At, Title: titles[ev.Action], From: ev.From, To: ev.To, Actor: ev.Actor}
		if row.Title == "" {
			row.Title = string(ev.Action)
		}
		for _, k := range sortedFieldKeys(ev.Fields) {
			name := fieldNames[k]
			if name == "" {
				name = names[k]
			}
			if name == "" {
				name = k
			}
			row.Details = append(row.Details, name+"："+fieldText(k, ev.Fields[k]))
		}
		out = append(out, row)
	}
	return out
}

func sortedFieldKeys(in casework.Input) []string {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fieldText shows a recorded value: amounts in 元, lists joined, codes in
// words, objects (the enrolment's record) as their own fields.
func fieldText(name string, raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	switch x := v.(type) {
	case string:
		if w, ok := fieldValues[x]; ok {
			return w
		}
		return x
	case bool:
		return fieldValues[strconv.FormatBool(x)]
	case float64:
		if strings.HasSuffix(name, "_fen") {
			return minzheng.Fen(int64(x)).Yuan() + " 元"
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			b, _ := json.Marshal(e)
			parts = append(parts, fieldText(name, b))
		}
		return strings.Join(parts, "、")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			b, _ := json.Marshal(x[k])
			label := map[string]string{"enrolment_id": "待遇编号", "first_month": "起始月份", "next_review": "下次核查", "auto_granted": "免申即享",
				"linked_cases": "联动案件", "stopped_from": "停发月份", "new_enrolment_id": "新待遇编号", "amount_fen": "金额", "from": "起始月份",
				"auto_granted_stopped": "随之停止的免申即享待遇"}[k]
			if label == "" {
				label = k
			}
			parts = append(parts, label+" "+fieldText(k, b))
		}
		return strings.Join(parts, "，")
	}
	return string(raw)
}

type actionForm struct {
	Action casework.Action
	Title  string
	Cite   string
	Fields []casework.Field
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCase(w, r, nil, "")
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, formErr error, flash string) error {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return err
	}
	c, err := s.db.Case(r.Context(), id)
	if err != nil {
		return err
	}
	cj, err := s.caseView(r, c)
	if err != nil {
		return err
	}
	v := casePageView{C: cj}
	if v.Docs, err = s.db.CaseDocuments(r.Context(), id); err != nil {
		return err
	}
	if p, ok := policy.ProgramByCode(c.Program); ok {
		v.Program = p.Name
	}
	if f, ok := casework.FlowFor(c.Program, c.Variant); ok {
		v.Flow = f
		v.Timeline = timeline(f, c.History)
		for _, a := range cj.AllowedActions {
			for _, st := range f.Steps {
				if st.Action == a {
					v.Forms = append(v.Forms, actionForm{Action: a, Title: st.Title, Cite: st.Cite, Fields: st.Fields})
					break
				}
			}
		}
	}
	p := page{Title: fmt.Sprintf("案件 %d · %s", c.ID, v.Program), Menu: "cases", Data: v, Flash: flash}
	if formErr != nil {
		p.Err = s.publicError(r, formErr) // render answers with its status
	}
	s.render(w, r, "case", p)
	return nil
}

// caseActionSubmit takes an action from its form: text fields as they are,
// lists one item a line, check boxes as yes/no.
func (s *Server) caseActionSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "案件")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	action := casework.Action(r.PathValue("action"))
	c, err := s.db.Case(r.Context(), id)
	if err != nil {
		return err
	}
	in := casework.Input{}
	if f, ok := casework.FlowFor(c.Program, c.Variant); ok {
		for _, st := range f.Steps {
			if st.Action != action {
				continue
			}
			for _, fd := range st.Fields {
				raw := strings.TrimSpace(r.PostForm.Get(fd.Name))
				var v any
				switch fd.Kind {
				case "bool":
					v = raw != ""
				case "list":
					var items []string
					for _, l := range strings.Split(raw, "\n") {
						if l = strings.TrimSpace(l); l != "" {
							items = append(items, l)
						}
					}
					if items == nil {
						continue
					}
					v = items
				case "fen":
					if raw == "" {
						continue
					}
					y, err := minzheng.ParseYuan(raw)
					if err != nil {
						return s.renderCase(w, r, minzheng.Invalid(fd.Name, "%s：%s", fd.Title, err.Error()), "")
					}
					v = int64(y)
				default:
					if raw == "" {
						continue
					}
					v = raw
				}
				b, _ := json.Marshal(v)
				in[fd.Name] = b
			}
			break
		}
	}
	if _, err := s.db.Act(r.Context(), id, action, in, r.PostForm.Get("idempotency_key"), s.calendar.Calendar()); err != nil {
		return s.renderCase(w, r, err, "")
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/cases/%d", id), http.StatusSeeOther)
	return nil
}

func init() {
	funcs["derefInt"] = func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	}
	funcs["derefTime"] = func(t *time.Time) time.Time { return *t }
	funcs["stateName"] = func(s casework.State) string { return casework.StateNames[s] }
	funcs["statesOf"] = func(f *casework.Flow) []casework.State { return f.States() }
	funcs["fromStates"] = func(list []casework.State) string {
		names := make([]string, len(list))
		for i, s := range list {
			names[i] = casework.StateNames[s]
		}
		return strings.Join(names, "、")
	}
	funcs["programs"] = func() []*policy.Program {
		var out []*policy.Program
		for _, code := range casework.Programs() {
			if p, ok := policy.ProgramByCode(code); ok {
				out = append(out, p)
			}
		}
		return out
	}
}

// kinView is the 近亲属备案 page.
type kinPageView struct {
	Query      url.Values
	Rows       []sqldb.KinEntry
	Relations  any
	StaffRoles map[string]string
}

func (s *Server) kinPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderKin(w, r, nil, nil)
}

func (s *Server) renderKin(w http.ResponseWriter, r *http.Request, form url.Values, formErr error) error {
	q := r.URL.Query()
	reg, err := region.ParseScope(q.Get("region"))
	if err != nil {
		return minzheng.Invalid("region", "区划代码格式不对")
	}
	list, err := s.db.KinList(r.Context(), reg, q.Get("all") == "")
	if err != nil {
		return err
	}
	for i := range list {
		list[i] = kinView(r, list[i])
	}
	u, _ := userFrom(r)
	if form == nil {
		form = url.Values{"region": {u.RegionShort()}}
	}
	p := page{Title: "近亲属备案", Menu: "cases", Form: form, Data: kinPageView{Query: q, Rows: list, Relations: registry.Relations, StaffRoles: sqldb.KinStaffRoles}}
	if formErr != nil {
		p.Err = s.publicError(r, formErr) // render answers with its status
	}
	s.render(w, r, "kin", p)
	return nil
}

func (s *Server) kinSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	f := r.PostForm
	k := sqldb.KinEntry{Region: strings.TrimSpace(f.Get("region")), IDNumber: f.Get("id_number"), Name: f.Get("name"), Relation: f.Get("relation"),
		StaffName: f.Get("staff_name"), StaffRole: f.Get("staff_role"), StaffUsername: strings.TrimSpace(f.Get("staff_username"))}
	if v := strings.TrimSpace(f.Get("valid_from")); v != "" {
		d, err := minzheng.ParseDate(v)
		if err != nil {
			return s.renderKin(w, r, f, minzheng.Invalid("valid_from", "备案日期：%s", err.Error()))
		}
		k.ValidFrom = d
	}
	if _, err := s.db.AddKin(r.Context(), k); err != nil {
		if _, ok := formError(err); ok {
			return s.renderKin(w, r, f, err)
		}
		return err
	}
	http.Redirect(w, r, "/staff/kin", http.StatusSeeOther)
	return nil
}

func (s *Server) kinEndSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "备案")
	if err != nil {
		return err
	}
	if _, err := s.db.EndKin(r.Context(), id, 0); err != nil {
		if _, ok := formError(err); ok {
			return s.renderKin(w, r, nil, err)
		}
		return err
	}
	http.Redirect(w, r, "/staff/kin", http.StatusSeeOther)
	return nil
}
