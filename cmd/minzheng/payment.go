package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"minzheng"
	"minzheng/region"
)

// cmdPayroll generates (or regenerates) a county's payroll of a month and
// programme as the system actor, and prints it as JSON. Approval is a
// checker's, in the staff pages or the API: never the command line's.
func cmdPayroll(ctx context.Context, args []string, out io.Writer) error {
	var c common
	fs := newFlags("payroll", &c, "sqlite:minzheng.db")
	var regionFlag, monthFlag, program string
	fs.StringVar(&regionFlag, "region", "", "县（区）6 位代码")
	fs.StringVar(&monthFlag, "month", "", "发放月份 YYYY-MM")
	fs.StringVar(&program, "program", "dibao", "项目")
	if err := parse(fs, args); err != nil {
		return err
	}
	if regionFlag == "" || monthFlag == "" {
		return usageError{"payroll：请用 --region 和 --month 指定县和月份"}
	}
	code, level, err := region.Parse(regionFlag)
	if err != nil {
		return err
	}
	month, err := minzheng.ParseMonth(monthFlag)
	if err != nil {
		return usageError{"payroll：--month 应为 YYYY-MM"}
	}
	db, err := openExisting(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	p, created, err := db.GeneratePayroll(minzheng.WithActor(ctx, minzheng.System("payroll")), code, level, month, program)
	if err != nil {
		return err
	}
	verb := "已有"
	if created {
		verb = "已生成"
	}
	fmt.Fprintf(os.Stderr, "%s %s %s 发放名册（%s）：%d 行，%d 户 %d 人，%s 元\n", verb, month, p.ProgramName, p.State, p.Lines, p.Households, p.Persons, p.AmountFen.Yuan())
	return writeJSON(out, p)
}

// cmdReport prints the payments report of a region, period and programme.
func cmdReport(ctx context.Context, args []string, out io.Writer) error {
	var c common
	fs := newFlags("report", &c, "sqlite:minzheng.db")
	var regionFlag, fromFlag, toFlag, program string
	fs.StringVar(&regionFlag, "region", "", "区划代码（不填为全国）")
	fs.StringVar(&fromFlag, "from", "", "起始月份 YYYY-MM")
	fs.StringVar(&toFlag, "to", "", "截止月份 YYYY-MM")
	fs.StringVar(&program, "program", "dibao", "项目")
	if err := parse(fs, args); err != nil {
		return err
	}
	scope, err := region.ParseScope(regionFlag)
	if err != nil {
		return err
	}
	from, err1 := minzheng.ParseMonth(fromFlag)
	to, err2 := minzheng.ParseMonth(toFlag)
	if err1 != nil || err2 != nil {
		return usageError{"report：--from 和 --to 应为 YYYY-MM"}
	}
	db, err := openExisting(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.PaymentReport(minzheng.WithActor(ctx, minzheng.System("report")), scope, from, to, program)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, rep.Sentence)
	return writeJSON(out, rep)
}
