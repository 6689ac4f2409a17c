package xlsx

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minzheng"
)

// The Reader's own XML scanner is held to what excelize's row iterator
// returns with RawCellValue, which the Reader used before: the same cells
// for every row, and through the Reader the same header, rows, row numbers
// and errors.

// excelizeSheet reads a sheet through excelize's row iterator, as the
// Reader did before it had its own scanner: the reference for the tests
// and the "before" of the benchmarks.
type excelizeSheet struct {
	book  *excelize.File
	rows  *excelize.Rows
	sheet string
	row   int // rows the iterator has passed, blank ones included
}

// openExcelize is Open for a workbook, through excelizeSheet.
func openExcelize(path string) (*Reader, error) {
	book, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnzipBytes})
	if err != nil {
		if book != nil {
			book.Close()
		}
		return nil, notWorkbook(err)
	}
	sheets := book.GetSheetList()
	if len(sheets) == 0 {
		book.Close()
		return nil, minzheng.Invalid("file", msgNotSpreadsheet)
	}
	rows, err := book.Rows(sheets[0])
	if err != nil {
		book.Close()
		return nil, notWorkbook(err)
	}
	r := &Reader{path: path, format: FormatXLSX, xl: &excelizeSheet{book: book, rows: rows, sheet: sheets[0]}}
	if props, err := book.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.date1904 = *props.Date1904
	}
	if err := r.readHeader(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (s *excelizeSheet) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			if errors.Is(err, excelize.ErrMaxRows) {
				return nil, 0, tooManyRows()
			}
			return nil, 0, notWorkbook(err)
		}
		return nil, 0, io.EOF
	}
	// Next advances one row number at a time, returning an empty row for
	// each row the sheet leaves out, so counting calls counts rows.
	s.row++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, broken(s.row, err)
	}
	return cells, s.row, nil
}

func (s *excelizeSheet) estimate() int {
	dim, err := s.book.GetSheetDimension(s.sheet)
	if err != nil {
		return 0
	}
	_, last, ok := strings.Cut(dim, ":")
	if !ok {
		return 0
	}
	_, row, err := excelize.CellNameToCoordinates(last)
	if err != nil {
		return 0
	}
	return max(0, row-1)
}

func (s *excelizeSheet) close() error {
	err := s.rows.Close()
	if errors.Is(err, excelize.ErrMaxRows) {
		err = nil
	}
	if e := s.book.Close(); e != nil && err == nil {
		err = e
	}
	return err
}

// rawRow is a row as the sheet holds it: its number and its cells, as
// stored, without trailing empty cells.
type rawRow struct {
	Row   int
	Cells []string
}

func (r rawRow) String() string { return fmt.Sprintf("%d:%q", r.Row, r.Cells) }

func nonEmpty(row int, cells []string) (rawRow, bool) {
	n := len(cells)
	for n > 0 && cells[n-1] == "" {
		n--
	}
	return rawRow{row, cells[:n:n]}, n > 0
}

// scanRaw reads the first sheet's rows with the scanner.
func scanRaw(t *testing.T, path string) []rawRow {
	t.Helper()
	r, err := openXLSX(path)
	if err != nil {
		t.Fatalf("openXLSX: %v", err)
	}
	defer r.Close()
	var out []rawRow
	for {
		cells, row, err := r.xl.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("scanner, after %v: %v", out[max(0, len(out)-1):], err)
		}
		if rr, ok := nonEmpty(row, cells); ok {
			out = append(out, rr)
		}
	}
}

// excelizeRaw reads them with excelize's GetRows.
func excelizeRaw(t *testing.T, path string) []rawRow {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("excelize GetRows: %v", err)
	}
	var out []rawRow
	for i, cells := range rows {
		if rr, ok := nonEmpty(i+1, cells); ok {
			out = append(out, rr)
		}
	}
	return out
}

// readerResult is everything a caller sees of a Reader.
type readerResult struct {
	Header   []string
	Rows     [][]string
	Lines    []int // negative for a row error
	Errs     []string
	End      string // the error that ended reading, if not io.EOF
	Date1904 bool
}

