package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/registry"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// reviewWorld is a household of two in 大辛店镇 created a year before the
// test clock, with a clock the test moves.
func reviewWorld(t *testing.T, db *sqldb.DB, clk *minzheng.FixedClock) (ctx context.Context, hid int64, head, spouse int64, d0 minzheng.Date) {
	t.Helper()
	ctx = sys()
	d0 = minzheng.DateOf(clk.Now()).AddDays(-365)
	h := registry.NewHousehold{Region: "370614107201", Address: "一号", ValidFrom: d0, Members: []registry.NewMember{
		{IDNumber: string(registry.NewIDNumber("370614", minzheng.NewDate(1960, 1, 2), 31)), Relation: "head", PersonFacts: registry.PersonFacts{Name: "周甲"}},
		{IDNumber: string(registry.NewIDNumber("370614", minzheng.NewDate(1962, 1, 2), 42)), Relation: "spouse", PersonFacts: registry.PersonFacts{Name: "吴乙"},
			Incomes: []registry.Income{{Kind: "wage", Amount: 300000}}},
	}}
	c, err := h.Check(minzheng.DateOf(clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if hid, err = db.CreateHousehold(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Household(ctx, hid, 0)
	return ctx, hid, got.Members[0].PersonID, got.Members[1].PersonID, d0
}

// TestLateChangeOfTheSameField: a change recorded late from an earlier day
// does not overwrite a later change of the same field.
func TestLateChangeOfTheSameField(t *testing.T) {
	clk := sqltest.Clock()
	sqltest.Each(t, sqltest.Options{Clock: clk}, func(t *testing.T, db *sqldb.DB) {
		clk.Set(sqltest.Clock().Now())
		ctx, hid, head, _, d0 := reviewWorld(t, db, clk)
		june, march := d0.AddDays(150), d0.AddDays(60)
		if err := db.UpdateHousehold(ctx, hid, registry.HouseholdChange{ValidFrom: june, Address: registry.Set("六月地址")}); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdatePerson(ctx, head, registry.PersonChange{ValidFrom: june, Disability: registry.Set(&registry.Disability{Category: "limb", Level: 2})}); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateHousehold(ctx, hid, registry.HouseholdChange{ValidFrom: march, Address: registry.Set("三月地址"), Area: registry.Set("urban")}); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdatePerson(ctx, head, registry.PersonChange{ValidFrom: march, Disability: registry.Set(&registry.Disability{Category: "limb", Level: 4}),
			Phone: registry.Set("13805350000")}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, address, area, phone string
			on                         minzheng.Date
			level                      int
		}{
			{"建档时", "一号", "rural", "", d0, 0},
			{"三月后", "三月地址", "urban", "13805350000", march.AddDays(1), 4},
			{"六月后仍是六月的地址和等级，但带上三月起的城乡与电话", "六月地址", "urban", "13805350000", june.AddDays(1), 2},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				h, err := db.Household(ctx, hid, c.on)
				if err != nil {
					t.Fatal(err)
				}
				m := h.Members[0]
				level := 0
				if m.Disability != nil {
					level = m.Disability.Level
				}
				if h.Address != c.address || h.Area != c.area || m.Phone != c.phone || level != c.level {
					t.Errorf("%s: address %q area %q phone %q level %d", c.on, h.Address, h.Area, m.Phone, level)
				}
			})
		}
	})
}

// TestDepartedMembersFacts: after a member leaves, their incomes are not
// the household's.
func TestDepartedMembersFacts(t *testing.T) {
	clk := sqltest.Clock()
	sqltest.Each(t, sqltest.Options{Clock: clk}, func(t *testing.T, db *sqldb.DB) {
		clk.Set(sqltest.Clock().Now())
		ctx, hid, _, spouse, _ := reviewWorld(t, db, clk)
		if err := db.EndMember(ctx, hid, spouse, minzheng.DateOf(clk.Now()).AddDays(-10), "", "外出"); err != nil {
			t.Fatal(err)
		}
		h, _ := db.Household(ctx, hid, 0)
		if len(h.Members) != 1 || len(h.Incomes) != 0 {
			t.Fatalf("members %d, household incomes %v", len(h.Members), h.Incomes)
		}
	})
}

// TestRejoinRules: a person who left cannot rejoin from before they left,
// keeps their facts when moving, and another household cannot edit their
// past.
func TestRejoinRules(t *testing.T) {
	clk := sqltest.Clock()
	sqltest.Each(t, sqltest.Options{Clock: clk}, func(t *testing.T, db *sqldb.DB) {
		clk.Set(sqltest.Clock().Now())
		ctx, hid, _, spouse, d0 := reviewWorld(t, db, clk)
		if err := db.UpdatePerson(ctx, spouse, registry.PersonChange{ValidFrom: d0, Disability: registry.Set(&registry.Disability{Category: "visual", Level: 1})}); err != nil {
			t.Fatal(err)
		}
		left := minzheng.DateOf(clk.Now()).AddDays(-30)
		if err := db.EndMember(ctx, hid, spouse, left, "", "分户"); err != nil {
			t.Fatal(err)
		}
		h2 := registry.NewHousehold{Region: "370614107201", ValidFrom: d0, Members: []registry.NewMember{
			{IDNumber: string(registry.NewIDNumber("370614", minzheng.NewDate(1985, 1, 2), 51)), Relation: "head", PersonFacts: registry.PersonFacts{Name: "郑丙"}}}}
		c2, _ := h2.Check(minzheng.DateOf(clk.Now()))
		hid2, err := db.CreateHousehold(ctx, c2)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := db.Household(ctx, hid, d0)
		m, id, err := registry.CheckMember(registry.NewMember{IDNumber: string(h.Members[1].IDNumber), Relation: "parent", PersonFacts: registry.PersonFacts{Name: "吴乙"}}, d0, minzheng.DateOf(clk.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddMember(ctx, hid2, m, id, left.AddDays(-1)); minzheng.ErrorCode(err) != minzheng.CodeInvalid || !strings.Contains(err.Error(), "离开") {
			t.Fatalf("rejoin before leaving: %v", err)
		}
		if _, err := db.AddMember(ctx, hid2, m, id, left); err != nil {
			t.Fatal(err)
		}
		moved, _ := db.Household(ctx, hid2, 0)
		if len(moved.Members) != 2 || moved.Members[1].Disability == nil || moved.Members[1].Disability.Level != 1 {
			t.Fatalf("the move lost the disability: %+v", moved.Members)
		}
		if err := db.UpdatePerson(ctx, spouse, registry.PersonChange{ValidFrom: d0, Name: registry.Set("改名")}); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
			t.Fatalf("editing the past lived in another household: %v", err)
		}
		old, _ := db.Household(ctx, hid, d0.AddDays(1))
		if old.Members[1].Name != "吴乙" {
			t.Fatalf("the old household's past changed: %+v", old.Members[1].Name)
		}
		_ = time.Second
	})
}

// TestClosedStaysClosed: a closed household cannot be closed again from an
// earlier day, nor reopened.
func TestClosedStaysClosed(t *testing.T) {
	clk := sqltest.Clock()
	sqltest.Each(t, sqltest.Options{Clock: clk}, func(t *testing.T, db *sqldb.DB) {
		clk.Set(sqltest.Clock().Now())
		ctx, hid, _, _, d0 := reviewWorld(t, db, clk)
		if err := db.UpdateHousehold(ctx, hid, registry.HouseholdChange{Status: registry.Set("closed")}); err != nil {
			t.Fatal(err)
		}
		for _, st := range []string{"closed", "active"} {
			err := db.UpdateHousehold(ctx, hid, registry.HouseholdChange{ValidFrom: d0.AddDays(10), Status: registry.Set(st)})
			if minzheng.ErrorCode(err) != minzheng.CodeInvalid {
				t.Errorf("status %s on a closed household: %v", st, err)
			}
		}
	})
}
