package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"minzheng"
)

// sheetRows is where a Reader gets a workbook's rows: cells as stored
// (not yet trimmed or tidied), with the row number Excel shows. Errors
// are final: io.EOF at the end, or an error for the clerk.
type sheetRows interface {
	next() (cells []string, row int, err error)
	estimate() int
	close() error
}

// maxColumns is Excel's last column, XFD.
const maxColumns = 16384

// openXLSX opens a workbook's first sheet for streaming: its XML is
// unzipped as it is read, through sheetReader, and only the shared
// strings are held in memory.
func openXLSX(path string) (*Reader, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, notWorkbook(err)
	}
	if err := checkZip(&zr.Reader); err != nil {
		zr.Close()
		return nil, err
	}
	sr, date1904, err := openSheet(&zr.Reader)
	if err != nil {
		zr.Close()
		return nil, err
	}
	sr.zip = zr
	return &Reader{format: FormatXLSX, xl: sr, date1904: date1904}, nil
}

func notWorkbook(err error) error {
	return fmt.Errorf("xlsx: %w: %v", minzheng.Invalid("file", msgNotSpreadsheet), err)
}

// checkZip looks at a zip's directory, which costs no unpacking, and turns
// away zips that are not workbooks (a .docx, a folder of photos) and zips
// that would unpack to more than maxUnzipBytes. archive/zip refuses to
// unpack an entry past the size its directory declares, so the total
// holds.
func checkZip(zr *zip.Reader) error {
	var total uint64
	workbook, xlsb := false, false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		switch strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/")) {
		case "xl/workbook.xml":
			workbook = true
		case "xl/workbook.bin":
			xlsb = true
		}
	}
	if !workbook && xlsb {
		return minzheng.Invalid("file", msgXLSB)
	}
	if !workbook {
		return minzheng.Invalid("file", msgNotSpreadsheet)
	}
	if total > maxUnzipBytes {
		return &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file",
			Message: fmt.Sprintf("工作簿解压后超过 %d GiB，请拆分成几个文件后再导入", maxUnzipBytes>>30)}
	}
	return nil
}

// pkg finds the parts of a workbook's zip by name, as the package's
// relationships give them: "/xl/worksheets/sheet1.xml" or
// "xl\worksheets\sheet1.xml" finds "xl/worksheets/sheet1.xml", and so, as
// a last resort, does another case.
type pkg struct {
	files  map[string]*zip.File
	folded map[string]*zip.File
}

func newPkg(zr *zip.Reader) *pkg {
	p := &pkg{files: map[string]*zip.File{}, folded: map[string]*zip.File{}}
	for _, f := range zr.File {
		name := partName(f.Name)
		if _, dup := p.files[name]; !dup {
			p.files[name] = f
		}
		if _, dup := p.folded[strings.ToLower(name)]; !dup {
			p.folded[strings.ToLower(name)] = f
		}
	}
	return p
}

func partName(name string) string {
	return strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/")
}

func (p *pkg) file(name string) *zip.File {
	name = partName(name)
	if f := p.files[name]; f != nil {
		return f
	}
	return p.folded[strings.ToLower(name)]
}

// relationship is one <Relationship> of a .rels part, its target resolved
// to a part name.
type relationship struct {
	id, typ, target string
}

// errNoRels is rels's error for a part without relationships.
var errNoRels = errors.New("no relationships part")

// rels reads the relationships of the part at source ("" for the package
// itself).
func (p *pkg) rels(source string) ([]relationship, error) {
	dir, base := path.Split(source)
	f := p.file(dir + "_rels/" + base + ".rels")
	if f == nil {
		return nil, fmt.Errorf("%s: %w", source, errNoRels)
	}
	var out []relationship
	err := decodeXMLPart(f, func(se xml.StartElement) (bool, error) {
		if se.Name.Local != "Relationship" {
			return false, nil
		}
		var r relationship
		external := false
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				r.id = a.Value
			case "Type":
				r.typ = a.Value
			case "Target":
				r.target = a.Value
			case "TargetMode":
				external = strings.EqualFold(a.Value, "External")
			}
		}
		if external {
			return false, nil
		}
		if t := strings.ReplaceAll(r.target, "\\", "/"); strings.HasPrefix(t, "/") {
			r.target = path.Clean(t)[1:]
		} else {
			r.target = strings.TrimPrefix(path.Join(dir, t), "/")
		}
		out = append(out, r)
		return false, nil
	})
	return out, err
}

