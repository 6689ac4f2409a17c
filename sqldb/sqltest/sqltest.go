// Package sqltest gives tests a fresh, migrated database on each engine:
// SQLite always, and PostgreSQL when MINZHENG_TEST_POSTGRES holds a URL.
// Under CI=true a PostgreSQL that is not configured or cannot be reached
// fails the test instead of skipping it, so a green CI run means both ran.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"minzheng"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/sqldb"
)

// SeedRegions are the subtrees tests load: the seeds' regions (蓬莱, 天宁,
// 环翠, 济南, 青海) with their ancestors, a few thousand rows instead of the
// whole country.
var SeedRegions = []region.Code{"370614000000", "320402000000", "371002000000", "370100000000", "630000000000"}

// Clock is the instant test databases start at: 2025-09-26 09:00 in China.
func Clock() *minzheng.FixedClock {
	return minzheng.NewFixedClock(time.Date(2025, 9, 26, 9, 0, 0, 0, minzheng.China))
}

// Options shape a test database.
type Options struct {
	Regions []region.Code // subtrees to load, with the national parameters; nil loads SeedRegions; use NoRegions for neither
	Clock   minzheng.Clock
}

// NoRegions asks for a database without regions.
var NoRegions = []region.Code{}

// Each runs fn as a subtest on SQLite and on PostgreSQL, each with a fresh
// database.
func Each(t *testing.T, opt Options, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, opt)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, opt)) })
}

// SQLite opens a fresh, migrated SQLite database in the test's temp dir.
func SQLite(t testing.TB, opt Options) *sqldb.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	return prepare(t, "sqlite:"+path, opt)
}

// PostgresURL is the server tests use; it skips the test when none is set,
// or fails it under CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("MINZHENG_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but MINZHENG_TEST_POSTGRES is not set: the PostgreSQL tests must run in CI")
		}
		t.Skip("MINZHENG_TEST_POSTGRES not set: PostgreSQL tests skipped")
	}
	return u
}

// Postgres creates a schema of its own on the server in
// MINZHENG_TEST_POSTGRES, opens a database whose search_path is that
// schema, migrates it, and drops the schema when the test ends.
func Postgres(t testing.TB, opt Options) *sqldb.DB {
	t.Helper()
	base := PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but PostgreSQL at MINZHENG_TEST_POSTGRES cannot be reached: %v", err)
		}
		t.Skipf("PostgreSQL cannot be reached: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres url: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return prepare(t, u.String(), opt)
}

// quiet keeps the program's own logging (migrations applied, requests)
// out of test and benchmark output, where it would split benchmark lines.
var quiet sync.Once

func prepare(t testing.TB, u string, opt Options) *sqldb.DB {
	t.Helper()
	quiet.Do(func() {
		if os.Getenv("MINZHENG_TEST_LOG") == "" {
			slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
		}
	})
	clock := opt.Clock
	if clock == nil {
		clock = Clock()
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, u, clock)
	if err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	regions := opt.Regions
	if regions == nil {
		regions = SeedRegions
	}
	if len(regions) > 0 {
		sys := minzheng.WithActor(ctx, minzheng.System("test"))
		if _, err := db.LoadRegions(sys, regions); err != nil {
			t.Fatalf("load regions: %v", err)
		}
		// As `minzheng migrate` leaves a database: the national default
		// parameters beside the regions. (A database without regions has
		// neither, so tests counting audit entries start from nothing.)
		if _, err := db.SeedParams(sys, policy.National()); err != nil {
			t.Fatalf("seed national params: %v", err)
		}
	}
	return db
}
