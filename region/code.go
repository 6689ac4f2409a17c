// Package region holds China's five-level division codes (统计用区划代码), the
// tree they form, and data scope: an actor bound to a region sees that region
// and everything below it (属地管理), nothing else.
//
//	province 37            山东省
//	└ city 3706            烟台市
//	  └ county 370614      蓬莱区
//	    └ township 370614107    大辛店镇
//	      └ village 370614107201 (12 digits)
//
// Codes are kept as 12-digit strings, so a subtree is a prefix
// (region_code LIKE '370614%'). A handful of real codes pad to the same 12
// digits as their parent (东莞市 4419 and its county 441900, 金门县 350527 and
// its township 350527000); regions are therefore keyed by code and level, and
// a bare 12-digit code is read as the shallowest level it can be. Their
// subtrees are the same either way, so scope is unaffected.
package region

import (
	"encoding/json"
	"strings"

	"minzheng"
)

// Level is one of the five levels of the tree.
type Level int8

// The five levels, from the top.
const (
	LevelProvince Level = 1 + iota
	LevelCity
	LevelCounty
	LevelTownship
	LevelVillage
)

var levelNames = [...]string{"", "province", "city", "county", "township", "village"}

// levelDigits is how many leading digits of the 12 identify a region of each level.
var levelDigits = [...]int{0, 2, 4, 6, 9, 12}

var levelChinese = [...]string{"", "省", "市", "县", "乡镇", "村"}

// String is the level's code name: province, city, county, township, village.
func (l Level) String() string {
	if l < LevelProvince || l > LevelVillage {
		return ""
	}
	return levelNames[l]
}

// Chinese is the level's name on screen: 省, 市, 县, 乡镇, 村.
func (l Level) Chinese() string {
	if l < LevelProvince || l > LevelVillage {
		return ""
	}
	return levelChinese[l]
}

// Digits is how many leading digits identify a region of this level.
func (l Level) Digits() int { return levelDigits[l] }

// ParseLevel reads a level's code name.
func ParseLevel(s string) (Level, error) {
	for l := LevelProvince; l <= LevelVillage; l++ {
		if levelNames[l] == s {
			return l, nil
		}
	}
	return 0, minzheng.Invalid("level", "区划级别 %q 不存在，应为 province、city、county、township 或 village", s)
}

// MarshalJSON writes the level's code name.
func (l Level) MarshalJSON() ([]byte, error) { return json.Marshal(l.String()) }

// Code is a region code padded to 12 digits. The empty Code is the whole
// country: the region of national accounts.
type Code string

// Country is the root of the tree, above the provinces.
const Country Code = ""

// Parse reads a region code given as 2, 4, 6, 9 or 12 digits and returns it
// padded to 12 with the level it names. The level of a shorter code is its
// length's; that of a 12-digit code the shallowest its trailing zeros allow.
func Parse(s string) (Code, Level, error) {
	var l Level
	switch len(s) {
	case 2:
		l = LevelProvince
	case 4:
		l = LevelCity
	case 6:
		l = LevelCounty
	case 9:
		l = LevelTownship
	case 12:
	default:
		return "", 0, minzheng.Invalid("code", "区划代码 %q 格式不对，应为 2、4、6、9 或 12 位数字", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", 0, minzheng.Invalid("code", "区划代码 %q 格式不对，应为 2、4、6、9 或 12 位数字", s)
		}
	}
	c := Code(s + strings.Repeat("0", 12-len(s)))
	if l == 0 {
		l = c.Level()
	}
	return c, l, nil
}

// ParseScope reads an optional region filter typed into a form or query:
// blank is the whole country, anything else (spaces trimmed) must parse.
func ParseScope(s string) (Code, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Country, nil
	}
	c, _, err := Parse(s)
	return c, err
}