func readWith(t *testing.T, open func(string) (*Reader, error), path string) readerResult {
	t.Helper()
	r, err := open(path)
	if err != nil {
		return readerResult{End: "Open: " + err.Error()}
	}
	defer r.Close()
	res := readerResult{Header: r.Header(), Date1904: r.date1904}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return res
		}
		if e, ok := minzheng.AsError(err); ok && e.Field == "file" && strings.Contains(e.Message, "表头只有") {
			res.Errs = append(res.Errs, e.Message)
			res.Lines = append(res.Lines, -r.Line())
			continue
		}
		if err != nil {
			res.End = err.Error()
			return res
		}
		res.Rows = append(res.Rows, row)
		res.Lines = append(res.Lines, r.Line())
	}
}

// sameAsExcelize checks the scanner against excelize on the workbook at
// path, row by row and through the Reader, and returns the raw rows.
func sameAsExcelize(t *testing.T, path string) []rawRow {
	t.Helper()
	got, want := scanRaw(t, path), excelizeRaw(t, path)
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			var g, w rawRow
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("first difference, row %d of %d:\nscanner  %v\nexcelize %v", i, len(want), g, w)
				break
			}
		}
	}
	gr, wr := readWith(t, Open, path), readWith(t, openExcelize, path)
	if !reflect.DeepEqual(gr, wr) {
		t.Errorf("through the Reader:\nscanner  %+v\nexcelize %+v", gr, wr)
	}
	return got
}

