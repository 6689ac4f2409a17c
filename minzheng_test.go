package minzheng

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	cases := []struct {
		name, in string
		ok       bool
	}{
		{"平常日期", "2025-09-26", true},
		{"闰日", "2024-02-29", true},
		{"非闰年二月二十九", "2025-02-29", false},
		{"二月三十", "2025-02-30", false},
		{"斜杠", "2025/09/26", false},
		{"少一位", "2025-9-26", false},
		{"月份十三", "2025-13-01", false},
		{"空", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDate(c.in)
			if (err == nil) != c.ok {
				t.Fatalf("ParseDate(%q) = %v, %v", c.in, d, err)
			}
			if c.ok && d.String() != c.in {
				t.Fatalf("round trip %q → %q", c.in, d)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	d := NewDate(2025, 12, 31)
	if d.AddDays(1).String() != "2026-01-01" || d.Weekday() != time.Wednesday || d.Month().String() != "2025-12" {
		t.Fatalf("%s %s %s", d.AddDays(1), d.Weekday(), d.Month())
	}
	if NewDate(1, 1, 1) == 0 {
		t.Fatal("0001-01-01 must not be the zero (no date) value")
	}
	var zero Date
	if !zero.IsZero() || zero.String() != "" {
		t.Fatal("zero date")
	}
	china := time.Date(2025, 9, 26, 23, 30, 0, 0, China)
	if DateOf(china.UTC()).String() != "2025-09-26" {
		t.Fatalf("DateOf uses China's day: %s", DateOf(china.UTC()))
	}
	m, _ := ParseMonth("2024-02")
	if m.First().String() != "2024-02-01" || m.Last().String() != "2024-02-29" || m.Add(11).String() != "2025-01" {
		t.Fatalf("month %s %s %s", m.First(), m.Last(), m.Add(11))
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		D Date  `json:"d"`
		M Month `json:"m"`
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"d":"2025-10-23","m":"2025-10"}`), &r); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	if string(b) != `{"d":"2025-10-23","m":"2025-10"}` {
		t.Fatalf("%s", b)
	}
	b, _ = json.Marshal(rec{})
	if string(b) != `{"d":null,"m":null}` {
		t.Fatalf("zero values: %s", b)
	}
	if err := json.Unmarshal([]byte(`{"d":"2025-02-30"}`), &r); err == nil {
		t.Fatal("impossible date accepted")
	}
}

func TestFen(t *testing.T) {
	cases := []struct {
		name      string
		f         Fen
		yuan, wan string
	}{
		{"零", 0, "0.00", "0.00"},
		{"一分", 1, "0.01", "0.00"},
		{"天宁累计", 1767410000, "17674100.00", "1767.41"},
		{"环翠", 70244000, "702440.00", "70.24"},
		{"四舍五入进位", 704995000, "7049950.00", "705.00"},
		{"负数", -12345, "-123.45", "-0.01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.f.Yuan() != c.yuan || c.f.Wan() != c.wan {
				t.Fatalf("%d: %s 元 %s 万元, want %s %s", c.f, c.f.Yuan(), c.f.Wan(), c.yuan, c.wan)
			}
		})
	}
}

func TestMask(t *testing.T) {
	cases := []struct{ name, got, want string }{
		{"身份证", MaskID("37061419900101123X"), "370614********123X"},
		{"十五位身份证", MaskID("370614900101123"), "370614*****1123"},
		{"太短的全遮", MaskID("12345"), "*****"},
		{"手机", MaskPhone("13805351234"), "138****1234"},
		{"银行账号", MaskAccount("6222021234567890123"), "***************0123"},
		{"字段名后缀", MaskField("guardian_id_number", "37061419900101123X"), "370614********123X"},
		{"普通字段不遮", MaskField("name", "王丽"), "王丽"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Fatalf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	err := fmt.Errorf("store: %w", Invalid("from", "日期 %s 不对", "x"))
	e, ok := AsError(err)
	if !ok || e.Field != "from" || e.Code != CodeInvalid || ErrorCode(err) != CodeInvalid {
		t.Fatalf("%v", err)
	}
	if ErrorCode(errors.New("boom")) != CodeInternal {
		t.Fatal("a plain error is internal")
	}
	if !errors.Is(fmt.Errorf("x: %w", ErrForbidden), ErrForbidden) {
		t.Fatal("wrapped forbidden")
	}
	if errors.Is(&Error{Code: CodeForbidden, Message: "别的"}, ErrForbidden) {
		t.Fatal("another forbidden message is not the scope sentinel")
	}
	if _, err := ActorFrom(t.Context()); ErrorCode(err) != CodeUnauthorized {
		t.Fatal("no actor in a bare context")
	}
}

func TestParseYuan(t *testing.T) {
	cases := []struct {
		name, in string
		want     Fen
		ok       bool
	}{
		{"整数", "800", 80000, true},
		{"一位小数", "800.5", 80050, true},
		{"两位小数", "1,234.56", 123456, true},
		{"负数", "-12.30", -1230, true},
		{"三位小数", "1.234", 0, false},
		{"非数字", "八百", 0, false},
		{"空", "", 0, false},
		{"只有小数点", "1.", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseYuan(c.in)
			if (err == nil) != c.ok || got != c.want {
				t.Fatalf("ParseYuan(%q) = %d, %v", c.in, got, err)
			}
		})
	}
}
