package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/job"
	"minzheng/region"
	"minzheng/sqldb"
)

// apiRoute is one operation of the JSON API. The routes are a table so that
// the mux and the OpenAPI document are made from the same list and cannot
// drift apart.
// withStatus is an answer with another status than its route's: 201 for a
// thing made now, 200 for the same thing asked for again.
type withStatus struct {
	status int
	body   any
}

type apiRoute struct {
	Method   string
	Path     string // under /api/v1, with {name} path parameters
	Summary  string // Chinese
	Tag      string
	Public   bool       // no token needed
	Query    []apiParam // query parameters, for the document
	Body     string     // the request body's schema name, "" for none
	Response string     // the response's schema name, "" for none
	Status   int        // the success status; 200 when zero
	limit    *limiter   // requests per client address, when limited
	handle   func(r *http.Request) (any, error)
	// raw, instead of handle, writes a response that is not JSON (a file).
	raw func(w http.ResponseWriter, r *http.Request) error
}

type apiParam struct {
	Name, Type, Desc string
	Required         bool
}

const apiPrefix = "/api/v1"

// maxBody is the largest JSON body the API reads.
const maxBody = 1 << 20

var pageParams = []apiParam{{"page", "integer", "页码，从 1 开始", false}, {"per_page", "integer", "每页条数，默认 50，最多 500", false}}

