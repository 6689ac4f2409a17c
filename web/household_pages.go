package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/registry"
	"minzheng/sqldb"
)

func (s *Server) routeHouseholdPages() {
	s.mux.Handle("GET /staff/households", s.staff(s.householdsPage))
	s.mux.Handle("GET /staff/households/new", s.staff(s.householdNewPage))
	s.mux.Handle("GET /staff/households/import", s.staff(s.importPage))
	s.mux.Handle("POST /staff/households/import", s.staff(s.importSubmit))
	s.mux.Handle("GET /staff/households/export", s.staff(s.writeExport))
	s.mux.Handle("GET /staff/households/template", s.staff(func(w http.ResponseWriter, r *http.Request) error {
		return s.writeTemplate(w, r.URL.Query().Get("format"))
	}))
	s.mux.Handle("POST /staff/households", s.staff(s.householdCreateSubmit))
	s.mux.Handle("GET /staff/households/{id}", s.staff(s.householdPage))
	s.mux.Handle("POST /staff/households/{id}", s.staff(s.householdUpdateSubmit))
	s.mux.Handle("POST /staff/households/{id}/members", s.staff(s.memberAddSubmit))
	s.mux.Handle("POST /staff/households/{id}/members/{person}", s.staff(s.memberChangeSubmit))
	s.mux.Handle("POST /staff/persons/{person}", s.staff(s.personUpdateSubmit))
	s.mux.Handle("POST /staff/persons/{person}/reveal", s.staff(s.revealSubmit))
	s.mux.Handle("POST /staff/persons/{person}/supporters", s.staff(s.supporterSubmit))
	s.mux.Handle("POST /staff/persons/{person}/parent_statuses", s.staff(s.parentStatusSubmit))
	s.mux.Handle("POST /staff/households/{id}/facts", s.staff(s.factAddSubmit))
	s.mux.Handle("POST /staff/households/{id}/{kind}/{fact}/end", s.staff(s.factEndSubmit))
}

// codeLists are the registry's code lists for the templates' selects.
var codeLists = map[string]any{
	"relations": registry.Relations, "disabilities": registry.DisabilityCategories, "schoolings": registry.Schoolings,
	"employments": registry.Employments, "maritals": registry.Maritals, "incomeKinds": registry.IncomeKinds,
	"assetKinds": registry.AssetKinds, "expenseKinds": registry.ExpenseKinds, "statuses": registry.Statuses,
	"areas": registry.Areas, "selfCareItems": registry.SelfCareItems, "sources": registry.IncomeSources,
	"parentStatuses": registry.ParentStatuses, "parents": registry.Parents, "selfCareLevels": registry.SelfCareLevels,
	"periods": registry.Periods,
}

type householdsData struct {
	Rows    []householdRowJSON
	Total   int
	Page    int
	Pages   int
	Query   url.Values
	PrevURL string
	NextURL string
}

func (s *Server) householdsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.householdFilter(r)
	if err != nil {
		return err
	}
	v, err := s.apiHouseholds(r)
	if err != nil {
		return err
	}
	l := v.(listJSON)
	d := householdsData{Rows: l.Items.([]householdRowJSON), Total: l.Total, Page: f.Page, Query: r.URL.Query()}
	d.Pages = (l.Total + f.PerPage - 1) / f.PerPage
	d.PrevURL, d.NextURL = pager(r, f.Page, d.Pages)
	s.render(w, r, "households", page{Title: "家庭档案", Menu: "households", Data: d})
	return nil
}

// memberRows is how many member lines the new-household form offers.
const memberRows = 6

type householdFormData struct {
	Rows         []int
	Relations    any
	Disabilities any
	IncomeKinds  any
	Levels       []int
}

func newHouseholdForm() householdFormData {
	return householdFormData{Rows: seq(memberRows), Relations: registry.Relations, Disabilities: registry.DisabilityCategories,
		IncomeKinds: registry.IncomeKinds, Levels: []int{1, 2, 3, 4}}
}

