package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics counts requests for /metrics, in the Prometheus text format. It is
// a few counters and one histogram, written by hand rather than pulling in a
// client library for them.
type metrics struct {
	mu       sync.Mutex
	requests map[[3]string]uint64 // method, route pattern, status → count
	buckets  []float64
	hist     map[string]*histogram // route pattern → durations
	started  time.Time
}

type histogram struct {
	counts []uint64 // per bucket, cumulative at output
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{
		requests: map[[3]string]uint64{},
		buckets:  []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		hist:     map[string]*histogram{},
		started:  time.Now(),
	}
}

func (m *metrics) observe(method, pattern string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[3]string{method, pattern, fmt.Sprint(status)}]++
	h := m.hist[pattern]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(m.buckets))}
		m.hist[pattern] = h
	}
	sec := d.Seconds()
	for i, b := range m.buckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.n++
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// observe counts and logs every request by its route pattern, never by its
// path or query, which may one day hold personal data.
func (s *Server) observe(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		// The route is looked up here, since the mux records it on the
		// request copy the inner middleware made, not on this one.
		_, pattern := s.mux.Handler(r)
		h.ServeHTTP(sw, r)
		d := time.Since(start)
		if pattern == "" {
			pattern = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.metrics.observe(r.Method, pattern, sw.status, d)
		if !strings.HasPrefix(pattern, "GET /static/") {
			slog.Info("http", "method", r.Method, "pattern", pattern, "status", sw.status, "ms", d.Milliseconds())
		}
	})
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	m := s.metrics
	var b strings.Builder
	m.mu.Lock()
	b.WriteString("# HELP minzheng_http_requests_total HTTP requests by method, route and status.\n# TYPE minzheng_http_requests_total counter\n")
	keys := make([][3]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return strings.Join(keys[i][:], " ") < strings.Join(keys[j][:], " ") })
	for _, k := range keys {
		fmt.Fprintf(&b, "minzheng_http_requests_total{method=%q,route=%q,status=%q} %d\n", k[0], k[1], k[2], m.requests[k])
	}
	b.WriteString("# HELP minzheng_http_request_duration_seconds HTTP request duration by route.\n# TYPE minzheng_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.hist))
	for k := range m.hist {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, rt := range routes {
		h := m.hist[rt]
		var cum uint64
		for i, le := range m.buckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "minzheng_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", rt, le, cum)
		}
		fmt.Fprintf(&b, "minzheng_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", rt, h.n)
		fmt.Fprintf(&b, "minzheng_http_request_duration_seconds_sum{route=%q} %g\n", rt, h.sum)
		fmt.Fprintf(&b, "minzheng_http_request_duration_seconds_count{route=%q} %d\n", rt, h.n)
	}
	started := m.started
	m.mu.Unlock()

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(&b, "# HELP minzheng_uptime_seconds Seconds since the server started.\n# TYPE minzheng_uptime_seconds gauge\nminzheng_uptime_seconds %g\n", time.Since(started).Seconds())
	fmt.Fprintf(&b, "# HELP go_goroutines Goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# HELP go_memstats_heap_alloc_bytes Heap bytes in use.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	if counts, err := s.db.JobCounts(r.Context()); err == nil {
		b.WriteString("# HELP minzheng_jobs Background jobs by status.\n# TYPE minzheng_jobs gauge\n")
		for _, st := range []string{"queued", "running", "done", "failed"} {
			fmt.Fprintf(&b, "minzheng_jobs{status=%q} %d\n", st, counts[st])
		}
	}
	if st := s.db.Stats(); st.OpenConnections >= 0 {
		fmt.Fprintf(&b, "# HELP minzheng_db_open_connections Open database connections.\n# TYPE minzheng_db_open_connections gauge\nminzheng_db_open_connections %d\n", st.OpenConnections)
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}
