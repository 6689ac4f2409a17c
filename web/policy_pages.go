package web

import (
	"context"
	"fmt"
	"minzheng/job"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/auth"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/registry"
)

// evalRows is how many member rows the 政策测算 form offers.
const evalRows = 6

func (s *Server) routePolicyPages() {
	s.mux.Handle("GET /staff/policy/eval", s.staff(s.evalPage))
	s.mux.Handle("POST /staff/policy/eval", s.staff(s.evalSubmit))
	s.mux.Handle("GET /staff/policy/simulate", s.staff(s.simulatePage))
	s.mux.Handle("POST /staff/policy/simulate", s.staff(s.simulateSubmit))
	s.mux.Handle("GET /staff/policy/simulate/{id}", s.staff(s.simulateResult))
}

// kindSimulate is the background job of the 改革测算 page: reading a
// province's registry takes seconds, so the page does not wait on it.
const kindSimulate = "policy.simulate"

func (s *Server) registerSimulate() {
	if s.jobs == nil {
		return
	}
	s.jobs.Register(job.Handler{
		Kind:  kindSimulate,
		Title: "改革测算",
		// It only reads: after a restart it is simply failed, to be run again.
		Resumable: false,
		Run: func(ctx context.Context, run *job.Run) (any, error) {
			var in simulateRequest
			if err := run.Params(&in); err != nil {
				return nil, err
			}
			_ = run.Progress(ctx, 1, 3, "读取辖区家庭档案")
			return s.simulateFor(ctx, in, func() { _ = run.Progress(ctx, 2, 3, "按现行标准和改革参数测算") })
		},
	})
}

// evalView is the 政策测算 page: the form and, once submitted, the
// decision.
type evalView struct {
	Programs   []*policy.Program
	Rows       []int
	Relations  any
	Categories any
	Schoolings any
	SelfCare   any
	IncomeKind any
	Decision   *policy.Decision
	Household  int64 // loaded from the registry
	Masked     bool  // ID numbers shown masked (loaded from the registry)
}

func (s *Server) evalView(d *policy.Decision) evalView {
	rows := make([]int, evalRows)
	for i := range rows {
		rows[i] = i
	}
	return evalView{Programs: policy.Programs(), Rows: rows, Relations: registry.Relations, Categories: registry.DisabilityCategories,
		Schoolings: registry.Schoolings, SelfCare: registry.SelfCareItems, IncomeKind: registry.IncomeKinds, Decision: d}
}

// evalPage shows the form; ?household=ID fills it from the registry as of
// ?date (today) and evaluates at once.
func (s *Server) evalPage(w http.ResponseWriter, r *http.Request) error {
	u, _ := userFrom(r)
	q := r.URL.Query()
	form := url.Values{"program": {"dibao"}, "date": {minzheng.DateOf(s.clock.Now()).String()}, "region": {u.RegionShort()}}
	view := s.evalView(nil)
	if id := q.Get("household"); id != "" {
		hid, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return minzheng.Invalid("household", "户号“%s”不对", id)
		}
		day := minzheng.DateOf(s.clock.Now())
		if v := q.Get("date"); v != "" {
			if day, err = minzheng.ParseDate(v); err != nil {
				return minzheng.Invalid("date", "%s", err.Error())
			}
		}
		h, err := s.db.Household(r.Context(), hid, day)
		if err != nil {
			return err
		}
		req := policy.Request{Program: "dibao", Date: day, Region: h.Region, Household: policy.FromRegistry(&h, day)}
		if p := q.Get("program"); p != "" {
			req.Program = p
		}
		form = requestForm(req)
		view.Household, view.Masked = hid, true
		if prog, ok := policy.ProgramByCode(req.Program); ok && prog.Person && len(req.Household.Members) > 0 {
			req.Subject = req.Household.Members[0].IDNumber
		}
		d, err := s.evaluate(r, req)
		if err != nil {
			s.render(w, r, "policy_eval", page{Title: "政策测算", Menu: "policy", Err: s.publicError(r, err), Form: form, Data: view})
			return nil
		}
		view.Decision = &d
	}
	s.render(w, r, "policy_eval", page{Title: "政策测算", Menu: "policy", Form: form, Data: view})
	return nil
}

