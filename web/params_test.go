package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"minzheng"
	"minzheng/policy"
)

// seedDemoParams loads the seeds' standards, as `minzheng demo` does.
func (f *fixture) seedDemoParams(t *testing.T) {
	t.Helper()
	if _, err := f.db.SeedParams(minzheng.WithActor(context.Background(), minzheng.System("demo")), policy.Seeds()); err != nil {
		t.Fatal(err)
	}
}

// paramCount is how many parameter rows the store holds.
func (f *fixture) paramCount(t *testing.T) int {
	t.Helper()
	rows, err := f.db.Params(minzheng.WithActor(context.Background(), minzheng.System("test")))
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

func newParamBody(name, region string, value any, from string) map[string]any {
	return map[string]any{"name": name, "region": region, "value": value, "effective_from": from,
		"document": map[string]any{"number": "蓬民发〔2024〕12号", "title": "关于提高城乡低保标准的通知", "article": "第一条", "url": "https://example.gov.cn/12"},
		"note":     "测试"}
}

// TestParamsAPI: the catalog, a region's rows, adding one (and what is
// refused), and the 标准调整情况 report.
func TestParamsAPI(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		penglai := f.apiLogin(t, "penglai")
		admin := f.apiLogin(t, "admin")
		auditor := f.apiLogin(t, "auditor")

		t.Run("参数目录", func(t *testing.T) {
			status, v := f.do(t, "GET", "/api/v1/params/specs", penglai, nil)
			items, total := jitems(t, v)
			if status != http.StatusOK || total != len(policy.Specs()) || total != len(items) {
				t.Fatalf("specs: %d, %d items", status, total)
			}
			found := false
			for _, it := range items {
				if it["name"] == "dibao.standard.urban" {
					found = true
					sameJSON(t, it, `{"name":"dibao.standard.urban","kind":"fen","title":"城市低保标准","unit":"分/人/月","standard":true}`)
				}
			}
			if !found {
				t.Error("dibao.standard.urban not in the catalog")
			}
		})

		t.Run("全国默认参数适用于各地", func(t *testing.T) {
			status, v := f.do(t, "GET", "/api/v1/params?name=dibao.edge.multiple&region=370614107", penglai, nil)
			items, total := jitems(t, v)
			// Two rows: the value before the current 办法 came into force, and from then.
			if status != http.StatusOK || total != 2 {
				t.Fatalf("status %d total %d %v", status, total, v)
			}
			it := items[1]
			if it["region"] != "000000000000" || it["value"] != "1.5" || it["title"] != "低保边缘家庭收入线（低保标准的倍数）" ||
				it["demo"] != false || it["effective_to"] != nil {
				t.Errorf("row %v", it)
			}
			doc := jobj(t, it["document"])
			if doc["number"] != "民发〔2021〕57号" || doc["article"] != "第8条" {
				t.Errorf("document %v", doc)
			}
			// Without a name: every row applying to the region.
			_, v = f.do(t, "GET", "/api/v1/params", penglai, nil)
			if _, n := jitems(t, v); n != len(policy.National()) {
				t.Errorf("all rows: %d, want %d", n, len(policy.National()))
			}
		})

		var added map[string]any
		t.Run("设定标准", func(t *testing.T) {
			n := f.paramCount(t)
			status, v := f.do(t, "POST", "/api/v1/params", penglai, newParamBody("dibao.standard.urban", "370614", 110000, "2025-01-01"))
			if status != http.StatusCreated {
				t.Fatalf("add: %d %v", status, v)
			}
			added = jobj(t, v)
			if jnum(t, added["id"]) == 0 || added["region"] != "370614000000" || added["value"] != "110000" || added["recorded_by"] != "penglai_county" ||
				added["recorded_at"] != "2025-09-26T01:00:00Z" || added["effective_from"] != "2025-01-01" || added["title"] != "城市低保标准" || added["note"] != "测试" {
				t.Errorf("stored %v", added)
			}
			if f.paramCount(t) != n+1 {
				t.Errorf("rows %d → %d", n, f.paramCount(t))
			}
			// A village of 蓬莱 sees it, as a row of its ancestor.
			status, v = f.do(t, "GET", "/api/v1/params?name=dibao.standard.urban&region="+f.village, penglai, nil)
			items, total := jitems(t, v)
			if status != http.StatusOK || total != 1 || jnum(t, items[0]["id"]) != jnum(t, added["id"]) {
				t.Errorf("village rows: %d %v", status, v)
			}
			// The same again is a conflict and writes nothing.
			audits := f.auditCount(t, "")
			status, v = f.do(t, "POST", "/api/v1/params", penglai, newParamBody("dibao.standard.urban", "370614000000", "110000", "2025-01-01"))
			wantError(t, status, v, http.StatusConflict, "conflict", "value")
			if f.paramCount(t) != n+1 || f.auditCount(t, "") != audits {
				t.Errorf("a refused duplicate left something")
			}
		})

		t.Run("输入有误", func(t *testing.T) {
			n := f.paramCount(t)
			for _, c := range []struct {
				name  string
				body  any
				field string
			}{
				{"金额不是整数", newParamBody("dibao.standard.urban", "370614", "1100.5", "2025-01-01"), "value"},
				{"没有这个参数", newParamBody("dibao.nothing", "370614", "1", "2025-01-01"), "name"},
				{"日期不对", newParamBody("dibao.standard.urban", "370614", "1", "2025-02-30"), "effective_from"},
				{"区划不存在", newParamBody("dibao.standard.urban", "370614999", "1", "2025-01-01"), "region"},
				{"未知字段", map[string]any{"name": "dibao.standard.urban", "bogus": 1}, "bogus"},
				{"值是列表", map[string]any{"name": "dibao.standard.urban", "value": []int{1}}, "value"},
				{"没有文件", map[string]any{"name": "dibao.standard.urban", "region": "370614", "value": "1", "effective_from": "2025-01-01"}, "document"},
			} {
				t.Run(c.name, func(t *testing.T) {
					status, v := f.do(t, "POST", "/api/v1/params", penglai, c.body)
					wantError(t, status, v, http.StatusBadRequest, "invalid", c.field)
				})
			}
			if f.paramCount(t) != n {
				t.Errorf("bad input stored rows")
			}
		})

		t.Run("辖区外被拒并记入日志", func(t *testing.T) {
			n := f.paramCount(t)
			before := f.auditCount(t, "scope.denied")
			status, v := f.do(t, "POST", "/api/v1/params", penglai, newParamBody("dibao.standard.urban", "320402", "100000", "2025-01-01"))
			wantError(t, status, v, http.StatusForbidden, "forbidden", "")
			status, v = f.do(t, "GET", "/api/v1/params?region=32", penglai, nil)
			wantError(t, status, v, http.StatusForbidden, "forbidden", "")
			status, v = f.do(t, "GET", "/api/v1/params/changes?region=32", penglai, nil)
			wantError(t, status, v, http.StatusForbidden, "forbidden", "")
			if got := f.auditCount(t, "scope.denied"); got != before+3 {
				t.Errorf("scope.denied %d → %d, want three more", before, got)
			}
			if f.paramCount(t) != n {
				t.Errorf("a refused row was stored")
			}
		})

		t.Run("无权设定", func(t *testing.T) {
			for _, who := range []string{"clerk", "auditor"} {
				tok := f.apiLogin(t, who)
				status, v := f.do(t, "POST", "/api/v1/params", tok, newParamBody("dibao.standard.urban", f.village, "100000", "2025-01-01"))
				wantError(t, status, v, http.StatusForbidden, "forbidden", "")
				// Reading is for every account.
				if status, _ := f.do(t, "GET", "/api/v1/params?name=dibao.standard.urban", tok, nil); status != http.StatusOK {
					t.Errorf("%s reading params: %d", who, status)
				}
			}
			status, v := f.do(t, "GET", "/api/v1/params", "", nil)
			wantError(t, status, v, http.StatusUnauthorized, "unauthorized", "")
		})

		t.Run("全国管理员设定全国标准", func(t *testing.T) {
			status, v := f.do(t, "POST", "/api/v1/params", admin, newParamBody("dibao.edge.multiple", "", "1.8", "2025-01-01"))
			if status != http.StatusCreated || jobj(t, v)["region"] != "000000000000" {
				t.Fatalf("national row: %d %v", status, v)
			}
			status, v = f.do(t, "POST", "/api/v1/params", f.apiLogin(t, "qhadmin"), newParamBody("dibao.edge.multiple", "", "1.9", "2025-01-01"))
			wantError(t, status, v, http.StatusForbidden, "forbidden", "")
		})

		t.Run("标准调整情况", func(t *testing.T) {
			f.seedDemoParams(t)
			status, v := f.do(t, "GET", "/api/v1/params/changes?region=370614&from=2020-06-01&to=2024-06-01", auditor, nil)
			if status != http.StatusOK {
				t.Fatalf("changes: %d %v", status, v)
			}
			m := jobj(t, v)
			if m["region"] != "370614000000" || m["from"] != "2020-06-01" || m["to"] != "2024-06-01" {
				t.Errorf("report head %v", m)
			}
			lines := map[string]map[string]any{}
			for _, it := range jarr(t, m["items"]) {
				o := jobj(t, it)
				lines[o["name"].(string)] = o
			}
			if jnum(t, m["total"]) != len(lines) {
				t.Errorf("total %v, %d lines", m["total"], len(lines))
			}
			sameJSON(t, lines["dibao.standard.urban"], `{"name":"dibao.standard.urban","title":"城市低保标准","unit":"分/人/月","old_fen":67900,"new_fen":100100,
				"old_since":"2020-01-01","new_since":"2024-01-01","changes":1,"growth":"47.42","demo":false}`)
			for name, want := range map[string]string{"dibao.standard.rural": "64.61", "tekun.standard.urban": "62.83", "tekun.standard.rural": "81.82"} {
				if lines[name]["growth"] != want {
					t.Errorf("%s growth %v, want %s", name, lines[name]["growth"], want)
				}
			}
			// A standard with no value at the start: the new value, no growth.
			if o := lines["orphan.standard"]; o["old_fen"] != nil || o["growth"] != nil || o["demo"] != true || jnum(t, o["new_fen"]) != 150000 {
				t.Errorf("orphan line %v", o)
			}

			// By default: the actor's region, a year up to today.
			_, v = f.do(t, "GET", "/api/v1/params/changes", penglai, nil)
			m = jobj(t, v)
			if m["region"] != "370614000000" || m["from"] != "2024-09-26" || m["to"] != "2025-09-26" {
				t.Errorf("defaults %v %v %v", m["region"], m["from"], m["to"])
			}
			for _, it := range jarr(t, m["items"]) {
				if o := jobj(t, it); o["name"] == "dibao.standard.urban" && (jnum(t, o["new_fen"]) != 110000 || jnum(t, o["old_fen"]) != 100100) {
					t.Errorf("the row added above is not in the report: %v", o)
				}
			}
			_, v = f.do(t, "GET", "/api/v1/params/changes", admin, nil)
			if jobj(t, v)["region"] != "000000000000" {
				t.Errorf("a national account's report is about %v", jobj(t, v)["region"])
			}
			status, v = f.do(t, "GET", "/api/v1/params/changes?from=2024-06-01&to=2020-06-01", penglai, nil)
			wantError(t, status, v, http.StatusBadRequest, "invalid", "from")
			status, v = f.do(t, "GET", "/api/v1/params/changes?to=2024-13-01", penglai, nil)
			wantError(t, status, v, http.StatusBadRequest, "invalid", "to")
		})
	})
}

