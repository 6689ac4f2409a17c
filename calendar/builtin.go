package calendar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"minzheng"
)

// The State Council's arrangements for 2004–2026, shipped inside the binary
// so that working days are right on an office PC with no network (see
// holidays/PROVENANCE.md).
//
//go:embed holidays/chinese-days.json
var builtinJSON []byte

// builtinSource is the Source of every built-in year.
const builtinSource = "内置数据 chinese-days 1.5.7"

// parsedBuiltin parses the embedded data on first use only; the data cannot
// change while the program runs.
var parsedBuiltin = sync.OnceValues(func() ([]Year, error) { return parseBuiltin(builtinJSON) })

// Builtin returns the built-in years, 2004–2026, sorted by year. The data is
// parsed once; each call gets maps of its own, so a caller that edits them
// (say, to prefill an administrator's form) cannot corrupt the next call.
// An error means the embedded file is broken, a fault of the build.
func Builtin() ([]Year, error) {
	ys, err := parsedBuiltin()
	if err != nil {
		return nil, err
	}
	out := make([]Year, len(ys))
	for i, y := range ys {
		out[i] = y.clone()
	}
	return out, nil
}

// chineseDays is the layout of chinese-days.json. Every value is
// "English name,中文名,statutory days". inLieuDays (weekdays off in return for
// a worked weekend) are all in holidays already, so they are read only to be
// checked.
type chineseDays struct {
	Holidays   map[string]string `json:"holidays"`
	Workdays   map[string]string `json:"workdays"`
	InLieuDays map[string]string `json:"inLieuDays"`
}

// parseBuiltin turns the file into Years, grouping dates by the calendar
// year they fall in.
func parseBuiltin(data []byte) ([]Year, error) {
	var f chineseDays
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("calendar: 内置节假日数据无法解析: %w", err)
	}
	if len(f.Holidays) == 0 {
		return nil, fmt.Errorf("calendar: 内置节假日数据没有放假日期")
	}
	years := make(map[int]*Year)
	year := func(d minzheng.Date) *Year {
		n := d.Year()
		y := years[n]
		if y == nil {
			y = &Year{Year: n, Holidays: map[minzheng.Date]string{}, Workdays: map[minzheng.Date]string{}, Source: builtinSource}
			years[n] = y
		}
		return y
	}
	for k, v := range f.Holidays {
		d, name, err := parseEntry("holidays", k, v)
		if err != nil {
			return nil, err
		}
		year(d).Holidays[d] = name
	}
	for k, v := range f.Workdays {
		d, name, err := parseEntry("workdays", k, v)
		if err != nil {
			return nil, err
		}
		if _, ok := f.Holidays[k]; ok {
			return nil, fmt.Errorf("calendar: 内置节假日数据 %s 既是放假日期又是调休上班日", k)
		}
		year(d).Workdays[d] = name
	}
	for k := range f.InLieuDays {
		if _, ok := f.Holidays[k]; !ok {
			return nil, fmt.Errorf("calendar: 内置节假日数据 inLieuDays %s 不在 holidays 中", k)
		}
	}
	out := make([]Year, 0, len(years))
	for _, n := range slices.Sorted(maps.Keys(years)) {
		out = append(out, *years[n])
	}
	return out, nil
}

// parseEntry reads one "YYYY-MM-DD": "English,中文,days" pair and keeps the
// Chinese name, the one users see.
func parseEntry(section, k, v string) (minzheng.Date, string, error) {
	d, err := minzheng.ParseDate(k)
	if err != nil {
		return 0, "", fmt.Errorf("calendar: 内置节假日数据 %s: %w", section, err)
	}
	parts := strings.Split(v, ",")
	if len(parts) != 3 || strings.TrimSpace(parts[1]) == "" {
		return 0, "", fmt.Errorf("calendar: 内置节假日数据 %s %s 的值 %q 应为 \"英文名,中文名,天数\"", section, k, v)
	}
	return d, strings.TrimSpace(parts[1]), nil
}
