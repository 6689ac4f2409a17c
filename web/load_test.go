package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"minzheng"
)

// TestCaseFlowLoad is the load test of issue 5: 100 concurrent workers move
// 低保 applications through the flow over HTTP on the loopback — register,
// accept, request verification, record it, home visit, opinion, notice —
// on SQLite and PostgreSQL, and report p50/p99 per action and actions per
// second. It runs only with MINZHENG_LOAD=1 (it reports; it does not time
// out CI): MINZHENG_LOAD=1 go test ./web -run TestCaseFlowLoad -v
func TestCaseFlowLoad(t *testing.T) {
	if os.Getenv("MINZHENG_LOAD") == "" {
		t.Skip("set MINZHENG_LOAD=1 to run the load test")
	}
	workers, perWorker := 100, 5
	if n, err := strconv.Atoi(os.Getenv("MINZHENG_LOAD_WORKERS")); err == nil && n > 0 {
		workers = n
	}
	each(t, func(t *testing.T, f *fixture) {
		policySetup(t, f, 1800)
		sys := minzheng.WithActor(context.Background(), minzheng.System("test"))
		cols, err := f.db.PolicyColumns(sys, "370614107000", minzheng.DateOf(f.clk.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if cols.Len() < workers*perWorker {
			t.Fatalf("only %d households in 大辛店镇", cols.Len())
		}
		dxd, penglai := f.apiLogin(t, "dxd"), f.apiLogin(t, "penglai")
		type sample struct {
			action string
			d      time.Duration
		}
		var mu sync.Mutex
		var samples []sample
		var failures []string
		steps := []struct {
			action string
			tok    string
			body   any
		}{
			{"accept", dxd, nil}, {"request_verification", dxd, nil}, {"record_verification", penglai, map[string]any{"result": "pass"}},
			{"home_visit", dxd, map[string]any{"investigators": []string{"王明", "李华"}, "signed": true}},
			{"township_opinion", dxd, map[string]any{"opinion": "agree"}}, {"post_notice", dxd, nil},
		}
		start := time.Now()
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for k := 0; k < perWorker; k++ {
					hid := cols.ID[w*perWorker+k]
					t0 := time.Now()
					resp := f.request(t, "POST", "/api/v1/cases", dxd, map[string]any{"program": "dibao", "household_id": hid}, nil)
					status, v := decodeResp(t, resp)
					mu.Lock()
					samples = append(samples, sample{"create", time.Since(t0)})
					mu.Unlock()
					if status != http.StatusCreated {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("create %d: %d %v", hid, status, v))
						mu.Unlock()
						continue
					}
					id := jnum(t, jobj(t, v)["id"])
					for _, s := range steps {
						t0 := time.Now()
						resp := f.request(t, "POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, s.action), s.tok, s.body, nil)
						status, v := decodeResp(t, resp)
						mu.Lock()
						samples = append(samples, sample{s.action, time.Since(t0)})
						if status != http.StatusOK {
							failures = append(failures, fmt.Sprintf("%s %d: %d %v", s.action, id, status, v))
						}
						mu.Unlock()
					}
				}
			}(w)
		}
		wg.Wait()
		elapsed := time.Since(start)
		if len(failures) > 0 {
			t.Fatalf("%d failures, first: %s", len(failures), failures[0])
		}
		by := map[string][]time.Duration{}
		var all []time.Duration
		for _, s := range samples {
			by[s.action] = append(by[s.action], s.d)
			all = append(all, s.d)
		}
		pct := func(ds []time.Duration, p float64) time.Duration {
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			return ds[int(float64(len(ds)-1)*p)]
		}
		for _, a := range append([]string{"create"}, "accept", "request_verification", "record_verification", "home_visit", "township_opinion", "post_notice") {
			t.Logf("%-22s n=%4d p50=%8v p99=%8v", a, len(by[a]), pct(by[a], 0.5).Round(time.Microsecond), pct(by[a], 0.99).Round(time.Microsecond))
		}
		t.Logf("all: %d actions in %v = %.0f actions/s; p50 %v, p99 %v", len(all), elapsed.Round(time.Millisecond),
			float64(len(all))/elapsed.Seconds(), pct(all, 0.5).Round(time.Microsecond), pct(all, 0.99).Round(time.Microsecond))
	})
}
