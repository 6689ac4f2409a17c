package registry_test

import (
	"strings"
	"testing"
	"time"

	"minzheng"
	"minzheng/registry"
)

// today is the business date of these tests: Friday 2025-09-26.
var today = minzheng.NewDate(2025, time.September, 26)

func date(y int, m time.Month, d int) minzheng.Date { return minzheng.NewDate(y, m, d) }

// gbCheck computes the GB 11643-1999 check character of 17 digits the way
// the standard writes it — weight of position i (from the left, 1-based)
// is 2^(18-i) mod 11, and the character is (12 - sum mod 11) mod 11 with
// 10 written X — independently of the package's table.
func gbCheck(first17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		w := 1
		for k := 0; k < 17-i; k++ {
			w = w * 2 % 11
		}
		sum += int(first17[i]-'0') * w
	}
	c := (12 - sum%11) % 11
	if c == 10 {
		return "X"
	}
	return string(rune('0' + c))
}

// withCheck completes 17 digits with their right check character.
func withCheck(first17 string) string { return first17 + gbCheck(first17) }

// wrongCheck completes 17 digits with a check character that is not right.
func wrongCheck(first17 string) string {
	right := gbCheck(first17)
	for _, c := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "X"} {
		if c != right {
			return first17 + c
		}
	}
	panic("unreachable")
}

func TestGBCheckByHand(t *testing.T) {
	// The standard's own example, worked by hand:
	// 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 × 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
	// = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → X.
	if got := gbCheck("11010519491231002"); got != "X" {
		t.Fatalf("gbCheck(11010519491231002) = %s, want X", got)
	}
	// 3 7 0 6 1 4 1 9 8 0 0 1 0 1 1 2 3: 21+63+0+30+8+16+2+9+48+0+0+9+0+5+8+8+6
	// = 233; 233 mod 11 = 2 → X.
	if got := gbCheck("37061419800101123"); got != "X" {
		t.Fatalf("gbCheck(37061419800101123) = %s, want X", got)
	}
}