func (s *Server) householdNewPage(w http.ResponseWriter, r *http.Request) error {
	u, _ := userFrom(r)
	if err := auth.Require(u.Actor(), auth.PermHouseholdWrite); err != nil {
		return err
	}
	form := url.Values{"valid_from": {s.today().String()}, "members[0].relation": {"head"}}
	if u.RegionLevel == region.LevelVillage {
		form.Set("region", string(u.Region))
	}
	s.render(w, r, "household_form", page{Title: "新建家庭档案", Menu: "households", Data: newHouseholdForm(), Form: form})
	return nil
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// formHousehold reads the new-household form: member lines without a name
// and an ID number are blank and skipped.
func formHousehold(r *http.Request) (registry.NewHousehold, url.Values, []int, error) {
	_ = r.ParseForm()
	form := r.PostForm
	h := registry.NewHousehold{Region: form.Get("region"), Area: form.Get("area"), Address: form.Get("address")}
	var lines []int // the form line of each member
	if v := form.Get("valid_from"); v != "" {
		d, err := minzheng.ParseDate(v)
		if err != nil {
			return h, form, lines, minzheng.Invalid("valid_from", "%s", err.Error())
		}
		h.ValidFrom = d
	}
	if form.Get("bank.name")+form.Get("bank.account")+form.Get("bank.holder") != "" {
		h.Bank = &registry.Bank{Name: form.Get("bank.name"), Account: form.Get("bank.account"), Holder: form.Get("bank.holder")}
	}
	for i := 0; i < registry.MaxMembers; i++ {
		p := fmt.Sprintf("members[%d].", i)
		name, id := strings.TrimSpace(form.Get(p+"name")), strings.TrimSpace(form.Get(p+"id_number"))
		if name == "" && id == "" {
			continue
		}
		m := registry.NewMember{IDNumber: id, Relation: form.Get(p + "relation")}
		m.Name, m.Phone = name, form.Get(p+"phone")
		if c := form.Get(p + "disability.category"); c != "" {
			lv, _ := strconv.Atoi(form.Get(p + "disability.level"))
			m.Disability = &registry.Disability{Category: c, Level: lv, Certificate: form.Get(p + "disability.certificate")}
		}
		m.SeriousIllness = form.Get(p + "serious_illness")
		m.Schooling, m.Employment, m.Marital = form.Get(p+"schooling"), form.Get(p+"employment"), form.Get(p+"marital")
		if v := strings.TrimSpace(form.Get(p + "income")); v != "" {
			amount, err := minzheng.ParseYuan(v)
			if err != nil {
				return h, form, lines, minzheng.Invalid(fmt.Sprintf("members[%d].income", i), "%s", err.Error())
			}
			m.Incomes = []registry.Income{{Kind: form.Get(p + "income_kind"), Amount: amount, Period: "month"}}
		}
		h.Members = append(h.Members, m)
		lines = append(lines, i)
	}
	return h, form, lines, nil
}

// toFormLine renames an error's field from the member's place among the
// filled lines ("members[1].id_number") to its line in the form, so the
// message appears next to the field the clerk typed in.
func toFormLine(e *minzheng.Error, lines []int) *minzheng.Error {
	var k int
	var rest string
	if n, _ := fmt.Sscanf(e.Field, "members[%d]", &k); n != 1 || k < 0 || k >= len(lines) {
		return e
	}
	rest = e.Field[strings.Index(e.Field, "]")+1:]
	if rest == ".incomes[0].amount" {
		rest = ".income"
	} else if rest == ".incomes[0].kind" {
		rest = ".income_kind"
	}
	out := *e
	out.Field = fmt.Sprintf("members[%d]%s", lines[k], rest)
	return &out
}

func (s *Server) householdCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	h, form, lines, err := formHousehold(r)
	var id int64
	if err == nil {
		id, err = s.createHousehold(r, h)
	}
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		s.render(w, r, "household_form", page{Title: "新建家庭档案", Menu: "households", Data: newHouseholdForm(),
			Err: toFormLine(e, lines), Form: form})
		return nil
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", id), "已建立家庭档案")
	return nil
}

type householdPageData struct {
	H        householdJSON
	AsOf     string
	IsToday  bool
	History  []historyRow
	Lists    map[string]any
	Today    string
	CanWrite bool
}

type historyRow struct {
	At, Actor, Action, Summary string
}

func (s *Server) householdPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return err
	}
	var asOf minzheng.Date
	if v := r.URL.Query().Get("as_of"); v != "" {
		if asOf, err = minzheng.ParseDate(v); err != nil {
			return minzheng.Invalid("as_of", "%s", err.Error())
		}
	}
	return s.renderHousehold(w, r, id, asOf, nil, nil)
}