// TestParamPages: the catalog, a parameter's history with its form, the
// report; adding a standard from the form, and what the form refuses.
func TestParamPages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.seedDemoParams(t)
		pl := f.browser(t)
		pl.login(t, "penglai")

		t.Run("标准目录", func(t *testing.T) {
			p := pl.get(t, "/staff/params")
			for _, w := range []string{"<title>标准管理 · 民政社会救助</title>", `href="/staff/params" class="active">标准管理</a>`,
				"山东省烟台市蓬莱区 2025-09-26 适用", "城市低保标准", "1001.00 元/人/月", "1.5 倍",
				`<span class="tag warn" title="演示数据选定的值，并非文件规定">演示</span>`,
				`href="/staff/params/dibao.standard.urban?region=370614"`} {
				if !strings.Contains(p.Body, w) {
					t.Errorf("catalog lacks %q", w)
				}
			}
			if p.Status != http.StatusOK {
				t.Errorf("status %d", p.Status)
			}
			// 特困 = 1.3 × 低保 where the demo says so, with its amount.
			p = pl.get(t, "/staff/params?region=320402")
			if p.Status != http.StatusForbidden {
				t.Errorf("天宁 for a 蓬莱 officer: %d", p.Status)
			}
			tn := f.browser(t)
			tn.login(t, "tianning")
			p = tn.get(t, "/staff/params")
			if !strings.Contains(p.Body, "1.3 × 城市低保标准") || !strings.Contains(p.Body, "即 1222.00 元/人/月") {
				t.Errorf("天宁's 特困 formula not shown with its amount")
			}
		})

		t.Run("历次设定", func(t *testing.T) {
			p := pl.get(t, "/staff/params/dibao.standard.urban")
			for _, w := range []string{"城市低保标准 · 标准管理", "679.00 元/人/月", "1001.00 元/人/月", "烟台市蓬莱区民政局工作总结（种子文件000）",
				"生效日期为演示所选", `<span class="tag">现行</span>`, "设定新标准", `name="csrf"`, `name="region" value="370614"`} {
				if !strings.Contains(p.Body, w) {
					t.Errorf("history lacks %q", w)
				}
			}
			aud := f.browser(t)
			aud.login(t, "auditor")
			p = aud.get(t, "/staff/params/dibao.standard.urban?region=370614")
			if p.Status != http.StatusOK || strings.Contains(p.Body, "设定新标准") || !strings.Contains(p.Body, "1001.00") {
				t.Errorf("auditor's view: %d, form shown %v", p.Status, strings.Contains(p.Body, "设定新标准"))
			}
			if p := pl.get(t, "/staff/params/dibao.nothing"); p.Status != http.StatusNotFound {
				t.Errorf("unknown parameter: %d", p.Status)
			}
		})

		const path = "/staff/params/dibao.standard.urban?region=370614"
		form := func() url.Values {
			return url.Values{"region": {"370614"}, "value": {"1100"}, "effective_from": {"2025-01-01"},
				"document.number": {"蓬民发〔2025〕3号"}, "document.title": {"关于提高低保标准的通知"}, "document.article": {"第一条"},
				"document.url": {"https://example.gov.cn/3"}}
		}

		t.Run("表单设定标准", func(t *testing.T) {
			n := f.paramCount(t)
			p := pl.submit(t, path, path, form())
			if p.Status != http.StatusSeeOther || p.Header.Get("Location") != path {
				t.Fatalf("submit: %d %q\n%s", p.Status, p.Header.Get("Location"), p.Body)
			}
			if f.paramCount(t) != n+1 {
				t.Errorf("no row stored")
			}
			p = pl.get(t, path)
			for _, w := range []string{"已设定山东省烟台市蓬莱区城市低保标准：自 2025-01-01 起为 1100.00 元/人/月", `href="https://example.gov.cn/3"`,
				"蓬民发〔2025〕3号", "penglai_county", "2025-09-26 09:00:00"} {
				if !strings.Contains(p.Body, w) {
					t.Errorf("page after saving lacks %q", w)
				}
			}
		})

		t.Run("表单出错", func(t *testing.T) {
			n := f.paramCount(t)
			bad := form()
			bad.Set("value", "1200")
			bad.Del("document.number")
			bad.Del("document.title")
			p := pl.submit(t, path, path, bad)
			if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, fieldErr("请填写设定该标准的文件（文号或文件名）")) ||
				!strings.Contains(p.Body, `name="value" value="1200"`) {
				t.Errorf("no document: %d\n%s", p.Status, p.Body)
			}
			bad = form()
			bad.Set("value", "12.345")
			if p := pl.submit(t, path, path, bad); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `<p class="field-error">金额`) {
				t.Errorf("bad amount: %d", p.Status)
			}
			// The same as the last entry for that day: a conflict, shown by the form.
			if p := pl.submit(t, path, path, form()); p.Status != http.StatusConflict || !strings.Contains(p.Body, "无需重复录入") {
				t.Errorf("duplicate: %d", p.Status)
			}
			if f.paramCount(t) != n {
				t.Errorf("a refused form stored a row")
			}
		})

		t.Run("表单越权", func(t *testing.T) {
			n := f.paramCount(t)
			other := form()
			other.Set("region", "320402")
			before := f.auditCount(t, "scope.denied")
			if p := pl.submit(t, path, path, other); p.Status != http.StatusForbidden || !strings.Contains(p.Body, `class="alert error"`) {
				t.Errorf("out of region: %d", p.Status)
			}
			if f.auditCount(t, "scope.denied") != before+1 {
				t.Errorf("the refusal was not audited")
			}
			// Without the CSRF token nothing happens.
			if p := pl.post(t, path, form()); p.Status != http.StatusForbidden {
				t.Errorf("without csrf: %d", p.Status)
			}
			clerk := f.browser(t)
			clerk.login(t, "clerk")
			p := clerk.get(t, "/staff/params/dibao.standard.urban")
			if p.Status != http.StatusOK || strings.Contains(p.Body, "设定新标准") {
				t.Errorf("village clerk's view: %d", p.Status)
			}
			tok := csrfMeta.FindStringSubmatch(p.Body)[1]
			mine := form()
			mine.Set("region", f.village)
			mine.Set("csrf", tok)
			if p := clerk.post(t, "/staff/params/dibao.standard.urban", mine); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "无权设定救助标准") {
				t.Errorf("village clerk submitting: %d", p.Status)
			}
			if f.paramCount(t) != n {
				t.Errorf("a refused form stored a row")
			}
		})

		t.Run("标准调整情况表", func(t *testing.T) {
			p := pl.get(t, "/staff/params/changes?region=370614&from=2020-06-01&to=2024-06-01")
			for _, w := range []string{"<title>标准调整情况 · 民政社会救助</title>", "679.00", "1001.00", "47.42", "486.00", "800.00", "64.61",
				"861.00", "1402.00", "62.83", "616.00", "1120.00", "81.82", `value="2020-06-01"`} {
				if !strings.Contains(p.Body, w) {
					t.Errorf("report lacks %q", w)
				}
			}
			if p := pl.get(t, "/staff/params/changes?from=2020-02-30"); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "起始日期") {
				t.Errorf("bad date: %d", p.Status)
			}
			if p := pl.get(t, "/staff/params/changes?region=63"); p.Status != http.StatusForbidden {
				t.Errorf("青海 for a 蓬莱 officer: %d", p.Status)
			}
			p = pl.get(t, "/staff/params/changes")
			if p.Status != http.StatusOK || !strings.Contains(p.Body, `value="2024-09-26"`) || !strings.Contains(p.Body, "1100.00") {
				t.Errorf("default period: %d", p.Status)
			}
		})
	})
}
