package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUsersAPI creates and changes accounts through the API: every bad
// input is refused with its field and leaves nothing behind.
func TestUsersAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.apiLogin(t, "admin")
		good := map[string]any{"username": "cljz_township", "display_name": "村里集镇民政办", "role": "township_officer", "region": "370614108", "password": password}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for kk, vv := range good {
				m[kk] = vv
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}

		bad := []struct {
			name   string
			body   any
			status int
			code   string
			field  string
		}{
			{"用户名有大写", with("username", "CLJZ"), 400, "invalid", "username"},
			{"用户名太短", with("username", "ab"), 400, "invalid", "username"},
			{"用户名有空格", with("username", "cl jz"), 400, "invalid", "username"},
			{"用户名是中文", with("username", "村里集"), 400, "invalid", "username"},
			{"用户名以数字开头", with("username", "1cljz"), 400, "invalid", "username"},
			{"缺少用户名", with("username", nil), 400, "invalid", "username"},
			{"未知角色", with("role", "boss"), 400, "invalid", "role"},
			{"缺少角色", with("role", nil), 400, "invalid", "role"},
			{"县级角色配乡镇代码", with("role", "county_officer"), 400, "invalid", "region"},
			{"乡镇角色配县代码", with("region", "370614"), 400, "invalid", "region"},
			{"村级角色留空区划", map[string]any{"username": "clerk2", "role": "village_clerk", "password": password}, 400, "invalid", "region"},
			{"区划代码不存在", map[string]any{"username": "nowhere", "role": "county_officer", "region": "370699", "password": password}, 400, "invalid", "region"},
			{"乡镇代码不存在", with("region", "370614999"), 400, "invalid", "region"},
			{"区划代码格式不对", with("region", "37061410"), 400, "invalid", "region"},
			{"密码太短", with("password", "Ab-12345"), 400, "invalid", "password"},
			{"密码只有字母", with("password", "abcdefghijkl"), 400, "invalid", "password"},
			{"密码只有数字", with("password", "123456789012"), 400, "invalid", "password"},
			{"缺少密码", with("password", nil), 400, "invalid", "password"},
			{"演示密码", with("password", "minzheng-demo"), 400, "invalid", "password"},
			{"姓名太长", with("display_name", strings.Repeat("张", 41)), 400, "invalid", "display_name"},
			{"未知字段", with("active", true), 400, "invalid", "active"},
			{"角色类型不对", with("role", 3), 400, "invalid", "role"},
			{"不是JSON", `{"username":`, 400, "invalid", ""},
			{"重复的用户名", with("username", "penglai_county"), 409, "conflict", "username"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				n, audits := f.userCount(t), f.auditCount(t, "user.create")
				status, v := f.do(t, "POST", "/api/v1/users", admin, c.body)
				wantError(t, status, v, c.status, c.code, c.field)
				if got := f.userCount(t); got != n {
					t.Errorf("users %d → %d after a refusal", n, got)
				}
				if got := f.auditCount(t, "user.create"); got != audits {
					t.Errorf("user.create entries %d → %d after a refusal", audits, got)
				}
			})
		}

		var id int64
		t.Run("新建", func(t *testing.T) {
			status, v := f.do(t, "POST", "/api/v1/users", admin, good)
			if status != http.StatusCreated {
				t.Fatalf("status %d %v", status, v)
			}
			u := jobj(t, v)
			id = int64(jnum(t, u["id"]))
			created := f.clk.Now().UTC().Format(time.RFC3339)
			sameJSON(t, v, `{"id":`+idStr(id)+`,"username":"cljz_township","display_name":"村里集镇民政办","role":"township_officer","role_name":"乡镇(街道)经办人",
				"region":"370614108000","region_level":"township","active":true,"locked_until":null,"created_at":"`+created+`","updated_at":"`+created+`"}`)

			status, v = f.do(t, "GET", idPath("/api/v1/users/", id), admin, nil)
			if status != http.StatusOK || jobj(t, v)["username"] != "cljz_township" {
				t.Errorf("GET the new user: %d %v", status, v)
			}
			es := auditOf(t, f, admin, "action=user.create&entity_id="+idStr(id))
			if len(es) != 1 || es[0]["actor"] != "admin" || es[0]["region"] != "370614108000" {
				t.Fatalf("user.create entries %v", es)
			}
			after := jobj(t, es[0]["after"])
			if after["username"] != "cljz_township" || after["role"] != "township_officer" {
				t.Errorf("user.create after %v", after)
			}
			for _, k := range keys(after) {
				if strings.Contains(k, "password") {
					t.Errorf("audit entry holds %s", k)
				}
			}
			// The new account signs in with the password it was given.
			status, v = f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "cljz_township", "password": password})
			if status != http.StatusOK {
				t.Errorf("new user login: %d %v", status, v)
			}
			// The same name again is a conflict.
			n := f.userCount(t)
			status, v = f.do(t, "POST", "/api/v1/users", admin, with("display_name", "另一个"))
			wantError(t, status, v, 409, "conflict", "username")
			if got := f.userCount(t); got != n {
				t.Errorf("users %d → %d after a conflict", n, got)
			}
		})
		if id == 0 {
			t.FailNow()
		}

		t.Run("修改角色和区划", func(t *testing.T) {
			f.clk.Advance(time.Minute)
			tok := f.apiLogin(t, "admin")
			status, v := f.do(t, "PATCH", idPath("/api/v1/users/", id), tok, map[string]any{"role": "county_officer", "region": "371002", "display_name": "环翠区民政局"})
			if status != http.StatusOK {
				t.Fatalf("status %d %v", status, v)
			}
			u := jobj(t, v)
			if u["role"] != "county_officer" || u["region"] != "371002000000" || u["region_level"] != "county" || u["display_name"] != "环翠区民政局" || u["username"] != "cljz_township" {
				t.Errorf("patched user %v", u)
			}
			if u["updated_at"] == u["created_at"] {
				t.Errorf("updated_at not moved: %v", u)
			}
			es := auditOf(t, f, tok, "action=user.update&entity_id="+idStr(id))
			if len(es) != 1 {
				t.Fatalf("%d user.update entries, want 1", len(es))
			}
			before, after := jobj(t, es[0]["before"]), jobj(t, es[0]["after"])
			if before["role"] != "township_officer" || before["region"] != "370614108000" || after["role"] != "county_officer" || after["region"] != "371002000000" {
				t.Errorf("user.update before %v after %v", before, after)
			}
			if es[0]["region"] != "371002000000" {
				t.Errorf("user.update region %v", es[0]["region"])
			}
		})

		t.Run("修改时的错误输入", func(t *testing.T) {
			cases := []struct {
				name   string
				path   string
				body   any
				status int
				code   string
				field  string
			}{
				{"角色与区划级别不符", idPath("/api/v1/users/", id), map[string]any{"role": "township_officer"}, 400, "invalid", "region"},
				{"区划不存在", idPath("/api/v1/users/", id), map[string]any{"region": "370699"}, 400, "invalid", "region"},
				{"空密码", idPath("/api/v1/users/", id), map[string]any{"password": ""}, 400, "invalid", "password"},
				{"弱密码", idPath("/api/v1/users/", id), map[string]any{"password": "short"}, 400, "invalid", "password"},
				{"演示密码", idPath("/api/v1/users/", id), map[string]any{"password": "minzheng-demo"}, 400, "invalid", "password"},
				{"改用户名", idPath("/api/v1/users/", id), map[string]any{"username": "other"}, 400, "invalid", "username"},
				{"停用自己", idPath("/api/v1/users/", f.users["admin"].ID), map[string]any{"active": false}, 400, "invalid", "active"},
				{"不存在的用户", "/api/v1/users/99999", map[string]any{"active": false}, 404, "not_found", ""},
				{"编号不是数字", "/api/v1/users/abc", map[string]any{"active": false}, 400, "invalid", "id"},
				{"编号为零", "/api/v1/users/0", map[string]any{"active": false}, 400, "invalid", "id"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					n := f.auditCount(t, "user.update")
					status, v := f.do(t, "PATCH", c.path, admin, c.body)
					wantError(t, status, v, c.status, c.code, c.field)
					if got := f.auditCount(t, "user.update"); got != n {
						t.Errorf("user.update entries %d → %d after a refusal", n, got)
					}
				})
			}
			status, v := f.do(t, "GET", idPath("/api/v1/users/", id), admin, nil)
			if u := jobj(t, v); status != http.StatusOK || u["role"] != "county_officer" || u["region"] != "371002000000" {
				t.Errorf("after refused changes: %d %v", status, v)
			}
			status, v = f.do(t, "GET", "/api/v1/users/99999", admin, nil)
			wantError(t, status, v, 404, "not_found", "")
		})

		t.Run("停用后令牌失效", func(t *testing.T) {
			victim := f.apiLogin(t, "clerk")
			other := f.apiLogin(t, "clerk")
			if status, _ := f.do(t, "GET", "/api/v1/me", victim, nil); status != http.StatusOK {
				t.Fatalf("me before: %d", status)
			}
			status, v := f.do(t, "PATCH", idPath("/api/v1/users/", f.users["clerk"].ID), admin, map[string]any{"active": false})
			if status != http.StatusOK || jobj(t, v)["active"] != false {
				t.Fatalf("deactivate: %d %v", status, v)
			}
			for _, tok := range []string{victim, other} {
				status, v = f.do(t, "GET", "/api/v1/me", tok, nil)
				wantError(t, status, v, 401, "unauthorized", "")
			}
			status, v = f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "dxd_clerk", "password": password})
			wantError(t, status, v, 401, "unauthorized", "")
			// Active again, it signs in again; the old tokens stay dead.
			status, v = f.do(t, "PATCH", idPath("/api/v1/users/", f.users["clerk"].ID), admin, map[string]any{"active": true})
			if status != http.StatusOK {
				t.Fatalf("reactivate: %d %v", status, v)
			}
			status, v = f.do(t, "GET", "/api/v1/me", victim, nil)
			wantError(t, status, v, 401, "unauthorized", "")
			f.apiLogin(t, "clerk")
		})

		t.Run("重设密码", func(t *testing.T) {
			tok := f.apiLogin(t, "dxd")
			status, v := f.do(t, "PATCH", idPath("/api/v1/users/", f.users["dxd"].ID), admin, map[string]any{"password": "New-pass-2026"})
			if status != http.StatusOK {
				t.Fatalf("reset: %d %v", status, v)
			}
			status, v = f.do(t, "GET", "/api/v1/me", tok, nil)
			wantError(t, status, v, 401, "unauthorized", "")
			status, v = f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "dxd_township", "password": password})
			wantError(t, status, v, 401, "unauthorized", "")
			status, v = f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "dxd_township", "password": "New-pass-2026"})
			if status != http.StatusOK {
				t.Errorf("login with the new password: %d %v", status, v)
			}
			es := auditOf(t, f, admin, "action=user.update&entity_id="+idStr(f.users["dxd"].ID))
			if len(es) != 1 || !strings.Contains(es[0]["summary"].(string), "重设密码") {
				t.Errorf("reset entries %v", es)
			}
		})
	})
}