// excelizeBook saves a workbook built with excelize's ordinary API, which
// writes text as shared strings.
func excelizeBook(t *testing.T, build func(f *excelize.File, s string)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, "Sheet1")
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestScannerMatchesExcelize(t *testing.T) {
	long := strings.Repeat("长", maxCellChars)
	cases := []struct {
		name string
		path func(t *testing.T) string
		want []rawRow // if set, the rows expected besides
	}{
		{"共享字符串", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{"姓名", "身份证号", "备注"}))
				must(t, f.SetSheetRow(s, "A2", &[]any{"张三", "11010519491231002X", "户主"}))
				must(t, f.SetSheetRow(s, "A3", &[]any{"李四", "370614198001011234", "张三"}))
			})
		}, []rawRow{{1, []string{"姓名", "身份证号", "备注"}}, {2, []string{"张三", "11010519491231002X", "户主"}}, {3, []string{"李四", "370614198001011234", "张三"}}}},
		{"数字", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{"整数", "小数", "负数", "大数", "浮点噪声", "科学计数"}))
				must(t, f.SetSheetRow(s, "A2", &[]any{42, 1234.5, -3.25, int64(370614198001011234), 0.1 + 0.2, 1.10101199001011e17}))
				must(t, f.SetCellFloat(s, "A3", 3.14159, 2, 64))
				must(t, f.SetCellDefault(s, "B3", "14814.720000000001"))
				must(t, f.SetCellInt(s, "C3", 0))
			})
		}, nil},
		{"日期", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetCellValue(s, "A1", "出生日期"))
				must(t, f.SetCellValue(s, "A2", time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)))
				must(t, f.SetCellValue(s, "A3", time.Date(1949, 10, 1, 15, 30, 0, 0, time.UTC)))
			})
		}, []rawRow{{1, []string{"出生日期"}}, {2, []string{"45296"}}, {3, []string{"18172.645833333332"}}}},
		{"布尔值", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{"是", "否"}))
				must(t, f.SetSheetRow(s, "A2", &[]any{true, false}))
			})
		}, []rawRow{{1, []string{"是", "否"}}, {2, []string{"1", "0"}}}},
		{"公式", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{1, 2, "合计"}))
				must(t, f.SetCellFormula(s, "C2", "=A1+B1"))
				must(t, f.SetCellFormula(s, "D2", `=A1&"元"`))
				must(t, f.SetCellValue(s, "E2", "有值"))
			})
		}, nil},
		{"富文本", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetCellValue(s, "A1", "备注"))
				must(t, f.SetCellRichText(s, "A2", []excelize.RichTextRun{
					{Text: "低保"}, {Text: "（重点）", Font: &excelize.Font{Bold: true, Color: "FF0000"}}, {Text: " 尾 "}}))
			})
		}, []rawRow{{1, []string{"备注"}}, {2, []string{"低保（重点） 尾 "}}}},
		{"中间的空单元格", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetCellValue(s, "A1", "甲"))
				must(t, f.SetCellValue(s, "C1", "丙"))
				must(t, f.SetCellValue(s, "B2", ""))
				must(t, f.SetCellValue(s, "D2", "丁"))
				st, _ := f.NewStyle(&excelize.Style{NumFmt: numFmtText})
				must(t, f.SetCellStyle(s, "A3", "F3", st))
				must(t, f.SetCellValue(s, "E3", "戊"))
			})
		}, []rawRow{{1, []string{"甲", "", "丙"}}, {2, []string{"", "", "", "丁"}}, {3, []string{"", "", "", "", "戊"}}}},
		{"稀疏的行", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetCellValue(s, "A1", "表头"))
				must(t, f.SetCellValue(s, "A2", "第二行"))
				must(t, f.SetCellValue(s, "B5", "第五行"))
				must(t, f.SetRowHeight(s, 7, 30))
				must(t, f.SetCellValue(s, "A1000", "第一千行"))
			})
		}, []rawRow{{1, []string{"表头"}}, {2, []string{"第二行"}}, {5, []string{"", "第五行"}}, {1000, []string{"第一千行"}}}},
		{"前后空格和换行", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{"  前后有空格  ", "\t制表符", "全角\u3000", "第一行\n第二行", "回车\r\n换行", "单独\r回车"}))
			})
		}, nil},
		{"实体和引号", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{`<&>"'`, "a&amp;b", "&#20013;", "]]>", "<![CDATA[x]]>"}))
			})
		}, []rawRow{{1, []string{`<&>"'`, "a&amp;b", "&#20013;", "]]>", "<![CDATA[x]]>"}}}},
		{"下划线转义", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{"_x0041_", "a_x005F_b", "_x00", "控制\x01字符", "x_x000D_y"}))
			})
		}, nil},
		{"生僻字和表情", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetSheetRow(s, "A1", &[]any{"𠀀", "😀", "喆", "䶮"}))
			})
		}, nil},
		{"身份证号和账号作文本", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				st, _ := f.NewStyle(&excelize.Style{NumFmt: numFmtText})
				must(t, f.SetCellStr(s, "A1", "370614198001011234"))
				must(t, f.SetCellStr(s, "B1", "6222020200112233445"))
				must(t, f.SetCellStr(s, "C1", "0012"))
				must(t, f.SetCellStyle(s, "A1", "C1", st))
			})
		}, []rawRow{{1, []string{"370614198001011234", "6222020200112233445", "0012"}}}},
		{"远处的列", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetCellValue(s, "A1", "A"))
				must(t, f.SetCellValue(s, "AA1", "AA"))
				must(t, f.SetCellValue(s, "XFD1", "XFD"))
			})
		}, nil},
		{"最长的单元格", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				must(t, f.SetCellValue(s, "A1", "备注"))
				must(t, f.SetCellValue(s, "A2", long))
			})
		}, []rawRow{{1, []string{"备注"}}, {2, []string{long}}}},
		{"流式写入的各种值", func(t *testing.T) string {
			f := excelize.NewFile()
			defer f.Close()
			sw, err := f.NewStreamWriter("Sheet1")
			must(t, err)
			must(t, sw.SetRow("A1", []any{"文本", "整数", "小数", "布尔", "日期", "空", "公式"}))
			must(t, sw.SetRow("A2", []any{"张三", 7, 2.5, true, time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), nil, excelize.Cell{Formula: "B2*2"}}))
			must(t, sw.SetRow("A4", []any{" 空格 ", -1, 1e-7, false, "", nil, excelize.Cell{Formula: "C2", Value: 2.5}}))
			must(t, sw.Flush())
			path := filepath.Join(t.TempDir(), "stream.xlsx")
			must(t, f.SaveAs(path))
			return path
		}, nil},
		{"我们的Writer", func(t *testing.T) string {
			return writeFile(t, FormatXLSX, testHeader, testRows)
		}, nil},
		{"我们的Writer的登记表", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "registry.xlsx")
			writeRows(t, path, FormatXLSX, wideHeader, newWideRows(3), 1500)
			return path
		}, nil},
		{"Excel保存的登记表", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "excel.xlsx")
			excelBook(t, path, newRegistryRows(5), 1500)
			return path
		}, nil},
		{"第一个工作表不是sheet1", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				_, err := f.NewSheet("名单")
				must(t, err)
				must(t, f.SetCellValue("名单", "A1", "名单里的"))
				must(t, f.SetCellValue(s, "A1", "删掉的"))
				must(t, f.DeleteSheet(s))
				_, err = f.NewSheet("说明")
				must(t, err)
				must(t, f.SetCellValue("说明", "A1", "不应读到"))
			})
		}, []rawRow{{1, []string{"名单里的"}}}},
		{"1904日期系统", func(t *testing.T) string {
			return excelizeBook(t, func(f *excelize.File, s string) {
				yes := true
				must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
				must(t, f.SetCellValue(s, "A1", "日期"))
				must(t, f.SetCellValue(s, "A2", 43834))
			})
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path(t)
			got := sameAsExcelize(t, path)
			if len(got) == 0 {
				t.Error("no rows")
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rows = %v\nwant   %v", got, tc.want)
			}
		})
	}
}