// renderHousehold shows a household, with a form's error and input when a
// form on the page failed.
func (s *Server) renderHousehold(w http.ResponseWriter, r *http.Request, id int64, asOf minzheng.Date, formErr *minzheng.Error, form url.Values) error {
	h, err := s.householdView(r, id, asOf)
	if err != nil {
		return err
	}
	u, _ := userFrom(r)
	d := householdPageData{H: h, AsOf: h.AsOf.String(), IsToday: h.AsOf == s.today(), Lists: codeLists, Today: s.today().String(),
		CanWrite: auth.Can(u.Actor(), auth.PermHouseholdWrite)}
	es, _, err := s.db.HouseholdHistory(r.Context(), id, 1, 100)
	if err != nil {
		return err
	}
	created := false
	for _, e := range es {
		d.History = append(d.History, historyRow{e.At.In(minzheng.China).Format("2006-01-02 15:04"), e.Actor, audit.ActionName(e.Action), e.Summary})
		created = created || e.Action == "household.create"
	}
	if !created && len(es) < 100 {
		// Imported households have one log entry for their whole file; the
		// timeline still starts with their recording.
		at, by, from, err := s.db.HouseholdRecorded(r.Context(), id)
		if err != nil {
			return err
		}
		d.History = append(d.History, historyRow{at.In(minzheng.China).Format("2006-01-02 15:04"), by, "批量导入建档",
			fmt.Sprintf("随文件导入建立家庭档案，自 %s 起", from)})
	}
	title := fmt.Sprintf("第 %d 户", id)
	if head := h.Head(); head != nil {
		title += " · 户主 " + head.Name
	}
	s.render(w, r, "household", page{Title: title, Menu: "households", Data: d, Err: formErr, Form: form})
	return nil
}

// householdFormFail shows the household page again with a form's error, or
// returns the error when it is not the user's to correct.
func (s *Server) householdFormFail(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	e, ok := formError(err)
	if !ok {
		return err
	}
	_ = r.ParseForm()
	return s.renderHousehold(w, r, id, 0, e, r.PostForm)
}

func formDate(form url.Values, key string) (minzheng.Date, error) {
	v := strings.TrimSpace(form.Get(key))
	if v == "" {
		return 0, nil
	}
	d, err := minzheng.ParseDate(v)
	if err != nil {
		return 0, minzheng.Invalid(key, "%s", err.Error())
	}
	return d, nil
}

func (s *Server) householdUpdateSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	var c registry.HouseholdChange
	if c.ValidFrom, err = formDate(f, "valid_from"); err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	cur, err := s.db.Household(r.Context(), id, 0)
	if err != nil {
		return err
	}
	// Only what the form changed is a change.
	if v := strings.TrimSpace(f.Get("address")); v != cur.Address {
		c.Address = registry.Set(v)
	}
	if v := f.Get("area"); v != "" && v != cur.Area {
		c.Area = registry.Set(v)
	}
	if v := f.Get("status"); v != "" && v != cur.Status {
		c.Status = registry.Set(v)
	}
	if v := strings.TrimSpace(f.Get("region")); v != "" && v != cur.Region {
		c.Region = registry.Set(v)
	}
	if acct := strings.TrimSpace(f.Get("bank.account")); acct != "" {
		c.Bank = registry.Set(&registry.Bank{Name: f.Get("bank.name"), Account: acct, Holder: f.Get("bank.holder")})
	}
	if err := s.db.UpdateHousehold(r.Context(), id, c); err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", id), "已保存家庭信息")
	return nil
}

func (s *Server) memberAddSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	var in memberInput
	in.IDNumber, in.Relation = f.Get("id_number"), f.Get("relation")
	in.Name, in.Phone = f.Get("name"), f.Get("phone")
	if in.ValidFrom, err = formDate(f, "valid_from"); err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	if _, err := s.addMember(r, id, in); err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", id), "已增加成员 "+in.Name)
	return nil
}

func (s *Server) memberChangeSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return err
	}
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	d, err := formDate(f, "valid_from")
	if err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	msg := "已办理成员迁出"
	if rel := f.Get("relation"); rel != "" {
		err = s.db.EndMember(r.Context(), id, pid, d, rel, "")
		msg = "已修改与户主关系"
	} else {
		err = s.db.EndMember(r.Context(), id, pid, d, "", f.Get("reason"))
	}
	if err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", id), msg)
	return nil
}

