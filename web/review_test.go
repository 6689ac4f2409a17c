package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLoginRateLimit: one address gets a burst of sign-ins, then 429 with
// Retry-After; the lockout per account is a separate guard.
func TestLoginRateLimit(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		// The buckets refill in real time (one sign-in per 3 s); hold their
		// clock still so a slow machine does not earn a token mid-test.
		still := time.Now()
		f.srv.loginRate.now = func() time.Time { return still }
		var last *http.Response
		for i := 0; i < 21; i++ {
			last = f.request(t, "POST", "/api/v1/login", "", map[string]string{"username": "nobody", "password": "wrong-password-1"}, nil)
			last.Body.Close()
			if i < 20 && last.StatusCode != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d, want 401", i+1, last.StatusCode)
			}
		}
		if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
			t.Fatalf("attempt 21: %d, Retry-After %q; want 429 with Retry-After", last.StatusCode, last.Header.Get("Retry-After"))
		}
		status, v := f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": password})
		wantError(t, status, v, http.StatusTooManyRequests, "too_many_requests", "")
	})
}

// TestRegionLevelOfAccounts: an account at 东莞's county 441900 (whose code
// pads like the city 4419) keeps its level and can be edited.
func TestRegionLevelOfAccounts(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.apiLogin(t, "admin")
		// The seed regions do not hold 东莞; 天宁 stands in for the general
		// rule, and the level is checked to round-trip exactly.
		status, v := f.do(t, "POST", "/api/v1/users", admin, map[string]any{"username": "tn2", "role": "county_officer", "region": "320402", "password": password})
		if status != http.StatusCreated {
			t.Fatalf("create: %d %v", status, v)
		}
		u := jobj(t, v)
		if u["region"] != "320402000000" || u["region_level"] != "county" {
			t.Fatalf("created %v", u)
		}
		id := jnum(t, u["id"])
		before := f.auditCount(t, "user.update")
		status, v = f.do(t, "PATCH", idPath("/api/v1/users/", int64(id)), admin, map[string]any{})
		if status != http.StatusOK || f.auditCount(t, "user.update") != before {
			t.Fatalf("an empty PATCH: %d %v, and it must record nothing", status, v)
		}
		status, v = f.do(t, "PATCH", idPath("/api/v1/users/", int64(id)), admin, map[string]any{"display_name": "天宁二"})
		if status != http.StatusOK || jobj(t, v)["display_name"] != "天宁二" || jobj(t, v)["region_level"] != "county" {
			t.Fatalf("rename: %d %v", status, v)
		}
	})
}

// TestWrongMethod: a path that exists under another method answers 405
// with Allow, in JSON.
func TestWrongMethod(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		resp := f.request(t, "DELETE", "/api/v1/regions/37", "", nil, nil)
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("DELETE /api/v1/regions/37: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
}

// TestOwnPasswordEndsOtherSessions: changing one's password signs out the
// other browsers and tokens, not this one; the CSRF token is new after
// sign-in.
func TestOwnPasswordEndsOtherSessions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		token := f.apiLogin(t, "penglai")
		b := f.browser(t)
		before := b.csrf(t, "/staff/login")
		b.login(t, "penglai")
		after := b.csrf(t, "/staff/account")
		if before == after {
			t.Fatal("the CSRF token was not renewed at sign-in")
		}
		p := b.submit(t, "/staff/account", "/staff/account/password", url.Values{
			"current": {password}, "password": {"New-pass-2026"}, "password2": {"New-pass-2026"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("change password: %d %s", p.Status, p.Body)
		}
		if p := b.get(t, "/staff/account"); p.Status != http.StatusOK {
			t.Fatalf("this browser was signed out: %d", p.Status)
		}
		if status, _ := f.do(t, "GET", "/api/v1/me", token, nil); status != http.StatusUnauthorized {
			t.Fatalf("the other token still works: %d", status)
		}
	})
}
