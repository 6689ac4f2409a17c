package registry

import (
	"encoding/json"
	"reflect"
	"strings"

	"minzheng"
	"minzheng/region"
)

// Opt is a field of a change: absent from the JSON means "leave as it is",
// present (even as null) means "set to this".
type Opt[T any] struct {
	Set bool
	V   T
}

// UnmarshalJSON marks the field as given.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		var zero T
		o.V = zero
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

// Set returns an Opt that sets v, for callers other than JSON.
func Set[T any](v T) Opt[T] { return Opt[T]{Set: true, V: v} }

// HouseholdChange changes a household's attributes from a date on.
type HouseholdChange struct {
	ValidFrom minzheng.Date `json:"valid_from"`
	Region    Opt[string]   `json:"region"`
	Area      Opt[string]   `json:"area"`
	Address   Opt[string]   `json:"address"`
	Status    Opt[string]   `json:"status"`
	Bank      Opt[*Bank]    `json:"bank"`
}

// Empty reports whether the change changes nothing.
func (c HouseholdChange) Empty() bool {
	return !c.Region.Set && !c.Area.Set && !c.Address.Set && !c.Status.Set && !c.Bank.Set
}

// Apply sets the changed fields on f.
func (c HouseholdChange) Apply(f *HouseholdFacts) {
	if c.Region.Set {
		f.Region = c.Region.V
	}
	if c.Area.Set {
		f.Area = c.Area.V
	}
	if c.Address.Set {
		f.Address = c.Address.V
	}
	if c.Status.Set {
		f.Status = c.Status.V
	}
	if c.Bank.Set {
		f.Bank = c.Bank.V
	}
}

// Check validates the change on day today and normalises its values.
func (c *HouseholdChange) Check(today minzheng.Date) error {
	if c.Empty() {
		return minzheng.Invalid("", "没有要修改的内容")
	}
	if c.ValidFrom.IsZero() {
		c.ValidFrom = today
	}
	if c.ValidFrom > today {
		return minzheng.Invalid("valid_from", "生效日期 %s 不能晚于今天", c.ValidFrom)
	}
	if c.Region.Set {
		code, level, err := region.Parse(strings.TrimSpace(c.Region.V))
		if err != nil || level != region.LevelVillage {
			return minzheng.Invalid("region", "家庭应登记到村（居）：请填 12 位村级区划代码")
		}
		c.Region.V = string(code)
	}
	if c.Area.Set {
		if err := checkCode(Areas, c.Area.V, "area", "城乡属性", false); err != nil {
			return err
		}
	}
	if c.Address.Set {
		c.Address.V = strings.TrimSpace(c.Address.V)
		if len([]rune(c.Address.V)) > 200 {
			return minzheng.Invalid("address", "地址不能超过 200 个字")
		}
	}
	if c.Status.Set {
		if err := checkCode(Statuses, c.Status.V, "status", "状态", false); err != nil {
			return err
		}
	}
	if c.Bank.Set {
		if err := checkBank(c.Bank.V, "bank"); err != nil {
			return err
		}
		if b := c.Bank.V; b != nil && *b == (Bank{}) {
			c.Bank.V = nil
		}
	}
	return nil
}

// PersonChange changes a person's dated attributes from a date on.
type PersonChange struct {
	ValidFrom      minzheng.Date      `json:"valid_from"`
	Name           Opt[string]        `json:"name"`
	Phone          Opt[string]        `json:"phone"`
	HukouRegion    Opt[string]        `json:"hukou_region"`
	Disability     Opt[*Disability]   `json:"disability"`
	SeriousIllness Opt[string]        `json:"serious_illness"`
	SelfCare       Opt[*SelfCare]     `json:"self_care"`
	Schooling      Opt[string]        `json:"schooling"`
	Employment     Opt[string]        `json:"employment"`
	Marital        Opt[string]        `json:"marital"`
	DeathDate      Opt[minzheng.Date] `json:"death_date"`
}

// Empty reports whether the change changes nothing.
func (c PersonChange) Empty() bool {
	return !c.Name.Set && !c.Phone.Set && !c.HukouRegion.Set && !c.Disability.Set && !c.SeriousIllness.Set &&
		!c.SelfCare.Set && !c.Schooling.Set && !c.Employment.Set && !c.Marital.Set && !c.DeathDate.Set
}

