package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestStaffSignIn covers the sign-in page, its cookie and CSRF guard, and
// signing out.
func TestStaffSignIn(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		b := f.browser(t)

		t.Run("未登录跳转到登录页", func(t *testing.T) {
			for path, next := range map[string]string{
				"/staff/":                 "/staff/",
				"/staff/users?role=admin": "/staff/users?role=admin",
				"/staff/regions/370614":   "/staff/regions/370614",
			} {
				p := b.get(t, path)
				if want := "/staff/login?next=" + url.QueryEscape(next); p.Status != http.StatusSeeOther || p.Header.Get("Location") != want {
					t.Errorf("GET %s: %d → %q, want 303 → %q", path, p.Status, p.Header.Get("Location"), want)
				}
			}
		})

		var csrf string
		t.Run("登录页", func(t *testing.T) {
			p := b.get(t, "/staff/login?next=/staff/regions")
			if p.Status != http.StatusOK || !strings.Contains(p.Body, "工作人员登录") || !strings.Contains(p.Body, `lang="zh-CN"`) {
				t.Fatalf("login page: %d", p.Status)
			}
			m := csrfMeta.FindStringSubmatch(p.Body)
			if m == nil {
				t.Fatal("no csrf meta")
			}
			csrf = m[1]
			if !strings.Contains(p.Body, `name="csrf" value="`+csrf+`"`) || !strings.Contains(p.Body, `name="next" value="/staff/regions"`) {
				t.Errorf("login form lacks the csrf token or next")
			}
			var c *http.Cookie
			for _, ck := range p.Cookies {
				if ck.Name == "mz_csrf" {
					c = ck
				}
			}
			if c == nil || c.Value != csrf || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("csrf cookie %+v", c)
			}
			for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
				if got := p.Header.Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
			if !strings.Contains(p.Header.Get("Content-Security-Policy"), "default-src 'self'") {
				t.Errorf("CSP %q", p.Header.Get("Content-Security-Policy"))
			}
		})

		t.Run("没有CSRF令牌的登录被拒", func(t *testing.T) {
			logins, all := f.auditCount(t, "login"), f.auditCount(t, "")
			for _, tok := range []string{"", "wrong-token-wrong-token-wrong-token-1234"} {
				form := url.Values{"username": {"admin"}, "password": {password}}
				if tok != "" {
					form.Set("csrf", tok)
				}
				p := b.post(t, "/staff/login", form)
				if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "页面已过期") {
					t.Errorf("csrf %q: status %d", tok, p.Status)
				}
				for _, c := range p.Cookies {
					if c.Name == "mz_session" && c.Value != "" {
						t.Errorf("session cookie set without csrf")
					}
				}
			}
			if got := f.auditCount(t, "login"); got != logins {
				t.Errorf("login entries %d → %d", logins, got)
			}
			// BUG: checkCSRF's refusal goes through renderError → publicError,
			// which records every forbidden error that is not ErrForbidden as
			// scope.denied ("越权访问被拒绝"), for an anonymous client too: anyone
			// can append to the audit log without signing in.
			if got := f.auditCount(t, ""); got != all {
				t.Errorf("audit entries %d → %d after anonymous requests refused for CSRF, want none written", all, got)
			}
			// A cookie-less client is refused with the right token in the form too.
			p := noRedirectPost(t, f, "/staff/login", url.Values{"csrf": {csrf}, "username": {"admin"}, "password": {password}})
			if p != http.StatusForbidden {
				t.Errorf("without the csrf cookie: %d", p)
			}
		})

		t.Run("密码错误", func(t *testing.T) {
			p := b.post(t, "/staff/login", url.Values{"csrf": {csrf}, "username": {"admin"}, "password": {"Wrong-pass-2025"}})
			if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "用户名或密码错误") || !strings.Contains(p.Body, `name="username" value="admin"`) {
				t.Errorf("wrong password: %d", p.Status)
			}
		})

		t.Run("登录", func(t *testing.T) {
			p := b.post(t, "/staff/login", url.Values{"csrf": {csrf}, "username": {"admin"}, "password": {password}, "next": {"/staff/regions"}})
			if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/staff/regions" {
				t.Fatalf("sign in: %d → %q\n%s", p.Status, p.Header.Get("Location"), p.Body)
			}
			var c *http.Cookie
			for _, ck := range p.Cookies {
				if ck.Name == "mz_session" {
					c = ck
				}
			}
			if c == nil || len(c.Value) < 32 || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
				t.Fatalf("session cookie %+v", c)
			}
			if p := b.get(t, "/staff/"); p.Status != http.StatusOK || !strings.Contains(p.Body, "系统管理员（系统管理员） · 全国") {
				t.Errorf("dashboard after sign in: %d", p.Status)
			}
			// The login page sends a signed-in user on.
			if p := b.get(t, "/staff/login"); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/staff/" {
				t.Errorf("login page when signed in: %d %q", p.Status, p.Header.Get("Location"))
			}
			// The cookie is no API token.
			req := f.request(t, "GET", "/api/v1/me", "", nil, http.Header{"Cookie": {"mz_session=" + c.Value}})
			req.Body.Close()
			if req.StatusCode != http.StatusUnauthorized {
				t.Errorf("API with the session cookie: %d", req.StatusCode)
			}
		})

		t.Run("登录后只跳转到本站", func(t *testing.T) {
			for next, want := range map[string]string{
				"//evil.example/staff/": "/staff/",
				"https://evil.example/": "/staff/",
				"/staff/users":          "/staff/users",
				"/portal/":              "/staff/",
				`/staff/\evil.example`:  "/staff/",
				"javascript:alert(1)":   "/staff/",
			} {
				c := f.browser(t)
				tok := c.csrf(t, "/staff/login")
				p := c.post(t, "/staff/login", url.Values{"csrf": {tok}, "username": {"auditor"}, "password": {password}, "next": {next}})
				if p.Status != http.StatusSeeOther || p.Header.Get("Location") != want {
					t.Errorf("next %q: %d → %q, want %q", next, p.Status, p.Header.Get("Location"), want)
				}
			}
		})

		t.Run("会话12小时后失效", func(t *testing.T) {
			c := f.browser(t)
			c.login(t, "auditor")
			f.clk.Advance(11 * time.Hour)
			if p := c.get(t, "/staff/"); p.Status != http.StatusOK {
				t.Fatalf("after 11 h: %d", p.Status)
			}
			f.clk.Advance(time.Hour)
			p := c.get(t, "/staff/")
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/staff/login") {
				t.Errorf("after 12 h: %d → %q", p.Status, p.Header.Get("Location"))
			}
			f.clk.Set(start)
		})

		t.Run("退出", func(t *testing.T) {
			p := b.submit(t, "/staff/", "/staff/logout", url.Values{})
			if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/staff/login" {
				t.Fatalf("logout: %d → %q", p.Status, p.Header.Get("Location"))
			}
			if p := b.get(t, "/staff/"); p.Status != http.StatusSeeOther {
				t.Errorf("after logout: %d", p.Status)
			}
			if es := auditOf(t, f, f.apiLogin(t, "admin"), "action=logout"); len(es) != 1 {
				t.Errorf("%d logout entries", len(es))
			}
		})
	})
}

