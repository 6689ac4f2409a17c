// Package xlsx reads and writes the spreadsheets township clerks exchange
// with the registry: Excel workbooks (.xlsx) and CSV files, streamed row by
// row so that a million-row file costs about the memory of a small one.
//
// It knows nothing of households. A Reader hands out rows of trimmed string
// cells together with the row number a clerk sees in Excel, so the caller
// can say "第 37 行：身份证号不对"; a Writer turns rows of strings into a
// workbook whose every cell is text, so that an 18-digit ID number or a bank
// account never becomes 1.10101E+17.
//
// Errors a clerk can fix are *minzheng.Error values with Chinese messages:
// Field "file" for the file and its rows, "header" for the header row,
// "row" for a row handed to a Writer. Where a library error lies behind
// one it is wrapped with it (for the log), so find it with
// minzheng.AsError rather than a type assertion. Anything else is an
// internal error.
package xlsx

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"minzheng"
)

// The two formats a Reader understands and a Writer produces.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// MaxRows is the most rows (header included) a file may have: Excel's own
// limit of 1,048,576, so that anything we accept can also be opened in
// Excel, and a CSV that is not really a spreadsheet cannot run forever.
const MaxRows = 1 << 20

const (
	// maxRecordBytes bounds one CSV record. A 12-column registry row is
	// well under 1 KiB; a record this large almost always means a quote
	// that was opened and never closed, which would otherwise swallow the
	// rest of the file into one cell, in memory.
	maxRecordBytes = 1 << 20

	// maxUnzipBytes bounds what an .xlsx may unpack to, against zip bombs.
	// A million rows of 12 columns unpack to about 1 GiB; excelize's own
	// default is 16 GiB. Only the shared strings are unpacked into memory,
	// within bounds of their own (see stringTable); the sheet is streamed.
	maxUnzipBytes = 4 << 30

	// sniffBytes is how much of a file is looked at to tell its format
	// and, for CSV, its encoding.
	sniffBytes = 64 << 10
)

// Messages a clerk reads.
const (
	msgNotSpreadsheet = "文件不是 Excel 工作簿（.xlsx）或 CSV 文件"
	msgXLS            = "这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"
	msgEncrypted      = "工作簿设置了打开密码，请在 Excel 中取消密码、保存后再导入"
	msgXLSB           = "这是 Excel 二进制工作簿（.xlsb），请在 Excel 中另存为 .xlsx 或 CSV 后再导入"
	msgODS            = "这是 OpenDocument 表格（.ods）文件，请另存为 Excel 工作簿（.xlsx）或 CSV 后再导入"
	msgUTF16          = "这是 UTF-16（Unicode 文本）文件，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入"
	msgEmpty          = "文件是空的"
	msgNoHeader       = "文件中没有表头：第一行应为各列的名称"
)

var (
	magicZip = []byte("PK\x03\x04")
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicPDF = []byte("%PDF-")
	bomUTF8  = []byte{0xEF, 0xBB, 0xBF}

	errClosed = errors.New("xlsx: reader is closed")
)

// Reader streams the rows of the first sheet of an .xlsx workbook, or of a
// CSV file. Open it, check Header, call Next until io.EOF, Close.
//
// Cells are trimmed of spaces (full-width ones included), rows are padded to
// the header's width, and rows with no content at all are skipped wherever
// they are, so a clerk's stray blank lines never become errors.
//
// Values in a workbook come back as stored, not as displayed (what
// excelize calls RawCellValue): text, including an 18-digit ID
// typed as text, comes back exactly; a number comes back as Excel stored it
// ("1234.5" for a cell shown as "1,234.50", "0.12" for "12%"), and a date
// as its serial day number ("45296"; see SerialDate). The displayed form is
// worse for an import: excelize renders 2024-01-05 as "01-05-24" whatever
// the locale, and a "0" format shows 1234.56 as "1235", a digit lost. An ID
// that Excel has already made a number comes back as Excel stored it,
// "1.10101199001011E+17", either way: the caller's ID check refuses it and
// may say why. One tidy-up is made: a decimal with more than 15 significant
// digits ("0.30000000000000004", left by a formula) is rounded to 15, the
// most Excel itself computes with or shows. A formula gives the result
// Excel last computed, a TRUE/FALSE cell "1" or "0", an error cell its
// text ("#N/A"); rich text comes back as plain text, without the phonetic
// guide Excel may keep over Japanese text.
//
// The cells of a row share memory with one another and, in a workbook
// Excel saved, with the workbook's table of text, held while reading: a
// caller that keeps a few cells long after reading (in a cache, say)
// should strings.Clone them.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	path   string
	format string
	header []string
	line   int   // row of the row Next last returned; the header's before that
	err    error // ends reading: io.EOF, or an error the file cannot get past
	closed bool

	// CSV
	file   *os.File
	csv    *csvSource
	folded int // line breaks inside quoted cells of the records read so far

	// XLSX
	xl       sheetRows
	date1904 bool
}

