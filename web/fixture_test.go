package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/job"
	"minzheng/region"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// TestMain quietens the access log: every request logs at Info, which
// buries a failure's own output. Warnings and errors still show.
func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	os.Exit(m.Run())
}

// start is "now" for every test: Friday 2025-09-26 09:00 in China.
var start = time.Date(2025, 9, 26, 9, 0, 0, 0, minzheng.China)

// password is every test account's password: ten characters or more, of
// more than one kind, so auth.ValidatePassword accepts it.
const password = "Test-pass-2025"

// account is one test account the fixture creates.
type account struct {
	Username, DisplayName, Role, Region string
}

// accounts are the fixture's users, by the short name tests use. The
// village clerk's region is filled in from the database (the first village
// of 大辛店镇).
var accounts = map[string]account{
	"admin":    {"admin", "系统管理员", "admin", ""},
	"auditor":  {"auditor", "审计监督员", "auditor", ""},
	"penglai":  {"penglai_county", "蓬莱区民政局经办人", "county_officer", "370614"},
	"tianning": {"tianning_county", "天宁区民政局", "county_officer", "320402"},
	"dxd":      {"dxd_township", "大辛店镇民政办", "township_officer", "370614107"},
	"qhadmin":  {"qinghai_admin", "青海省系统管理员", "admin", "63"},
	"zhiduo":   {"zhiduo_county", "治多县民政局", "county_officer", "632724"},
	"clerk":    {"dxd_clerk", "村协理员", "village_clerk", ""},
}

// fixture is one running server over one test database.
type fixture struct {
	db      *sqldb.DB
	clk     *minzheng.FixedClock
	book    *calendar.Book
	runner  *job.Runner
	srv     *Server
	ts      *httptest.Server
	users   map[string]auth.User // by short name
	village string               // the clerk's 12-digit village code
}

// each runs fn on SQLite and, when MINZHENG_TEST_POSTGRES is set, on
// PostgreSQL, each time with a fresh database, clock and server.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	clk := minzheng.NewFixedClock(start)
	sqltest.Each(t, sqltest.Options{Clock: clk}, func(t *testing.T, db *sqldb.DB) {
		// The subtests run one after the other; each starts at the same instant.
		clk.Set(start)
		fn(t, newFixture(t, db, clk))
	})
}

