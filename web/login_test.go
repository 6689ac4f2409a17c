package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLogin covers POST /api/v1/login, the token's use, and logout.
func TestLogin(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		t.Run("正确的用户名和密码", func(t *testing.T) {
			status, v := f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "penglai_county", "password": password})
			if status != http.StatusOK {
				t.Fatalf("status %d %v", status, v)
			}
			m := jobj(t, v)
			if len(m) != 1 {
				t.Errorf("login answer keys %v, want only token", keys(m))
			}
			if tok, _ := m["token"].(string); len(tok) < 32 {
				t.Errorf("token %q too short", tok)
			}
		})

		var wrongMsg string
		t.Run("密码错误与用户不存在的回答相同", func(t *testing.T) {
			status, v := f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "tianning_county", "password": "Wrong-pass-2025"})
			wrongMsg = wantError(t, status, v, 401, "unauthorized", "")
			status, v = f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "nobody_here", "password": "Wrong-pass-2025"})
			if msg := wantError(t, status, v, 401, "unauthorized", ""); msg != wrongMsg {
				t.Errorf("unknown user says %q, wrong password %q: they must be identical", msg, wrongMsg)
			}
			// The demo password is refused outside a demo database, alike.
			status, v = f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": "minzheng-demo"})
			if msg := wantError(t, status, v, 401, "unauthorized", ""); msg != wrongMsg {
				t.Errorf("demo password says %q", msg)
			}
		})

		bad := []struct {
			name  string
			body  any
			field string
		}{
			{"不是JSON", `{"username":`, ""},
			{"JSON不完整", `{"username":"admin","password":"x"`, ""},
			{"空内容", "", ""},
			{"只有空白", "   ", ""},
			{"未知字段", `{"username":"admin","password":"x","remember":true}`, "remember"},
			{"类型不对", `{"username":"admin","password":123}`, "password"},
			{"两个对象", `{"username":"admin","password":"x"}{}`, ""},
			{"数组", `[]`, ""},
			{"缺少用户名", `{"password":"x"}`, "username"},
			{"缺少密码", `{"username":"admin"}`, "password"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				body := c.body
				if body == "" {
					body = []byte{}
				}
				status, v := f.do(t, "POST", "/api/v1/login", "", body)
				wantError(t, status, v, 400, "invalid", c.field)
			})
		}

		t.Run("超过1MB", func(t *testing.T) {
			big := `{"username":"admin","password":"` + strings.Repeat("a", 1<<20+10) + `"}`
			status, v := f.do(t, "POST", "/api/v1/login", "", big)
			wantError(t, status, v, 413, "too_large", "")
		})

		t.Run("令牌", func(t *testing.T) {
			tok := f.apiLogin(t, "dxd")
			status, v := f.do(t, "GET", "/api/v1/me", tok, nil)
			if status != http.StatusOK {
				t.Fatalf("me: status %d %v", status, v)
			}
			me := jobj(t, v)
			if me["username"] != "dxd_township" || me["role"] != "township_officer" || me["region"] != "370614107000" ||
				me["region_level"] != "township" || me["active"] != true || jnum(t, me["id"]) != int(f.users["dxd"].ID) {
				t.Errorf("me %v", me)
			}
			if _, has := me["password_hash"]; has {
				t.Errorf("me shows the password hash")
			}
			sameJSON(t, me["permissions"], `["job.read","id_number.reveal","household.read","household.write","case.read","case.act","payment.read","report.read"]`)

			// A bad token, none after "Bearer", another scheme, or the token
			// without "Bearer " are all refused.
			for _, h := range []string{"Bearer not-a-token", "Bearer ", "Basic YWRtaW46eA==", tok, "Bearer " + tok + "x"} {
				resp := f.request(t, "GET", "/api/v1/me", "", nil, http.Header{"Authorization": {h}})
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("Authorization %q: status %d, want 401", h, resp.StatusCode)
				}
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("Authorization %q: 401 without WWW-Authenticate", h)
				}
			}
			// A bad token is refused even where none is needed.
			status, v = f.do(t, "GET", "/api/v1/regions/37", "not-a-token", nil)
			wantError(t, status, v, 401, "unauthorized", "")
			status, v = f.do(t, "GET", "/api/v1/me", "", nil)
			wantError(t, status, v, 401, "unauthorized", "")

			status, raw := f.doRaw(t, "POST", "/api/v1/logout", tok, nil)
			if status != http.StatusNoContent || len(raw) != 0 {
				t.Fatalf("logout: status %d body %q, want 204 and nothing", status, raw)
			}
			status, v = f.do(t, "GET", "/api/v1/me", tok, nil)
			wantError(t, status, v, 401, "unauthorized", "")
			status, v = f.do(t, "POST", "/api/v1/logout", tok, nil)
			wantError(t, status, v, 401, "unauthorized", "")
			if es := auditOf(t, f, f.apiLogin(t, "admin"), "action=logout&actor=dxd_township"); len(es) != 1 {
				t.Errorf("%d logout entries, want 1", len(es))
			}
		})

		t.Run("令牌24小时后失效", func(t *testing.T) {
			tok := f.apiLogin(t, "clerk")
			f.clk.Advance(23 * time.Hour)
			if status, v := f.do(t, "GET", "/api/v1/me", tok, nil); status != http.StatusOK {
				t.Fatalf("after 23 h: status %d %v", status, v)
			}
			f.clk.Advance(time.Hour)
			status, v := f.do(t, "GET", "/api/v1/me", tok, nil)
			wantError(t, status, v, 401, "unauthorized", "")
		})
	})
}

