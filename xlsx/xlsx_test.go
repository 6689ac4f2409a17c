package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"minzheng"
)

var testHeader = []string{"姓名", "身份证号", "与户主关系", "银行账号", "备注"}

// testRows are awkward on purpose: IDs ending in X, leading zeros, long
// digit strings, commas, quotes, line breaks, empty cells, short rows.
var testRows = [][]string{
	{"张三", "11010519491231002X", "户主", "6222020200112233445", "0012"},
	{"李四光", "370614198001011234", "配偶", "0000123", "住址：蓬莱区,大辛店镇"},
	{"王 五", "37061420100101002x", "子女", "", `他说"你好"`},
	{"赵六", "370614195001010011", "父母", "6217000010001234567", "第一行\n第二行\n第三行"},
	{"钱七", "", "", "", ""},
	{"孙八", "370614199912319999"},
	{"周九", "1.10101199001011E+17", "户主", "00", "  前后有空格  "},
	{"吴十", "370614200002290000", "孙子女", "12345678901234567890123", "最后一行"},
}

// wantRead is what a Reader gives back for row: trimmed and padded.
func wantRead(row []string, width int) []string {
	out := make([]string, width)
	for i, c := range row {
		out[i] = strings.TrimSpace(c)
	}
	return out
}

func writeFile(t testing.TB, format string, header []string, rows [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out."+format)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(f, format, "低保家庭", header)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeBytes(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAll reads every row, recording Line for each and the rows' errors.
type readResult struct {
	header []string
	rows   [][]string
	lines  []int
	errs   []error
}

func readAll(t testing.TB, path string) (*Reader, readResult) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	res := readResult{header: r.Header()}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, ok := minzheng.AsError(err); !ok || len(res.errs) > 10 {
				t.Fatalf("Next: %v", err)
			}
			res.errs = append(res.errs, err)
			res.lines = append(res.lines, -r.Line())
			continue
		}
		res.rows = append(res.rows, row)
		res.lines = append(res.lines, r.Line())
	}
	return r, res
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format string
	}{
		{"工作簿往返", FormatXLSX},
		{"CSV往返", FormatCSV},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.format, testHeader, testRows)
			r, res := readAll(t, path)
			if r.Format() != tc.format {
				t.Errorf("Format = %q, want %q", r.Format(), tc.format)
			}
			if !reflect.DeepEqual(res.header, testHeader) {
				t.Errorf("Header = %q", res.header)
			}
			if err := CheckHeader(res.header, testHeader); err != nil {
				t.Errorf("CheckHeader: %v", err)
			}
			if len(res.errs) > 0 {
				t.Fatalf("errors: %v", res.errs)
			}
			if len(res.rows) != len(testRows) {
				t.Fatalf("got %d rows, want %d", len(res.rows), len(testRows))
			}
			for i, row := range res.rows {
				if want := wantRead(testRows[i], len(testHeader)); !reflect.DeepEqual(row, want) {
					t.Errorf("row %d = %q, want %q", i, row, want)
				}
				// Excel's row numbers: the header is row 1, and a cell
				// with line breaks is still one row, in a CSV too.
				if res.lines[i] != i+2 {
					t.Errorf("row %d: Line = %d, want %d", i, res.lines[i], i+2)
				}
			}
		})
	}
}

func TestWriterHeaderOnly(t *testing.T) {
	for _, format := range []string{FormatXLSX, FormatCSV} {
		t.Run("只有表头_"+format, func(t *testing.T) {
			path := writeFile(t, format, testHeader, nil)
			_, res := readAll(t, path)
			if !reflect.DeepEqual(res.header, testHeader) || len(res.rows) != 0 {
				t.Errorf("header %q, rows %q", res.header, res.rows)
			}
		})
	}
}