func (s *Server) evalSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	view := s.evalView(nil)
	req, err := formRequest(r.PostForm)
	if err == nil {
		var d policy.Decision
		if d, err = s.evaluate(r, req); err == nil {
			view.Decision = &d
		}
	}
	p := page{Title: "政策测算", Menu: "policy", Form: r.PostForm, Data: view}
	if err != nil {
		p.Err = s.publicError(r, err) // render answers with its status
	}
	s.render(w, r, "policy_eval", p)
	return nil
}

// formRequest reads the 政策测算 form: money typed in yuan, blank member
// rows skipped.
func formRequest(f url.Values) (policy.Request, error) {
	req := policy.Request{Program: f.Get("program"), Region: strings.TrimSpace(f.Get("region")), Subject: strings.TrimSpace(f.Get("subject"))}
	var err error
	if req.Date, err = minzheng.ParseDate(strings.TrimSpace(f.Get("date"))); err != nil {
		return req, minzheng.Invalid("date", "测算日期：%s", err.Error())
	}
	yuan := func(name, label string) (minzheng.Fen, error) {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return 0, nil
		}
		y, err := minzheng.ParseYuan(v)
		if err != nil {
			return 0, minzheng.Invalid(name, "%s：%s", label, err.Error())
		}
		if y < 0 {
			return 0, minzheng.Invalid(name, "%s不能为负数", label)
		}
		return y, nil
	}
	count := func(name, label string) (int, error) {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 99 {
			return 0, minzheng.Invalid(name, "%s应为 0 到 99 的整数", label)
		}
		return n, nil
	}
	h := &req.Household
	h.Area = f.Get("area")
	req.Options.Kind = f.Get("kind")
	req.Options.Support = f.Get("support")
	if req.Options.AmountRequestedFen, err = yuan("amount_requested", "申请金额"); err != nil {
		return req, err
	}
	if f.Get("assets_known") != "" {
		a := &policy.Assets{}
		if a.DepositsFen, err = yuan("deposits", "金融资产"); err != nil {
			return req, err
		}
		if a.Vehicles, err = count("vehicles", "机动车辆"); err != nil {
			return req, err
		}
		if a.Houses, err = count("houses", "房屋"); err != nil {
			return req, err
		}
		h.Assets = a
	}
	for _, b := range f["benefit"] {
		h.Benefits = append(h.Benefits, policy.Benefit{Program: b})
	}
	for i := 0; i < evalRows; i++ {
		k := func(name string) string { return fmt.Sprintf("m%d_%s", i, name) }
		m := policy.Member{IDNumber: strings.TrimSpace(f.Get(k("id_number"))), Relation: f.Get(k("relation")), Schooling: f.Get(k("schooling")),
			SeriousIllness: f.Get(k("ill")) != "", SelfCareFailed: f[k("self_care")]}
		if strings.Contains(m.IDNumber, "*") {
			// A masked number shown from the registry: the birth date kept
			// beside it stands in for it.
			m.IDNumber = ""
		}
		if b := strings.TrimSpace(f.Get(k("birth_date"))); b != "" && m.IDNumber == "" {
			if m.BirthDate, err = minzheng.ParseDate(b); err != nil {
				return req, minzheng.Invalid(k("birth_date"), "第 %d 人出生日期：%s", i+1, err.Error())
			}
		}
		if m.IDNumber == "" && m.BirthDate.IsZero() && m.Relation == "" {
			continue
		}
		if c := f.Get(k("dis_category")); c != "" {
			lv, _ := strconv.Atoi(f.Get(k("dis_level")))
			m.Disability = &policy.Disability{Category: c, Level: lv}
		}
		if v := f.Get(k("long_term_care")); v != "" {
			b := v == "yes"
			m.LongTermCare = &b
		}
		for _, in := range []struct{ kind, field, label string }{{"wage", "wage", "工资性收入"}, {f.Get(k("other_kind")), "other", "其他收入"}} {
			amt, err := yuan(k(in.field), fmt.Sprintf("第 %d 人%s", i+1, in.label))
			if err != nil {
				return req, err
			}
			if amt > 0 {
				kind := in.kind
				if kind == "" {
					kind = "other"
				}
				m.Incomes = append(m.Incomes, policy.Income{Kind: kind, MonthlyFen: amt})
			}
		}
		for _, x := range []struct{ kind, label string }{{"medical", "医疗支出"}, {"education", "教育支出"}} {
			amt, err := yuan(k(x.kind), fmt.Sprintf("第 %d 人%s", i+1, x.label))
			if err != nil {
				return req, err
			}
			if amt > 0 {
				m.Expenses = append(m.Expenses, policy.Expense{Kind: x.kind, YearlyFen: amt})
			}
		}
		for _, b := range f[k("benefit")] {
			m.Benefits = append(m.Benefits, policy.Benefit{Program: b})
		}
		h.Members = append(h.Members, m)
	}
	return req, nil
}

