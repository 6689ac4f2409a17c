// Package payment is the money: which payments a county's payroll for a
// benefit month holds (发放名册), the difference from the month before,
// control totals, and the reports' arithmetic. It is pure: the store reads
// the enrolments, what was paid before and the holds, and hands them here.
//
// The rules it applies:
//   - A monthly benefit is paid for each month from its first month until
//     the month it stops (exclusive): from the month after the decision
//     (《低保办法》第21条, 《特困办法》第17条), to the month after the stop
//     (第32条; a death, DESIGN.md §8).
//   - A month owed but not yet paid — approved after the payroll of that
//     month was made, or held and released with back pay — is paid as back
//     pay (补发) in the next payroll; never before the first payroll the
//     system made for the county and programme, whose earlier months the
//     system it replaced paid.
//   - A one-off benefit (临时救助) is paid once, less the advance aid
//     (先行救助) already given from a township's reserve fund.
//   - A line the bank returned as failed is paid again, referring to the
//     failed one, once the account has been corrected.
//   - An enrolment is paid at most once per benefit month; the store's
//     unique index makes that hold even against a bug here.
package payment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"strconv"

	"minzheng"
)

// Line kinds.
const (
	KindRegular  = "regular"   // the month's payment
	KindBackPay  = "back_pay"  // 补发: an earlier month owed and not paid
	KindRetry    = "retry"     // paid again after the bank returned it as failed
	KindOnce     = "once"      // a one-off benefit (临时救助), less advance aid
	KindPhaseOut = "phase_out" // a month of 渐退
	KindAdvance  = "advance"   // 先行救助, given in cash from a reserve fund; booked, not in a payroll
)

// KindNames are the kinds on screen.
var KindNames = map[string]string{KindRegular: "当月", KindBackPay: "补发", KindRetry: "重发", KindOnce: "一次性",
	KindPhaseOut: "渐退", KindAdvance: "先行救助"}

// Enrolment is what the payroll reads of a granted benefit.
type Enrolment struct {
	ID          int64
	HouseholdID int64
	Subject     string // the person's ID number, for person-level programmes
	Region      string // the village, 12 digits
	AmountFen   minzheng.Fen
	Period      string         // "month" or "once"
	First       minzheng.Month // the first month paid
	Stop        minzheng.Month // the first month not paid; 0 when open
	PhaseOut    minzheng.Month // the first month of 渐退; 0 when none
	Persons     int            // persons the line covers: the household's members, or 1
	AdvanceFen  minzheng.Fen   // advance aid already given on the case (one-off benefits)
	Payee       string
	BankName    string
	BankAccount string
}

// Hold is a suspension of payment (暂停发放) of one enrolment.
type Hold struct {
	From, To minzheng.Month // To is 0 while the hold is open; inclusive otherwise
	BackPay  bool           // released with back pay: the held months are paid after all
}

// holds reports whether month m is held and not to be paid later.
func held(hs []Hold, m minzheng.Month) bool {
	for _, h := range hs {
		if h.BackPay {
			continue
		}
		if m >= h.From && (h.To == 0 || m <= h.To) {
			return true
		}
	}
	return false
}

// Failed is a line the bank returned as failed and not yet paid again.
type Failed struct {
	LineID       int64
	EnrolmentID  int64
	BenefitMonth minzheng.Month
	AmountFen    minzheng.Fen
	BankAccount  string // the account it failed on
}

// Line is one payment of a payroll.
type Line struct {
	EnrolmentID  int64          `json:"enrolment_id"`
	HouseholdID  int64          `json:"household_id"`
	Subject      string         `json:"subject,omitempty"`
	Region       string         `json:"region"`
	BenefitMonth minzheng.Month `json:"benefit_month"`
	Kind         string         `json:"kind"`
	AmountFen    minzheng.Fen   `json:"amount_fen"`
	Persons      int            `json:"persons"`
	RetryOf      int64          `json:"retry_of,omitempty"`
	Step         string         `json:"step,omitempty"` // 渐退: "k/n"
	Payee        string         `json:"payee"`
	BankName     string         `json:"bank_name"`
	BankAccount  string         `json:"bank_account"`
}

// Input is everything a payroll is made from.
type Input struct {
	Month minzheng.Month
	// Start is the first month the system paid for this county and
	// programme: back pay never reaches before it.
	Start      minzheng.Month
	Enrolments []Enrolment
	// Paid holds, for the enrolments that may be owed back pay, the benefit
	// months already paid or in a bank's hands (and those failed, which
	// the retry path pays). An enrolment absent from Paid and Candidates
	// is taken to be paid up to the month before.
	Paid map[int64][]minzheng.Month
	// Candidates are the enrolments whose earlier months must be checked
	// against Paid; the others are paid up (the store knows which: those
	// not on the previous month's payroll, and those with a hold released
	// with back pay).
	Candidates map[int64]bool
	Holds      map[int64][]Hold
	Failed     []Failed
	// Accounts are the current bank accounts by enrolment, for the retry
	// of failed lines: a line is paid again only once it has changed.
	Accounts map[int64]string
}

