package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// dbURL is one database for the whole file: the first command loads the
// 665,276 regions into it (a few seconds), the rest reuse it.
var dbURL string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "minzheng-cmd")
	if err != nil {
		panic(err)
	}
	dbURL = "sqlite:" + filepath.Join(dir, "cmd.db")
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestUsage(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"无参数", nil, 2, "用法"},
		{"未知命令", []string{"frobnicate"}, 2, "未知命令"},
		{"user缺子命令", []string{"user"}, 2, "user add"},
		{"audit缺子命令", []string{"audit"}, 2, "audit verify"},
		{"未知参数", []string{"migrate", "--bogus"}, 2, "bogus"},
		{"错误的now", []string{"migrate", "--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db"), "--now", "yesterday"}, 2, "--now"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCmd(t, "", c.args...)
			if code != c.code || !strings.Contains(out+errs, c.want) {
				t.Fatalf("exit %d, out %q, err %q", code, out, errs)
			}
		})
	}
	if code, out, _ := runCmd(t, "", "version"); code != 0 || !strings.HasPrefix(out, "minzheng ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestUnreachableDatabase(t *testing.T) {
	for _, args := range [][]string{
		{"migrate", "--db", "postgres://postgres:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"},
		{"serve", "--db", "postgres://postgres:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "--addr", "127.0.0.1:0"},
		{"audit", "verify", "--db", "sqlite:/nonexistent-dir/x.db"},
		{"audit", "verify", "--db", "sqlite:" + filepath.Join(t.TempDir(), "missing.db")},
	} {
		code, out, errs := runCmd(t, "", args...)
		if code != 1 || strings.Count(errs, "\n") != 1 || !(strings.HasPrefix(errs, "minzheng: 无法") || strings.HasPrefix(errs, "minzheng: 数据库文件")) ||
			strings.Contains(errs, "secret") {
			t.Fatalf("%v: exit %d, out %q, err %q; want one clear line and exit 1", args, code, out, errs)
		}
	}
}

func TestUserAddAndAuditVerify(t *testing.T) {
	code, out, errs := runCmd(t, "", "migrate", "--db", dbURL)
	if code != 0 || !strings.Contains(out, "已载入 665276 条区划") {
		t.Fatalf("migrate: %d %q %q", code, out, errs)
	}
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"新建管理员", "Admin-pass-2025\n", []string{"--username", "root1", "--role", "admin", "--password-stdin"}, 0, "已新建用户 root1"},
		{"新建县级干部", "County-pass-2025\n", []string{"--username", "penglai", "--role", "county_officer", "--region", "370614", "--name", "蓬莱", "--password-stdin"}, 0, "370614000000"},
		{"用户名重复", "Admin-pass-2025\n", []string{"--username", "root1", "--role", "admin", "--password-stdin"}, 1, "已被使用"},
		{"角色与区划级别不符", "County-pass-2025\n", []string{"--username", "bad1", "--role", "county_officer", "--region", "37", "--password-stdin"}, 1, "县级"},
		{"区划不存在", "County-pass-2025\n", []string{"--username", "bad2", "--role", "county_officer", "--region", "370699", "--password-stdin"}, 1, "不存在"},
		{"弱密码", "123\n", []string{"--username", "bad3", "--role", "admin", "--password-stdin"}, 1, "密码"},
		{"演示密码", "minzheng-demo\n", []string{"--username", "bad4", "--role", "admin", "--password-stdin"}, 1, "演示密码"},
		{"缺少角色", "x\n", []string{"--username", "bad5", "--password-stdin"}, 2, "--role"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"user", "add", "--db", dbURL}, c.args...)
			code, out, errs := runCmd(t, c.stdin, args...)
			if code != c.code || !strings.Contains(out+errs, c.want) {
				t.Fatalf("exit %d, out %q, err %q; want %d and %q", code, out, errs, c.code, c.want)
			}
		})
	}
	code, out, errs = runCmd(t, "", "audit", "verify", "--db", dbURL)
	if code != 0 || !strings.Contains(out, "操作日志完整：共 4 条") {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}
	// The command line acts as the audited system actor.
	raw, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dbURL, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var actor string
	if err := raw.QueryRow(`SELECT actor FROM audit_log WHERE action = 'user.create' ORDER BY seq LIMIT 1`).Scan(&actor); err != nil || actor != "system:cli" {
		t.Fatalf("user.create actor %q %v", actor, err)
	}
	// Tampering is found, named and fails the command.
	if _, err := raw.Exec(`UPDATE audit_log SET summary = '无事发生' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCmd(t, "", "audit", "verify", "--db", dbURL)
	if code != 1 || !strings.Contains(errs, "第 2 条") {
		t.Fatalf("verify after tampering: %d %q %q", code, out, errs)
	}
	// A database with accounts that is not a demo cannot become one.
	code, _, errs = runCmd(t, "", "demo", "--db", dbURL, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errs, "不是演示数据库") {
		t.Fatalf("demo on a real database: %d %q", code, errs)
	}
}

var urlRE = regexp.MustCompile(`http://[0-9.:]+`)

// TestDemo starts the demo on a new database, as the README says, and signs
// in with a demo account.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("loads all regions")
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	go func() {
		done <- run(ctx, []string{"demo", "--db", db, "--addr", "127.0.0.1:0", "--now", "2025-09-26"}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var base string
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if m := urlRE.FindString(sc.Text()); m != "" && base == "" {
			base = m
		}
		if strings.Contains(sc.Text(), "zhiduo_county") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" {
		t.Fatalf("no URL printed: %v", lines)
	}
	for _, name := range []string{"admin", "auditor", "penglai_county", "penglai_checker", "dxd_township", "cljz_township",
		"tianning_county", "huancui_county", "jinan_city", "qinghai_province", "zhiduo_county"} {
		if !strings.Contains(strings.Join(lines, "\n"), name) {
			t.Errorf("account %s not printed", name)
		}
	}
	resp, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"username":"dxd_township","password":"minzheng-demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"token"`) {
		t.Fatalf("demo login: %d %s", resp.StatusCode, body)
	}
	var tok struct{ Token string }
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	// The demo's parameters are the seeds': 蓬莱's rural standard in 2024.
	req, _ := http.NewRequest("POST", base+"/api/v1/eval", strings.NewReader(evalRequest))
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"amount_fen": 50000`) && !strings.Contains(string(body), `"amount_fen":50000`) {
		t.Fatalf("demo eval: %d %s", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("demo exited %d", code)
	}
	// The same request on the command line against the demo database, and a
	// what-if over its registry.
	code, out, errs := runCmd(t, evalRequest, "eval", "--db", db)
	if code != 0 || !strings.Contains(out, `"amount_fen": 50000`) {
		t.Fatalf("eval --db: %d %s %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "", "simulate", "--db", db, "--region", "370614", "--date", "2025-09-26", "--set", "dibao.standard.rural=120000@370614", "--sample", "2")
	if code != 0 || !strings.Contains(out, `"townships"`) || !strings.Contains(out, `"monthly_change_fen"`) {
		t.Fatalf("simulate: %d %s %s", code, out, errs)
	}
	var sim struct {
		Total struct {
			Households       int   `json:"households"`
			MonthlyChangeFen int64 `json:"monthly_change_fen"`
		} `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &sim); err != nil || sim.Total.Households == 0 || sim.Total.MonthlyChangeFen <= 0 {
		t.Fatalf("simulate answered %+v (%v)", sim, err)
	}
	// The demo paid its recipients from January 2024: the reports have
	// figures, in the seeds' words.
	code, out, errs = runCmd(t, "", "report", "--db", db, "--region", "370614", "--from", "2024-01", "--to", "2024-10", "--program", "dibao")
	var rep struct {
		PersonTimes int64  `json:"person_times"`
		Households  int64  `json:"households"`
		AmountFen   int64  `json:"amount_fen"`
		Sentence    string `json:"sentence"`
	}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.PersonTimes == 0 || rep.AmountFen == 0 ||
		!strings.HasPrefix(rep.Sentence, "1-10月,发放城乡低保金") {
		t.Fatalf("report: %d %s %s", code, out, errs)
	}
	// Next month's payroll from the command line: a draft for a checker.
	code, out, errs = runCmd(t, "", "payroll", "--db", db, "--region", "370614", "--month", "2025-10")
	if code != 0 || !strings.Contains(out, `"state": "draft"`) {
		t.Fatalf("payroll: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "", "payroll", "--db", db, "--region", "370614107", "--month", "2025-10"); code != 1 || !strings.Contains(errs, "县") {
		t.Errorf("a payroll for a township: %d %s", code, errs)
	}
}

