package policy

import (
	"minzheng"
	"minzheng/registry"
)

// Financial assets: what 《低保办法》第14条 counts with deposits.
var financialAssets = map[string]bool{"deposit": true, "securities": true, "fund": true, "insurance": true, "claim": true, "internet_finance": true}

// FromRegistry is the household as the rules read it, from the registry's
// household as of day: members alive on day, monthly incomes (a yearly
// amount divided by 12, rounded down), expenses as yearly amounts, the
// financial assets summed and vehicles and houses counted. Incomes and
// expenses of the household as a whole are the head's.
func FromRegistry(h *registry.Household, day minzheng.Date) Household {
	out := Household{Area: h.Area, Assets: &Assets{}}
	assets := append([]registry.Asset(nil), h.Assets...)
	headAt := -1
	for i := range h.Members {
		rm := &h.Members[i]
		if !rm.DeathDate.IsZero() && rm.DeathDate <= day {
			continue
		}
		m := Member{IDNumber: string(rm.IDNumber), Relation: rm.Relation, SeriousIllness: rm.SeriousIllness != "", Schooling: rm.Schooling}
		if rm.IDNumber == "" {
			m.BirthDate = rm.Birth
		}
		if d := rm.Disability; d != nil {
			m.Disability = &Disability{Category: d.Category, Level: d.Level}
		}
		if sc := rm.SelfCare; sc != nil {
			m.SelfCareFailed = append([]string(nil), sc.Unable...)
		}
		for _, in := range rm.Incomes {
			m.Incomes = append(m.Incomes, Income{Kind: in.Kind, MonthlyFen: in.Monthly()})
		}
		for _, x := range rm.Expenses {
			m.Expenses = append(m.Expenses, Expense{Kind: x.Kind, YearlyFen: x.Amount})
		}
		for _, s := range rm.Supporters {
			m.Supporters = append(m.Supporters, supporterFrom(s, day))
		}
		for _, p := range rm.ParentStatuses {
			m.Parents = append(m.Parents, Parent{Parent: p.Parent, Status: p.Status, Since: p.Since})
		}
		assets = append(assets, rm.Assets...)
		if rm.Relation == "head" {
			headAt = len(out.Members)
		}
		out.Members = append(out.Members, m)
	}
	if headAt < 0 && len(out.Members) > 0 {
		headAt = 0
	}
	if headAt >= 0 {
		head := &out.Members[headAt]
		for _, in := range h.Incomes {
			head.Incomes = append(head.Incomes, Income{Kind: in.Kind, MonthlyFen: in.Monthly()})
		}
		for _, x := range h.Expenses {
			head.Expenses = append(head.Expenses, Expense{Kind: x.Kind, YearlyFen: x.Amount})
		}
	}
	for _, a := range assets {
		AddAsset(out.Assets, a.Kind, a.Value)
	}
	return out
}

// AddAsset counts one registry asset: financial assets by value, vehicles
// and houses by number; other kinds are not tested.
func AddAsset(a *Assets, kind string, value minzheng.Fen) {
	switch {
	case financialAssets[kind]:
		a.DepositsFen += value
	case kind == "vehicle":
		a.Vehicles++
	case kind == "house":
		a.Houses++
	}
}

// supporterFrom states a registry supporter's facts for 《特困办法》第8条.
func supporterFrom(s registry.Supporter, day minzheng.Date) Supporter {
	out := Supporter{Relation: s.Relation}
	if !s.Birth.IsZero() {
		age := registry.Age(s.Birth, day)
		out.Age = &age
	}
	income := s.MonthlyIncome
	out.MonthlyIncomeFen = &income
	switch {
	case s.Tekun:
		out.Status = "tekun"
	case s.Imprisoned:
		out.Status = "imprisoned"
	case s.Incapacitated:
		out.Status = "incapacitated"
	case s.Dibao:
		out.Status = "dibao"
	case s.Disability != nil && (s.Disability.Level <= 2 || (s.Disability.Level == 3 && (s.Disability.Category == "intellectual" || s.Disability.Category == "mental"))):
		out.Status = "severely_disabled"
	default:
		out.Status = "normal"
	}
	return out
}
