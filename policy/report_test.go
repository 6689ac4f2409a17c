package policy

import (
	"testing"

	"minzheng"
)

// TestChanges is the 标准调整情况 report on the built-in book: old value,
// new value, the number of changes between and the growth in percent.
func TestChanges(t *testing.T) {
	b := BuiltinBook()
	none := int64(-1) // no value in force
	cases := []struct {
		name     string
		region   string
		from, to string
		param    string
		old, new int64
		changes  int
		growth   string
		demo     bool
	}{
		{"蓬莱城市低保", "370614000000", "2020-06-01", "2024-06-01", "dibao.standard.urban", 67900, 100100, 1, "47.42", false},
		{"蓬莱农村低保", "370614000000", "2020-06-01", "2024-06-01", "dibao.standard.rural", 48600, 80000, 1, "64.61", false},
		{"蓬莱城市特困", "370614000000", "2020-06-01", "2024-06-01", "tekun.standard.urban", 86100, 140200, 1, "62.83", false},
		{"蓬莱农村特困", "370614000000", "2020-06-01", "2024-06-01", "tekun.standard.rural", 61600, 112000, 1, "81.82", false},
		{"蓬莱的村沿用区里的标准", "370614107201", "2020-06-01", "2024-06-01", "dibao.standard.urban", 67900, 100100, 1, "47.42", false},
		{"蓬莱标准出台前没有旧值也没有增幅", "370614000000", "2019-01-01", "2025-01-01", "dibao.standard.urban", none, 100100, 2, "", false},
		{"期间未调整增幅为零", "370614000000", "2024-02-01", "2024-06-01", "dibao.standard.rural", 80000, 80000, 0, "0.00", false},
		{"天宁低保2021年起设定", "320402000000", "2020-06-01", "2024-06-01", "dibao.standard.urban", none, 94000, 1, "", false},
		{"天宁特困按低保的1.3倍计算", "320402000000", "2021-07-01", "2024-06-01", "tekun.standard.rural", 122200, 122200, 0, "0.00", false},
		{"济南市中区农村标准等于城市标准", "370103000000", "2020-06-01", "2024-06-01", "dibao.standard.rural", 68500, 111400, 1, "62.63", false},
		{"济南历下区城乡分设", "370102000000", "2020-06-01", "2024-06-01", "dibao.standard.rural", 45700, 88400, 1, "93.44", false},
		{"环翠孤儿基本生活费", "371002000000", "2023-06-01", "2024-06-01", "orphan.standard", 200200, 212400, 1, "6.09", false},
		{"青海没有种子标准用演示标准", "630000000000", "2023-06-01", "2024-06-01", "dibao.standard.urban", none, 80000, 1, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := Changes(b, c.region, day(t, c.from), day(t, c.to))
			var got *Change
			for i := range rows {
				if rows[i].Name == c.param {
					got = &rows[i]
				}
				if spec, _ := Lookup(rows[i].Name); !spec.Standard {
					t.Errorf("%s is not a standard but is in the report", rows[i].Name)
				}
			}
			if got == nil {
				t.Fatalf("%s not in the report %+v", c.param, rows)
			}
			if v := fenOr(got.Old, none); v != c.old {
				t.Errorf("old %d, want %d", v, c.old)
			}
			if v := fenOr(got.New, none); v != c.new {
				t.Errorf("new %d, want %d", v, c.new)
			}
			if got.Changes != c.changes {
				t.Errorf("changes %d, want %d", got.Changes, c.changes)
			}
			if got.Growth != c.growth {
				t.Errorf("growth %q, want %q", got.Growth, c.growth)
			}
			if got.Demo != c.demo {
				t.Errorf("demo %v, want %v", got.Demo, c.demo)
			}
			if got.Title == "" || (got.New != nil && got.NewRow == nil) || (got.Old != nil && got.OldRow == nil) {
				t.Errorf("incomplete line %+v", got)
			}
		})
	}
}

func fenOr(f *minzheng.Fen, none int64) int64 {
	if f == nil {
		return none
	}
	return int64(*f)
}

// TestChangesOrderAndGaps: the report follows the catalog's order, leaves
// out standards with no value on either day, and is empty for a period
// that ends before it starts.
func TestChangesOrderAndGaps(t *testing.T) {
	b := BuiltinBook()
	rows := Changes(b, "370614000000", day(t, "2020-06-01"), day(t, "2024-06-01"))
	if len(rows) < 4 || rows[0].Name != "dibao.standard.urban" || rows[1].Name != "dibao.standard.rural" {
		t.Fatalf("report does not start with the 低保 standards: %+v", rows)
	}
	for _, r := range rows {
		if r.Old == nil && r.New == nil {
			t.Errorf("%s has no value on either day but is listed", r.Name)
		}
	}
	// The demo's national 两项补贴 standards start in 2024: none before.
	for _, r := range Changes(b, "370614000000", day(t, "2020-06-01"), day(t, "2021-06-01")) {
		if r.Name == "disability_living.standard" {
			t.Errorf("a standard with no value in the period is listed: %+v", r)
		}
	}
	if rows := Changes(b, "370614000000", day(t, "2024-06-01"), day(t, "2020-06-01")); rows != nil {
		t.Errorf("a period ending before it starts gave %d lines", len(rows))
	}
}

