package web

import (
	"context"
	"fmt"
	"net/http"
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