// Open opens the spreadsheet at path, tells its format from its content
// (never from its name, which clerks get wrong), and reads its header: the
// first row with any content. Files that are not spreadsheets, or have no
// header, give an invalid *minzheng.Error the clerk can act on; a workbook
// that would unpack to more than 4 GiB gives CodeTooLarge.
//
// A workbook's first sheet is unzipped as it is read, never whole; only
// its shared strings (the text of cells, in a file Excel saved) are held
// in memory. Always Close the Reader.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	br := bufio.NewReaderSize(f, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF {
		f.Close()
		return nil, fmt.Errorf("xlsx: read %s: %w", path, err)
	}
	var r *Reader
	err = nil
	switch {
	case len(head) == 0:
		f.Close()
		return nil, minzheng.Invalid("file", msgEmpty)
	case bytes.HasPrefix(head, magicZip):
		ods := isODS(head)
		f.Close()
		if ods {
			return nil, minzheng.Invalid("file", msgODS)
		}
		r, err = openXLSX(path)
	case bytes.HasPrefix(head, magicOLE):
		encrypted := isEncryptedOOXML(f)
		f.Close()
		if encrypted {
			return nil, minzheng.Invalid("file", msgEncrypted)
		}
		return nil, minzheng.Invalid("file", msgXLS)
	default:
		if err := checkText(head); err != nil {
			f.Close()
			return nil, err
		}
		r = openCSV(f, br, head)
	}
	if err != nil {
		return nil, err
	}
	r.path = path
	if err := r.readHeader(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Estimate is about how many data rows the file holds, for a progress bar:
// a workbook's recorded dimension or, for a workbook without one (as
// streamed workbooks are), its size over the size of its first rows; or a
// CSV's line breaks (a quick pass over the file, without parsing). It may
// be off by blank rows, rows of unequal length and line breaks inside
// quoted cells; 0 when it cannot tell.
func (r *Reader) Estimate() int {
	if r.format == FormatXLSX {
		if r.closed {
			return 0
		}
		return r.xl.estimate()
	}
	f, err := os.Open(r.path)
	if err != nil {
		return 0
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			break
		}
	}
	return max(0, n-1)
}

// readHeader reads up to the first row with content and keeps it, trimmed
// and without trailing empty cells, as the header that fixes the width of
// every data row.
func (r *Reader) readHeader() error {
	for {
		cells, line, err := r.readRaw()
		if err == io.EOF {
			return minzheng.Invalid("file", msgNoHeader)
		}
		if err != nil {
			return err
		}
		trimCells(cells)
		n := len(cells)
		for n > 0 && cells[n-1] == "" {
			n--
		}
		if n == 0 {
			continue
		}
		r.header = cells[:n:n]
		r.line = line
		return nil
	}
}

// Header returns the header row: the file's first row with content, cells
// trimmed, trailing empty cells dropped. Pass it to CheckHeader.
func (r *Reader) Header() []string {
	return append([]string(nil), r.header...)
}

// Format returns FormatXLSX or FormatCSV.
func (r *Reader) Format() string { return r.format }

// Line returns the row number of the row Next last returned (of the header
// before the first Next), counted from 1 as Excel counts rows, so that an
// error report points where the clerk will look:
//
//   - in a workbook it is the sheet's row number, blank rows included;
//   - in a CSV it is the row Excel shows when it opens the file: every
//     line counts, blank ones too, but a cell holding a line break (a
//     quoted newline) does not start a new row. In a text editor such a
//     record starts on a later line than Line says.
func (r *Reader) Line() int { return r.line }

// Next returns the next row with content: its cells trimmed and exactly as
// many as the header has. At the end it returns io.EOF.
//
// A row with content beyond the header's last column, or (in a CSV) with
// characters that are neither UTF-8 nor GB18030 or a broken quote, gives an
// invalid *minzheng.Error naming the row; Line points at it and Next may be
// called again to go on with the following rows, so a caller can collect
// every bad row in one pass. Any other error ends the file.
func (r *Reader) Next() ([]string, error) {
	if r.closed {
		return nil, errClosed
	}
	for {
		cells, line, err := r.readRaw()
		if err != nil {
			if line > 0 {
				r.line = line
			}
			return nil, err
		}
		trimCells(cells)
		if isBlank(cells) {
			continue
		}
		r.line = line
		return r.fit(cells)
	}
}

// fit makes cells exactly as wide as the header. Empty cells past the
// header are dropped (Excel often remembers formatting there), but content
// past it means the row is shifted or the header is short, and guessing
// which would put data in the wrong column.
func (r *Reader) fit(cells []string) ([]string, error) {
	w := len(r.header)
	for i := len(cells) - 1; i >= w; i-- {
		if cells[i] != "" {
			return nil, minzheng.Invalid("file", "第 %d 行的第 %d 列（%s 列）有内容，但表头只有 %d 列：请检查这一行是否错位，或补上表头",
				r.line, i+1, columnName(i+1), w)
		}
	}
	if len(cells) >= w {
		return cells[:w:w], nil
	}
	out := make([]string, w)
	copy(out, cells)
	return out, nil
}