func TestParseIDNumber(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		today minzheng.Date
		want  registry.IDNumber // "" when refused
		msg   string            // the whole message when refused
	}{
		{"标准示例，校验位为X", "11010519491231002X", today, "11010519491231002X", ""},
		{"小写x校验位改为大写", "11010519491231002x", today, "11010519491231002X", ""},
		{"前后空格去掉", "  11010519491231002X\t", today, "11010519491231002X", ""},
		{"蓬莱区男性", withCheck("37061419800101123"), today, registry.IDNumber(withCheck("37061419800101123")), ""},
		{"数字校验位", withCheck("37061420100615002"), today, registry.IDNumber(withCheck("37061420100615002")), ""},
		{"闰日出生", withCheck("37061420000229004"), today, registry.IDNumber(withCheck("37061420000229004")), ""},
		{"今天出生", withCheck("37061420250926001"), today, registry.IDNumber(withCheck("37061420250926001")), ""},
		{"不给今天时不查未来日期", withCheck("37061420301001001"), 0, registry.IDNumber(withCheck("37061420301001001")), ""},

		{"15位升级为18位（手算）", "110105491231002", today, "11010519491231002X", ""},
		{"15位升级为18位（蓬莱）", "370614800101123", today, "37061419800101123X", ""},
		{"15位含字母", "11010549123100X", today, "", "身份证号 110105*****100X 格式不对：15 位号码应全为数字"},

		{"校验位错误", "110105194912310021", today, "", "身份证号 110105********0021 的校验位不对，请核对号码"},
		{"校验位错误应为X却是0", "110105194912310020", today, "", "身份证号 110105********0020 的校验位不对，请核对号码"},
		{"校验位错误小写x", "37061420100615002x", today, "", "身份证号 370614********002X 的校验位不对，请核对号码"},

		{"出生日期2月30日", withCheck("37061419900230001"), today, "", "身份证号 370614********001" + gbCheck("37061419900230001") + " 中的出生日期 19900230 不存在"},
		{"出生月份13", withCheck("37061419901301001"), today, "", "身份证号 370614********001" + gbCheck("37061419901301001") + " 中的出生日期 19901301 不存在"},
		{"出生日期0日", withCheck("37061419900100001"), today, "", "身份证号 370614********001" + gbCheck("37061419900100001") + " 中的出生日期 19900100 不存在"},
		{"非闰年2月29日", withCheck("37061420010229001"), today, "", "身份证号 370614********001" + gbCheck("37061420010229001") + " 中的出生日期 20010229 不存在"},
		{"出生于1890年以前", withCheck("37061418891231001"), today, "", "身份证号 370614********001" + gbCheck("37061418891231001") + " 中的出生日期 18891231 不存在"},
		{"出生日期晚于今天", withCheck("37061420250927001"), today, "", "身份证号 370614********001" + gbCheck("37061420250927001") + " 中的出生日期 2025-09-27 晚于今天"},

		{"17位", "37061419800101123", today, "", "身份证号应为 18 位（或旧的 15 位），现为 17 位"},
		{"19位", "37061419800101123X1", today, "", "身份证号应为 18 位（或旧的 15 位），现为 19 位"},
		{"空", "", today, "", "身份证号应为 18 位（或旧的 15 位），现为 0 位"},
		{"16位", "3706141980010112", today, "", "身份证号应为 18 位（或旧的 15 位），现为 16 位"},
		{"七个汉字按字数计", "三七零六一四一", today, "", "身份证号应为 18 位（或旧的 15 位），现为 7 位"},
		// Five Chinese characters are 15 bytes, six are 18: the length is
		// what the user typed, in characters, not bytes.
		{"五个汉字不是15位号码", "三七零六一", today, "", "身份证号应为 18 位（或旧的 15 位），现为 5 位"},
		{"末位是字母A", "37061419800101123A", today, "", "身份证号 370614********123A 格式不对：应为 17 位数字加 1 位数字或 X"},
		{"中间有字母", "3706141980O101123X", today, "", "身份证号 370614********123X 格式不对：应为 17 位数字加 1 位数字或 X"},
		{"X在中间", "370614198X0101123X", today, "", "身份证号 370614********123X 格式不对：应为 17 位数字加 1 位数字或 X"},

		{"省级代码00", withCheck("00061419800101123"), today, "", "身份证号 000614********123" + gbCheck("00061419800101123") + " 的前两位不是省级区划代码"},
		{"省级代码99", withCheck("99061419800101123"), today, "", "身份证号 990614********123" + gbCheck("99061419800101123") + " 的前两位不是省级区划代码"},
		{"省级代码10", withCheck("10061419800101123"), today, "", "身份证号 100614********123" + gbCheck("10061419800101123") + " 的前两位不是省级区划代码"},
		{"省级代码83", withCheck("83061419800101123"), today, "", "身份证号 830614********123" + gbCheck("83061419800101123") + " 的前两位不是省级区划代码"},
		{"省级代码82澳门可用", withCheck("82000019800101123"), today, registry.IDNumber(withCheck("82000019800101123")), ""},
		{"省级代码11北京可用", withCheck("11000019800101123"), today, registry.IDNumber(withCheck("11000019800101123")), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := registry.ParseIDNumber(c.in, c.today, "members[1].id_number")
			if c.want != "" {
				if err != nil || got != c.want {
					t.Fatalf("ParseIDNumber(%q) = %q, %v; want %q", c.in, got, err, c.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseIDNumber(%q) = %q, want refused: %s", c.in, got, c.msg)
			}
			if got != "" {
				t.Errorf("refused number returned %q, want empty", got)
			}
			e, ok := minzheng.AsError(err)
			if !ok {
				t.Fatalf("error %v is not a minzheng.Error", err)
			}
			if e.Code != minzheng.CodeInvalid || e.Field != "members[1].id_number" || e.Message != c.msg {
				t.Errorf("error = %q %q %q\nwant    %q %q %q", e.Code, e.Field, e.Message, "invalid", "members[1].id_number", c.msg)
			}
		})
	}
}

