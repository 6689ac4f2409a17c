package policy

import (
	"fmt"
	"strings"
	"testing"
)

func TestDibaoContractExample(t *testing.T) {
	head := person(t, "370614", "1970-03-02", 11)
	js := fmt.Sprintf(`{"program":"dibao","date":"2024-06-01","region":"370614107201",
	"household":{"area":"rural","members":[
	 {"id_number":%q,"relation":"head","incomes":[{"kind":"wage","monthly_fen":120000}],"expenses":[{"kind":"medical","yearly_fen":600000}]},
	 {"id_number":%q,"relation":"spouse"},
	 {"id_number":%q,"relation":"child","schooling":"compulsory"}],
	 "assets":{"deposits_fen":0,"vehicles":0,"houses":1}}}`,
		head, person(t, "370614", "1972-05-06", 22), person(t, "370614", "2012-09-01", 33))
	d := mustEval(t, parse(t, js))
	if !yes(d) || d.AmountFen != 170000 {
		t.Fatalf("eligible %v amount %d, want yes 170000", d.Eligible, d.AmountFen)
	}
	found := false
	for _, r := range d.Reasons {
		if strings.Contains(r.Text, "(1200 − 500) ÷ 3 = 233.33") && strings.Contains(r.Text, "800") {
			found = true
		}
	}
	if !found {
		t.Errorf("no per-capita sentence in %+v", d.Reasons)
	}
	golden(t, "dibao_penglai_rural", d)
}
