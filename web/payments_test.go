package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/region"
	"minzheng/sqldb"
)

// paymentSetup makes a registry and takes its eligible households over as
// recipients from startMonth; it answers how many 低保 enrolments 蓬莱 has.
func paymentSetup(t *testing.T, f *fixture, n int, first minzheng.Month) int {
	t.Helper()
	policySetup(t, f, n)
	f.addUser(t, "checker", account{"penglai_checker", "蓬莱区民政局复核人", "county_officer", "370614"})
	sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
	got, err := f.db.ImportEnrolments(sys, "370614000000", []string{"dibao", "elderly_longevity"}, minzheng.DateOf(f.clk.Now()), first)
	if err != nil {
		t.Fatal(err)
	}
	if got["dibao"] == 0 {
		t.Fatalf("no 低保 recipients among %d households: %v", n, got)
	}
	return got["dibao"]
}

func TestPayrollAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		recipients := paymentSetup(t, f, 300, minzheng.NewMonth(2024, time.January))
		maker, checker := f.apiLogin(t, "penglai"), f.apiLogin(t, "checker")
		make := func(tok, month string) (int, map[string]any) {
			t.Helper()
			status, v := f.do(t, "POST", "/api/v1/payrolls", tok, map[string]any{"region": "370614", "month": month, "program": "dibao"})
			if status >= 300 {
				return status, jobj(t, v)
			}
			return status, jobj(t, v)
		}
		status, p := make(maker, "2024-01")
		if status != http.StatusCreated || p["state"] != "draft" || jnum(t, p["lines"]) != recipients || jnum(t, p["households"]) != recipients ||
			jnum(t, p["amount_fen"]) <= 0 || jnum(t, p["persons"]) < recipients {
			t.Fatalf("payroll: %d %v (recipients %d)", status, p, recipients)
		}
		id := jnum(t, p["id"])
		// Again: the same payroll, the same lines.
		status, again := make(maker, "2024-01")
		if status != http.StatusOK || jnum(t, again["id"]) != id || again["amount_fen"] != p["amount_fen"] {
			t.Fatalf("again: %d %v", status, again)
		}
		// The checker of another county cannot see it.
		status, v := f.do(t, "GET", fmt.Sprintf("/api/v1/payrolls/%d", id), f.apiLogin(t, "tianning"), nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		// Months in order: February waits for January's approval.
		status, e := make(maker, "2024-02")
		if status != http.StatusConflict || !strings.Contains(e["error"].(map[string]any)["message"].(string), "2024-01") {
			t.Fatalf("a month before the last is approved: %d %v", status, e)
		}
		// Maker–checker: its maker may not approve it (403, before anything).
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/payrolls/%d/approve", id), maker, nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/payrolls/%d/approve", id), checker, nil)
		if status != http.StatusOK || jobj(t, v)["state"] != "approved" || jobj(t, v)["approved_by"] != "penglai_checker" {
			t.Fatalf("approve: %d %v", status, v)
		}
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/payrolls/%d/approve", id), checker, nil)
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/payrolls/%d/approve", id), maker, nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		// Frozen: asking for it again changes nothing.
		status, again = make(maker, "2024-01")
		if status != http.StatusOK || again["state"] != "approved" || again["amount_fen"] != p["amount_fen"] {
			t.Fatalf("an approved payroll asked again: %d %v", status, again)
		}
		// The lines are masked.
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/payrolls/%d/lines?per_page=500", id), checker, nil)
		items, total := jitems(t, v)
		if status != http.StatusOK || total != recipients || !strings.Contains(items[0]["bank_account"].(string), "****") || items[0]["status"] != "due" {
			t.Fatalf("lines: %d %v", status, v)
		}
		// A township's officer reads its county's payroll, and its own lines only.
		dxd := f.apiLogin(t, "dxd")
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/payrolls/%d/lines?per_page=500", id), dxd, nil)
		items, _ = jitems(t, v)
		if status != http.StatusOK {
			t.Fatalf("the township's lines: %d %v", status, v)
		}
		for _, it := range items {
			if !strings.HasPrefix(it["region"].(string), "370614107") {
				t.Fatalf("a line of another township: %v", it)
			}
		}
		// February to October, each made and approved.
		for m := 2; m <= 10; m++ {
			month := fmt.Sprintf("2024-%02d", m)
			status, p := make(maker, month)
			if status != http.StatusCreated {
				t.Fatalf("%s: %d %v", month, status, p)
			}
			if status, v := f.do(t, "POST", fmt.Sprintf("/api/v1/payrolls/%d/approve", jnum(t, p["id"])), checker, nil); status != http.StatusOK {
				t.Fatalf("approve %s: %d %v", month, status, v)
			}
		}
		// The report agrees with the payrolls.
		status, v = f.do(t, "GET", "/api/v1/reports/payments?region=370614&from=2024-01&to=2024-10&program=dibao", checker, nil)
		rep := jobj(t, v)
		if status != http.StatusOK || jnum(t, rep["person_times"]) != 10*jnum(t, p["persons"]) || jnum(t, rep["households"]) != recipients ||
			jnum(t, rep["amount_fen"]) != 10*jnum(t, p["amount_fen"]) {
			t.Fatalf("report: %d %v (payroll %v)", status, rep, p)
		}
		wan := minzheng.Fen(10 * jnum(t, p["amount_fen"])).Wan()
		if want := fmt.Sprintf("1-10月,发放城乡低保金%d人次%s万元", 10*jnum(t, p["persons"]), wan); rep["sentence"] != want {
			t.Errorf("sentence %q, want %q", rep["sentence"], want)
		}
		// A township officer reads its own township's figures only.
		status, v = f.do(t, "GET", "/api/v1/reports/payments?region=370614&from=2024-01&to=2024-10&program=dibao", f.apiLogin(t, "dxd"), nil)
		if status != http.StatusOK || jobj(t, v)["region"] != "370614107000" {
			t.Fatalf("the township's report: %d %v", status, v)
		}
		// Bad input.
		for q, field := range map[string]string{"from=2024-10&to=2024-01&program=dibao": "to", "from=2024-1&to=2024-10&program=dibao": "from",
			"from=2024-01&to=2024-10&program=nosuch": "program", "from=2024-01&to=2024-10": "program"} {
			status, v = f.do(t, "GET", "/api/v1/reports/payments?region=370614&"+q, checker, nil)
			wantError(t, status, v, http.StatusBadRequest, "invalid", field)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{{map[string]any{"region": "370614107", "month": "2024-11", "program": "dibao"}, "region"}, {map[string]any{"region": "370614", "month": "2024-13", "program": "dibao"}, "month"},
			{map[string]any{"region": "370614", "month": "2024-11", "program": "free_electricity"}, "program"}, {map[string]any{"region": "370614", "month": "2099-01", "program": "dibao"}, "month"}} {
			status, v = f.do(t, "POST", "/api/v1/payrolls", maker, c.body)
			wantError(t, status, v, http.StatusBadRequest, "invalid", c.field)
		}
		status, v = f.do(t, "POST", "/api/v1/payrolls", f.apiLogin(t, "dxd"), map[string]any{"region": "370614", "month": "2024-11", "program": "dibao"})
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
	})
}

