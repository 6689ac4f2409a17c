package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"minzheng"
	"minzheng/region"
)

// internalMessage is all a user is told of an error that is not theirs.
const internalMessage = "系统内部错误，请稍后再试；如果一直出现，请联系管理员"

// statusOf maps an error code to its HTTP status (GLOSSARY.md).
var statusOf = map[string]int{
	minzheng.CodeInvalid:         http.StatusBadRequest,
	minzheng.CodeUnauthorized:    http.StatusUnauthorized,
	minzheng.CodeForbidden:       http.StatusForbidden,
	minzheng.CodeNotFound:        http.StatusNotFound,
	minzheng.CodeConflict:        http.StatusConflict,
	minzheng.CodeTooLarge:        http.StatusRequestEntityTooLarge,
	minzheng.CodeTooManyRequests: http.StatusTooManyRequests,
	minzheng.CodeInternal:        http.StatusInternalServerError,
}

// publicError is the one place an error becomes what a user sees. An
// *minzheng.Error passes as it is; anything else is logged with the request
// and becomes a generic internal error. A refusal for want of permission is
// audited here; a refusal for scope was audited by the store that found it.
func (s *Server) publicError(r *http.Request, err error) *minzheng.Error {
	e, ok := minzheng.AsError(err)
	if !ok || statusOf[e.Code] == 0 || e.Code == minzheng.CodeInternal {
		slog.Error("request failed", "method", r.Method, "pattern", r.Pattern, "err", err)
		return &minzheng.Error{Code: minzheng.CodeInternal, Message: internalMessage}
	}
	if e.Code == minzheng.CodeForbidden && !errors.Is(err, minzheng.ErrForbidden) && e != errCSRF {
		if aerr := s.db.AuditDenied(r.Context(), e.Message+"（"+r.Pattern+"）", "request", r.Pattern, region.Country); aerr != nil {
			slog.Error("audit denied", "err", aerr)
		}
	}
	return e
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// writeError answers an API error as {"error":{"code","message","field"?}}.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := s.publicError(r, err)
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.Field = e.Code, e.Message, e.Field
	if e.Code == minzheng.CodeUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="minzheng"`)
	}
	writeJSON(w, statusOf[e.Code], b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Error("write json", "err", err)
	}
}
