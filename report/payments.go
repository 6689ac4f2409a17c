// Package report holds the arithmetic and the words of the bureau's
// reports: figures counted once, amounts in 万元 with two decimals, and the
// seeds' own sentences ("1-10月,发放城乡低保金7620人次702.44万元") made from
// the data.
package report

import (
	"fmt"

	"minzheng"
)

// Figures are what a report counts. Lines, PersonTimes (人次: the persons
// paid, summed over the months paid) and AmountFen add up over months and
// regions; Households and Persons are each counted once over the period.
type Figures struct {
	Lines       int64        `json:"lines"`
	PersonTimes int64        `json:"person_times"`
	Households  int64        `json:"households"`
	Persons     int64        `json:"persons"`
	AmountFen   minzheng.Fen `json:"amount_fen"`
	AmountWan   string       `json:"amount_wan"` // 万元, two decimals
}

// Add adds the additive figures of g.
func (f *Figures) Add(g Figures) {
	f.Lines += g.Lines
	f.PersonTimes += g.PersonTimes
	f.AmountFen += g.AmountFen
}

// MonthFigures are one month's figures.
type MonthFigures struct {
	Month minzheng.Month `json:"month"`
	Figures
}

// RegionFigures are one sub-region's figures over the period.
type RegionFigures struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	Figures
}

// Payments is the report of what was paid in a region, period and
// programme.
type Payments struct {
	Region  string         `json:"region"`
	From    minzheng.Month `json:"from"`
	To      minzheng.Month `json:"to"`
	Program string         `json:"program"`
	Figures
	// Sentence is the seeds' monthly form (环翠区); SentenceHouseholds the
	// cumulative one with households and persons (天宁区).
	Sentence           string          `json:"sentence"`
	SentenceHouseholds string          `json:"sentence_households"`
	ByMonth            []MonthFigures  `json:"by_month"`
	ByRegion           []RegionFigures `json:"by_region"`
}

// Finish fills the amounts in 万元 and the sentences.
func (p *Payments) Finish() {
	p.AmountWan = p.AmountFen.Wan()
	for i := range p.ByMonth {
		p.ByMonth[i].AmountWan = p.ByMonth[i].AmountFen.Wan()
	}
	for i := range p.ByRegion {
		p.ByRegion[i].AmountWan = p.ByRegion[i].AmountFen.Wan()
	}
	p.Sentence = Sentence(p.Program, p.From, p.To, p.Figures)
	p.SentenceHouseholds = SentenceHouseholds(p.Program, p.Figures)
}

// MaxMonths is the longest period a report covers: five years.
const MaxMonths = 60

// CheckPeriod refuses a period that is empty, backwards or too long.
func CheckPeriod(from, to minzheng.Month) error {
	switch {
	case from == 0 || to == 0:
		return minzheng.Invalid("from", "请给出起止月份（YYYY-MM）")
	case to < from:
		return minzheng.Invalid("to", "截止月份 %s 早于起始月份 %s", to, from)
	case int(to-from) >= MaxMonths:
		return minzheng.Invalid("to", "统计期间最长 %d 个月", MaxMonths)
	}
	return nil
}

// Period is a period as the seeds write it: "1-10月" within a year, "10月"
// for one month, "2023年11月-2024年2月" across years.
func Period(from, to minzheng.Month) string {
	fy, fm := from.YM()
	ty, tm := to.YM()
	switch {
	case from == to:
		return fmt.Sprintf("%d月", fm)
	case fy == ty:
		return fmt.Sprintf("%d-%d月", fm, tm)
	}
	return fmt.Sprintf("%d年%d月-%d年%d月", fy, fm, ty, tm)
}

// phrases are each programme's sentence in the seeds' own words (环翠区
// 2024年1-10月工作总结; 天宁区 for the cumulative form). %[1]s is the
// period, %[2]d the person-times, %[3]s the amount in 万元.
var phrases = map[string]string{
	"dibao":             "%[1]s,发放城乡低保金%[2]d人次%[3]s万元",
	"tekun":             "%[1]s,为城乡特困人员发放基本生活费%[2]d人次%[3]s万元",
	"linshi":            "%[1]s,为%[2]d人次发放临时救助金%[3]s万元",
	"elderly_longevity": "%[1]s,发放高龄津贴和长寿补贴%[2]d人次,共计%[3]s万元",
	"elderly_poor":      "%[1]s,发放经济困难老年人补贴%[2]d人次%[3]s万元",
	"disability_living": "%[1]s,累计发放困难残疾人生活补贴%[2]d人次%[3]s万元",
	"disability_care":   "%[1]s,累计发放重度残疾人护理补贴%[2]d人次%[3]s万元",
	"orphan":            "%[1]s,累计发放孤儿基本生活费%[3]s万元,保障%[2]d人次",
	"unsupported_child": "%[1]s,累计发放事实无人抚养儿童生活补贴%[3]s万元,保障%[2]d人次",
	"distressed_child":  "%[1]s,累计发放重点困境儿童保障金%[3]s万元,保障%[2]d人次",
	"college_student":   "%[1]s,为%[2]d人次发放困难大学生救助金%[3]s万元",
}

// Sentence is the report's sentence in the seeds' form.
func Sentence(program string, from, to minzheng.Month, f Figures) string {
	phrase, ok := phrases[program]
	if !ok {
		phrase = "%[1]s,发放" + program + "%[2]d人次%[3]s万元"
	}
	return fmt.Sprintf(phrase, Period(from, to), f.PersonTimes, f.AmountFen.Wan())
}

// households are the cumulative sentences with households and persons.
var households = map[string]string{
	"dibao":  "累计向城乡低保%[1]d户%[2]d人发放低保金%[3]s万元",
	"linshi": "累计向%[1]d户%[2]d人发放救助金%[3]s万元",
	"tekun":  "累计向%[2]d名特困人员发放救助供养金%[3]s万元",
}

// SentenceHouseholds is 天宁区's cumulative form: "累计向城乡低保1394户1787人
// 发放低保金1767.41万元"; person's programmes name persons only.
func SentenceHouseholds(program string, f Figures) string {
	phrase, ok := households[program]
	if !ok {
		phrase = "累计向%[2]d人发放" + program + "%[3]s万元"
		if name, ok := names[program]; ok {
			phrase = "累计向%[2]d人发放" + name + "%[3]s万元"
		}
	}
	return fmt.Sprintf(phrase, f.Households, f.Persons, f.AmountFen.Wan())
}

// names are the payments' names in the cumulative sentence.
var names = map[string]string{
	"elderly_longevity": "高龄津贴", "elderly_poor": "经济困难老年人补贴", "disability_living": "困难残疾人生活补贴",
	"disability_care": "重度残疾人护理补贴", "orphan": "孤儿基本生活费", "unsupported_child": "事实无人抚养儿童生活补贴",
	"distressed_child": "重点困境儿童保障金", "college_student": "困难大学生救助金",
}