// TestPaidOnce: the database refuses to pay an enrolment twice for a month,
// whatever the code above it does.
func TestPaidOnce(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		paymentSetup(t, f, 200, minzheng.NewMonth(2024, time.January))
		sys := minzheng.WithActor(context.Background(), minzheng.System("maker"))
		chk := minzheng.WithActor(context.Background(), minzheng.System("checker"))
		p, _, err := f.db.GeneratePayroll(sys, "370614000000", region.LevelCounty, minzheng.NewMonth(2024, time.January), "dibao")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ApprovePayroll(chk, p.ID); err != nil {
			t.Fatal(err)
		}
		// A forged second line for the same enrolment and month, approved.
		var enrolment int64
		if err := f.db.QueryRow(sys, `SELECT enrolment_id FROM payments WHERE payroll_id = ? LIMIT 1`, p.ID).Scan(&enrolment); err != nil {
			t.Fatal(err)
		}
		err = f.db.InTx(sys, func(tx *sqldb.Tx) error {
			_, err := tx.Exec(sys, `INSERT INTO payments (payroll_id, enrolment_id, household_id, subject, region_code, program, pay_month, benefit_month, kind, amount_fen, status)
			SELECT payroll_id, enrolment_id, household_id, subject, region_code, program, '2024-02', benefit_month, 'back_pay', amount_fen, 'due' FROM payments WHERE payroll_id = ? AND enrolment_id = ?`, p.ID, enrolment)
			return err
		})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "unique") {
			t.Fatalf("a second payment of the same month should be refused by the database: %v", err)
		}
	})
}