func (s *Server) personUpdateSubmit(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return err
	}
	hid, err := s.db.PersonHouseholdID(r.Context(), pid)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	h, err := s.db.Household(r.Context(), hid, 0)
	if err != nil {
		return err
	}
	var cur *registry.Member
	for i := range h.Members {
		if h.Members[i].PersonID == pid {
			cur = &h.Members[i]
		}
	}
	if cur == nil {
		return minzheng.NotFound("该成员")
	}
	var c registry.PersonChange
	if c.ValidFrom, err = formDate(f, "valid_from"); err != nil {
		return s.householdFormFail(w, r, hid, err)
	}
	setIf := func(o *registry.Opt[string], key, was string) {
		if v := strings.TrimSpace(f.Get(key)); v != was {
			*o = registry.Set(v)
		}
	}
	setIf(&c.Name, "name", cur.Name)
	setIf(&c.Phone, "phone", cur.Phone)
	setIf(&c.SeriousIllness, "serious_illness", cur.SeriousIllness)
	setIf(&c.Schooling, "schooling", cur.Schooling)
	setIf(&c.Employment, "employment", cur.Employment)
	setIf(&c.Marital, "marital", cur.Marital)
	cat, lv := f.Get("disability.category"), f.Get("disability.level")
	var was string
	if cur.Disability != nil {
		was = cur.Disability.Category + "/" + strconv.Itoa(cur.Disability.Level)
	}
	if now := cat + "/" + lv; (cat == "" && was != "") || (cat != "" && now != was) {
		if cat == "" {
			c.Disability = registry.Set[*registry.Disability](nil)
		} else {
			n, _ := strconv.Atoi(lv)
			c.Disability = registry.Set(&registry.Disability{Category: cat, Level: n})
		}
	}
	if f.Get("self_care_form") == "1" {
		var next *registry.SelfCare
		if f.Get("self_care_none") != "on" {
			on, err := formDate(f, "self_care_on")
			if err != nil {
				return s.householdFormFail(w, r, hid, err)
			}
			next = &registry.SelfCare{AssessedOn: on, Unable: f["self_care"]}
			if next.Unable == nil {
				next.Unable = []string{}
			}
		}
		if !sameSelfCare(cur.SelfCare, next) {
			c.SelfCare = registry.Set(next)
		}
	}
	if dd, err := formDate(f, "death_date"); err != nil {
		return s.householdFormFail(w, r, hid, err)
	} else if dd != cur.DeathDate {
		c.DeathDate = registry.Set(dd)
	}
	if err := s.db.UpdatePerson(r.Context(), pid, c); err != nil {
		return s.householdFormFail(w, r, hid, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", hid), "已保存成员 "+cur.Name+" 的信息")
	return nil
}

// revealSubmit answers the 显示 button next to a masked ID number (htmx).
func (s *Server) revealSubmit(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return err
	}
	idn, err := s.db.RevealIDNumber(r.Context(), pid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, `<code class="revealed" title="已记入操作日志">%s</code>`, idn)
	return nil
}

func (s *Server) factAddSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	from, err := formDate(f, "valid_from")
	if err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	to, err := formDate(f, "valid_to")
	if err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	amount, err := minzheng.ParseYuan(f.Get("amount"))
	if err != nil {
		return s.householdFormFail(w, r, id, minzheng.Invalid("amount", "%s", err.Error()))
	}
	pid, _ := strconv.ParseInt(f.Get("person_id"), 10, 64)
	var fact sqldb.Fact
	switch f.Get("table") {
	case "incomes":
		fact.Income = &registry.Income{PersonID: pid, Kind: f.Get("kind"), Amount: amount, Period: f.Get("period"),
			Source: f.Get("source"), ValidFrom: from, ValidTo: to, Note: f.Get("note")}
	case "assets":
		fact.Asset = &registry.Asset{PersonID: pid, Kind: f.Get("kind"), Value: amount, Description: f.Get("note"), ValidFrom: from, ValidTo: to}
	case "expenses":
		fact.Expense = &registry.Expense{PersonID: pid, Kind: f.Get("kind"), Amount: amount, ValidFrom: from, ValidTo: to, Note: f.Get("note")}
	default:
		return minzheng.Invalid("table", "请选择登记收入、财产还是支出")
	}
	if _, err := s.db.AddFact(r.Context(), id, fact); err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", id), "已登记")
	return nil
}

