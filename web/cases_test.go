package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/policy"
	"minzheng/registry"
	"minzheng/registry/synth"
	"minzheng/sqldb"
)

// eligibleHousehold finds a synthetic household of 蓬莱 that the rules find
// eligible for 低保 today, and one they do not.
func eligibleHousehold(t *testing.T, f *fixture) (yes, no int64) {
	t.Helper()
	sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
	book, err := f.db.ParamBook(sys)
	if err != nil {
		t.Fatal(err)
	}
	day := minzheng.DateOf(f.clk.Now())
	cols, err := f.db.PolicyColumns(sys, "370614107000", day)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < cols.Len() && (yes == 0 || no == 0); i++ {
		h, err := f.db.Household(sys, cols.ID[i], day)
		if err != nil {
			t.Fatal(err)
		}
		d, err := policy.Evaluate(policy.Request{Program: "dibao", Date: day, Region: h.Region, Household: policy.FromRegistry(&h, day)}, book)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case d.IsEligible() && yes == 0:
			yes = h.ID
		case d.Eligible != nil && !*d.Eligible && no == 0:
			no = h.ID
		}
	}
	if yes == 0 || no == 0 {
		t.Fatalf("no eligible (%d) or ineligible (%d) household among %d", yes, no, cols.Len())
	}
	return yes, no
}

func TestCasesAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 400)
		yes, no := eligibleHousehold(t, f)
		dxd, penglai := f.apiLogin(t, "dxd"), f.apiLogin(t, "penglai")
		act := func(tok string, id int, action string, body any, key string) (int, any) {
			t.Helper()
			var h http.Header
			if key != "" {
				h = http.Header{"Idempotency-Key": {key}}
			}
			resp := f.request(t, "POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), tok, body, h)
			return decodeResp(t, resp)
		}
		status, v := f.do(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": yes})
		if status != http.StatusCreated {
			t.Fatalf("create: %d %v", status, v)
		}
		c := jobj(t, v)
		id := jnum(t, c["id"])
		if c["state"] != "applied" || c["deadline"] != nil {
			t.Fatalf("a new case: %v", c)
		}
		// A second application for the same programme while one is open.
		status, v = f.do(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": yes})
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		// … unless it is the same request again: the first answer.
		resp := f.request(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": no}, http.Header{"Idempotency-Key": {"new-1"}})
		s1, c1 := decodeResp(t, resp)
		resp = f.request(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": no}, http.Header{"Idempotency-Key": {"new-1"}})
		s2, c2 := decodeResp(t, resp)
		if s1 != http.StatusCreated || s2 != http.StatusCreated || jnum(t, jobj(t, c1)["id"]) != jnum(t, jobj(t, c2)["id"]) {
			t.Fatalf("an idempotent registration: %d %v / %d %v", s1, c1, s2, c2)
		}
		if status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/actions/withdraw", jnum(t, jobj(t, c1)["id"])), dxd, map[string]any{}); status != http.StatusOK {
			t.Fatalf("withdraw: %d %v", status, v)
		}

		status, v = act(dxd, id, "accept", nil, "")
		c = jobj(t, v)
		if status != http.StatusOK || c["state"] != "accepted" || c["deadline"] == nil || c["workdays_left"] == nil || !strings.HasPrefix(c["time_left"].(string), "剩余 30") {
			t.Fatalf("accept: %d %v", status, c)
		}
		// Unknown action, a role that may never act so, an action out of order.
		status, v = act(dxd, id, "bribe", nil, "")
		wantError(t, status, v, http.StatusBadRequest, "invalid", "action")
		status, v = act(dxd, id, "record_verification", map[string]any{"result": "pass"}, "")
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		status, v = act(penglai, id, "approve", nil, "")
		msg := wantError(t, status, v, http.StatusConflict, "conflict", "")
		if !strings.Contains(msg, "request_verification") {
			t.Errorf("the conflict should list the allowed actions: %s", msg)
		}
		// Idempotent repeat: the second answer is the first, nothing changes.
		_, v1 := act(dxd, id, "request_verification", nil, "k-1")
		_, v2 := act(dxd, id, "request_verification", nil, "k-1")
		if jnum(t, jobj(t, v1)["version"]) != jnum(t, jobj(t, v2)["version"]) || jobj(t, v2)["state"] != "verifying" {
			t.Fatalf("repeat: %v / %v", v1, v2)
		}
		steps := []struct {
			tok, action string
			body        any
			state       string
		}{
			{penglai, "record_verification", map[string]any{"result": "pass"}, "verified"},
			{dxd, "home_visit", map[string]any{"investigators": []string{"王明", "李华"}, "signed": true}, "visited"},
			{dxd, "township_opinion", map[string]any{"opinion": "agree"}, "reviewed"},
			{dxd, "post_notice", nil, "noticing"},
		}
		for _, s := range steps {
			status, v = act(s.tok, id, s.action, s.body, "")
			if status != http.StatusOK || jobj(t, v)["state"] != s.state {
				t.Fatalf("%s: %d %v", s.action, status, v)
			}
		}
		status, v = act(dxd, id, "close_notice", nil, "")
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		// The 公示 is public, and shows name, household size and amount only.
		status, raw := f.doRaw(t, "GET", "/api/v1/notices?region=370614107", "", nil)
		if status != http.StatusOK || !strings.Contains(string(raw), `"household_size"`) || !strings.Contains(string(raw), `"amount_fen"`) {
			t.Fatalf("notices: %d %s", status, raw)
		}
		n := jobj(t, parseJSON(t, raw))
		if len(jarr(t, n["notices"])) != 1 || jnum(t, jobj(t, jarr(t, n["notices"])[0])["amount_fen"]) <= 0 {
			t.Fatalf("one notice with its amount: %s", raw)
		}
		if regexp.MustCompile(`\d{17}[\dX]`).Match(raw) || strings.Contains(string(raw), "id_number") {
			t.Fatalf("an ID number in the public notice: %s", raw)
		}
		name := jobj(t, jarr(t, n["notices"])[0])["name"].(string)
		pg := f.browser(t).get(t, "/portal/notices?region=370614107")
		if pg.Status != http.StatusOK || !strings.Contains(pg.Body, name) || !strings.Contains(pg.Body, "正在公示的申请") ||
			regexp.MustCompile(`\d{17}[\dX]`).MatchString(pg.Body) {
			t.Fatalf("the public notice page: %d", pg.Status)
		}
		f.clk.Advance(7 * 24 * time.Hour)
		dxd, penglai = f.apiLogin(t, "dxd"), f.apiLogin(t, "penglai") // tokens last a day
		if status, v = act(dxd, id, "close_notice", nil, ""); status != http.StatusOK {
			t.Fatalf("close_notice: %d %v", status, v)
		}
		// 蓬莱 does not delegate: the township may not decide.
		status, v = act(dxd, id, "approve", nil, "")
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		status, v = act(penglai, id, "approve", nil, "")
		c = jobj(t, v)
		if status != http.StatusOK || c["state"] != "approved" || c["decision"] == nil {
			t.Fatalf("approve: %d %v", status, v)
		}
		d := jobj(t, c["decision"])
		if d["eligible"] != true || jnum(t, d["amount_fen"]) <= 0 || len(jarr(t, d["params_used"])) == 0 {
			t.Fatalf("the stored decision: %v", d)
		}
		// Replayed years later, the decision is the same to the fen and to
		// the word — even after a correction of the standard recorded later.
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		f.clk.Advance(time.Hour)
		// A correction of the registry after the decision changes nothing either.
		hh, err := f.db.Household(sys, yes, minzheng.DateOf(f.clk.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if len(hh.Members) > 0 {
			if err := f.db.UpdatePerson(sys, hh.Members[0].PersonID, registry.PersonChange{ValidFrom: minzheng.DateOf(f.clk.Now()),
				SeriousIllness: registry.Opt[string]{Set: true, V: "尿毒症"}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.db.AddParam(minzheng.WithActor(context.Background(), minzheng.Actor{UserID: 1, Username: "admin", Role: "admin"}),
			policy.Param{Name: "dibao.standard.rural", Region: "370614", Value: "90000", EffectiveFrom: minzheng.NewDate(2024, 1, 1),
				Document: policy.Document{Title: "更正（测试）"}}); err != nil {
			t.Fatal(err)
		}
		stored, replayed, err := f.db.Replay(sys, int64(id))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(stored)
		b, _ := json.Marshal(replayed)
		if string(a) != string(b) {
			t.Fatalf("replay differs:\n%s\n%s", a, b)
		}
		// Enrolled from the month after the decision; 蓬莱 grants 免费电量 without application.
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/households/%d/enrolments", yes), penglai, nil)
		items, _ := jitems(t, v)
		var dibao, electricity bool
		for _, e := range items {
			switch e["program"] {
			case "dibao":
				dibao = e["first_month"] == "2025-11" && e["granted"] == "decision" && jnum(t, e["amount_fen"]) == jnum(t, d["amount_fen"])
			case "free_electricity":
				electricity = e["granted"] == "auto_grant"
			}
		}
		if status != http.StatusOK || !dibao || !electricity {
			t.Fatalf("enrolments: %d %v", status, items)
		}
		// A year on, the periodic review is due (第31条): opened, walked, stopped.
		f.clk.Advance(400 * 24 * time.Hour)
		dxd, penglai = f.apiLogin(t, "dxd"), f.apiLogin(t, "penglai")
		status, v = f.do(t, "POST", "/api/v1/reviews/open", penglai, map[string]any{"region": "370614"})
		if status != http.StatusOK || jnum(t, jobj(t, v)["opened"]) != 1 {
			t.Fatalf("open reviews: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/cases?region=370614&state=applied", penglai, nil)
		items, _ = jitems(t, v)
		var rid int
		for _, it := range items {
			if it["kind"] == "review" {
				rid = jnum(t, it["id"])
			}
		}
		if rid == 0 {
			t.Fatalf("no review case among %v", items)
		}
		for _, s := range []struct {
			tok, action string
			body        any
		}{{dxd, "accept", nil}, {dxd, "request_verification", nil}, {penglai, "record_verification", map[string]any{"result": "pass"}},
			{dxd, "home_visit", map[string]any{"investigators": []string{"王明", "李华"}, "signed": true}}} {
			if status, v = act(s.tok, rid, s.action, s.body, ""); status != http.StatusOK {
				t.Fatalf("review %s: %d %v", s.action, status, v)
			}
		}
		status, v = act(penglai, rid, "phase_out", map[string]any{"months": "9", "reason": "就业"}, "")
		wantError(t, status, v, http.StatusBadRequest, "invalid", "months")
		if status, v = act(penglai, rid, "stop", map[string]any{"reason": "家庭成员就业，收入超过标准"}, ""); status != http.StatusOK || jobj(t, v)["state"] != "stopped" {
			t.Fatalf("stop: %d %v", status, v)
		}
		_, v = f.do(t, "GET", fmt.Sprintf("/api/v1/households/%d/enrolments", yes), penglai, nil)
		es, _ := jitems(t, v)
		for _, e := range es {
			if (e["program"] == "dibao" || e["program"] == "free_electricity") && e["status"] != "stopped" {
				t.Errorf("the stopped benefit, and what was granted with it: %v", e)
			}
		}

		// The case as read back, and the worklist.
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/cases/%d", id), dxd, nil)
		if status != http.StatusOK || len(jarr(t, jobj(t, v)["history"])) != 8 {
			t.Fatalf("read back: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/cases?region=370614&overdue=true", penglai, nil)
		if _, total := jitems(t, v); status != http.StatusOK || total != 0 {
			t.Fatalf("overdue worklist: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/cases?region=370614&state=approved", penglai, nil)
		if _, total := jitems(t, v); status != http.StatusOK || total != 1 {
			t.Fatalf("worklist: %d %v", status, v)
		}
		// Outside the region: 天宁 sees nothing of it.
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/cases/%d", id), f.apiLogin(t, "tianning"), nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")

		// An ineligible household cannot be approved; it can be refused with reasons.
		_, v = f.do(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": no})
		id2 := jnum(t, jobj(t, v)["id"])
		for _, s := range []struct {
			tok, action string
			body        any
		}{{dxd, "accept", nil}, {dxd, "request_verification", nil}, {penglai, "record_verification", map[string]any{"result": "fail"}},
			{dxd, "home_visit", map[string]any{"investigators": []string{"王明", "李华"}, "signed": true}}, {dxd, "township_opinion", map[string]any{"opinion": "disagree"}}} {
			if status, v = act(s.tok, id2, s.action, s.body, ""); status != http.StatusOK {
				t.Fatalf("%s: %d %v", s.action, status, v)
			}
		}
		// A failed check is not put up for public notice (第18条): the
		// county refuses it straight away.
		status, v = act(dxd, id2, "post_notice", nil, "")
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		f.clk.Advance(24 * time.Hour)
		dxd, penglai = f.apiLogin(t, "dxd"), f.apiLogin(t, "penglai")
		status, v = act(penglai, id2, "approve", nil, "")
		wantError(t, status, v, http.StatusConflict, "conflict", "")
		status, v = act(penglai, id2, "reject", map[string]any{}, "")
		wantError(t, status, v, http.StatusBadRequest, "invalid", "reason")
		if status, v = act(penglai, id2, "reject", map[string]any{"reason": "家庭人均收入高于当地低保标准"}, ""); status != http.StatusOK || jobj(t, v)["state"] != "rejected" {
			t.Fatalf("reject: %d %v", status, v)
		}
		// A note goes on the record of a decided case and changes nothing.
		if status, v = act(dxd, id2, "note", map[string]any{"note": "申请人来电询问，已解释不予批准的理由"}, ""); status != http.StatusOK || jobj(t, v)["state"] != "rejected" {
			t.Fatalf("note: %d %v", status, v)
		}
		// Delivering the refusal changes neither its reasons nor its date.
		if status, v = act(dxd, id2, "notify_refusal", map[string]any{"note": "当面送达"}, ""); status != http.StatusOK {
			t.Fatalf("notify_refusal: %d %v", status, v)
		}
		// The refusal letter gives the reasons and the remedies.
		br := f.browser(t)
		br.login(t, "penglai")
		pg = br.get(t, fmt.Sprintf("/staff/cases/%d/letter", id2))
		for _, want := range []string{"不予批准告知书", "家庭人均收入高于当地低保标准", "行政复议"} {
			if !strings.Contains(pg.Body, want) {
				t.Errorf("the refusal letter lacks %q", want)
			}
		}
		if regexp.MustCompile(`\d{17}[\dX]`).MatchString(pg.Body) {
			t.Error("an ID number in the letter")
		}
	})
}

func parseJSON(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// decodeResp reads a JSON answer (nil when empty).
func decodeResp(t *testing.T, resp *http.Response) (int, any) {
	t.Helper()
	defer resp.Body.Close()
	var v any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil && err != io.EOF {
		t.Fatalf("answer is not JSON: %v", err)
	}
	return resp.StatusCode, v
}

// TestKinRegister: a household with a registered relative of an officer is
// flagged at acceptance; that officer may not act on it, and only the county
// visits it.
func TestKinRegister(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 60)
		yes, _ := eligibleHousehold(t, f)
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		h, err := f.db.Household(sys, yes, minzheng.DateOf(f.clk.Now()))
		if err != nil {
			t.Fatal(err)
		}
		dxd, penglai := f.apiLogin(t, "dxd"), f.apiLogin(t, "penglai")
		entry := map[string]any{"region": "370614107", "id_number": string(h.Members[0].IDNumber), "name": h.Members[0].Name, "relation": "sibling",
			"staff_name": "大辛店镇民政办", "staff_role": "assistance_staff", "staff_username": "dxd_township"}
		status, v := f.do(t, "POST", "/api/v1/kin_register", penglai, entry)
		if status != http.StatusCreated || strings.Contains(fmt.Sprint(v), string(h.Members[0].IDNumber)) {
			t.Fatalf("register: %d %v", status, v)
		}
		kinID := jnum(t, jobj(t, v)["id"])
		// Bad input: a staff role not in the list; a village clerk may not register.
		bad := map[string]any{}
		for k, x := range entry {
			bad[k] = x
		}
		bad["staff_role"] = "boss"
		status, v = f.do(t, "POST", "/api/v1/kin_register", penglai, bad)
		wantError(t, status, v, http.StatusBadRequest, "invalid", "staff_role")
		status, v = f.do(t, "GET", "/api/v1/kin_register?region=370614&current=true", penglai, nil)
		if _, total := jitems(t, v); status != http.StatusOK || total != 1 {
			t.Fatalf("list: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/kin_register?region=320402", penglai, nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")

		_, v = f.do(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": yes})
		id := jnum(t, jobj(t, v)["id"])
		act := func(tok, action string, body any) (int, any) {
			return f.do(t, "POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, action), tok, body)
		}
		status, v = act(dxd, "accept", nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		if status, v = act(penglai, "accept", nil); status != http.StatusOK || jobj(t, v)["kin_flag"] != true {
			t.Fatalf("accept by the county: %d %v", status, v)
		}
		act(penglai, "request_verification", nil)
		act(penglai, "record_verification", map[string]any{"result": "pass"})
		status, v = act(f.apiLogin(t, "penglai"), "home_visit", map[string]any{"investigators": []string{"王明", "李华"}, "signed": true})
		if status != http.StatusOK {
			t.Fatalf("the county's home visit: %d %v", status, v)
		}
		// Ended, the entry no longer flags new cases.
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/kin_register/%d/end", kinID), penglai, map[string]any{})
		if status != http.StatusOK || jobj(t, v)["valid_to"] == nil {
			t.Fatalf("end: %d %v", status, v)
		}
		status, v = f.do(t, "POST", fmt.Sprintf("/api/v1/kin_register/%d/end", kinID), penglai, map[string]any{})
		wantError(t, status, v, http.StatusConflict, "conflict", "")
	})
}

func TestCasePages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 60)
		yes, _ := eligibleHousehold(t, f)
		b := f.browser(t)
		b.login(t, "dxd")
		p := b.submit(t, fmt.Sprintf("/staff/households/%d", yes), "/staff/cases", url.Values{"household_id": {fmt.Sprint(yes)}, "program": {"dibao"}})
		loc := p.Header.Get("Location")
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/cases/") {
			t.Fatalf("register: %d %q %s", p.Status, loc, p.Body)
		}
		p = b.get(t, loc)
		for _, want := range []string{"已申请", "受理", "办理流程", "一次性告知补正材料"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		p = b.submit(t, loc, loc+"/actions/accept", url.Values{})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", p.Status, p.Body)
		}
		p = b.get(t, loc)
		if !strings.Contains(p.Body, "剩余 30 个工作日") {
			t.Errorf("the case page should show the time left")
		}
		// The timeline names the step, not its code.
		if !strings.Contains(p.Body, "<td>受理</td>") || strings.Contains(p.Body, "<td>accept</td>") {
			t.Errorf("the timeline should read 受理, not accept")
		}
		// A home visit with one investigator is refused on the page, in Chinese.
		b.submit(t, loc, loc+"/actions/request_verification", url.Values{})
		p = b.submit(t, loc, loc+"/actions/home_visit", url.Values{"investigators": {"王明"}, "signed": {"1"}})
		if p.Status != http.StatusConflict && p.Status != http.StatusBadRequest {
			t.Errorf("a home visit before verification: %d", p.Status)
		}
		p = b.get(t, "/staff/cases")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "剩余 30 个工作日") {
			t.Errorf("worklist: %d", p.Status)
		}
		// Two months on, the case is overdue, and the county above sees it.
		f.clk.Advance(60 * 24 * time.Hour)
		status, v := f.do(t, "GET", "/api/v1/cases?overdue=true", f.apiLogin(t, "penglai"), nil)
		items, total := jitems(t, v)
		if status != http.StatusOK || total != 1 || !strings.HasPrefix(items[0]["time_left"].(string), "已超期") {
			t.Fatalf("overdue: %d %v", status, v)
		}
	})
}

// TestCaseDocuments: scans upload to a case, list, and download (audited);
// anything not a scan is refused; another region sees none of them.
func TestCaseDocuments(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 30)
		yes, _ := eligibleHousehold(t, f)
		dxd := f.apiLogin(t, "dxd")
		_, v := f.do(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": yes})
		id := jnum(t, jobj(t, v)["id"])
		upload := func(tok, name string, content []byte) (int, any) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(content)
			mw.Close()
			req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/cases/%d/documents", f.ts.URL, id), &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return decodeResp(t, resp)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		status, v := upload(dxd, "申请书.pdf", pdf)
		if status != http.StatusCreated || jobj(t, v)["content_type"] != "application/pdf" {
			t.Fatalf("upload: %d %v", status, v)
		}
		doc := jnum(t, jobj(t, v)["id"])
		status, v = upload(dxd, "virus.exe", []byte("MZ\x90\x00 not a scan"))
		wantError(t, status, v, http.StatusBadRequest, "invalid", "file")
		status, v = upload(f.apiLogin(t, "tianning"), "x.pdf", pdf)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		status, v = f.do(t, "GET", fmt.Sprintf("/api/v1/cases/%d/documents", id), dxd, nil)
		if _, total := jitems(t, v); status != http.StatusOK || total != 1 {
			t.Fatalf("list: %d %v", status, v)
		}
		before := f.auditCount(t, "case.document_read")
		resp := f.request(t, "GET", fmt.Sprintf("/api/v1/cases/%d/documents/%d", id, doc), dxd, nil, nil)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pdf) || f.auditCount(t, "case.document_read") != before+1 {
			t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(body))
		}
	})
}

func TestKinPage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		b := f.browser(t)
		b.login(t, "penglai")
		p := b.get(t, "/staff/kin")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "登记备案") {
			t.Fatalf("kin page: %d", p.Status)
		}
		id := string(registry.NewIDNumber("370614", minzheng.NewDate(1980, 2, 3), 5))
		form := url.Values{"region": {"370614107"}, "staff_name": {"王明"}, "staff_role": {"village_cadre"}, "name": {"王小明"}, "id_number": {id}, "relation": {"child"}}
		p = b.submit(t, "/staff/kin", "/staff/kin", form)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %s", p.Status, p.Body)
		}
		p = b.get(t, "/staff/kin")
		if !strings.Contains(p.Body, "王小明") || strings.Contains(p.Body, id) || !strings.Contains(p.Body, "村（居）委会成员") {
			t.Errorf("the list should show the entry with the ID number masked")
		}
		form.Set("id_number", "123")
		p = b.submit(t, "/staff/kin", "/staff/kin", form)
		if p.Status != http.StatusBadRequest {
			t.Errorf("a bad ID number: %d", p.Status)
		}
	})
}