// TestLoginLockout: five wrong passwords within 15 minutes lock the account
// for 15 minutes, whatever is typed then; every failure and the lock are in
// the log.
func TestLoginLockout(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		u := f.users["penglai"]
		login := func(pw string) (int, any) {
			return f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": u.Username, "password": pw})
		}
		var firstMsg string
		for i := 1; i <= 5; i++ {
			status, v := login("Wrong-pass-2025")
			msg := wantError(t, status, v, 401, "unauthorized", "")
			if i == 1 {
				firstMsg = msg
			} else if msg != firstMsg {
				t.Errorf("failure %d says %q, the first %q: a lock must not show", i, msg, firstMsg)
			}
			if got := f.auditCount(t, "login.failed"); got != i {
				t.Errorf("after %d failures, %d login.failed entries", i, got)
			}
		}
		if got := f.auditCount(t, "user.locked"); got != 1 {
			t.Errorf("%d user.locked entries after the 5th failure, want 1", got)
		}

		status, v := login(password)
		if msg := wantError(t, status, v, 401, "unauthorized", ""); msg != firstMsg {
			t.Errorf("locked account says %q, want the same as a wrong password %q", msg, firstMsg)
		}
		f.clk.Advance(14 * time.Minute)
		status, v = login(password)
		wantError(t, status, v, 401, "unauthorized", "")

		f.clk.Advance(2 * time.Minute) // 16 minutes after the lock
		status, v = login(password)
		if status != http.StatusOK {
			t.Fatalf("after the lock: status %d %v", status, v)
		}
		tok, _ := jobj(t, v)["token"].(string)
		if status, v := f.do(t, "GET", "/api/v1/me", tok, nil); status != http.StatusOK {
			t.Errorf("me after the lock: status %d %v", status, v)
		}

		// The log as the auditor sees it: the failures are about 蓬莱's account.
		auditor := f.apiLogin(t, "auditor")
		fails := auditOf(t, f, auditor, "action=login.failed")
		if len(fails) != 5 {
			t.Fatalf("%d login.failed entries, want 5", len(fails))
		}
		for _, e := range fails {
			if e["entity"] != "user" || e["entity_id"] != idStr(u.ID) || e["region"] != "370614000000" || !isChinese(e["summary"].(string)) {
				t.Errorf("login.failed entry %v", e)
			}
		}
		locks := auditOf(t, f, auditor, "action=user.locked")
		if len(locks) != 1 || locks[0]["entity_id"] != idStr(u.ID) {
			t.Errorf("user.locked entries %v", locks)
		}
		// The 5th failure and the lock are written together: the lock
		// follows the 5th failure directly.
		if jnum(t, locks[0]["seq"]) != jnum(t, fails[0]["seq"])+1 {
			t.Errorf("user.locked seq %v, 5th login.failed seq %v", locks[0]["seq"], fails[0]["seq"])
		}
		// And the county officer sees its own account's failures.
		if es := auditOf(t, f, f.apiLogin(t, "penglai"), "action=login.failed"); len(es) != 5 {
			t.Errorf("penglai sees %d login.failed entries, want 5", len(es))
		}
	})
}

// TestLoginFailureWindow: failures older than 15 minutes do not count
// towards a lock.
func TestLoginFailureWindow(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		login := func(pw string) int {
			status, _ := f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "tianning_county", "password": pw})
			return status
		}
		for i := 0; i < 4; i++ {
			login("Wrong-pass-2025")
		}
		f.clk.Advance(16 * time.Minute)
		login("Wrong-pass-2025") // one failure in the window, not five
		if got := f.auditCount(t, "user.locked"); got != 0 {
			t.Errorf("%d user.locked entries, want none", got)
		}
		if status := login(password); status != http.StatusOK {
			t.Errorf("login after spread-out failures: status %d", status)
		}
		// A good sign-in clears the failures: four more and one wrong
		// again make five since the last success but lock nothing.
		for i := 0; i < 4; i++ {
			login("Wrong-pass-2025")
		}
		if status := login(password); status != http.StatusOK {
			t.Errorf("login after four failures: status %d", status)
		}
		login("Wrong-pass-2025")
		if got := f.auditCount(t, "user.locked"); got != 0 {
			t.Errorf("%d user.locked entries after a success in between, want none", got)
		}
		if status := login(password); status != http.StatusOK {
			t.Errorf("login: status %d", status)
		}
	})
}