// TestScannerMatchesExcelizeRandom compares many random workbooks: rows
// and cells left out at random, values of every kind written both ways.
func TestScannerMatchesExcelizeRandom(t *testing.T) {
	g := newWideRows(11)
	for seed := range 12 {
		t.Run("随机工作簿"+strconv.Itoa(seed), func(t *testing.T) {
			path := excelizeBook(t, func(f *excelize.File, s string) {
				rng := g.rng
				for row := 1; row <= 60; row++ {
					if rng.IntN(4) == 0 {
						continue
					}
					vals := g.next()
					for col, v := range vals {
						if rng.IntN(5) == 0 {
							continue
						}
						cell, _ := excelize.CoordinatesToCellName(col+1, row)
						var err error
						switch rng.IntN(8) {
						case 0:
							err = f.SetCellValue(s, cell, rng.Float64()*1e6)
						case 1:
							err = f.SetCellValue(s, cell, rng.IntN(2) == 0)
						case 2:
							err = f.SetCellRichText(s, cell, []excelize.RichTextRun{{Text: v}, {Text: " & <" + v + ">", Font: &excelize.Font{Italic: true}}})
						case 3:
							err = f.SetCellValue(s, cell, " "+v+"\n")
						default:
							err = f.SetCellStr(s, cell, v)
						}
						must(t, err)
					}
				}
				if seed%3 == 0 {
					yes := true
					must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
				}
			})
			sameAsExcelize(t, path)
		})
	}
}

// handBook zips a workbook from hand-written parts: a sheet, and shared
// strings if not empty, with what excelize needs around them. Options in
// parts replace or add parts.
func handBook(t *testing.T, sheet, sst string, parts map[string]string) string {
	t.Helper()
	files := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheet,
	}
	if sst != "" {
		files["xl/sharedStrings.xml"] = sst
	}
	for name, body := range parts {
		if body == "" {
			delete(files, name)
		} else {
			files[name] = body
		}
	}
	return writeBytes(t, "hand.xlsx", zipOf(t, files, ""))
}

const (
	mainNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	xNS    = `xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
)

func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet ` + mainNS + `><dimension ref="A1:C3"/><sheetData>` + rows + `</sheetData><mergeCells count="1"><mergeCell ref="A9:B9"/></mergeCells></worksheet>`
}

