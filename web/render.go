package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/job"
	"minzheng/region"
	"minzheng/registry"
)

// pageTemplate is one page: the layout with the page's own templates.
type pageTemplate struct{ t *template.Template }

var funcs = template.FuncMap{
	"roleName":   func(r auth.Role) string { return r.Chinese() },
	"levelName":  func(l region.Level) string { return l.Chinese() },
	"actionName": audit.ActionName,
	"codeName":   func(l any, code string) string { return l.(interface{ Name(string) string }).Name(code) },
	"yuan":       func(f minzheng.Fen) string { return f.Yuan() },
	"age":        func(birth, on minzheng.Date) int { return registry.Age(birth, on) },
	"field":      func(prefix string, i int, name string) string { return fmt.Sprintf("%s[%d].%s", prefix, i, name) },
	"seqFrom": func(from, to int) []int {
		var out []int
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	},
	"statusName": func(s job.Status) string { return s.Chinese() },
	"short":      region.Short,
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(minzheng.China).Format("2006-01-02 15:04:05")
	},
	"date":    func(d minzheng.Date) string { return d.String() },
	"join":    strings.Join,
	"add":     func(a, b int) int { return a + b },
	"maskID":  minzheng.MaskID,
	"pathStr": func(p []string) string { return strings.Join(p, " / ") },
}

// loadPages parses every page with the layout.
func loadPages() (map[string]*pageTemplate, error) {
	layout, err := fs.ReadFile(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	pages := map[string]*pageTemplate{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" {
			continue
		}
		body, err := fs.ReadFile(templateFiles, "templates/"+e.Name())
		if err != nil {
			return nil, err
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err != nil {
			return nil, fmt.Errorf("web: layout: %w", err)
		}
		if _, err := t.New(name).Parse(string(body)); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[name] = &pageTemplate{t}
	}
	return pages, nil
}

// page is what every page template gets.
type page struct {
	Title   string
	Menu    string // the menu entry to highlight
	User    *auth.User
	Where   string // the user's region path, or 全国
	CSRF    string
	Version string
	Flash   string
	Err     *minzheng.Error // a form's error, shown next to its field
	Form    url.Values      // a form's input, kept after an error
	Data    any
	can     func(auth.Permission) bool
}

// Can tells the template whether the user holds a permission, so that
// buttons for what they may not do are not shown (the handlers check again).
func (p page) Can(perm string) bool { return p.can != nil && p.can(auth.Permission(perm)) }

// FieldErr is the error message for one form field, if the error is its.
func (p page) FieldErr(field string) string {
	if p.Err != nil && p.Err.Field == field {
		return p.Err.Message
	}
	return ""
}

// ErrUnder is the error message when the error's field lies under prefix
// (one member's fields, say).
func (p page) ErrUnder(prefix string) string {
	if p.Err != nil && strings.HasPrefix(p.Err.Field, prefix) {
		return p.Err.Message
	}
	return ""
}

// Value is a form field's input, kept after an error.
func (p page) Value(field string) string { return p.Form.Get(field) }

// render writes a page with status 200 (or the status of p.Err).
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, p page) {
	s.renderTemplate(w, r, name, "layout", p)
}

// renderFragment writes one named template of a page, for htmx swaps.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name, fragment string, p page) {
	s.renderTemplate(w, r, name, fragment, p)
}

func (s *Server) renderTemplate(w http.ResponseWriter, r *http.Request, name, tmpl string, p page) {
	pt, ok := s.pages[name]
	if !ok {
		s.renderError(w, r, fmt.Errorf("web: no page %q", name))
		return
	}
	p.CSRF = csrfToken(w, r)
	p.Version = s.version
	if u, ok := userFrom(r); ok {
		p.User = &u
		a := u.Actor()
		p.can = func(perm auth.Permission) bool { return auth.Can(a, perm) }
		p.Where = s.regionPath(r, u.Region, u.RegionLevel)
	}
	if c, err := r.Cookie("mz_flash"); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			p.Flash = v
		}
		clearCookie(w, r, "mz_flash")
	}
	var buf bytes.Buffer
	if err := pt.t.ExecuteTemplate(&buf, tmpl, p); err != nil {
		slog.Error("render", "page", name, "err", err)
		http.Error(w, internalMessage, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	if p.Err != nil {
		status = statusOf[p.Err.Code]
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// regionPath names a region from the province down, or 全国.
func (s *Server) regionPath(r *http.Request, c region.Code, l region.Level) string {
	if c == region.Country {
		return "全国"
	}
	reg, err := s.db.Region(r.Context(), c, l)
	if err != nil {
		return region.Short(c, l)
	}
	return strings.Join(reg.Path, " / ")
}

// renderError shows an error page; a request with no session that is
// refused for it goes to the sign-in page instead.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := s.publicError(r, err)
	if e.Code == minzheng.CodeUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/staff/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(statusOf[e.Code])
		fmt.Fprintf(w, `<div class="alert error">%s</div>`, template.HTMLEscapeString(e.Message))
		return
	}
	s.render(w, r, "error", page{Title: "出错了", Err: e})
}

// redirectFlash redirects after a successful form, with a one-time message.
func redirectFlash(w http.ResponseWriter, r *http.Request, to, msg string) {
	setCookie(w, r, "mz_flash", url.QueryEscape(msg), 60)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// intParam reads an optional positive integer query parameter.
func intParam(r *http.Request, name string, def int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, minzheng.Invalid(name, "参数 %s 应为正整数", name)
	}
	return n, nil
}
