// Package minzheng holds the vocabulary every part of the program shares:
// the error type users see, the actor a request acts as, the clock, civil
// dates, benefit months and money in fen.
//
// It imports nothing of the project, so every other package may import it.
package minzheng

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Error codes, one per HTTP status the web layer answers (GLOSSARY.md).
const (
	CodeInvalid         = "invalid"           // 400
	CodeUnauthorized    = "unauthorized"      // 401
	CodeForbidden       = "forbidden"         // 403
	CodeNotFound        = "not_found"         // 404
	CodeConflict        = "conflict"          // 409
	CodeTooLarge        = "too_large"         // 413
	CodeTooManyRequests = "too_many_requests" // 429
	CodeInternal        = "internal"          // 500
)

// Error is the one error type whose Message a user may read. Message is
// Chinese; Field names the input at fault, where one is. Anything else that
// reaches the edge of the program is reported as CodeInternal with a generic
// message, never with its own text.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Code + ": " + e.Field + ": " + e.Message
	}
	return e.Code + ": " + e.Message
}

// Is lets errors.Is(err, &Error{Code: CodeNotFound}) match on the code alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Errorf builds an *Error with a formatted Chinese message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid is an *Error with CodeInvalid blaming one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that the thing named by what does not exist.
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + "不存在"}
}

// ErrForbidden is returned when the actor may not do or see something.
var ErrForbidden = &Error{Code: CodeForbidden, Message: "无权访问"}

// AsError finds the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// ErrorCode is the code of err's *Error, or CodeInternal when it has none.
func ErrorCode(err error) string {
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return CodeInternal
}

// Actor is who a piece of work acts as: a signed-in user, or the system when
// work comes from the command line or a background job. Region is the
// 12-digit code of the region the actor is bound to; the empty string means
// the whole country.
type Actor struct {
	UserID   int64  // 0 for the system actor
	Username string // "system" for the system actor
	Role     string
	Region   string
}

// System is the actor for command-line work and jobs started by the program
// itself. It is bound to the whole country and audited like anyone else.
func System(what string) Actor {
	name := "system"
	if what != "" {
		name = "system:" + what
	}
	return Actor{Username: name, Role: "system"}
}

// Anonymous is the actor of a request nobody signed in to: the public
// portal, region and calendar reads, a login attempt.
var Anonymous = Actor{Username: "anonymous", Role: "anonymous"}

// IsAnonymous reports whether a is nobody in particular.
func (a Actor) IsAnonymous() bool { return a.Role == "anonymous" }

// IsSystem reports whether a is the program acting for itself.
func (a Actor) IsSystem() bool { return a.Role == "system" }

type actorKey struct{}

// WithActor returns a context carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx. Stores call it first and refuse to run
// without one, so nothing reads or writes data on nobody's behalf.
func ActorFrom(ctx context.Context) (Actor, error) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	if !ok || a.Username == "" {
		return Actor{}, &Error{Code: CodeUnauthorized, Message: "请先登录"}
	}
	return a, nil
}

// Clock is the one source of "now". Tests and the demo fix it; nothing else
// calls time.Now for a business purpose.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// FixedClock always answers the same instant until Set or Advance moves it.
// It is safe for concurrent use, since a test moves it while a server reads it.
type FixedClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewFixedClock returns a clock stopped at t.
func NewFixedClock(t time.Time) *FixedClock { return &FixedClock{t: t} }

// Now returns the fixed instant.
func (c *FixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set stops the clock at t.
func (c *FixedClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *FixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// China is the zone instants are shown in: UTC+8, without daylight saving
// since 1991, so a fixed zone needs no tz database on an office PC.
var China = time.FixedZone("CST", 8*3600)
