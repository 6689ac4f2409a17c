package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/job"
	"minzheng/region"
	"minzheng/sqldb"
)

// staffHandler is a staff page: it may fail, and the failure is shown as a
// page (or a sign-in redirect) by renderError.
type staffHandler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) routePages() {
	// The public portal owns / and /portal/ (a later part of the program
	// builds it out); staff work lives under /staff/.
	s.mux.HandleFunc("GET /{$}", s.portalHome)
	s.mux.HandleFunc("GET /portal/{$}", s.portalHome)
	s.mux.Handle("GET /staff", http.RedirectHandler("/staff/", http.StatusMovedPermanently))
	// Any other page: a Chinese 404, not the mux's English one.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &minzheng.Error{Code: minzheng.CodeNotFound, Message: "没有这个页面：" + r.URL.Path})
	})

	s.mux.Handle("GET /staff/login", s.public(s.loginPage))
	s.mux.Handle("POST /staff/login", s.public(s.loginSubmit))
	s.mux.Handle("POST /staff/logout", s.staff(s.logout))

	s.mux.Handle("GET /staff/{$}", s.staff(s.dashboard))
	s.mux.Handle("GET /staff/regions", s.staff(s.regionsPage))
	s.mux.Handle("GET /staff/regions/search", s.staff(s.regionSearch))
	s.mux.Handle("GET /staff/regions/{code}", s.staff(s.regionsPage))
	s.mux.Handle("POST /staff/regions/{code}/attributes", s.staff(s.regionAttributesSubmit))
	s.mux.Handle("GET /staff/calendar", s.staff(s.calendarPage))
	s.mux.Handle("POST /staff/calendar/years", s.staff(s.calendarYearSubmit))
	s.mux.Handle("GET /staff/users", s.staff(s.usersPage))
	s.mux.Handle("GET /staff/users/new", s.staff(s.userNewPage))
	s.mux.Handle("POST /staff/users", s.staff(s.userCreateSubmit))
	s.mux.Handle("GET /staff/users/{id}", s.staff(s.userEditPage))
	s.mux.Handle("POST /staff/users/{id}", s.staff(s.userUpdateSubmit))
	s.mux.Handle("GET /staff/account", s.staff(s.accountPage))
	s.mux.Handle("POST /staff/account/password", s.staff(s.passwordSubmit))
	s.mux.Handle("GET /staff/audit", s.staff(s.auditPage))
	s.mux.Handle("POST /staff/audit/verify", s.staff(s.auditVerifySubmit))
	s.mux.Handle("GET /staff/jobs", s.staff(s.jobsPage))
	s.mux.Handle("GET /staff/jobs/{id}", s.staff(s.jobPage))
	s.mux.Handle("GET /staff/jobs/{id}/progress", s.staff(s.jobProgress))
	s.routeHouseholdPages()
	s.routeParamPages()
	s.routePolicyPages()
	s.routeCasePages()
	s.routePaymentPages()
	s.routeBankPages()
}

// staff wraps a page that needs a signed-in account, with CSRF checks on
// every form.
func (s *Server) staff(h staffHandler) http.Handler {
	return s.checkCSRF(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := userFrom(r); !ok {
			s.renderError(w, r, &minzheng.Error{Code: minzheng.CodeUnauthorized, Message: "请先登录"})
			return
		}
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}))
}

// public wraps a page anyone may open, with CSRF checks on its forms.
func (s *Server) public(h staffHandler) http.Handler {
	return s.checkCSRF(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}))
}

func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "portal", page{Title: "社会救助服务"})
}

// formError picks out the errors a form shows next to its fields — bad
// input and conflicts — from those that end the request (forbidden,
// internal …), which the caller returns for renderError to answer and audit.
func formError(err error) (*minzheng.Error, bool) {
	e, ok := minzheng.AsError(err)
	if ok && (e.Code == minzheng.CodeInvalid || e.Code == minzheng.CodeConflict) {
		return e, true
	}
	return nil, false
}

