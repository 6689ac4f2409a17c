package sqldb_test

import (
	"testing"

	"minzheng"
	"minzheng/registry"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// TestSupportersAndParents: supporters and parents' statuses added after
// the household was created, and ended, read back as of each day.
func TestSupportersAndParents(t *testing.T) {
	clk := sqltest.Clock()
	sqltest.Each(t, sqltest.Options{Clock: clk}, func(t *testing.T, db *sqldb.DB) {
		clk.Set(sqltest.Clock().Now())
		ctx := sys()
		d1 := minzheng.DateOf(clk.Now())
		h := registry.NewHousehold{Region: "370614107201", Members: []registry.NewMember{
			{IDNumber: string(registry.NewIDNumber("370614", minzheng.NewDate(1950, 1, 2), 11)), Relation: "head", PersonFacts: registry.PersonFacts{Name: "王老汉"}},
			{IDNumber: string(registry.NewIDNumber("370614", minzheng.NewDate(2015, 1, 2), 12)), Relation: "grandchild", PersonFacts: registry.PersonFacts{Name: "王小宝"}},
		}}
		c, err := h.Check(d1)
		if err != nil {
			t.Fatal(err)
		}
		hid, err := db.CreateHousehold(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := db.Household(ctx, hid, 0)
		old, kid := got.Members[0].PersonID, got.Members[1].PersonID

		sid, err := db.AddSupporter(ctx, old, registry.Supporter{Name: "王大", Relation: "child", MonthlyIncome: 300000, Imprisoned: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddParentStatus(ctx, kid, registry.ParentStatus{Parent: "father", Status: "imprisoned", Since: d1.AddDays(-400)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddParentStatus(ctx, kid, registry.ParentStatus{Parent: "mother", Status: "lost_contact", Since: d1.AddDays(-300)}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * 24 * 3600e9)
		d2 := minzheng.DateOf(clk.Now())
		if err := db.EndSupporter(ctx, old, sid, d2); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddParentStatus(ctx, kid, registry.ParentStatus{Parent: "father", Status: "normal", Since: d2}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name       string
			on         minzheng.Date
			supporters int
			father     string
		}{
			{"登记当天", d1, 1, "imprisoned"},
			{"截止前一天", d2 - 1, 1, "imprisoned"},
			{"截止当天", d2, 0, "normal"},
		}
		for _, cs := range cases {
			t.Run(cs.name, func(t *testing.T) {
				h, err := db.Household(ctx, hid, cs.on)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(h.Members[0].Supporters); n != cs.supporters {
					t.Errorf("supporters %d, want %d", n, cs.supporters)
				}
				ps := h.Members[1].ParentStatuses
				if len(ps) != 2 || ps[0].Parent != "father" || ps[0].Status != cs.father || ps[1].Status != "lost_contact" {
					t.Errorf("parents %+v", ps)
				}
			})
		}
		if err := db.EndSupporter(ctx, old, sid, d2); minzheng.ErrorCode(err) != minzheng.CodeNotFound {
			t.Errorf("ending twice: %v", err)
		}
		if _, err := db.AddParentStatus(ctx, kid, registry.ParentStatus{Parent: "uncle", Status: "normal", Since: d2}); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
			t.Errorf("bad parent: %v", err)
		}
	})
}