// Apply sets the changed fields on p.
func (c PersonChange) Apply(p *PersonFacts) {
	if c.Name.Set {
		p.Name = c.Name.V
	}
	if c.Phone.Set {
		p.Phone = c.Phone.V
	}
	if c.HukouRegion.Set {
		p.HukouRegion = c.HukouRegion.V
	}
	if c.Disability.Set {
		p.Disability = c.Disability.V
	}
	if c.SeriousIllness.Set {
		p.SeriousIllness = c.SeriousIllness.V
	}
	if c.SelfCare.Set {
		p.SelfCare = c.SelfCare.V
	}
	if c.Schooling.Set {
		p.Schooling = c.Schooling.V
	}
	if c.Employment.Set {
		p.Employment = c.Employment.V
	}
	if c.Marital.Set {
		p.Marital = c.Marital.V
	}
	if c.DeathDate.Set {
		p.DeathDate = c.DeathDate.V
	}
}

// Check validates the change for a person born on birth whose facts are
// now cur, on day today.
func (c *PersonChange) Check(cur PersonFacts, birth, today minzheng.Date) error {
	if c.Empty() {
		return minzheng.Invalid("", "没有要修改的内容")
	}
	if c.ValidFrom.IsZero() {
		c.ValidFrom = today
	}
	if c.ValidFrom > today {
		return minzheng.Invalid("valid_from", "生效日期 %s 不能晚于今天", c.ValidFrom)
	}
	if c.ValidFrom < birth {
		return minzheng.Invalid("valid_from", "生效日期 %s 早于出生日期", c.ValidFrom)
	}
	if c.Name.Set {
		c.Name.V = strings.TrimSpace(c.Name.V)
		if err := checkName(c.Name.V, "name"); err != nil {
			return err
		}
	}
	next := cur
	c.Apply(&next)
	if err := next.check(birth, today, ""); err != nil {
		return err
	}
	// check normalised some values (the hukou code, the assessment date).
	if c.HukouRegion.Set {
		c.HukouRegion.V = next.HukouRegion
	}
	if c.SelfCare.Set {
		c.SelfCare.V = next.SelfCare
	}
	if c.Phone.Set {
		c.Phone.V = next.Phone
	}
	return nil
}

// CheckMember validates one new member of an existing household, joining
// from validFrom, on day today.
func CheckMember(m NewMember, validFrom, today minzheng.Date) (NewMember, IDNumber, error) {
	if validFrom.IsZero() {
		validFrom = today
	}
	if validFrom > today {
		return m, "", minzheng.Invalid("valid_from", "生效日期 %s 不能晚于今天", validFrom)
	}
	m, id, err := checkMember(m, "", validFrom, today)
	if err == nil && validFrom < id.Birth() {
		err = minzheng.Invalid("valid_from", "%s生于 %s，入户日期 %s 不能早于此", m.Name, id.Birth(), validFrom)
	}
	return m, id, err
}

// later applies o to *dst in a version after the one the change starts in,
// unless that field changed since base (the value the change replaced): a
// later change of the same field wins. Once a field has changed, it is left
// alone in every version after too (*stopped).
func later[T any](o Opt[T], dst *T, base T, stopped *bool) {
	if !o.Set || *stopped {
		return
	}
	if !reflect.DeepEqual(*dst, base) {
		*stopped = true
		return
	}
	*dst = o.V
}

// HouseholdStops tracks, across the later versions, which fields of a
// household change have met a later change of their own.
type HouseholdStops [5]bool

// ApplyLater applies the change to a version after the one it starts in;
// base is the version it replaced at its start.
func (c HouseholdChange) ApplyLater(f *HouseholdFacts, base HouseholdFacts, s *HouseholdStops) {
	later(c.Region, &f.Region, base.Region, &s[0])
	later(c.Area, &f.Area, base.Area, &s[1])
	later(c.Address, &f.Address, base.Address, &s[2])
	later(c.Status, &f.Status, base.Status, &s[3])
	later(c.Bank, &f.Bank, base.Bank, &s[4])
}

// PersonStops tracks the fields of a person change that met a later change.
type PersonStops [10]bool

// ApplyLater applies the change to a version after the one it starts in.
func (c PersonChange) ApplyLater(p *PersonFacts, base PersonFacts, s *PersonStops) {
	later(c.Name, &p.Name, base.Name, &s[0])
	later(c.Phone, &p.Phone, base.Phone, &s[1])
	later(c.HukouRegion, &p.HukouRegion, base.HukouRegion, &s[2])
	later(c.Disability, &p.Disability, base.Disability, &s[3])
	later(c.SeriousIllness, &p.SeriousIllness, base.SeriousIllness, &s[4])
	later(c.SelfCare, &p.SelfCare, base.SelfCare, &s[5])
	later(c.Schooling, &p.Schooling, base.Schooling, &s[6])
	later(c.Employment, &p.Employment, base.Employment, &s[7])
	later(c.Marital, &p.Marital, base.Marital, &s[8])
	later(c.DeathDate, &p.DeathDate, base.DeathDate, &s[9])
}