// evalRequest is a one-person 低保 request in 蓬莱 (wage 300 元, rural
// standard 800 元 in 2024: 500 元).
const evalRequest = `{"program":"dibao","date":"2024-06-01","region":"370614107201","household":{"area":"rural",
 "members":[{"id_number":"370614197003020119","incomes":[{"kind":"wage","monthly_fen":30000}]}],
 "assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`

func TestEval(t *testing.T) {
	cases := []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"内置标准测算", evalRequest, nil, 0, `"amount_fen": 50000`},
		{"未知项目列出可选项目", strings.Replace(evalRequest, `"dibao"`, `"wubao"`, 1), nil, 1, `"code": "invalid"`},
		{"早于任何标准的日期", strings.Replace(evalRequest, "2024-06-01", "2019-06-01", 1), nil, 1, "dibao.standard.rural"},
		{"不是 JSON", "{", nil, 1, "不是有效的 JSON"},
		{"未知字段", strings.Replace(evalRequest, `"area"`, `"areas"`, 1), nil, 1, "未知字段 areas"},
		{"多余的参数", evalRequest, []string{"extra"}, 2, "多余的参数"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("MINZHENG_DB", "")
			code, out, errs := runCmd(t, c.stdin, append([]string{"eval"}, c.args...)...)
			if code != c.code || !strings.Contains(out+errs, c.want) {
				t.Fatalf("code %d, want %d; out %s; err %s; want %q", code, c.code, out, errs, c.want)
			}
		})
	}
	if code, _, errs := runCmd(t, "", "simulate", "--db", dbURL, "--set", "dibao.standard.rural=1"); code != 2 || !strings.Contains(errs, "--region") {
		t.Errorf("simulate without a region: %d %s", code, errs)
	}
	if code, _, errs := runCmd(t, "", "simulate", "--db", dbURL, "--region", "370614", "--set", "no.such=1"); code != 1 || !strings.Contains(errs, "no.such") {
		t.Errorf("simulate with an unknown parameter: %d %s", code, errs)
	}
}