// postFile sends a file as the form field "file".
func (f *fixture) postFile(t *testing.T, path, token, name string, content []byte) (int, any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	resp := f.request(t, "POST", path, token, buf.Bytes(), http.Header{"Content-Type": {mw.FormDataContentType()}})
	return decodeResp(t, resp)
}

func TestBankFiles(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		recipients := paymentSetup(t, f, 300, minzheng.NewMonth(2024, time.January))
		if recipients < 3 {
			t.Skipf("%d recipients: too few for the test", recipients)
		}
		maker, checker := f.apiLogin(t, "penglai"), f.apiLogin(t, "checker")
		run := func(month string) map[string]any {
			t.Helper()
			status, v := f.do(t, "POST", "/api/v1/payrolls", maker, map[string]any{"region": "370614", "month": month, "program": "dibao"})
			if status != http.StatusCreated {
				t.Fatalf("%s: %d %v", month, status, v)
			}
			id := jnum(t, jobj(t, v)["id"])
			status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/payrolls/%d/approve", id), checker, nil)
			if status != http.StatusOK {
				t.Fatalf("approve %s: %d %v", month, status, v)
			}
			return jobj(t, v)
		}
		jan := run("2024-01")
		id := jnum(t, jan["id"])
		// The bank file: every line, accounts in full, the control totals.
		resp := f.request(t, "GET", fmt.Sprintf("/api/v1/payrolls/%d/bank_file?format=csv", id), checker, nil, nil)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Control-Lines") != strconv.Itoa(recipients) {
			t.Fatalf("bank file: %d %v %s", resp.StatusCode, resp.Header, raw)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != recipients+1 || recs[0][0] != "发放编号" || strings.Contains(recs[1][2], "*") {
			t.Fatalf("bank file: %d rows, header %v, first %v", len(recs), recs[0], recs[1])
		}
		status, v := f.do(t, "GET", fmt.Sprintf("/api/v1/payrolls/%d", id), checker, nil)
		if jobj(t, v)["state"] != "exported" {
			t.Fatalf("after the export: %v", v)
		}
		if f.auditCount(t, "payroll.export") != 1 {
			t.Error("the export should be audited")
		}
		// The bank's return: all paid but one failed, one line not answered
		// (its amount disagrees), and a line the payroll does not have.
		var ret strings.Builder
		ret.WriteString("发放编号,金额（元）,结果,原因\r\n")
		failedLine := recs[1][0]
		for i, r := range recs[1:] {
			switch i {
			case 0:
				fmt.Fprintf(&ret, "%s,%s,失败,账户已销户\r\n", r[0], r[4])
			case 1:
				fmt.Fprintf(&ret, "%s,%s,成功,\r\n", r[0], "1.00")
			default:
				fmt.Fprintf(&ret, "%s,%s,成功,\r\n", r[0], r[4])
			}
		}
		ret.WriteString("999999,100.00,成功,\r\n")
		status, v = f.postFile(t, fmt.Sprintf("/api/v1/payrolls/%d/returns", id), checker, "回盘.csv", []byte(ret.String()))
		rep := jobj(t, v)
		if status != http.StatusOK || jnum(t, rep["paid"]) != recipients-2 || jnum(t, rep["failed"]) != 1 || len(jarr(t, rep["problems"])) != 2 ||
			jnum(t, rep["outstanding"]) != 1 || rep["reconciled"] != false || len(jarr(t, rep["unanswered"])) != 1 {
			t.Fatalf("return: %d %v", status, rep)
		}
		// The same file again: recognised, nothing changes.
		status, v = f.postFile(t, fmt.Sprintf("/api/v1/payrolls/%d/returns", id), checker, "回盘-副本.csv", []byte(ret.String()))
		if status != http.StatusOK || jobj(t, v)["repeated"] != true || jnum(t, jobj(t, v)["paid"]) != recipients-2 {
			t.Fatalf("the same return again: %d %v", status, v)
		}
		// A file the program cannot read is refused whole.
		status, v = f.postFile(t, fmt.Sprintf("/api/v1/payrolls/%d/returns", id), checker, "坏.csv", []byte("发放编号,金额（元）,结果\r\nabc,1.00,成功\r\n"))
		wantError(t, status, v, http.StatusBadRequest, "invalid", "file")
		// The failed line leaves the report.
		status, v = f.do(t, "GET", "/api/v1/reports/payments?region=370614&from=2024-01&to=2024-01&program=dibao", checker, nil)
		if jnum(t, jobj(t, v)["lines"]) != recipients-1 {
			t.Fatalf("report after the return: %v", v)
		}
		// February without a corrected account: no retry; with one, the
		// failed line is paid again, referring to it.
		lineID, _ := strconv.ParseInt(failedLine, 10, 64)
		var hid int64
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		if err := f.db.QueryRow(sys, `SELECT household_id FROM payments WHERE id = ?`, lineID).Scan(&hid); err != nil {
			t.Fatal(err)
		}
		status, v = f.do(t, "PATCH", fmt.Sprintf("/api/v1/households/%d", hid), f.apiLogin(t, "dxd"), map[string]any{"valid_from": minzheng.DateOf(f.clk.Now()).String(),
			"bank": map[string]any{"name": "中国邮政储蓄银行", "account": "6221886000012345678", "holder": "户主"}})
		if status != http.StatusOK {
			t.Fatalf("correct the account: %d %v", status, v)
		}
		feb := run("2024-02")
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/payrolls/%d/lines?per_page=500", jnum(t, feb["id"])), checker, nil)
		if status != http.StatusOK {
			t.Fatalf("February's lines: %d %v", status, v)
		}
		items, _ := jitems(t, v)
		retries := 0
		for _, it := range items {
			if it["kind"] == "retry" {
				retries++
				if jnum(t, it["retry_of"]) != int(lineID) || it["benefit_month"] != "2024-01" {
					t.Errorf("retry %v", it)
				}
			}
		}
		if retries != 1 || len(items) != recipients+1 {
			t.Fatalf("February: %d lines, %d retries", len(items), retries)
		}
	})
}