func newFixture(t *testing.T, db *sqldb.DB, clk *minzheng.FixedClock) *fixture {
	t.Helper()
	book, err := calendar.NewBook(nil)
	if err != nil {
		t.Fatalf("calendar: %v", err)
	}
	runner := &job.Runner{Store: db, Poll: 20 * time.Millisecond}
	srv, err := New(Config{DB: db, Calendar: book, Jobs: runner, Clock: clk, Hasher: auth.TestHasher, Version: "test", DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := runner.Start(ctx); err != nil {
		cancel()
		t.Fatalf("runner: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		// Let the runner finish what it is doing before the database closes.
		select {
		case <-runner.Idle():
		case <-time.After(3 * time.Second):
		}
		cancel()
	})
	f := &fixture{db: db, clk: clk, book: book, runner: runner, srv: srv, ts: ts, users: map[string]auth.User{}}

	sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
	villages, err := db.RegionChildren(sys, "370614107000", region.LevelTownship)
	if err != nil || len(villages) == 0 {
		t.Fatalf("villages of 大辛店镇: %d, %v", len(villages), err)
	}
	f.village = string(villages[0].Code)
	for _, name := range sortedKeys(accounts) {
		a := accounts[name]
		if name == "clerk" {
			a.Region = f.village
		}
		f.addUser(t, name, a)
	}
	return f
}

// addUser creates a test account under a short name.
func (f *fixture) addUser(t *testing.T, name string, a account) {
	t.Helper()
	sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
	in := auth.UserInput{Username: a.Username, DisplayName: a.DisplayName, Role: a.Role, Region: a.Region, Password: password, Active: true}
	c, err := in.Validate(true, false)
	if err != nil {
		t.Fatalf("account %s: %v", name, err)
	}
	hash, err := auth.TestHasher.Hash(c.Password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.db.CreateUser(sys, c, hash)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	f.users[name] = u
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// API helpers.

// request sends one request to the server without following redirects.
// body is nil (none), a string or []byte (sent as it is) or anything else
// (sent as JSON).
func (f *fixture) request(t *testing.T, method, path, token string, body any, header http.Header) *http.Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, f.ts.URL+path, rd)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

var noRedirect = &http.Client{
	Timeout:       20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// do sends an API request and decodes the JSON answer (nil for an empty one).
func (f *fixture) do(t *testing.T, method, path, token string, body any) (int, any) {
	t.Helper()
	status, raw := f.doRaw(t, method, path, token, body)
	if len(bytes.TrimSpace(raw)) == 0 {
		return status, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s %s: status %d, answer is not JSON: %v\n%s", method, path, status, err, raw)
	}
	return status, v
}

// doRaw sends an API request and returns the status and the body's bytes,
// checking that a non-empty answer says it is JSON.
func (f *fixture) doRaw(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	resp := f.request(t, method, path, token, body, nil)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	if len(raw) > 0 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, raw
}

// apiLogin signs a fixture user in through the API and returns the token.
func (f *fixture) apiLogin(t *testing.T, user string) string {
	t.Helper()
	status, v := f.do(t, "POST", "/api/v1/login", "", map[string]string{"username": f.users[user].Username, "password": password})
	if status != http.StatusOK {
		t.Fatalf("login %s: status %d %v", user, status, v)
	}
	tok, _ := jobj(t, v)["token"].(string)
	if tok == "" {
		t.Fatalf("login %s: no token in %v", user, v)
	}
	return tok
}

// obj asserts that v is a JSON object.
func jobj(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want a JSON object, got %T %v", v, v)
	}
	return m
}

// arr asserts that v is a JSON array.
func jarr(t *testing.T, v any) []any {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("want a JSON array, got %T %v", v, v)
	}
	return a
}

// items is the "items" of a list answer, checking its shape.
func jitems(t *testing.T, v any) ([]map[string]any, int) {
	t.Helper()
	m := jobj(t, v)
	if len(m) != 2 {
		t.Errorf("a list answer has exactly items and total, got keys %v", keys(m))
	}
	var out []map[string]any
	for _, it := range jarr(t, m["items"]) {
		out = append(out, jobj(t, it))
	}
	return out, jnum(t, m["total"])
}

// num reads a JSON integer.
func jnum(t *testing.T, v any) int {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("want a JSON number, got %T %v", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("want an integer, got %s", n)
	}
	return int(i)
}

func keys(m map[string]any) []string { return sortedKeys(m) }

// sameJSON asserts that got equals the JSON text want exactly: the same
// keys, the same values, nothing more.
func sameJSON(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	dec := json.NewDecoder(strings.NewReader(want))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("bad want JSON %s: %v", want, err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Errorf("answer\n got %s\nwant %s", g, want)
	}
}

var han = regexp.MustCompile(`\p{Han}`)

// isChinese reports whether s has Chinese characters in it.
func isChinese(s string) bool { return han.MatchString(s) }

// wantError asserts an error answer: the status, {"error":{"code",
// "message","field"?}} with exactly those keys, the code, the field ("" for
// none), and a Chinese message. It returns the message.
func wantError(t *testing.T, status int, v any, wantStatus int, code, field string) string {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status %d, want %d (%v)", status, wantStatus, v)
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		t.Errorf("error answer should be {\"error\":{…}}, got %v", v)
		return ""
	}
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Errorf("error answer should be {\"error\":{…}}, got %v", v)
		return ""
	}
	for k := range e {
		if k != "code" && k != "message" && k != "field" {
			t.Errorf("unexpected key %q in error %v", k, e)
		}
	}
	if e["code"] != code {
		t.Errorf("error code %v, want %s (%v)", e["code"], code, e)
	}
	gotField, _ := e["field"].(string)
	if _, has := e["field"]; has && gotField == "" {
		t.Errorf("field present but empty: %v", e)
	}
	if gotField != field {
		t.Errorf("error field %q, want %q (%v)", gotField, field, e)
	}
	msg, _ := e["message"].(string)
	if !isChinese(msg) {
		t.Errorf("error message %q is not Chinese", msg)
	}
	return msg
}