func (s *Server) routeAPI() {
	s.api = []apiRoute{
		{Method: "POST", Path: "/login", Summary: "登录，取得接口令牌", Tag: "账户", Public: true, Body: "Login", Response: "Token", limit: s.loginRate, handle: s.apiLogin},
		{Method: "POST", Path: "/logout", Summary: "注销当前令牌", Tag: "账户", Status: http.StatusNoContent, handle: s.apiLogout},
		{Method: "GET", Path: "/me", Summary: "当前用户及其权限", Tag: "账户", Response: "Me", handle: s.apiMe},

		{Method: "GET", Path: "/regions", Summary: "按名称查找区划", Tag: "行政区划", Public: true,
			Query:    []apiParam{{"q", "string", "地名的一部分，如 大辛店", true}, {"within", "string", "只在此区划之下查找（2/4/6/9/12 位代码）", false}, {"limit", "integer", "最多条数，默认 50", false}},
			Response: "RegionList", handle: s.apiRegionSearch},
		{Method: "GET", Path: "/regions/{code}", Summary: "一个区划（代码可为 2/4/6/9/12 位）", Tag: "行政区划", Public: true, Response: "Region", handle: s.apiRegion},
		{Method: "GET", Path: "/regions/{code}/children", Summary: "下一级区划", Tag: "行政区划", Public: true, Response: "RegionArray", handle: s.apiRegionChildren},
		{Method: "GET", Path: "/regions/{code}/attributes", Summary: "区划属性（城乡、艰苦边远地区类别）", Tag: "行政区划", Response: "RegionAttributes", handle: s.apiRegionAttributes},
		{Method: "PUT", Path: "/regions/{code}/attributes", Summary: "设置区划属性", Tag: "行政区划", Body: "RegionAttributesInput", Response: "RegionAttributes", handle: s.apiSetRegionAttributes},

		{Method: "GET", Path: "/calendar/workdays", Summary: "工作日推算：from 之后第 add 个工作日，或 from 之后至 to（含）的工作日数", Tag: "工作日历", Public: true,
			Query:    []apiParam{{"from", "string", "起算日期 YYYY-MM-DD（不计入）", true}, {"add", "integer", "工作日数", false}, {"to", "string", "截止日期 YYYY-MM-DD（计入）", false}},
			Response: "Workdays", handle: s.apiWorkdays},
		{Method: "GET", Path: "/calendar/years", Summary: "已有节假日安排的年份", Tag: "工作日历", Public: true, Response: "CalendarYearList", handle: s.apiCalendarYears},
		{Method: "GET", Path: "/calendar/years/{year}", Summary: "一年的放假和调休上班日期", Tag: "工作日历", Public: true, Response: "CalendarYear", handle: s.apiCalendarYear},
		{Method: "PUT", Path: "/calendar/years/{year}", Summary: "录入一年的放假和调休安排（国务院办公厅通知）", Tag: "工作日历", Body: "CalendarYearInput", Response: "CalendarYear", handle: s.apiSaveCalendarYear},

		{Method: "GET", Path: "/users", Summary: "用户列表（本辖区）", Tag: "用户",
			Query:    append([]apiParam{{"region", "string", "区划代码，限定范围", false}, {"role", "string", "角色", false}, {"q", "string", "用户名或姓名的一部分", false}}, pageParams...),
			Response: "UserList", handle: s.apiUsers},
		{Method: "POST", Path: "/users", Summary: "新建用户", Tag: "用户", Body: "UserInput", Response: "User", Status: http.StatusCreated, handle: s.apiCreateUser},
		{Method: "GET", Path: "/users/{id}", Summary: "一个用户", Tag: "用户", Response: "User", handle: s.apiUser},
		{Method: "PATCH", Path: "/users/{id}", Summary: "修改用户（姓名、角色、区划、启用、重设密码）", Tag: "用户", Body: "UserPatch", Response: "User", handle: s.apiUpdateUser},

		{Method: "GET", Path: "/audit", Summary: "操作日志（本辖区）", Tag: "操作日志",
			Query: append([]apiParam{{"region", "string", "区划代码", false}, {"actor", "string", "操作人用户名", false}, {"action", "string", "操作", false},
				{"entity", "string", "对象类型", false}, {"entity_id", "string", "对象编号", false}, {"from", "string", "起始日期 YYYY-MM-DD", false}, {"to", "string", "截止日期 YYYY-MM-DD", false}}, pageParams...),
			Response: "AuditList", handle: s.apiAudit},
		{Method: "POST", Path: "/audit/verify", Summary: "发起操作日志哈希链校验（后台任务）", Tag: "操作日志", Response: "Job", Status: http.StatusAccepted, handle: s.apiAuditVerify},

		{Method: "GET", Path: "/jobs", Summary: "后台任务（本辖区）", Tag: "后台任务", Query: append([]apiParam{{"region", "string", "区划代码", false}}, pageParams...), Response: "JobList", handle: s.apiJobs},
		{Method: "GET", Path: "/jobs/{id}", Summary: "一个后台任务及其进度", Tag: "后台任务", Response: "Job", handle: s.apiJob},

		{Method: "GET", Path: "/openapi.json", Summary: "本接口的 OpenAPI 3 文档", Tag: "文档", Public: true, Response: "OpenAPI", handle: s.apiOpenAPI},
	}
	s.api = append(s.api, s.householdRoutes()...)
	s.api = append(s.api, s.paramRoutes()...)
	s.api = append(s.api, s.policyRoutes()...)
	s.api = append(s.api, s.caseRoutes()...)
	s.api = append(s.api, s.paymentRoutes()...)
	s.api = append(s.api, s.reportRoutes()...)
	s.api = append(s.api, s.bankRoutes()...)
	for _, rt := range s.api {
		rt := rt
		s.mux.HandleFunc(rt.Method+" "+apiPrefix+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			if !rt.Public {
				if a, _ := minzheng.ActorFrom(r.Context()); a.IsAnonymous() {
					s.writeError(w, r, &minzheng.Error{Code: minzheng.CodeUnauthorized, Message: "请先登录：在 Authorization 头中提供 Bearer 令牌"})
					return
				}
			}
			if rt.limit != nil {
				if err := s.limit(rt.limit, r, w); err != nil {
					s.writeError(w, r, err)
					return
				}
			}
			if rt.raw != nil {
				if err := rt.raw(w, r); err != nil {
					s.writeError(w, r, err)
				}
				return
			}
			v, err := rt.handle(r)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			status := rt.Status
			if status == 0 {
				status = http.StatusOK
			}
			if ws, ok := v.(withStatus); ok {
				status, v = ws.status, ws.body
			}
			if status == http.StatusNoContent {
				w.WriteHeader(status)
				return
			}
			writeJSON(w, status, v)
		})
	}
	// Anything else under the API answers in JSON too: 405 with Allow for a
	// path that exists under another method, 404 otherwise.
	fallback := apiPrefix + "/"
	s.mux.HandleFunc(fallback, func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := s.mux.Handler(probe); p != fallback && p != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			var b errorBody
			b.Error.Code, b.Error.Message = minzheng.CodeInvalid, "接口 "+r.URL.Path+" 不支持 "+r.Method+" 方法，请用 "+strings.Join(allow, " 或 ")
			writeJSON(w, http.StatusMethodNotAllowed, b)
			return
		}
		s.writeError(w, r, &minzheng.Error{Code: minzheng.CodeNotFound, Message: "没有这个接口：" + r.Method + " " + r.URL.Path})
	})
}