// TestParseIDNumberWrongCheckDigitOnly: every wrong check character of
// one number is refused, and only the right one accepted.
func TestParseIDNumberWrongCheckDigitOnly(t *testing.T) {
	first := "37061419800101123"
	accepted := 0
	for _, c := range "0123456789X" {
		_, err := registry.ParseIDNumber(first+string(c), today, "id_number")
		if err == nil {
			accepted++
			if string(c) != gbCheck(first) {
				t.Errorf("check %c accepted, want only %s", c, gbCheck(first))
			}
		}
	}
	if accepted != 1 {
		t.Errorf("%d check characters accepted, want exactly 1", accepted)
	}
}

func TestIDNumberParts(t *testing.T) {
	cases := []struct {
		name   string
		id     registry.IDNumber
		sex    string
		birth  minzheng.Date
		county string
		masked string
		suffix string // last 4
	}{
		{"标准示例女性", "11010519491231002X", "female", date(1949, 12, 31), "110105", "110105********002X", "002X"},
		{"蓬莱男性", registry.IDNumber(withCheck("37061419800101123")), "male", date(1980, 1, 1), "370614", "370614********123X", "123X"},
		{"天宁闰日女性", registry.IDNumber(withCheck("32040220000229004")), "female", date(2000, 2, 29), "320402", "320402********004" + gbCheck("32040220000229004"), "004" + gbCheck("32040220000229004")},
		{"第17位为0是女性", registry.IDNumber(withCheck("63272420100615000")), "female", date(2010, 6, 15), "632724", "632724********000" + gbCheck("63272420100615000"), "000" + gbCheck("63272420100615000")},
		{"第17位为9是男性", registry.IDNumber(withCheck("37100219551111009")), "male", date(1955, 11, 11), "371002", "371002********009" + gbCheck("37100219551111009"), "009" + gbCheck("37100219551111009")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.id.Sex(); got != c.sex {
				t.Errorf("Sex = %s, want %s", got, c.sex)
			}
			if got := c.id.Birth(); got != c.birth {
				t.Errorf("Birth = %s, want %s", got, c.birth)
			}
			if got := c.id.County(); got != c.county {
				t.Errorf("County = %s, want %s", got, c.county)
			}
			if got := c.id.Masked(); got != c.masked {
				t.Errorf("Masked = %s, want %s", got, c.masked)
			}
			if got := c.id.Suffix(4); got != c.suffix {
				t.Errorf("Suffix(4) = %s, want %s", got, c.suffix)
			}
			if got := c.id.Suffix(18); got != string(c.id) {
				t.Errorf("Suffix(18) = %s, want the whole number", got)
			}
		})
	}
}

func TestNewIDNumber(t *testing.T) {
	cases := []struct {
		name   string
		county string
		birth  minzheng.Date
		seq    int
		want   registry.IDNumber
		sex    string
	}{
		// The same number as the 15-digit 370614800101123 upgraded by hand.
		{"蓬莱1980年男性", "370614", date(1980, 1, 1), 123, "37061419800101123X", "male"},
		{"序号补零", "370614", date(2010, 6, 15), 2, registry.IDNumber(withCheck("37061420100615002")), "female"},
		{"序号取后三位", "320402", date(1975, 3, 9), 1457, registry.IDNumber(withCheck("32040219750309457")), "male"},
		{"闰日", "371002", date(2000, 2, 29), 998, registry.IDNumber(withCheck("37100220000229998")), "female"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := registry.NewIDNumber(c.county, c.birth, c.seq)
			if got != c.want {
				t.Fatalf("NewIDNumber = %s, want %s", got, c.want)
			}
			back, err := registry.ParseIDNumber(string(got), today, "id_number")
			if err != nil || back != got {
				t.Errorf("ParseIDNumber(NewIDNumber) = %s, %v", back, err)
			}
			if got.Sex() != c.sex || got.Birth() != c.birth || got.County() != c.county {
				t.Errorf("parts %s %s %s, want %s %s %s", got.Sex(), got.Birth(), got.County(), c.sex, c.birth, c.county)
			}
		})
	}
}