// payMonths makes and approves a programme's payrolls of 蓬莱 for months.
func payMonths(t *testing.T, f *fixture, program string, months ...string) {
	t.Helper()
	maker, checker := f.apiLogin(t, "penglai"), f.apiLogin(t, "checker")
	for _, month := range months {
		status, v := f.do(t, "POST", "/api/v1/payrolls", maker, map[string]any{"region": "370614", "month": month, "program": program})
		if status != http.StatusCreated {
			t.Fatalf("%s %s: %d %v", program, month, status, v)
		}
		if status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/payrolls/%d/approve", jnum(t, jobj(t, v)["id"])), checker, nil); status != http.StatusOK {
			t.Fatalf("approve %s %s: %d %v", program, month, status, v)
		}
	}
}

func TestRecoveries(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		paymentSetup(t, f, 300, minzheng.NewMonth(2024, time.January))
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		var enrolment, amount, pid int64
		err := f.db.QueryRow(sys, `SELECT e.id, e.amount_fen, p.id FROM enrolments e JOIN persons p ON p.id_number = e.subject
			WHERE e.program = 'elderly_longevity' AND e.amount_fen > 0 ORDER BY e.id LIMIT 1`).Scan(&enrolment, &amount, &pid)
		if err != nil {
			t.Skipf("no 高龄津贴 recipient: %v", err)
		}
		payMonths(t, f, "elderly_longevity", "2024-01", "2024-02", "2024-03")
		checker := f.apiLogin(t, "checker")
		// The death is recorded in April: February and March were paid for
		// nothing and are to be paid back.
		status, v := f.do(t, "PATCH", fmt.Sprintf("/api/v1/persons/%d", pid), f.apiLogin(t, "dxd"), map[string]any{"death_date": "2024-01-15"})
		if status != http.StatusOK {
			t.Fatalf("record the death: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/recoveries?region=370614&status=open", checker, nil)
		items, total := jitems(t, v)
		if status != http.StatusOK || total != 1 || jnum(t, items[0]["amount_fen"]) != int(2*amount) || items[0]["reason"] != "death" {
			t.Fatalf("recoveries: %d %v", status, v)
		}
		rid := jnum(t, items[0]["id"])
		entry := func(body map[string]any) (int, any) {
			return f.do(t, "POST", fmt.Sprintf("/api/v1/recoveries/%d/entries", rid), checker, body)
		}
		status, v = entry(map[string]any{"kind": "repayment", "amount_fen": 3 * amount})
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		status, v = entry(map[string]any{"kind": "waiver", "amount_fen": 1})
		wantError(t, status, v, http.StatusBadRequest, "invalid", "note")
		status, v = entry(map[string]any{"kind": "repayment", "amount_fen": amount})
		if status != http.StatusCreated || jnum(t, jobj(t, v)["balance_fen"]) != int(amount) || jobj(t, v)["status"] != "open" {
			t.Fatalf("a first repayment: %d %v", status, v)
		}
		status, v = entry(map[string]any{"kind": "repayment", "amount_fen": amount})
		if status != http.StatusCreated || jnum(t, jobj(t, v)["balance_fen"]) != 0 || jobj(t, v)["status"] != "settled" {
			t.Fatalf("the last repayment: %d %v", status, v)
		}
		status, v = entry(map[string]any{"kind": "repayment", "amount_fen": 1})
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		// The ledger: three months due, two recovered and repaid.
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/enrolments/%d/ledger", enrolment), checker, nil)
		l := jobj(t, v)
		if status != http.StatusOK || jnum(t, l["due_fen"]) != int(3*amount) || jnum(t, l["recover_fen"]) != int(2*amount) ||
			jnum(t, l["repaid_fen"]) != int(2*amount) || jnum(t, l["owed_fen"]) != 0 {
			t.Fatalf("ledger: %d %v", status, v)
		}
		// April's payroll no longer pays the deceased.
		payMonths(t, f, "elderly_longevity", "2024-04")
		var n int
		if err := f.db.QueryRow(sys, `SELECT COUNT(*) FROM payments WHERE enrolment_id = ? AND pay_month = '2024-04'`, enrolment).Scan(&n); err != nil || n != 0 {
			t.Fatalf("April pays the deceased: %d %v", n, err)
		}
		// Another county cannot see the recovery.
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/recoveries/%d", rid), f.apiLogin(t, "tianning"), nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
	})
}

