package policy

import (
	"minzheng"
)

// Resolve is the money value of parameter name in force in the region (12
// digits) on day, with the row that set it: the deepest region holding a
// row in force wins (Book.Row), and a formula ("1.3 × dibao.standard.urban")
// is evaluated in the same region on the same day, through as many formulas
// as it refers to — the same reading the rules do (env.value).
//
// The row returned is a copy of the row of name itself (not the row the
// formula refers to), so a caller can show its document and dates.
func Resolve(b *Book, name, region12 string, day minzheng.Date) (minzheng.Fen, *Param, error) {
	spec, ok := Lookup(name)
	if !ok {
		return 0, nil, minzheng.Invalid("name", "没有名为“%s”的参数", name)
	}
	if spec.Kind != KindFen {
		return 0, nil, minzheng.Invalid("name", "参数 %s（%s）不是金额", name, spec.Title)
	}
	var d Decision
	e := &env{book: b, region: region12, date: day, d: &d}
	v, ok := e.value(name, true)
	if !ok {
		return 0, nil, e.err
	}
	p := *b.Row(name, region12, day)
	return v.Fen, &p, nil
}

// noValue says that name has no value in force on day in the region, and
// from when it has one, if ever.
func noValue(b *Book, name string, spec Spec, region12 string, day minzheng.Date) error {
	switch first := b.Earliest(name, region12); {
	case first > day:
		return minzheng.Invalid("date", "参数 %s（%s）在区划 %s 于 %s 尚无生效值：最早自 %s 起", name, spec.Title, region12, day, first)
	case first != 0:
		return minzheng.Invalid("date", "参数 %s（%s）在区划 %s 于 %s 没有生效值（已失效）", name, spec.Title, region12, day)
	}
	return minzheng.Invalid("region", "参数 %s（%s）在区划 %s 没有设定，请先在标准管理中录入", name, spec.Title, region12)
}
