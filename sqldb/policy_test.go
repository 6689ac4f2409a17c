package sqldb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"minzheng"
	"minzheng/policy"
	"minzheng/region"
	"minzheng/registry"
	"minzheng/registry/synth"
	"minzheng/sqldb"
	"minzheng/sqldb/sqltest"
)

// fillSynthetic writes n synthetic households in the villages under the
// regions and returns how many were written.
func fillSynthetic(t testing.TB, db *sqldb.DB, n int, regions ...region.Code) int {
	t.Helper()
	ctx := sys()
	var villages []synth.Village
	for _, r := range regions {
		vs, err := db.Villages(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			villages = append(villages, synth.Village{Code: v.Code, Area: v.Area})
		}
	}
	var hs []registry.NewHousehold
	if err := synth.Generate(villages, synth.Options{Households: n, Seed: 3, Today: minzheng.NewDate(2025, 9, 26)},
		func(h registry.NewHousehold) error { hs = append(hs, h); return nil }); err != nil {
		t.Fatal(err)
	}
	i := 0
	rep, err := db.CreateHouseholds(ctx, func() (registry.NewHousehold, bool, error) {
		if i == len(hs) {
			return registry.NewHousehold{}, false, nil
		}
		i++
		return hs[i-1], true, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Households
}

// TestPolicyColumnsEqualEvaluate: the batch over the columns loaded from the
// registry answers, household by household and to the fen, what Evaluate
// answers for the registry's household as of the day.
func TestPolicyColumnsEqualEvaluate(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		created := fillSynthetic(t, db, 400, "370614000000", "320402000000", "632724000000")
		ctx := sys()
		day := minzheng.NewDate(2025, 9, 26)
		c, err := db.PolicyColumns(ctx, "", day)
		if err != nil {
			t.Fatal(err)
		}
		if c.Len() != created {
			t.Fatalf("loaded %d households, created %d", c.Len(), created)
		}
		book := policy.BuiltinBook()
		res, err := c.Dibao(book)
		if err != nil {
			t.Fatal(err)
		}
		eligible := 0
		for i := 0; i < c.Len(); i++ {
			h, err := db.Household(ctx, c.ID[i], day)
			if err != nil {
				t.Fatal(err)
			}
			d, err := policy.Evaluate(policy.Request{Program: "dibao", Date: day, Region: h.Region, Household: policy.FromRegistry(&h, day)}, book)
			if err != nil {
				t.Fatal(err)
			}
			if d.IsEligible() {
				eligible++
			}
			if d.AmountFen != res.Amount[i] || d.IsEligible() != (res.Code[i] == policy.ResultYes || res.Code[i] == policy.ResultSingle) {
				t.Fatalf("household %d: batch %d/%d, Evaluate %v/%d\n%+v", c.ID[i], res.Code[i], res.Amount[i], d.Eligible, d.AmountFen, d.Reasons)
			}
		}
		if eligible == 0 || eligible == c.Len() {
			t.Errorf("%d of %d eligible: the synthetic registry should straddle the line", eligible, c.Len())
		}
	})
}

func TestPolicyColumnsScope(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		fillSynthetic(t, db, 200, "370614000000", "320402000000")
		day := minzheng.NewDate(2025, 9, 26)
		township := minzheng.WithActor(context.Background(), minzheng.Actor{UserID: 9, Username: "dxd", Role: "township_officer", Region: "370614107000"})
		c, err := db.PolicyColumns(township, "", day)
		if err != nil {
			t.Fatal(err)
		}
		if c.Len() == 0 {
			t.Fatal("the township sees none of its households")
		}
		for _, v := range c.Villages {
			if v[:9] != "370614107" {
				t.Fatalf("township officer loaded village %s outside 大辛店镇", v)
			}
		}
		_, err = db.PolicyColumns(township, "320402000000", day)
		if !errors.Is(err, minzheng.ErrForbidden) {
			t.Fatalf("a township loading 天宁: %v, want forbidden", err)
		}
		admin := minzheng.WithActor(context.Background(), minzheng.Actor{UserID: 1, Username: "admin", Role: "admin", Region: ""})
		if _, err := db.PolicyColumns(admin, "", day); err == nil {
			t.Fatal("the administrator read the registry for a simulation")
		}
	})
}

// TestDeathStopsOwnBenefitsAndOpensReview: recording a member's death stops
// his own benefits from the next month and opens a review of the
// household's 低保, due within three months; nothing else changes the 低保.
func TestDeathStopsOwnBenefitsAndOpensReview(t *testing.T) {
	sqltest.Each(t, sqltest.Options{}, func(t *testing.T, db *sqldb.DB) {
		fillSynthetic(t, db, 10, "370614107000")
		ctx := sys()
		day := minzheng.NewDate(2025, 9, 26)
		c, err := db.PolicyColumns(ctx, "370614107000", day)
		if err != nil || c.Len() == 0 {
			t.Fatalf("%d households: %v", c.Len(), err)
		}
		h, err := db.Household(ctx, c.ID[0], day)
		if err != nil {
			t.Fatal(err)
		}
		m := h.Members[0]
		err = db.InTx(ctx, func(tx *sqldb.Tx) error {
			for _, e := range []struct{ program, subject string }{{"dibao", ""}, {"elderly_poor", string(m.IDNumber)}} {
				if _, err := tx.Exec(ctx, `INSERT INTO enrolments (program, household_id, subject, region_code, amount_fen, period, first_month, status, granted, decision, created_at, created_by)
					VALUES (?, ?, ?, ?, 10000, 'month', '2025-01', 'active', 'decision', '{}', ?, 'test')`, e.program, h.ID, e.subject, h.Region, sqldb.At(time.Now())); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		died := minzheng.NewDate(2025, 9, 20)
		if err := db.UpdatePerson(ctx, m.PersonID, registry.PersonChange{ValidFrom: died, DeathDate: registry.Opt[minzheng.Date]{Set: true, V: died}}); err != nil {
			t.Fatal(err)
		}
		list, err := db.Enrolments(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			want := "active"
			if e.Program == "elderly_poor" {
				want = "stopped"
			}
			if e.Status != want {
				t.Errorf("%s after the death: %s, want %s", e.Program, e.Status, want)
			}
		}
		cases, _, err := db.Cases(ctx, sqldb.CaseFilter{Region: "370614107000", State: "applied"})
		if err != nil {
			t.Fatal(err)
		}
		if len(cases) != 1 || cases[0].Kind != "review" || cases[0].Program != "dibao" || cases[0].StepDeadline.String() != "2025-12-20" {
			t.Fatalf("review cases: %+v", cases)
		}
	})
}
