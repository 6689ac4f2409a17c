package sqldb_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/region"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
	"minzheng/xlsx"
)

// fillEnrolments puts n households, each with one 低保 enrolment from
// January 2024, in the villages of 蓬莱区 — written straight in SQL, since
// the benchmark is of the payroll, not of the registry's import.
func fillEnrolments(tb testing.TB, db *sqldb.DB, n int) {
	tb.Helper()
	ctx := sys()
	vs, err := db.Villages(ctx, "370614000000")
	if err != nil || len(vs) == 0 {
		tb.Fatalf("villages: %d %v", len(vs), err)
	}
	const per = 500
	banks := []string{"农村商业银行", "中国邮政储蓄银行", "中国农业银行"}
	for start := 0; start < n; start += per * 20 {
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for b := start; b < min(start+per*20, n); b += per {
				m := min(per, n-b)
				var hs, vers, ens strings.Builder
				var ha, va, ea []any
				for i := b; i < b+m; i++ {
					id := int64(i + 1)
					v := string(vs[i%len(vs)].Code)
					members := 1 + i%4
					sep := ", "
					if i == b {
						sep = ""
					}
					hs.WriteString(sep + "(?, ?, 'rural', '', 'active', ?, ?, '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')")
					ha = append(ha, id, v, "户主"+strconv.Itoa(i), members)
					vers.WriteString(sep + "(?, '2024-01-01', '2024-01-01T00:00:00.000000Z', 'bench', ?, 'rural', '', 'active', ?, ?, ?)")
					va = append(va, id, v, banks[i%len(banks)], fmt.Sprintf("62%017d", i), "户主"+strconv.Itoa(i))
					ens.WriteString(sep + "(?, 'dibao', ?, '', ?, ?, 0, 'month', '2024-01', '2025-01-01', 'active', 'import', '{}', ?, '2024-01-01T00:00:00.000000Z', 'bench')")
					ea = append(ea, id, id, v, 20000+int64(i%60)*1000, members)
				}
				for _, q := range []struct {
					sql  string
					args []any
				}{
					{`INSERT INTO households (id, region_code, area, address, status, head_name, members, created_at, updated_at) VALUES ` + hs.String(), ha},
					{`INSERT INTO household_versions (household_id, valid_from, recorded_at, recorded_by, region_code, area, address, status, bank_name,
						bank_account, bank_holder) VALUES ` + vers.String(), va},
					{`INSERT INTO enrolments (id, program, household_id, subject, region_code, amount_fen, amount_kwh, period, first_month, next_review,
						status, granted, decision, persons, created_at, created_by) VALUES ` + ens.String(), ea},
				} {
					if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if db.Dialect() == sqldb.Postgres {
		// The identity columns continue after the ids written here.
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			for _, t := range []string{"households", "enrolments"} {
				if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `ANALYZE`)
			return err
		}); err != nil {
			tb.Fatal(err)
		}
	}
}

// payrollMonths generates and approves 蓬莱's 低保 payroll of each month
// from January 2024, answering the seconds each step took.
func payrollMonths(tb testing.TB, db *sqldb.DB, months int) (gen, appr []time.Duration, last sqldb.Payroll) {
	tb.Helper()
	maker := minzheng.WithActor(context.Background(), minzheng.System("maker"))
	checker := minzheng.WithActor(context.Background(), minzheng.System("checker"))
	for k := 0; k < months; k++ {
		m := minzheng.NewMonth(2024, time.January) + minzheng.Month(k)
		t0 := time.Now()
		p, _, err := db.GeneratePayroll(maker, "370614000000", region.LevelCounty, m, "dibao")
		if err != nil {
			tb.Fatal(err)
		}
		gen = append(gen, time.Since(t0))
		t0 = time.Now()
		if last, err = db.ApprovePayroll(checker, p.ID); err != nil {
			tb.Fatal(err)
		}
		appr = append(appr, time.Since(t0))
	}
	return gen, appr, last
}

// BenchmarkPayment1M is issue 6's money at a million recipients, on SQLite
// and (with MINZHENG_TEST_POSTGRES) PostgreSQL: generating a month's payroll
// (target < 30 s SQLite, < 15 s PostgreSQL), approving it, writing its bank
// file (target < 60 s, streaming), and the 12-month report (target < 2 s).
// Run with MINZHENG_BENCH_PAYMENT=1 and -benchtime 1x: each step is timed
// once per month and reported as seconds. MINZHENG_BENCH_N changes the
// million, MINZHENG_BENCH_MONTHS the twelve.
func BenchmarkPayment1M(b *testing.B) {
	if os.Getenv("MINZHENG_BENCH_PAYMENT") == "" {
		b.Skip("set MINZHENG_BENCH_PAYMENT=1: it writes a million recipients and twelve payrolls (about 15 minutes on SQLite)")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("MINZHENG_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	months := 12
	if v, err := strconv.Atoi(os.Getenv("MINZHENG_BENCH_MONTHS")); err == nil && v > 0 {
		months = v
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *sqldb.DB
			if engine == "sqlite" {
				db = sqltest.SQLite(b, sqltest.Options{Regions: []region.Code{"370614000000"}})
			} else {
				db = sqltest.Postgres(b, sqltest.Options{Regions: []region.Code{"370614000000"}})
			}
			t0 := time.Now()
			fillEnrolments(b, db, n)
			b.Logf("%s: %d enrolments written in %v", engine, n, time.Since(t0).Round(time.Millisecond))
			for b.Loop() {
				gen, appr, last := payrollMonths(b, db, months)
				if last.Lines != n {
					b.Fatalf("the last payroll has %d lines, want %d", last.Lines, n)
				}
				var gs, as []string
				for i := range gen {
					gs = append(gs, fmt.Sprintf("%.1f", gen[i].Seconds()))
					as = append(as, fmt.Sprintf("%.1f", appr[i].Seconds()))
				}
				b.Logf("generate s by month: %s", strings.Join(gs, " "))
				b.Logf("approve s by month: %s", strings.Join(as, " "))
				b.ReportMetric(gen[0].Seconds(), "generate-first-s")
				b.ReportMetric(gen[len(gen)-1].Seconds(), "generate-s")
				b.ReportMetric(appr[len(appr)-1].Seconds(), "approve-s")
				// The bank file of the last month, both formats.
				for _, format := range []string{xlsx.FormatCSV, xlsx.FormatXLSX} {
					t0 := time.Now()
					var w *xlsx.Writer
					rows := 0
					err := db.ExportBankFile(minzheng.WithActor(context.Background(), minzheng.System("maker")), last.ID, "", func(f sqldb.BankFile) error {
						var err error
						w, err = xlsx.NewWriter(io.Discard, format, "发放明细", []string{"发放编号", "收款人", "账号", "开户行", "金额（元）", "所属月份", "摘要"})
						return err
					}, func(l sqldb.PaymentLine) error {
						rows++
						return w.Write([]string{strconv.FormatInt(l.ID, 10), l.Payee, l.BankAccount, l.BankName, l.AmountFen.Yuan(), l.BenefitMonth.String(), "低保"})
					})
					if err == nil {
						err = w.Close()
					}
					if err != nil || rows != n {
						b.Fatalf("bank file %s: %d rows, %v", format, rows, err)
					}
					b.ReportMetric(time.Since(t0).Seconds(), "bankfile-"+format+"-s")
				}
				// The report over the months paid.
				from := minzheng.NewMonth(2024, time.January)
				t0 := time.Now()
				rep, err := db.PaymentReport(sys(), "370614000000", from, from+minzheng.Month(months-1), "dibao")
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(time.Since(t0).Seconds(), "report-s")
				if rep.Households != int64(n) || rep.Lines != int64(n*months) {
					b.Fatalf("report: %d households, %d lines", rep.Households, rep.Lines)
				}
				b.Logf("%s", rep.Sentence)
			}
		})
	}
}