// TestFraudRecovery: a review that finds 低保 obtained by fraud stops it and
// recovers what was paid since, with a fine (《社会救助暂行办法》第68条).
func TestFraudRecovery(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		paymentSetup(t, f, 300, minzheng.NewMonth(2024, time.January))
		payMonths(t, f, "dibao", "2024-01", "2024-02", "2024-03")
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		var hid, amount, enrolment int64
		if err := f.db.QueryRow(sys, `SELECT household_id, amount_fen, id FROM enrolments WHERE program = 'dibao' AND region_code LIKE '370614107%' ORDER BY id LIMIT 1`).
			Scan(&hid, &amount, &enrolment); err != nil {
			t.Skipf("no 低保 household in 大辛店镇: %v", err)
		}
		dxd, penglai := f.apiLogin(t, "dxd"), f.apiLogin(t, "penglai")
		status, v := f.do(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "kind": "review", "household_id": hid})
		if status != http.StatusCreated {
			t.Fatalf("review: %d %v", status, v)
		}
		id := jnum(t, jobj(t, v)["id"])
		for _, s := range []struct {
			tok, action string
			body        any
		}{{dxd, "accept", nil}, {dxd, "request_verification", nil}, {penglai, "record_verification", map[string]any{"result": "fail"}},
			{dxd, "home_visit", map[string]any{"investigators": []string{"王明", "李华"}, "signed": true}}} {
			if status, v := f.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, s.action), s.tok, s.body); status != http.StatusOK {
				t.Fatalf("%s: %d %v", s.action, status, v)
			}
		}
		stop := func(body map[string]any) (int, any) {
			return f.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/actions/stop", id), penglai, body)
		}
		status, v = stop(map[string]any{"reason": "隐瞒经营收入", "undue_from": "2024-02", "fraud": true, "fine_multiple": "5"})
		wantError(t, status, v, http.StatusBadRequest, "invalid", "fine_multiple")
		status, v = stop(map[string]any{"reason": "隐瞒经营收入", "fraud": true, "fine_multiple": "2"})
		wantError(t, status, v, http.StatusBadRequest, "invalid", "undue_from")
		status, v = stop(map[string]any{"reason": "隐瞒经营收入", "undue_from": "2024-02", "fraud": true, "fine_multiple": "2"})
		if status != http.StatusOK || jobj(t, v)["state"] != "stopped" {
			t.Fatalf("stop: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/recoveries?region=370614", penglai, nil)
		items, total := jitems(t, v)
		if status != http.StatusOK || total != 1 || jnum(t, items[0]["amount_fen"]) != int(2*amount) || jnum(t, items[0]["fine_fen"]) != int(4*amount) ||
			items[0]["reason"] != "fraud" || jnum(t, items[0]["balance_fen"]) != int(6*amount) {
			t.Fatalf("the recovery: %d %v (amount %d)", status, v, amount)
		}
	})
}

