// Command minzheng is the whole program: one binary that serves the staff
// pages, the API and the portal, migrates its database, runs the demo and
// the command-line work (accounts, audit verification).
//
//	minzheng serve        [--db D] [--addr A] [--now T]
//	minzheng migrate      [--db D]
//	minzheng demo         [--db D] [--addr A] [--now T] [--households N] [--region CODE]… [--seed S]
//	minzheng user add     --username U --role R [--region C] [--name N] [--password-stdin] [--db D]
//	minzheng audit verify [--db D]
//	minzheng version
//
// Configuration is by flags, or the environment: MINZHENG_DB (sqlite:PATH,
// default sqlite:minzheng.db, or a postgres:// URL), MINZHENG_ADDR (default
// 127.0.0.1:8080), MINZHENG_NOW (fix the clock, for demos and tests).
// Command-line work acts as the audited system actor.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"minzheng"
	"minzheng/auth"
	"minzheng/calendar"
	"minzheng/job"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/registry"
	"minzheng/registry/synth"
	"minzheng/sqldb"
	"minzheng/web"
)

// Version is set at build time with -ldflags "-X main.Version=…"; otherwise
// it comes from the module's VCS information.
var Version = ""

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `minzheng — 民政社会救助管理

用法：
  minzheng serve        [--db D] [--addr A]    启动服务
  minzheng migrate      [--db D]               升级数据库结构并载入区划
  minzheng demo         [--db D] [--addr A] [--households N] [--region CODE]… [--seed S]
                                               创建演示数据库、演示账户和演示家庭并启动（默认 sqlite:minzheng-demo.db）
  minzheng eval         [--db D]               从标准输入读一个测算请求（JSON），输出决定及理由（JSON）；不给 --db 时用内置标准
  minzheng simulate     --region C [--date D] --set 名称=值@区划 … [--sample N] [--db D]
                                               对辖区家庭档案测算改革方案（低保），输出与现行标准的差异（JSON）
  minzheng payroll      --region C --month YYYY-MM [--program P] [--db D]
                                               生成（或重新生成）一个县一个月的发放名册（审核须由另一位工作人员在系统中进行）
  minzheng report       --from YYYY-MM --to YYYY-MM [--region C] [--program P] [--db D]
                                               资金发放统计（户数、人数、人次、金额和报告用语，JSON）
  minzheng user add     --username U --role R [--region C] [--name N] [--password-stdin]
  minzheng audit verify [--db D]               校验操作日志哈希链
  minzheng version

环境变量：MINZHENG_DB（sqlite:路径 或 postgres://…，默认 sqlite:minzheng.db）、MINZHENG_ADDR（默认 127.0.0.1:8080）、MINZHENG_NOW（固定当前时间）
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, false)
	case "demo":
		err = cmdServe(ctx, args[1:], stdout, true)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout)
	case "eval":
		err = cmdEval(ctx, args[1:], stdin, stdout)
	case "simulate":
		err = cmdSimulate(ctx, args[1:], stdout)
	case "payroll":
		err = cmdPayroll(ctx, args[1:], stdout)
	case "report":
		err = cmdReport(ctx, args[1:], stdout)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			fmt.Fprint(stderr, "用法：minzheng user add --username U --role R [--region C] [--name N] [--password-stdin]\n")
			return 2
		}
		err = cmdUserAdd(ctx, args[2:], stdin, stdout)
	case "audit":
		if len(args) < 2 || args[1] != "verify" {
			fmt.Fprint(stderr, "用法：minzheng audit verify [--db D]\n")
			return 2
		}
		err = cmdAuditVerify(ctx, args[2:], stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "minzheng", version())
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "未知命令 %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "minzheng:", ue.msg)
			return 2
		}
		if e, ok := minzheng.AsError(err); ok {
			fmt.Fprintln(stderr, "minzheng:", e.Message)
			return 1
		}
		fmt.Fprintln(stderr, "minzheng:", oneLine(err.Error()))
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return rev
		}
	}
	return "dev"
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// common are the flags every database command takes.
type common struct {
	db  string
	now string
}

func newFlags(name string, c *common, dbDefault string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.db, "db", env("MINZHENG_DB", dbDefault), "数据库：sqlite:路径 或 postgres://…")
	fs.StringVar(&c.now, "now", env("MINZHENG_NOW", ""), "固定当前时间（RFC 3339 或 YYYY-MM-DD），用于演示和测试")
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("%s：%v", fs.Name(), err)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s：多余的参数 %q", fs.Name(), fs.Args())}
	}
	return nil
}

// clock is the real clock, or a fixed one when --now is given.
func (c common) clock() (minzheng.Clock, error) {
	if c.now == "" {
		return minzheng.SystemClock{}, nil
	}
	if t, err := time.Parse(time.RFC3339, c.now); err == nil {
		return minzheng.NewFixedClock(t), nil
	}
	if d, err := minzheng.ParseDate(c.now); err == nil {
		y, m, dd := d.YMD()
		return minzheng.NewFixedClock(time.Date(y, m, dd, 9, 0, 0, 0, minzheng.China)), nil
	}
	return nil, usageError{fmt.Sprintf("--now %q 不对，应为 RFC 3339 时间或 YYYY-MM-DD", c.now)}
}

// open connects, migrates and loads the regions on first start, acting as
// the system. The database keeps the clock (--now) for everything after.
func open(ctx context.Context, c common, out io.Writer) (*sqldb.DB, error) {
	clock, err := c.clock()
	if err != nil {
		return nil, err
	}
	db, err := sqldb.Open(ctx, c.db, clock)
	if err != nil {
		return nil, err
	}
	if err := prepare(ctx, db, out); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// prepare migrates the schema and loads the regions into a new database,
// and the national default parameters into any that lacks them.
func prepare(ctx context.Context, db *sqldb.DB, out io.Writer) error {
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("数据库 %s 结构升级失败：%w", db, err)
	}
	n, err := db.RegionsLoaded(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return seedNational(ctx, db)
	}
	fmt.Fprintln(out, "首次启动：正在载入全国行政区划（约 66 万条）……")
	start := time.Now()
	loaded, err := db.LoadRegions(minzheng.WithActor(ctx, minzheng.System("cli")), nil)
	if err != nil {
		return fmt.Errorf("载入行政区划失败：%w", err)
	}
	fmt.Fprintf(out, "已载入 %d 条区划，用时 %.1f 秒\n", loaded, time.Since(start).Seconds())
	return seedNational(ctx, db)
}

// seedNational stores the national default parameters a database lacks:
// all of them on first start, those a newer release adds on an upgrade.
func seedNational(ctx context.Context, db *sqldb.DB) error {
	if _, err := db.SeedParams(minzheng.WithActor(ctx, minzheng.System("cli")), policy.National()); err != nil {
		return fmt.Errorf("载入全国默认标准失败：%w", err)
	}
	return nil
}

func cmdMigrate(ctx context.Context, args []string, out io.Writer) error {
	var c common
	fs := newFlags("migrate", &c, "sqlite:minzheng.db")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := open(ctx, c, out)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(out, "数据库 %s 已是最新结构\n", db)
	return nil
}

func cmdAuditVerify(ctx context.Context, args []string, out io.Writer) error {
	var c common
	fs := newFlags("audit verify", &c, "sqlite:minzheng.db")
	if err := parse(fs, args); err != nil {
		return err
	}
	clock, err := c.clock()
	if err != nil {
		return err
	}
	db, err := sqldb.Open(sqldb.Existing(ctx), c.db, clock)
	if err != nil {
		return err
	}
	defer db.Close()
	if !db.Migrated(ctx) {
		return fmt.Errorf("数据库 %s 尚未初始化，没有操作日志可校验", db)
	}
	rep, err := db.VerifyAudit(minzheng.WithActor(ctx, minzheng.System("cli")), nil)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("操作日志校验失败：%s（已核对 %d 条完好）", rep.Problem.Detail, rep.Entries)
	}
	fmt.Fprintf(out, "操作日志完整：共 %d 条，哈希链无断点，末条哈希 %s\n", rep.Entries, rep.LastHash)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	var c common
	fs := newFlags("user add", &c, "sqlite:minzheng.db")
	var in auth.UserInput
	var fromStdin bool
	fs.StringVar(&in.Username, "username", "", "用户名")
	fs.StringVar(&in.Role, "role", "", "角色")
	fs.StringVar(&in.Region, "region", "", "区划代码（全国留空）")
	fs.StringVar(&in.DisplayName, "name", "", "姓名")
	fs.StringVar(&in.Password, "password", "", "密码（会留在命令历史中，建议用 --password-stdin）")
	fs.BoolVar(&fromStdin, "password-stdin", false, "从标准输入读密码")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("读取密码失败：%w", err)
		}
		in.Password = strings.TrimRight(line, "\r\n")
	}
	if in.Username == "" || in.Role == "" || in.Password == "" {
		return usageError{"user add 需要 --username、--role 和密码（--password-stdin 或 --password）"}
	}
	in.Active = true
	db, err := open(ctx, c, io.Discard)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := minzheng.WithActor(ctx, minzheng.System("cli"))
	demo, err := db.IsDemo(sys)
	if err != nil {
		return err
	}
	checked, err := in.Validate(true, demo)
	if err != nil {
		return err
	}
	hash, err := auth.DefaultHasher.Hash(checked.Password)
	if err != nil {
		return err
	}
	u, err := db.CreateUser(sys, checked, hash)
	if err != nil {
		return err
	}
	where := "全国"
	if u.Region != "" {
		where = string(u.Region)
	}
	fmt.Fprintf(out, "已新建用户 %s（%s，%s），编号 %d\n", u.Username, u.Role.Chinese(), where, u.ID)
	return nil
}

// demoAccounts are the accounts `minzheng demo` creates (password
// auth.DemoPassword, accepted only in a demo database).
var demoAccounts = []auth.UserInput{
	{Username: "admin", DisplayName: "系统管理员", Role: "admin"},
	{Username: "auditor", DisplayName: "审计监督员", Role: "auditor"},
	{Username: "penglai_county", DisplayName: "蓬莱区民政局经办人", Role: "county_officer", Region: "370614"},
	{Username: "penglai_checker", DisplayName: "蓬莱区民政局复核人", Role: "county_officer", Region: "370614"},
	{Username: "dxd_township", DisplayName: "大辛店镇民政办", Role: "township_officer", Region: "370614107"},
	{Username: "cljz_township", DisplayName: "村里集镇民政办", Role: "township_officer", Region: "370614108"},
	{Username: "tianning_county", DisplayName: "天宁区民政局", Role: "county_officer", Region: "320402"},
	{Username: "tianning_checker", DisplayName: "天宁区民政局复核人", Role: "county_officer", Region: "320402"},
	{Username: "huancui_county", DisplayName: "环翠区民政局", Role: "county_officer", Region: "371002"},
	{Username: "huancui_checker", DisplayName: "环翠区民政局复核人", Role: "county_officer", Region: "371002"},
	{Username: "jinan_city", DisplayName: "济南市民政局", Role: "city_officer", Region: "3701"},
	{Username: "qinghai_province", DisplayName: "青海省民政厅", Role: "province_officer", Region: "63"},
	{Username: "zhiduo_county", DisplayName: "治多县民政局", Role: "county_officer", Region: "632724"},
	{Username: "zhiduo_checker", DisplayName: "治多县民政局复核人", Role: "county_officer", Region: "632724"},
}

// demoData says what synthetic households the demo makes.
type demoData struct {
	households int
	seed       int64
	regions    []region.Code
}

// seedRegions are the regions of the five bureau reports the program was
// specified from: 蓬莱, 天宁, 环翠, 济南, 青海.
var seedRegions = []region.Code{"370614000000", "320402000000", "371002000000", "370100000000", "630000000000"}

// generate fills an empty registry with synthetic households spread over
// the villages of the regions.
func generate(ctx context.Context, db *sqldb.DB, g demoData, out io.Writer) error {
	if g.households == 0 {
		return nil
	}
	sys := minzheng.WithActor(ctx, minzheng.System("demo"))
	if _, n, err := db.Households(sys, sqldb.HouseholdFilter{PerPage: 1}); err != nil || n > 0 {
		if n > 0 {
			fmt.Fprintf(out, "库中已有 %d 户家庭档案，不再生成演示家庭\n", n)
		}
		return err
	}
	regions := g.regions
	if len(regions) == 0 {
		regions = seedRegions
	}
	var villages []synth.Village
	for _, r := range regions {
		vs, err := db.Villages(sys, r)
		if err != nil {
			return err
		}
		for _, v := range vs {
			villages = append(villages, synth.Village{Code: v.Code, Area: v.Area})
		}
	}
	if len(villages) == 0 {
		return fmt.Errorf("所给区划之下没有村（居）")
	}
	start := time.Now()
	fmt.Fprintf(out, "正在生成 %d 户演示家庭……\n", g.households)
	hs := make(chan registry.NewHousehold, 256)
	genErr := make(chan error, 1)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(hs)
		genErr <- synth.Generate(villages, synth.Options{Households: g.households, Seed: g.seed, Today: minzheng.DateOf(db.Clock().Now())},
			func(h registry.NewHousehold) error {
				select {
				case hs <- h:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
	}()
	rep, err := db.CreateHouseholds(sys, func() (registry.NewHousehold, bool, error) {
		h, ok := <-hs
		return h, ok, nil
	}, nil)
	cancel()
	if err != nil {
		return err
	}
	if err := <-genErr; err != nil && err != context.Canceled {
		return err
	}
	fmt.Fprintf(out, "已生成 %d 户 %d 人（用时 %.1f 秒）\n", rep.Households, rep.Persons, time.Since(start).Seconds())
	return nil
}

// setupDemo marks the database as a demo and creates the demo accounts that
// are missing. A database with accounts that is not a demo is refused, so
// the demo password never lands in a real installation.
func setupDemo(ctx context.Context, db *sqldb.DB, out io.Writer) error {
	sys := minzheng.WithActor(ctx, minzheng.System("demo"))
	demo, err := db.IsDemo(sys)
	if err != nil {
		return err
	}
	if !demo {
		n, err := db.CountUsers(sys)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("数据库 %s 已有用户且不是演示数据库，不能用作演示；请用 --db 指定新的数据库", db)
		}
		if err := db.MarkDemo(sys); err != nil {
			return err
		}
	}
	for _, in := range demoAccounts {
		if _, _, err := db.UserForLogin(sys, in.Username); err == nil {
			continue
		}
		in.Password, in.Active = auth.DemoPassword, true
		checked, err := in.Validate(true, true)
		if err != nil {
			return err
		}
		hash, err := auth.DefaultHasher.Hash(checked.Password)
		if err != nil {
			return err
		}
		if _, err := db.CreateUser(sys, checked, hash); err != nil {
			return fmt.Errorf("创建演示账户 %s：%w", in.Username, err)
		}
	}
	// The seeds' local standards and the demonstration's own (marked 演示).
	n, err := db.SeedParams(sys, policy.Seeds())
	if err != nil {
		return fmt.Errorf("载入演示标准：%w", err)
	}
	if n > 0 {
		fmt.Fprintf(out, "已载入种子报告中的地方标准和演示标准 %d 条\n", n)
	}
	return nil
}

// reloadCalendar takes in, every minute, the years entered through another
// server process on the same database (this process reloads its own entries
// at once).
func reloadCalendar(ctx context.Context, db *sqldb.DB, book *calendar.Book) {
	sys := minzheng.WithActor(ctx, minzheng.System("calendar"))
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			entered, err := db.CalendarYears(sys)
			if err != nil {
				if ctx.Err() == nil {
					slog.Error("calendar reload", "err", err)
				}
				continue
			}
			book.Reload(sys, entered)
		}
	}
}

func cmdServe(ctx context.Context, args []string, out io.Writer, demo bool) error {
	var c common
	name, dbDefault := "serve", "sqlite:minzheng.db"
	if demo {
		name, dbDefault = "demo", "sqlite:minzheng-demo.db"
	}
	fs := newFlags(name, &c, dbDefault)
	addr := fs.String("addr", env("MINZHENG_ADDR", "127.0.0.1:8080"), "监听地址")
	var gen demoData
	if demo {
		fs.IntVar(&gen.households, "households", 1000, "生成的演示家庭户数（库中已有家庭档案时不再生成）")
		fs.Int64Var(&gen.seed, "seed", 1, "随机种子：相同的种子生成相同的数据")
		fs.Func("region", "生成到哪些区划之下（可重复；默认种子报告的五个地区）", func(v string) error {
			code, err := region.ParseScope(v)
			if err != nil || code == region.Country {
				return fmt.Errorf("区划代码 %q 不对", v)
			}
			gen.regions = append(gen.regions, code)
			return nil
		})
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if gen.households < 0 {
		return usageError{"--households 不能为负数"}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := open(ctx, c, out)
	if err != nil {
		return err
	}
	defer db.Close()
	if demo {
		if err := setupDemo(ctx, db, out); err != nil {
			return err
		}
		if err := generate(ctx, db, gen, out); err != nil {
			return err
		}
		if err := seedDemoKin(ctx, db, out); err != nil {
			return err
		}
		if err := seedDemoPayments(ctx, db, gen.regions, out); err != nil {
			return err
		}
	}
	sys := minzheng.WithActor(ctx, minzheng.System("serve"))
	entered, err := db.CalendarYears(sys)
	if err != nil {
		return err
	}
	book, err := calendar.NewBook(entered)
	if err != nil {
		return err
	}
	runner := &job.Runner{Store: db}
	srv, err := web.New(web.Config{DB: db, Calendar: book, Jobs: runner, Clock: db.Clock(), Version: version()})
	if err != nil {
		return err
	}
	if err := runner.Start(ctx); err != nil {
		return err
	}
	if err := srv.CleanUploads(ctx); err != nil {
		slog.Error("clean uploads", "err", err)
	}
	go reloadCalendar(ctx, db, book)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", *addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	url := "http://" + ln.Addr().String() + "/staff/"
	fmt.Fprintf(out, "minzheng %s 已启动：%s（数据库 %s）\n", version(), url, db)
	if demo {
		fmt.Fprintf(out, "演示账户（密码均为 %s）：\n", auth.DemoPassword)
		for _, a := range demoAccounts {
			where := "全国"
			if a.Region != "" {
				where = a.Region
			}
			fmt.Fprintf(out, "  %-17s %s（%s）\n", a.Username, auth.Role(a.Role).Chinese(), where)
		}
	} else if n, err := db.CountUsers(sys); err == nil && n == 0 {
		fmt.Fprintln(out, "数据库中还没有用户：请先运行 minzheng user add --username admin --role admin --password-stdin 创建管理员")
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "正在停止……")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}
