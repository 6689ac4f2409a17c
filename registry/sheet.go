package registry

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"minzheng"
)

// The import template: one row per person; consecutive rows with the same
// 户号 (a number of the file's own) are one household, the 户主 row first or
// not. Codes may be given as their Chinese names (户主, 肢体残疾, 务农 …) or as
// the code names of GLOSSARY.md.
var SheetColumns = []string{"户号", "村居代码", "城乡", "地址", "姓名", "身份证号", "与户主关系", "电话",
	"残疾类别", "残疾等级", "残疾证号", "重病", "就学", "就业", "婚姻", "月收入（元）", "收入类别",
	"开户银行", "银行账号", "户名"}

// column indexes in SheetColumns.
const (
	colKey = iota
	colRegion
	colArea
	colAddress
	colName
	colID
	colRelation
	colPhone
	colDisability
	colDisabilityLevel
	colCertificate
	colIllness
	colSchooling
	colEmployment
	colMarital
	colIncome
	colIncomeKind
	colBank
	colAccount
	colHolder
)

// RowError is one problem in an imported file, for the row-level report.
type RowError struct {
	Row    int    `json:"row"`    // the file's row number (the header is row 1)
	Column string `json:"column"` // the column's header
	Value  string `json:"value"`  // what the cell held (ID numbers masked)
	Why    string `json:"why"`    // Chinese
}

// Rows is what the sheet reader needs from a file: the xlsx package's
// Reader satisfies it.
type Rows interface {
	Header() []string
	Next() ([]string, error)
	Line() int
}

// SheetHousehold is one household read from a file, with the file row of
// each member.
type SheetHousehold struct {
	Key      string
	Rows     []int
	Cells    [][]string
	House    NewHousehold
	Problems []RowError // problems found while reading the cells
	overflow bool       // more rows than a household may have
}

// codeOf reads a cell as a code of l, accepting the Chinese name too.
func codeOf(l codeList, cell string) (string, bool) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return "", true
	}
	for _, c := range l {
		if c.Code == cell || c.Name == cell {
			return c.Code, true
		}
	}
	// Common short forms: 子 for 子女, 男/女 are not used here.
	for _, c := range l {
		if strings.HasPrefix(c.Name, cell) {
			return c.Code, true
		}
	}
	return "", false
}