// relType reports whether a relationship type URI is of the given kind
// ("worksheet", "sharedStrings"), in transitional or strict OOXML.
func relType(uri, kind string) bool {
	return strings.HasSuffix(uri, "/"+kind)
}

// decodeXMLPart runs each start element of a small part through fn, with
// encoding/xml, until fn reports it is done or the part ends.
func decodeXMLPart(f *zip.File, fn func(xml.StartElement) (bool, error)) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			done, err := fn(se)
			if err != nil || done {
				return err
			}
		}
	}
}

// openSheet finds the workbook's first sheet, as Excel orders its tabs,
// through the package's relationships, reads the shared strings and the
// date system, and starts reading the sheet.
func openSheet(zr *zip.Reader) (*sheetReader, bool, error) {
	p := newPkg(zr)
	bookPath := "xl/workbook.xml"
	rels, err := p.rels("")
	if err != nil && !errors.Is(err, errNoRels) {
		return nil, false, notWorkbook(err)
	}
	for _, r := range rels {
		if relType(r.typ, "officeDocument") && p.file(r.target) != nil {
			bookPath = r.target
			break
		}
	}
	book := p.file(bookPath)
	if book == nil {
		return nil, false, notWorkbook(errors.New("no xl/workbook.xml"))
	}

	// The workbook part: the date system, and the sheets in tab order.
	var date1904 bool
	var sheetIDs []string
	err = decodeXMLPart(book, func(se xml.StartElement) (bool, error) {
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					date1904, _ = strconv.ParseBool(strings.TrimSpace(a.Value))
				}
			}
		case "sheet":
			for _, a := range se.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" {
					sheetIDs = append(sheetIDs, a.Value)
				}
			}
		case "calcPr", "definedNames", "extLst":
			return len(sheetIDs) > 0, nil // past <sheets>
		}
		return false, nil
	})
	if err != nil {
		return nil, false, notWorkbook(err)
	}
	if len(sheetIDs) == 0 {
		return nil, false, notWorkbook(errors.New("workbook has no sheets"))
	}
	if rels, err = p.rels(bookPath); err != nil {
		return nil, false, notWorkbook(err)
	}
	byID := map[string]relationship{}
	var sstPath string
	for _, r := range rels {
		byID[r.id] = r
		if relType(r.typ, "sharedStrings") && sstPath == "" {
			sstPath = r.target
		}
	}
	// The first worksheet: a chart on a tab of its own has no cells. A
	// workbook without one gets its first sheet read, and found empty.
	var sheet *zip.File
	for _, id := range sheetIDs {
		if r, ok := byID[id]; ok && relType(r.typ, "worksheet") {
			if sheet = p.file(r.target); sheet != nil {
				break
			}
		}
	}
	if r, ok := byID[sheetIDs[0]]; sheet == nil && ok {
		sheet = p.file(r.target)
	}
	if sheet == nil {
		return nil, false, notWorkbook(errors.New("first sheet not found"))
	}

	var sst *stringTable
	if sstPath == "" {
		sstPath = path.Join(path.Dir(bookPath), "sharedStrings.xml")
	}
	if f := p.file(sstPath); f != nil {
		if sst, err = readSharedStrings(f); err != nil {
			var me *minzheng.Error
			if errors.As(err, &me) {
				return nil, false, err
			}
			return nil, false, fmt.Errorf("xlsx: %w: %v", minzheng.Invalid("file", "工作簿的共享字符串无法读取，文件可能已损坏"), err)
		}
	}
	rc, err := sheet.Open()
	if err != nil {
		return nil, false, notWorkbook(err)
	}
	return &sheetReader{file: sheet, rc: rc, sc: newXMLScanner(rc), sst: sst}, date1904, nil
}