// TestEmergencyAnswerClock: a 急难型 application in 治多 (青海) must be
// answered within 12 hours of being recorded, and aided within 24 of the
// answer; past its hours it is overdue.
func TestEmergencyAnswerClock(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 0)
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		vs, err := f.db.Villages(sys, "632724000000")
		if err != nil || len(vs) == 0 {
			t.Fatalf("villages of 治多: %v", err)
		}
		var hs []registry.NewHousehold
		if err := synth.Generate([]synth.Village{{Code: vs[0].Code, Area: vs[0].Area}}, synth.Options{Households: 1, Seed: 9, Today: minzheng.DateOf(start)},
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
		cols, err := f.db.PolicyColumns(sys, "632724000000", minzheng.DateOf(f.clk.Now()))
		if err != nil || cols.Len() == 0 {
			t.Fatalf("households: %v", err)
		}
		tok := f.apiLogin(t, "zhiduo")
		status, v := f.do(t, "POST", "/api/v1/cases", tok, map[string]any{"program": "linshi", "kind": "emergency", "household_id": cols.ID[0]})
		if status != http.StatusCreated {
			t.Fatalf("create: %d %v", status, v)
		}
		c := jobj(t, v)
		due, err := time.Parse(time.RFC3339, c["deadline_at"].(string))
		if err != nil || !due.Equal(f.clk.Now().Add(12*time.Hour)) {
			t.Fatalf("answer by %v, want 12 hours from now (%v)", c["deadline_at"], err)
		}
		f.clk.Advance(13 * time.Hour)
		status, v = f.do(t, "GET", "/api/v1/cases?overdue=true", f.apiLogin(t, "zhiduo"), nil)
		if _, total := jitems(t, v); status != http.StatusOK || total != 1 {
			t.Fatalf("an unanswered emergency past its 12 hours is overdue: %d %v", status, v)
		}
	})
}

