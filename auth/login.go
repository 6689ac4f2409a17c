package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"minzheng"
)

// Store is what signing in needs from the database.
type Store interface {
	// UserForLogin returns the account and its password hash, or a
	// not_found error.
	UserForLogin(ctx context.Context, username string) (User, string, error)
	// LoginFailures counts the account's failed sign-ins since.
	LoginFailures(ctx context.Context, userID int64, since time.Time) (int, error)
	// LoginFailed records a failed sign-in, and locks the account until
	// lockUntil when that is not zero; audited.
	LoginFailed(ctx context.Context, u User, lockUntil time.Time) error
	// OpenSession stores a session or API token (by its hash) and clears
	// the account's failures; audited as a sign-in.
	OpenSession(ctx context.Context, u User, kind, tokenHash string, expires time.Time) error
	// IsDemo reports whether this is a database made by `minzheng demo`.
	IsDemo(ctx context.Context) (bool, error)
}

// Session kinds.
const (
	KindSession = "session" // browser cookie
	KindAPI     = "api"     // bearer token
)

// Service signs people in.
type Service struct {
	Store Store
	Clock minzheng.Clock
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// hashSlots bounds how many password checks run at once. Each takes 64 MiB
// and most of a core; without a bound, a crowd of sign-in attempts — real
// or not — would exhaust memory before the per-account lockout could help.
var hashSlots = make(chan struct{}, max(2, runtime.NumCPU()))

// ErrBusy answers a sign-in that found no free slot in time.
var ErrBusy = &minzheng.Error{Code: minzheng.CodeTooManyRequests, Message: "登录的人太多，请稍后再试"}

// hashWait is how long a sign-in waits for a slot before it is told to
// come back later.
var hashWait = 3 * time.Second

// withHashSlot runs fn once a slot is free, waiting at most hashWait.
func withHashSlot(ctx context.Context, fn func()) error {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case hashSlots <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-hashSlots }()
	fn()
	return nil
}

// spendHashTime checks a password against a throwaway hash, so that a
// sign-in as someone who does not exist takes as long as a wrong password.
func spendHashTime(password string) {
	dummyOnce.Do(func() { dummyHash, _ = DefaultHasher.Hash("minzheng-no-such-user") })
	_, _ = CheckPassword(dummyHash, password)
}

// Login checks username and password and opens a session or API token of
// the given kind, returning the token. Every failure — no such user,
// inactive, locked, wrong password, the demo password outside a demo
// database — answers ErrBadLogin alike.
func (s *Service) Login(ctx context.Context, username, password, kind string) (string, User, error) {
	now := s.Clock.Now()
	u, hash, err := s.Store.UserForLogin(ctx, username)
	if err != nil {
		if minzheng.ErrorCode(err) == minzheng.CodeNotFound {
			if err := withHashSlot(ctx, func() { spendHashTime(password) }); err != nil {
				return "", User{}, err
			}
			return "", User{}, ErrBadLogin
		}
		return "", User{}, err
	}
	var ok bool
	if serr := withHashSlot(ctx, func() { ok, err = CheckPassword(hash, password) }); serr != nil {
		return "", User{}, serr
	}
	if err != nil {
		return "", User{}, fmt.Errorf("auth: account %d: %w", u.ID, err)
	}
	if ok && password == DemoPassword {
		demo, err := s.Store.IsDemo(ctx)
		if err != nil {
			return "", User{}, err
		}
		ok = demo
	}
	locked := !u.LockedUntil.IsZero() && now.Before(u.LockedUntil)
	if !ok {
		if locked {
			return "", User{}, ErrBadLogin // already locked: the lock is not extended
		}
		n, err := s.Store.LoginFailures(ctx, u.ID, now.Add(-FailureWindow))
		if err != nil {
			return "", User{}, err
		}
		var until time.Time
		if n+1 >= MaxFailures {
			until = now.Add(LockTime)
		}
		if err := s.Store.LoginFailed(ctx, u, until); err != nil {
			return "", User{}, err
		}
		return "", User{}, ErrBadLogin
	}
	if locked || !u.Active {
		return "", User{}, ErrBadLogin
	}
	token, th, err := NewToken()
	if err != nil {
		return "", User{}, err
	}
	ttl := SessionTime
	if kind == KindAPI {
		ttl = TokenTime
	} else if kind != KindSession {
		return "", User{}, errors.New("auth: unknown session kind " + kind)
	}
	if err := s.Store.OpenSession(ctx, u, kind, th, now.Add(ttl)); err != nil {
		return "", User{}, err
	}
	return token, u, nil
}
