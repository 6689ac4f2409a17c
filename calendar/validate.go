package calendar

import (
	"maps"
	"slices"
	"strings"
	"time"

	"minzheng"
)

// The years an administrator may enter: the built-in data starts in 2004,
// and a year beyond 2100 can only be a typing mistake.
const (
	minYear = 2004
	maxYear = 2100
)

var weekdayNames = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// WeekdayName is the day's name as written after 星期: 一 … 六, 日.
func WeekdayName(w time.Weekday) string { return weekdayNames[w] }

// Validate checks a year as an administrator enters it from the State
// Council notice, before it is stored and handed to New. It catches the
// mistakes that would silently shift every deadline: a date typed into the
// wrong year, an adjusted working day on a weekday (which changes nothing,
// so it must be a typo for another date), a day both off and worked.
// Holidays on a weekend are accepted; they are listed in the notice and are
// days off either way. Dates are checked in order, so the error always names
// the earliest offending date.
//
// Every date must lie in y.Year. A notice sometimes moves work into the
// December before (元旦 2012 had 2011-12-31 worked); that day belongs to the
// earlier year, and as an entry replaces its whole year in New, the earlier
// year is re-entered from Calendar.Year with the day added.
func (y Year) Validate() error {
	if y.Year < minYear || y.Year > maxYear {
		return minzheng.Invalid("year", "年份 %d 超出范围，应在 %d 至 %d 之间", y.Year, minYear, maxYear)
	}
	if len(y.Holidays) == 0 {
		return minzheng.Invalid("holidays", "%d年至少应有一个放假日期", y.Year)
	}
	for _, d := range slices.Sorted(maps.Keys(y.Holidays)) {
		if d == 0 {
			return minzheng.Invalid("holidays", "放假日期不能为空")
		}
		if d.Year() != y.Year {
			return minzheng.Invalid("holidays", "放假日期 %s 不在 %d 年内", d, y.Year)
		}
		if strings.TrimSpace(y.Holidays[d]) == "" {
			return minzheng.Invalid("holidays", "放假日期 %s 未填写节日名称", d)
		}
	}
	for _, d := range slices.Sorted(maps.Keys(y.Workdays)) {
		if d == 0 {
			return minzheng.Invalid("workdays", "调休上班日期不能为空")
		}
		if d.Year() != y.Year {
			return minzheng.Invalid("workdays", "调休上班日期 %s 不在 %d 年内", d, y.Year)
		}
		if w := d.Weekday(); w != time.Saturday && w != time.Sunday {
			return minzheng.Invalid("workdays", "调休上班日期 %s 是星期%s，本来就是工作日；调休上班日只能是星期六或星期日", d, weekdayNames[w])
		}
		if _, ok := y.Holidays[d]; ok {
			return minzheng.Invalid("workdays", "%s 既是放假日期又是调休上班日期", d)
		}
		if strings.TrimSpace(y.Workdays[d]) == "" {
			return minzheng.Invalid("workdays", "调休上班日期 %s 未填写所属节日名称", d)
		}
	}
	return nil
}
