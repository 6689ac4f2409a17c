package policy

import (
	"minzheng"
)

// Resolve is the money value of parameter name in force in the region (12
// digits) on day, with the row that set it: the deepest region holding a
// row in force wins (Book.Row), and a formula ("1.3 × dibao.standard.urban")
// is evaluated in the same region on the same day, following one level —
// a formula over a formula is an error, as is a parameter that is not money
// or one with no value in force.
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
	row := b.Row(name, region12, day)
	if row == nil {
		return 0, nil, noValue(b, name, spec, region12, day)
	}
	p := *row
	v := p.Parsed()
	if !v.IsFormula() {
		return v.Fen, &p, nil
	}
	ref := b.Row(v.Ref, region12, day)
	if ref == nil {
		refSpec, _ := Lookup(v.Ref)
		return 0, nil, noValue(b, v.Ref, refSpec, region12, day)
	}
	rv := ref.Parsed()
	if rv.IsFormula() {
		return 0, nil, minzheng.Invalid("value", "参数 %s 的公式引用的 %s 也是公式，只能引用一层", name, v.Ref)
	}
	return v.Factor.Of(rv.Fen), &p, nil
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
	return minzheng.Invalid("region", "参数 %s（%s）在区划 %s 没有设定", name, spec.Title, region12)
}
