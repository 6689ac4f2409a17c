package calendar

import (
	"context"
	"errors"
	"testing"

	"minzheng"
)

func TestBookReload(t *testing.T) {
	b, err := NewBook(nil)
	if err != nil {
		t.Fatal(err)
	}
	from := minzheng.NewDate(2026, 12, 20)
	before, prov, err := b.Calendar().AddWorkdays(from, 15)
	if err != nil || !prov {
		t.Fatalf("before 2027 is entered: %s %v %v", before, prov, err)
	}
	var seen []*Calendar
	b.OnChange(func(_ context.Context, c *Calendar) error { seen = append(seen, c); return nil })
	b.OnChange(func(context.Context, *Calendar) error {
		return errors.New("a failing listener does not stop the others")
	})
	y2027 := Year{Year: 2027, Source: "测试", Holidays: map[minzheng.Date]string{
		minzheng.NewDate(2027, 1, 1): "元旦",
	}}
	b.Reload(context.Background(), []Year{y2027})
	after, prov, err := b.Calendar().AddWorkdays(from, 15)
	if err != nil || prov || after != before.AddDays(3) {
		// 2027-01-01 is a Friday: the deadline moves past the weekend to Monday.
		t.Fatalf("after 2027 is entered: %s %v %v (was %s)", after, prov, err, before)
	}
	if len(seen) != 1 || seen[0] != b.Calendar() {
		t.Fatal("listeners are told once, with the new calendar")
	}
	b.Reload(context.Background(), []Year{y2027})
	if len(seen) != 1 {
		t.Fatal("reloading the same years tells no one")
	}
	if !b.Builtin(2026) || b.Builtin(2027) {
		t.Fatal("Builtin tells built-in years from entered ones")
	}
}
