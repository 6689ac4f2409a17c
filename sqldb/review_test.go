package sqldb_test

import (
	"sync"
	"testing"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// TestPaddedCodeAccounts: 东莞市 4419 has a county 441900 whose 12-digit
// code is the city's. An account bound to the county keeps that level and
// can be edited as it was entered.
func TestPaddedCodeAccounts(t *testing.T) {
	sqltest.Each(t, sqltest.Options{Regions: []region.Code{"441900000000"}}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		u := newUser(t, db, ctx, "dongguan", "county_officer", "441900")
		if u.RegionLevel != region.LevelCounty || u.RegionShort() != "441900" {
			t.Fatalf("created %+v", u)
		}
		c, err := auth.UserInput{Username: "dongguan", DisplayName: "东莞", Role: "county_officer", Region: u.RegionShort(), Active: true}.Validate(false, false)
		if err != nil {
			t.Fatalf("the account's own region no longer validates: %v", err)
		}
		got, err := db.UpdateUser(ctx, u.ID, c, "")
		if err != nil || got.DisplayName != "东莞" || got.RegionLevel != region.LevelCounty {
			t.Fatalf("update: %+v %v", got, err)
		}
	})
}

// TestConcurrentDuplicateUsername: writers racing for one username get one
// account and conflicts, never an internal error, on both engines.
func TestConcurrentDuplicateUsername(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		c, _ := auth.UserInput{Username: "racer", Role: "county_officer", Region: "370614", Password: "Test-pass-2025"}.Validate(true, false)
		var wg sync.WaitGroup
		codes := make(chan string, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.CreateUser(ctx, c, "x")
				if err == nil {
					codes <- "ok"
					return
				}
				codes <- minzheng.ErrorCode(err)
			}()
		}
		wg.Wait()
		close(codes)
		n := map[string]int{}
		for c := range codes {
			n[c]++
		}
		if n["ok"] != 1 || n[minzheng.CodeConflict] != 7 {
			t.Fatalf("outcomes %v, want 1 ok and 7 conflicts", n)
		}
	})
}

// TestVerifyWhileWriting: entries appended during a verification are not
// mistaken for tampering.
func TestVerifyWhileWriting(t *testing.T) {
	sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		for i := 0; i < 50; i++ {
			if err := db.AuditAlone(ctx, audit.Event{Action: "test", Summary: "先写"}); err != nil {
				t.Fatal(err)
			}
		}
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			for {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if err := db.AuditAlone(ctx, audit.Event{Action: "test", Summary: "边校验边写"}); err != nil {
					done <- err
					return
				}
			}
		}()
		for i := 0; i < 30; i++ {
			rep, err := db.VerifyAudit(ctx, nil)
			if err != nil || rep.Problem != nil {
				close(stop)
				t.Fatalf("run %d: %+v %v", i, rep.Problem, err)
			}
		}
		close(stop)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
