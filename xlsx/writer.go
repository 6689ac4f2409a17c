package xlsx

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"minzheng"
)

const (
	// maxCellChars is Excel's limit on one cell, in UTF-16 units. excelize
	// would cut a longer value short without a word; Write refuses it.
	maxCellChars = 32767

	// sizingRows is how many data rows the xlsx Writer holds back to size
	// the columns: a stream must declare widths before its first row.
	sizingRows = 200

	// numFmtText is Excel's built-in "@" (文本) number format.
	numFmtText = 49
)

var errWriterClosed = errors.New("xlsx: writer is closed")

// Writer streams rows to an .xlsx workbook of one sheet or to a CSV file.
// Call Write for each row and Close at the end, also after an error, since
// Close removes the temporary file a large workbook is staged in.
//
// In a workbook every cell is text (an inline string in a column formatted
// "@"), so Excel shows "0012" and 18-digit ID numbers and bank accounts
// exactly and keeps them text when a clerk edits them; the header row is
// bold and stays in view when scrolling; column widths follow the header and
// the first rows. Empty cells are left out of the file.
//
// A CSV is UTF-8 with a byte-order mark, which Excel needs to read it as
// UTF-8 rather than GBK, with CRLF line ends. It holds the data exactly,
// but note that Excel opening a CSV turns long digit strings into numbers
// (an ID number shows as 1.10101E+17 and loses its last digits): offer
// people .xlsx and keep CSV for other programs.
type Writer struct {
	format string
	width  int
	rows   int // data rows written or held
	closed bool

	// CSV
	csv *csv.Writer

	// XLSX
	out       io.Writer
	book      *excelize.File
	sw        *excelize.StreamWriter
	header    []string
	headStyle int
	textStyle int
	pending   [][]string // the first rows, held until the columns are sized
	started   bool
	cells     []any // reused for each row
	extra     []extraSheet
}

// extraSheet is a small sheet added after the data: a control sheet.
type extraSheet struct {
	name string
	rows [][]string
}

// AddSheet adds, to a workbook, a small second sheet of rows written after
// the data (a bank file's control sheet: lines and totals). A CSV holds one
// table and ignores it. Call it before Close.
func (wr *Writer) AddSheet(name string, rows [][]string) {
	if wr.format == FormatXLSX {
		wr.extra = append(wr.extra, extraSheet{sheetName(name), rows})
	}
}

// NewWriter starts a file of the given format (FormatXLSX or FormatCSV)
// with header as its first row; every later row has at most as many cells.
// sheet names the workbook's one sheet; characters Excel forbids in a
// sheet name are replaced and it is cut to 31 characters, and an empty
// name becomes "Sheet1". A CSV ignores it.
//
// A workbook reaches w only at Close, streamed as it is zipped; a CSV is
// written to w as rows come (through a buffer).
func NewWriter(w io.Writer, format, sheet string, header []string) (*Writer, error) {
	if len(header) == 0 {
		return nil, errors.New("xlsx: NewWriter needs a header")
	}
	wr := &Writer{format: format, width: len(header)}
	switch format {
	case FormatCSV:
		if _, err := w.Write(bomUTF8); err != nil {
			return nil, fmt.Errorf("xlsx: write csv: %w", err)
		}
		wr.csv = csv.NewWriter(w)
		wr.csv.UseCRLF = true
		if err := wr.csv.Write(header); err != nil {
			return nil, fmt.Errorf("xlsx: write csv: %w", err)
		}
		return wr, nil
	case FormatXLSX:
		if err := wr.startBook(w, sheet, header); err != nil {
			if wr.book != nil {
				wr.book.Close()
			}
			return nil, err
		}
		return wr, nil
	default:
		return nil, minzheng.Invalid("format", "不支持的导出格式“%s”，只能是 xlsx 或 csv", format)
	}
}