func TestWriterXLSXCellsAreText(t *testing.T) {
	rows := make([][]string, 250) // more than sizingRows, so both paths write
	for i := range rows {
		rows[i] = []string{"张三", "11010519491231002X", "0012", "", "6222020200112233445"}
	}
	path := writeFile(t, FormatXLSX, testHeader, rows)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"低保家庭"}) {
		t.Errorf("sheets = %q", got)
	}
	for _, cell := range []string{"A1", "B2", "C2", "E2", "B200", "C251"} {
		typ, err := f.GetCellType("低保家庭", cell)
		if err != nil || typ != excelize.CellTypeInlineString {
			t.Errorf("%s: type %v, %v; want inline string", cell, typ, err)
		}
		id, _ := f.GetCellStyle("低保家庭", cell)
		st, _ := f.GetStyle(id)
		if st == nil || st.NumFmt != numFmtText {
			t.Errorf("%s: number format not text: %+v", cell, st)
		}
	}
	id, _ := f.GetCellStyle("低保家庭", "A1")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header is not bold: %+v", st)
	}
	panes, err := f.GetPanes("低保家庭")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the first row frozen", panes, err)
	}
	if w, _ := f.GetColWidth("低保家庭", "B"); w < 18 || w > 30 {
		t.Errorf("ID column width %v, want room for 18 digits", w)
	}
	if w, _ := f.GetColWidth("低保家庭", "A"); w < 8 || w > 20 {
		t.Errorf("name column width %v", w)
	}
	if v, _ := f.GetCellValue("低保家庭", "B251"); v != "11010519491231002X" {
		t.Errorf("B251 = %q", v)
	}
}