// Level is the shallowest level the code can name: the one its trailing
// zeros allow. Country has level 0.
func (c Code) Level() Level {
	if c == Country {
		return 0
	}
	for l := LevelProvince; l < LevelVillage; l++ {
		if strings.Trim(string(c[levelDigits[l]:]), "0") == "" {
			return l
		}
	}
	return LevelVillage
}

// Prefix is the leading digits that identify the code's subtree: "370614"
// for 蓬莱区, "" for the country. Every code below c starts with it.
func (c Code) Prefix() string {
	if c == Country {
		return ""
	}
	return string(c[:c.Level().Digits()])
}

// Contains reports whether other lies in c's subtree (c itself included).
func (c Code) Contains(other Code) bool {
	return strings.HasPrefix(string(other), c.Prefix())
}

// Ancestor is the code of the region of level l above (or at) c.
func (c Code) Ancestor(l Level) Code {
	if l < LevelProvince {
		return Country
	}
	d := levelDigits[l]
	return Code(string(c[:d]) + strings.Repeat("0", 12-d))
}

// Parent is the code of the parent of the region (c, l); Country for a province.
func Parent(c Code, l Level) Code { return c.Ancestor(l - 1) }

// Short is the code without the padding its level adds: "370614" for 蓬莱区.
func Short(c Code, l Level) string {
	if c == Country {
		return ""
	}
	return string(c[:l.Digits()])
}

// Narrow applies data scope to a list filter. A filter inside the actor's
// region stands; none, or one wider than the region, is narrowed to the
// region; one wholly outside it is refused with ErrForbidden, so the caller
// can audit the attempt.
func Narrow(actorRegion, filter Code) (Code, error) {
	switch {
	case filter == Country || filter.Contains(actorRegion):
		return actorRegion, nil
	case actorRegion.Contains(filter):
		return filter, nil
	}
	return "", minzheng.ErrForbidden
}

// ActorRegion is the region an actor is bound to (Country for national
// accounts and the system).
func ActorRegion(a minzheng.Actor) Code { return Code(a.Region) }

// Region is one node of the tree.
type Region struct {
	Code   Code
	Name   string
	Level  Level
	Parent Code // Country for a province
}

// Attributes are the settings an administrator gives a region for the rules
// of later work: the default area (urban/rural standard) of its households and
// the hardship class of remote areas (艰苦边远地区类别, 1–6). Zero values mean
// "not set here": the nearest ancestor's value applies.
type Attributes struct {
	Area          string // "", AreaUrban or AreaRural
	HardshipClass int    // 0 (not set) or 1–6
}

// The two areas: which of the urban and rural standards applies.
const (
	AreaUrban = "urban"
	AreaRural = "rural"
)

// Validate checks an administrator's attributes.
func (a Attributes) Validate() error {
	if a.Area != "" && a.Area != AreaUrban && a.Area != AreaRural {
		return minzheng.Invalid("area", "城乡属性 %q 不对，应为 urban（城市）或 rural（农村），或留空沿用上级", a.Area)
	}
	if a.HardshipClass < 0 || a.HardshipClass > 6 {
		return minzheng.Invalid("hardship_class", "艰苦边远地区类别应为 1 到 6 类，或留空沿用上级")
	}
	return nil
}

// AreaFromName guesses a village's area from its name when no administrator
// has set one: a 居民委员会 or 社区 is urban, a 村民委员会, 嘎查 or 村 rural.
// Other names (生活区, 管理区 …) and the levels above the village get no
// guess: an administrator sets them.
func AreaFromName(l Level, name string) string {
	if l != LevelVillage {
		return ""
	}
	switch {
	case strings.Contains(name, "居民委员会") || strings.Contains(name, "居委会") || strings.Contains(name, "社区"):
		return AreaUrban
	case strings.Contains(name, "村民委员会") || strings.Contains(name, "村委会") ||
		strings.Contains(name, "嘎查") || strings.HasSuffix(name, "村"):
		return AreaRural
	}
	return ""
}