func (wr *Writer) startBook(w io.Writer, sheet string, header []string) error {
	wr.out = w
	wr.header = append([]string(nil), header...)
	for i, h := range wr.header {
		if err := checkCell(h); err != nil {
			return minzheng.Invalid("row", "表头第 %d 列%s", i+1, err)
		}
	}
	book := excelize.NewFile()
	wr.book = book
	// excelize zips the whole workbook into a bytes.Buffer before writing
	// it anywhere; handing it a zip.Writer on w instead streams the sheet
	// from its temporary file straight out, so a million-row export does
	// not hold the compressed file in memory.
	book.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	name := sheetName(sheet)
	if name != "Sheet1" {
		if err := book.SetSheetName("Sheet1", name); err != nil {
			return fmt.Errorf("xlsx: sheet name %q: %w", name, err)
		}
	}
	var err error
	wr.headStyle, err = book.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		NumFmt:    numFmtText,
	})
	if err != nil {
		return fmt.Errorf("xlsx: header style: %w", err)
	}
	if wr.textStyle, err = book.NewStyle(&excelize.Style{NumFmt: numFmtText}); err != nil {
		return fmt.Errorf("xlsx: text style: %w", err)
	}
	if wr.sw, err = book.NewStreamWriter(name); err != nil {
		return fmt.Errorf("xlsx: stream writer: %w", err)
	}
	wr.cells = make([]any, wr.width)
	return nil
}

// Write adds one row. A row shorter than the header is padded with empty
// cells; a longer one is refused unless the extra cells are empty, and so,
// in a workbook, is a cell over Excel's 32,767 characters, rather than
// being cut short unseen, and a row past Excel's 1,048,576.
func (wr *Writer) Write(row []string) error {
	if wr.closed {
		return errWriterClosed
	}
	n := wr.rows + 1 // this row's number among the data rows; a refused row takes none
	for i := len(row) - 1; i >= wr.width; i-- {
		if row[i] != "" {
			return minzheng.Invalid("row", "导出的第 %d 行有 %d 列，多于表头的 %d 列", n, len(row), wr.width)
		}
	}
	row = row[:min(len(row), wr.width)]
	if wr.format == FormatCSV {
		if len(row) < wr.width {
			row = append(append(make([]string, 0, wr.width), row...), make([]string, wr.width-len(row))...)
		}
		if err := wr.csv.Write(defuse(row)); err != nil {
			return fmt.Errorf("xlsx: write csv: %w", err)
		}
		wr.rows = n
		return nil
	}
	if n+1 > MaxRows {
		return &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "row",
			Message: fmt.Sprintf("导出的数据超过 Excel 工作表的上限（%d 行），请缩小筛选范围，或导出 CSV", MaxRows-1)}
	}
	for i, c := range row {
		if err := checkCell(c); err != nil {
			return minzheng.Invalid("row", "导出的第 %d 行第 %d 列%s", n, i+1, err)
		}
	}
	wr.rows = n
	if !wr.started {
		wr.pending = append(wr.pending, append([]string(nil), row...))
		if len(wr.pending) < sizingRows {
			return nil
		}
		return wr.start()
	}
	return wr.writeRow(n+1, row, wr.textStyle)
}

// start sizes the columns from the header and the rows held so far, then
// writes the header and those rows; from then on rows go straight out.
func (wr *Writer) start() error {
	wr.started = true
	for i, h := range wr.header {
		w := displayWidth(h) + 4 // the bold header and the filter arrow a clerk adds
		for _, row := range wr.pending {
			if i < len(row) {
				w = max(w, displayWidth(row[i])+2)
			}
		}
		if err := wr.sw.SetColWidth(i+1, i+1, math.Min(math.Max(float64(w), 8), 60)); err != nil {
			return fmt.Errorf("xlsx: column width: %w", err)
		}
	}
	// Cells a clerk types into later are text too.
	if err := wr.sw.SetColStyle(1, wr.width, wr.textStyle); err != nil {
		return fmt.Errorf("xlsx: column style: %w", err)
	}
	if err := wr.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: freeze header: %w", err)
	}
	if err := wr.writeRow(1, wr.header, wr.headStyle); err != nil {
		return err
	}
	for i, row := range wr.pending {
		if err := wr.writeRow(i+2, row, wr.textStyle); err != nil {
			return err
		}
	}
	wr.pending = nil
	return nil
}