func TestCardCustody(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 30)
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		var hid int64
		if err := f.db.QueryRow(sys, `SELECT id FROM households WHERE region_code LIKE '370614107%' ORDER BY id LIMIT 1`).Scan(&hid); err != nil {
			t.Fatal(err)
		}
		dxd := f.apiLogin(t, "dxd")
		// A village committee holding a card without an agreement is
		// recorded, and listed as lacking one.
		status, v := f.do(t, "POST", "/api/v1/card_custody", dxd, map[string]any{"household_id": hid, "holder_kind": "village_committee", "holder_name": "某村村委会", "reason": "户主年老"})
		if status != http.StatusCreated || jobj(t, v)["agreement_missing"] != true {
			t.Fatalf("custody: %d %v", status, v)
		}
		id := jnum(t, jobj(t, v)["id"])
		status, v = f.do(t, "GET", "/api/v1/card_custody?without_agreement=true", f.apiLogin(t, "penglai"), nil)
		if _, total := jitems(t, v); status != http.StatusOK || total != 1 {
			t.Fatalf("without agreement: %d %v", status, v)
		}
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/card_custody/%d/agreement", id), dxd, map[string]any{"agreement": "代管协议 2025-017 号", "agreement_on": "2025-09-01"})
		if status != http.StatusOK || jobj(t, v)["agreement_missing"] != false {
			t.Fatalf("agreement: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/card_custody?without_agreement=true", dxd, nil)
		if _, total := jitems(t, v); total != 0 {
			t.Fatalf("after the agreement: %v", v)
		}
		// Bad input, and scope.
		for body, field := range map[string]string{`{"household_id":1,"holder_kind":"friend","holder_name":"x"}`: "holder_kind",
			`{"household_id":1,"holder_kind":"staff","holder_name":""}`: "holder_name"} {
			status, v = f.do(t, "POST", "/api/v1/card_custody", dxd, json.RawMessage(body))
			wantError(t, status, v, http.StatusBadRequest, "invalid", field)
		}
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/card_custody/%d/end", id), f.apiLogin(t, "tianning"), nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/card_custody/%d/end", id), dxd, nil)
		if status != http.StatusOK || jobj(t, v)["valid_to"] == nil {
			t.Fatalf("end: %d %v", status, v)
		}
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/card_custody/%d/end", id), dxd, nil)
		wantError(t, status, v, http.StatusConflict, "conflict", "")
	})
}