// Signing in and out.

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := userFrom(r); ok {
		http.Redirect(w, r, "/staff/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, "login", page{Title: "工作人员登录", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
	return nil
}

// safeNext keeps a post-login redirect on this site's staff pages.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/staff/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, `\`) {
		return next
	}
	return "/staff/"
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.loginRate, r, w); err != nil {
		return err
	}
	username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	form := url.Values{"username": {username}, "next": {r.PostFormValue("next")}}
	var err error
	var token string
	switch {
	case username == "":
		err = minzheng.Invalid("username", "请填写用户名")
	case password == "":
		err = minzheng.Invalid("password", "请填写密码")
	default:
		token, _, err = s.auth.Login(r.Context(), username, password, auth.KindSession)
	}
	if err != nil {
		e := s.publicError(r, err)
		s.render(w, r, "login", page{Title: "工作人员登录", Err: e, Form: form})
		return nil
	}
	setCookie(w, r, sessionCookie, token, int(auth.SessionTime.Seconds()))
	setCookie(w, r, csrfCookie, randomToken(), 0) // a new CSRF token for the new session
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.db.CloseSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
	return nil
}

// The dashboard (工作台).

type dashboardData struct {
	Today        minzheng.Date
	Workday      bool
	Deadlines    []deadlineRow
	Jobs         []job.Job
	RecentAudit  []audit.Entry
	CanSeeAudit  bool
	MissingYears []int
}

type deadlineRow struct {
	Label       string
	Days        int
	Date        minzheng.Date
	Provisional bool
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(r)
	a := u.Actor()
	today := minzheng.DateOf(s.clock.Now())
	cal := s.calendar.Calendar()
	d := dashboardData{Today: today}
	d.Workday, _ = cal.IsWorkday(today)
	// The statutory clocks of 《最低生活保障审核确认办法》, counted from today.
	for _, dl := range []struct {
		label string
		n     int
	}{
		{"受理后启动入户调查（第15条）", 3},
		{"县级审核确认（第20条）", 10},
		{"低保审核确认总时限（第22条）", 30},
		{"特殊情况总时限（第22条）", 45},
	} {
		if dt, prov, err := cal.AddWorkdays(today, dl.n); err == nil {
			d.Deadlines = append(d.Deadlines, deadlineRow{dl.label, dl.n, dt, prov})
			if prov {
				y := dt.Year()
				if len(d.MissingYears) == 0 || d.MissingYears[len(d.MissingYears)-1] != y {
					d.MissingYears = append(d.MissingYears, y)
				}
			}
		}
	}
	if auth.Can(a, auth.PermJobRead) {
		js, _, err := s.db.Jobs(ctx, u.Region, 1, 5)
		if err != nil {
			return err
		}
		for i := range js {
			s.jobs.Overlay(&js[i])
		}
		d.Jobs = js
	}
	if auth.Can(a, auth.PermAuditRead) {
		d.CanSeeAudit = true
		es, _, err := s.db.AuditEntries(ctx, sqldb.AuditFilter{Region: u.Region, Page: 1, PerPage: 8})
		if err != nil {
			return err
		}
		d.RecentAudit = es
	}
	s.render(w, r, "dashboard", page{Title: "工作台", Menu: "dashboard", Data: d})
	return nil
}

// Regions.

type regionsData struct {
	Region   *sqldb.RegionRow
	Parents  []crumb
	Children []sqldb.RegionRow
	Q        string
	Results  []sqldb.RegionRow // the search's, when the page was asked with ?q= (no script needed)
	CanEdit  bool
	Classes  []int
}

type crumb struct {
	Name, Code string
}

func (s *Server) regionsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, _ := userFrom(r)
	d := regionsData{Q: strings.TrimSpace(r.URL.Query().Get("q")), Classes: []int{1, 2, 3, 4, 5, 6}}
	var err error
	if d.Q != "" {
		if d.Results, _, err = s.db.SearchRegions(ctx, d.Q, region.Country, 30); err != nil {
			return err
		}
	}
	if code := r.PathValue("code"); code != "" {
		c, l, err := region.Parse(code)
		if err != nil {
			return err
		}
		reg, err := s.db.Region(ctx, c, l)
		if err != nil {
			return err
		}
		d.Region = &reg
		for lv := region.LevelProvince; lv < reg.Level; lv++ {
			d.Parents = append(d.Parents, crumb{reg.Path[lv-1], region.Short(c.Ancestor(lv), lv)})
		}
		if reg.Level < region.LevelVillage {
			if d.Children, err = s.db.RegionChildren(ctx, c, l); err != nil {
				return err
			}
		}
		d.CanEdit = auth.Can(u.Actor(), auth.PermRegionEdit) && u.Region.Contains(c)
	} else if d.Children, err = s.db.Provinces(ctx); err != nil {
		return err
	}
	title := "行政区划"
	if d.Region != nil {
		title = d.Region.Name + " · 行政区划"
	}
	s.render(w, r, "regions", page{Title: title, Menu: "admin", Data: d})
	return nil
}