func TestWriterCSVBytes(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, FormatCSV, "", []string{"姓名", "身份证号"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]string{{"张三", "11010519491231002X"}, {"李,四", `"0012"`}, {"王五"}} {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBF姓名,身份证号\r\n张三,11010519491231002X\r\n\"李,四\",\"\"\"0012\"\"\"\r\n王五,\r\n"
	if buf.String() != want {
		t.Errorf("csv = %q\nwant  %q", buf.String(), want)
	}
}

func TestWriterErrors(t *testing.T) {
	if _, err := NewWriter(io.Discard, "xls", "", testHeader); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
		t.Errorf("format xls: %v", err)
	}
	if _, err := NewWriter(io.Discard, FormatCSV, "", nil); err == nil {
		t.Error("empty header accepted")
	}
	for _, format := range []string{FormatXLSX, FormatCSV} {
		t.Run("多出的列_"+format, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out."+format)
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			w, err := NewWriter(f, format, "", []string{"a", "b"})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write([]string{"1", "2", "3"}); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
				t.Errorf("3 cells under 2 headers: %v", err)
			}
			if err := w.Write([]string{"1", "2", ""}); err != nil {
				t.Errorf("an empty extra cell: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			// The refused row left no blank row behind.
			_, res := readAll(t, path)
			if !reflect.DeepEqual(res.rows, [][]string{{"1", "2"}}) || !reflect.DeepEqual(res.lines, []int{2}) {
				t.Errorf("read back %q at lines %v", res.rows, res.lines)
			}
		})
	}
	t.Run("单元格超长", func(t *testing.T) {
		w, err := NewWriter(io.Discard, FormatXLSX, "", []string{"备注"})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if err := w.Write([]string{strings.Repeat("长", maxCellChars+1)}); minzheng.ErrorCode(err) != minzheng.CodeInvalid {
			t.Errorf("a cell over 32767 characters: %v", err)
		}
		if err := w.Write([]string{strings.Repeat("长", maxCellChars)}); err != nil {
			t.Errorf("a cell of exactly 32767 characters: %v", err)
		}
	})
	t.Run("写完后再写", func(t *testing.T) {
		w, _ := NewWriter(io.Discard, FormatCSV, "", []string{"a"})
		w.Close()
		if err := w.Write([]string{"x"}); err == nil {
			t.Error("Write after Close accepted")
		}
		if err := w.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

func TestSheetName(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"普通", "低保家庭", "低保家庭"},
		{"空名", "  ", "Sheet1"},
		{"禁用字符", "2024/01:名单?[1]", "2024_01_名单__1_"},
		{"单引号", "'名单'", "名单"},
		{"过长", strings.Repeat("名", 40), strings.Repeat("名", 31)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sheetName(tc.in); got != tc.want {
				t.Errorf("sheetName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVEncodings(t *testing.T) {
	text := "姓名,身份证号,住址\r\n张三,11010519491231002X,\"山东省烟台市蓬莱区,大辛店镇\"\r\n李四,370614198001011234,村里集镇\r\n"
	want := [][]string{
		{"张三", "11010519491231002X", "山东省烟台市蓬莱区,大辛店镇"},
		{"李四", "370614198001011234", "村里集镇"},
	}
	// A file whose first 70 KB are ASCII only, so the encoding must be
	// decided where the Chinese starts, not from the first buffer.
	var late strings.Builder
	late.WriteString("xh,sfzh,xm\n")
	var lateWant [][]string
	for i := 0; late.Len() < 70<<10; i++ {
		late.WriteString("1,370614198001011234,zhang\n")
		lateWant = append(lateWant, []string{"1", "370614198001011234", "zhang"})
	}
	late.WriteString("2,370614198001011235,张三丰\n")
	lateWant = append(lateWant, []string{"2", "370614198001011235", "张三丰"})

	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("姓名,身份证号,住址\n𠀀,1,囍\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		header []string
		rows   [][]string
	}{
		{"UTF8带BOM", append([]byte("\xEF\xBB\xBF"), text...), []string{"姓名", "身份证号", "住址"}, want},
		{"UTF8无BOM", []byte(text), []string{"姓名", "身份证号", "住址"}, want},
		{"GBK", gbk(t, text), []string{"姓名", "身份证号", "住址"}, want},
		{"GB18030四字节字", gb18030, []string{"姓名", "身份证号", "住址"}, [][]string{{"𠀀", "1", "囍"}}},
		{"GBK前70KB全是ASCII", gbk(t, late.String()), []string{"xh", "sfzh", "xm"}, lateWant},
		{"UTF8前70KB全是ASCII", []byte(late.String()), []string{"xh", "sfzh", "xm"}, lateWant},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, res := readAll(t, writeBytes(t, "in.csv", tc.data))
			if len(res.errs) > 0 {
				t.Fatalf("errors: %v", res.errs)
			}
			if !reflect.DeepEqual(res.header, tc.header) {
				t.Errorf("header = %q, want %q", res.header, tc.header)
			}
			if !reflect.DeepEqual(res.rows, tc.rows) {
				t.Errorf("rows = %q, want %q", res.rows, tc.rows)
			}
		})
	}
}

func TestCSVLines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  string
		rows  [][]string
		lines []int // negative: that row is an error
	}{
		{
			name:  "换行符在引号内",
			data:  "a,b\r\n1,\"x\r\ny\r\nz\"\r\n2,w\r\n3,\"p\nq\"\n4,v\n",
			rows:  [][]string{{"1", "x\ny\nz"}, {"2", "w"}, {"3", "p\nq"}, {"4", "v"}},
			lines: []int{2, 3, 4, 5},
		},
		{
			name:  "空行和只有逗号的行",
			data:  "\n\na,b\n1,2\n\n,,\n \t, \n3,4\n\n\n",
			rows:  [][]string{{"1", "2"}, {"3", "4"}},
			lines: []int{4, 8},
		},
		{
			name:  "参差不齐的行",
			data:  "a,b,c\n1\n1,2\n1,2,3,,,\n1,2,3,4\n5,6,7\n",
			rows:  [][]string{{"1", "", ""}, {"1", "2", ""}, {"1", "2", "3"}, {"5", "6", "7"}},
			lines: []int{2, 3, 4, -5, 6},
		},
		{
			name:  "表头有空尾列",
			data:  "a,b,,\n1,2,,\n",
			rows:  [][]string{{"1", "2"}},
			lines: []int{2},
		},
		{
			name:  "全角空格和BOM残留",
			data:  "\u3000a\u3000,b\u00a0\n\u3000 1 ,\ufeff2\n",
			rows:  [][]string{{"1", "2"}},
			lines: []int{2},
		},
		{
			name:  "裸引号",
			data:  "a,b\n5\"屏,x\n1,2\n",
			rows:  [][]string{{"1", "2"}},
			lines: []int{-2, 3},
		},
		{
			name:  "引号在文件末尾没有成对",
			data:  "a,b\n1,2\n3,\"4\n5,6\n",
			rows:  [][]string{{"1", "2"}},
			lines: []int{2, -3},
		},
		{
			name:  "引号在中间没有成对",
			data:  "a,b\n1,\"2\n3,4\n5,\"6\"\n7,8\n",
			rows:  [][]string{{"7", "8"}},
			lines: []int{-2, 3},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, res := readAll(t, writeBytes(t, "in.csv", []byte(tc.data)))
			if !reflect.DeepEqual(res.rows, tc.rows) {
				t.Errorf("rows = %q, want %q", res.rows, tc.rows)
			}
			if !reflect.DeepEqual(res.lines, tc.lines) {
				t.Errorf("lines = %v, want %v (errors %v)", res.lines, tc.lines, res.errs)
			}
		})
	}
}