// TestAdvanceAid: 先行救助 given on an emergency case is booked as paid and
// counted in the reports of 临时救助.
func TestAdvanceAid(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		paymentSetup(t, f, 200, minzheng.NewMonth(2024, time.January))
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		var hid int64
		if err := f.db.QueryRow(sys, `SELECT id FROM households WHERE region_code LIKE '370614107%' ORDER BY id LIMIT 1`).Scan(&hid); err != nil {
			t.Fatal(err)
		}
		dxd := f.apiLogin(t, "dxd")
		status, v := f.do(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "linshi", "kind": "emergency", "household_id": hid})
		if status != http.StatusCreated {
			t.Fatalf("case: %d %v", status, v)
		}
		id := jnum(t, jobj(t, v)["id"])
		for _, s := range []struct {
			action string
			body   any
		}{{"accept", nil}, {"advance", map[string]any{"amount_fen": 80000, "fund": "petty_fund"}}} {
			if status, v := f.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, s.action), dxd, s.body); status != http.StatusOK {
				t.Fatalf("%s: %d %v", s.action, status, v)
			}
		}
		month := minzheng.DateOf(f.clk.Now()).Month().String()
		status, v = f.do(t, "GET", "/api/v1/reports/payments?region=370614&from="+month+"&to="+month+"&program=linshi", f.apiLogin(t, "checker"), nil)
		rep := jobj(t, v)
		if status != http.StatusOK || jnum(t, rep["amount_fen"]) != 80000 || jnum(t, rep["households"]) != 1 || !strings.Contains(rep["sentence"].(string), "发放临时救助金0.08万元") {
			t.Fatalf("report: %d %v", status, rep)
		}
	})
}

// TestHolds: a held enrolment is not paid; released with back pay, the held
// months are paid in the next payroll.
func TestHolds(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		now := minzheng.DateOf(f.clk.Now()).Month()
		paymentSetup(t, f, 200, now-1)
		payMonths(t, f, "dibao", (now - 1).String())
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		var enrolment int64
		if err := f.db.QueryRow(sys, `SELECT id FROM enrolments WHERE program = 'dibao' ORDER BY id LIMIT 1`).Scan(&enrolment); err != nil {
			t.Fatal(err)
		}
		penglai := f.apiLogin(t, "penglai")
		status, v := f.do(t, "POST", fmt.Sprintf("/api/v1/enrolments/%d/holds", enrolment), penglai, map[string]any{"from": (now - 1).String(), "reason": "待核查"})
		wantError(t, status, v, http.StatusBadRequest, "invalid", "from")
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/enrolments/%d/holds", enrolment), penglai, map[string]any{"reason": "户主长期外出，待核查"})
		if status != http.StatusCreated {
			t.Fatalf("hold: %d %v", status, v)
		}
		hold := jnum(t, jobj(t, v)["id"])
		payMonths(t, f, "dibao", now.String())
		paidIn := func(month string) int {
			var n int
			if err := f.db.QueryRow(sys, `SELECT COUNT(*) FROM payments WHERE enrolment_id = ? AND pay_month = ?`, enrolment, month).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if paidIn(now.String()) != 0 {
			t.Fatal("a held enrolment was paid")
		}
		f.clk.Advance(31 * 24 * time.Hour)
		penglai = f.apiLogin(t, "penglai")
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/holds/%d/release", hold), penglai, map[string]any{"back_pay": true})
		if status != http.StatusOK || jobj(t, v)["to"] != now.String() {
			t.Fatalf("release: %d %v", status, v)
		}
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/holds/%d/release", hold), penglai, map[string]any{"back_pay": true})
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		payMonths(t, f, "dibao", (now + 1).String())
		if n := paidIn((now + 1).String()); n != 2 {
			t.Fatalf("after the release with back pay: %d lines, want this month and the held one", n)
		}
	})
}
