package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"minzheng"
	"minzheng/audit"
	"minzheng/auth"
	"minzheng/region"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

func sys() context.Context { return minzheng.WithActor(context.Background(), minzheng.System("test")) }

func TestMigrationNamesMatch(t *testing.T) {
	a, err := sqldb.MigrationNames(sqldb.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sqldb.MigrationNames(sqldb.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Fatalf("migrations differ: sqlite %v, postgres %v", a, b)
	}
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB) {
		applied, err := db.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, %v", applied, err)
		}
	})
}

func TestOpenUnreachable(t *testing.T) {
	cases := []struct {
		name, url, want string
	}{
		{"无效地址", "mysql://x", "数据库地址"},
		{"缺少路径", "sqlite:", "缺少文件路径"},
		{"连不上的PostgreSQL", "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "无法连接数据库"},
		{"不存在的目录", "sqlite:/nonexistent-dir/x.db", "无法"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sqldb.Open(context.Background(), c.url, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("the error shows the password: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("the error is not one line: %q", err)
			}
		})
	}
}

func TestRegionReads(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		r, err := db.Region(ctx, "370614107000", region.LevelTownship)
		if err != nil {
			t.Fatal(err)
		}
		if r.Name != "大辛店镇" || r.Parent != "370614000000" || strings.Join(r.Path, "/") != "山东省/烟台市/蓬莱区/大辛店镇" {
			t.Fatalf("got %+v", r)
		}
		ch, err := db.RegionChildren(ctx, "370614000000", region.LevelCounty)
		if err != nil || len(ch) != 20 {
			t.Fatalf("蓬莱区 has %d townships (%v), want 20", len(ch), err)
		}
		for _, c := range ch {
			if c.Level != region.LevelTownship || c.Parent != "370614000000" || len(c.Path) != 4 {
				t.Fatalf("child %+v", c)
			}
		}
		if _, err := db.Region(ctx, "370699000000", region.LevelCounty); minzheng.ErrorCode(err) != minzheng.CodeNotFound {
			t.Fatalf("unknown code: %v", err)
		}
		found, total, err := db.SearchRegions(ctx, "大辛店", region.Country, 10)
		if err != nil || len(found) != 1 || found[0].Code != "370614107000" || total != 1 {
			t.Fatalf("search 大辛店: %v %d %v", found, total, err)
		}
		// The total counts every match, not just the page.
		some, total, err := db.SearchRegions(ctx, "村", "370614107000", 5)
		if err != nil || len(some) != 5 || total <= 5 {
			t.Fatalf("search 村 in 大辛店镇: %d of %d, %v", len(some), total, err)
		}
		// Wildcards in the query are text, not patterns.
		if found, _, err := db.SearchRegions(ctx, "%", region.Country, 10); err != nil || len(found) != 0 {
			t.Fatalf("search %%: %v %v", found, err)
		}
		inTianning, _, err := db.SearchRegions(ctx, "大辛店", "320402000000", 10)
		if err != nil || len(inTianning) != 0 {
			t.Fatalf("search within 天宁: %v %v", inTianning, err)
		}
	})
}

func TestRegionAttributesInherit(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		if _, err := db.SetRegionAttributes(ctx, "630000000000", region.LevelProvince, region.Attributes{HardshipClass: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetRegionAttributes(ctx, "632724000000", region.LevelCounty, region.Attributes{Area: region.AreaRural, HardshipClass: 6}); err != nil {
			t.Fatal(err)
		}
		ch, err := db.RegionChildren(ctx, "632724000000", region.LevelCounty)
		if err != nil || len(ch) == 0 {
			t.Fatal(err)
		}
		tw := ch[0]
		if tw.Effective.HardshipClass != 6 || tw.Effective.Area != region.AreaRural || tw.AreaFrom != "治多县" || tw.Own != (region.Attributes{}) {
			t.Fatalf("township under 治多县: %+v", tw)
		}
		xn, err := db.Region(ctx, "630100000000", region.LevelCity)
		if err != nil || xn.Effective.HardshipClass != 2 {
			t.Fatalf("西宁市 inherits class 2 from 青海: %+v %v", xn, err)
		}
		// Clearing the county's own values falls back to the province's.
		if _, err := db.SetRegionAttributes(ctx, "632724000000", region.LevelCounty, region.Attributes{}); err != nil {
			t.Fatal(err)
		}
		tw2, _ := db.Region(ctx, tw.Code, tw.Level)
		if tw2.Effective.HardshipClass != 2 || tw2.Effective.Area != "" {
			t.Fatalf("after clearing: %+v", tw2)
		}
		if _, err := db.SetRegionAttributes(ctx, "632724000000", region.LevelCounty, region.Attributes{HardshipClass: 9}); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
			t.Fatalf("class 9: %v", err)
		}
	})
}

