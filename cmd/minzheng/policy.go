package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"minzheng"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/sqldb"
)

// cmdEval reads one request as JSON on stdin and writes the decision as
// JSON on stdout. With --db (or MINZHENG_DB) the parameters are that
// database's; without, the built-in ones: the national defaults and the
// seeds' figures, the same rows `minzheng demo` loads.
func cmdEval(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	var c common
	fs := newFlags("eval", &c, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	var req policy.Request
	if err := minzheng.DecodeJSON(io.LimitReader(stdin, 1<<20), &req); err != nil {
		return writeJSONError(out, err)
	}
	book := policy.BuiltinBook()
	if c.db != "" {
		db, err := openExisting(ctx, c)
		if err != nil {
			return err
		}
		defer db.Close()
		if book, err = db.ParamBook(minzheng.WithActor(ctx, minzheng.System("eval"))); err != nil {
			return err
		}
	}
	d, err := policy.Evaluate(req, book)
	if err != nil {
		return writeJSONError(out, err)
	}
	return writeJSON(out, d)
}

// cmdSimulate runs a what-if of the 低保 programme over the registry's
// households of a region: the baseline parameters against the reform given
// by --set, and prints the difference as JSON.
func cmdSimulate(ctx context.Context, args []string, out io.Writer) error {
	var c common
	fs := newFlags("simulate", &c, "sqlite:minzheng.db")
	var regionFlag, dateFlag string
	var sets multiFlag
	sample := 10
	fs.StringVar(&regionFlag, "region", "", "测算的区划代码")
	fs.StringVar(&dateFlag, "date", "", "测算日期（YYYY-MM-DD，默认今天）")
	fs.Var(&sets, "set", "改革参数：名称=值@区划，可重复")
	fs.IntVar(&sample, "sample", 10, "列出的受影响家庭数")
	if err := parse(fs, args); err != nil {
		return err
	}
	if regionFlag == "" {
		return usageError{"simulate：请用 --region 指定测算的区划"}
	}
	scope, _, err := region.Parse(regionFlag)
	if err != nil {
		return err
	}
	parsed, err := policy.ParseSets(sets)
	if err != nil {
		return err
	}
	if sample < 0 || sample > 100 {
		return usageError{"simulate：--sample 应在 0 到 100 之间"}
	}
	clock, err := c.clock()
	if err != nil {
		return err
	}
	day := minzheng.DateOf(clock.Now())
	if dateFlag != "" {
		if day, err = minzheng.ParseDate(dateFlag); err != nil {
			return usageError{"simulate：--date " + err.Error()}
		}
	}
	db, err := openExisting(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := minzheng.WithActor(ctx, minzheng.System("simulate"))
	book, err := db.ParamBook(sys)
	if err != nil {
		return err
	}
	cols, err := db.PolicyColumns(sys, scope, day)
	if err != nil {
		return err
	}
	sim, err := policy.Simulate(cols, book, parsed, string(scope), sample)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d 户：%s\n", sim.Total.Households, sim.Total)
	return writeJSON(out, sim)
}

// openExisting opens a database that must already be migrated.
func openExisting(ctx context.Context, c common) (*sqldb.DB, error) {
	clock, err := c.clock()
	if err != nil {
		return nil, err
	}
	db, err := sqldb.Open(sqldb.Existing(ctx), c.db, clock)
	if err != nil {
		return nil, err
	}
	if !db.Migrated(ctx) {
		db.Close()
		return nil, fmt.Errorf("数据库 %s 尚未初始化，请先运行 minzheng migrate 或 minzheng demo", db)
	}
	return db, nil
}

func writeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONError writes {"error":{…}} on stdout, as the API would answer,
// and returns the error so the command exits 1 with the message on stderr.
func writeJSONError(out io.Writer, err error) error {
	e, ok := minzheng.AsError(err)
	if !ok {
		return err
	}
	body := map[string]string{"code": e.Code, "message": e.Message}
	if e.Field != "" {
		body["field"] = e.Field
	}
	_ = writeJSON(out, map[string]any{"error": body})
	return err
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
