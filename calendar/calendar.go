// Package calendar knows China's working days: Monday to Friday, less the
// statutory holidays, plus the weekend days the State Council moves work to
// (调休上班). Every time limit in the program that is stated in working days
// ("审批时限 15 个工作日", "受理后 3 个工作日内") is counted here, so that a
// deadline never lands on 国庆节 and never skips a Saturday that is worked.
//
// The arrangement is published once a year, in late autumn, by a notice of
// the General Office of the State Council (国务院办公厅关于某年部分节假日安排
// 的通知). The years 2004–2026 are built in (Builtin); later years are
// entered by an administrator from the notice and handed to New as Year
// values, which override built-in years of the same number. Storing entered
// years is not this package's job.
//
// A deadline that runs into a year whose notice is not yet entered is still
// answered, on weekends alone, and flagged provisional so that the caller can
// say so on screen; a count that starts in such a year is refused, because
// every later figure would rest on a guess.
package calendar

import (
	"maps"
	"slices"
	"time"

	"minzheng"
)

// Year is one calendar year's holiday arrangement. Its dates are the days of
// that calendar year, whichever notice they came from: the Saturday worked
// on 2011-12-31 for 元旦 2012 belongs to Year 2011.
type Year struct {
	Year     int
	Holidays map[minzheng.Date]string // days off, date → Chinese holiday name (e.g. "国庆节")
	Workdays map[minzheng.Date]string // weekend days worked (调休上班) → Chinese name of the holiday they belong to
	Source   string                   // where it came from: "内置数据 chinese-days 1.5.7" or the notice's 文号, e.g. "国办发明电〔2026〕7号"
}

// clone copies the maps, so that neither a caller nor the Calendar can change
// the other's copy after the fact.
func (y Year) clone() Year {
	y.Holidays = maps.Clone(y.Holidays)
	y.Workdays = maps.Clone(y.Workdays)
	return y
}

// Calendar answers working-day questions from a fixed set of years. It is
// immutable once built, so one value may be shared by every request; to take
// in a newly entered year, build a new Calendar and swap it in. The nil and
// zero Calendars have no years at all: every day is judged on weekends alone.
type Calendar struct {
	lo    int         // the year data[0] describes
	data  []*yearData // indexed by year-lo; nil for a year without data
	years []int       // the years with data, ascending
}

// yearData is one year in the compact form the arithmetic runs on.
type yearData struct {
	y     Year          // as given to New, maps copied
	first minzheng.Date // 1 January
	// cum[i] is the number of working days among the first i days of the
	// year, so cum has one more element than the year has days, cum[len-1]
	// is the year's total, and day i is a working day when cum[i+1] > cum[i].
	// A count between two dates is then two lookups, and the n-th working
	// day after a date is a binary search, without touching each day.
	cum []uint16
}

func (yd *yearData) days() int  { return len(yd.cum) - 1 }
func (yd *yearData) total() int { return int(yd.cum[len(yd.cum)-1]) }

// Years New accepts: those a Date can name every day of. Years outside are
// dropped, as no date could ever ask about them.
const (
	newMinYear = 1
	newMaxYear = 9999
)

// New builds a Calendar from years in order; a later element with the same
// Year replaces an earlier one, so New(append(builtin, entered...)) lets an
// administrator's entry override the built-in data. New does not validate:
// administrator input should pass Year.Validate first. Dates outside their
// Year are ignored, and a date both in Holidays and in Workdays is worked.
func New(years []Year) *Calendar {
	latest := make(map[int]Year, len(years))
	for _, y := range years {
		if y.Year < newMinYear || y.Year > newMaxYear {
			continue
		}
		latest[y.Year] = y
	}
	c := &Calendar{}
	if len(latest) == 0 {
		return c
	}
	c.years = slices.Sorted(maps.Keys(latest))
	c.lo = c.years[0]
	c.data = make([]*yearData, c.years[len(c.years)-1]-c.lo+1)
	for _, n := range c.years {
		c.data[n-c.lo] = build(latest[n])
	}
	return c
}

