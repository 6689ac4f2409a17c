package main

import (
	"context"
	"fmt"
	"io"

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