func TestAge(t *testing.T) {
	cases := []struct {
		name  string
		birth minzheng.Date
		on    minzheng.Date
		want  int
	}{
		{"出生当天", date(1980, 6, 15), date(1980, 6, 15), 0},
		{"生日前一天", date(1980, 6, 15), date(2025, 6, 14), 44},
		{"生日当天", date(1980, 6, 15), date(2025, 6, 15), 45},
		{"生日后一天", date(1980, 6, 15), date(2025, 6, 16), 45},
		{"同月生日之前", date(1980, 6, 15), date(2025, 6, 1), 44},
		{"上个月", date(1980, 6, 15), date(2025, 5, 31), 44},
		{"下个月", date(1980, 6, 15), date(2025, 7, 1), 45},
		{"年末出生跨年", date(1949, 12, 31), date(2025, 1, 1), 75},
		{"年末出生当天", date(1949, 12, 31), date(2024, 12, 31), 75},
		{"年初出生前一天", date(2007, 1, 1), date(2024, 12, 31), 17},
		{"年初出生满18岁", date(2007, 1, 1), date(2025, 1, 1), 18},
		{"闰日出生平年2月28日未满", date(2000, 2, 29), date(2001, 2, 28), 0},
		{"闰日出生平年3月1日满周岁", date(2000, 2, 29), date(2001, 3, 1), 1},
		{"闰日出生闰年2月28日未满", date(2000, 2, 29), date(2004, 2, 28), 3},
		{"闰日出生闰年2月29日满", date(2000, 2, 29), date(2004, 2, 29), 4},
		{"闰日出生满60岁在3月1日", date(1964, 2, 29), date(2024, 2, 29), 60},
		{"闰日出生平年满60岁前", date(1965, 3, 1), date(2025, 2, 28), 59},
		{"2月28日出生闰年2月28日", date(2003, 2, 28), date(2004, 2, 28), 1},
		{"百岁", date(1925, 9, 26), date(2025, 9, 26), 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := registry.Age(c.birth, c.on); got != c.want {
				t.Errorf("Age(%s, %s) = %d, want %d", c.birth, c.on, got, c.want)
			}
		})
	}
}

// FuzzParseIDNumber: ParseIDNumber never panics; what it accepts is 18
// characters with a right check character and a real past birth date, and
// parses again to itself; what it refuses is an invalid error on the field
// that never shows the whole number.
func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "110105491231002", "110105194912310021",
		withCheck("37061419900230001"), withCheck("00061419800101123"), "", "1", "X",
		"37061419800101123X1", "３７０６１４１９８０", "370614198X0101123X", "11010549123100X",
		"000000000000000", "999999999999999999", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
		"11010519491231002\xff", " 110105491231002 ", withCheck("37061420250927001"),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := registry.ParseIDNumber(s, today, "id_number")
		if err != nil {
			e, ok := minzheng.AsError(err)
			if !ok || e.Code != minzheng.CodeInvalid || e.Field != "id_number" || e.Message == "" {
				t.Fatalf("ParseIDNumber(%q): error %#v, want an invalid error on id_number", s, err)
			}
			if id != "" {
				t.Fatalf("ParseIDNumber(%q) refused but returned %q", s, id)
			}
			if w := strings.TrimSpace(s); len(w) >= 11 && strings.Trim(w, "0123456789Xx") == "" && strings.Contains(e.Message, w) {
				t.Fatalf("ParseIDNumber(%q): message %q shows the whole number", s, e.Message)
			}
			return
		}
		if len(id) != 18 {
			t.Fatalf("ParseIDNumber(%q) = %q: not 18 characters", s, id)
		}
		if gbCheck(string(id[:17])) != string(id[17]) {
			t.Fatalf("ParseIDNumber(%q) = %q: wrong check character", s, id)
		}
		if b := id.Birth(); b > today || b.Year() < 1890 || b.String() != string(id[6:10])+"-"+string(id[10:12])+"-"+string(id[12:14]) {
			t.Fatalf("ParseIDNumber(%q) = %q: birth %s", s, id, b)
		}
		if sex := id.Sex(); sex != "male" && sex != "female" {
			t.Fatalf("ParseIDNumber(%q) = %q: sex %q", s, id, sex)
		}
		again, err := registry.ParseIDNumber(string(id), today, "id_number")
		if err != nil || again != id {
			t.Fatalf("ParseIDNumber(%q) = %q, but that parses to %q, %v", s, id, again, err)
		}
	})
}