func TestSpotChecks(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 20)
		yes, no := eligibleHousehold(t, f)
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		err := f.db.InTx(sys, func(tx *sqldb.Tx) error {
			for i, hid := range []int64{yes, no} {
				var id int64
				if err := tx.QueryRow(sys, `INSERT INTO cases (program, kind, household_id, region_code, state, created_at, created_by, updated_at)
					VALUES ('tekun', 'application', ?, '370614107201', 'checked', ?, 'test', ?) RETURNING id`, hid, sqldb.At(f.clk.Now()), sqldb.At(f.clk.Now())).Scan(&id); err != nil {
					return err
				}
				if _, err := tx.Exec(sys, `INSERT INTO case_events (case_id, seq, action, from_state, to_state, actor, role, at, fields)
					VALUES (?, 1, 'spot_check', 'noticed', 'checked', 'penglai_county', 'county_officer', ?, ?)`, id, sqldb.At(f.clk.Now()), fmt.Sprintf(`{"done":%v}`, i == 0)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		status, v := f.do(t, "GET", "/api/v1/spot_checks?region=370614", f.apiLogin(t, "penglai"), nil)
		m := jobj(t, v)
		if status != http.StatusOK || jnum(t, m["reviewed"]) != 2 || jnum(t, m["checked"]) != 1 || m["share_percent"] != "50.00" || m["meets_30_percent"] != true {
			t.Fatalf("spot checks: %d %v", status, v)
		}
		status, v = f.do(t, "GET", "/api/v1/spot_checks?region=320402", f.apiLogin(t, "penglai"), nil)
		wantError(t, status, v, http.StatusForbidden, "forbidden", "")
	})
}
