package minzheng

import "strings"

// MaskID shows an ID number as its first six and last four characters
// (370614********123X), the form every display, log and export uses unless
// the viewer's role may see it whole. Anything too short to mask that way is
// hidden entirely.
func MaskID(s string) string {
	r := []rune(s)
	if len(r) < 11 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskPhone keeps a phone number's first three and last four digits.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskAccount keeps a bank account number's last four digits.
func MaskAccount(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

// sensitiveKeys are the field names whose values are masked wherever a
// record is written out generically (audit before/after values, logs).
var sensitiveKeys = map[string]func(string) string{
	"id_number":    MaskID,
	"phone":        MaskPhone,
	"bank_account": MaskAccount,
	"account":      MaskAccount,
}

// MaskField masks value if key names sensitive data, and returns it as it is
// otherwise. Keys ending in _id_number, _phone or _account count too.
func MaskField(key, value string) string {
	if f, ok := sensitiveKeys[key]; ok {
		return f(value)
	}
	for k, f := range sensitiveKeys {
		if strings.HasSuffix(key, "_"+k) {
			return f(value)
		}
	}
	return value
}
