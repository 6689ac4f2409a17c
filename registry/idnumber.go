package registry

import (
	"strings"
	"time"
	"unicode/utf8"

	"minzheng"
)

// IDNumber is a resident identity card number (居民身份证号码, GB 11643-1999),
// always 18 characters with an upper-case check character. 15-digit numbers
// of the first-generation cards are upgraded when parsed.
type IDNumber string

// checkWeights are GB 11643-1999's weights for the first 17 digits
// (2^(18-i) mod 11), and checkChars the check character for sum mod 11.
var checkWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// checkChar computes the check character of the first 17 digits.
func checkChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * checkWeights[i]
	}
	return checkChars[sum%11]
}

// ParseIDNumber validates s as an ID number and returns it in its 18-digit
// form: the check digit per GB 11643-1999 (lower-case x accepted), a real
// birth date not after today, and — for a 15-digit number — the upgrade to
// 18 digits (century 19 inserted, check digit computed). field names the
// input for the error.
func ParseIDNumber(s string, today minzheng.Date, field string) (IDNumber, error) {
	s = strings.TrimSpace(s)
	// Lengths count characters, not bytes: 5 Chinese characters are 5.
	if n := utf8.RuneCountInString(s); n != 15 && n != 18 {
		return "", minzheng.Invalid(field, "身份证号应为 18 位（或旧的 15 位），现为 %d 位", n)
	} else if n != len(s) {
		return "", minzheng.Invalid(field, "身份证号应为 18 位数字（最后一位可为 X），其中有非数字的字符")
	}
	switch len(s) {
	case 15:
		if !allDigits(s) {
			return "", minzheng.Invalid(field, "身份证号 %s 格式不对：15 位号码应全为数字", mask(s))
		}
		// First-generation cards (until 1999) carry a two-digit year of the 1900s.
		s17 := s[:6] + "19" + s[6:]
		s = s17 + string(checkChar(s17))
	case 18:
		if !allDigits(s[:17]) || !strings.ContainsRune("0123456789Xx", rune(s[17])) {
			return "", minzheng.Invalid(field, "身份证号 %s 格式不对：应为 17 位数字加 1 位数字或 X", mask(s))
		}
		s = s[:17] + strings.ToUpper(s[17:])
		if checkChar(s[:17]) != s[17] {
			return "", minzheng.Invalid(field, "身份证号 %s 的校验位不对，请核对号码", mask(s))
		}
	default:
		return "", minzheng.Invalid(field, "身份证号应为 18 位（或旧的 15 位），现为 %d 位", len([]rune(s)))
	}
	if s[:2] < "11" || s[:2] > "82" {
		return "", minzheng.Invalid(field, "身份证号 %s 的前两位不是省级区划代码", mask(s))
	}
	birth, err := minzheng.ParseDate(s[6:10] + "-" + s[10:12] + "-" + s[12:14])
	if err != nil || birth.Year() < 1890 {
		return "", minzheng.Invalid(field, "身份证号 %s 中的出生日期 %s 不存在", mask(s), s[6:14])
	}
	if !today.IsZero() && birth > today {
		return "", minzheng.Invalid(field, "身份证号 %s 中的出生日期 %s 晚于今天", mask(s), birth)
	}
	return IDNumber(s), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// mask is what an error message may show of a number: never all of it.
func mask(s string) string { return minzheng.MaskID(s) }

// Birth is the birth date the number carries.
func (n IDNumber) Birth() minzheng.Date {
	s := string(n)
	y := atoi(s[6:10])
	m := atoi(s[10:12])
	d := atoi(s[12:14])
	return minzheng.NewDate(y, time.Month(m), d)
}

// Sex is "male" or "female": the 17th digit is odd for men.
func (n IDNumber) Sex() string {
	if (n[16]-'0')%2 == 1 {
		return SexMale
	}
	return SexFemale
}

// County is the 6-digit code of the county that issued the number.
func (n IDNumber) County() string { return string(n[:6]) }

// Masked is the number as shown to those who may not see it.
func (n IDNumber) Masked() string { return minzheng.MaskID(string(n)) }

// Suffix is the number's last k characters, for searching by them.
func (n IDNumber) Suffix(k int) string { return string(n[len(n)-k:]) }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Age is the age in whole years on day d of someone born on birth.
func Age(birth, d minzheng.Date) int {
	by, bm, bd := birth.YMD()
	y, m, dd := d.YMD()
	age := y - by
	if m < bm || (m == bm && dd < bd) {
		age--
	}
	return age
}

// NewIDNumber builds a valid number from a county code, a birth date and a
// sequence (0–999; odd for a man). The synthetic data and tests use it.
func NewIDNumber(county string, birth minzheng.Date, seq int) IDNumber {
	y, m, d := birth.YMD()
	s17 := county + pad(y, 4) + pad(int(m), 2) + pad(d, 2) + pad(seq%1000, 3)
	return IDNumber(s17 + string(checkChar(s17)))
}

func pad(n, w int) string {
	b := make([]byte, w)
	for i := w - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}
