package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"minzheng"
	"minzheng/region"
	"minzheng/sqldb"
)

// demoKin are the three registered relatives of 环翠区 the seed report
// counts ("近亲属备案人员3人"): fictional staff and cadres, each tied to a
// member of one of the demo's 环翠 households.
var demoKin = []struct{ staff, role, relation string }{
	{"王建国", "village_cadre", "sibling"},
	{"刘秀英", "assistance_staff", "parent"},
	{"陈立新", "village_cadre", "spouse"},
}

// seedDemoKin fills 环翠's kin register when it is empty and the demo has
// households there.
func seedDemoKin(ctx context.Context, db *sqldb.DB, out io.Writer) error {
	sys := minzheng.WithActor(ctx, minzheng.System("demo"))
	huancui := region.Code("371002000000")
	list, err := db.KinList(sys, huancui, false)
	if err != nil || len(list) > 0 {
		return err
	}
	rows, _, err := db.Households(sys, sqldb.HouseholdFilter{Region: huancui, PerPage: len(demoKin)})
	if err != nil {
		return err
	}
	today := minzheng.DateOf(db.Clock().Now())
	n := 0
	for i, row := range rows {
		h, err := db.Household(sys, row.ID, today)
		if err != nil {
			return err
		}
		if len(h.Members) == 0 {
			continue
		}
		m := h.Members[len(h.Members)-1]
		k := demoKin[i]
		if _, err := db.AddKin(sys, sqldb.KinEntry{Region: h.Region, IDNumber: string(m.IDNumber), Name: m.Name, Relation: k.relation,
			StaffName: k.staff, StaffRole: k.role, ValidFrom: today}); err != nil {
			return fmt.Errorf("近亲属备案：%w", err)
		}
		n++
	}
	if n > 0 {
		fmt.Fprintf(out, "已登记环翠区近亲属备案 %d 人\n", n)
	}
	return nil
}

// demoPrograms are the monthly programmes the demo's existing recipients
// are taken over for.
var demoPrograms = []string{"dibao", "tekun", "disability_living", "disability_care", "elderly_longevity", "elderly_poor",
	"orphan", "unsupported_child", "distressed_child"}

// demoCheckers pair a county's demo account that makes its payrolls with
// the one that approves them (生成与审核分离).
var demoCheckers = map[region.Code][2]string{
	"370614000000": {"penglai_county", "penglai_checker"},
	"320402000000": {"tianning_county", "tianning_checker"},
	"371002000000": {"huancui_county", "huancui_checker"},
	"632724000000": {"zhiduo_county", "zhiduo_checker"},
}

// seedDemoPayments takes the demo's eligible households over as existing
// recipients from January 2024, then makes and approves every month's
// payroll from then to this month — made by the county's officer and
// approved by its checker (elsewhere by two system actors) — so that every
// report has figures. It does nothing when payrolls exist.
func seedDemoPayments(ctx context.Context, db *sqldb.DB, regions []region.Code, out io.Writer) error {
	sys := minzheng.WithActor(ctx, minzheng.System("demo"))
	if list, err := db.Payrolls(sys, sqldb.PayrollFilter{}); err != nil || len(list) > 0 {
		return err
	}
	if len(regions) == 0 {
		regions = seedRegions
	}
	start := time.Now()
	today := minzheng.DateOf(db.Clock().Now())
	first := minzheng.NewMonth(2024, time.January)
	total := 0
	for _, r := range regions {
		n, err := db.ImportEnrolments(sys, r, demoPrograms, today, first)
		if err != nil {
			return fmt.Errorf("接转演示对象：%w", err)
		}
		for _, k := range n {
			total += k
		}
	}
	if total == 0 {
		return nil
	}
	actorOf := func(username string) (context.Context, error) {
		u, _, err := db.UserForLogin(sys, username)
		if err != nil {
			return nil, fmt.Errorf("演示账户 %s：%w", username, err)
		}
		return minzheng.WithActor(ctx, u.Actor()), nil
	}
	payrolls := 0
	for _, r := range regions {
		targets, err := db.PayrollTargets(sys, r)
		if err != nil {
			return err
		}
		for _, t := range targets {
			maker := minzheng.WithActor(ctx, minzheng.System("demo-maker"))
			checker := minzheng.WithActor(ctx, minzheng.System("demo-checker"))
			if pair, ok := demoCheckers[t.County]; ok {
				if maker, err = actorOf(pair[0]); err != nil {
					return err
				}
				if checker, err = actorOf(pair[1]); err != nil {
					return err
				}
			}
			for m := first; m <= today.Month(); m++ {
				p, _, err := db.GeneratePayroll(maker, t.County, region.LevelCounty, m, t.Program)
				if err != nil {
					return fmt.Errorf("演示发放名册 %s %s %s：%w", t.County, m, t.Program, err)
				}
				if _, err := db.ApprovePayroll(checker, p.ID); err != nil {
					return fmt.Errorf("审核演示发放名册 %s %s %s：%w", t.County, m, t.Program, err)
				}
				payrolls++
			}
		}
	}
	fmt.Fprintf(out, "已接转演示对象 %d 项待遇，生成并审核 %s 至 %s 的发放名册 %d 份（用时 %.1f 秒）\n", total, first, today.Month(), payrolls,
		time.Since(start).Seconds())
	return nil
}