// requestForm writes a request into the form's fields (ID numbers masked:
// a household loaded from the registry is shown, not re-entered).
func requestForm(req policy.Request) url.Values {
	f := url.Values{"program": {req.Program}, "date": {req.Date.String()}, "region": {req.Region}, "area": {req.Household.Area}}
	if a := req.Household.Assets; a != nil {
		f.Set("assets_known", "1")
		f.Set("deposits", a.DepositsFen.Yuan())
		f.Set("vehicles", strconv.Itoa(a.Vehicles))
		f.Set("houses", strconv.Itoa(a.Houses))
	}
	for i, m := range req.Household.Members {
		if i >= evalRows {
			break
		}
		k := func(name string) string { return fmt.Sprintf("m%d_%s", i, name) }
		f.Set(k("id_number"), minzheng.MaskID(m.IDNumber))
		if m.IDNumber != "" {
			if id, err := registry.ParseIDNumber(m.IDNumber, req.Date, ""); err == nil {
				f.Set(k("birth_date"), id.Birth().String())
			}
		}
		f.Set(k("relation"), m.Relation)
		f.Set(k("schooling"), m.Schooling)
		if m.SeriousIllness {
			f.Set(k("ill"), "1")
		}
		if d := m.Disability; d != nil {
			f.Set(k("dis_category"), d.Category)
			f.Set(k("dis_level"), strconv.Itoa(d.Level))
		}
		var wage, other minzheng.Fen
		for _, in := range m.Incomes {
			if in.Kind == "wage" {
				wage += in.MonthlyFen
			} else {
				other += in.MonthlyFen
				f.Set(k("other_kind"), in.Kind)
			}
		}
		if wage > 0 {
			f.Set(k("wage"), wage.Yuan())
		}
		if other > 0 {
			f.Set(k("other"), other.Yuan())
		}
		for _, x := range m.Expenses {
			if x.Kind == "medical" || x.Kind == "education" {
				f.Set(k(x.Kind), x.YearlyFen.Yuan())
			}
		}
		f[k("self_care")] = m.SelfCareFailed
	}
	return f
}

// simulateView is the 改革测算 page.
type simulateView struct {
	Job      *job.Job // the simulation's job, once submitted
	Sim      *policy.Simulation
	Specs    []policy.Spec
	MaxBar   minzheng.Fen
	Where    string            // the region simulated, by name
	Township map[string]string // names of the townships
}

func (s *Server) simulatePage(w http.ResponseWriter, r *http.Request) error {
	u, _ := userFrom(r)
	if err := auth.Require(u.Actor(), auth.PermHouseholdRead); err != nil {
		return err
	}
	form := url.Values{"region": {u.RegionShort()}, "date": {minzheng.DateOf(s.clock.Now()).String()}}
	s.render(w, r, "policy_simulate", page{Title: "改革测算", Menu: "simulate", Form: form, Data: simulateView{Specs: policy.Specs()}})
	return nil
}

// simulateSubmit checks the form at once (the clerk is still on the page),
// then queues the simulation and shows its page.
func (s *Server) simulateSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return minzheng.Invalid("", "表单内容有误")
	}
	f := r.PostForm
	in := simulateRequest{Region: strings.TrimSpace(f.Get("region"))}
	for _, line := range strings.Split(f.Get("sets"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Sets = append(in.Sets, line)
		}
	}
	fail := func(err error) error {
		p := page{Title: "改革测算", Menu: "simulate", Form: f, Data: &simulateView{Specs: policy.Specs()}, Err: s.publicError(r, err)}
		s.render(w, r, "policy_simulate", p)
		return nil
	}
	if v := strings.TrimSpace(f.Get("date")); v != "" {
		var err error
		if in.Date, err = minzheng.ParseDate(v); err != nil {
			return fail(minzheng.Invalid("date", "测算日期：%s", err.Error()))
		}
	}
	u, _ := userFrom(r)
	a := u.Actor()
	if err := auth.Require(a, auth.PermHouseholdRead); err != nil {
		return fail(err)
	}
	scope, err := region.ParseScope(in.Region)
	if err != nil {
		return fail(minzheng.Invalid("region", "区划代码“%s”格式不对", in.Region))
	}
	if _, err := region.Narrow(region.ActorRegion(a), scope); err != nil {
		return fail(s.db.Deny(r.Context(), "在辖区外进行政策测算", "region", string(scope), scope))
	}
	if _, err := policy.ParseSets(in.Sets); err != nil {
		return fail(err)
	}
	if in.Date.IsZero() {
		in.Date = minzheng.DateOf(s.clock.Now())
	}
	j, err := s.jobs.Submit(r.Context(), kindSimulate, a.Region, in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/policy/simulate/%d", j.ID), http.StatusSeeOther)
	return nil
}

