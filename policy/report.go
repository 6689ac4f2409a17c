package policy

import (
	"fmt"
	"sort"
	"strings"

	"minzheng"
)

// Change is one line of the 标准调整情况 report: a money standard of one
// region, its value at the start of a period and at its end, how often it
// changed in between, and by how much in percent.
type Change struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Unit  string `json:"unit,omitempty"`
	// Old is the value in force on the first day, New on the last; nil when
	// none is in force that day.
	Old *minzheng.Fen `json:"old_fen"`
	New *minzheng.Fen `json:"new_fen"`
	// OldRow and NewRow are the rows that set them (for a formula, the
	// formula's own row).
	OldRow *Param `json:"old_row,omitempty"`
	NewRow *Param `json:"new_row,omitempty"`
	// Changes counts the days after the first, up to and including the
	// last, on which the value in force changed: a new standard, one that
	// ends, or the standard a formula refers to changing. A correction that
	// leaves the value as it was is no change.
	Changes int `json:"changes"`
	// Growth is (New − Old) ÷ Old in percent with exactly two decimals,
	// rounded half up ("47.42"); "" when either value is missing or Old is 0.
	Growth string `json:"growth"`
	// Demo is true when a value shown is one the demonstration chose (演示).
	Demo bool `json:"demo"`
}

// Changes is the 标准调整情况 report for the region (12 digits) from one day
// to another (from ≤ to): every money standard the catalog marks Standard,
// in the catalog's order, resolved through the region's ancestors with
// formulas evaluated in the region (Resolve). A standard with no value on
// either day is left out; one with no value at from shows the new value
// and no growth.
func Changes(b *Book, region12 string, from, to minzheng.Date) []Change {
	if to < from {
		return nil
	}
	var out []Change
	for _, spec := range specs {
		if !spec.Standard {
			continue
		}
		c := Change{Name: spec.Name, Title: spec.Title, Unit: spec.Unit}
		oldV, oldRow, oldErr := Resolve(b, spec.Name, region12, from)
		newV, newRow, newErr := Resolve(b, spec.Name, region12, to)
		if oldErr != nil && newErr != nil {
			continue
		}
		if oldErr == nil {
			c.Old, c.OldRow = &oldV, oldRow
			c.Demo = c.Demo || oldRow.Demo
		}
		if newErr == nil {
			c.New, c.NewRow = &newV, newRow
			c.Demo = c.Demo || newRow.Demo
		}
		if c.Old != nil && c.New != nil {
			c.Growth = Growth(*c.Old, *c.New)
		}
		prev, prevOK := oldV, oldErr == nil
		for _, d := range changeDays(b, spec.Name, region12, from, to) {
			v, _, err := Resolve(b, spec.Name, region12, d)
			ok := err == nil
			if ok != prevOK || (ok && v != prev) {
				c.Changes++
			}
			prev, prevOK = v, ok
		}
		out = append(out, c)
	}
	return out
}

// changeDays are the days in (from, to] on which a row of name, or of a
// parameter one of its formulas refers to, that applies to the region
// starts or ends: the only days its value can change. Ascending.
func changeDays(b *Book, name, region12 string, from, to minzheng.Date) []minzheng.Date {
	seen := map[minzheng.Date]bool{}
	add := func(d minzheng.Date) {
		if d > from && d <= to {
			seen[d] = true
		}
	}
	refs := map[string]bool{}
	for _, p := range b.byName[name] {
		if !strings.HasPrefix(region12, p.Region) {
			continue
		}
		add(p.EffectiveFrom)
		if !p.EffectiveTo.IsZero() {
			add(p.EffectiveTo)
		}
		if v := p.Parsed(); v.IsFormula() {
			refs[v.Ref] = true
		}
	}
	for ref := range refs {
		for _, p := range b.byName[ref] {
			if strings.HasPrefix(region12, p.Region) {
				add(p.EffectiveFrom)
				if !p.EffectiveTo.IsZero() {
					add(p.EffectiveTo)
				}
			}
		}
	}
	days := make([]minzheng.Date, 0, len(seen))
	for d := range seen {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	return days
}

// Growth is (to − from) ÷ from in percent with exactly two decimals,
// computed in integers and rounded half up (away from zero for a fall):
// 67900 → 100100 is "47.42". "" when from is not positive.
func Growth(from, to minzheng.Fen) string {
	if from <= 0 {
		return ""
	}
	d := int64(to - from)
	neg := d < 0
	if neg {
		d = -d
	}
	// Hundredths of a percent: d × 10000 ÷ from, rounded half up as
	// ⌊(2 × d × 10000 + from) ÷ (2 × from)⌋.
	q := (2*d*10000 + int64(from)) / (2 * int64(from))
	s := fmt.Sprintf("%d.%02d", q/100, q%100)
	if neg && q != 0 {
		s = "-" + s
	}
	return s
}
