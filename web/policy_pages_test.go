package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/registry"
)

func TestEvalPage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 0)
		b := f.browser(t)
		b.login(t, "dxd")
		p := b.get(t, "/staff/policy/eval")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "政策测算") || !strings.Contains(p.Body, `value="370614107"`) {
			t.Fatalf("form: %d %s", p.Status, p.Body)
		}
		form := url.Values{"program": {"dibao"}, "date": {"2024-06-01"}, "region": {"370614107201"}, "area": {"rural"},
			"assets_known": {"1"}, "deposits": {"0"}, "vehicles": {"0"}, "houses": {"1"},
			"m0_id_number": {string(registry.NewIDNumber("370614", minzheng.NewDate(1970, 3, 2), 11))}, "m0_relation": {"head"}, "m0_wage": {"1200"}, "m0_medical": {"6000"},
			"m1_id_number": {string(registry.NewIDNumber("370614", minzheng.NewDate(1972, 5, 6), 22))}, "m1_relation": {"spouse"},
			"m2_id_number": {string(registry.NewIDNumber("370614", minzheng.NewDate(2012, 9, 1), 33))}, "m2_relation": {"child"}}
		p = b.submit(t, "/staff/policy/eval", "/staff/policy/eval", form)
		for _, want := range []string{"符合", "1700.00", "(1200 − 500) ÷ 3 = 233.33", "《社会救助暂行办法》第12条", "农村低保标准"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the decision page lacks %q", want)
			}
		}
		// Bad input: a yuan amount that is not a number, named in Chinese.
		form.Set("m0_wage", "一千")
		p = b.submit(t, "/staff/policy/eval", "/staff/policy/eval", form)
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "工资性收入") {
			t.Errorf("bad wage: %d", p.Status)
		}
		// A date before any standard.
		form.Set("m0_wage", "1200")
		form.Set("date", "2019-01-01")
		p = b.submit(t, "/staff/policy/eval", "/staff/policy/eval", form)
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "dibao.standard.rural") {
			t.Errorf("early date: %d", p.Status)
		}
	})
}

func TestEvalPageFromRegistryAndSimulatePage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 120)
		b := f.browser(t)
		b.login(t, "penglai")
		st, v := f.do(t, "GET", "/api/v1/households?region=370614&per_page=1", f.apiLogin(t, "penglai"), nil)
		items, _ := jitems(t, v)
		if st != http.StatusOK || len(items) == 0 {
			t.Fatalf("households: %d %v", st, v)
		}
		id := jnum(t, items[0]["id"])
		p := b.get(t, fmt.Sprintf("/staff/policy/eval?household=%d&date=2025-09-01", id))
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `id="decision"`) {
			t.Fatalf("evaluation of household %d: %d", id, p.Status)
		}
		if strings.Contains(p.Body, "********") == false {
			t.Error("the members' ID numbers should be shown masked")
		}
		// 改革测算 with a chart.
		p = b.get(t, "/staff/policy/simulate")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "改革测算") {
			t.Fatalf("simulate form: %d", p.Status)
		}
		p = b.submit(t, "/staff/policy/simulate", "/staff/policy/simulate", url.Values{"region": {"370614"}, "date": {"2025-09-01"}, "sets": {"dibao.standard.rural=120000@370614"}})
		// A background job: the page waits on it, then shows the report.
		loc := p.Header.Get("Location")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/policy/simulate/") {
			t.Fatalf("submit: %d %q", p.Status, loc)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			p = b.get(t, loc)
			if !strings.Contains(p.Body, `id="sim-wait"`) || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		for _, want := range []string{"测算结果", "山东省烟台市蓬莱区", "新纳入", "<svg", "大辛店镇", "受影响家庭示例"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the result page lacks %q", want)
			}
		}
		p = b.submit(t, "/staff/policy/simulate", "/staff/policy/simulate", url.Values{"region": {"320402"}, "sets": {"dibao.standard.rural=120000@320402"}})
		if p.Status != http.StatusForbidden {
			t.Errorf("simulating 天宁 from 蓬莱: %d", p.Status)
		}
		p = b.submit(t, "/staff/policy/simulate", "/staff/policy/simulate", url.Values{"region": {"370614"}, "sets": {"dibao.standard.rural=八百@370614"}})
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "dibao.standard.rural") {
			t.Errorf("a bad reform value: %d", p.Status)
		}
	})
}

// TestEvalPageResubmitMasked: a household loaded from the registry shows
// masked ID numbers with birth dates; sending the form back evaluates it
// again without the whole numbers.
func TestEvalPageResubmitMasked(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 0)
		b := f.browser(t)
		b.login(t, "penglai")
		form := url.Values{"program": {"dibao"}, "date": {"2024-06-01"}, "region": {"370614107201"}, "area": {"rural"},
			"assets_known": {"1"}, "deposits": {"0"}, "vehicles": {"0"}, "houses": {"1"},
			"m0_id_number": {"370614********0119"}, "m0_birth_date": {"1970-03-02"}, "m0_relation": {"head"}, "m0_wage": {"300"}}
		p := b.submit(t, "/staff/policy/eval", "/staff/policy/eval", form)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "500.00") {
			t.Fatalf("masked resubmission: %d", p.Status)
		}
	})
}
