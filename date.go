package minzheng

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (no time of day, no zone): the day a decision was
// made, a birth date, a deadline. Its zero value means "no date".
//
// It is a day number so that millions of birth dates fit in memory and
// date arithmetic is integer arithmetic; it is written as YYYY-MM-DD in SQL
// and JSON.
type Date int32

// unixDay0 is the Date of 1970-01-01; Date 0 stays free for "no date".
const unixDay0 = 719163 // days from 0001-01-01 to 1970-01-01, plus one for the zero value

// NewDate returns the civil date y-m-d. Out-of-range parts normalise the way
// time.Date does (2025-02-30 is 2025-03-02); ParseDate refuses them.
func NewDate(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date(t.Unix()/86400 + unixDay0)
}

// DateOf returns the civil date of instant t as seen in China.
func DateOf(t time.Time) Date {
	y, m, d := t.In(China).Date()
	return NewDate(y, m, d)
}

// ParseDate reads YYYY-MM-DD and refuses impossible dates such as 2025-02-30.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("日期 %q 格式不对，应为 YYYY-MM-DD", s)
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if err1 != nil || err2 != nil || err3 != nil || y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, fmt.Errorf("日期 %q 格式不对，应为 YYYY-MM-DD", s)
	}
	dt := NewDate(y, time.Month(m), d)
	if dy, dm, dd := dt.YMD(); dy != y || int(dm) != m || dd != d {
		return 0, fmt.Errorf("日期 %q 不存在", s)
	}
	return dt, nil
}

// Time is midnight UTC of the date, for arithmetic through package time.
func (d Date) Time() time.Time {
	return time.Unix(int64(d-unixDay0)*86400, 0).UTC()
}

// YMD returns the year, month and day.
func (d Date) YMD() (int, time.Month, int) { return d.Time().Date() }

// Year returns the year.
func (d Date) Year() int { y, _, _ := d.YMD(); return y }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d == 0 }

// Month returns the benefit month d falls in.
func (d Date) Month() Month {
	y, m, _ := d.YMD()
	return NewMonth(y, m)
}

// String is YYYY-MM-DD, or "" for no date.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return d.Time().Format("2006-01-02")
}

// MarshalJSON writes "YYYY-MM-DD", or null for no date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD" or null. A bad date is reported as a
// *json.UnmarshalTypeError carrying the Chinese message in Value, so that
// the decoder adds the field's name and the API can say which field it was.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = 0
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return badJSON[Date]("日期应为字符串 YYYY-MM-DD")
	}
	v, err := ParseDate(s)
	if err != nil {
		return badJSON[Date](err.Error())
	}
	*d = v
	return nil
}

// badJSON is the error a JSON decoder gets from Date or Month: Value holds
// the Chinese message.
func badJSON[T any](msg string) error {
	return &json.UnmarshalTypeError{Value: msg, Type: reflect.TypeFor[T]()}
}

// IsValueError reports whether a JSON type error came from Date or Month,
// whose Value is then a Chinese message for the user.
func IsValueError(e *json.UnmarshalTypeError) bool {
	return e.Type == reflect.TypeFor[Date]() || e.Type == reflect.TypeFor[Month]()
}

// Value stores the date as TEXT YYYY-MM-DD (NULL for no date), the one
// representation SQLite and PostgreSQL compare and sort alike.
func (d Date) Value() (driver.Value, error) {
	if d == 0 {
		return SQLNull, nil
	}
	return d.String(), nil
}

// Scan reads a date stored by Value.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = 0
		return nil
	case string:
		p, err := ParseDate(v)
		*d = p
		return err
	case []byte:
		p, err := ParseDate(string(v))
		*d = p
		return err
	case time.Time:
		*d = NewDate(v.Date())
		return nil
	}
	return fmt.Errorf("minzheng.Date: cannot scan %T", src)
}

// SQLNull is the value a driver.Valuer returns for SQL NULL.
var SQLNull driver.Value