func TestStoresRefuseWithoutActor(t *testing.T) {
	db := sqltest.SQLite(t, sqltest.Options{Regions: sqltest.NoRegions})
	ctx := context.Background()
	if _, _, err := db.Users(ctx, sqldb.UserFilter{}); minzheng.ErrorCode(err) != minzheng.CodeUnauthorized {
		t.Errorf("Users without actor: %v", err)
	}
	if err := db.AuditAlone(ctx, audit.Event{Action: "x"}); minzheng.ErrorCode(err) != minzheng.CodeUnauthorized {
		t.Errorf("AuditAlone without actor: %v", err)
	}
	if _, err := db.LoadRegions(ctx, nil); minzheng.ErrorCode(err) != minzheng.CodeUnauthorized {
		t.Errorf("LoadRegions without actor: %v", err)
	}
	if _, _, err := db.AuditEntries(ctx, sqldb.AuditFilter{}); minzheng.ErrorCode(err) != minzheng.CodeUnauthorized {
		t.Errorf("AuditEntries without actor: %v", err)
	}
}

func newUser(t *testing.T, db *sqldb.DB, ctx context.Context, name, role, reg string) auth.User {
	t.Helper()
	c, err := auth.UserInput{Username: name, Role: role, Region: reg, Password: "Test-pass-2025", Active: true}.Validate(true, false)
	if err != nil {
		t.Fatal(err)
	}
	h, err := auth.TestHasher.Hash(c.Password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, c, h)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func auditCount(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	_, n, err := db.AuditEntries(sys(), sqldb.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestScopeOfUsers(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		pl := newUser(t, db, ctx, "penglai", "county_officer", "370614")
		newUser(t, db, ctx, "tianning", "county_officer", "320402")
		qhAdmin := newUser(t, db, ctx, "qh_admin", "admin", "63")
		newUser(t, db, ctx, "zhiduo", "county_officer", "632724")
		actx := minzheng.WithActor(context.Background(), qhAdmin.Actor())

		before := auditCount(t, db)
		if _, err := db.User(actx, pl.ID); !errors.Is(err, minzheng.ErrForbidden) {
			t.Fatalf("青海 admin reading a 蓬莱 user: %v", err)
		}
		es, _, err := db.AuditEntries(sys(), sqldb.AuditFilter{Action: "scope.denied"})
		if err != nil || len(es) != 1 || es[0].Actor != "qh_admin" || es[0].Region != "630000000000" ||
			!strings.Contains(es[0].After, `"target_region":"370614000000"`) {
			t.Fatalf("denial not audited: %+v %v", es, err)
		}
		if auditCount(t, db) != before+1 {
			t.Fatal("the denial should add exactly one entry")
		}
		us, total, err := db.Users(actx, sqldb.UserFilter{Region: "630000000000"})
		if err != nil || total != 2 {
			t.Fatalf("青海 admin lists %d users (%v), want 2", total, err)
		}
		for _, u := range us {
			if !strings.HasPrefix(string(u.Region), "63") {
				t.Fatalf("user %s outside 63", u.Username)
			}
		}
		// Creating a user outside one's region is refused and audited too.
		c, _ := auth.UserInput{Username: "intruder", Role: "county_officer", Region: "370614", Password: "Test-pass-2025"}.Validate(true, false)
		if _, err := db.CreateUser(actx, c, "x"); !errors.Is(err, minzheng.ErrForbidden) {
			t.Fatalf("create outside region: %v", err)
		}
		if _, _, err := db.UserForLogin(ctx, "intruder"); minzheng.ErrorCode(err) != minzheng.CodeNotFound {
			t.Fatal("the refused user was written")
		}
		// A county officer may not manage users at all.
		zctx := minzheng.WithActor(context.Background(), pl.Actor())
		if _, _, err := db.Users(zctx, sqldb.UserFilter{Region: "370614000000"}); minzheng.ErrorCode(err) != minzheng.CodeForbidden {
			t.Fatalf("county officer listing users: %v", err)
		}
	})
}

func TestFailedWriteLeavesNothing(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		newUser(t, db, ctx, "penglai", "county_officer", "370614")
		before := auditCount(t, db)
		c, _ := auth.UserInput{Username: "penglai", Role: "county_officer", Region: "370614", Password: "Test-pass-2025"}.Validate(true, false)
		_, err := db.CreateUser(ctx, c, "x")
		if minzheng.ErrorCode(err) != minzheng.CodeConflict {
			t.Fatalf("duplicate: %v", err)
		}
		if auditCount(t, db) != before {
			t.Fatal("a refused write left an audit entry")
		}
		// A transaction whose work fails half-way commits none of it.
		boom := errors.New("boom")
		err = db.InTx(ctx, func(tx *sqldb.Tx) error {
			if err := tx.Audit(ctx, audit.Event{Action: "test", Summary: "should vanish"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || auditCount(t, db) != before {
			t.Fatalf("rolled back transaction left entries (%v)", err)
		}
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || rep.Problem != nil {
			t.Fatalf("chain after rollback: %+v %v", rep, err)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper string
		seq    int64
		kind   string
	}{
		{"改动摘要", `UPDATE audit_log SET summary = '改过了' WHERE seq = 3`, 3, "changed"},
		{"改动操作人", `UPDATE audit_log SET actor = 'someone' WHERE seq = 5`, 5, "changed"},
		{"删除中间一条", `DELETE FROM audit_log WHERE seq = 4`, 4, "deleted"},
		{"删除末尾一条", `DELETE FROM audit_log WHERE seq = 8`, 8, "truncated"},
		{"调换两条顺序", `UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 6; UPDATE audit_log SET seq = 6 WHERE seq = -2`, 2, "reordered"},
		{"重算哈希也不行", `UPDATE audit_log SET summary = 'x', hash = prev_hash WHERE seq = 7`, 7, "changed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB) {
				ctx := sys()
				for i := 1; i <= 8; i++ {
					if err := db.AuditAlone(ctx, audit.Event{Action: "test", Entity: "t", EntityID: fmt.Sprint(i), Summary: fmt.Sprintf("第%d条", i)}); err != nil {
						t.Fatal(err)
					}
				}
				rep, err := db.VerifyAudit(ctx, nil)
				if err != nil || rep.Problem != nil || rep.Entries != 8 {
					t.Fatalf("before tampering: %+v %v", rep, err)
				}
				if err := db.ExecForTest(ctx, c.tamper); err != nil {
					t.Fatal(err)
				}
				rep, err = db.VerifyAudit(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Problem == nil || rep.Problem.Seq != c.seq || rep.Problem.Kind != c.kind {
					t.Fatalf("got %+v, want %s at %d", rep.Problem, c.kind, c.seq)
				}
			})
		})
	}
}

// TestAuditGaplessUnderConcurrency writes from many goroutines at once; the
// sequence stays gapless and the chain whole.
func TestAuditGaplessUnderConcurrency(t *testing.T) {
	sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 15; i++ {
					if err := db.AuditAlone(ctx, audit.Event{Action: "test", Summary: "并发"}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || rep.Problem != nil || rep.Entries != 120 {
			t.Fatalf("%+v %v", rep, err)
		}
	})
}

// TestEnginesAgree runs the same writes on SQLite and PostgreSQL with the
// same clock: the audit chains must end in the same hash, so both engines
// stored the very same values.
func TestEnginesAgree(t *testing.T) {
	script := func(t *testing.T, db *sqldb.DB) string {
		ctx := sys()
		u := newUser(t, db, ctx, "penglai", "county_officer", "370614")
		if _, err := db.SetRegionAttributes(ctx, "370614000000", region.LevelCounty, region.Attributes{Area: region.AreaRural, HardshipClass: 1}); err != nil {
			t.Fatal(err)
		}
		c, _ := auth.UserInput{Username: "penglai", DisplayName: "蓬莱", Role: "county_officer", Region: "370614", Active: false}.Validate(false, false)
		if _, err := db.UpdateUser(ctx, u.ID, c, ""); err != nil {
			t.Fatal(err)
		}
		rep, err := db.VerifyAudit(ctx, nil)
		if err != nil || rep.Problem != nil {
			t.Fatalf("%+v %v", rep, err)
		}
		return rep.LastHash
	}
	a := script(t, sqltest.SQLite(t, sqltest.Options{}))
	b := script(t, sqltest.Postgres(t, sqltest.Options{}))
	if a != b {
		t.Fatalf("SQLite chain ends in %s, PostgreSQL in %s", a, b)
	}
}

func TestFullRegionLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 665,276 regions")
	}
	sqltest.Each(t, sqltest.Options{Regions: sqltest.NoRegions}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		start := time.Now()
		n, err := db.LoadRegions(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded %d regions in %v", n, time.Since(start))
		for l, want := range region.Counts {
			var got int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE level = ?`, int(l)).Scan(&got); err != nil || got != want {
				t.Errorf("%s: %d, want %d (%v)", l, got, want, err)
			}
		}
		// Loading again does nothing.
		if n, err := db.LoadRegions(ctx, nil); n != 0 || err != nil {
			t.Fatalf("second load: %d %v", n, err)
		}
		// 东莞市 has its pseudo-county of the same padded code.
		if r, err := db.Region(ctx, "441900000000", region.LevelCounty); err != nil || r.Name != "东莞市" || len(r.Path) != 3 {
			t.Fatalf("东莞 county: %+v %v", r, err)
		}
	})
}
