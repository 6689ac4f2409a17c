package payment

import "minzheng"

// Change is one line of the difference from last month's payroll.
type Change struct {
	EnrolmentID int64        `json:"enrolment_id"`
	HouseholdID int64        `json:"household_id"`
	Subject     string       `json:"subject,omitempty"`
	Region      string       `json:"region"`
	Payee       string       `json:"payee"`
	Before      minzheng.Fen `json:"before_fen"`
	After       minzheng.Fen `json:"after_fen"`
}

// Diff is what a checker reads before approving: who is new this month,
// who stopped, whose amount changed, and the back pay and retries.
type Diff struct {
	New     []Change `json:"new"`
	Stopped []Change `json:"stopped"`
	Changed []Change `json:"changed"`
	BackPay []Line   `json:"back_pay"` // back pay, retries and one-offs
}

// DiffOf compares this month's lines with last month's, by enrolment's
// holder (household and person): a new amount is a new enrolment row, so
// the holder, not the row, is what carries over.
func DiffOf(prev, cur []Line) Diff {
	type who struct {
		h int64
		s string
	}
	month := func(lines []Line) map[who]Line {
		out := map[who]Line{}
		for _, l := range lines {
			if l.Kind == KindRegular || l.Kind == KindPhaseOut {
				out[who{l.HouseholdID, l.Subject}] = l
			}
		}
		return out
	}
	before, after := month(prev), month(cur)
	d := Diff{New: []Change{}, Stopped: []Change{}, Changed: []Change{}, BackPay: []Line{}}
	change := func(l Line) Change {
		return Change{EnrolmentID: l.EnrolmentID, HouseholdID: l.HouseholdID, Subject: l.Subject, Region: l.Region, Payee: l.Payee}
	}
	for _, l := range cur {
		switch l.Kind {
		case KindRegular, KindPhaseOut:
			k := who{l.HouseholdID, l.Subject}
			p, ok := before[k]
			c := change(l)
			c.After = l.AmountFen
			if !ok {
				d.New = append(d.New, c)
			} else if p.AmountFen != l.AmountFen {
				c.Before = p.AmountFen
				d.Changed = append(d.Changed, c)
			}
		default:
			d.BackPay = append(d.BackPay, l)
		}
	}
	for _, l := range prev {
		if l.Kind != KindRegular && l.Kind != KindPhaseOut {
			continue
		}
		if _, ok := after[who{l.HouseholdID, l.Subject}]; !ok {
			c := change(l)
			c.Before = l.AmountFen
			d.Stopped = append(d.Stopped, c)
		}
	}
	return d
}