// TestChangesCorrectionAndExpiry: a correction on the same day that keeps
// the value is no change; one that changes it counts once; a standard that
// ends counts as a change and shows no new value.
func TestChangesCorrectionAndExpiry(t *testing.T) {
	doc := Document{Title: "测试文件"}
	at := func(s string) minzheng.Date { return day(t, s) }
	rows := []Param{
		{Name: "orphan.standard", Region: "37", Value: "100000", EffectiveFrom: at("2020-01-01"), Document: doc},
		{Name: "orphan.standard", Region: "37", Value: "120000", EffectiveFrom: at("2022-01-01"), Document: doc},
		// A correction of the 2022 row, recorded later, with the same value.
		{Name: "orphan.standard", Region: "37", Value: "120000", EffectiveFrom: at("2022-01-01"), Document: doc, Note: "更正文号"},
		{Name: "distressed_child.standard", Region: "37", Value: "50000", EffectiveFrom: at("2020-01-01"), EffectiveTo: at("2023-01-01"), Document: doc},
	}
	rows[2].RecordedAt = rows[1].RecordedAt.AddDate(1, 0, 0)
	b, err := NewBook(rows)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		param   string
		changes int
		newNil  bool
		growth  string
	}{
		{"更正不改变数值不算调整", "orphan.standard", 1, false, "20.00"},
		{"标准失效算一次调整且无新值", "distressed_child.standard", 1, true, ""},
	}
	report := Changes(b, "370614000000", at("2021-01-01"), at("2024-01-01"))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got *Change
			for i := range report {
				if report[i].Name == c.param {
					got = &report[i]
				}
			}
			if got == nil {
				t.Fatalf("%s missing from %+v", c.param, report)
			}
			if got.Changes != c.changes || (got.New == nil) != c.newNil || got.Growth != c.growth {
				t.Errorf("changes %d new %v growth %q; want %d, nil=%v, %q", got.Changes, got.New, got.Growth, c.changes, c.newNil, c.growth)
			}
		})
	}
}

// TestGrowth: the percentage in integers, two decimals, half up.
func TestGrowth(t *testing.T) {
	cases := []struct {
		name     string
		from, to minzheng.Fen
		want     string
	}{
		{"蓬莱低保679到1001", 67900, 100100, "47.42"},
		{"不变", 80000, 80000, "0.00"},
		{"三分之一", 3, 4, "33.33"},
		{"三分之二进位", 3, 5, "66.67"},
		{"恰好一半进位", 20000, 20001, "0.01"},
		{"下降", 10000, 9500, "-5.00"},
		{"下降恰好一半", 20000, 19999, "-0.01"},
		{"翻倍", 50000, 100000, "100.00"},
		{"旧值为零无增幅", 0, 100, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Growth(c.from, c.to); got != c.want {
				t.Errorf("Growth(%d, %d) = %q, want %q", c.from, c.to, got, c.want)
			}
		})
	}
}

// TestResolve: a value through the region's ancestors, a formula one level
// deep, and the errors for what cannot be resolved.
func TestResolve(t *testing.T) {
	b := BuiltinBook()
	cases := []struct {
		name   string
		param  string
		region string
		day    string
		want   minzheng.Fen
		from   string // the row's region prefix
		code   string // the error's code, "" for none
	}{
		{"村沿用区的标准", "dibao.standard.rural", "370614107201", "2024-06-01", 80000, "370614", ""},
		{"天宁特困为低保的1.3倍", "tekun.standard.urban", "320402000000", "2024-06-01", 122200, "320402", ""},
		{"公式在本区划求值", "tekun.standard.urban", "370103000000", "2024-06-01", 144820, "", ""},
		{"生效前没有值", "dibao.standard.urban", "370614000000", "2019-06-01", 0, "", minzheng.CodeInvalid},
		{"不是金额的参数", "dibao.edge.multiple", "370614000000", "2024-06-01", 0, "", minzheng.CodeInvalid},
		{"没有这个参数", "dibao.nothing", "370614000000", "2024-06-01", 0, "", minzheng.CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, row, err := Resolve(b, c.param, c.region, day(t, c.day))
			if c.code != "" {
				if minzheng.ErrorCode(err) != c.code || row != nil {
					t.Fatalf("err %v row %v, want %s", err, row, c.code)
				}
				return
			}
			if err != nil || v != c.want || row == nil || row.Region != c.from || row.Name != c.param {
				t.Fatalf("got %d %+v %v, want %d from %q", v, row, err, c.want, c.from)
			}
		})
	}
	t.Run("公式套公式逐层计算，循环引用报错", func(t *testing.T) {
		doc := Document{Title: "测试"}
		nb, err := NewBook([]Param{
			{Name: "dibao.standard.urban", Value: "100000", EffectiveFrom: day(t, "2020-01-01"), Document: doc},
			{Name: "tekun.standard.urban", Value: "1.3 × dibao.standard.urban", EffectiveFrom: day(t, "2020-01-01"), Document: doc},
			{Name: "orphan.standard", Value: "2 × tekun.standard.urban", EffectiveFrom: day(t, "2020-01-01"), Document: doc},
			{Name: "dibao.standard.rural", Value: "1 × tekun.standard.rural", EffectiveFrom: day(t, "2020-01-01"), Document: doc},
			{Name: "tekun.standard.rural", Value: "1.3 × dibao.standard.rural", EffectiveFrom: day(t, "2020-01-01"), Document: doc},
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, _, err := Resolve(nb, "orphan.standard", "370614000000", day(t, "2024-01-01")); err != nil || v != 260000 {
			t.Errorf("a formula over a formula: %d, %v; want 260000", v, err)
		}
		if _, _, err := Resolve(nb, "tekun.standard.rural", "370614000000", day(t, "2024-01-01")); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
			t.Errorf("a cycle: %v", err)
		}
	})
}
