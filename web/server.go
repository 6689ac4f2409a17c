// Package web is the program's HTTP side: the staff pages under /staff/
// (html/template and htmx, everything embedded, nothing fetched from the
// internet), the JSON API under /api/v1/ with its OpenAPI document, the
// public portal at / and /portal/, /healthz and /metrics.
//
// Errors are mapped to HTTP in one place (writeError, renderError): a
// *minzheng.Error shows its Chinese message; anything else is logged and
// shown as a generic internal error, never with its own text.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/job"
	"minzheng/sqldb"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Server serves the program over HTTP.
type Server struct {
	db       *sqldb.DB
	auth     *auth.Service
	calendar *calendar.Book
	jobs     *job.Runner
	clock    minzheng.Clock
	hasher   auth.Hasher
	version  string
	dataDir  string // where uploads wait for their jobs

	mux       *http.ServeMux
	pages     map[string]*pageTemplate
	metrics   *metrics
	api       []apiRoute
	loginRate *limiter // sign-in attempts per client address
}

// Config is what a Server is built from.
type Config struct {
	DB       *sqldb.DB
	Calendar *calendar.Book
	Jobs     *job.Runner
	Clock    minzheng.Clock
	Hasher   auth.Hasher // password cost for accounts created through the web
	Version  string
	DataDir  string // uploads; a folder in the system's temporary folder when empty
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	s := &Server{
		db:       cfg.DB,
		auth:     &auth.Service{Store: cfg.DB, Clock: cfg.Clock},
		calendar: cfg.Calendar,
		jobs:     cfg.Jobs,
		clock:    cfg.Clock,
		hasher:   cfg.Hasher,
		version:  cfg.Version,
		dataDir:  cfg.DataDir,
		mux:      http.NewServeMux(),
		metrics:  newMetrics(),
		// Twenty sign-ins a minute from one address, after a burst of
		// twenty: a whole office behind one address can still sign in in
		// the morning; a password sprayer is slowed to a crawl.
		loginRate: newLimiter(20, 20),
	}
	if s.hasher.Time == 0 {
		s.hasher = auth.DefaultHasher
	}
	var err error
	if s.pages, err = loadPages(); err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /metrics", s.serveMetrics)
	s.routeAPI()
	s.routePages()
	registerJobs(s)
	s.registerImport()
	s.registerSimulate()
	return s, nil
}

// Handler is the server's whole HTTP handler, with the middleware every
// request passes: panic recovery, metrics and access log, security headers,
// and who the request acts as.
func (s *Server) Handler() http.Handler {
	return s.recoverPanics(s.observe(securityHeaders(s.identify(s.mux))))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.db.CountUsers(ctx); err != nil {
		slog.Error("healthz", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

// recoverPanics turns a handler's panic into a 500 without its text.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				slog.Error("panic", "pattern", r.Pattern, "panic", p)
				s.fail(w, r, &minzheng.Error{Code: minzheng.CodeInternal, Message: internalMessage})
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// fail answers an error in the form the request expects: JSON under
// /api/, a page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeError(w, r, err)
		return
	}
	s.renderError(w, r, err)
}
