package web

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// waitJob polls GET /api/v1/jobs/{id} until the job has ended.
func (f *fixture) waitJob(t *testing.T, token string, id int64) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, v := f.do(t, "GET", idPath("/api/v1/jobs/", id), token, nil)
		if status != http.StatusOK {
			t.Fatalf("job %d: status %d %v", id, status, v)
		}
		j := jobj(t, v)
		if s := j["status"]; s == "done" || s == "failed" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %v after 5 s", id, j["status"])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAuditVerifyJob starts a verification of the log as a background job
// and follows it to its end.
func TestAuditVerifyJob(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.apiLogin(t, "admin")

		status, v := f.do(t, "POST", "/api/v1/audit/verify", admin, nil)
		if status != http.StatusAccepted {
			t.Fatalf("status %d %v", status, v)
		}
		j := jobj(t, v)
		id := int64(jnum(t, j["id"]))
		if j["kind"] != "audit.verify" || j["title"] != "校验操作日志哈希链" || j["created_by"] != "admin" || j["region"] != "" {
			t.Errorf("new job %v", j)
		}
		if s := j["status"]; s != "queued" && s != "running" && s != "done" {
			t.Errorf("new job status %v", s)
		}

		j = f.waitJob(t, admin, id)
		if j["status"] != "done" || jnum(t, j["percent"]) != 100 || j["finished_at"] == nil || j["started_at"] == nil {
			t.Fatalf("job ended %v", j)
		}
		res := jobj(t, j["result"])
		// The log as it stands now: everything the job saw, and its own
		// job.done written after it finished.
		es, total := f.auditEntries(t, admin, "per_page=1")
		if es[0]["action"] != "job.done" || es[0]["entity_id"] != idStr(id) {
			t.Errorf("newest entry %v, want the job's job.done", es[0])
		}
		if res["ok"] != true || jnum(t, res["entries"]) != total-1 || jnum(t, res["last_seq"]) != total-1 {
			t.Errorf("result %v, want ok with %d entries", res, total-1)
		}
		if _, has := res["problem"]; has {
			t.Errorf("result has a problem: %v", res)
		}
		if es := auditOf(t, f, admin, "action=job.create&entity_id="+idStr(id)); len(es) != 1 || es[0]["actor"] != "admin" {
			t.Errorf("job.create entries %v", es)
		}

		// The list of jobs shows it.
		status, v = f.do(t, "GET", "/api/v1/jobs", admin, nil)
		if status != http.StatusOK {
			t.Fatalf("jobs: %d %v", status, v)
		}
		if js, n := jitems(t, v); n != 1 || js[0]["status"] != "done" {
			t.Errorf("jobs %v", js)
		}

		// A second run counts the entries the first one added.
		status, v = f.do(t, "POST", "/api/v1/audit/verify", f.apiLogin(t, "auditor"), nil)
		if status != http.StatusAccepted {
			t.Fatalf("auditor: status %d %v", status, v)
		}
		j2 := f.waitJob(t, admin, int64(jnum(t, jobj(t, v)["id"])))
		if r := jobj(t, j2["result"]); r["ok"] != true || jnum(t, r["entries"]) <= jnum(t, res["entries"]) {
			t.Errorf("second result %v", r)
		}

		t.Run("县级干部和辖区内管理员不能发起", func(t *testing.T) {
			for _, who := range []string{"penglai", "qhadmin", "clerk"} {
				status, v := f.do(t, "POST", "/api/v1/audit/verify", f.apiLogin(t, who), nil)
				wantError(t, status, v, 403, "forbidden", "")
			}
			status, v := f.do(t, "GET", "/api/v1/jobs", admin, nil)
			if _, n := jitems(t, v); status != http.StatusOK || n != 2 {
				t.Errorf("jobs after refusals: %d %v", status, v)
			}
		})

		t.Run("辖区外的任务看不到", func(t *testing.T) {
			penglai := f.apiLogin(t, "penglai")
			before := f.auditCount(t, "scope.denied")
			status, v := f.do(t, "GET", idPath("/api/v1/jobs/", id), penglai, nil)
			wantError(t, status, v, 403, "forbidden", "")
			if got := f.auditCount(t, "scope.denied"); got != before+1 {
				t.Errorf("scope.denied %d → %d", before, got)
			}
			status, v = f.do(t, "GET", "/api/v1/jobs", penglai, nil)
			if _, n := jitems(t, v); status != http.StatusOK || n != 0 {
				t.Errorf("penglai's jobs: %d %v", status, v)
			}
			status, v = f.do(t, "GET", "/api/v1/jobs/99999", admin, nil)
			wantError(t, status, v, 404, "not_found", "")
		})

		t.Run("任务页面有进度条", func(t *testing.T) {
			b := f.browser(t)
			b.login(t, "admin")
			p := b.get(t, idPath("/staff/jobs/", id))
			if p.Status != http.StatusOK {
				t.Fatalf("job page: %d", p.Status)
			}
			for _, want := range []string{`<progress class="bar" max="100" value="100"`, "已完成", "日志完整", "校验操作日志哈希链"} {
				if !strings.Contains(p.Body, want) {
					t.Errorf("job page lacks %q", want)
				}
			}
			// A finished job is not polled any more.
			if strings.Contains(p.Body, `hx-trigger="every 1s"`) {
				t.Errorf("finished job page still polls")
			}
			p = b.get(t, idPath("/staff/jobs/", id)+"/progress", "HX-Request", "true")
			if p.Status != http.StatusOK || !strings.Contains(p.Body, "<progress") || strings.Contains(p.Body, "<html") {
				t.Errorf("progress fragment: %d %q", p.Status, p.Body)
			}
			p = b.get(t, "/staff/jobs")
			if p.Status != http.StatusOK || !strings.Contains(p.Body, "<progress") || !strings.Contains(p.Body, idPath("/staff/jobs/", id)) {
				t.Errorf("jobs page: %d", p.Status)
			}
		})

		t.Run("从操作日志页面发起", func(t *testing.T) {
			b := f.browser(t)
			b.login(t, "admin")
			p := b.get(t, "/staff/audit")
			if !strings.Contains(p.Body, `action="/staff/audit/verify"`) {
				t.Fatalf("audit page has no verify button")
			}
			p = b.submit(t, "/staff/audit", "/staff/audit/verify", map[string][]string{})
			loc := p.Header.Get("Location")
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/jobs/") {
				t.Fatalf("verify form: %d → %q", p.Status, loc)
			}
			// A county officer has no such button, and the form refuses it.
			c := f.browser(t)
			c.login(t, "penglai")
			if p := c.get(t, "/staff/audit"); p.Status != http.StatusOK || strings.Contains(p.Body, `action="/staff/audit/verify"`) {
				t.Errorf("penglai's audit page: %d, verify button shown: %v", p.Status, strings.Contains(p.Body, "/staff/audit/verify"))
			}
			if p := c.submit(t, "/staff/audit", "/staff/audit/verify", map[string][]string{}); p.Status != http.StatusForbidden {
				t.Errorf("penglai's verify form: %d", p.Status)
			}
		})
	})
}