func sstXML(items string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ` + mainNS + ` count="9" uniqueCount="9">` + items + `</sst>`
}

func TestHandWrittenSheets(t *testing.T) {
	for _, tc := range []struct {
		name     string
		sheet    string
		sst      string
		parts    map[string]string
		want     []rawRow
		excelize bool // excelize reads it the same way
	}{
		{
			name: "命名空间前缀",
			sheet: `<?xml version="1.0"?><x:worksheet ` + xNS + `><x:sheetData>` +
				`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c><x:c r="B1" t="s"><x:v>0</x:v></x:c></x:row>` +
				`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:r><x:t>张</x:t></x:r><x:r><x:t>三</x:t></x:r></x:is></x:c><x:c r="B2"><x:v>12.5</x:v></x:c></x:row>` +
				`</x:sheetData></x:worksheet>`,
			sst:      `<x:sst ` + xNS + `><x:si><x:t>身份证号</x:t></x:si></x:sst>`,
			want:     []rawRow{{1, []string{"姓名", "身份证号"}}, {2, []string{"张三", "12.5"}}},
			excelize: true,
		},
		{
			name: "没有r属性",
			sheet: sheetXML(`<row><c t="inlineStr"><is><t>甲</t></is></c><c/><c t="inlineStr"><is><t>丙</t></is></c></row>` +
				`<row><c><v>1</v></c><c><v>2</v></c></row>` +
				`<row r="5"><c r="B5"><v>5</v></c><c><v>6</v></c></row><row><c><v>7</v></c></row>`),
			want:     []rawRow{{1, []string{"甲", "", "丙"}}, {2, []string{"1", "2"}}, {5, []string{"", "5", "6"}}, {6, []string{"7"}}},
			excelize: true,
		},
		{
			name: "自闭合的单元格和行",
			sheet: sheetXML(`<row r="1"><c r="A1" s="1"/><c r="B1" t="s"><v>0</v></c><c r="C1"><v/></c></row>` +
				`<row r="2" spans="1:3"/><row r="3"><c r="C3" t="inlineStr"><is/></c><c r="D3" t="inlineStr"><is><t/></is></c><c r="E3" t="inlineStr"><is><t>戊</t></is></c></row>`),
			sst:      sstXML(`<si><t>乙</t></si>`),
			want:     []rawRow{{1, []string{"", "乙"}}, {3, []string{"", "", "", "", "戊"}}},
			excelize: true,
		},
		{
			name: "公式的缓存值",
			sheet: sheetXML(`<row r="1"><c r="A1"><f>1+2</f><v>3</v></c><c r="B1" t="str"><f>"低"&amp;"保"</f><v>低保</v></c>` +
				`<c r="C1" t="b"><f>TRUE()</f><v>1</v></c><c r="D1"><f t="shared" ref="D1:D2" si="0">A1*2</f><v>6</v></c></row>` +
				`<row r="2"><c r="D2"><f t="shared" si="0"/><v>0.30000000000000004</v></c><c r="E2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F2" t="str"><f>A1</f></c></row>`),
			want:     []rawRow{{1, []string{"3", "低保", "1", "6"}}, {2, []string{"", "", "", "0.30000000000000004", "#DIV/0!"}}},
			excelize: true,
		},
		{
			name: "各种类型",
			sheet: sheetXML(`<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="d"><v>2024-01-05T00:00:00Z</v></c>` +
				`<c r="D1" t="n"><v>1.5E-3</v></c><c r="E1" t="inlineStr"><v>只有v</v></c><c r="F1" t="str"><v> 公式文本 </v></c><c r="G1" t="weird"><v>怪</v></c></row>`),
			want:     []rawRow{{1, []string{"#N/A", "0", "2024-01-05T00:00:00Z", "1.5E-3", "只有v", " 公式文本 ", "怪"}}},
			excelize: true,
		},
		{
			name: "注音和富文本",
			sheet: sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/><sz val="11"/></rPr><t>张</t></r><r><t xml:space="preserve"> 三 </t></r>` +
				`<rPh sb="0" eb="1"><t>zhāng</t></rPh><phoneticPr fontId="1" type="noConversion"/></is></c><c r="B1" t="s"><v>0</v></c><c r="C1" t="s"><v> 1 </v></c></row>`),
			sst: sstXML(`<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>` +
				`<si><r><t>第</t></r><r><rPr><i/></rPr><t>二</t></r><rPh sb="1" eb="2"><t>に</t></rPh></si>`),
			want:     []rawRow{{1, []string{"张 三 ", "東京", "第二"}}},
			excelize: true,
		},
		{
			name: "实体和字符引用",
			sheet: sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>&lt;&amp;&gt;&quot;&apos;</t></is></c><c r="B1" t="s"><v>0</v></c>` +
				`<c r="C1" t="inlineStr"><is><t>&#20013;&#x6587;&#X41;</t></is></c><c r="D1" t="inlineStr"><is><t>a&#13;&#10;b</t></is></c></row>`),
			sst:  sstXML(`<si><t>&#x4E2D;&#22269;&amp;amp;</t></si>`),
			want: []rawRow{{1, []string{`<&>"'`, "中国&amp;", "中文&#X41;", "a\r\nb"}}},
		},
		{
			name: "注释CDATA和换行",
			sheet: sheetXML(`<!-- 注释 <row r="9"> --><row r="1"><?pi <c>?><c r="A1" t="inlineStr"><is><t>前<!-- 注释 -->后</t></is></c>` +
				`<c r="B1" t="inlineStr"><is><t><![CDATA[<&>]]>&amp;<![CDATA[]]]]><![CDATA[>]]></t></is></c>` +
				"<c r=\"C1\" t=\"inlineStr\"><is><t>一\r\n二\r三</t></is></c><c r=\"D1\" t=\"s\"><v>0</v></c></row>"),
			sst:  sstXML("<si><t><![CDATA[x\r\ny]]></t></si>"),
			want: []rawRow{{1, []string{"前后", "<&>&]]>", "一\n二\n三", "x\ny"}}},
		},
		{
			name:     "属性里的大于号和单引号",
			sheet:    sheetXML(`<row r='1' note="a>b"><c r='A1' t='inlineStr' note='x>"y'><is><t>一</t></is></c><c  r = "B1"  t = "s" ><v>0</v></c></row>`),
			sst:      sstXML(`<si><t>二</t></si>`),
			want:     []rawRow{{1, []string{"一", "二"}}},
			excelize: true,
		},
		{
			name: "未知元素",
			sheet: `<worksheet ` + mainNS + ` xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><sheetPr><outlinePr summaryBelow="0"/></sheetPr><dimension ref="A1:B2"/>` +
				`<sheetData><row r="1" x14ac:dyDescent="0.25"><c r="A1" t="inlineStr" cm="1"><is><t>一</t></is><extLst><ext><t>不是值</t></ext></extLst></c></row>` +
				`<row r="2"><c r="B2" vm="1"><v>2</v></c><extLst/></row></sheetData>` +
				`<extLst><ext><row r="3"><c r="A3"><v>3</v></c></row></ext></extLst></worksheet>`,
			want: []rawRow{{1, []string{"一"}}, {2, []string{"", "2"}}},
		},
		{
			name:  "绝对路径",
			sheet: sheetXML(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`),
			sst:   sstXML(`<si><t>绝对</t></si>`),
			parts: map[string]string{
				"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`,
			},
			want:     []rawRow{{1, []string{"绝对"}}},
			excelize: true,
		},
		{
			name:  "没有包的关系文件",
			sheet: sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>默认路径</t></is></c></row>`),
			parts: map[string]string{"_rels/.rels": ""},
			want:  []rawRow{{1, []string{"默认路径"}}},
		},
		{
			name:  "文件名用反斜杠",
			sheet: "",
			parts: map[string]string{"xl/worksheets/sheet1.xml": "", `xl\worksheets\sheet1.xml`: sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>反斜杠</t></is></c></row>`)},
			want:  []rawRow{{1, []string{"反斜杠"}}},
		},
		{
			name:  "第一个标签是图表",
			sheet: sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>工作表</t></is></c></row>`),
			parts: map[string]string{
				"xl/workbook.xml":            `<workbook ` + mainNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="true"/><sheets><sheet name="图" sheetId="2" r:id="rId9"/><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>`,
				"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
				"xl/chartsheets/sheet1.xml":  `<chartsheet ` + mainNS + `><sheetPr/><drawing r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></chartsheet>`,
			},
			want: []rawRow{{1, []string{"工作表"}}},
		},
		{
			name:  "严格OOXML",
			sheet: `<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`,
			sst:   `<sst xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><si><t>严格</t></si></sst>`,
			parts: map[string]string{
				"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
				"xl/workbook.xml":            `<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
				"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
			},
			want: []rawRow{{1, []string{"严格"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := handBook(t, tc.sheet, tc.sst, tc.parts)
			var got []rawRow
			if tc.excelize {
				got = sameAsExcelize(t, path)
			} else {
				got = scanRaw(t, path)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rows = %v\nwant   %v", got, tc.want)
			}
		})
	}
}

func TestHandWrittenDate1904(t *testing.T) {
	for _, v := range []string{"1", "true", "  true "} {
		t.Run("date1904="+v, func(t *testing.T) {
			path := handBook(t, sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>日期</t></is></c></row><row r="2"><c r="A2"><v>1</v></c></row>`), "",
				map[string]string{"xl/workbook.xml": `<workbook ` + mainNS + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="` + v + `"/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`})
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			row, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if d, ok := r.SerialDate(row[0]); !ok || d.String() != "1904-01-02" {
				t.Errorf("SerialDate(%q) = %v, %v; want 1904-01-02", row[0], d, ok)
			}
		})
	}
}

// TestBrokenSheets: what the scanner cannot read it reports, at the row
// where it stopped. (excelize, given a sheet cut short, stops without a
// word; the scanner says the file is damaged.)
func TestBrokenSheets(t *testing.T) {
	header := `<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row>`
	for _, tc := range []struct {
		name  string
		sheet string
		sst   string
		rows  int    // rows read before the error
		code  string // of the error
		has   string // in its message
	}{
		{"截断在行中间", `<worksheet ` + mainNS + `><sheetData>` + header + `<row r="3"><c r="A3" t="inlineStr"><is><t>李`, "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
		{"截断在行之间", `<worksheet ` + mainNS + `><sheetData>` + header, "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
		{"截断在标签中间", `<worksheet ` + mainNS + `><sheetData>` + header + `<row r="3"><c r="A3" t="inl`, "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
		{"坏的单元格引用", sheetXML(header + `<row r="3"><c r="3A"><v>1</v></c></row>`), "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
		{"列超出XFD", sheetXML(header + `<row r="3"><c r="XFE3"><v>1</v></c></row>`), "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
		{"坏的行号", sheetXML(header + `<row r="三"><c><v>1</v></c></row>`), "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
		{"共享字符串序号越界", sheetXML(header + `<row r="4"><c r="A4" t="s"><v>1</v></c></row>`), sstXML(`<si><t>一</t></si>`), 1, minzheng.CodeInvalid, "第 4 行无法读取"},
		{"共享字符串序号不是数", sheetXML(header + `<row r="4"><c r="A4" t="s"><v>一</v></c></row>`), sstXML(`<si><t>一</t></si>`), 1, minzheng.CodeInvalid, "第 4 行无法读取"},
		{"没有共享字符串", sheetXML(header + `<row r="4"><c r="A4" t="s"><v>0</v></c></row>`), "", 1, minzheng.CodeInvalid, "第 4 行无法读取"},
		{"超过最大行数", sheetXML(header + `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`), "", 1, minzheng.CodeTooLarge, "1048576"},
		{"单元格太长", sheetXML(header + `<row r="3"><c r="A3" t="inlineStr"><is><t>` + strings.Repeat("长", maxTextBytes/3+1) + `</t></is></c></row>`), "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
		{"标签太长", sheetXML(header + `<row r="3"><c r="A3" x="` + strings.Repeat("x", scanBuffer) + `"><v>1</v></c></row>`), "", 1, minzheng.CodeInvalid, "第 3 行无法读取"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(handBook(t, tc.sheet, tc.sst, nil))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer r.Close()
			n := 0
			for {
				_, err = r.Next()
				if err != nil {
					break
				}
				n++
			}
			if n != tc.rows {
				t.Errorf("%d rows before the error, want %d", n, tc.rows)
			}
			e, ok := minzheng.AsError(err)
			if !ok || e.Code != tc.code || !strings.Contains(e.Message, tc.has) {
				t.Fatalf("err = %v, want %s with %q", err, tc.code, tc.has)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("the error does not stick: %v", again)
			}
		})
	}
}

func TestBrokenWorkbooks(t *testing.T) {
	sheet := sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>`)
	for _, tc := range []struct {
		name  string
		sst   string
		parts map[string]string
		msg   string
	}{
		{"没有工作表", "", map[string]string{"xl/workbook.xml": `<workbook ` + mainNS + `><sheets/></workbook>`}, msgNotSpreadsheet},
		{"工作表文件不存在", "", map[string]string{"xl/worksheets/sheet1.xml": ""}, msgNotSpreadsheet},
		{"关系文件不存在", "", map[string]string{"xl/_rels/workbook.xml.rels": ""}, msgNotSpreadsheet},
		{"工作簿XML损坏", "", map[string]string{"xl/workbook.xml": `<workbook><sheets><sheet name="a" r:id="rId1"`}, msgNotSpreadsheet},
		{"共享字符串损坏", sstXML(`<si><t>一</t></si><si><t>二`), nil, "共享字符串无法读取"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(handBook(t, sheet, tc.sst, tc.parts))
			if err == nil {
				r.Close()
				t.Fatal("Open accepted it")
			}
			e, ok := minzheng.AsError(err)
			if !ok || e.Code != minzheng.CodeInvalid || e.Field != "file" || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("err = %v, want %q", err, tc.msg)
			}
		})
	}
}

func TestEstimate(t *testing.T) {
	rows := make([][]string, 5000)
	g := newRegistryRows(9)
	for i := range rows {
		rows[i] = append([]string(nil), g.next()...)
	}
	excel := filepath.Join(t.TempDir(), "excel.xlsx")
	excelBook(t, excel, newRegistryRows(9), 5000)
	for _, tc := range []struct {
		name     string
		path     string
		min, max int
	}{
		{"Excel记下的范围", excel, 5000, 5000},
		{"我们的Writer没有范围", writeFile(t, FormatXLSX, benchHeader, rows), 4500, 5500},
		{"只有几行", writeFile(t, FormatXLSX, testHeader, testRows), len(testRows), len(testRows)},
		{"只有表头", writeFile(t, FormatXLSX, testHeader, nil), 0, 0},
		{"CSV有单元格内换行", writeFile(t, FormatCSV, benchHeader, rows), 5000, 6000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if n := r.Estimate(); n < tc.min || n > tc.max {
				t.Errorf("Estimate = %d, want %d to %d", n, tc.min, tc.max)
			}
		})
	}
}

func TestUnescape(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"无需解码", "张三 abc", "张三 abc"},
		{"预定义实体", "&lt;&gt;&amp;&quot;&apos;", `<>&"'`},
		{"十进制引用", "&#20013;&#65;", "中A"},
		{"十六进制引用", "&#x4E2D;&#X4E2D;&#x1F600;", "中&#X4E2D;😀"},
		{"未知实体原样", "&nbsp;&;&#;&#x;&#xZZ;", "&nbsp;&;&#;&#x;&#xZZ;"},
		{"不允许的字符原样", "&#0;&#xD800;&#x110000;", "&#0;&#xD800;&#x110000;"},
		{"没有分号", "a & b &amp", "a & b &amp"},
		{"回车换行", "a\r\nb\rc\n\rd", "a\nb\nc\n\nd"},
		{"引用的回车保留", "a&#13;\nb", "a\r\nb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(unescape([]byte(tc.in))); got != tc.want {
				t.Errorf("unescape(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, in, want string }{
		{"回车转义", "a_x000D_b", "a\rb"},
		{"下划线", "_x005F_x0041_", "_x0041_"},
		{"小写十六进制", "_x004a_", "J"},
		{"不完整", "_x00_ _x004", "_x00_ _x004"},
		{"代理项丢弃", "a_xD83D_b", "ab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(unescapeOOXML([]byte(tc.in))); got != tc.want {
				t.Errorf("unescapeOOXML(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestColumnOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		col  int
		ok   bool
	}{
		{"A1", "A1", 1, true},
		{"小写", "b7", 2, true},
		{"AA", "AA10", 27, true},
		{"XFD", "XFD1048576", maxColumns, true},
		{"超过XFD", "XFE1", 0, false},
		{"没有行号", "A", 0, false},
		{"没有列", "12", 0, false},
		{"多余字符", "A1B", 0, false},
		{"美元符号", "$A$1", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			col, ok := columnOf([]byte(tc.in))
			if col != tc.col || ok != tc.ok {
				t.Errorf("columnOf(%q) = %d, %v; want %d, %v", tc.in, col, ok, tc.col, tc.ok)
			}
		})
	}
}

// TestReaderMemoryBounded: reading a sheet holds no rows; the heap after
// the last row is what it was after the first thousand.
func TestReaderMemoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xlsx")
	const n = 20000 // about 17 MB of sheet XML
	writeRows(t, path, FormatXLSX, wideHeader, newWideRows(2), n)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var before uint64
	for i := 1; ; i++ {
		if _, err := r.Next(); err == io.EOF {
			if i-1 != n {
				t.Fatalf("read %d rows, want %d", i-1, n)
			}
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if i == 1000 {
			before = heap()
		}
	}
	if after := heap(); after > before+1<<20 {
		t.Errorf("heap grew from %d to %d bytes while reading", before, after)
	}
}