// build works out which days of y are worked and accumulates them.
func build(y Year) *yearData {
	first := minzheng.NewDate(y.Year, time.January, 1)
	days := yearDays(y.Year)
	var work [366]bool
	for i := range days {
		work[i] = isWeekday(first + minzheng.Date(i))
	}
	for d := range y.Holidays {
		if i := int(d - first); i >= 0 && i < days {
			work[i] = false
		}
	}
	for d := range y.Workdays {
		if i := int(d - first); i >= 0 && i < days {
			work[i] = true
		}
	}
	yd := &yearData{y: y.clone(), first: first, cum: make([]uint16, days+1)}
	for i := range days {
		yd.cum[i+1] = yd.cum[i]
		if work[i] {
			yd.cum[i+1]++
		}
	}
	return yd
}

// lookup is the data of year y, or nil when it has none.
func (c *Calendar) lookup(y int) *yearData {
	if c == nil {
		return nil
	}
	i := y - c.lo
	if i < 0 || i >= len(c.data) {
		return nil
	}
	return c.data[i]
}

// Has reports whether year has holiday data, i.e. whether its working days
// are known rather than guessed from weekends.
func (c *Calendar) Has(year int) bool { return c.lookup(year) != nil }

// Years lists the years with data, ascending, in a new slice.
func (c *Calendar) Years() []int {
	if c == nil {
		return []int{}
	}
	return slices.Clone(c.years)
}

// Year returns the arrangement used for year y, with maps of its own: the
// caller may change them without changing the Calendar.
func (c *Calendar) Year(y int) (Year, bool) {
	yd := c.lookup(y)
	if yd == nil {
		return Year{}, false
	}
	return yd.y.clone(), true
}

// IsWorkday reports whether d is a working day. provisional is true when d's
// year has no data, so the answer rests on the weekday alone and may change
// once that year's notice is entered. The zero Date is no day and not a
// working day.
func (c *Calendar) IsWorkday(d minzheng.Date) (work, provisional bool) {
	if d == 0 {
		return false, false
	}
	yd := c.lookup(d.Year())
	if yd == nil {
		return isWeekday(d), true
	}
	i := int(d - yd.first)
	return yd.cum[i+1] > yd.cum[i], false
}

// maxWorkdays bounds n in AddWorkdays: about four centuries, far beyond any
// time limit in law, and small enough that a wrong n cannot make the walk
// run away or overflow a Date.
const maxWorkdays = 100000

// AddWorkdays returns the n-th working day after from; from itself is not
// counted, as "受理后 3 个工作日内" starts the day after acceptance. n = 0 gives
// from itself; a negative n gives the |n|-th working day before from.
//
// from's year must have data: a deadline counted from a date whose holidays
// are unknown would be a guess from its first day, and the error tells the
// user that an administrator must enter that year first. When the count runs
// on into a year without data, that year is counted on weekends alone and
// provisional is true: the caller should show the deadline as 暂定 and
// recompute it once the notice is entered.
func (c *Calendar) AddWorkdays(from minzheng.Date, n int) (minzheng.Date, bool, error) {
	if from == 0 {
		return 0, false, minzheng.Invalid("from", "未填写起算日期")
	}
	if n > maxWorkdays || n < -maxWorkdays {
		return 0, false, minzheng.Invalid("n", "工作日天数 %d 超出范围，应在 -%d 至 %d 之间", n, maxWorkdays, maxWorkdays)
	}
	y := from.Year()
	yd := c.lookup(y)
	if yd == nil {
		return 0, false, minzheng.Invalid("from", "%d年的节假日和调休安排尚未录入，无法从该年的日期起算工作日；请管理员先录入国务院办公厅的放假通知", y)
	}
	if n == 0 {
		return from, false, nil
	}
	first, days := yd.first, yd.days()
	provisional := false
	if n > 0 {
		s := int(from-first) + 1 // the day after from; may be days, i.e. 1 January next
		for {
			base := prefix(yd, first, s)
			if avail := prefix(yd, first, days) - base; n > avail {
				n -= avail
			} else {
				return first + minzheng.Date(search(yd, first, s, days, base+n)), provisional, nil
			}
			first += minzheng.Date(days)
			y++
			days = yearDays(y)
			if yd = c.lookup(y); yd == nil {
				provisional = true
			}
			s = 0
		}
	}
	m := -n
	e := int(from - first) // the days before from are [0, e)
	for {
		top := prefix(yd, first, e)
		if m > top {
			m -= top
		} else {
			// The working day p with exactly m working days in [p, e).
			return first + minzheng.Date(search(yd, first, 0, e, top-m+1)), provisional, nil
		}
		y--
		days = yearDays(y)
		first -= minzheng.Date(days)
		if yd = c.lookup(y); yd == nil {
			provisional = true
		}
		e = days
	}
}

