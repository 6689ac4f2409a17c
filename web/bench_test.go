package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"minzheng"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/job"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// benchServer is a server on SQLite with one county officer whose password
// is hashed at the production cost.
func benchServer(b *testing.B) (*httptest.Server, *sqldb.DB) {
	b.Helper()
	db := sqltest.SQLite(b, sqltest.Options{})
	book, err := calendar.NewBook(nil)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{DB: db, Calendar: book, Jobs: &job.Runner{Store: db}, Clock: minzheng.SystemClock{}, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := minzheng.WithActor(context.Background(), minzheng.System("bench"))
	c, err := auth.UserInput{Username: "penglai", Role: "county_officer", Region: "370614", Password: "Bench-pass-2025"}.Validate(true, false)
	if err != nil {
		b.Fatal(err)
	}
	h, err := auth.DefaultHasher.Hash(c.Password)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, c, h); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	return ts, db
}

// BenchmarkLoginHTTP is a whole sign-in through the API: the request, the
// argon2id check at the production cost, the session and its audit entry
// written. The target is under 150 ms.
func BenchmarkLoginHTTP(b *testing.B) {
	ts, _ := benchServer(b)
	for b.Loop() {
		resp, err := http.Post(ts.URL+"/api/v1/login", "application/json", strings.NewReader(`{"username":"penglai","password":"Bench-pass-2025"}`))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkRegionAPI is GET /api/v1/regions/{code}: a lookup with its path.
func BenchmarkRegionAPI(b *testing.B) {
	ts, _ := benchServer(b)
	for b.Loop() {
		resp, err := http.Get(ts.URL + "/api/v1/regions/370614107")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