// ReadSheet reads households from rows, calling fn for each household as
// soon as its rows are complete, so that a file of a million rows is never
// held in memory. Rows of one household must be consecutive.
func ReadSheet(rows Rows, fn func(SheetHousehold) error) error {
	seen := map[string]bool{}
	var cur *SheetHousehold
	flush := func() error {
		if cur == nil {
			return nil
		}
		seen[cur.Key] = true
		h := cur
		cur = nil
		return fn(*h)
	}
	lastBad := -1
	for {
		cells, err := rows.Next()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			// A row the reader could not read (bad encoding, too many
			// cells) is reported as that row's problem and reading goes
			// on; an error that does not move on to the next row ends it.
			e, ok := minzheng.AsError(err)
			if !ok || e.Code != minzheng.CodeInvalid || rows.Line() == lastBad {
				return err
			}
			lastBad = rows.Line()
			if err := flush(); err != nil {
				return err
			}
			bad := SheetHousehold{Key: "第" + strconv.Itoa(lastBad) + "行", Rows: []int{lastBad},
				Problems: []RowError{{Row: lastBad, Why: e.Message}}}
			if err := fn(bad); err != nil {
				return err
			}
			continue
		}
		line := rows.Line()
		if allBlank(cells) {
			continue
		}
		key := strings.TrimSpace(cells[colKey])
		if key == "" {
			key = "第" + strconv.Itoa(line) + "行"
		}
		if cur != nil && cur.Key != key {
			if err := flush(); err != nil {
				return err
			}
		}
		if cur == nil {
			cur = &SheetHousehold{Key: key}
			if seen[key] {
				cur.Problems = append(cur.Problems, RowError{Row: line, Column: SheetColumns[colKey], Value: key,
					Why: "同一户号的成员应连续排列，户号 " + key + " 在前面已经出现过"})
			}
			cur.House = NewHousehold{Region: cells[colRegion], Address: strings.TrimSpace(cells[colAddress])}
			if a, ok := codeOf(Areas, cells[colArea]); ok {
				cur.House.Area = a
			} else {
				cur.problem(line, colArea, cells[colArea], "城乡应为“城市”或“农村”")
			}
			if cells[colBank]+cells[colAccount]+cells[colHolder] != "" {
				cur.House.Bank = &Bank{Name: cells[colBank], Account: cells[colAccount], Holder: cells[colHolder]}
			}
		}
		if len(cur.Rows) >= MaxMembers {
			// A household of more than 30 rows is wrong, however many more
			// there are; they are counted, not kept.
			if !cur.overflow {
				cur.overflow = true
				cur.problem(line, colKey, key, fmt.Sprintf("一户最多 %d 位成员，户号 %s 从本行起的成员未读入", MaxMembers, key))
			}
			continue
		}
		if len(cur.Rows) > 0 {
			// The household's own cells may be repeated on its other rows,
			// or left blank there, but not contradicted.
			first := cur.Cells[0]
			for _, col := range []int{colRegion, colArea, colAddress, colBank, colAccount, colHolder} {
				if v := strings.TrimSpace(cells[col]); v != "" && v != strings.TrimSpace(first[col]) {
					cur.problem(line, col, cells[col], fmt.Sprintf("同一户的%s应与第 %d 行相同", SheetColumns[col], cur.Rows[0]))
				}
			}
		}
		cur.Rows = append(cur.Rows, line)
		cur.Cells = append(cur.Cells, append([]string(nil), cells...))
		cur.House.Members = append(cur.House.Members, cur.member(line, cells))
	}
}

func allBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (h *SheetHousehold) problem(line, col int, value, why string) {
	if col == colID || col == colAccount {
		value = minzheng.MaskID(value)
	}
	h.Problems = append(h.Problems, RowError{Row: line, Column: SheetColumns[col], Value: value, Why: why})
}

// member reads one person's row.
func (h *SheetHousehold) member(line int, c []string) NewMember {
	m := NewMember{IDNumber: c[colID]}
	m.Name, m.Phone = strings.TrimSpace(c[colName]), strings.TrimSpace(c[colPhone])
	code := func(l codeList, col int, what string) string {
		v, ok := codeOf(l, c[col])
		if !ok {
			h.problem(line, col, c[col], fmt.Sprintf("%s“%s”不对", what, c[col]))
		}
		return v
	}
	m.Relation = code(Relations, colRelation, "与户主关系")
	if cat := code(DisabilityCategories, colDisability, "残疾类别"); cat != "" {
		lv, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(c[colDisabilityLevel]), "级"))
		if err != nil {
			h.problem(line, colDisabilityLevel, c[colDisabilityLevel], "残疾等级应为 1 到 4")
		}
		m.Disability = &Disability{Category: cat, Level: lv, Certificate: strings.TrimSpace(c[colCertificate])}
	}
	m.SeriousIllness = strings.TrimSpace(c[colIllness])
	m.Schooling = code(Schoolings, colSchooling, "就学阶段")
	m.Employment = code(Employments, colEmployment, "就业状况")
	m.Marital = code(Maritals, colMarital, "婚姻状况")
	if v := strings.TrimSpace(c[colIncome]); v != "" {
		amount, err := minzheng.ParseYuan(v)
		if err != nil {
			h.problem(line, colIncome, v, err.Error())
		} else if amount < 0 {
			h.problem(line, colIncome, v, "收入金额不能为负数")
		} else if amount > 0 {
			kind := code(IncomeKinds, colIncomeKind, "收入类别")
			if kind == "" {
				kind = "other"
			}
			m.Incomes = []Income{{Kind: kind, Amount: amount, Period: "month"}}
		}
	}
	return m
}