// regionSearch answers the search box as the user types (htmx).
func (s *Server) regionSearch(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var rs []sqldb.RegionRow
	if q != "" {
		var err error
		if rs, _, err = s.db.SearchRegions(r.Context(), q, region.Country, 30); err != nil {
			return err
		}
	}
	s.renderFragment(w, r, "regions", "search_results", page{Data: struct {
		Q       string
		Results []sqldb.RegionRow
	}{q, rs}})
	return nil
}

func (s *Server) regionAttributesSubmit(w http.ResponseWriter, r *http.Request) error {
	reg, err := s.pathRegion(r)
	if err != nil {
		return err
	}
	a := region.Attributes{Area: r.PostFormValue("area")}
	if v := r.PostFormValue("hardship_class"); v != "" {
		if a.HardshipClass, err = strconv.Atoi(v); err != nil {
			return minzheng.Invalid("hardship_class", "艰苦边远地区类别应为 1 到 6")
		}
	}
	if _, err := s.db.SetRegionAttributes(r.Context(), reg.Code, reg.Level, a); err != nil {
		return err
	}
	redirectFlash(w, r, "/staff/regions/"+region.Short(reg.Code, reg.Level), "已保存 "+reg.Name+" 的区划属性")
	return nil
}

// Calendar.

type calendarData struct {
	Years       []calendarYearRow
	From        string
	N           string
	To          string
	Result      string
	ResultOK    bool
	Provisional bool // the answer rests on a year without holiday data
	Next        int  // the first year without data: the one to enter
	Entry       calendarYearJSON
}

type calendarYearRow struct {
	Year     int
	Source   string
	Holidays int
	Workdays int
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	s.renderCalendar(w, r, nil, nil)
	return nil
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, formErr *minzheng.Error, form url.Values) {
	cal := s.calendar.Calendar()
	d := calendarData{}
	years := cal.Years()
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	for _, y := range years {
		yd, _ := cal.Year(y)
		d.Years = append(d.Years, calendarYearRow{y, yd.Source, len(yd.Holidays), len(yd.Workdays)})
	}
	if len(years) > 0 {
		d.Next = years[0] + 1
	}
	q := r.URL.Query()
	d.From, d.N, d.To = q.Get("from"), q.Get("add"), q.Get("to")
	if d.From != "" && (d.N != "" || d.To != "") {
		ans, err := s.workdays(r)
		switch {
		case err != nil:
			d.Result = s.publicError(r, err).Message
		case ans.Add:
			d.ResultOK = true
			d.Result = fmt.Sprintf("%s 之后第 %d 个工作日是 %s（星期%s）", ans.From, ans.N, ans.Date, calendar.WeekdayName(ans.Date.Weekday()))
		default:
			d.ResultOK = true
			d.Result = fmt.Sprintf("%s 之后至 %s（含）共 %d 个工作日", ans.From, ans.To, ans.N)
		}
		if err == nil && ans.Provisional {
			d.Provisional = true
			d.Result += "。注意：结果落在尚未录入节假日安排的年份，暂按周末推算，录入该年安排后以新结果为准"
		}
	}
	if form == nil {
		form = url.Values{"year": {strconv.Itoa(d.Next)}}
	}
	s.render(w, r, "calendar", page{Title: "工作日历", Menu: "admin", Data: d, Err: formErr, Form: form})
}

// parseDayLines reads "YYYY-MM-DD 名称" lines, one per line; a range
// "YYYY-MM-DD~YYYY-MM-DD 名称" gives every day in it.
func parseDayLines(field, text string) (map[minzheng.Date]string, error) {
	out := map[minzheng.Date]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, "\u3000", " "))
		if line == "" {
			continue
		}
		datePart, name, _ := strings.Cut(line, " ")
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, minzheng.Invalid(field, "第 %d 行缺少节日名称，应为“日期 名称”，如“2027-01-01 元旦”", i+1)
		}
		datePart = strings.NewReplacer("～", "~", "至", "~").Replace(datePart)
		from, to, isRange := strings.Cut(datePart, "~")
		a, err := minzheng.ParseDate(from)
		if err != nil {
			return nil, minzheng.Invalid(field, "第 %d 行：%s", i+1, err.Error())
		}
		b := a
		if isRange {
			if b, err = minzheng.ParseDate(to); err != nil {
				return nil, minzheng.Invalid(field, "第 %d 行：%s", i+1, err.Error())
			}
			if b < a || b-a > 31 {
				return nil, minzheng.Invalid(field, "第 %d 行：日期范围不对", i+1)
			}
		}
		for d := a; d <= b; d++ {
			if _, dup := out[d]; dup {
				return nil, minzheng.Invalid(field, "第 %d 行：%s 重复", i+1, d)
			}
			out[d] = name
		}
	}
	return out, nil
}