func (s *Server) factEndSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathInt(r, "id", "家庭")
	if err != nil {
		return err
	}
	fid, err := pathInt(r, "fact", "记录")
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	to, err := formDate(r.PostForm, "valid_to")
	if err == nil {
		err = s.db.EndFact(r.Context(), id, r.PathValue("kind"), fid, to)
	}
	if err != nil {
		return s.householdFormFail(w, r, id, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", id), "已截止")
	return nil
}

// factEndData is what the 截止 form next to a fact needs.
type factEndData struct {
	Show        bool
	HID, ID     int64
	Kind        string
	CSRF, Today string
}

func init() {
	funcs["factEnd"] = func(p page, d householdPageData, kind string, id int64) factEndData {
		return factEndData{Show: d.CanWrite && d.IsToday, HID: d.H.ID, ID: id, Kind: kind, CSRF: p.CSRF, Today: d.Today}
	}
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	u, _ := userFrom(r)
	if err := auth.Require(u.Actor(), auth.PermHouseholdWrite); err != nil {
		return err
	}
	s.render(w, r, "household_import", page{Title: "导入家庭档案", Menu: "households", Data: registry.SheetColumns})
	return nil
}

func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) error {
	j, err := s.startImport(w, r)
	if err != nil {
		e, ok := minzheng.AsError(err)
		if !ok || (e.Code != minzheng.CodeInvalid && e.Code != minzheng.CodeTooLarge) {
			return err
		}
		s.render(w, r, "household_import", page{Title: "导入家庭档案", Menu: "households", Data: registry.SheetColumns, Err: e})
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/jobs/%d", j.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) supporterSubmit(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return err
	}
	hid, err := s.db.PersonHouseholdID(r.Context(), pid)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	sp := registry.Supporter{Name: f.Get("name"), Relation: f.Get("relation"), Dibao: f.Get("dibao") == "on", Tekun: f.Get("tekun") == "on",
		Imprisoned: f.Get("imprisoned") == "on", Incapacitated: f.Get("incapacitated") == "on"}
	if sp.Birth, err = formDate(f, "birth_date"); err != nil {
		return s.householdFormFail(w, r, hid, err)
	}
	if v := strings.TrimSpace(f.Get("monthly_income")); v != "" {
		if sp.MonthlyIncome, err = minzheng.ParseYuan(v); err != nil {
			return s.householdFormFail(w, r, hid, minzheng.Invalid("monthly_income", "%s", err.Error()))
		}
	}
	if _, err := s.db.AddSupporter(r.Context(), pid, sp); err != nil {
		return s.householdFormFail(w, r, hid, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", hid), "已登记义务人 "+sp.Name)
	return nil
}

func (s *Server) parentStatusSubmit(w http.ResponseWriter, r *http.Request) error {
	pid, err := pathInt(r, "person", "成员")
	if err != nil {
		return err
	}
	hid, err := s.db.PersonHouseholdID(r.Context(), pid)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	f := r.PostForm
	ps := registry.ParentStatus{Parent: f.Get("parent"), Status: f.Get("status")}
	if ps.Since, err = formDate(f, "since"); err != nil {
		return s.householdFormFail(w, r, hid, err)
	}
	if _, err := s.db.AddParentStatus(r.Context(), pid, ps); err != nil {
		return s.householdFormFail(w, r, hid, err)
	}
	redirectFlash(w, r, fmt.Sprintf("/staff/households/%d", hid), "已登记父母情况")
	return nil
}

// sameSelfCare reports whether two assessments say the same (a blank
// assessment date in the form means "as recorded").
func sameSelfCare(a, b *registry.SelfCare) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !b.AssessedOn.IsZero() && a.AssessedOn != b.AssessedOn {
		return false
	}
	if len(a.Unable) != len(b.Unable) {
		return false
	}
	for i := range a.Unable {
		if a.Unable[i] != b.Unable[i] {
			return false
		}
	}
	return true
}

func init() {
	funcs["hasItem"] = func(items []string, code string) bool {
		for _, it := range items {
			if it == code {
				return true
			}
		}
		return false
	}
}