// stringTable is the shared strings, packed for a workbook with millions
// of them: the text in a few large strings, each item a uint64 pointing
// into one of them. That is 8 bytes an item instead of a string header and
// an allocation, and nothing for the garbage collector to scan. A cell
// from the table is a substring of one of the large strings, so
// allocating nothing; a caller that keeps one keeps its chunk.
type stringTable struct {
	chunks []string
	items  []uint64 // chunk<<42 | offset<<21 | length
	cur    []byte   // the chunk being filled
	chunk  int      // the size of a chunk
	size   int      // bytes of text in all
}

const (
	sstChunk   = 1 << 20 // the largest chunk size; a string is at most maxTextBytes
	sstBits    = 21      // bits for an offset in a chunk, and for a length
	sstBitMask = 1<<sstBits - 1

	// Bounds on the shared strings, which are held in memory: far above
	// a million rows of 20 columns of registry text (about 20 million
	// cells and 200 MiB of text, were every cell different), far below
	// what a zip bomb within maxUnzipBytes could ask for.
	maxSharedStrings = 1 << 25
	maxSharedBytes   = 1 << 30
)

// add appends s to the table.
func (t *stringTable) add(s []byte) error {
	if len(t.items) >= maxSharedStrings || t.size+len(s) > maxSharedBytes {
		return sharedTooLarge()
	}
	if len(t.cur)+len(s) > cap(t.cur) {
		t.seal()
		if len(s) > cap(t.cur) {
			t.cur = make([]byte, 0, max(len(s), t.chunk))
		}
	}
	item := uint64(len(t.chunks))<<(2*sstBits) | uint64(len(t.cur))<<sstBits | uint64(len(s))
	t.cur = append(t.cur, s...)
	t.items = append(t.items, item)
	t.size += len(s)
	return nil
}

func sharedTooLarge() error {
	return &minzheng.Error{Code: minzheng.CodeTooLarge, Field: "file",
		Message: fmt.Sprintf("工作簿中的文字超过 %d 条或 %d MiB，请拆分成几个文件后再导入", maxSharedStrings, maxSharedBytes>>20)}
}

// seal makes the chunk being filled a string and starts a new one in the
// same buffer.
func (t *stringTable) seal() {
	if len(t.cur) > 0 {
		t.chunks = append(t.chunks, string(t.cur))
		t.cur = t.cur[:0]
	}
}

func (t *stringTable) get(i int) (string, bool) {
	if t == nil || i < 0 || i >= len(t.items) {
		return "", false
	}
	item := t.items[i]
	chunk, off, n := item>>(2*sstBits), item>>sstBits&sstBitMask, item&sstBitMask
	if n == 0 {
		return "", true
	}
	return t.chunks[chunk][off : off+n], true
}

// readSharedStrings reads the shared strings part with the scanner: for
// a workbook saved by Excel it is about as large as the sheet.
func readSharedStrings(f *zip.File) (*stringTable, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := newXMLScanner(rc)
	// The text is no longer than the part: a small table takes a small
	// chunk.
	t := &stringTable{chunk: int(min(max(f.UncompressedSize64, 4<<10), sstChunk))}
	var buf []byte
	for {
		if err := sc.next(nil); err != nil {
			return nil, err
		}
		switch sc.kind {
		case tokEOF:
			t.seal()
			t.cur = nil
			return t, nil
		case tokStart:
			switch string(sc.name) {
			case "sst":
				// uniqueCount sizes the table, within what the part can
				// hold: an item takes at least 9 bytes, "<si></si>".
				if v, ok := attr(sc.attrs, "uniqueCount"); ok {
					if n, err := strconv.Atoi(string(v)); err == nil && n > 0 {
						t.items = make([]uint64, 0, min(uint64(n), f.UncompressedSize64/9+1))
					}
				}
			case "si":
				if buf, err = sc.richText(buf[:0]); err != nil {
					return nil, fmt.Errorf("shared string %d: %w", len(t.items), err)
				}
				if err := t.add(buf); err != nil {
					return nil, err
				}
			}
		case tokEmpty:
			if string(sc.name) == "si" {
				if err := t.add(nil); err != nil {
					return nil, err
				}
			}
		}
	}
}