// ErrorAt turns a validation error of the household into a row error: the
// field's member index picks the row, its name the column.
func (h SheetHousehold) ErrorAt(err error) RowError {
	e, ok := minzheng.AsError(err)
	if !ok {
		return RowError{Row: h.Rows[0], Why: "系统内部错误"}
	}
	row, col := h.Rows[0], ""
	var i int
	if n, _ := fmt.Sscanf(e.Field, "members[%d]", &i); n == 1 && i >= 0 && i < len(h.Rows) {
		row = h.Rows[i]
	} else {
		i = 0
	}
	name := e.Field[strings.LastIndex(e.Field, ".")+1:]
	if c, ok := map[string]string{"bank.name": "开户银行", "bank.account": "银行账号", "bank.holder": "户名"}[e.Field]; ok {
		name, col = "", c
	}
	if name != "" {
		col = map[string]string{"region": "村居代码", "area": "城乡", "address": "地址", "name": "姓名", "id_number": "身份证号",
			"relation": "与户主关系", "phone": "电话", "category": "残疾类别", "level": "残疾等级", "certificate": "残疾证号",
			"serious_illness": "重病", "schooling": "就学", "employment": "就业", "marital": "婚姻", "amount": "月收入（元）",
			"kind": "收入类别", "account": "银行账号", "holder": "户名", "members": "与户主关系"}[name]
	}
	value := ""
	for j, c := range SheetColumns {
		if c == col && i < len(h.Cells) && j < len(h.Cells[i]) {
			value = h.Cells[i][j]
			if c == "身份证号" || c == "银行账号" {
				value = minzheng.MaskID(value)
			}
		}
	}
	return RowError{Row: row, Column: col, Value: value, Why: e.Message}
}

// SheetRow is one person as a row of the export (and import) sheet.
func SheetRow(key string, hh HouseholdFacts, m Member, id string) []string {
	row := make([]string, len(SheetColumns))
	row[colKey] = key
	row[colRegion] = hh.Region
	row[colArea] = Areas.Name(hh.Area)
	row[colAddress] = hh.Address
	row[colName] = m.Name
	row[colID] = id
	row[colRelation] = Relations.Name(m.Relation)
	row[colPhone] = m.Phone
	if d := m.Disability; d != nil {
		row[colDisability] = DisabilityCategories.Name(d.Category)
		row[colDisabilityLevel] = strconv.Itoa(d.Level)
	}
	row[colIllness] = m.SeriousIllness
	if m.Schooling != "" {
		row[colSchooling] = Schoolings.Name(m.Schooling)
	}
	if m.Employment != "" {
		row[colEmployment] = Employments.Name(m.Employment)
	}
	if m.Marital != "" {
		row[colMarital] = Maritals.Name(m.Marital)
	}
	var total minzheng.Fen
	for _, in := range m.Incomes {
		total += in.Monthly()
	}
	if total > 0 {
		row[colIncome] = total.Yuan()
		if len(m.Incomes) == 1 {
			row[colIncomeKind] = IncomeKinds.Name(m.Incomes[0].Kind)
		}
	}
	if b := hh.Bank; b != nil {
		row[colBank], row[colAccount], row[colHolder] = b.Name, minzheng.MaskAccount(b.Account), b.Holder
	}
	return row
}

// Rows is h as rows of the import sheet, under the file's household key.
func (h NewHousehold) Rows(key string) [][]string {
	out := make([][]string, len(h.Members))
	facts := HouseholdFacts{Region: h.Region, Area: h.Area, Address: h.Address, Bank: h.Bank}
	for i, m := range h.Members {
		mem := Member{Relation: m.Relation, PersonFacts: m.PersonFacts, Incomes: m.Incomes}
		row := SheetRow(key, facts, mem, m.IDNumber)
		if b := h.Bank; b != nil {
			row[colAccount] = b.Account // the file carries the whole number
		}
		if d := m.Disability; d != nil {
			row[colCertificate] = d.Certificate
		}
		out[i] = row
	}
	return out
}