func noRedirectPost(t *testing.T, f *fixture, path string, form url.Values) int {
	t.Helper()
	resp, err := noRedirect.PostForm(f.ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestStaffPages opens every staff page as the administrator, and what an
// officer may not open as the officer.
func TestStaffPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.browser(t)
		admin.login(t, "admin")

		pages := []struct {
			name, path string
			want       []string
		}{
			{"工作台", "/staff/", []string{"<title>工作台 · 民政社会救助</title>", "今天 2025-09-26（工作日）", "低保审核确认总时限（第22条）", "最近操作"}},
			{"行政区划", "/staff/regions", []string{"行政区划", "山东省", "青海省", "查找地名"}},
			{"蓬莱区", "/staff/regions/370614", []string{"蓬莱区 · 行政区划", "<code>370614000000</code>", "大辛店镇", "下级区划（20）", "修改区划属性"}},
			{"大辛店镇", "/staff/regions/370614107", []string{"大辛店镇", "辛店一村村委会", `<a href="/staff/regions/370614">蓬莱区</a>`}},
			{"工作日历", "/staff/calendar", []string{"工作日历", "工作日推算", "录入一年的节假日安排", `name="year" value="2027"`}},
			{"工作日推算", "/staff/calendar?from=2025-09-26&add=15", []string{"2025-09-26 之后第 15 个工作日是 2025-10-23（星期四）"}},
			{"工作日推算出错", "/staff/calendar?from=2027-01-04&add=1", []string{"2027年的节假日和调休安排尚未录入"}},
			{"用户管理", "/staff/users", []string{"用户管理", "penglai_county", "qinghai_admin", "共 8 个用户"}},
			{"新建用户", "/staff/users/new", []string{"新建用户", `name="username"`, "初始密码"}},
			{"修改用户", idPath("/staff/users/", f.users["penglai"].ID), []string{"修改用户 penglai_county", `value="370614"`, "重设密码"}},
			{"操作日志", "/staff/audit", []string{"操作日志", "新建用户", "校验日志哈希链"}},
			{"后台任务", "/staff/jobs", []string{"后台任务", "共 0 个任务"}},
			{"我的账户", "/staff/account", []string{"我的账户", "修改密码", "<dd>admin</dd>"}},
			{"门户首页", "/", []string{"社会救助服务"}},
		}
		for _, c := range pages {
			t.Run(c.name, func(t *testing.T) {
				p := admin.get(t, c.path)
				if p.Status != http.StatusOK {
					t.Fatalf("status %d", p.Status)
				}
				if ct := p.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				if !strings.Contains(p.Body, `<html lang="zh-CN">`) || !isChinese(p.Body) {
					t.Errorf("not a Chinese page")
				}
				for _, w := range c.want {
					if !strings.Contains(p.Body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
			})
		}

		t.Run("页面出错", func(t *testing.T) {
			for path, status := range map[string]int{
				"/staff/regions/370699":  404,
				"/staff/regions/37a":     400,
				"/staff/users/99999":     404,
				"/staff/users/abc":       400,
				"/staff/jobs/99999":      404,
				"/staff/users?region=6x": 400,
			} {
				p := admin.get(t, path)
				if p.Status != status || !strings.Contains(p.Body, `class="alert error"`) || !strings.Contains(p.Body, "<title>出错了") {
					t.Errorf("GET %s: %d, want %d with an error page", path, p.Status, status)
				}
			}
		})

		t.Run("县级干部", func(t *testing.T) {
			b := f.browser(t)
			b.login(t, "penglai")
			p := b.get(t, "/staff/")
			if p.Status != http.StatusOK || strings.Contains(p.Body, `href="/staff/users"`) || !strings.Contains(p.Body, "山东省 / 烟台市 / 蓬莱区") {
				t.Errorf("dashboard: %d, users link shown: %v", p.Status, strings.Contains(p.Body, `href="/staff/users"`))
			}
			for path, msg := range map[string]string{"/staff/users": "无权查看用户", "/staff/users/new": "无权管理用户",
				idPath("/staff/users/", f.users["dxd"].ID): "无权管理用户"} {
				p := b.get(t, path)
				if p.Status != http.StatusForbidden || !strings.Contains(p.Body, msg) {
					t.Errorf("GET %s: %d", path, p.Status)
				}
			}
			p = b.get(t, "/staff/regions/370614")
			if p.Status != http.StatusOK || strings.Contains(p.Body, "修改区划属性") {
				t.Errorf("regions page for a county officer: %d, edit form shown: %v", p.Status, strings.Contains(p.Body, "修改区划属性"))
			}
			p = b.get(t, "/staff/audit")
			if p.Status != http.StatusOK || strings.Contains(p.Body, "<code>320402000000</code>") {
				t.Errorf("audit page: %d", p.Status)
			}
			p = b.get(t, "/staff/audit?region=32")
			if p.Status != http.StatusForbidden {
				t.Errorf("audit page for 32: %d", p.Status)
			}
			c := f.browser(t)
			c.login(t, "clerk")
			if p := c.get(t, "/staff/audit"); p.Status != http.StatusForbidden {
				t.Errorf("audit page for a village clerk: %d", p.Status)
			}
		})

		t.Run("查找地名", func(t *testing.T) {
			p := admin.get(t, "/staff/regions/search?q="+url.QueryEscape("大辛店"), "HX-Request", "true")
			if p.Status != http.StatusOK {
				t.Fatalf("status %d", p.Status)
			}
			if !strings.Contains(p.Body, "山东省 / 烟台市 / 蓬莱区 / 大辛店镇") || !strings.Contains(p.Body, `href="/staff/regions/370614107"`) {
				t.Errorf("search results lack 大辛店镇:\n%s", p.Body)
			}
			if strings.Contains(p.Body, "<html") {
				t.Errorf("a fragment should not carry the layout")
			}
			p = admin.get(t, "/staff/regions/search?q="+url.QueryEscape("没有这个地方"), "HX-Request", "true")
			if p.Status != http.StatusOK || !strings.Contains(p.Body, "没有找到名称含“没有这个地方”的区划") {
				t.Errorf("no result: %d %q", p.Status, p.Body)
			}
			p = admin.get(t, "/staff/regions/search?q="+url.QueryEscape("100%"), "HX-Request", "true")
			if p.Status != http.StatusOK || strings.Contains(p.Body, "<li>") {
				t.Errorf("a search for 100%% matched: %d", p.Status)
			}
			status, v := f.do(t, "GET", "/api/v1/regions?q="+url.QueryEscape("大辛店"), "", nil)
			its, n := jitems(t, v)
			if status != http.StatusOK || n != 1 || its[0]["code"] != "370614107000" {
				t.Errorf("API search: %d %v", status, v)
			}
		})

		t.Run("静态文件与健康检查", func(t *testing.T) {
			resp := f.request(t, "GET", "/healthz", "", nil, nil)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusOK || body != "ok\n" {
				t.Errorf("healthz: %d %q", resp.StatusCode, body)
			}
			for _, p := range []string{"/static/htmx.min.js", "/static/app.css", "/static/app.js"} {
				resp := f.request(t, "GET", p, "", nil, nil)
				readAll(t, resp)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s: %d", p, resp.StatusCode)
				}
			}
		})

		t.Run("指标", func(t *testing.T) {
			f.do(t, "GET", "/api/v1/regions/370614107", "", nil)
			f.do(t, "GET", "/api/v1/regions/370699", "", nil)
			resp := f.request(t, "GET", "/metrics", "", nil, nil)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				t.Fatalf("metrics: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			for _, w := range []string{
				"# TYPE minzheng_http_requests_total counter",
				`minzheng_http_requests_total{method="GET",route="GET /api/v1/regions/{code}",status="200"} `,
				`minzheng_http_requests_total{method="GET",route="GET /api/v1/regions/{code}",status="404"} 1`,
				`minzheng_http_request_duration_seconds_bucket{route="GET /api/v1/regions/{code}",le="+Inf"}`,
				`minzheng_jobs{status="done"}`,
			} {
				if !strings.Contains(body, w) {
					t.Errorf("metrics lack %q", w)
				}
			}
			// Routes, never paths: no region code or user id in a label.
			if strings.Contains(body, "370614107") || strings.Contains(body, "370699") {
				t.Errorf("metrics carry a path")
			}
		})
	})
}

