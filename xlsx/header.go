package xlsx

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"minzheng"
)

// CheckHeader compares a file's header with the columns an import expects,
// in order, and returns nil when they match. Trailing empty cells of got
// are ignored, and so are spaces anywhere in a name, the difference between
// full-width and half-width forms ("联系电话（手机）" matches
// "联系电话(手机)") and the case of Latin letters, which a clerk hardly sees
// on screen. Anything else gives
// an invalid *minzheng.Error with Field "header" whose message lists the
// expected columns and says which are missing, which are unexpected, or,
// when all are there, the first one out of place: enough for a clerk to fix
// the sheet without asking anyone.
//
// A caller that has checked the header may take data cells by position.
func CheckHeader(got, want []string) error {
	n := len(got)
	for n > 0 && headerKey(got[n-1]) == "" {
		n--
	}
	got = got[:n]
	if len(got) == len(want) {
		same := true
		for i := range got {
			if headerKey(got[i]) != headerKey(want[i]) {
				same = false
				break
			}
		}
		if same {
			return nil
		}
	}

	// Missing and unexpected names, counted as multisets so that a
	// duplicated column shows up as unexpected.
	left := map[string]int{}
	for _, w := range want {
		left[headerKey(w)]++
	}
	var extra []string
	for i, g := range got {
		k := headerKey(g)
		if left[k] > 0 {
			left[k]--
			continue
		}
		if k == "" {
			extra = append(extra, fmt.Sprintf("第 %d 列（%s 列，没有列名）", i+1, columnName(i+1)))
		} else {
			extra = append(extra, "“"+strings.TrimSpace(g)+"”")
		}
	}
	var missing []string
	for _, w := range want {
		k := headerKey(w)
		if left[k] > 0 {
			left[k]--
			missing = append(missing, "“"+w+"”")
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "表头与导入模板不一致。模板共 %d 列，依次为：%s。", len(want), strings.Join(want, "、"))
	if len(missing) > 0 {
		fmt.Fprintf(&b, "缺少：%s。", strings.Join(missing, "、"))
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, "多出：%s。", strings.Join(extra, "、"))
	}
	if len(missing) == 0 && len(extra) == 0 {
		for i := range want {
			if headerKey(got[i]) != headerKey(want[i]) {
				fmt.Fprintf(&b, "列的顺序不对：第 %d 列（%s 列）应为“%s”，文件中是“%s”。", i+1, columnName(i+1), want[i], strings.TrimSpace(got[i]))
				break
			}
		}
	}
	b.WriteString("请按模板修改表头后再导入。")
	return minzheng.Invalid("header", "%s", b.String())
}

// headerKey is the form in which header names are compared: without spaces
// (ordinary, full-width or no-break, which a clerk cannot see on screen)
// and with full-width letters, digits and brackets folded to half-width,
// Latin letters in lower case.
func headerKey(s string) string {
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		if isTrimmed(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}