func TestRowTooWideMessage(t *testing.T) {
	r, err := Open(writeBytes(t, "in.csv", []byte("姓名,身份证号\n张三,1,多出来\n李四,2\n")))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.Next()
	e, ok := minzheng.AsError(err)
	if !ok || e.Code != minzheng.CodeInvalid || e.Field != "file" {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{"第 2 行", "第 3 列", "C 列", "表头只有 2 列"} {
		if !strings.Contains(e.Message, s) {
			t.Errorf("message %q lacks %q", e.Message, s)
		}
	}
	if r.Line() != 2 {
		t.Errorf("Line = %d after the bad row", r.Line())
	}
	row, err := r.Next()
	if err != nil || !reflect.DeepEqual(row, []string{"李四", "2"}) || r.Line() != 3 {
		t.Errorf("after a bad row: %q, %v, line %d", row, err, r.Line())
	}
}

func TestCSVMixedEncoding(t *testing.T) {
	// A UTF-8 file with one row pasted in from a GBK one: the row is
	// reported, the rest read as UTF-8.
	data := append([]byte("姓名,身份证号,住址\n张三,1,山东省烟台市蓬莱区\n"), gbk(t, "李四,2,无\n")...)
	data = append(data, "王五,3,山东省烟台市蓬莱区大辛店镇\n"...)
	rd, res := readAll(t, writeBytes(t, "in.csv", data))
	if !reflect.DeepEqual(rd.Header(), []string{"姓名", "身份证号", "住址"}) {
		t.Errorf("header = %q", rd.Header())
	}
	if !reflect.DeepEqual(res.lines, []int{2, -3, 4}) {
		t.Errorf("lines = %v, errors %v", res.lines, res.errs)
	}
	if len(res.errs) == 1 && !strings.Contains(res.errs[0].Error(), "编码") {
		t.Errorf("error %v does not mention the encoding", res.errs[0])
	}
}

func TestCSVRecordTooLong(t *testing.T) {
	// An opening quote never closed: without a bound the rest of the file
	// would be read into one cell.
	var b strings.Builder
	b.WriteString("a,b\n1,2\n3,\"")
	for b.Len() < 3*maxRecordBytes {
		b.WriteString("4,5,6,7,8,9\n")
	}
	r, err := Open(writeBytes(t, "in.csv", []byte(b.String())))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	if minzheng.ErrorCode(err) != minzheng.CodeTooLarge || !strings.Contains(err.Error(), "第 2 行之后") {
		t.Fatalf("err = %v, want too_large after row 2", err)
	}
	if _, err2 := r.Next(); err2 != err {
		t.Errorf("the error does not stick: %v", err2)
	}
}

func TestCSVTooManyRows(t *testing.T) {
	// The header, then blank lines up to Excel's last row, which Excel
	// would show as empty rows: the next row is past the limit.
	ok := "a\n" + strings.Repeat("\n", MaxRows-2) + "1\n"
	_, res := readAll(t, writeBytes(t, "ok.csv", []byte(ok)))
	if !reflect.DeepEqual(res.lines, []int{MaxRows}) {
		t.Errorf("a row on Excel's last row: lines %v, errors %v", res.lines, res.errs)
	}
	r, err := Open(writeBytes(t, "in.csv", []byte(ok+"2\n")))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); minzheng.ErrorCode(err) != minzheng.CodeTooLarge {
		t.Errorf("err = %v, want too_large", err)
	}
}

