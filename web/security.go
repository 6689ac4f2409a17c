package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"minzheng"
	"minzheng/auth"
)

// maxForm is the largest ordinary form a page may post.
const maxForm = 1 << 20

const (
	sessionCookie = "mz_session"
	csrfCookie    = "mz_csrf"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

type userKey struct{}

// userFrom returns the signed-in account of a request, if any.
func userFrom(r *http.Request) (auth.User, bool) {
	u, ok := r.Context().Value(userKey{}).(auth.User)
	return u, ok
}

// identify works out who a request acts as and puts the actor in its
// context: a bearer token under /api/, the session cookie elsewhere, the
// anonymous actor when there is neither. A token that is present but
// invalid is refused on the API (401); a stale cookie just signs the browser
// out.
func (s *Server) identify(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := minzheng.WithActor(r.Context(), minzheng.Anonymous)
		r = r.WithContext(ctx)
		var u auth.User
		var err error
		found := false
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if hv := r.Header.Get("Authorization"); hv != "" {
				token, ok := strings.CutPrefix(hv, "Bearer ")
				if !ok {
					s.writeError(w, r, &minzheng.Error{Code: minzheng.CodeUnauthorized, Message: "Authorization 头应为 Bearer 令牌"})
					return
				}
				if u, err = s.db.SessionUser(ctx, auth.KindAPI, strings.TrimSpace(token)); err != nil {
					s.writeError(w, r, err)
					return
				}
				found = true
			}
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
			if u, err = s.db.SessionUser(ctx, auth.KindSession, c.Value); err == nil {
				found = true
			} else {
				clearCookie(w, r, sessionCookie)
			}
		}
		if found {
			ctx = context.WithValue(minzheng.WithActor(ctx, u.Actor()), userKey{}, u)
			r = r.WithContext(ctx)
		}
		h.ServeHTTP(w, r)
	})
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	setCookie(w, r, name, "", -1)
}

// csrfToken returns the browser's CSRF token, setting the cookie that holds
// it when there is none yet. Every form carries it back (double submit);
// SameSite cookies are the second line.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	t := randomToken()
	setCookie(w, r, csrfCookie, t, 0)
	return t
}

// errCSRF refuses a form without its token. It is not audited: it says
// nothing about the actor's rights, and anyone could post such forms to
// fill the log.
var errCSRF = &minzheng.Error{Code: minzheng.CodeForbidden, Message: "页面已过期或来源不明，请刷新页面后重试"}

// checkCSRF guards every state-changing staff request: the token in the
// form (or the X-CSRF-Token header htmx sends) must equal the cookie's.
func (s *Server) checkCSRF(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		// Bound the body before anything reads it: a form is small, an
		// upload at most maxUpload. Reading the token parses the body, and
		// a multipart body is kept on disk past 32 MiB, so the bound must
		// come first.
		limit := int64(maxForm)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit = maxUpload
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		c, err := r.Cookie(csrfCookie)
		sent := r.Header.Get(csrfHeader)
		if sent == "" {
			if perr := r.ParseMultipartForm(32 << 20); perr != nil && !errors.Is(perr, http.ErrNotMultipart) {
				var tooBig *http.MaxBytesError
				if errors.As(perr, &tooBig) {
					s.renderError(w, r, &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file",
						Message: fmt.Sprintf("提交的内容太大，不能超过 %d MB", limit>>20)})
					return
				}
			}
			sent = r.PostFormValue(csrfField)
		}
		if err != nil || len(c.Value) < 32 || subtle.ConstantTimeCompare([]byte(c.Value), []byte(sent)) != 1 {
			s.renderError(w, r, errCSRF)
			return
		}
		h.ServeHTTP(w, r)
	})
}