// readRaw returns the next row as the file has it, with its row number. A
// non-zero line comes with a row-level error so that Next can point at it.
func (r *Reader) readRaw() ([]string, int, error) {
	if r.err != nil {
		return nil, 0, r.err
	}
	if r.format == FormatXLSX {
		return r.readXLSX()
	}
	return r.readCSV()
}

// readXLSX returns the next row the sheet has. Rows the sheet leaves out
// are blank and would be skipped anyway.
func (r *Reader) readXLSX() ([]string, int, error) {
	cells, row, err := r.xl.next()
	if err != nil {
		r.err = err
		return nil, 0, err
	}
	for i, c := range cells {
		cells[i] = tidyNumber(c)
	}
	return cells, row, nil
}

func tooManyRows() error {
	return &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file",
		Message: fmt.Sprintf("文件超过 %d 行（Excel 工作表的上限），请拆分成几个文件后再导入", MaxRows)}
}

// SerialDate reads v, a cell of a workbook holding an Excel date, as the
// date it stands for. Excel stores a date as a day count (45296 is
// 2024-01-05), and a Reader returns values as stored, so a caller that
// expects a date may try this when v does not parse as one. A time of day
// is dropped, and the workbook's date system (1900 or, from old Macs, 1904)
// is honoured. It reports false for anything that is not a day count, for
// Excel's nonexistent 1900-02-29, and always for a CSV, where Excel writes
// dates as they are displayed.
func (r *Reader) SerialDate(v string) (minzheng.Date, bool) {
	if r.format != FormatXLSX || v == "" || v[0] < '0' || v[0] > '9' {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f >= 2958466 { // 2958465 is 9999-12-31
		return 0, false
	}
	n := int(math.Floor(f))
	switch {
	case r.date1904:
		return minzheng.NewDate(1904, 1, 1).AddDays(n), true
	case n < 60:
		return minzheng.NewDate(1899, 12, 31).AddDays(n), true
	case n == 60:
		return 0, false // Lotus 1-2-3's 1900-02-29, kept by Excel
	default:
		return minzheng.NewDate(1899, 12, 30).AddDays(n), true
	}
}

// Close releases the file. Closing twice is harmless.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	var err error
	if r.xl != nil {
		err = r.xl.close()
	}
	if r.file != nil {
		if e := r.file.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// trimCells trims each cell of spaces, including the full-width space
// (U+3000) a Chinese input method types, no-break spaces from web pages, and
// stray zero-width characters and byte-order marks that copy and paste
// leave behind.
func trimCells(cells []string) {
	for i, c := range cells {
		cells[i] = strings.TrimFunc(c, isTrimmed)
	}
}

func isTrimmed(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// columnName is Excel's letter name of the 1-based column n: 1 is A, 27 AA.
func columnName(n int) string {
	name, err := excelize.ColumnNumberToName(n)
	if err != nil {
		return strconv.Itoa(n)
	}
	return name
}

// tidyNumber rounds a plain decimal with more than 15 significant digits to
// 15, removing the binary noise of formula results ("0.30000000000000004"
// becomes "0.3"). Integers and numbers in E notation are left alone, so
// that an ID number in any form comes back as the file has it.
func tidyNumber(s string) string {
	if len(s) < 17 || !strings.Contains(s, ".") {
		return s
	}
	sig := 0
	leading := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' && i == 0, c == '.':
		case c >= '0' && c <= '9':
			if c != '0' {
				leading = false
			}
			if !leading {
				sig++
			}
		default:
			return s
		}
	}
	if sig <= 15 {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// isODS reports whether a zip is an OpenDocument spreadsheet, whose first
// entry is an uncompressed "mimetype" naming itself.
func isODS(head []byte) bool {
	n := min(len(head), 128)
	return bytes.Contains(head[:n], []byte("application/vnd.oasis.opendocument.spreadsheet"))
}

// isEncryptedOOXML tells a password-protected .xlsx from an old .xls: both
// are OLE compound files, but only the first has an "EncryptedPackage"
// stream. It looks in the first directory sector only, where Excel puts
// it; if it cannot tell, the file is taken for an .xls.
func isEncryptedOOXML(f *os.File) bool {
	var hdr [512]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return false
	}
	shift := binary.LittleEndian.Uint16(hdr[0x1E:])
	if shift != 9 && shift != 12 {
		return false
	}
	size := int64(1) << shift
	dirSector := int64(binary.LittleEndian.Uint32(hdr[0x30:]))
	dir := make([]byte, size)
	if _, err := f.ReadAt(dir, (dirSector+1)*size); err != nil {
		return false
	}
	for off := 0; off+128 <= len(dir); off += 128 {
		n := int(binary.LittleEndian.Uint16(dir[off+0x40:]))
		if n < 2 || n > 64 {
			continue
		}
		u := make([]uint16, n/2-1)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(dir[off+2*i:])
		}
		if name := string(utf16.Decode(u)); name == "EncryptedPackage" || name == "EncryptionInfo" {
			return true
		}
	}
	return false
}