// simulateResult shows a simulation job: its progress while it runs (htmx
// asks again every second), its report when done.
func (s *Server) simulateResult(w http.ResponseWriter, r *http.Request) error {
	j, err := s.jobOfKind(r, kindSimulate, "改革测算任务")
	if err != nil {
		return err
	}
	var in simulateRequest
	_ = jsonUnmarshal(j.Params, &in)
	form := url.Values{"region": {in.Region}, "date": {in.Date.String()}, "sets": {strings.Join(in.Sets, "\n")}}
	view := simulateView{Specs: policy.Specs(), Township: map[string]string{}, Job: &j}
	p := page{Title: "改革测算", Menu: "simulate", Form: form, Data: &view}
	switch j.Status {
	case job.Done:
		var sim policy.Simulation
		if err := jsonUnmarshal(j.Result, &sim); err != nil {
			return err
		}
		view.Sim = &sim
	case job.Failed:
		p.Err = &minzheng.Error{Code: minzheng.CodeInvalid, Message: "测算未完成：" + j.Error}
	default:
		if r.Header.Get("HX-Request") == "true" {
			s.renderFragment(w, r, "policy_simulate", "waiting", p)
			return nil
		}
		s.render(w, r, "policy_simulate", p)
		return nil
	}
	if r.Header.Get("HX-Request") == "true" {
		// Done while the page was waiting: load it whole.
		w.Header().Set("HX-Refresh", "true")
		return nil
	}
	if view.Sim != nil {
		s.describe(r, &view)
	}
	s.render(w, r, "policy_simulate", p)
	return nil
}

// describe names the region and townships of a finished simulation and
// scales its chart.
func (s *Server) describe(r *http.Request, view *simulateView) {
	view.Where = "全国"
	if c := region.Code(view.Sim.Region); c != region.Country {
		view.Where = view.Sim.Region
		if row, err := s.db.Region(r.Context(), c, c.Level()); err == nil {
			view.Where = strings.Join(row.Path, "")
		}
	}
	for _, t := range view.Sim.Townships {
		if c := abs(t.MonthlyChangeFen); c > view.MaxBar {
			view.MaxBar = c
		}
		if row, err := s.db.Region(r.Context(), region.Code(t.Township), region.LevelTownship); err == nil {
			view.Township[t.Township] = row.Name
		}
	}
}

func abs(f minzheng.Fen) minzheng.Fen {
	if f < 0 {
		return -f
	}
	return f
}

func init() {
	funcs["bar"] = func(v, max minzheng.Fen) int {
		if max == 0 {
			return 0
		}
		return int(abs(v) * 300 / max)
	}
	funcs["signYuan"] = func(f minzheng.Fen) string {
		if f > 0 {
			return "+" + f.Yuan()
		}
		return f.Yuan()
	}
	funcs["has"] = func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	funcs["mul"] = func(a, b int) int { return a * b }
	funcs["list3"] = func(s ...string) []string { return s }
	funcs["deref"] = func(b *bool) bool { return b != nil && *b }
	funcs["deref64"] = func(n *int64) int64 {
		if n == nil {
			return 0
		}
		return *n
	}
	funcs["programName"] = func(code string) string {
		if p, ok := policy.ProgramByCode(code); ok {
			return p.Name
		}
		return code
	}
	funcs["changeName"] = func(c string) string {
		return map[string]string{"entered": "新纳入", "left": "退出", "up": "增加", "down": "减少"}[c]
	}
	funcs["authorityName"] = func(c string) string {
		return map[string]string{"township": "乡镇（街道）审批", "county": "县级民政部门审批", "special_review": "一事一议"}[c]
	}
}