// Plan computes the payroll's lines, in a fixed order: the same input gives
// the same lines, so regenerating an unapproved payroll changes nothing
// unless the enrolments did.
func Plan(in Input) []Line {
	lines := make([]Line, 0, len(in.Enrolments)+len(in.Failed))
	byID := make(map[int64]*Enrolment, len(in.Failed))
	for i := range in.Enrolments {
		e := &in.Enrolments[i]
		if len(in.Failed) > 0 {
			byID[e.ID] = e
		}
		if e.AmountFen <= 0 {
			continue // a benefit in kind (free electricity) is not paid in money
		}
		hs := in.Holds[e.ID]
		line := func(m minzheng.Month, kind string, amount minzheng.Fen) Line {
			l := Line{EnrolmentID: e.ID, HouseholdID: e.HouseholdID, Subject: e.Subject, Region: e.Region, BenefitMonth: m,
				Kind: kind, AmountFen: amount, Persons: e.Persons, Payee: e.Payee, BankName: e.BankName, BankAccount: e.BankAccount}
			if e.PhaseOut != 0 && m >= e.PhaseOut && e.Stop != 0 {
				if kind == KindRegular {
					l.Kind = KindPhaseOut
				}
				l.Step = stepOf(m, e.PhaseOut, e.Stop)
			}
			return l
		}
		if e.Period == "once" {
			// 临时救助: paid once, for its first month, less the advance.
			m := e.First
			if m > in.Month || m < in.Start || contains(in.Paid[e.ID], m) || held(hs, m) {
				continue
			}
			if rest := e.AmountFen - e.AdvanceFen; rest > 0 {
				lines = append(lines, line(m, KindOnce, rest))
			}
			continue
		}
		if e.First > in.Month || (e.Stop != 0 && e.Stop <= in.Start) {
			continue
		}
		if in.Candidates[e.ID] {
			from := max(e.First, in.Start)
			to := in.Month - 1
			if e.Stop != 0 {
				to = min(to, e.Stop-1)
			}
			paid := in.Paid[e.ID]
			for m := from; m <= to; m++ {
				if !contains(paid, m) && !held(hs, m) {
					lines = append(lines, line(m, KindBackPay, e.AmountFen))
				}
			}
		}
		if (e.Stop == 0 || in.Month < e.Stop) && !held(hs, in.Month) && !contains(in.Paid[e.ID], in.Month) {
			lines = append(lines, line(in.Month, KindRegular, e.AmountFen))
		}
	}
	for _, f := range in.Failed {
		e, ok := byID[f.EnrolmentID]
		if !ok || in.Accounts[f.EnrolmentID] == f.BankAccount || in.Accounts[f.EnrolmentID] == "" {
			continue // not corrected yet: listed as awaiting a new account
		}
		lines = append(lines, Line{EnrolmentID: e.ID, HouseholdID: e.HouseholdID, Subject: e.Subject, Region: e.Region,
			BenefitMonth: f.BenefitMonth, Kind: KindRetry, AmountFen: f.AmountFen, Persons: e.Persons, RetryOf: f.LineID,
			Payee: e.Payee, BankName: e.BankName, BankAccount: e.BankAccount})
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := &lines[i], &lines[j]
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.HouseholdID != b.HouseholdID {
			return a.HouseholdID < b.HouseholdID
		}
		if a.EnrolmentID != b.EnrolmentID {
			return a.EnrolmentID < b.EnrolmentID
		}
		return a.BenefitMonth < b.BenefitMonth
	})
	return lines
}

// stepOf is "k/n": month m is the k-th of the n months of a phase-out.
func stepOf(m, from, stop minzheng.Month) string {
	return strconv.Itoa(int(m-from)+1) + "/" + strconv.Itoa(int(stop-from))
}

func contains(ms []minzheng.Month, m minzheng.Month) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// Totals are a payroll's control totals.
type Totals struct {
	Lines      int          `json:"lines"`
	Persons    int          `json:"persons"`
	Households int          `json:"households"`
	AmountFen  minzheng.Fen `json:"amount_fen"`
}

// TotalsOf counts lines: households once each; persons once per household
// (its largest count on any line) or per person of a person-level benefit.
func TotalsOf(lines []Line) Totals {
	t := Totals{Lines: len(lines)}
	households := map[int64]bool{}
	type who struct {
		h int64
		s string
	}
	persons := map[who]int{}
	for _, l := range lines {
		t.AmountFen += l.AmountFen
		households[l.HouseholdID] = true
		k := who{l.HouseholdID, l.Subject}
		if l.Persons > persons[k] {
			persons[k] = l.Persons
		}
	}
	t.Households = len(households)
	for _, n := range persons {
		t.Persons += n
	}
	return t
}

// Hash is a digest of the lines: the payroll an approver saw is the one
// approved only if the lines computed again hash the same.
func Hash(lines []Line) string {
	h := sha256.New()
	var b [8]byte
	put := func(n int64) {
		binary.LittleEndian.PutUint64(b[:], uint64(n))
		h.Write(b[:])
	}
	for _, l := range lines {
		put(l.EnrolmentID)
		put(l.HouseholdID)
		put(int64(l.BenefitMonth))
		put(int64(l.AmountFen))
		put(int64(l.Persons))
		put(l.RetryOf)
		h.Write([]byte(l.Kind))
		h.Write([]byte{0})
		h.Write([]byte(l.Subject))
		h.Write([]byte{0})
		h.Write([]byte(l.Region))
		h.Write([]byte{0})
		h.Write([]byte(l.Payee))
		h.Write([]byte{0})
		h.Write([]byte(l.BankName))
		h.Write([]byte{0})
		h.Write([]byte(l.BankAccount))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
