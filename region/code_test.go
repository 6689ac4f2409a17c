package region

import (
	"errors"
	"testing"

	"minzheng"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		code  Code
		level Level
		bad   bool
	}{
		{"省两位", "37", "370000000000", LevelProvince, false},
		{"市四位", "3706", "370600000000", LevelCity, false},
		{"县六位", "370614", "370614000000", LevelCounty, false},
		{"乡镇九位", "370614107", "370614107000", LevelTownship, false},
		{"乡镇十二位", "370614107000", "370614107000", LevelTownship, false},
		{"村十二位", "370614107201", "370614107201", LevelVillage, false},
		{"县十二位", "370614000000", "370614000000", LevelCounty, false},
		{"省十二位", "630000000000", "630000000000", LevelProvince, false},
		{"东莞县级六位按长度", "441900", "441900000000", LevelCounty, false},
		{"东莞十二位取最浅", "441900000000", "441900000000", LevelCity, false},
		{"前后空格", " 63 ", "", 0, true},
		{"五位", "37061", "", 0, true},
		{"含字母", "37a", "", 0, true},
		{"全角数字", "３７", "", 0, true},
		{"空", "", "", 0, true},
		{"全零的县级代码语法上成立", "000000", "000000000000", LevelCounty, false},
		{"十三位", "3706141070001", "", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, level, err := Parse(c.in)
			if c.bad {
				var e *minzheng.Error
				if !errors.As(err, &e) || e.Code != minzheng.CodeInvalid || e.Field != "code" {
					t.Fatalf("Parse(%q) err = %v, want invalid on field code", c.in, err)
				}
				return
			}
			if err != nil || code != c.code || level != c.level {
				t.Fatalf("Parse(%q) = %q, %v, %v; want %q, %v", c.in, code, level, err, c.code, c.level)
			}
		})
	}
}

func TestCodeRelations(t *testing.T) {
	village := Code("370614107201")
	if got := village.Prefix(); got != "370614107201" {
		t.Errorf("village prefix %q", got)
	}
	if got := Code("370614000000").Prefix(); got != "370614" {
		t.Errorf("county prefix %q", got)
	}
	if got := village.Ancestor(LevelCounty); got != "370614000000" {
		t.Errorf("ancestor county %q", got)
	}
	if got := Parent(village, LevelVillage); got != "370614107000" {
		t.Errorf("parent %q", got)
	}
	if got := Parent("370000000000", LevelProvince); got != Country {
		t.Errorf("province parent %q", got)
	}
	if got := Short("370614107000", LevelTownship); got != "370614107" {
		t.Errorf("short %q", got)
	}
	cases := []struct {
		name  string
		outer Code
		inner Code
		want  bool
	}{
		{"全国包含一切", Country, village, true},
		{"县包含其村", "370614000000", village, true},
		{"县包含自身", "370614000000", "370614000000", true},
		{"县不含邻县", "370614000000", "370612000000", false},
		{"村不含其县", village, "370614000000", false},
		{"省不含外省", "630000000000", village, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.outer.Contains(c.inner); got != c.want {
				t.Fatalf("%q.Contains(%q) = %v", c.outer, c.inner, got)
			}
		})
	}
}

func TestNarrow(t *testing.T) {
	cases := []struct {
		name   string
		actor  Code
		filter Code
		want   Code
		denied bool
	}{
		{"无筛选取本辖区", "370614000000", Country, "370614000000", false},
		{"筛选在辖区内保留", "370614000000", "370614107000", "370614107000", false},
		{"筛选宽于辖区收窄", "370614000000", "370000000000", "370614000000", false},
		{"筛选与辖区相同", "370614000000", "370614000000", "370614000000", false},
		{"全国账户不限", Country, "630000000000", "630000000000", false},
		{"全国账户无筛选", Country, Country, Country, false},
		{"筛选完全在辖区外拒绝", "370614000000", "320402000000", "", true},
		{"兄弟乡镇拒绝", "370614107000", "370614108000", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Narrow(c.actor, c.filter)
			if c.denied {
				if !errors.Is(err, minzheng.ErrForbidden) {
					t.Fatalf("Narrow(%q, %q) err = %v, want forbidden", c.actor, c.filter, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Narrow(%q, %q) = %q, %v; want %q", c.actor, c.filter, got, err, c.want)
			}
		})
	}
}

func TestAreaFromName(t *testing.T) {
	cases := []struct {
		name  string
		level Level
		in    string
		want  string
	}{
		{"社区居委会为城市", LevelVillage, "多福巷社区居委会", AreaUrban},
		{"居民委员会为城市", LevelVillage, "新华路居民委员会", AreaUrban},
		{"村民委员会为农村", LevelVillage, "大辛店村村民委员会", AreaRural},
		{"村委会为农村", LevelVillage, "北沟村委会", AreaRural},
		{"嘎查为农村", LevelVillage, "巴音嘎查", AreaRural},
		{"以村结尾为农村", LevelVillage, "西铁营村", AreaRural},
		{"生活区不推定", LevelVillage, "某某生活区", ""},
		{"乡镇不推定", LevelTownship, "大辛店镇", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AreaFromName(c.level, c.in); got != c.want {
				t.Fatalf("AreaFromName(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestAttributesValidate(t *testing.T) {
	cases := []struct {
		name  string
		a     Attributes
		field string
	}{
		{"空为沿用上级", Attributes{}, ""},
		{"城市三类", Attributes{Area: AreaUrban, HardshipClass: 3}, ""},
		{"未知城乡", Attributes{Area: "city"}, "area"},
		{"类别过大", Attributes{HardshipClass: 7}, "hardship_class"},
		{"类别为负", Attributes{HardshipClass: -1}, "hardship_class"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.a.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *minzheng.Error
			if !errors.As(err, &e) || e.Field != c.field {
				t.Fatalf("err = %v, want field %s", err, c.field)
			}
		})
	}
}

// TestDivisions checks the embedded data: the counts the issue names, every
// parent before its children, every code of its level's length.
func TestDivisions(t *testing.T) {
	counts := map[Level]int{}
	seen := map[[2]any]bool{}
	err := Divisions(nil, func(r Region) error {
		counts[r.Level]++
		if r.Level > LevelProvince && !seen[[2]any{r.Parent, r.Level - 1}] {
			t.Fatalf("%s %s comes before its parent %s", r.Code, r.Name, r.Parent)
		}
		seen[[2]any{r.Code, r.Level}] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for l, want := range Counts {
		if counts[l] != want {
			t.Errorf("%s: %d regions, want %d", l, counts[l], want)
		}
	}
}

func TestDivisionsOnly(t *testing.T) {
	var names []string
	err := Divisions([]Code{"370614107000"}, func(r Region) error {
		if r.Level <= LevelTownship {
			names = append(names, r.Name)
		}
		if r.Level == LevelVillage && r.Parent != "370614107000" {
			t.Fatalf("village %s outside the subtree", r.Code)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"山东省", "烟台市", "蓬莱区", "大辛店镇"}
	if len(names) != len(want) {
		t.Fatalf("got %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("got %v, want %v", names, want)
		}
	}
}

func BenchmarkDivisionsParse(b *testing.B) {
	for b.Loop() {
		n := 0
		if err := Divisions(nil, func(Region) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
