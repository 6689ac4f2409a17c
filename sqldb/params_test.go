package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"minzheng"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

func mustDate(t *testing.T, s string) minzheng.Date {
	t.Helper()
	d, err := minzheng.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// valueIn is the text of the row of name in force in the region on day, ""
// when none is.
func valueIn(t *testing.T, db *sqldb.DB, ctx context.Context, name, region12, day string) string {
	t.Helper()
	b, err := db.ParamBook(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := b.Row(name, region12, mustDate(t, day)); p != nil {
		return p.Value
	}
	return ""
}

func countAction(t *testing.T, db *sqldb.DB, action string) int {
	t.Helper()
	_, n, err := db.AuditEntries(sys(), sqldb.AuditFilter{Action: action, PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestParamsNationalAfterMigrate: a migrated database holds the national
// defaults, once, however often they are loaded again.
func TestParamsNationalAfterMigrate(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		ctx := sys()
		rows, err := db.Params(ctx)
		if err != nil {
			t.Fatal(err)
		}
		national := policy.National()
		if len(rows) != len(national) {
			t.Fatalf("%d rows after migrate, want the %d national ones", len(rows), len(national))
		}
		for _, p := range rows {
			if p.Region != "" || p.Demo || p.RecordedBy != "system:test" || p.ID == 0 || p.Document.Source() == "" ||
				!p.RecordedAt.Equal(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("national row %+v", p)
			}
		}
		if v := valueIn(t, db, ctx, "dibao.edge.multiple", "370614107201", "2024-06-01"); v != "1.5" {
			t.Errorf("低保边缘 multiple in a 蓬莱 village: %q", v)
		}
		if v := valueIn(t, db, ctx, "tekun.work_age", "630000000000", "2024-06-01"); v != "60" {
			t.Errorf("特困 work age in 青海: %q", v)
		}
		if n := countAction(t, db, "param.seed"); n != 1 {
			t.Errorf("%d param.seed entries, want 1", n)
		}
		// Again: nothing new, nothing audited.
		if n, err := db.SeedParams(ctx, national); err != nil || n != 0 {
			t.Fatalf("second seed stored %d (%v)", n, err)
		}
		if n := countAction(t, db, "param.seed"); n != 1 {
			t.Errorf("a seed that stored nothing was audited")
		}
		// The demo's rows come on top, once.
		n, err := db.SeedParams(minzheng.WithActor(context.Background(), minzheng.System("demo")), policy.Seeds())
		if err != nil || n != len(policy.Seeds()) {
			t.Fatalf("demo seed stored %d of %d (%v)", n, len(policy.Seeds()), err)
		}
		if v := valueIn(t, db, ctx, "dibao.standard.rural", "370614107201", "2024-06-01"); v != "80000" {
			t.Errorf("蓬莱 rural standard after the demo seed: %q", v)
		}
		// The book from the database decides ties as the built-in book does.
		built := policy.BuiltinBook()
		for _, name := range []string{"linshi.authority.township_max", "tekun.standard.urban", "dibao.standard.rural"} {
			for _, reg := range []string{"370614107201", "320402000000", "630000000000", "370103000000"} {
				want := ""
				if p := built.Row(name, reg, mustDate(t, "2024-06-01")); p != nil {
					want = p.Value
				}
				if got := valueIn(t, db, ctx, name, reg, "2024-06-01"); got != want {
					t.Errorf("%s in %s: %q from the database, %q built in", name, reg, got, want)
				}
			}
		}
		// Only the system loads built-in rows.
		pl := newUser(t, db, ctx, "penglai", "county_officer", "370614")
		if _, err := db.SeedParams(minzheng.WithActor(context.Background(), pl.Actor()), national); minzheng.ErrorCode(err) != minzheng.CodeForbidden {
			t.Errorf("a county officer seeding: %v", err)
		}
	})
}

func paramRow(t *testing.T, name, reg, value, from string) policy.Param {
	return policy.Param{Name: name, Region: reg, Value: value, EffectiveFrom: mustDate(t, from),
		Document: policy.Document{Number: "蓬民发〔2024〕12号", Title: "关于提高城乡低保标准的通知", Article: "第一条", URL: "https://example.gov.cn/12"}}
}

// TestAddParam: a county officer sets its county's standard; the book
// picks the new row, then a correction of it; an exact repeat is refused.
func TestAddParam(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		pl := newUser(t, db, sys(), "penglai", "county_officer", "370614")
		ctx := minzheng.WithActor(context.Background(), pl.Actor())
		const village = "370614107201"
		if v := valueIn(t, db, ctx, "dibao.standard.urban", village, "2025-06-01"); v != "" {
			t.Fatalf("a standard before any was set: %q", v)
		}
		before := countAction(t, db, "param.add")
		p, err := db.AddParam(ctx, paramRow(t, "dibao.standard.urban", "370614000000", " 110000 ", "2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 || p.Region != "370614" || p.Value != "110000" || p.RecordedBy != "penglai" ||
			!p.RecordedAt.Equal(db.Clock().Now()) || p.Document.Number != "蓬民发〔2024〕12号" {
			t.Errorf("stored %+v", p)
		}
		if v := valueIn(t, db, ctx, "dibao.standard.urban", village, "2025-06-01"); v != "110000" {
			t.Errorf("the book has %q after the new row, want 110000", v)
		}
		if v := valueIn(t, db, ctx, "dibao.standard.urban", village, "2024-12-31"); v != "" {
			t.Errorf("the new row applies before its date: %q", v)
		}
		es, _, err := db.AuditEntries(sys(), sqldb.AuditFilter{Action: "param.add"})
		if err != nil || len(es) != before+1 || es[0].Actor != "penglai" || es[0].Region != "370614000000" ||
			es[0].EntityID != fmt.Sprint(p.ID) {
			t.Fatalf("audit %+v %v", es, err)
		}

		// A correction of the same day, recorded later (the clock stands
		// still in tests), wins.
		c, err := db.AddParam(ctx, paramRow(t, "dibao.standard.urban", "370614", "110500", "2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		if !c.RecordedAt.After(p.RecordedAt) {
			t.Errorf("the correction is recorded at %v, not after %v", c.RecordedAt, p.RecordedAt)
		}
		if v := valueIn(t, db, ctx, "dibao.standard.urban", village, "2025-06-01"); v != "110500" {
			t.Errorf("after the correction the book has %q", v)
		}

		// The same row again changes nothing: a conflict, nothing written.
		rows, _ := db.Params(ctx)
		audits := countAction(t, db, "")
		_, err = db.AddParam(ctx, paramRow(t, "dibao.standard.urban", "370614", "110500", "2025-01-01"))
		if e, ok := minzheng.AsError(err); !ok || e.Code != minzheng.CodeConflict || !isChineseText(e.Message) {
			t.Fatalf("duplicate: %v", err)
		}
		if again, _ := db.Params(ctx); len(again) != len(rows) || countAction(t, db, "") != audits {
			t.Errorf("a refused duplicate left a row or an audit entry")
		}
		// Going back to the first value is a correction like any other.
		if _, err := db.AddParam(ctx, paramRow(t, "dibao.standard.urban", "370614", "110000", "2025-01-01")); err != nil {
			t.Fatal(err)
		}
		if v := valueIn(t, db, ctx, "dibao.standard.urban", village, "2025-06-01"); v != "110000" {
			t.Errorf("after correcting back the book has %q", v)
		}
		// A town's own row is deeper than the county's.
		if _, err := db.AddParam(ctx, paramRow(t, "dibao.standard.urban", "370614107", "120000", "2025-03-01")); err != nil {
			t.Fatal(err)
		}
		if v := valueIn(t, db, ctx, "dibao.standard.urban", village, "2025-06-01"); v != "120000" {
			t.Errorf("the town's row does not win: %q", v)
		}
		if v := valueIn(t, db, ctx, "dibao.standard.urban", "370614108201", "2025-06-01"); v != "110000" {
			t.Errorf("another town sees %q", v)
		}
	})
}

func isChineseText(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestAddParamRefused: outside the region (audited), a national row by a
// county, a village clerk, an auditor, no actor, and bad input.
func TestAddParamRefused(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		pl := newUser(t, db, sys(), "penglai", "county_officer", "370614")
		villages, err := db.RegionChildren(sys(), "370614107000", region.LevelTownship)
		if err != nil || len(villages) == 0 {
			t.Fatalf("villages: %v", err)
		}
		clerk := newUser(t, db, sys(), "clerk", "village_clerk", string(villages[0].Code))
		aud := newUser(t, db, sys(), "aud", "auditor", "")
		admin := newUser(t, db, sys(), "root", "admin", "")
		as := func(u interface{ Actor() minzheng.Actor }) context.Context {
			return minzheng.WithActor(context.Background(), u.Actor())
		}
		ctx := as(pl)
		rowsBefore, _ := db.Params(sys())

		t.Run("辖区外被拒并记入日志", func(t *testing.T) {
			denied := countAction(t, db, "scope.denied")
			_, err := db.AddParam(ctx, paramRow(t, "dibao.standard.urban", "320402", "100000", "2025-01-01"))
			if !errors.Is(err, minzheng.ErrForbidden) {
				t.Fatalf("out of region: %v", err)
			}
			if countAction(t, db, "scope.denied") != denied+1 {
				t.Errorf("the refusal was not audited")
			}
			es, _, _ := db.AuditEntries(sys(), sqldb.AuditFilter{Action: "scope.denied", PerPage: 1})
			if len(es) != 1 || es[0].Actor != "penglai" || es[0].Entity != "param" {
				t.Errorf("denial entry %+v", es)
			}
		})
		t.Run("县级不能设定全国标准", func(t *testing.T) {
			denied := countAction(t, db, "scope.denied")
			_, err := db.AddParam(ctx, paramRow(t, "dibao.edge.multiple", "", "1.8", "2025-01-01"))
			if !errors.Is(err, minzheng.ErrForbidden) || countAction(t, db, "scope.denied") != denied+1 {
				t.Fatalf("national row by a county: %v", err)
			}
		})
		t.Run("村协理员无权", func(t *testing.T) {
			_, err := db.AddParam(as(clerk), paramRow(t, "dibao.standard.urban", string(villages[0].Code), "100000", "2025-01-01"))
			if e, ok := minzheng.AsError(err); !ok || e.Code != minzheng.CodeForbidden || !isChineseText(e.Message) {
				t.Fatalf("village clerk: %v", err)
			}
		})
		t.Run("审计人员无权", func(t *testing.T) {
			if _, err := db.AddParam(as(aud), paramRow(t, "dibao.standard.urban", "370614", "100000", "2025-01-01")); minzheng.ErrorCode(err) != minzheng.CodeForbidden {
				t.Fatalf("auditor: %v", err)
			}
		})
		t.Run("没有操作人", func(t *testing.T) {
			if _, err := db.AddParam(context.Background(), paramRow(t, "dibao.standard.urban", "370614", "100000", "2025-01-01")); minzheng.ErrorCode(err) != minzheng.CodeUnauthorized {
				t.Fatalf("no actor: %v", err)
			}
			if _, err := db.ParamBook(context.Background()); minzheng.ErrorCode(err) != minzheng.CodeUnauthorized {
				t.Fatalf("book without actor: %v", err)
			}
		})
		bad := []struct {
			name  string
			p     policy.Param
			field string
		}{
			{"没有这个参数", paramRow(t, "dibao.nothing", "370614", "1", "2025-01-01"), "name"},
			{"金额不对", paramRow(t, "dibao.standard.urban", "370614", "1000.5", "2025-01-01"), "value"},
			{"区划不存在", paramRow(t, "dibao.standard.urban", "370614999", "100000", "2025-01-01"), "region"},
			{"区划格式不对", paramRow(t, "dibao.standard.urban", "3706x", "100000", "2025-01-01"), "region"},
			{"没有生效日期", policy.Param{Name: "dibao.standard.urban", Region: "370614", Value: "100000", Document: policy.Document{Title: "x"}}, "effective_from"},
			{"没有文件", policy.Param{Name: "dibao.standard.urban", Region: "370614", Value: "100000", EffectiveFrom: mustDate(t, "2025-01-01")}, "document"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.AddParam(ctx, c.p)
				e, ok := minzheng.AsError(err)
				if !ok || e.Code != minzheng.CodeInvalid || e.Field != c.field || !isChineseText(e.Message) {
					t.Fatalf("got %v, want invalid %s", err, c.field)
				}
			})
		}
		if rows, _ := db.Params(sys()); len(rows) != len(rowsBefore) {
			t.Errorf("refused rows were stored: %d → %d", len(rowsBefore), len(rows))
		}
		t.Run("全国管理员设定全国标准", func(t *testing.T) {
			p, err := db.AddParam(as(admin), paramRow(t, "dibao.edge.multiple", "000000000000", "1.8", "2025-01-01"))
			if err != nil || p.Region != "" {
				t.Fatalf("national row by the national admin: %+v %v", p, err)
			}
			if v := valueIn(t, db, ctx, "dibao.edge.multiple", "370614107201", "2025-06-01"); v != "1.8" {
				t.Errorf("national row not in force: %q", v)
			}
		})
	})
}

// TestParamBookConcurrent: readers and writers at once; the book after
// the last write has every row.
func TestParamBookConcurrent(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		admin := newUser(t, db, sys(), "root", "admin", "")
		ctx := minzheng.WithActor(context.Background(), admin.Actor())
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					if _, err := db.ParamBook(ctx); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for i, reg := range []string{"37", "3706", "370614", "63", "6327"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := db.AddParam(ctx, paramRow(t, "orphan.standard", reg, fmt.Sprint(150000+i), "2025-01-01")); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		b, err := db.ParamBook(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, reg := range []string{"370000000000", "370600000000", "370614000000", "630000000000", "632700000000"} {
			if p := b.Row("orphan.standard", reg, mustDate(t, "2025-06-01")); p == nil || p.Value != fmt.Sprint(150000+i) {
				t.Errorf("%s: %+v", reg, p)
			}
		}
	})
}