// TestStaffForms submits the staff forms: CSRF guard, errors next to their
// field with the input kept, and success redirects.
func TestStaffForms(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.browser(t)
		admin.login(t, "admin")

		t.Run("没有CSRF令牌的表单被拒且不生效", func(t *testing.T) {
			n := f.userCount(t)
			form := url.Values{"username": {"no_csrf"}, "role": {"admin"}, "password": {password}}
			p := admin.post(t, "/staff/users", form)
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "页面已过期或来源不明") {
				t.Errorf("without csrf: %d", p.Status)
			}
			form.Set("csrf", "x"+admin.csrf(t, "/staff/users/new"))
			if p := admin.post(t, "/staff/users", form); p.Status != http.StatusForbidden {
				t.Errorf("wrong csrf: %d", p.Status)
			}
			p = admin.post(t, "/staff/calendar/years", url.Values{"year": {"2027"}, "source": {"x"}, "holidays": {"2027-01-01 元旦"}})
			if p.Status != http.StatusForbidden {
				t.Errorf("calendar without csrf: %d", p.Status)
			}
			if got := f.userCount(t); got != n {
				t.Errorf("users %d → %d", n, got)
			}
			if status, _ := f.do(t, "GET", "/api/v1/calendar/years/2027", "", nil); status != http.StatusNotFound {
				t.Errorf("2027 stored without csrf")
			}
			// The token also goes in the X-CSRF-Token header, as htmx sends it.
			tok := admin.csrf(t, "/staff/users/new")
			req, _ := http.NewRequest("POST", f.ts.URL+"/staff/users", strings.NewReader(url.Values{"username": {"by_header"}, "role": {"auditor"}, "password": {password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-CSRF-Token", tok)
			if p := admin.send(t, req); p.Status != http.StatusSeeOther {
				t.Errorf("csrf in header: %d", p.Status)
			}
		})

		t.Run("新建用户表单", func(t *testing.T) {
			n := f.userCount(t)
			form := url.Values{"username": {"new_clerk"}, "display_name": {"新协理员"}, "role": {"village_clerk"}, "region": {f.village}, "password": {"short"}}
			p := admin.submit(t, "/staff/users/new", "/staff/users", form)
			if p.Status != http.StatusBadRequest {
				t.Fatalf("bad password: %d", p.Status)
			}
			for _, w := range []string{`name="username" value="new_clerk"`, `name="display_name" value="新协理员"`, `value="` + f.village + `"`,
				`<option value="village_clerk" selected>`, fieldErr("密码至少需要 10 个字符")} {
				if !strings.Contains(p.Body, w) {
					t.Errorf("re-rendered form lacks %q", w)
				}
			}
			// The error stands right after the password field.
			if i, j := strings.Index(p.Body, `name="password"`), strings.Index(p.Body, fieldErr("密码至少需要 10 个字符")); i < 0 || j < i || strings.Contains(p.Body[i:j], "<label") {
				t.Errorf("the password error is not next to its field")
			}
			if strings.Contains(p.Body, "short") {
				t.Errorf("the password is echoed back")
			}

			form.Set("password", password)
			form.Set("region", "370614")
			p = admin.submit(t, "/staff/users/new", "/staff/users", form)
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `<p class="field-error">村(居)协理员须绑定到村级区划</p>`) {
				t.Errorf("wrong level: %d", p.Status)
			}
			form.Set("region", f.village)
			form.Set("username", "penglai_county")
			p = admin.submit(t, "/staff/users/new", "/staff/users", form)
			if p.Status != http.StatusConflict || !strings.Contains(p.Body, fieldErr("用户名 penglai_county 已被使用")) {
				t.Errorf("duplicate: %d", p.Status)
			}
			if got := f.userCount(t); got != n {
				t.Errorf("users %d → %d after refusals", n, got)
			}

			form.Set("username", "new_clerk")
			p = admin.submit(t, "/staff/users/new", "/staff/users", form)
			if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/staff/users" {
				t.Fatalf("good form: %d → %q\n%s", p.Status, p.Header.Get("Location"), p.Body)
			}
			if got := f.userCount(t); got != n+1 {
				t.Errorf("users %d → %d", n, got)
			}
			p = admin.get(t, "/staff/users")
			if !strings.Contains(p.Body, "已新建用户 new_clerk") || !strings.Contains(p.Body, "<td>new_clerk</td>") {
				t.Errorf("users page after create lacks the flash or the user")
			}
			if p := admin.get(t, "/staff/users"); strings.Contains(p.Body, "已新建用户 new_clerk") {
				t.Errorf("the flash shows twice")
			}
		})

		t.Run("修改用户表单", func(t *testing.T) {
			id := f.users["dxd"].ID
			path := idPath("/staff/users/", id)
			form := url.Values{"display_name": {"大辛店镇民政办（改）"}, "role": {"township_officer"}, "region": {"370614108"}, "active": {"on"}}
			p := admin.submit(t, path, path, form)
			if p.Status != http.StatusSeeOther {
				t.Fatalf("edit: %d\n%s", p.Status, p.Body)
			}
			status, v := f.do(t, "GET", idPath("/api/v1/users/", id), f.apiLogin(t, "admin"), nil)
			if u := jobj(t, v); status != http.StatusOK || u["region"] != "370614108000" || u["display_name"] != "大辛店镇民政办（改）" || u["active"] != true {
				t.Errorf("after edit: %v", u)
			}
			form.Set("role", "county_officer")
			p = admin.submit(t, path, path, form)
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `name="username" value="dxd_township" readonly`) || !strings.Contains(p.Body, "县级民政干部须绑定到县级区划") {
				t.Errorf("bad edit: %d", p.Status)
			}
		})

		t.Run("越权的表单只记一次日志", func(t *testing.T) {
			b := f.browser(t)
			b.login(t, "penglai")
			n := f.userCount(t)
			before := f.auditCount(t, "scope.denied")
			p := b.submit(t, "/staff/", "/staff/users", url.Values{"username": {"by_county"}, "role": {"village_clerk"}, "region": {f.village}, "password": {password}})
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "无权管理用户") {
				t.Errorf("county officer creating a user: %d", p.Status)
			}
			if got := f.userCount(t); got != n {
				t.Errorf("users %d → %d", n, got)
			}
			// One refusal, one entry. (At commit 0d5a9b2 userCreateSubmit and
			// calendarYearSubmit called publicError, which audits a refusal,
			// and then returned the error to renderError, which audited it
			// again: two entries.)
			if got := f.auditCount(t, "scope.denied"); got != before+1 {
				t.Errorf("scope.denied entries %d → %d for one refused form, want exactly one more", before, got)
			}
			before = f.auditCount(t, "scope.denied")
			p = b.submit(t, "/staff/", "/staff/calendar/years", url.Values{"year": {"2027"}, "source": {"x"}, "holidays": {"2027-01-01 元旦"}})
			if p.Status != http.StatusForbidden {
				t.Errorf("county officer entering a year: %d", p.Status)
			}
			if got := f.auditCount(t, "scope.denied"); got != before+1 {
				t.Errorf("scope.denied entries %d → %d for one refused calendar form, want exactly one more", before, got)
			}
		})

		t.Run("节假日表单", func(t *testing.T) {
			p := admin.submit(t, "/staff/calendar", "/staff/calendar/years", url.Values{"year": {"2027"}, "source": {"国办发明电〔2026〕1号"},
				"holidays": {"2027-01-01~2027-01-03 元旦\r\n2027-02-30 春节"}, "workdays": {""}})
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "第 2 行") || !strings.Contains(p.Body, "2027-01-01~2027-01-03 元旦") {
				t.Errorf("bad holidays: %d", p.Status)
			}
			p = admin.submit(t, "/staff/calendar", "/staff/calendar/years", url.Values{"year": {"2027"}, "source": {"国办发明电〔2026〕1号"},
				"holidays": {"2027-01-01~2027-01-03 元旦"}, "workdays": {"2027-01-05 元旦"}})
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, fieldErr("调休上班日期 2027-01-05 是星期二，本来就是工作日；调休上班日只能是星期六或星期日")) {
				t.Errorf("weekday as workday: %d", p.Status)
			}
			p = admin.submit(t, "/staff/calendar", "/staff/calendar/years", url.Values{"year": {"2027"}, "source": {""}, "holidays": {"2027-01-01 元旦"}})
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, fieldErr("请填写放假通知的文号或来源")) {
				t.Errorf("no source: %d", p.Status)
			}
			p = admin.submit(t, "/staff/calendar", "/staff/calendar/years", url.Values{"year": {"二〇二七"}, "source": {"x"}, "holidays": {"2027-01-01 元旦"}})
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, fieldErr("请填写四位年份")) {
				t.Errorf("bad year: %d", p.Status)
			}
			if status, _ := f.do(t, "GET", "/api/v1/calendar/years/2027", "", nil); status != http.StatusNotFound {
				t.Fatalf("2027 stored after refusals")
			}

			p = admin.submit(t, "/staff/calendar", "/staff/calendar/years", url.Values{"year": {"2027"}, "source": {"国办发明电〔2026〕1号"},
				"holidays": {"2027-01-01~2027-01-03 元旦\n2027-02-06~2027-02-08 春节"}, "workdays": {"2027-02-20 春节"}})
			if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/staff/calendar" {
				t.Fatalf("good year: %d → %q\n%s", p.Status, p.Header.Get("Location"), p.Body)
			}
			status, v := f.do(t, "GET", "/api/v1/calendar/years/2027", "", nil)
			if status != http.StatusOK {
				t.Fatalf("2027: %d %v", status, v)
			}
			sameJSON(t, v, `{"year":2027,"source":"国办发明电〔2026〕1号","builtin":false,
				"holidays":[{"date":"2027-01-01","name":"元旦"},{"date":"2027-01-02","name":"元旦"},{"date":"2027-01-03","name":"元旦"},
					{"date":"2027-02-06","name":"春节"},{"date":"2027-02-07","name":"春节"},{"date":"2027-02-08","name":"春节"}],
				"workdays":[{"date":"2027-02-20","name":"春节"}]}`)
			p = admin.get(t, "/staff/calendar")
			if !strings.Contains(p.Body, "已录入 2027 年节假日安排") || !strings.Contains(p.Body, "<td>2027</td><td>6</td><td>1</td>") {
				t.Errorf("calendar page after entry lacks the flash or the year")
			}
			status, v = f.do(t, "GET", "/api/v1/calendar/workdays?from=2026-12-20&add=15", "", nil)
			if status != http.StatusOK {
				t.Fatalf("workdays: %d %v", status, v)
			}
			sameJSON(t, v, `{"date":"2027-01-11","provisional":false}`)
		})

		t.Run("区划属性表单", func(t *testing.T) {
			p := admin.submit(t, "/staff/regions/370614", "/staff/regions/370614/attributes", url.Values{"area": {"urban"}, "hardship_class": {"2"}})
			if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/staff/regions/370614" {
				t.Fatalf("attributes: %d → %q", p.Status, p.Header.Get("Location"))
			}
			p = admin.get(t, "/staff/regions/370614107")
			if !strings.Contains(p.Body, "城市") || !strings.Contains(p.Body, "（沿用蓬莱区）") || !strings.Contains(p.Body, "2 类（沿用上级）") {
				t.Errorf("township page does not show the inherited attributes")
			}
			p = admin.submit(t, "/staff/regions/370614", "/staff/regions/370614/attributes", url.Values{"area": {"city"}})
			if p.Status != http.StatusBadRequest {
				t.Errorf("bad area: %d", p.Status)
			}
			p = admin.submit(t, "/staff/regions/370614", "/staff/regions/370614/attributes", url.Values{"hardship_class": {"七"}})
			if p.Status != http.StatusBadRequest {
				t.Errorf("bad class: %d", p.Status)
			}
		})

		t.Run("修改密码表单", func(t *testing.T) {
			b := f.browser(t)
			b.login(t, "dxd")
			p := b.submit(t, "/staff/account", "/staff/account/password", url.Values{"current": {"Wrong-pass-2025"}, "password": {"New-pass-2026"}, "password2": {"New-pass-2026"}})
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, fieldErr("当前密码不正确")) {
				t.Errorf("wrong current: %d", p.Status)
			}
			p = b.submit(t, "/staff/account", "/staff/account/password", url.Values{"current": {password}, "password": {"New-pass-2026"}, "password2": {"New-pass-2027"}})
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, fieldErr("两次输入的新密码不一致")) {
				t.Errorf("mismatch: %d", p.Status)
			}
			p = b.submit(t, "/staff/account", "/staff/account/password", url.Values{"current": {password}, "password": {"New-pass-2026"}, "password2": {"New-pass-2026"}})
			if p.Status != http.StatusSeeOther {
				t.Fatalf("change: %d", p.Status)
			}
			status, v := f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "dxd_township", "password": "New-pass-2026"})
			if status != http.StatusOK {
				t.Errorf("login with the new password: %d %v", status, v)
			}
		})
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDashboardProvisional: on 2026-11-20 the statutory deadlines run into
// 2027, which has no holiday data yet: the dashboard marks them 暂定 and asks
// for the year, until an administrator enters it.
func TestDashboardProvisional(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.clk.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, start.Location()))
		b := f.browser(t)
		b.login(t, "penglai")
		p := b.get(t, "/staff/")
		for _, w := range []string{"今天 2026-11-20（工作日）", ">暂定</span>", "2027年的节假日安排尚未录入", "<td>2027-01-01 <span"} {
			if !strings.Contains(p.Body, w) {
				t.Errorf("dashboard on 2026-11-20 (%d) lacks %q", p.Status, w)
			}
		}
		status, v := f.do(t, "PUT", "/api/v1/calendar/years/2027", f.apiLogin(t, "admin"),
			map[string]any{"source": "测试", "holidays": []map[string]string{{"date": "2027-01-01", "name": "元旦"}}})
		if status != http.StatusOK {
			t.Fatalf("PUT 2027: %d %v", status, v)
		}
		p = b.get(t, "/staff/")
		if p.Status != http.StatusOK || strings.Contains(p.Body, ">暂定</span>") || strings.Contains(p.Body, "尚未录入") || !strings.Contains(p.Body, "<td>2027-01-04</td>") {
			t.Errorf("dashboard after 2027 was entered: %d, still provisional or not moved past 元旦", p.Status)
		}
	})
}

// TestStaffCookiesUnderTLS: behind TLS the cookies are Secure.
func TestStaffCookiesUnderTLS(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ts := httptest.NewTLSServer(f.srv.Handler())
		defer ts.Close()
		c := ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Get(ts.URL + "/staff/login")
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		m := csrfMeta.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no csrf meta")
		}
		var csrf *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "mz_csrf" {
				csrf = ck
			}
		}
		if csrf == nil || !csrf.Secure || !csrf.HttpOnly {
			t.Fatalf("csrf cookie under TLS %+v", csrf)
		}
		req, _ := http.NewRequest("POST", ts.URL+"/staff/login", strings.NewReader(url.Values{"csrf": {m[1]}, "username": {"admin"}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(csrf)
		resp, err = c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		var sess *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "mz_session" {
				sess = ck
			}
		}
		if resp.StatusCode != http.StatusSeeOther || sess == nil || !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
			t.Errorf("sign in under TLS: %d, session cookie %+v", resp.StatusCode, sess)
		}
	})
}
