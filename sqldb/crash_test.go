package sqldb_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"minzheng"
	"minzheng/region"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// TestCrash kills a process while it writes a payroll and while it applies
// a bank's return, at several moments, and shows after each restart that
// the payroll is whole or absent, the return applied whole or not at all,
// no enrolment paid twice for a month, and the audit chain unbroken; then
// finishes both and checks the totals. The child is this test binary run
// again with MINZHENG_CRASH_CHILD set. MINZHENG_CRASH_N sets the number of
// recipients (default 20,000).
func TestCrash(t *testing.T) {
	if kind := os.Getenv("MINZHENG_CRASH_CHILD"); kind != "" {
		crashChild(t, kind, os.Getenv("MINZHENG_CRASH_DB"))
		return
	}
	if testing.Short() {
		t.Skip("the crash test runs child processes")
	}
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("MINZHENG_CRASH_N")); err == nil && v > 0 {
		n = v
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			u := crashDB(t, engine)
			db := openCrashDB(t, u)
			fillEnrolments(t, db, n)
			db.Close()
			kills := []time.Duration{30 * time.Millisecond, 150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond}
			for _, d := range kills {
				crashAt(t, u, "generate", d)
				db := openCrashDB(t, u)
				checkWhole(t, db, n, fmt.Sprintf("generate killed after %v", d))
				db.Close()
			}
			// Finish the payroll and approve it, then crash the return.
			db = openCrashDB(t, u)
			maker := minzheng.WithActor(context.Background(), minzheng.System("maker"))
			p, _, err := db.GeneratePayroll(maker, "370614000000", region.LevelCounty, minzheng.NewMonth(2024, time.January), "dibao")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ApprovePayroll(minzheng.WithActor(context.Background(), minzheng.System("checker")), p.ID); err != nil {
				t.Fatal(err)
			}
			db.Close()
			for _, d := range kills {
				crashAt(t, u, "return", d)
				db := openCrashDB(t, u)
				checkWhole(t, db, n, fmt.Sprintf("return killed after %v", d))
				db.Close()
			}
			db = openCrashDB(t, u)
			defer db.Close()
			rep, err := importAllPaid(db)
			if err != nil {
				t.Fatal(err)
			}
			checkWhole(t, db, n, "at the end")
			var paid int
			if err := db.QueryRow(sys(), `SELECT COUNT(*) FROM payments WHERE status = 'paid'`).Scan(&paid); err != nil {
				t.Fatal(err)
			}
			if paid != n || rep.Outstanding != 0 {
				t.Fatalf("after the return: %d paid of %d, %d outstanding (%+v)", paid, n, rep.Outstanding, rep)
			}
		})
	}
}

// crashDB makes a database for the crash test and answers its URL, which a
// child process can open too.
func crashDB(t *testing.T, engine string) string {
	t.Helper()
	if engine == "sqlite" {
		return "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
	}
	base := sqltest.PostgresURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "crash_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	pu, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}

func openCrashDB(t *testing.T, u string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), u, sqltest.Clock())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadRegions(sys(), []region.Code{"370614000000"}); err != nil {
		t.Fatal(err)
	}
	return db
}

// crashAt runs the child and kills it d after it reports that it begins.
func crashAt(t *testing.T, u, kind string, d time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MINZHENG_CRASH_CHILD="+kind, "MINZHENG_CRASH_DB="+u)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == "begin" {
			break
		}
	}
	time.Sleep(d)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// crashChild is the process that is killed.
func crashChild(t *testing.T, kind, u string) {
	db, err := sqldb.Open(context.Background(), u, sqltest.Clock())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fmt.Println("begin")
	switch kind {
	case "generate":
		maker := minzheng.WithActor(context.Background(), minzheng.System("maker"))
		_, _, err = db.GeneratePayroll(maker, "370614000000", region.LevelCounty, minzheng.NewMonth(2024, time.January), "dibao")
	case "return":
		_, err = importAllPaid(db)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// importAllPaid applies a return that says every line of January was paid.
func importAllPaid(db *sqldb.DB) (sqldb.ReturnReport, error) {
	ctx := minzheng.WithActor(context.Background(), minzheng.System("maker"))
	var id int64
	if err := db.QueryRow(ctx, `SELECT id FROM payrolls WHERE month = '2024-01'`).Scan(&id); err != nil {
		return sqldb.ReturnReport{}, err
	}
	rows, err := db.Query(ctx, `SELECT id, amount_fen FROM payments WHERE payroll_id = ? ORDER BY id`, id)
	if err != nil {
		return sqldb.ReturnReport{}, err
	}
	var ret []sqldb.ReturnRow
	content := []byte("发放编号,金额,结果\n")
	for rows.Next() {
		var r sqldb.ReturnRow
		if err := rows.Scan(&r.LineID, &r.AmountFen); err != nil {
			rows.Close()
			return sqldb.ReturnReport{}, err
		}
		r.Row, r.Paid = len(ret)+2, true
		ret = append(ret, r)
		content = append(content, fmt.Sprintf("%d,%s,成功\n", r.LineID, r.AmountFen.Yuan())...)
	}
	rows.Close()
	return db.ImportReturn(ctx, id, "return.csv", content, ret)
}

// checkWhole is what must hold after any crash.
func checkWhole(t *testing.T, db *sqldb.DB, n int, when string) {
	t.Helper()
	ctx := sys()
	var payrolls, lines, stated, doubled, paid, returned int
	var amount, statedAmount sql.NullInt64
	q := func(dst []any, query string) {
		t.Helper()
		if err := db.QueryRow(ctx, query).Scan(dst...); err != nil {
			t.Fatalf("%s: %s: %v", when, query, err)
		}
	}
	q([]any{&payrolls}, `SELECT COUNT(*) FROM payrolls`)
	q([]any{&lines, &amount}, `SELECT COUNT(*), SUM(amount_fen) FROM payments`)
	q([]any{&doubled}, `SELECT COUNT(*) FROM (SELECT enrolment_id, benefit_month FROM payments WHERE status IN ('due', 'paid', 'draft')
		GROUP BY enrolment_id, benefit_month HAVING COUNT(*) > 1) d`)
	if doubled != 0 {
		t.Fatalf("%s: %d enrolment-months paid twice", when, doubled)
	}
	switch payrolls {
	case 0:
		if lines != 0 {
			t.Fatalf("%s: %d lines without their payroll", when, lines)
		}
	case 1:
		q([]any{&stated, &statedAmount}, `SELECT lines, amount_fen FROM payrolls`)
		if lines != stated || lines != n || amount.Int64 != statedAmount.Int64 {
			t.Fatalf("%s: the payroll says %d lines %d fen, holds %d lines %d fen (of %d)", when, stated, statedAmount.Int64, lines, amount.Int64, n)
		}
	default:
		t.Fatalf("%s: %d payrolls for one month", when, payrolls)
	}
	// A return is applied whole or not at all.
	q([]any{&paid}, `SELECT COUNT(*) FROM payments WHERE status = 'paid'`)
	q([]any{&returned}, `SELECT COALESCE(SUM(paid), 0) FROM bank_returns`)
	if paid != returned {
		t.Fatalf("%s: %d lines paid, the returns recorded say %d", when, paid, returned)
	}
	rep, err := db.VerifyAudit(ctx, nil)
	if err != nil {
		t.Fatalf("%s: verify audit: %v", when, err)
	}
	if rep.Problem != nil {
		t.Fatalf("%s: the audit chain is broken: %+v", when, rep)
	}
	t.Logf("%s: %d payroll(s), %d lines, %d paid — whole", when, payrolls, lines, paid)
}
