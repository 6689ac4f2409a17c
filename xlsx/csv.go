package xlsx

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"minzheng"
)

// csvSource is the CSV half of a Reader: encoding/csv over the decoded
// text, behind a limiter that keeps one record from growing without end.
type csvSource struct {
	r     *csv.Reader
	limit *recordLimiter
}

// openCSV reads a CSV as UTF-8 when it says so with a byte-order mark, and
// otherwise lets autoDecoder choose between UTF-8 and GB18030 from the
// bytes themselves: Chinese Excel saves "CSV（逗号分隔）" in GBK, which
// GB18030 contains, and "CSV UTF-8" with a mark.
func openCSV(f *os.File, br *bufio.Reader, head []byte) *Reader {
	var src io.Reader = &autoDecoder{br: br}
	if bytes.HasPrefix(head, bomUTF8) {
		br.Discard(len(bomUTF8))
		src = br
	}
	lim := &recordLimiter{r: src}
	cr := csv.NewReader(lim)
	// Ragged rows are fitted to the header by Next. Quotes are strict:
	// Excel always writes them right, and a lenient parser would take a
	// quote left open for a cell running to the end of the file.
	cr.FieldsPerRecord = -1
	return &Reader{format: FormatCSV, file: f, csv: &csvSource{r: cr, limit: lim}}
}

// checkText turns away what cannot be a CSV before it is parsed as one:
// UTF-16 text (Excel's "Unicode 文本"), PDFs, and binary files, which have
// NUL bytes or many control characters where text has none.
func checkText(head []byte) error {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return minzheng.Invalid("file", msgUTF16)
	}
	if bytes.HasPrefix(head, magicPDF) || bytes.IndexByte(head, 0) >= 0 {
		return minzheng.Invalid("file", msgNotSpreadsheet)
	}
	controls := 0
	for _, b := range head {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1A) || b == 0x7F {
			controls++
		}
	}
	if controls*100 > len(head) {
		return minzheng.Invalid("file", msgNotSpreadsheet)
	}
	return nil
}

func (r *Reader) readCSV() ([]string, int, error) {
	rec, err := r.csv.r.Read()
	if r.csv.limit.tripped {
		where := "文件开头"
		if r.line > 0 {
			where = fmt.Sprintf("第 %d 行之后", r.line)
		}
		r.err = &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file",
			Message: fmt.Sprintf("%s有一行超过 %d MiB，多半是某个单元格的英文引号（\"）没有成对，请改正，或在 Excel 中打开后重新另存为 CSV", where, maxRecordBytes>>20)}
		return nil, 0, r.err
	}
	if err != nil {
		if err == io.EOF {
			r.err = io.EOF
			return nil, 0, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// encoding/csv goes on at the next line; the broken record
			// counts as one row, as if its quotes had been right.
			row := pe.StartLine - r.folded
			r.folded += pe.Line - pe.StartLine
			r.csv.limit.start = r.csv.r.InputOffset()
			if errors.Is(pe.Err, csv.ErrBareQuote) {
				return nil, row, minzheng.Invalid("file", "第 %d 行的单元格里有多余的英文引号（\"），请删去它，或在 Excel 中打开后重新另存为 CSV", row)
			}
			return nil, row, minzheng.Invalid("file", "第 %d 行起有一个单元格的英文引号（\"）没有成对，请改正，或在 Excel 中打开后重新另存为 CSV", row)
		}
		r.err = fmt.Errorf("xlsx: read csv: %w", err)
		return nil, 0, r.err
	}
	r.csv.limit.start = r.csv.r.InputOffset()
	line, _ := r.csv.r.FieldPos(0)
	row := line - r.folded
	for _, c := range rec {
		r.folded += strings.Count(c, "\n")
	}
	if row > MaxRows {
		r.err = tooManyRows()
		return nil, row, r.err
	}
	for _, c := range rec {
		if !utf8.ValidString(c) {
			return nil, row, minzheng.Invalid("file", "第 %d 行有无法识别的文字：文件的编码前后不一致，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入", row)
		}
	}
	return rec, row, nil
}

// autoDecoder passes text through until its first non-ASCII byte, then
// decides once, from up to sniffBytes from there on, whether the file is
// UTF-8 or GB18030 (see looksUTF8). Deciding at the first non-ASCII byte
// rather than at the start keeps a file whose first many rows are digits
// from being judged by them alone, and it never holds more than one buffer.
type autoDecoder struct {
	br *bufio.Reader
	r  io.Reader // set once decided
}

func (a *autoDecoder) Read(p []byte) (int, error) {
	if a.r != nil {
		return a.r.Read(p)
	}
	buf, err := a.br.Peek(a.br.Size())
	if len(buf) == 0 {
		return 0, err
	}
	i := 0
	for i < len(buf) && buf[i] < utf8.RuneSelf {
		i++
	}
	if i > 0 {
		n := copy(p, buf[:i])
		a.br.Discard(n)
		return n, nil
	}
	if looksUTF8(buf, err == nil) {
		a.r = a.br
	} else {
		a.r = transform.NewReader(a.br, simplifiedchinese.GB18030.NewDecoder())
	}
	return a.r.Read(p)
}

// looksUTF8 reports whether text reads as UTF-8: at least four valid
// multi-byte characters for each byte that is not UTF-8. GBK text is not
// UTF-8 for most of its characters (only about one in seven happens to
// form a valid sequence), while a UTF-8 file with one pasted-in GBK cell is
// still mostly valid; decoding that one as GB18030 would garble every name
// in it unseen, where as UTF-8 only the bad cell's row is reported. A rune
// cut off at the end of b is forgiven when more of the file follows.
func looksUTF8(b []byte, more bool) bool {
	valid, invalid := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		if more && !utf8.FullRune(b) {
			break
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			valid++
		}
		b = b[n:]
	}
	return valid >= 4*invalid
}

// errRecordTooLong stops encoding/csv from reading further into a record
// that has grown past maxRecordBytes.
var errRecordTooLong = errors.New("xlsx: csv record too long")

// recordLimiter counts the bytes it hands to encoding/csv. The Reader sets
// start to csv's input offset after each record, so read-start is the
// size of the record being read (plus csv's read-ahead of a few KiB).
type recordLimiter struct {
	r       io.Reader
	read    int64
	start   int64
	tripped bool
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.read-l.start > maxRecordBytes {
		l.tripped = true
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}
