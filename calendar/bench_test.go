package calendar

import "testing"

func BenchmarkAddWorkdays15(b *testing.B) {
	c := builtinCalendar(b)
	from := date(b, "2025-09-26")
	for b.Loop() {
		if _, _, err := c.AddWorkdays(from, 15); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddWorkdays250(b *testing.B) {
	c := builtinCalendar(b)
	from := date(b, "2025-03-03")
	for b.Loop() {
		if _, _, err := c.AddWorkdays(from, 250); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddWorkdays250Provisional runs into 2027, counted on weekends.
func BenchmarkAddWorkdays250Provisional(b *testing.B) {
	c := builtinCalendar(b)
	from := date(b, "2026-06-01")
	for b.Loop() {
		if _, _, err := c.AddWorkdays(from, 250); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWorkdaysBetweenOneYear(b *testing.B) {
	c := builtinCalendar(b)
	from, to := date(b, "2025-01-15"), date(b, "2026-01-15")
	for b.Loop() {
		if _, _, err := c.WorkdaysBetween(from, to); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsWorkday(b *testing.B) {
	c := builtinCalendar(b)
	d := date(b, "2025-10-11")
	for b.Loop() {
		c.IsWorkday(d)
	}
}

// BenchmarkBuiltin parses the embedded JSON, the work Builtin does once.
func BenchmarkBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := parseBuiltin(builtinJSON); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuiltinCopy is every later call of Builtin: copying the maps.
func BenchmarkBuiltinCopy(b *testing.B) {
	for b.Loop() {
		if _, err := Builtin(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	ys := builtinYears(b)
	for b.Loop() {
		New(ys)
	}
}