func (s *Server) calendarYearSubmit(w http.ResponseWriter, r *http.Request) error {
	form := url.Values{}
	for _, k := range []string{"year", "source", "holidays", "workdays"} {
		form.Set(k, r.PostFormValue(k))
	}
	fail := func(err error) error {
		e, ok := formError(err)
		if !ok {
			return err
		}
		s.renderCalendar(w, r, e, form)
		return nil
	}
	y, err := strconv.Atoi(strings.TrimSpace(form.Get("year")))
	if err != nil {
		return fail(minzheng.Invalid("year", "请填写四位年份"))
	}
	hol, err := parseDayLines("holidays", form.Get("holidays"))
	if err != nil {
		return fail(err)
	}
	wd, err := parseDayLines("workdays", form.Get("workdays"))
	if err != nil {
		return fail(err)
	}
	yd := calendar.Year{Year: y, Source: strings.TrimSpace(form.Get("source")), Holidays: hol, Workdays: wd}
	if err := s.saveCalendarYear(r, yd); err != nil {
		return fail(err)
	}
	redirectFlash(w, r, "/staff/calendar", "已录入 "+strconv.Itoa(y)+" 年节假日安排，落在该年的工作日期限已按新安排计算")
	return nil
}

// Users.

type usersData struct {
	Users   []auth.User
	Total   int
	Page    int
	Pages   int
	Role    string
	Q       string
	RegionQ string
	Roles   []auth.Role
	PrevURL string
	NextURL string
}

// pager gives the links to the previous and next pages of a list, keeping
// its filters; "" where there is none.
func pager(r *http.Request, page, pages int) (prev, next string) {
	link := func(p int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		prev = link(page - 1)
	}
	if page < pages {
		next = link(page + 1)
	}
	return prev, next
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.userFilter(r)
	if err != nil {
		return err
	}
	us, total, err := s.db.Users(r.Context(), f)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := usersData{Users: us, Total: total, Page: f.Page, Pages: (total + f.PerPage - 1) / f.PerPage, Role: f.Role,
		Q: q.Get("q"), RegionQ: q.Get("region"), Roles: auth.Roles}
	d.PrevURL, d.NextURL = pager(r, f.Page, d.Pages)
	s.render(w, r, "users", page{Title: "用户管理", Menu: "admin", Data: d})
	return nil
}

type userFormData struct {
	User  *auth.User
	Roles []auth.Role
}

func (s *Server) userNewPage(w http.ResponseWriter, r *http.Request) error {
	u, _ := userFrom(r)
	if err := auth.Require(u.Actor(), auth.PermUserManage); err != nil {
		return err
	}
	s.render(w, r, "user_form", page{Title: "新建用户", Menu: "admin", Data: userFormData{Roles: auth.Roles},
		Form: url.Values{"region": {u.RegionShort()}}})
	return nil
}

func userForm(r *http.Request) (url.Values, auth.UserInput) {
	form := url.Values{}
	for _, k := range []string{"username", "display_name", "role", "region", "active"} {
		form.Set(k, strings.TrimSpace(r.PostFormValue(k)))
	}
	in := auth.UserInput{Username: form.Get("username"), DisplayName: form.Get("display_name"), Role: form.Get("role"),
		Region: form.Get("region"), Password: r.PostFormValue("password"), Active: form.Get("active") == "on"}
	return form, in
}

func (s *Server) userCreateSubmit(w http.ResponseWriter, r *http.Request) error {
	form, in := userForm(r)
	in.Active = true
	u, err := s.createUser(r, in)
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		s.render(w, r, "user_form", page{Title: "新建用户", Menu: "admin", Data: userFormData{Roles: auth.Roles}, Err: e, Form: form})
		return nil
	}
	redirectFlash(w, r, "/staff/users", "已新建用户 "+u.Username)
	return nil
}

func (s *Server) userEditPage(w http.ResponseWriter, r *http.Request) error {
	me, _ := userFrom(r)
	if err := auth.Require(me.Actor(), auth.PermUserManage); err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.db.User(r.Context(), id)
	if err != nil {
		return err
	}
	form := url.Values{"username": {u.Username}, "display_name": {u.DisplayName}, "role": {string(u.Role)},
		"region": {u.RegionShort()}}
	if u.Active {
		form.Set("active", "on")
	}
	s.render(w, r, "user_form", page{Title: "修改用户 " + u.Username, Menu: "admin", Data: userFormData{User: &u, Roles: auth.Roles}, Form: form})
	return nil
}