// WorkdaysBetween counts the working days after a up to and including b, the
// inverse of AddWorkdays: WorkdaysBetween(d, AddWorkdays(d, n)) is n for
// n ≥ 0. When b is before a the result is minus WorkdaysBetween(b, a), so a
// deadline already passed gives a negative count.
//
// Both ends must lie in years with data; a year strictly between them
// without data is counted on weekends alone and provisional is true.
func (c *Calendar) WorkdaysBetween(a, b minzheng.Date) (int, bool, error) {
	if a == 0 {
		return 0, false, minzheng.Invalid("from", "未填写起始日期")
	}
	if b == 0 {
		return 0, false, minzheng.Invalid("to", "未填写截止日期")
	}
	ya, yb := a.Year(), b.Year()
	da, db := c.lookup(ya), c.lookup(yb)
	if da == nil {
		return 0, false, minzheng.Invalid("from", "%d年的节假日和调休安排尚未录入，无法计算该年日期之间的工作日；请管理员先录入国务院办公厅的放假通知", ya)
	}
	if db == nil {
		return 0, false, minzheng.Invalid("to", "%d年的节假日和调休安排尚未录入，无法计算到该年日期为止的工作日；请管理员先录入国务院办公厅的放假通知", yb)
	}
	sign := 1
	if b < a {
		a, b, ya, yb, da, db, sign = b, a, yb, ya, db, da, -1
	}
	ia, ib := int(a-da.first), int(b-db.first)
	if ya == yb {
		return sign * (int(da.cum[ib+1]) - int(da.cum[ia+1])), false, nil
	}
	count := da.total() - int(da.cum[ia+1]) + int(db.cum[ib+1])
	provisional := false
	first := da.first + minzheng.Date(da.days())
	for y := ya + 1; y < yb; y++ {
		days := minzheng.Date(yearDays(y))
		if yd := c.lookup(y); yd != nil {
			count += yd.total()
		} else {
			count += weekdaysIn(first, first+days)
			provisional = true
		}
		first += days
	}
	return sign * count, provisional, nil
}

// prefix is the number of working days among the first i days of the year
// beginning on first: from the table when the year has data, else from
// weekends alone.
func prefix(yd *yearData, first minzheng.Date, i int) int {
	if yd != nil {
		return int(yd.cum[i])
	}
	return weekdaysIn(first, first+minzheng.Date(i))
}

// search is the smallest day index p in [lo, hi) with prefix(p+1) ≥ target,
// that is the working day that brings the count to target. The caller
// guarantees that prefix(hi) ≥ target.
func search(yd *yearData, first minzheng.Date, lo, hi, target int) int {
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if prefix(yd, first, mid+1) >= target {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// epoch is a known Thursday, so the weekday is plain modular arithmetic on
// the day number rather than a trip through package time.
var epoch = minzheng.NewDate(1970, time.January, 1)

func weekday(d minzheng.Date) time.Weekday {
	w := (int(d-epoch) + int(time.Thursday)) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

func isWeekday(d minzheng.Date) bool {
	w := weekday(d)
	return w != time.Saturday && w != time.Sunday
}

// weekdaysIn counts Monday to Friday in [a, b), a ≤ b, in constant time.
func weekdaysIn(a, b minzheng.Date) int {
	n := int(b - a)
	count := n / 7 * 5
	w := weekday(a)
	for r := n % 7; r > 0; r-- {
		if w != time.Saturday && w != time.Sunday {
			count++
		}
		w = (w + 1) % 7
	}
	return count
}

// yearDays is the length of year y in the proleptic Gregorian calendar.
func yearDays(y int) int {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}