// auditEntries lists audit entries as the given token sees them, with a
// query such as "action=login.failed".
func (f *fixture) auditEntries(t *testing.T, token, query string) ([]map[string]any, int) {
	t.Helper()
	status, v := f.do(t, "GET", "/api/v1/audit?per_page=500&"+query, token, nil)
	if status != http.StatusOK {
		t.Fatalf("audit %s: status %d %v", query, status, v)
	}
	return jitems(t, v)
}

// auditCount counts the entries the store holds with action (all of them
// when action is ""), read as the system, beside the API.
func (f *fixture) auditCount(t *testing.T, action string) int {
	t.Helper()
	sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
	_, total, err := f.db.AuditEntries(sys, sqldb.AuditFilter{Action: action, Page: 1, PerPage: 1})
	if err != nil {
		t.Fatalf("audit count: %v", err)
	}
	return total
}

// userCount counts every account, read as the system.
func (f *fixture) userCount(t *testing.T) int {
	t.Helper()
	n, err := f.db.CountUsers(minzheng.WithActor(context.Background(), minzheng.System("test")))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Browser helpers.

// browser is a client with a cookie jar that does not follow redirects, as
// staff use the pages.
type browser struct {
	f *fixture
	c *http.Client
}

func (f *fixture) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{f: f, c: &http.Client{
		Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) send(t *testing.T, req *http.Request) pageResp {
	t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return pageResp{Status: resp.StatusCode, Header: resp.Header, Body: string(raw), Cookies: resp.Cookies()}
}

// pageResp is one answer the browser got.
type pageResp struct {
	Status  int
	Header  http.Header
	Body    string
	Cookies []*http.Cookie
}

func (b *browser) get(t *testing.T, path string, header ...string) pageResp {
	t.Helper()
	req, err := http.NewRequest("GET", b.f.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(t, req)
}

// post submits a form as it is (include "csrf" to pass the check).
func (b *browser) post(t *testing.T, path string, form url.Values) pageResp {
	t.Helper()
	req, err := http.NewRequest("POST", b.f.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(t, req)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)

// csrf opens a page and reads the CSRF token from its <meta>.
func (b *browser) csrf(t *testing.T, path string) string {
	t.Helper()
	p := b.get(t, path)
	m := csrfMeta.FindStringSubmatch(p.Body)
	if m == nil || len(m[1]) < 32 {
		t.Fatalf("GET %s: status %d, no csrf-token meta in the page", path, p.Status)
	}
	return m[1]
}

// login signs a fixture user in through the login form.
func (b *browser) login(t *testing.T, user string) {
	t.Helper()
	tok := b.csrf(t, "/staff/login")
	p := b.post(t, "/staff/login", url.Values{"csrf": {tok}, "username": {b.f.users[user].Username}, "password": {password}, "next": {"/staff/"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/staff/" {
		t.Fatalf("sign in %s: status %d, Location %q\n%s", user, p.Status, p.Header.Get("Location"), p.Body)
	}
}

// submit posts a form with the CSRF token read from the page at from.
func (b *browser) submit(t *testing.T, from, path string, form url.Values) pageResp {
	t.Helper()
	form.Set("csrf", b.csrf(t, from))
	return b.post(t, path, form)
}

func fieldErr(msg string) string { return `<p class="field-error">` + msg + `</p>` }

func idPath(prefix string, id int64) string { return fmt.Sprintf("%s%d", prefix, id) }

func idStr(id int64) string { return fmt.Sprint(id) }