// decodeJSON reads a request body of at most maxBody bytes into v,
// refusing unknown fields and trailing data. The Content-Type is not
// insisted on: a body that is JSON is read as JSON.
func decodeJSON(r *http.Request, v any) error {
	body := http.MaxBytesReader(nil, r.Body, maxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return minzheng.Invalid("", "请求内容只能是一个 JSON 对象")
	}
	return nil
}

func jsonError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &minzheng.Error{Code: minzheng.CodeTooLarge, Message: "请求内容太大，不能超过 1 MB"}
	}
	return minzheng.JSONError(err)
}

// pathRegion reads the {code} path parameter as a region that exists.
func (s *Server) pathRegion(r *http.Request) (sqldb.RegionRow, error) {
	c, l, err := region.Parse(r.PathValue("code"))
	if err != nil {
		return sqldb.RegionRow{}, err
	}
	return s.db.Region(r.Context(), c, l)
}

// narrow applies data scope to a region filter from the query string; a
// filter wholly outside the actor's region is refused and audited.
func (s *Server) narrow(r *http.Request, filter string) (region.Code, error) {
	a, err := minzheng.ActorFrom(r.Context())
	if err != nil {
		return "", err
	}
	f, err := region.ParseScope(filter)
	if err != nil {
		e, _ := minzheng.AsError(err)
		return "", minzheng.Invalid("region", "%s", e.Message)
	}
	n, err := region.Narrow(region.ActorRegion(a), f)
	if err != nil {
		return "", s.db.Deny(r.Context(), "按辖区外的区划 "+filter+" 查询 "+r.URL.Path, "request", r.URL.Path, f)
	}
	return n, nil
}

type listJSON struct {
	Items any `json:"items"`
	Total int `json:"total"`
}

func paging(r *http.Request) (int, int, error) {
	p, err := intParam(r, "page", 1)
	if err != nil {
		return 0, 0, err
	}
	pp, err := intParam(r, "per_page", 50)
	if err != nil {
		return 0, 0, err
	}
	if pp > 500 {
		return 0, 0, minzheng.Invalid("per_page", "每页最多 500 条")
	}
	return p, pp, nil
}

func utc(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// Accounts.

type loginInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) apiLogin(r *http.Request) (any, error) {
	var in loginInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Username) == "" {
		return nil, minzheng.Invalid("username", "请填写用户名")
	}
	if in.Password == "" {
		return nil, minzheng.Invalid("password", "请填写密码")
	}
	token, _, err := s.auth.Login(r.Context(), in.Username, in.Password, auth.KindAPI)
	if err != nil {
		return nil, err
	}
	return map[string]string{"token": token}, nil
}

func (s *Server) apiLogout(r *http.Request) (any, error) {
	token := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	return nil, s.db.CloseSession(r.Context(), token)
}

type userJSON struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Role        string   `json:"role"`
	RoleName    string   `json:"role_name"`
	Region      string   `json:"region"`
	RegionLevel string   `json:"region_level,omitempty"`
	Active      bool     `json:"active"`
	LockedUntil *string  `json:"locked_until"`
	CreatedAt   *string  `json:"created_at"`
	UpdatedAt   *string  `json:"updated_at"`
	Permissions []string `json:"permissions,omitempty"`
}

