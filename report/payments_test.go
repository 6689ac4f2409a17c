package report

import (
	"testing"
	"time"

	"minzheng"
)

func TestSentences(t *testing.T) {
	m := func(y int, mm time.Month) minzheng.Month { return minzheng.NewMonth(y, mm) }
	cases := []struct {
		name     string
		program  string
		from, to minzheng.Month
		f        Figures
		want     string
	}{
		{"环翠区低保一至十月", "dibao", m(2024, 1), m(2024, 10), Figures{PersonTimes: 7620, AmountFen: 7024400_00}, "1-10月,发放城乡低保金7620人次702.44万元"},
		{"环翠区特困基本生活费", "tekun", m(2024, 1), m(2024, 10), Figures{PersonTimes: 3885, AmountFen: 5882100_00}, "1-10月,为城乡特困人员发放基本生活费3885人次588.21万元"},
		{"单月", "linshi", m(2024, 10), m(2024, 10), Figures{PersonTimes: 168, AmountFen: 274100_00}, "10月,为168人次发放临时救助金27.41万元"},
		{"跨年", "dibao", m(2023, 11), m(2024, 2), Figures{PersonTimes: 4, AmountFen: 100_00}, "2023年11月-2024年2月,发放城乡低保金4人次0.01万元"},
		{"四舍五入到分", "disability_care", m(2024, 1), m(2024, 10), Figures{PersonTimes: 31788, AmountFen: 5488349_99}, "1-10月,累计发放重度残疾人护理补贴31788人次548.83万元"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Sentence(c.program, c.from, c.to, c.f); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	if got := SentenceHouseholds("dibao", Figures{Households: 1394, Persons: 1787, AmountFen: 17674100_00}); got != "累计向城乡低保1394户1787人发放低保金1767.41万元" {
		t.Errorf("天宁区's form: %q", got)
	}
}

func TestCheckPeriod(t *testing.T) {
	m := minzheng.NewMonth(2024, time.January)
	for name, c := range map[string]struct{ from, to minzheng.Month }{"截止早于起始": {m + 3, m}, "超过五年": {m, m + 60}, "缺少月份": {0, m}} {
		if CheckPeriod(c.from, c.to) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := CheckPeriod(m, m+59); err != nil {
		t.Errorf("five years: %v", err)
	}
}
