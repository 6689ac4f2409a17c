package calendar

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"minzheng"
)

// date parses YYYY-MM-DD or stops the test.
func date(t testing.TB, s string) minzheng.Date {
	t.Helper()
	d, err := minzheng.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

func builtinYears(t testing.TB) []Year {
	t.Helper()
	ys, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	return ys
}

func builtinCalendar(t testing.TB) *Calendar {
	t.Helper()
	return New(builtinYears(t))
}

// wantInvalid checks that err is a *minzheng.Error with CodeInvalid, the
// given field, and a message containing every part.
func wantInvalid(t *testing.T, err error, field string, parts ...string) {
	t.Helper()
	var e *minzheng.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *minzheng.Error", err)
	}
	if e.Code != minzheng.CodeInvalid || e.Field != field {
		t.Fatalf("error = %+v, want code %q field %q", e, minzheng.CodeInvalid, field)
	}
	for _, p := range parts {
		if !strings.Contains(e.Message, p) {
			t.Fatalf("message %q does not contain %q", e.Message, p)
		}
	}
}

// year2027 stands in for the 2027 notice an administrator would enter:
// 元旦 2027 falls on Friday to Sunday, with no day moved.
func year2027(t testing.TB) Year {
	return Year{
		Year: 2027,
		Holidays: map[minzheng.Date]string{
			date(t, "2027-01-01"): "元旦",
			date(t, "2027-01-02"): "元旦",
			date(t, "2027-01-03"): "元旦",
		},
		Workdays: map[minzheng.Date]string{},
		Source:   "测试用放假通知",
	}
}

func TestBuiltin(t *testing.T) {
	ys := builtinYears(t)
	var got []int
	for _, y := range ys {
		got = append(got, y.Year)
		if y.Source != "内置数据 chinese-days 1.5.7" {
			t.Errorf("%d: Source = %q", y.Year, y.Source)
		}
		if err := y.Validate(); err != nil {
			t.Errorf("%d: built-in year fails Validate: %v", y.Year, err)
		}
	}
	var want []int
	for y := 2004; y <= 2026; y++ {
		want = append(want, y)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("years = %v, want %v", got, want)
	}

	y2026 := ys[len(ys)-1]
	for _, c := range []struct{ day, name string }{
		{"2026-01-04", "元旦"}, {"2026-02-14", "春节"}, {"2026-02-28", "春节"},
		{"2026-05-09", "劳动节"}, {"2026-09-20", "国庆节"}, {"2026-10-10", "国庆节"},
	} {
		if n := y2026.Workdays[date(t, c.day)]; n != c.name {
			t.Errorf("2026 workday %s = %q, want %q", c.day, n, c.name)
		}
	}
	if len(y2026.Workdays) != 6 {
		t.Errorf("2026 has %d workdays, want 6", len(y2026.Workdays))
	}
	for d := date(t, "2026-02-15"); d <= date(t, "2026-02-23"); d++ {
		if n := y2026.Holidays[d]; n != "春节" {
			t.Errorf("2026 holiday %s = %q, want 春节", d, n)
		}
	}

	// Each call has maps of its own.
	delete(ys[0].Holidays, date(t, "2004-01-01"))
	if _, ok := builtinYears(t)[0].Holidays[date(t, "2004-01-01")]; !ok {
		t.Fatal("changing Builtin's result changed the next call")
	}
}