func (s *Server) userUpdateSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := s.db.User(r.Context(), id)
	if err != nil {
		return err
	}
	form, in := userForm(r)
	in.Username = cur.Username
	form.Set("username", cur.Username)
	u, err := s.updateUser(r, id, in)
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		s.render(w, r, "user_form", page{Title: "修改用户 " + cur.Username, Menu: "admin", Data: userFormData{User: &cur, Roles: auth.Roles}, Err: e, Form: form})
		return nil
	}
	redirectFlash(w, r, "/staff/users", "已保存用户 "+u.Username)
	return nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, "account", page{Title: "我的账户", Menu: "account"})
	return nil
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) error {
	cur, pw, pw2 := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("password2")
	var err error
	demo, derr := s.db.IsDemo(r.Context())
	switch {
	case derr != nil:
		return derr
	case pw != pw2:
		err = minzheng.Invalid("password2", "两次输入的新密码不一致")
	default:
		err = auth.ValidatePassword(pw, demo)
	}
	if err == nil {
		var hash string
		if hash, err = s.hasher.Hash(pw); err == nil {
			keep := ""
			if c, cerr := r.Cookie(sessionCookie); cerr == nil {
				keep = c.Value
			}
			err = s.db.ChangeOwnPassword(r.Context(), cur, hash, keep)
		}
	}
	if err != nil {
		e, ok := formError(err)
		if !ok {
			return err
		}
		s.render(w, r, "account", page{Title: "我的账户", Menu: "account", Err: e})
		return nil
	}
	redirectFlash(w, r, "/staff/account", "密码已修改")
	return nil
}

// The operation log (操作日志).

type auditData struct {
	Entries   []audit.Entry
	Total     int
	Page      int
	Pages     int
	Actions   [][2]string
	Query     url.Values
	PrevURL   string
	NextURL   string
	CanVerify bool
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.auditFilter(r)
	if err != nil {
		return err
	}
	f.PerPage = 50
	es, total, err := s.db.AuditEntries(r.Context(), f)
	if err != nil {
		return err
	}
	u, _ := userFrom(r)
	d := auditData{Entries: es, Total: total, Page: f.Page, Pages: (total + 49) / 50, Actions: audit.Actions(),
		Query: r.URL.Query(), CanVerify: auth.Can(u.Actor(), auth.PermAuditVerify) && u.Region == region.Country}
	d.PrevURL, d.NextURL = pager(r, f.Page, d.Pages)
	s.render(w, r, "audit", page{Title: "操作日志", Menu: "admin", Data: d})
	return nil
}

func (s *Server) auditVerifySubmit(w http.ResponseWriter, r *http.Request) error {
	j, err := s.startAuditVerify(r)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/staff/jobs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
	return nil
}

// Background jobs.

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) error {
	u, _ := userFrom(r)
	p, err := intParam(r, "page", 1)
	if err != nil {
		return err
	}
	js, total, err := s.db.Jobs(r.Context(), u.Region, p, 50)
	if err != nil {
		return err
	}
	for i := range js {
		s.jobs.Overlay(&js[i])
	}
	s.render(w, r, "jobs", page{Title: "后台任务", Menu: "jobs", Data: struct {
		Jobs  []job.Job
		Total int
	}{js, total}})
	return nil
}

func (s *Server) jobPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	j, err := s.db.Job(r.Context(), id)
	if err != nil {
		return err
	}
	s.jobs.Overlay(&j)
	s.render(w, r, "job", page{Title: j.Title, Menu: "jobs", Data: toJobView(j)})
	return nil
}

// jobProgress is the part of the job page htmx refreshes until the job ends.
func (s *Server) jobProgress(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	j, err := s.db.Job(r.Context(), id)
	if err != nil {
		return err
	}
	s.jobs.Overlay(&j)
	s.renderFragment(w, r, "job", "progress", page{Data: toJobView(j)})
	return nil
}

type jobView struct {
	job.Job
	Finished bool
	Result   map[string]any
}

func toJobView(j job.Job) jobView {
	v := jobView{Job: j, Finished: j.Status == job.Done || j.Status == job.Failed}
	if j.Result != "" {
		_ = jsonUnmarshal(j.Result, &v.Result)
	}
	return v
}