func toUserJSON(u auth.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role), RoleName: u.Role.Chinese(),
		Region: string(u.Region), RegionLevel: u.RegionLevel.String(), Active: u.Active,
		LockedUntil: utc(u.LockedUntil), CreatedAt: utc(u.CreatedAt), UpdatedAt: utc(u.UpdatedAt)}
}

func (s *Server) apiMe(r *http.Request) (any, error) {
	u, ok := userFrom(r)
	if !ok {
		return nil, &minzheng.Error{Code: minzheng.CodeUnauthorized, Message: "请先登录"}
	}
	j := toUserJSON(u)
	j.Permissions = []string{}
	for _, p := range auth.Permissions() {
		if auth.Can(u.Actor(), p) {
			j.Permissions = append(j.Permissions, string(p))
		}
	}
	return j, nil
}

// Regions.

type regionJSON struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Level  string   `json:"level"`
	Parent *string  `json:"parent"`
	Path   []string `json:"path"`
}

func toRegionJSON(r sqldb.RegionRow) regionJSON {
	j := regionJSON{Code: string(r.Code), Name: r.Name, Level: r.Level.String(), Path: r.Path}
	if r.Parent != region.Country {
		p := string(r.Parent)
		j.Parent = &p
	}
	if j.Path == nil {
		j.Path = []string{}
	}
	return j
}

func toRegionsJSON(rs []sqldb.RegionRow) []regionJSON {
	out := make([]regionJSON, len(rs))
	for i, r := range rs {
		out[i] = toRegionJSON(r)
	}
	return out
}

func (s *Server) apiRegion(r *http.Request) (any, error) {
	reg, err := s.pathRegion(r)
	if err != nil {
		return nil, err
	}
	return toRegionJSON(reg), nil
}

func (s *Server) apiRegionChildren(r *http.Request) (any, error) {
	reg, err := s.pathRegion(r)
	if err != nil {
		return nil, err
	}
	ch, err := s.db.RegionChildren(r.Context(), reg.Code, reg.Level)
	if err != nil {
		return nil, err
	}
	return toRegionsJSON(ch), nil
}

func (s *Server) apiRegionSearch(r *http.Request) (any, error) {
	q := r.URL.Query()
	within, err := region.ParseScope(q.Get("within"))
	if err != nil {
		e, _ := minzheng.AsError(err)
		return nil, minzheng.Invalid("within", "%s", e.Message)
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 200 {
			return nil, minzheng.Invalid("limit", "limit 应为 1 到 200 的整数")
		}
	}
	rs, total, err := s.db.SearchRegions(r.Context(), q.Get("q"), within, limit)
	if err != nil {
		return nil, err
	}
	return listJSON{Items: toRegionsJSON(rs), Total: total}, nil
}

type attributesJSON struct {
	Code      string `json:"code"`
	Level     string `json:"level"`
	Own       attrs  `json:"own"`
	Effective attrs  `json:"effective"`
	AreaFrom  string `json:"area_from,omitempty"`
}

type attrs struct {
	Area          *string `json:"area"`
	HardshipClass *int    `json:"hardship_class"`
}

func toAttrs(a region.Attributes) attrs {
	var j attrs
	if a.Area != "" {
		v := a.Area
		j.Area = &v
	}
	if a.HardshipClass != 0 {
		v := a.HardshipClass
		j.HardshipClass = &v
	}
	return j
}

func toAttributesJSON(r sqldb.RegionRow) attributesJSON {
	return attributesJSON{Code: string(r.Code), Level: r.Level.String(), Own: toAttrs(r.Own), Effective: toAttrs(r.Effective), AreaFrom: r.AreaFrom}
}

func (s *Server) apiRegionAttributes(r *http.Request) (any, error) {
	reg, err := s.pathRegion(r)
	if err != nil {
		return nil, err
	}
	return toAttributesJSON(reg), nil
}