// sheetReader streams the rows of a worksheet's XML. A row's cells are
// gathered into buffers it reuses; a returned row costs its []string and
// one string for the text of its cells that are not shared strings.
type sheetReader struct {
	zip  io.Closer
	file *zip.File
	rc   io.ReadCloser
	sc   *xmlScanner
	sst  *stringTable

	row    int  // number of the last row read
	inData bool // inside <sheetData>
	done   bool
	dim    string // the <dimension> ref, when the sheet has one

	text  []byte        // the current row's cell text
	cells []pendingCell // the current row's cells
}

// pendingCell is a cell of the row being read: a shared string, or text
// at text[start:end].
type pendingCell struct {
	col        int
	shared     string
	start, end int
	isShared   bool
}

func (sr *sheetReader) close() error {
	var err error
	if sr.rc != nil {
		err = sr.rc.Close()
	}
	if sr.zip != nil {
		if e := sr.zip.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// broken is the error for a sheet that cannot be read on from row n.
func broken(n int, err error) error {
	return fmt.Errorf("xlsx: %w: %v", minzheng.Invalid("file", "工作簿第 %d 行无法读取，文件可能已损坏", n), err)
}

func (sr *sheetReader) next() ([]string, int, error) {
	if sr.done {
		return nil, 0, io.EOF
	}
	sc := sr.sc
	for {
		if err := sc.next(nil); err != nil {
			sr.done = true
			return nil, 0, broken(sr.row+1, err)
		}
		switch sc.kind {
		case tokEOF:
			sr.done = true
			if sr.inData {
				return nil, 0, broken(sr.row+1, errTruncated)
			}
			return nil, 0, io.EOF
		case tokStart, tokEmpty:
			if !sr.inData {
				switch string(sc.name) {
				case "sheetData":
					if sc.kind == tokEmpty {
						sr.done = true
						return nil, 0, io.EOF
					}
					sr.inData = true
				case "dimension":
					if v, ok := attr(sc.attrs, "ref"); ok {
						sr.dim = string(v)
					}
				}
				continue
			}
			if string(sc.name) != "row" {
				if sc.kind == tokStart {
					if err := sc.skip(); err != nil {
						sr.done = true
						return nil, 0, broken(sr.row+1, err)
					}
				}
				continue
			}
			if err := sr.rowNumber(); err != nil {
				sr.done = true
				return nil, 0, err
			}
			if sc.kind == tokEmpty {
				continue
			}
			cells, err := sr.readRow()
			if err != nil {
				sr.done = true
				return nil, 0, broken(sr.row, err)
			}
			return cells, sr.row, nil
		case tokEnd:
			if sr.inData && string(sc.name) == "sheetData" {
				sr.done = true
				return nil, 0, io.EOF
			}
		}
	}
}

// rowNumber sets sr.row from the <row> tag just read: its r attribute,
// or the next row when it has none. A row number that goes back is taken
// as the next row, as excelize does.
func (sr *sheetReader) rowNumber() error {
	n := sr.row + 1
	if v, ok := attr(sr.sc.attrs, "r"); ok {
		r, err := strconv.Atoi(string(v))
		if err != nil || r < 0 {
			return broken(n, fmt.Errorf("row number %q", v))
		}
		if r > sr.row {
			n = r
		}
	}
	if n > MaxRows {
		return tooManyRows()
	}
	sr.row = n
	return nil
}

// readRow reads the cells of the row whose start tag was just read,
// through its end tag.
func (sr *sheetReader) readRow() ([]string, error) {
	sc := sr.sc
	sr.text, sr.cells = sr.text[:0], sr.cells[:0]
	col, width := 0, 0
	for {
		if err := sc.next(nil); err != nil {
			return nil, err
		}
		switch sc.kind {
		case tokEOF:
			return nil, errTruncated
		case tokStart, tokEmpty:
			if string(sc.name) != "c" {
				if sc.kind == tokStart {
					if err := sc.skip(); err != nil {
						return nil, err
					}
				}
				continue
			}
			typ := cellNumber
			next := col + 1
			for a := sc.attrs; ; {
				k, v, rest, ok := nextAttr(a)
				if !ok {
					break
				}
				switch string(localName(k)) {
				case "r":
					c, ok := columnOf(v)
					if !ok {
						return nil, fmt.Errorf("cell reference %q", v)
					}
					next = c
				case "t":
					typ = cellTypeOf(v)
				}
				a = rest
			}
			if next > maxColumns {
				return nil, fmt.Errorf("column %d past XFD", next)
			}
			col = next
			if sc.kind == tokEmpty {
				continue
			}
			ok, err := sr.readCell(col, typ)
			if err != nil {
				return nil, err
			}
			if ok {
				width = max(width, col)
			}
			if len(sr.text) > maxTextBytes*16 {
				return nil, errTextTooLong
			}
		case tokEnd:
			if string(sc.name) == "row" {
				return sr.build(width), nil
			}
		}
	}
}

// readCell reads the content of the cell whose start tag was just read,
// through its end tag, and adds its value, if not empty, to the row. The
// value is what excelize returns with RawCellValue: the shared string
// for t="s", the inline string for t="inlineStr", and otherwise <v> as
// written (a number, 0 or 1 for a boolean, "#N/A" for an error, the
// cached result of a formula, whose <f> is skipped).
func (sr *sheetReader) readCell(col int, typ cellType) (bool, error) {
	start := len(sr.text)
	v, ok := sr.quickValue(typ)
	if !ok {
		var err error
		if v, err = sr.cellValue(typ); err != nil {
			return false, err
		}
	}
	if typ == cellShared {
		i, ok := parseIndex(trimSpace(v))
		sr.text = sr.text[:start]
		if len(v) == 0 {
			return false, nil
		}
		if !ok {
			return false, fmt.Errorf("shared string index %q", v)
		}
		s, ok := sr.sst.get(i)
		if !ok {
			return false, fmt.Errorf("shared string index %d out of range", i)
		}
		if s == "" {
			return false, nil
		}
		sr.cells = append(sr.cells, pendingCell{col: col, shared: s, isShared: true})
		return true, nil
	}
	if len(v) == 0 {
		return false, nil
	}
	sr.cells = append(sr.cells, pendingCell{col: col, start: start, end: start + len(v)})
	return true, nil
}

// cellValue reads a cell's content in any shape, appending its value to
// sr.text: <v> and <is> in either order, a formula or anything else
// skipped, namespace prefixes, comments.
func (sr *sheetReader) cellValue(typ cellType) ([]byte, error) {
	sc := sr.sc
	start := len(sr.text)
	vStart, vEnd, isStart, isEnd := -1, -1, -1, -1
	var err error
	for {
		if err := sc.next(nil); err != nil {
			return nil, err
		}
		switch sc.kind {
		case tokEOF:
			return nil, errTruncated
		case tokStart:
			switch string(sc.name) {
			case "v":
				vStart = len(sr.text)
				if sr.text, err = sc.elementText(sr.text); err != nil {
					return nil, err
				}
				vEnd = len(sr.text)
			case "is":
				isStart = len(sr.text)
				if sr.text, err = sc.richText(sr.text); err != nil {
					return nil, err
				}
				isEnd = len(sr.text)
			default:
				if err := sc.skip(); err != nil {
					return nil, err
				}
			}
			continue
		case tokEmpty:
			switch string(sc.name) {
			case "v":
				vStart, vEnd = len(sr.text), len(sr.text)
			case "is":
				isStart, isEnd = len(sr.text), len(sr.text)
			}
			continue
		case tokEnd:
			if string(sc.name) != "c" {
				continue
			}
		}
		break
	}
	if typ == cellInline && isStart >= 0 {
		vStart, vEnd = isStart, isEnd
	}
	if vStart < 0 {
		vStart, vEnd = start, start
	}
	// Keep only the value, at the cell's start.
	n := copy(sr.text[start:], sr.text[vStart:vEnd])
	sr.text = sr.text[:start+n]
	return sr.text[start:], nil
}

// parseIndex reads a shared string index: decimal digits.
func parseIndex(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// quickValue reads the content of a cell in the shapes nearly every cell
// has, "<v>…</v></c>" or, for an inline string, "<is><t>…</t></is></c>",
// when the scanner's window holds all of it, appending the value to
// sr.text: a third of the time the general path takes. Otherwise it
// consumes nothing and reports false.
func (sr *sheetReader) quickValue(typ cellType) ([]byte, bool) {
	sc := sr.sc
	w := sc.w[sc.i:]
	open, close := "<v>", "</v></c>"
	if typ == cellInline {
		open, close = "<is><t>", "</t></is></c>"
	}
	if len(w) < len(open) || string(w[:len(open)]) != open {
		return nil, false
	}
	w = w[len(open):]
	j := bytes.IndexByte(w, '<')
	if j < 0 || len(w)-j < len(close) || string(w[j:j+len(close)]) != close {
		return nil, false
	}
	start := len(sr.text)
	sr.text = append(sr.text, w[:j]...)
	v := unescape(sr.text[start:])
	if typ == cellInline {
		v = unescapeOOXML(v)
	}
	sr.text = sr.text[:start+len(v)]
	sc.i += len(open) + j + len(close)
	return v, true
}

// cellType is what a cell's t attribute says about where its value is.
type cellType int

const (
	cellNumber cellType = iota // <v>, as for every type but these two
	cellShared                 // t="s": <v> is an index into the shared strings
	cellInline                 // t="inlineStr": <is>, or <v> without one
)

func cellTypeOf(t []byte) cellType {
	switch string(t) {
	case "s":
		return cellShared
	case "inlineStr":
		return cellInline
	}
	return cellNumber
}

// build makes the row's cells, width wide, sharing one string for their
// text.
func (sr *sheetReader) build(width int) []string {
	cells := make([]string, width)
	text := string(sr.text)
	for _, c := range sr.cells {
		if c.isShared {
			cells[c.col-1] = c.shared
		} else {
			cells[c.col-1] = text[c.start:c.end]
		}
	}
	return cells
}

// columnOf is the column number of a cell reference such as "B7" (1 for
// A): letters, in either case, then a row number.
func columnOf(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
		if col > maxColumns {
			return 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col, true
}

// estimate is the sheet's last row less the header, from its <dimension>
// when it has a range, as Excel writes it. Otherwise (a streamed workbook
// has none) it counts the rows in the sheet's first MiB, read again, and
// scales by the sheet's size.
func (sr *sheetReader) estimate() int {
	if _, last, ok := strings.Cut(sr.dim, ":"); ok {
		i := strings.IndexAny(last, "0123456789")
		if i < 0 {
			return 0
		}
		n, err := strconv.Atoi(last[i:])
		if err != nil {
			return 0
		}
		return max(0, n-1)
	}
	rc, err := sr.file.Open()
	if err != nil {
		return 0
	}
	defer rc.Close()
	sc := newXMLScanner(rc)
	const sample = 1 << 20
	rows, first := 0, int64(-1)
	for {
		if err := sc.next(nil); err != nil {
			return 0
		}
		if sc.kind == tokEOF {
			return max(0, rows-1)
		}
		if sc.kind == tokEnd && string(sc.name) == "sheetData" {
			return max(0, rows-1)
		}
		if (sc.kind == tokStart || sc.kind == tokEmpty) && string(sc.name) == "row" {
			if first < 0 {
				first = sc.offset()
			}
			rows++
			if sc.kind == tokStart {
				if err := sc.skip(); err != nil {
					return 0
				}
			}
			if read := sc.offset() - first; read >= sample {
				rest := int64(sr.file.UncompressedSize64) - first
				return max(0, int(float64(rows)*float64(rest)/float64(read))-1)
			}
		}
	}
}
