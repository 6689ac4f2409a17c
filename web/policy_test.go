package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"minzheng"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/registry"
	"minzheng/registry/synth"
)

// policySetup loads the seeds' parameters and n synthetic households in
// 大辛店镇 and 天宁区.
func policySetup(t *testing.T, f *fixture, n int) {
	t.Helper()
	sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
	if _, err := f.db.SeedParams(sys, policy.Seeds()); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return
	}
	var villages []synth.Village
	for _, r := range []string{"370614107000", "320402000000"} {
		vs, err := f.db.Villages(sys, region.Code(r))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			villages = append(villages, synth.Village{Code: v.Code, Area: v.Area})
		}
	}
	var hs []registry.NewHousehold
	if err := synth.Generate(villages, synth.Options{Households: n, Seed: 5, Today: minzheng.DateOf(start)},
		func(h registry.NewHousehold) error { hs = append(hs, h); return nil }); err != nil {
		t.Fatal(err)
	}
	i := 0
	if _, err := f.db.CreateHouseholds(sys, func() (registry.NewHousehold, bool, error) {
		if i == len(hs) {
			return registry.NewHousehold{}, false, nil
		}
		i++
		return hs[i-1], true, nil
	}, nil); err != nil {
		t.Fatal(err)
	}
}

func evalBody(program, date, region string, members string) string {
	return fmt.Sprintf(`{"program":%q,"date":%q,"region":%q,"household":{"area":"rural","members":[%s],"assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`,
		program, date, region, members)
}

func TestEvalAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 0)
		tok := f.apiLogin(t, "penglai")
		head := registry.NewIDNumber("370614", minzheng.NewDate(1970, 3, 2), 11)
		body := evalBody("dibao", "2024-06-01", "370614107201", fmt.Sprintf(`{"id_number":%q,"relation":"head","incomes":[{"kind":"wage","monthly_fen":120000}],"expenses":[{"kind":"medical","yearly_fen":600000}]},
			{"id_number":%q,"relation":"spouse"},{"id_number":%q,"relation":"child"}`, head,
			registry.NewIDNumber("370614", minzheng.NewDate(1972, 5, 6), 22), registry.NewIDNumber("370614", minzheng.NewDate(2012, 9, 1), 33)))
		status, v := f.do(t, "POST", "/api/v1/eval", tok, body)
		if status != http.StatusOK {
			t.Fatalf("eval: %d %v", status, v)
		}
		d := jobj(t, v)
		if d["eligible"] != true || jnum(t, d["amount_fen"]) != 170000 || d["period"] != "month" {
			t.Fatalf("decision %v", d)
		}
		if len(jarr(t, d["reasons"])) == 0 || len(jarr(t, d["params_used"])) == 0 {
			t.Fatalf("no reasons or parameters: %v", d)
		}
		if strings.Contains(fmt.Sprint(d), string(head)) {
			t.Error("the decision shows a whole ID number")
		}

		// Any staff token; none is 401.
		status, v = f.do(t, "POST", "/api/v1/eval", "", body)
		wantError(t, status, v, http.StatusUnauthorized, "unauthorized", "")
		status, _ = f.do(t, "POST", "/api/v1/eval", f.apiLogin(t, "auditor"), body)
		if status != http.StatusOK {
			t.Errorf("auditor: %d", status)
		}

		// An unknown programme lists the known ones.
		status, v = f.do(t, "POST", "/api/v1/eval", tok, strings.Replace(body, `"dibao"`, `"wubao"`, 1))
		msg := wantError(t, status, v, http.StatusBadRequest, "invalid", "program")
		for _, code := range policy.ProgramCodes() {
			if !strings.Contains(msg, code) {
				t.Errorf("message %q does not list %s", msg, code)
			}
		}
		// A date before any parameter names the parameter and the region.
		status, v = f.do(t, "POST", "/api/v1/eval", tok, strings.Replace(body, "2024-06-01", "2019-06-01", 1))
		msg = wantError(t, status, v, http.StatusBadRequest, "invalid", "date")
		if !strings.Contains(msg, "dibao.standard.rural") || !strings.Contains(msg, "370614107201") {
			t.Errorf("message %q should name the parameter and the region", msg)
		}
		// An unknown field, a bad code.
		status, v = f.do(t, "POST", "/api/v1/eval", tok, strings.Replace(body, `"relation":"spouse"`, `"relation":"wife"`, 1))
		wantError(t, status, v, http.StatusBadRequest, "invalid", "household.members[1].relation")
		status, v = f.do(t, "POST", "/api/v1/eval", tok, strings.Replace(body, `"area"`, `"areas"`, 1))
		wantError(t, status, v, http.StatusBadRequest, "invalid", "areas")
	})
}

func TestSimulateAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 300)
		tok := f.apiLogin(t, "penglai")
		status, v := f.do(t, "POST", "/api/v1/simulate", tok, `{"region":"370614","date":"2025-09-01","sets":["dibao.standard.rural=120000@370614"],"sample":3}`)
		if status != http.StatusOK {
			t.Fatalf("simulate: %d %v", status, v)
		}
		sim := jobj(t, v)
		total := jobj(t, sim["total"])
		if jnum(t, total["households"]) == 0 || jnum(t, jobj(t, total["up"])["households"]) == 0 || jnum(t, total["monthly_change_fen"]) <= 0 {
			t.Fatalf("raising 蓬莱's rural standard changed nothing: %v", total)
		}
		if jnum(t, total["yearly_change_fen"]) != 12*jnum(t, total["monthly_change_fen"]) {
			t.Errorf("yearly ≠ 12 × monthly: %v", total)
		}
		for _, tw := range jarr(t, sim["townships"]) {
			if code := jobj(t, tw)["township"].(string); !strings.HasPrefix(code, "370614") {
				t.Errorf("township %s outside 蓬莱", code)
			}
		}
		if n := len(jarr(t, sim["sample"])); n == 0 || n > 3 {
			t.Errorf("sample of %d", n)
		}
		if f.auditCount(t, "policy.load") == 0 {
			t.Error("the bulk read of the registry was not audited")
		}

		// 天宁 is outside 蓬莱: refused and audited.
		before := f.auditCount(t, "scope.denied")
		status, v = f.do(t, "POST", "/api/v1/simulate", tok, `{"region":"320402","sets":["dibao.standard.urban=100000@320402"]}`)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		if f.auditCount(t, "scope.denied") != before+1 {
			t.Error("the refusal was not audited")
		}
		// Bad reforms.
		status, v = f.do(t, "POST", "/api/v1/simulate", tok, `{"region":"370614","sets":["dibao.standard.rural=abc@370614"]}`)
		wantError(t, status, v, http.StatusBadRequest, "invalid", "set")
		status, v = f.do(t, "POST", "/api/v1/simulate", tok, `{"region":"370614","sets":[]}`)
		wantError(t, status, v, http.StatusBadRequest, "invalid", "set")
		status, v = f.do(t, "POST", "/api/v1/simulate", tok, `{"region":"370614","sets":["no.such=1"]}`)
		wantError(t, status, v, http.StatusBadRequest, "invalid", "set")
		// The administrator reads no one's household.
		status, v = f.do(t, "POST", "/api/v1/simulate", f.apiLogin(t, "admin"), `{"region":"370614","sets":["dibao.standard.rural=120000@370614"]}`)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
	})
}