func (s *Server) apiSetRegionAttributes(r *http.Request) (any, error) {
	var in attrs
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	reg, err := s.pathRegion(r)
	if err != nil {
		return nil, err
	}
	a := region.Attributes{}
	if in.Area != nil {
		a.Area = *in.Area
	}
	if in.HardshipClass != nil {
		a.HardshipClass = *in.HardshipClass
		if a.HardshipClass == 0 {
			return nil, minzheng.Invalid("hardship_class", "艰苦边远地区类别应为 1 到 6 类，或为 null 沿用上级")
		}
	}
	out, err := s.db.SetRegionAttributes(r.Context(), reg.Code, reg.Level, a)
	if err != nil {
		return nil, err
	}
	return toAttributesJSON(out), nil
}

// Calendar.

// workdaysAnswer is the answer to a working-day question: the date n
// working days after from (Add), or the count of working days up to To.
type workdaysAnswer struct {
	From, To    minzheng.Date
	Add         bool
	N           int
	Date        minzheng.Date
	Provisional bool
}

// workdays reads from and add|to from the query and asks the calendar.
func (s *Server) workdays(r *http.Request) (workdaysAnswer, error) {
	q := r.URL.Query()
	var ans workdaysAnswer
	if q.Get("from") == "" {
		return ans, minzheng.Invalid("from", "请提供起算日期 from（YYYY-MM-DD）")
	}
	from, err := minzheng.ParseDate(q.Get("from"))
	if err != nil {
		return ans, minzheng.Invalid("from", "%s", err.Error())
	}
	ans.From = from
	add, to := q.Get("add"), q.Get("to")
	cal := s.calendar.Calendar()
	switch {
	case add != "" && to != "":
		return ans, minzheng.Invalid("add", "add 与 to 只能提供一个")
	case add != "":
		if ans.N, err = strconv.Atoi(add); err != nil {
			return ans, minzheng.Invalid("add", "add 应为整数（工作日数）")
		}
		ans.Add = true
		ans.Date, ans.Provisional, err = cal.AddWorkdays(from, ans.N)
		if e, ok := minzheng.AsError(err); ok && e.Field == "n" {
			err = minzheng.Invalid("add", "%s", e.Message) // the calendar's n is this API's add
		}
		return ans, err
	case to != "":
		if ans.To, err = minzheng.ParseDate(to); err != nil {
			return ans, minzheng.Invalid("to", "%s", err.Error())
		}
		ans.N, ans.Provisional, err = cal.WorkdaysBetween(from, ans.To)
		return ans, err
	}
	return ans, minzheng.Invalid("add", "请提供 add（推算第几个工作日）或 to（统计到哪一天）")
}

// apiWorkdays answers {"date","provisional"} for add, {"workdays"} (with
// "provisional": true only when it is) for to.
func (s *Server) apiWorkdays(r *http.Request) (any, error) {
	ans, err := s.workdays(r)
	if err != nil {
		return nil, err
	}
	if ans.Add {
		return obj{"date": ans.Date.String(), "provisional": ans.Provisional}, nil
	}
	out := obj{"workdays": ans.N}
	if ans.Provisional {
		out["provisional"] = true
	}
	return out, nil
}

type dayJSON struct {
	Date minzheng.Date `json:"date"`
	Name string        `json:"name"`
}

type calendarYearJSON struct {
	Year     int       `json:"year"`
	Source   string    `json:"source"`
	Builtin  bool      `json:"builtin"`
	Holidays []dayJSON `json:"holidays"`
	Workdays []dayJSON `json:"workdays"`
}

