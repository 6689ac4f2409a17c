package policy

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"minzheng"
	"minzheng/registry"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// book is the built-in book: national defaults and the seeds' figures.
var book = BuiltinBook()

// day parses a date or fails the test.
func day(t testing.TB, s string) minzheng.Date {
	t.Helper()
	d, err := minzheng.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// person makes a valid ID number for someone born on birth (YYYY-MM-DD)
// in county, with seq telling persons apart (odd for a man).
func person(t testing.TB, county, birth string, seq int) string {
	t.Helper()
	return string(registry.NewIDNumber(county, day(t, birth), seq))
}

// parse reads a request written as JSON, the way the API reads it.
func parse(t testing.TB, js string) Request {
	t.Helper()
	var r Request
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("request: %v", err)
	}
	return r
}

// mustEval evaluates or fails.
func mustEval(t testing.TB, r Request) Decision {
	t.Helper()
	d, err := Evaluate(r, book)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return d
}

// golden compares the decision, as indented JSON, with
// testdata/<name>.json; -update rewrites it.
func golden(t *testing.T, name string, d Decision) {
	t.Helper()
	got, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("decision differs from %s (run with -update after checking):\n%s", path, got)
	}
}

func yes(d Decision) bool  { return d.Eligible != nil && *d.Eligible }
func no(d Decision) bool   { return d.Eligible != nil && !*d.Eligible }
func null(d Decision) bool { return d.Eligible == nil }