func TestParseBuiltinErrors(t *testing.T) {
	for _, c := range []struct{ name, json string }{
		{"不是JSON", `{`},
		{"没有放假日期", `{"holidays":{}}`},
		{"日期不存在", `{"holidays":{"2025-02-30":"X,春节,4"}}`},
		{"值格式不对", `{"holidays":{"2025-01-01":"元旦"}}`},
		{"中文名为空", `{"holidays":{"2025-01-01":"New Year's Day,,1"}}`},
		{"既放假又上班", `{"holidays":{"2025-01-04":"X,元旦,1"},"workdays":{"2025-01-04":"X,元旦,1"}}`},
		{"补休日不在放假日期中", `{"holidays":{"2025-01-01":"X,元旦,1"},"inLieuDays":{"2025-01-02":"X,元旦,1"}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ys, err := parseBuiltin([]byte(c.json))
			if err == nil {
				t.Fatalf("parseBuiltin = %v, want error", ys)
			}
		})
	}
}

func TestIsWorkday(t *testing.T) {
	c := builtinCalendar(t)
	for _, tc := range []struct {
		name        string
		day         string
		work, provi bool
	}{
		{"春节2026节前周六调休上班", "2026-02-14", true, false},
		{"春节2026节后周六调休上班", "2026-02-28", true, false},
		{"国庆2026节后周六调休上班", "2026-10-10", true, false},
		{"春节2026初一", "2026-02-17", false, false},
		{"春节2026假期中的周一", "2026-02-16", false, false},
		{"春节2026假期中的周六", "2026-02-21", false, false},
		{"春节2026假期后第一天", "2026-02-24", true, false},
		{"已知年份的普通周六", "2025-03-08", false, false},
		{"已知年份的普通周日", "2025-03-09", false, false},
		{"已知年份的普通周一", "2025-03-10", true, false},
		{"国庆中秋2025第六天", "2025-10-06", false, false},
		{"国庆2025节前周日调休上班", "2025-09-28", true, false},
		{"抗战胜利70周年纪念日", "2015-09-03", false, false},
		{"2020疫情延长春节假期", "2020-02-02", false, false},
		{"2011年末周六为元旦2012调休上班", "2011-12-31", true, false},
		{"未录入年份的周五暂定", "2027-01-01", true, true},
		{"未录入年份的周六暂定", "2027-01-02", false, true},
		{"内置数据之前的年份暂定", "2003-10-01", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work, provi := c.IsWorkday(date(t, tc.day))
			if work != tc.work || provi != tc.provi {
				t.Fatalf("IsWorkday(%s) = %v, %v; want %v, %v", tc.day, work, provi, tc.work, tc.provi)
			}
		})
	}
	if work, provi := c.IsWorkday(0); work || provi {
		t.Fatalf("IsWorkday(0) = %v, %v; want false, false", work, provi)
	}
}

func TestAddWorkdays(t *testing.T) {
	c := builtinCalendar(t)
	for _, tc := range []struct {
		name  string
		from  string
		n     int
		want  string
		provi bool
	}{
		{"国庆中秋2025跨调休", "2025-09-26", 15, "2025-10-23", false},
		{"零个工作日是起算日本身", "2025-09-26", 0, "2025-09-26", false},
		{"零个工作日从假日起算仍是假日本身", "2025-10-01", 0, "2025-10-01", false},
		{"普通周五加一天跳过周末", "2025-03-07", 1, "2025-03-10", false},
		{"从周六起算", "2025-03-08", 1, "2025-03-10", false},
		{"从假日中起算", "2025-10-03", 1, "2025-10-09", false},
		{"春节2026节前周六调休上班", "2026-02-13", 1, "2026-02-14", false},
		{"春节2026九天假期后", "2026-02-14", 1, "2026-02-24", false},
		{"春节2026节后周六调休上班", "2026-02-27", 1, "2026-02-28", false},
		{"国庆2026节后周六调休上班", "2026-10-09", 1, "2026-10-10", false},
		{"抗战胜利70周年纪念日调休", "2015-09-02", 1, "2015-09-06", false},
		{"2020疫情延长春节假期", "2020-01-23", 1, "2020-02-03", false},
		{"跨年进入2026元旦调休", "2025-12-25", 5, "2026-01-04", false},
		{"从12月31日起算", "2025-12-31", 1, "2026-01-04", false},
		{"倒数一个工作日跨国庆", "2025-10-09", -1, "2025-09-30", false},
		{"倒数三个工作日到调休周日", "2025-10-09", -3, "2025-09-28", false},
		{"从周日倒数", "2025-03-09", -1, "2025-03-07", false},
		{"倒数跨年", "2026-01-05", -2, "2025-12-31", false},
		{"倒数从1月1日", "2026-01-01", -1, "2025-12-31", false},
		{"一年250个工作日跨年", "2025-01-02", 250, "2026-01-06", false},
		{"跑入2027暂定按周末计算", "2026-12-20", 15, "2027-01-08", true},
		{"倒数跑入2003暂定按周末计算", "2004-01-05", -5, "2003-12-26", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, provi, err := c.AddWorkdays(date(t, tc.from), tc.n)
			if err != nil {
				t.Fatalf("AddWorkdays(%s, %d): %v", tc.from, tc.n, err)
			}
			if got.String() != tc.want || provi != tc.provi {
				t.Fatalf("AddWorkdays(%s, %d) = %s, %v; want %s, %v", tc.from, tc.n, got, provi, tc.want, tc.provi)
			}
		})
	}
}

func TestAddWorkdaysErrors(t *testing.T) {
	c := builtinCalendar(t)
	for _, tc := range []struct {
		name  string
		from  minzheng.Date
		n     int
		field string
		parts []string
	}{
		{"起算日在2027年", date(t, "2027-01-04"), 15, "from", []string{"2027年", "尚未录入", "放假通知"}},
		{"起算日在2027年零个工作日", date(t, "2027-01-04"), 0, "from", []string{"2027"}},
		{"起算日在2003年", date(t, "2003-12-30"), 5, "from", []string{"2003年"}},
		{"起算日在2003年倒数", date(t, "2003-12-30"), -5, "from", []string{"2003"}},
		{"未填写起算日期", 0, 5, "from", []string{"起算日期"}},
		{"工作日天数过大", date(t, "2025-01-02"), maxWorkdays + 1, "n", []string{"超出范围"}},
		{"工作日天数过小", date(t, "2025-01-02"), -maxWorkdays - 1, "n", []string{"超出范围"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, provi, err := c.AddWorkdays(tc.from, tc.n)
			if err == nil {
				t.Fatalf("AddWorkdays = %s, %v; want error", got, provi)
			}
			wantInvalid(t, err, tc.field, tc.parts...)
		})
	}
	// The largest n allowed runs through centuries without data and stops.
	if _, provi, err := c.AddWorkdays(date(t, "2025-01-02"), maxWorkdays); err != nil || !provi {
		t.Fatalf("AddWorkdays(max) provisional %v, err %v", provi, err)
	}
	if _, provi, err := c.AddWorkdays(date(t, "2025-01-02"), -maxWorkdays); err != nil || !provi {
		t.Fatalf("AddWorkdays(-max) provisional %v, err %v", provi, err)
	}
}

func TestEnteredYear(t *testing.T) {
	before := builtinCalendar(t)
	y := year2027(t)
	if err := y.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	after := New(append(builtinYears(t), y))
	if before.Has(2027) || !after.Has(2027) {
		t.Fatalf("Has(2027) before %v after %v", before.Has(2027), after.Has(2027))
	}

	from := date(t, "2026-12-20")
	got, provi, err := before.AddWorkdays(from, 15)
	if err != nil || got.String() != "2027-01-08" || !provi {
		t.Fatalf("before entry: %s, %v, %v; want 2027-01-08, true", got, provi, err)
	}
	got, provi, err = after.AddWorkdays(from, 15)
	if err != nil || got.String() != "2027-01-11" || provi {
		t.Fatalf("after entry: %s, %v, %v; want 2027-01-11, false", got, provi, err)
	}

	// Counting from 2027 now works, and ends in 2028 provisionally.
	got, provi, err = after.AddWorkdays(date(t, "2027-01-04"), 1)
	if err != nil || got.String() != "2027-01-05" || provi {
		t.Fatalf("from 2027: %s, %v, %v", got, provi, err)
	}
	if _, provi, err = after.AddWorkdays(date(t, "2027-12-20"), 15); err != nil || !provi {
		t.Fatalf("into 2028: provisional %v, err %v", provi, err)
	}
	n, provi, err := after.WorkdaysBetween(from, date(t, "2027-01-11"))
	if err != nil || n != 15 || provi {
		t.Fatalf("WorkdaysBetween after entry = %d, %v, %v", n, provi, err)
	}
}

func TestLaterYearReplaces(t *testing.T) {
	ys := builtinYears(t)
	entered := Year{
		Year:     2025,
		Holidays: map[minzheng.Date]string{date(t, "2025-03-10"): "测试假日"},
		Source:   "国办发明电〔2024〕12号",
	}
	c := New(append(ys, entered))
	if y, ok := c.Year(2025); !ok || y.Source != entered.Source || len(y.Holidays) != 1 {
		t.Fatalf("Year(2025) = %+v, %v; want the entered year", y, ok)
	}
	for _, tc := range []struct {
		name string
		day  string
		work bool
	}{
		{"录入的假日生效", "2025-03-10", false},
		{"内置的国庆不再适用", "2025-10-01", true},
		{"内置的调休不再适用", "2025-09-28", false},
		{"其他年份不受影响", "2026-02-16", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if work, provi := c.IsWorkday(date(t, tc.day)); work != tc.work || provi {
				t.Fatalf("IsWorkday(%s) = %v, %v; want %v, false", tc.day, work, provi, tc.work)
			}
		})
	}

	// The other way round, the built-in year comes last and wins.
	c = New(append([]Year{entered}, ys...))
	if y, _ := c.Year(2025); y.Source != builtinSource {
		t.Fatalf("Year(2025).Source = %q, want the built-in source", y.Source)
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := builtinCalendar(t)
	for _, tc := range []struct {
		name string
		a, b string
		want int
	}{
		{"国庆中秋2025跨调休", "2025-09-26", "2025-10-23", 15},
		{"国庆中秋2025反向为负", "2025-10-23", "2025-09-26", -15},
		{"同一天为零", "2025-10-23", "2025-10-23", 0},
		{"整个国庆假期没有工作日", "2025-09-30", "2025-10-08", 0},
		{"从周五到下周一", "2025-03-07", "2025-03-10", 1},
		{"从周六到周日", "2025-03-08", "2025-03-09", 0},
		{"春节2026前后", "2026-02-13", "2026-02-28", 6},
		{"2025全年", "2024-12-31", "2025-12-31", 248},
		{"2026全年", "2025-12-31", "2026-12-31", 248},
		{"2004全年", "2004-01-01", "2004-12-31", 252},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := date(t, tc.a), date(t, tc.b)
			got, provi, err := c.WorkdaysBetween(a, b)
			if err != nil || got != tc.want || provi {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, %v, %v; want %d, false", a, b, got, provi, err, tc.want)
			}
		})
	}
	a, b := date(t, "2004-01-01"), date(t, "2026-12-31")
	if got, _, err := c.WorkdaysBetween(a, b); err != nil || got != naiveBetween(c, a, b) {
		t.Fatalf("WorkdaysBetween(2004..2026) = %d, %v; want %d", got, err, naiveBetween(c, a, b))
	}
}

func TestWorkdaysBetweenErrors(t *testing.T) {
	c := builtinCalendar(t)
	for _, tc := range []struct {
		name  string
		a, b  minzheng.Date
		field string
		year  string
	}{
		{"起点在2027年", date(t, "2027-01-04"), date(t, "2027-02-01"), "from", "2027年"},
		{"终点在2027年", date(t, "2026-12-01"), date(t, "2027-01-08"), "to", "2027年"},
		{"反向时终点在2003年仍指终点", date(t, "2026-12-01"), date(t, "2003-01-08"), "to", "2003年"},
		{"起点在2003年", date(t, "2003-12-01"), date(t, "2004-01-08"), "from", "2003年"},
		{"未填写起点", 0, date(t, "2025-01-08"), "from", "起始日期"},
		{"未填写终点", date(t, "2025-01-08"), 0, "to", "截止日期"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, provi, err := c.WorkdaysBetween(tc.a, tc.b)
			if err == nil {
				t.Fatalf("WorkdaysBetween = %d, %v; want error", n, provi)
			}
			wantInvalid(t, err, tc.field, tc.year)
		})
	}
}

func TestWorkdaysBetweenGapYear(t *testing.T) {
	// 2025 and 2027 known, 2026 missing: the gap is counted on weekends.
	var ys []Year
	for _, y := range builtinYears(t) {
		if y.Year == 2025 {
			ys = append(ys, y)
		}
	}
	c := New(append(ys, year2027(t)))
	if !slices.Equal(c.Years(), []int{2025, 2027}) {
		t.Fatalf("Years = %v", c.Years())
	}
	a, b := date(t, "2025-12-31"), date(t, "2027-01-04")
	n, provi, err := c.WorkdaysBetween(a, b)
	// 2026 has 261 weekdays; 2027-01-01 is a holiday, 01-04 a Monday.
	if err != nil || n != 262 || !provi {
		t.Fatalf("WorkdaysBetween = %d, %v, %v; want 262, true", n, provi, err)
	}
	if n, provi, err = c.WorkdaysBetween(b, a); err != nil || n != -262 || !provi {
		t.Fatalf("reverse = %d, %v, %v; want -262, true", n, provi, err)
	}
	got, provi, err := c.AddWorkdays(a, 262)
	if err != nil || got != b || !provi {
		t.Fatalf("AddWorkdays = %s, %v, %v; want %s, true", got, provi, err, b)
	}
}

// naiveAdd walks day by day; it is the definition AddWorkdays must match.
func naiveAdd(c *Calendar, from minzheng.Date, n int) minzheng.Date {
	step, d := 1, from
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d += minzheng.Date(step)
		if w, _ := c.IsWorkday(d); w {
			n--
		}
	}
	return d
}

// naiveBetween counts working days in (a, b] day by day.
func naiveBetween(c *Calendar, a, b minzheng.Date) int {
	if b < a {
		return -naiveBetween(c, b, a)
	}
	n := 0
	for d := a + 1; d <= b; d++ {
		if w, _ := c.IsWorkday(d); w {
			n++
		}
	}
	return n
}

func TestPropertyAddAndBetween(t *testing.T) {
	c := builtinCalendar(t)
	r := rand.New(rand.NewPCG(2025, 1001))
	lo, hi := date(t, "2005-01-01"), date(t, "2026-12-31")
	for range 20000 {
		from := lo + minzheng.Date(r.IntN(int(hi-lo)+1))
		n := r.IntN(801) - 400
		got, provi, err := c.AddWorkdays(from, n)
		if err != nil {
			t.Fatalf("AddWorkdays(%s, %d): %v", from, n, err)
		}
		if want := naiveAdd(c, from, n); got != want {
			t.Fatalf("AddWorkdays(%s, %d) = %s, want %s", from, n, got, want)
		}
		if y := got.Year(); provi != (y < 2004 || y > 2026) {
			t.Fatalf("AddWorkdays(%s, %d) = %s provisional %v", from, n, got, provi)
		}
		if provi {
			continue
		}
		between, bprovi, err := c.WorkdaysBetween(from, got)
		if err != nil || bprovi {
			t.Fatalf("WorkdaysBetween(%s, %s): %d, %v, %v", from, got, between, bprovi, err)
		}
		back, _, _ := c.WorkdaysBetween(got, from)
		if back != -between {
			t.Fatalf("WorkdaysBetween not symmetric for %s, %s: %d, %d", from, got, between, back)
		}
		// Counting (from, got] gives n forward; backward it gives n only
		// when from itself is a working day, as from is in (got, from].
		fromWorks, _ := c.IsWorkday(from)
		if (n >= 0 || fromWorks) && between != n {
			t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d) = %s) = %d", from, from, n, got, between)
		}
		if n < 0 && !fromWorks && between != n+1 {
			t.Fatalf("WorkdaysBetween(%s, %s) = %d, want %d", from, got, between, n+1)
		}
	}
	// Arbitrary pairs, including long spans, against the day-by-day count.
	lo = date(t, "2004-01-01")
	for range 300 {
		a := lo + minzheng.Date(r.IntN(int(hi-lo)+1))
		b := lo + minzheng.Date(r.IntN(int(hi-lo)+1))
		got, _, err := c.WorkdaysBetween(a, b)
		if err != nil || got != naiveBetween(c, a, b) {
			t.Fatalf("WorkdaysBetween(%s, %s) = %d, %v; want %d", a, b, got, err, naiveBetween(c, a, b))
		}
	}
}

func TestWeekday(t *testing.T) {
	for d := minzheng.NewDate(1899, time.December, 1); d < minzheng.NewDate(2101, time.February, 1); d++ {
		if weekday(d) != d.Weekday() {
			t.Fatalf("weekday(%s) = %v, want %v", d, weekday(d), d.Weekday())
		}
	}
	a := minzheng.NewDate(2027, time.January, 1)
	for i := range 30 {
		for j := i; j < 30; j++ {
			want := 0
			for d := a + minzheng.Date(i); d < a+minzheng.Date(j); d++ {
				if isWeekday(d) {
					want++
				}
			}
			if got := weekdaysIn(a+minzheng.Date(i), a+minzheng.Date(j)); got != want {
				t.Fatalf("weekdaysIn(+%d, +%d) = %d, want %d", i, j, got, want)
			}
		}
	}
}

func TestCalendarImmutable(t *testing.T) {
	y := year2027(t)
	c := New([]Year{y})
	y.Holidays[date(t, "2027-01-04")] = "后来加的"
	if w, _ := c.IsWorkday(date(t, "2027-01-04")); !w {
		t.Fatal("changing the Year after New changed the Calendar")
	}
	got, _ := c.Year(2027)
	if len(got.Holidays) != 3 {
		t.Fatalf("Year(2027) has %d holidays, want 3", len(got.Holidays))
	}
	got.Holidays[date(t, "2027-01-05")] = "后来加的"
	if again, _ := c.Year(2027); len(again.Holidays) != 3 {
		t.Fatal("changing Year's result changed the Calendar")
	}
	years := c.Years()
	years[0] = 1999
	if c.Years()[0] != 2027 {
		t.Fatal("changing Years' result changed the Calendar")
	}
}

func TestEmptyCalendars(t *testing.T) {
	for name, c := range map[string]*Calendar{
		"空指针":      nil,
		"零值":       {},
		"空列表":      New(nil),
		"只有不可能的年份": New([]Year{{Year: 0}, {Year: 10000}}),
	} {
		t.Run(name, func(t *testing.T) {
			if c.Has(2025) || len(c.Years()) != 0 {
				t.Fatalf("Has(2025) %v, Years %v", c.Has(2025), c.Years())
			}
			if _, ok := c.Year(2025); ok {
				t.Fatal("Year(2025) found")
			}
			if w, p := c.IsWorkday(date(t, "2025-10-01")); !w || !p {
				t.Fatalf("IsWorkday = %v, %v; want true, true", w, p)
			}
			_, _, err := c.AddWorkdays(date(t, "2025-10-01"), 1)
			wantInvalid(t, err, "from", "2025年")
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	c := builtinCalendar(t)
	from := date(t, "2025-09-26")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				if got, _, _ := c.AddWorkdays(from, 15); got.String() != "2025-10-23" {
					t.Errorf("AddWorkdays = %s", got)
					return
				}
				c.Year(2025)
			}
		})
	}
	wg.Wait()
}

func TestAddWorkdaysDoesNotAllocate(t *testing.T) {
	c := builtinCalendar(t)
	from := date(t, "2026-12-20")
	allocs := testing.AllocsPerRun(100, func() {
		c.AddWorkdays(from, 250)
		c.AddWorkdays(from, -250)
		c.WorkdaysBetween(from, from-400)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per run, want 0", allocs)
	}
}
