package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestScope: an account sees its region and what lies below, nothing else;
// a refusal for scope or permission is a 403 and is itself in the log.
func TestScope(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.apiLogin(t, "admin")
		auditor := f.apiLogin(t, "auditor")
		qh := f.apiLogin(t, "qhadmin")
		penglai := f.apiLogin(t, "penglai")
		tianning := f.apiLogin(t, "tianning")

		// denied asserts one more scope.denied entry by actor, about region.
		denied := func(t *testing.T, actor, region string, do func()) {
			t.Helper()
			before := auditOf(t, f, auditor, "action=scope.denied&actor="+actor)
			do()
			after := auditOf(t, f, auditor, "action=scope.denied&actor="+actor)
			if len(after) != len(before)+1 {
				t.Fatalf("scope.denied entries of %s: %d → %d, want one more", actor, len(before), len(after))
			}
			// The entry is filed under the actor's own region, for those who
			// supervise the actor; the region reached for is in its values.
			e := after[0]
			target, _ := e["after"].(map[string]any)
			if target["target_region"] != region || e["action_name"] != "越权访问被拒绝" || !strings.HasPrefix(e["summary"].(string), "越权访问被拒绝") {
				t.Errorf("scope.denied entry %v, want target region %q", e, region)
			}
			for _, u := range f.users {
				if u.Username == actor && e["region"] != string(u.Region) {
					t.Errorf("scope.denied entry filed under %v, want the actor's region %q", e["region"], u.Region)
				}
			}
		}

		t.Run("省级管理员看辖区外的用户", func(t *testing.T) {
			id := f.users["penglai"].ID
			denied(t, "qinghai_admin", "370614000000", func() {
				status, v := f.do(t, "GET", idPath("/api/v1/users/", id), qh, nil)
				wantError(t, status, v, 403, "forbidden", "")
			})
			if es := auditOf(t, f, auditor, "action=scope.denied&actor=qinghai_admin"); es[0]["entity"] != "user" || es[0]["entity_id"] != idStr(id) {
				t.Errorf("entry %v, want entity user %d", es[0], id)
			}
			// Inside 63 it may.
			status, v := f.do(t, "GET", idPath("/api/v1/users/", f.users["zhiduo"].ID), qh, nil)
			if status != http.StatusOK || jobj(t, v)["username"] != "zhiduo_county" {
				t.Errorf("qinghai admin on 治多县's officer: %d %v", status, v)
			}
			// Nor may it change one outside, nor move one there.
			denied(t, "qinghai_admin", "370614000000", func() {
				status, v := f.do(t, "PATCH", idPath("/api/v1/users/", id), qh, map[string]any{"active": false})
				wantError(t, status, v, 403, "forbidden", "")
			})
			denied(t, "qinghai_admin", "370614000000", func() {
				status, v := f.do(t, "PATCH", idPath("/api/v1/users/", f.users["zhiduo"].ID), qh, map[string]any{"region": "370614"})
				wantError(t, status, v, 403, "forbidden", "")
			})
			denied(t, "qinghai_admin", "370614000000", func() {
				status, v := f.do(t, "POST", "/api/v1/users", qh, map[string]any{"username": "outside", "role": "county_officer", "region": "370614", "password": password})
				wantError(t, status, v, 403, "forbidden", "")
			})
			// Nor create an account for the whole country, nor touch the
			// national administrator.
			denied(t, "qinghai_admin", "", func() {
				status, v := f.do(t, "POST", "/api/v1/users", qh, map[string]any{"username": "national", "role": "auditor", "password": password})
				wantError(t, status, v, 403, "forbidden", "")
			})
			denied(t, "qinghai_admin", "", func() {
				status, v := f.do(t, "PATCH", idPath("/api/v1/users/", f.users["admin"].ID), qh, map[string]any{"active": false})
				wantError(t, status, v, 403, "forbidden", "")
			})
			if status, v := f.do(t, "GET", idPath("/api/v1/users/", id), admin, nil); status != http.StatusOK || jobj(t, v)["active"] != true {
				t.Errorf("蓬莱 officer after the refusals: %d %v", status, v)
			}
		})

		t.Run("用户列表的区划筛选", func(t *testing.T) {
			names := func(v any) []string {
				its, total := jitems(t, v)
				if total != len(its) {
					t.Errorf("total %d, %d items", total, len(its))
				}
				var out []string
				for _, u := range its {
					out = append(out, u["username"].(string))
				}
				return out
			}
			cases := []struct {
				name, token, query string
				want               []string
			}{
				{"省级管理员不筛选只见青海", qh, "", []string{"qinghai_admin", "zhiduo_county"}},
				{"省级管理员筛选玉树州", qh, "region=6327", []string{"zhiduo_county"}},
				{"省级管理员筛选治多县十二位", qh, "region=632724000000", []string{"zhiduo_county"}},
				{"省级管理员筛选青海", qh, "region=63", []string{"qinghai_admin", "zhiduo_county"}},
				{"全国管理员筛选蓬莱", admin, "region=370614", []string{"penglai_county", "dxd_township", "dxd_clerk"}},
				{"全国管理员筛选玉树州", admin, "region=6327", []string{"zhiduo_county"}},
				{"全国管理员筛选角色", admin, "role=county_officer", []string{"tianning_county", "penglai_county", "zhiduo_county"}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					status, v := f.do(t, "GET", "/api/v1/users?"+c.query, c.token, nil)
					if status != http.StatusOK {
						t.Fatalf("status %d %v", status, v)
					}
					if got := names(v); strings.Join(got, ",") != strings.Join(c.want, ",") {
						t.Errorf("users %v, want %v", got, c.want)
					}
				})
			}
			t.Run("全国管理员看到全部", func(t *testing.T) {
				status, v := f.do(t, "GET", "/api/v1/users", admin, nil)
				if status != http.StatusOK {
					t.Fatalf("status %d %v", status, v)
				}
				if got := names(v); len(got) != len(accounts) {
					t.Errorf("admin sees %v, want all %d", got, len(accounts))
				}
			})
			t.Run("省级管理员筛选山东被拒", func(t *testing.T) {
				denied(t, "qinghai_admin", "370000000000", func() {
					status, v := f.do(t, "GET", "/api/v1/users?region=37", qh, nil)
					wantError(t, status, v, 403, "forbidden", "")
				})
			})
			t.Run("筛选格式不对", func(t *testing.T) {
				status, v := f.do(t, "GET", "/api/v1/users?region=6a", admin, nil)
				wantError(t, status, v, 400, "invalid", "region")
				status, v = f.do(t, "GET", "/api/v1/users?role=boss", admin, nil)
				wantError(t, status, v, 400, "invalid", "role")
				status, v = f.do(t, "GET", "/api/v1/users?page=0", admin, nil)
				wantError(t, status, v, 400, "invalid", "page")
				status, v = f.do(t, "GET", "/api/v1/users?per_page=501", admin, nil)
				wantError(t, status, v, 400, "invalid", "per_page")
			})
			t.Run("分页", func(t *testing.T) {
				status, v := f.do(t, "GET", "/api/v1/users?per_page=3&page=3", admin, nil)
				if status != http.StatusOK {
					t.Fatalf("status %d %v", status, v)
				}
				its, total := jitems(t, v)
				if total != len(accounts) || len(its) != len(accounts)-6 {
					t.Errorf("page 3 of 3: %d items, total %d", len(its), total)
				}
			})
		})

		t.Run("审计不能写", func(t *testing.T) {
			n := f.userCount(t)
			denied(t, "auditor", "", func() {
				status, v := f.do(t, "POST", "/api/v1/users", auditor, map[string]any{"username": "by_auditor", "role": "county_officer", "region": "370614", "password": password})
				wantError(t, status, v, 403, "forbidden", "")
			})
			denied(t, "auditor", "", func() {
				status, v := f.do(t, "PUT", "/api/v1/regions/370614/attributes", auditor, map[string]any{"area": "urban"})
				wantError(t, status, v, 403, "forbidden", "")
			})
			denied(t, "auditor", "", func() {
				status, v := f.do(t, "PATCH", idPath("/api/v1/users/", f.users["penglai"].ID), auditor, map[string]any{"display_name": "改名"})
				wantError(t, status, v, 403, "forbidden", "")
			})
			if got := f.userCount(t); got != n {
				t.Errorf("users %d → %d", n, got)
			}
			// But it reads everything.
			if status, v := f.do(t, "GET", "/api/v1/audit?region=370614", auditor, nil); status != http.StatusOK {
				t.Errorf("auditor reading 蓬莱's log: %d %v", status, v)
			}
		})

		t.Run("县级干部只看本辖区的日志", func(t *testing.T) {
			es, total := f.auditEntries(t, penglai, "")
			if total == 0 || len(es) != total {
				t.Fatalf("penglai sees %d of %d entries", len(es), total)
			}
			for _, e := range es {
				if r, _ := e["region"].(string); !strings.HasPrefix(r, "370614") {
					t.Errorf("penglai sees an entry of region %q: %v", r, e)
				}
			}
			// It sees its own sign-in and the creation of the accounts in 蓬莱.
			acts := map[string]int{}
			for _, e := range es {
				acts[e["action"].(string)]++
			}
			if acts["user.create"] != 3 || acts["login"] == 0 {
				t.Errorf("penglai's log actions %v, want 3 user.create and its login", acts)
			}
			if _, all := f.auditEntries(t, admin, ""); all <= total {
				t.Errorf("admin sees %d entries, penglai %d", all, total)
			}
			// A narrower filter stands; a wider one is narrowed.
			if es, _ := f.auditEntries(t, penglai, "region=370614107"); len(es) == 0 {
				t.Errorf("no entries for 大辛店镇")
			} else {
				for _, e := range es {
					if !strings.HasPrefix(e["region"].(string), "370614107") {
						t.Errorf("大辛店镇 filter gave %v", e)
					}
				}
			}
			if _, n := f.auditEntries(t, penglai, "region=37"); n != total {
				t.Errorf("region=37 gave %d entries, want the %d of 蓬莱", n, total)
			}
			denied(t, "penglai_county", "320000000000", func() {
				status, v := f.do(t, "GET", "/api/v1/audit?region=32", penglai, nil)
				wantError(t, status, v, 403, "forbidden", "")
			})
		})

		t.Run("天宁看不到蓬莱", func(t *testing.T) {
			denied(t, "tianning_county", "370614000000", func() {
				status, v := f.do(t, "GET", "/api/v1/audit?region=370614", tianning, nil)
				wantError(t, status, v, 403, "forbidden", "")
			})
			denied(t, "tianning_county", "370614000000", func() {
				status, v := f.do(t, "GET", "/api/v1/jobs?region=370614", tianning, nil)
				wantError(t, status, v, 403, "forbidden", "")
			})
			es, _ := f.auditEntries(t, tianning, "")
			for _, e := range es {
				if !strings.HasPrefix(e["region"].(string), "320402") {
					t.Errorf("tianning sees %v", e)
				}
			}
			// Not even its own user record is a way round: a county officer
			// cannot manage users at all.
			status, v := f.do(t, "GET", idPath("/api/v1/users/", f.users["penglai"].ID), tianning, nil)
			wantError(t, status, v, 403, "forbidden", "")
			status, v = f.do(t, "GET", "/api/v1/users", tianning, nil)
			wantError(t, status, v, 403, "forbidden", "")
			// Its own record it may read.
			status, v = f.do(t, "GET", idPath("/api/v1/users/", f.users["tianning"].ID), tianning, nil)
			if status != http.StatusOK || jobj(t, v)["username"] != "tianning_county" {
				t.Errorf("own record: %d %v", status, v)
			}
		})

		t.Run("乡镇和村级无权看日志", func(t *testing.T) {
			for _, who := range []string{"dxd", "clerk"} {
				status, v := f.do(t, "GET", "/api/v1/audit", f.apiLogin(t, who), nil)
				wantError(t, status, v, 403, "forbidden", "")
			}
		})

		t.Run("未登录", func(t *testing.T) {
			for _, p := range []string{"/api/v1/users", "/api/v1/users/1", "/api/v1/audit", "/api/v1/jobs", "/api/v1/me", "/api/v1/regions/370614/attributes"} {
				status, v := f.do(t, "GET", p, "", nil)
				wantError(t, status, v, 401, "unauthorized", "")
			}
			for _, p := range []string{"/api/v1/users", "/api/v1/audit/verify", "/api/v1/logout"} {
				status, v := f.do(t, "POST", p, "", `{}`)
				wantError(t, status, v, 401, "unauthorized", "")
			}
		})

		t.Run("日志筛选", func(t *testing.T) {
			es, _ := f.auditEntries(t, admin, "actor="+url.QueryEscape("qinghai_admin")+"&action=login")
			for _, e := range es {
				if e["actor"] != "qinghai_admin" || e["action"] != "login" {
					t.Errorf("filtered entry %v", e)
				}
			}
			if len(es) == 0 {
				t.Errorf("no login entries for qinghai_admin")
			}
			es, _ = f.auditEntries(t, admin, "from=2025-09-26&to=2025-09-26")
			if len(es) == 0 {
				t.Errorf("no entries today")
			}
			if _, n := f.auditEntries(t, admin, "from=2025-09-27"); n != 0 {
				t.Errorf("%d entries from tomorrow", n)
			}
			status, v := f.do(t, "GET", "/api/v1/audit?from=2025-02-30", admin, nil)
			wantError(t, status, v, 400, "invalid", "from")
			status, v = f.do(t, "GET", "/api/v1/audit?to=yesterday", admin, nil)
			wantError(t, status, v, 400, "invalid", "to")
		})
	})
}
