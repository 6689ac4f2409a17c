package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"minzheng"
	"minzheng/registry"
)

// TestHouseholdPages walks the registry pages as a township clerk would:
// create a household through the form (an error first), edit a member's
// self-care assessment, reveal an ID number.
func TestHouseholdPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		b := f.browser(t)
		b.login(t, "dxd")
		id := string(registry.NewIDNumber("370614", minzheng.NewDate(1940, 5, 6), 13))
		form := url.Values{"region": {f.village}, "members[0].name": {"孙大娘"}, "members[0].id_number": {id[:17] + "0"},
			"members[0].relation": {"head"}, "members[0].income": {"210"}, "members[0].income_kind": {"pension_basic"}}
		if id[17] == '0' {
			form.Set("members[0].id_number", id[:17]+"1")
		}
		p := b.submit(t, "/staff/households/new", "/staff/households", form)
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "校验位") || !strings.Contains(p.Body, `value="孙大娘"`) {
			t.Fatalf("bad ID: %d, kept input %v", p.Status, strings.Contains(p.Body, `value="孙大娘"`))
		}
		form.Set("members[0].id_number", id)
		p = b.submit(t, "/staff/households/new", "/staff/households", form)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", p.Status, p.Body)
		}
		loc := p.Header.Get("Location")
		hid, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/staff/households/"), 10, 64)
		h, err := f.db.Household(minzheng.WithActor(t.Context(), minzheng.System("test")), hid, 0)
		if err != nil || len(h.Members) != 1 || len(h.Members[0].Incomes) != 1 || h.Members[0].Incomes[0].Amount != 21000 {
			t.Fatalf("created %+v %v", h, err)
		}
		pid := h.Members[0].PersonID
		page := b.get(t, loc)
		if page.Status != http.StatusOK || strings.Contains(page.Body, id) || !strings.Contains(page.Body, minzheng.MaskID(id)) {
			t.Fatalf("detail page: %d, whole ID shown %v", page.Status, strings.Contains(page.Body, id))
		}
		p = b.submit(t, loc, "/staff/persons/"+strconv.FormatInt(pid, 10), url.Values{"name": {"孙大娘"}, "self_care_form": {"1"},
			"self_care": {"bathing", "walking", "toileting", "dressing"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("self-care: %d %s", p.Status, p.Body)
		}
		h, _ = f.db.Household(minzheng.WithActor(t.Context(), minzheng.System("test")), hid, 0)
		if sc := h.Members[0].SelfCare; sc == nil || sc.Level() != "fully_lost" {
			t.Fatalf("self-care after the form: %+v", sc)
		}
		rv := b.post(t, "/staff/persons/"+strconv.FormatInt(pid, 10)+"/reveal", url.Values{"csrf": {b.csrf(t, loc)}})
		if rv.Status != http.StatusOK || !strings.Contains(rv.Body, id) {
			t.Fatalf("reveal: %d %s", rv.Status, rv.Body)
		}
	})
}
