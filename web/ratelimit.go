package web

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"minzheng"
)

// limiter allows each client address a burst of requests and then a steady
// rate (a token bucket per address). It guards sign-in now and the public
// portal's forms later. Addresses are the connection's: a proxy in front
// must be configured to pass clients through, or all share one bucket.
type limiter struct {
	rate  float64 // tokens per second
	burst float64

	// now is the real clock: a demo's fixed clock must not stop the
	// buckets from refilling. Tests replace it.
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{rate: float64(perMinute) / 60, burst: float64(burst), buckets: map[string]*bucket{}, now: time.Now}
}

// allow takes a token for key; when none is left it says how long to wait.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute && len(l.buckets) > 1000 {
		// Forget addresses whose bucket has refilled: they cost nothing to
		// recreate, and the map stays small under a spray of addresses.
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// clientAddr is the address a request came from, without its port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// errRateLimited answers a client over its limit.
var errRateLimited = &minzheng.Error{Code: minzheng.CodeTooManyRequests, Message: "操作过于频繁，请稍后再试"}

// limit refuses a request over the client's limit with 429 and Retry-After.
func (s *Server) limit(l *limiter, r *http.Request, w http.ResponseWriter) error {
	ok, wait := l.allow(clientAddr(r), l.now())
	if ok {
		return nil
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return errRateLimited
}