// Month is a benefit month (YYYY-MM). Its zero value means "no month".
type Month int32

// NewMonth returns the month m of year y.
func NewMonth(y int, m time.Month) Month { return Month(y*12 + int(m)) }

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("月份 %q 格式不对，应为 YYYY-MM", s)
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	if err1 != nil || err2 != nil || y < 1 || m < 1 || m > 12 {
		return 0, fmt.Errorf("月份 %q 格式不对，应为 YYYY-MM", s)
	}
	return NewMonth(y, time.Month(m)), nil
}

// YM returns the year and the month.
func (m Month) YM() (int, time.Month) {
	n := int(m) - 1
	return n / 12, time.Month(n%12 + 1)
}

// First is the first day of the month.
func (m Month) First() Date { y, mm := m.YM(); return NewDate(y, mm, 1) }

// Last is the last day of the month.
func (m Month) Last() Date { return (m + 1).First() - 1 }

// Add returns the month n months later.
func (m Month) Add(n int) Month { return m + Month(n) }

// String is YYYY-MM, or "" for no month.
func (m Month) String() string {
	if m == 0 {
		return ""
	}
	y, mm := m.YM()
	return fmt.Sprintf("%04d-%02d", y, int(mm))
}

// MarshalJSON writes "YYYY-MM", or null.
func (m Month) MarshalJSON() ([]byte, error) {
	if m == 0 {
		return []byte("null"), nil
	}
	return []byte(`"` + m.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM" or null.
func (m *Month) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = 0
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return badJSON[Month]("月份应为字符串 YYYY-MM")
	}
	v, err := ParseMonth(s)
	if err != nil {
		return badJSON[Month](err.Error())
	}
	*m = v
	return nil
}

// Value stores the month as TEXT YYYY-MM.
func (m Month) Value() (driver.Value, error) {
	if m == 0 {
		return SQLNull, nil
	}
	return m.String(), nil
}

// Scan reads a month stored by Value.
func (m *Month) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*m = 0
		return nil
	case string:
		p, err := ParseMonth(v)
		*m = p
		return err
	case []byte:
		p, err := ParseMonth(string(v))
		*m = p
		return err
	}
	return fmt.Errorf("minzheng.Month: cannot scan %T", src)
}

// Fen is an amount of money in fen (分), the only unit money is kept in.
type Fen int64

// Yuan formats the amount as yuan with two decimals: 12345 → "123.45".
func (f Fen) Yuan() string {
	neg := f < 0
	if neg {
		f = -f
	}
	s := fmt.Sprintf("%d.%02d", f/100, f%100)
	if neg {
		s = "-" + s
	}
	return s
}

// Wan formats the amount as 万元 with two decimals, rounded half up:
// 17674100 fen (176,741.00 元) → "17.67".
func (f Fen) Wan() string {
	neg := f < 0
	if neg {
		f = -f
	}
	// 1 万元 = 1,000,000 fen; two decimals = units of 10,000 fen.
	units := (f + 5000) / 10000
	s := fmt.Sprintf("%d.%02d", units/100, units%100)
	if neg && units != 0 {
		s = "-" + s
	}
	return s
}

// ParseYuan reads an amount typed in yuan ("800", "800.5", "1,234.56") as
// fen, refusing more than two decimals and anything not a number.
func ParseYuan(s string) (Fen, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, fmt.Errorf("请填写金额")
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasFrac && frac == "") {
		return 0, fmt.Errorf("金额 %q 不对，应为元，最多两位小数", s)
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, fmt.Errorf("金额 %q 不对，应为元，最多两位小数", s)
			}
		}
	}
	if len(whole) > 13 {
		return 0, fmt.Errorf("金额 %q 太大", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, _ := strconv.ParseInt(whole+frac, 10, 64)
	if neg {
		n = -n
	}
	return Fen(n), nil
}