func days(m map[minzheng.Date]string) []dayJSON {
	out := make([]dayJSON, 0, len(m))
	for d, n := range m {
		out = append(out, dayJSON{d, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

func (s *Server) yearJSON(y calendar.Year) calendarYearJSON {
	return calendarYearJSON{Year: y.Year, Source: y.Source, Builtin: s.calendar.Builtin(y.Year) && strings.HasPrefix(y.Source, "内置"),
		Holidays: days(y.Holidays), Workdays: days(y.Workdays)}
}

func (s *Server) apiCalendarYears(r *http.Request) (any, error) {
	cal := s.calendar.Calendar()
	type item struct {
		Year     int    `json:"year"`
		Source   string `json:"source"`
		Holidays int    `json:"holidays"`
		Workdays int    `json:"workdays"`
	}
	items := []item{}
	for _, y := range cal.Years() {
		yd, _ := cal.Year(y)
		items = append(items, item{y, yd.Source, len(yd.Holidays), len(yd.Workdays)})
	}
	return listJSON{Items: items, Total: len(items)}, nil
}

func pathYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 1000 || y > 9999 {
		return 0, minzheng.Invalid("year", "年份 %q 不对，应为四位数字", r.PathValue("year"))
	}
	return y, nil
}

func (s *Server) apiCalendarYear(r *http.Request) (any, error) {
	y, err := pathYear(r)
	if err != nil {
		return nil, err
	}
	yd, ok := s.calendar.Calendar().Year(y)
	if !ok {
		return nil, &minzheng.Error{Code: minzheng.CodeNotFound, Message: fmt.Sprintf("%d年的节假日安排尚未录入", y)}
	}
	return s.yearJSON(yd), nil
}

type calendarYearInput struct {
	Source   string    `json:"source"`
	Holidays []dayJSON `json:"holidays"`
	Workdays []dayJSON `json:"workdays"`
}

func (s *Server) apiSaveCalendarYear(r *http.Request) (any, error) {
	y, err := pathYear(r)
	if err != nil {
		return nil, err
	}
	var in calendarYearInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	yd := calendar.Year{Year: y, Source: strings.TrimSpace(in.Source),
		Holidays: map[minzheng.Date]string{}, Workdays: map[minzheng.Date]string{}}
	for _, list := range []struct {
		field, what string
		in          []dayJSON
		out         map[minzheng.Date]string
	}{{"holidays", "放假日期", in.Holidays, yd.Holidays}, {"workdays", "调休上班日期", in.Workdays, yd.Workdays}} {
		for _, d := range list.in {
			if d.Date.IsZero() {
				return nil, minzheng.Invalid(list.field, "%s不能为空", list.what)
			}
			if _, dup := list.out[d.Date]; dup {
				return nil, minzheng.Invalid(list.field, "%s %s 重复", list.what, d.Date)
			}
			list.out[d.Date] = strings.TrimSpace(d.Name)
		}
	}
	if err := s.saveCalendarYear(r, yd); err != nil {
		return nil, err
	}
	return s.apiCalendarYear(r)
}

// saveCalendarYear stores an entered year and swaps the calendar in use.
func (s *Server) saveCalendarYear(r *http.Request, y calendar.Year) error {
	if err := s.db.SaveCalendarYear(r.Context(), y); err != nil {
		return err
	}
	entered, err := s.db.CalendarYears(r.Context())
	if err != nil {
		return err
	}
	s.calendar.Reload(r.Context(), entered)
	return nil
}

// Users.

// userFilter reads the users list's filters (region, role, q, paging) from
// the query string, the region narrowed to the actor's.
func (s *Server) userFilter(r *http.Request) (sqldb.UserFilter, error) {
	q := r.URL.Query()
	reg, err := s.narrow(r, q.Get("region"))
	if err != nil {
		return sqldb.UserFilter{}, err
	}
	p, pp, err := paging(r)
	if err != nil {
		return sqldb.UserFilter{}, err
	}
	role := q.Get("role")
	if role != "" {
		if _, err := auth.ParseRole(role); err != nil {
			return sqldb.UserFilter{}, err
		}
	}
	return sqldb.UserFilter{Region: reg, Role: role, Q: q.Get("q"), Page: p, PerPage: pp}, nil
}

func (s *Server) apiUsers(r *http.Request) (any, error) {
	f, err := s.userFilter(r)
	if err != nil {
		return nil, err
	}
	us, total, err := s.db.Users(r.Context(), f)
	if err != nil {
		return nil, err
	}
	items := make([]userJSON, len(us))
	for i, u := range us {
		items[i] = toUserJSON(u)
	}
	return listJSON{Items: items, Total: total}, nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, minzheng.Invalid("id", "编号 %q 不对，应为正整数", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) apiUser(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	u, err := s.db.User(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return toUserJSON(u), nil
}

type userInputJSON struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	Region      string `json:"region"`
	Password    string `json:"password"`
}

func (s *Server) apiCreateUser(r *http.Request) (any, error) {
	var in userInputJSON
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	u, err := s.createUser(r, auth.UserInput{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role,
		Region: in.Region, Password: in.Password, Active: true})
	if err != nil {
		return nil, err
	}
	return toUserJSON(u), nil
}

// checkedUser checks permission and input, and hashes a new password: what
// creating and changing an account share.
func (s *Server) checkedUser(r *http.Request, in auth.UserInput, creating bool) (auth.Checked, string, error) {
	a, err := minzheng.ActorFrom(r.Context())
	if err != nil {
		return auth.Checked{}, "", err
	}
	if err := auth.Require(a, auth.PermUserManage); err != nil {
		return auth.Checked{}, "", err
	}
	demo, err := s.db.IsDemo(r.Context())
	if err != nil {
		return auth.Checked{}, "", err
	}
	c, err := in.Validate(creating, demo)
	if err != nil {
		return auth.Checked{}, "", err
	}
	hash := ""
	if c.Password != "" {
		if hash, err = s.hasher.Hash(c.Password); err != nil {
			return auth.Checked{}, "", err
		}
	}
	return c, hash, nil
}

// createUser validates, hashes and stores a new account.
func (s *Server) createUser(r *http.Request, in auth.UserInput) (auth.User, error) {
	c, hash, err := s.checkedUser(r, in, true)
	if err != nil {
		return auth.User{}, err
	}
	return s.db.CreateUser(r.Context(), c, hash)
}

type userPatchJSON struct {
	DisplayName *string `json:"display_name"`
	Role        *string `json:"role"`
	Region      *string `json:"region"`
	Active      *bool   `json:"active"`
	Password    *string `json:"password"`
}

func (s *Server) apiUpdateUser(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in userPatchJSON
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	cur, err := s.db.User(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ui := auth.UserInput{Username: cur.Username, DisplayName: cur.DisplayName, Role: string(cur.Role),
		Region: cur.RegionShort(), Active: cur.Active}
	if in.DisplayName != nil {
		ui.DisplayName = *in.DisplayName
	}
	if in.Role != nil {
		ui.Role = *in.Role
	}
	if in.Region != nil {
		ui.Region = *in.Region
	}
	if in.Active != nil {
		ui.Active = *in.Active
	}
	if in.Password != nil {
		if *in.Password == "" {
			return nil, minzheng.Invalid("password", "新密码不能为空")
		}
		ui.Password = *in.Password
	}
	u, err := s.updateUser(r, id, ui)
	if err != nil {
		return nil, err
	}
	return toUserJSON(u), nil
}

// updateUser validates and stores a change to an account.
func (s *Server) updateUser(r *http.Request, id int64, in auth.UserInput) (auth.User, error) {
	c, hash, err := s.checkedUser(r, in, false)
	if err != nil {
		return auth.User{}, err
	}
	return s.db.UpdateUser(r.Context(), id, c, hash)
}

// Audit log.

type auditJSON struct {
	Seq        int64           `json:"seq"`
	At         *string         `json:"at"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action"`
	ActionName string          `json:"action_name"`
	Entity     string          `json:"entity"`
	EntityID   string          `json:"entity_id"`
	Region     string          `json:"region"`
	Summary    string          `json:"summary"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	Hash       string          `json:"hash"`
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// auditFilter reads the log's filters from the query string.
func (s *Server) auditFilter(r *http.Request) (sqldb.AuditFilter, error) {
	a, err := minzheng.ActorFrom(r.Context())
	if err != nil {
		return sqldb.AuditFilter{}, err
	}
	if err := auth.Require(a, auth.PermAuditRead); err != nil {
		return sqldb.AuditFilter{}, err
	}
	q := r.URL.Query()
	reg, err := s.narrow(r, q.Get("region"))
	if err != nil {
		return sqldb.AuditFilter{}, err
	}
	f := sqldb.AuditFilter{Region: reg, Actor: strings.TrimSpace(q.Get("actor")), Action: q.Get("action"),
		Entity: q.Get("entity"), EntityID: q.Get("entity_id")}
	for _, k := range []string{"from", "to"} {
		if v := q.Get(k); v != "" {
			d, err := minzheng.ParseDate(v)
			if err != nil {
				return f, minzheng.Invalid(k, "%s", err.Error())
			}
			if k == "from" {
				f.From = d
			} else {
				f.To = d
			}
		}
	}
	if f.Page, f.PerPage, err = paging(r); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) apiAudit(r *http.Request) (any, error) {
	f, err := s.auditFilter(r)
	if err != nil {
		return nil, err
	}
	es, total, err := s.db.AuditEntries(r.Context(), f)
	if err != nil {
		return nil, err
	}
	items := make([]auditJSON, len(es))
	for i, e := range es {
		items[i] = auditJSON{Seq: e.Seq, At: utc(e.At), Actor: e.Actor, Action: e.Action, ActionName: audit.ActionName(e.Action),
			Entity: e.Entity, EntityID: e.EntityID, Region: e.Region, Summary: e.Summary,
			Before: rawOrNull(e.Before), After: rawOrNull(e.After), Hash: e.Hash}
	}
	return listJSON{Items: items, Total: total}, nil
}

func (s *Server) apiAuditVerify(r *http.Request) (any, error) {
	j, err := s.startAuditVerify(r)
	if err != nil {
		return nil, err
	}
	return toJobJSON(j), nil
}

// Jobs.

type jobJSON struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Title      string          `json:"title"`
	Status     string          `json:"status"`
	Region     string          `json:"region"`
	Done       int64           `json:"done"`
	Total      int64           `json:"total"`
	Percent    int             `json:"percent"`
	Message    string          `json:"message"`
	Error      string          `json:"error,omitempty"`
	Result     json.RawMessage `json:"result"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  *string         `json:"created_at"`
	StartedAt  *string         `json:"started_at"`
	FinishedAt *string         `json:"finished_at"`
}

func toJobJSON(j job.Job) jobJSON {
	return jobJSON{ID: j.ID, Kind: j.Kind, Title: j.Title, Status: string(j.Status), Region: j.Region, Done: j.Done, Total: j.Total,
		Percent: j.Percent(), Message: j.Message, Error: j.Error, Result: rawOrNull(j.Result), CreatedBy: j.CreatedBy,
		CreatedAt: utc(j.CreatedAt), StartedAt: utc(j.StartedAt), FinishedAt: utc(j.FinishedAt)}
}

func (s *Server) apiJobs(r *http.Request) (any, error) {
	reg, err := s.narrow(r, r.URL.Query().Get("region"))
	if err != nil {
		return nil, err
	}
	p, pp, err := paging(r)
	if err != nil {
		return nil, err
	}
	js, total, err := s.db.Jobs(r.Context(), reg, p, pp)
	if err != nil {
		return nil, err
	}
	for i := range js {
		s.jobs.Overlay(&js[i])
	}
	items := make([]jobJSON, len(js))
	for i, j := range js {
		items[i] = toJobJSON(j)
	}
	return listJSON{Items: items, Total: total}, nil
}

func (s *Server) apiJob(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	j, err := s.db.Job(r.Context(), id)
	if err != nil {
		return nil, err
	}
	s.jobs.Overlay(&j)
	return toJobJSON(j), nil
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