// clerkWorkbook builds a workbook the way Excel does (shared strings,
// numbers, styles, gaps between rows) rather than the way Writer does.
func clerkWorkbook(t testing.TB, build func(f *excelize.File, sheet string)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, "Sheet1")
	path := filepath.Join(t.TempDir(), "clerk.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestXLSXAsExcelWritesIt(t *testing.T) {
	path := clerkWorkbook(t, func(f *excelize.File, s string) {
		text, _ := f.NewStyle(&excelize.Style{NumFmt: numFmtText})
		date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
		whole, _ := f.NewStyle(&excelize.Style{NumFmt: 1}) // 0
		f.SetSheetRow(s, "A1", &[]any{"姓名", "身份证号", "出生日期", "月收入", "人口数", "备注"})
		// Row 2 as typed: an ID typed as text, a date, money shown as
		// 1,234.50, a count.
		f.SetCellStr(s, "A2", "张三")
		f.SetCellStr(s, "B2", "11010519491231002X")
		f.SetCellStyle(s, "B2", "B2", text)
		f.SetCellDefault(s, "C2", "45296")
		f.SetCellStyle(s, "C2", "C2", date)
		f.SetCellDefault(s, "D2", "1234.5")
		f.SetCellStyle(s, "D2", "D2", money)
		f.SetCellDefault(s, "E2", "3")
		f.SetCellStr(s, "F2", "  有空格  ")
		// Row 3 left blank; row 4: an ID Excel already made a number, a
		// formula result with binary noise, money a "0" format would round.
		f.SetCellStr(s, "A4", "李四")
		f.SetCellDefault(s, "B4", "1.10101199001011E+17")
		f.SetCellDefault(s, "D4", "14814.720000000001")
		f.SetCellDefault(s, "E4", "1234.56")
		f.SetCellStyle(s, "E4", "E4", whole)
		f.SetCellStr(s, "F4", "0012")
		// Row 5: a leading-zero code typed as text, a phone as a number.
		f.SetCellStr(s, "A5", "王五")
		f.SetCellStr(s, "B5", "000123")
		f.SetCellDefault(s, "F5", "13800138000")
		// Formatted but empty rows at the end, as Excel leaves them.
		f.SetRowHeight(s, 6, 30)
		f.SetRowHeight(s, 9, 30)
		f.SetCellStyle(s, "A8", "F8", text)
		// A second sheet is never read.
		f.NewSheet("说明")
		f.SetCellStr("说明", "A1", "不应读到")
	})
	r, res := readAll(t, path)
	if len(res.errs) > 0 {
		t.Fatal(res.errs)
	}
	wantRows := [][]string{
		{"张三", "11010519491231002X", "45296", "1234.5", "3", "有空格"},
		{"李四", "1.10101199001011E+17", "", "14814.72", "1234.56", "0012"},
		{"王五", "000123", "", "", "", "13800138000"},
	}
	if !reflect.DeepEqual(res.rows, wantRows) {
		t.Errorf("rows =\n%q\nwant\n%q", res.rows, wantRows)
	}
	if !reflect.DeepEqual(res.lines, []int{2, 4, 5}) {
		t.Errorf("lines = %v, want [2 4 5]", res.lines)
	}
	d, ok := r.SerialDate(res.rows[0][2])
	if !ok || d.String() != "2024-01-05" {
		t.Errorf("SerialDate(45296) = %v, %v", d, ok)
	}
}