func (wr *Writer) writeRow(n int, row []string, style int) error {
	clear(wr.cells)
	for i, c := range row {
		if c != "" {
			wr.cells[i] = excelize.Cell{StyleID: style, Value: c}
		}
	}
	if err := wr.sw.SetRow("A"+strconv.Itoa(n), wr.cells); err != nil {
		return fmt.Errorf("xlsx: write row %d: %w", n, err)
	}
	return nil
}

// Close ends the file: a CSV is flushed, a workbook is zipped and written
// to w. It removes the workbook's temporary file whether or not that
// succeeds. Closing twice is harmless.
func (wr *Writer) Close() error {
	if wr.closed {
		return nil
	}
	wr.closed = true
	if wr.format == FormatCSV {
		wr.csv.Flush()
		if err := wr.csv.Error(); err != nil {
			return fmt.Errorf("xlsx: write csv: %w", err)
		}
		return nil
	}
	err := wr.finish()
	if e := wr.book.Close(); e != nil && err == nil {
		err = fmt.Errorf("xlsx: close workbook: %w", e)
	}
	return err
}

func (wr *Writer) finish() error {
	if !wr.started {
		if err := wr.start(); err != nil {
			return err
		}
	}
	if err := wr.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: flush sheet: %w", err)
	}
	for _, x := range wr.extra {
		if _, err := wr.book.NewSheet(x.name); err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", x.name, err)
		}
		for i, row := range x.rows {
			for j, v := range row {
				cell, err := excelize.CoordinatesToCellName(j+1, i+1)
				if err != nil {
					return err
				}
				if err := wr.book.SetCellStr(x.name, cell, v); err != nil {
					return fmt.Errorf("xlsx: sheet %q: %w", x.name, err)
				}
			}
		}
		if err := wr.book.SetColWidth(x.name, "A", "B", 24); err != nil {
			return fmt.Errorf("xlsx: sheet %q: %w", x.name, err)
		}
	}
	if err := wr.book.Write(wr.out); err != nil {
		return fmt.Errorf("xlsx: write workbook: %w", err)
	}
	return nil
}

// checkCell refuses a value longer than an Excel cell holds.
func checkCell(s string) error {
	if len(s) <= maxCellChars {
		return nil
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	if n > maxCellChars {
		return fmt.Errorf("超过 Excel 单元格的上限（%d 个字符）", maxCellChars)
	}
	return nil
}

// sheetName makes s acceptable to Excel as a sheet name: no : \ / ? * [ ],
// no quote at either end, at most 31 UTF-16 units, not empty.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			return '_'
		}
		if r < 0x20 {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, "'")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n+utf16.RuneLen(r) > 31 {
			break
		}
		n += utf16.RuneLen(r)
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "Sheet1"
	}
	return b.String()
}

// displayWidth is how many Excel width units a value needs: Chinese
// characters take two, others one; for a cell of several lines, its
// longest line.
func displayWidth(s string) int {
	best, cur := 0, 0
	for _, r := range s {
		if r == '\n' {
			best, cur = max(best, cur), 0
			continue
		}
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			cur += 2
		default:
			cur++
		}
	}
	return max(best, cur)
}

// defuse keeps a CSV cell that starts like a formula (=, +, -, @, a tab or a
// carriage return) from being run when the file is opened in a spreadsheet:
// a leading apostrophe makes it text (OWASP's advice on CSV injection). A
// cell that is just a negative number is left as it is. The .xlsx writer
// needs no such care: its cells are text, never formulas.
func defuse(row []string) []string {
	var out []string
	for i, c := range row {
		if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) || isNumber(c) {
			continue
		}
		if out == nil {
			out = append([]string(nil), row...)
		}
		out[i] = "'" + c
	}
	if out == nil {
		return row
	}
	return out
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