func TestXLSXTooWideAndGaps(t *testing.T) {
	path := clerkWorkbook(t, func(f *excelize.File, s string) {
		f.SetSheetRow(s, "B3", &[]any{"姓名", "身份证号"}) // header not in A1
		f.SetSheetRow(s, "B4", &[]any{"张三", "1"})
		f.SetSheetRow(s, "B5", &[]any{"李四", "2", "多出"})
		f.SetCellStr(s, "B1000", "王五")
	})
	_, res := readAll(t, path)
	// Column A is empty, so the header is ["", 姓名, 身份证号].
	if !reflect.DeepEqual(res.header, []string{"", "姓名", "身份证号"}) {
		t.Errorf("header = %q", res.header)
	}
	if !reflect.DeepEqual(res.lines, []int{4, -5, 1000}) {
		t.Errorf("lines = %v (errors %v)", res.lines, res.errs)
	}
	if len(res.errs) != 1 || !strings.Contains(res.errs[0].Error(), "第 5 行的第 4 列（D 列）") {
		t.Errorf("errors = %v", res.errs)
	}
}

func TestSerialDate(t *testing.T) {
	xr := &Reader{format: FormatXLSX}
	mac := &Reader{format: FormatXLSX, date1904: true}
	cr := &Reader{format: FormatCSV}
	for _, tc := range []struct {
		name string
		r    *Reader
		in   string
		want string // "" means not a date
	}{
		{"1900年1月1日", xr, "1", "1900-01-01"},
		{"1900年2月28日", xr, "59", "1900-02-28"},
		{"不存在的1900年2月29日", xr, "60", ""},
		{"1900年3月1日", xr, "61", "1900-03-01"},
		{"2024年1月5日", xr, "45296", "2024-01-05"},
		{"带时间", xr, "45296.75", "2024-01-05"},
		{"9999年12月31日", xr, "2958465", "9999-12-31"},
		{"太大", xr, "2958466", ""},
		{"零", xr, "0", ""},
		{"负数", xr, "-1", ""},
		{"文字", xr, "2024-01-05", ""},
		{"1904日期系统", mac, "0.5", ""},
		{"1904日期系统的一天", mac, "1", "1904-01-02"},
		{"CSV不是序号", cr, "45296", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := tc.r.SerialDate(tc.in)
			got := ""
			if ok {
				got = d.String()
			}
			if got != tc.want {
				t.Errorf("SerialDate(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	// Against excelize's own conversion.
	for _, n := range []float64{1, 59, 61, 1000, 36526, 45296, 60000} {
		tm, err := excelize.ExcelDateToTime(n, false)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := xr.SerialDate(strconv.FormatFloat(n, 'f', -1, 64))
		if d.String() != tm.Format("2006-01-02") {
			t.Errorf("serial %v: %s, excelize says %s", n, d, tm.Format("2006-01-02"))
		}
	}
}

func TestTidyNumber(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"浮点噪声", "0.30000000000000004", "0.3"},
		{"金额噪声", "14814.720000000001", "14814.72"},
		{"负数", "-2.0000000000000004", "-2"},
		{"18位身份证", "370614198001011234", "370614198001011234"},
		{"科学计数法", "1.10101199001011E+17", "1.10101199001011E+17"},
		{"正常小数", "1234.56", "1234.56"},
		{"15位有效数字", "0.123456789012345", "0.123456789012345"},
		{"文字", "第1.2345678901234567条", "第1.2345678901234567条"},
		{"带X身份证", "11010519491231002X", "11010519491231002X"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tidyNumber(tc.in); got != tc.want {
				t.Errorf("tidyNumber(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCheckHeader(t *testing.T) {
	want := []string{"姓名", "身份证号", "与户主关系", "联系电话（手机）"}
	for _, tc := range []struct {
		name string
		got  []string
		ok   bool
		has  []string
	}{
		{"完全一致", []string{"姓名", "身份证号", "与户主关系", "联系电话（手机）"}, true, nil},
		{"尾部空列", []string{"姓名", "身份证号", "与户主关系", "联系电话（手机）", "", " "}, true, nil},
		{"空格和半角括号", []string{"姓 名", "身份证号\u3000", "与户主关系", "联系电话(手机)"}, true, nil},
		{"缺少一列", []string{"姓名", "身份证号", "联系电话（手机）"}, false,
			[]string{"模板共 4 列", "姓名、身份证号、与户主关系、联系电话（手机）", "缺少：“与户主关系”"}},
		{"多出一列", []string{"姓名", "身份证号", "与户主关系", "联系电话（手机）", "备注"}, false,
			[]string{"多出：“备注”"}},
		{"名字不同", []string{"姓名", "身份证号码", "与户主关系", "联系电话（手机）"}, false,
			[]string{"缺少：“身份证号”", "多出：“身份证号码”"}},
		{"顺序不对", []string{"姓名", "与户主关系", "身份证号", "联系电话（手机）"}, false,
			[]string{"列的顺序不对", "第 2 列（B 列）应为“身份证号”，文件中是“与户主关系”"}},
		{"重复的列", []string{"姓名", "姓名", "身份证号", "与户主关系", "联系电话（手机）"}, false,
			[]string{"多出：“姓名”"}},
		{"中间空列", []string{"姓名", "", "身份证号", "与户主关系", "联系电话（手机）"}, false,
			[]string{"多出：第 2 列（B 列，没有列名）"}},
		{"空表头", nil, false, []string{"缺少：“姓名”、“身份证号”、“与户主关系”、“联系电话（手机）”"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckHeader(tc.got, want)
			if tc.ok {
				if err != nil {
					t.Errorf("CheckHeader: %v", err)
				}
				return
			}
			e, ok := minzheng.AsError(err)
			if !ok || e.Code != minzheng.CodeInvalid || e.Field != "header" {
				t.Fatalf("err = %#v", err)
			}
			for _, s := range tc.has {
				if !strings.Contains(e.Message, s) {
					t.Errorf("message %q lacks %q", e.Message, s)
				}
			}
			if strings.Contains(e.Message, "缺少") && strings.Contains(e.Message, "顺序") {
				t.Errorf("message speaks of order as well as missing columns: %q", e.Message)
			}
		})
	}
}

// zipOf makes a zip archive of the given files.
func zipOf(t testing.TB, files map[string]string, first string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string, store bool) {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		if store {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if first != "" {
		add(first, files[first], true)
	}
	for name, body := range files {
		if name != first {
			add(name, body, false)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cfb makes the start of an OLE compound file whose first directory sector
// names the given streams, enough for isEncryptedOOXML.
func cfb(names ...string) []byte {
	b := make([]byte, 512*3)
	copy(b, magicOLE)
	binary.LittleEndian.PutUint16(b[0x1E:], 9)
	binary.LittleEndian.PutUint32(b[0x30:], 1) // directory in sector 1, at 1024
	for i, name := range append([]string{"Root Entry"}, names...) {
		e := b[1024+128*i:]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			binary.LittleEndian.PutUint16(e[2*j:], c)
		}
		binary.LittleEndian.PutUint16(e[0x40:], uint16(2*len(u)+2))
	}
	return b
}

func TestOpenRefuses(t *testing.T) {
	junk := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	utf16le := []byte{0xFF, 0xFE}
	for _, c := range utf16.Encode([]rune("姓名\t身份证号\r\n")) {
		utf16le = binary.LittleEndian.AppendUint16(utf16le, c)
	}
	for _, tc := range []struct {
		name string
		data []byte
		code string
		msg  string
	}{
		{"空文件", nil, minzheng.CodeInvalid, msgEmpty},
		{"只有空行", []byte("\r\n\r\n\n"), minzheng.CodeInvalid, msgNoHeader},
		{"只有逗号", []byte(",,,\n , ,\n"), minzheng.CodeInvalid, msgNoHeader},
		{"乱码二进制", junk, minzheng.CodeInvalid, msgNotSpreadsheet},
		{"旧版xls", cfb("Workbook", "\x05SummaryInformation"), minzheng.CodeInvalid, msgXLS},
		{"加密的xlsx", cfb("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"), minzheng.CodeInvalid, msgEncrypted},
		{"PDF", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), minzheng.CodeInvalid, msgNotSpreadsheet},
		{"普通压缩包", zipOf(t, map[string]string{"照片/说明.txt": "你好"}, ""), minzheng.CodeInvalid, msgNotSpreadsheet},
		{"Word文档", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}, ""), minzheng.CodeInvalid, msgNotSpreadsheet},
		{"ODS表格", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}, "mimetype"), minzheng.CodeInvalid, msgODS},
		{"xlsb", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.bin": "\x00"}, ""), minzheng.CodeInvalid, msgXLSB},
		{"损坏的xlsx", zipOf(t, map[string]string{"xl/workbook.xml": "<workbook><sheets><sheet", "[Content_Types].xml": "<"}, ""), minzheng.CodeInvalid, msgNotSpreadsheet},
		{"截断的zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), minzheng.CodeInvalid, msgNotSpreadsheet},
		{"UTF16文本", utf16le, minzheng.CodeInvalid, msgUTF16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(writeBytes(t, "upload.xlsx", tc.data))
			if err == nil {
				r.Close()
				t.Fatalf("Open accepted it as %s with header %q", r.Format(), r.Header())
			}
			e, ok := minzheng.AsError(err)
			if !ok {
				t.Fatalf("err = %v, not a *minzheng.Error", err)
			}
			if e.Code != tc.code || e.Message != tc.msg || e.Field != "file" {
				t.Errorf("err = %+v, want %s %q", e, tc.code, tc.msg)
			}
		})
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.csv")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestXLSXEmptyWorkbook(t *testing.T) {
	path := clerkWorkbook(t, func(f *excelize.File, s string) { f.SetRowHeight(s, 3, 20) })
	_, err := Open(path)
	if e, ok := minzheng.AsError(err); !ok || e.Message != msgNoHeader {
		t.Errorf("err = %v, want %q", err, msgNoHeader)
	}
}

func TestReaderClosed(t *testing.T) {
	r, err := Open(writeFile(t, FormatXLSX, testHeader, testRows))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := r.Next(); err == nil {
		t.Error("Next after Close")
	}
}

func TestRegistryRows(t *testing.T) {
	const n = 3000
	g := newRegistryRows(7)
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = append([]string(nil), g.next()...)
	}
	xlsxPath := writeFile(t, FormatXLSX, benchHeader, rows)
	csvPath := writeFile(t, FormatCSV, benchHeader, rows)
	utf8CSV, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	gbkPath := writeBytes(t, "gbk.csv", gbk(t, string(utf8CSV[len(bomUTF8):])))
	for _, tc := range []struct{ name, path string }{
		{"工作簿", xlsxPath},
		{"UTF8的CSV", csvPath},
		{"GBK的CSV", gbkPath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, res := readAll(t, tc.path)
			if err := CheckHeader(res.header, benchHeader); err != nil {
				t.Fatal(err)
			}
			if len(res.errs) > 0 || len(res.rows) != n {
				t.Fatalf("%d rows, errors %v", len(res.rows), res.errs)
			}
			for i := range rows {
				if !reflect.DeepEqual(res.rows[i], rows[i]) {
					t.Fatalf("row %d = %q, want %q", i, res.rows[i], rows[i])
				}
				if res.lines[i] != i+2 {
					t.Fatalf("row %d: Line = %d", i, res.lines[i])
				}
			}
		})
	}
}
