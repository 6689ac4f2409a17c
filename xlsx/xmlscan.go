package xlsx

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// xmlScanner is a small, fast XML tokenizer for the parts of a workbook
// that can be large, the worksheet and the shared strings: encoding/xml
// spends most of an import's reading time allocating tokens and attribute
// slices for markup we throw away.
//
// It scans bytes in the window of a bufio.Reader and hands out tags as
// slices of that window, valid until the next call. It knows only what a
// workbook needs: start, end and empty-element tags (by local name, so
// <x:row> is a row), character data with entity and character references
// decoded and line ends normalized as XML requires, CDATA sections as
// text, and comments, processing instructions and a DOCTYPE skipped.
// Namespace declarations are not checked, nor is well-formedness beyond
// what finding the tags needs.
type xmlScanner struct {
	br  *bufio.Reader
	w   []byte // the bytes br holds, from its read position on
	i   int    // how many of them are consumed
	off int64  // bytes discarded before w
	err error  // why w cannot grow: io.EOF at the end

	// The current tag.
	kind  int
	name  []byte // local name, without a namespace prefix
	attrs []byte // what follows the name in a start or empty tag
}

// Token kinds.
const (
	tokStart = iota + 1 // <name ...>
	tokEmpty            // <name .../>
	tokEnd              // </name>
	tokEOF              // end of input
)

const (
	// scanBuffer is the scanner's window, and so the longest tag it can
	// hold; a tag longer than this is taken for a broken file.
	scanBuffer = 256 << 10

	// maxTextBytes bounds the text gathered for one cell or shared
	// string. Excel's 32,767 characters are at most 128 KiB of UTF-8 and
	// 320 KiB written as character references.
	maxTextBytes = 1 << 20
)

var (
	errTagTooLong  = errors.New("tag too long")
	errTextTooLong = errors.New("text too long")
	errTruncated   = errors.New("unexpected end of XML")
)

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{br: bufio.NewReaderSize(r, scanBuffer)}
}

// offset is how many bytes of input the scanner has consumed.
func (s *xmlScanner) offset() int64 { return s.off + int64(s.i) }

// more drops the consumed bytes from the window and reads at least one
// more. It reports false at the end of input or on a read error (in
// s.err), and when the window is full (s.err nil).
func (s *xmlScanner) more() bool {
	if s.err != nil {
		return false
	}
	n, _ := s.br.Discard(s.i)
	s.off += int64(n)
	s.i = 0
	have := s.br.Buffered()
	if have >= s.br.Size() {
		return false
	}
	_, err := s.br.Peek(have + 1)
	s.w, _ = s.br.Peek(s.br.Buffered())
	if len(s.w) > have {
		return true
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	s.err = err
	return false
}

// ensure makes at least n unconsumed bytes available, if the input has
// them.
func (s *xmlScanner) ensure(n int) bool {
	for len(s.w)-s.i < n {
		if !s.more() {
			return false
		}
	}
	return true
}

// stuck is the error for input that ends, or cannot be read, where more
// is needed.
func (s *xmlScanner) stuck() error {
	switch s.err {
	case nil:
		return errTagTooLong
	case io.EOF:
		return errTruncated
	}
	return s.err
}

// next moves to the next tag, setting kind, name and attrs; at the end of
// input kind is tokEOF. When text is not nil, the character data before
// the tag is appended to it, decoded.
func (s *xmlScanner) next(text *[]byte) error {
	start, limit := 0, 0
	if text != nil {
		start = len(*text)
		limit = start + maxTextBytes
	}
	for {
		j := 0
		if s.i >= len(s.w) || s.w[s.i] != '<' { // tags often follow each other
			j = bytes.IndexByte(s.w[s.i:], '<')
		}
		if j < 0 {
			if text != nil {
				*text = append(*text, s.w[s.i:]...)
				if len(*text) > limit {
					return errTextTooLong
				}
			}
			s.i = len(s.w)
			if !s.more() {
				if s.err == io.EOF {
					s.kind, s.name, s.attrs = tokEOF, nil, nil
					return nil
				}
				return s.stuck()
			}
			continue
		}
		if text != nil && j+len(*text) > start {
			*text = append(*text, s.w[s.i:s.i+j]...)
			*text = (*text)[:start+len(unescape((*text)[start:]))]
			if len(*text) > limit {
				return errTextTooLong
			}
		}
		s.i += j
		tag, err := s.markup(text, limit)
		if err != nil || tag {
			return err
		}
		if text != nil {
			start = len(*text)
		}
	}
}

// markup reads the markup at s.w[s.i], a '<'. It reports true for a tag;
// comments, processing instructions and DOCTYPEs are skipped, and CDATA
// sections appended to text.
func (s *xmlScanner) markup(text *[]byte, limit int) (bool, error) {
	if !s.ensure(2) {
		return false, s.stuck()
	}
	switch s.w[s.i+1] {
	case '?':
		return false, s.skipPast("?>")
	case '!':
		if !s.ensure(9) {
			// Too short for CDATA; a comment or DOCTYPE is still possible.
			s.ensure(4)
		}
		rest := s.w[s.i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			s.i += 4
			return false, s.skipPast("-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			s.i += 9
			return false, s.cdata(text, limit)
		}
		return false, s.skipDoctype()
	}
	// A tag: find its '>', which may not be inside a quoted value.
	k := tagEnd(s.w[s.i+1:])
	for k < 0 {
		if !s.more() {
			return false, s.stuck()
		}
		k = tagEnd(s.w[s.i+1:])
	}
	tag := s.w[s.i+1 : s.i+1+k]
	s.i += k + 2
	if len(tag) > 0 && tag[0] == '/' {
		s.kind, s.name, s.attrs = tokEnd, localName(trimSpace(tag[1:])), nil
		return true, nil
	}
	s.kind = tokStart
	if len(tag) > 0 && tag[len(tag)-1] == '/' {
		s.kind = tokEmpty
		tag = tag[:len(tag)-1]
	}
	n := 0
	for n < len(tag) && !isSpace(tag[n]) {
		n++
	}
	if n == 0 {
		return false, fmt.Errorf("tag without a name at byte %d", s.offset())
	}
	s.name, s.attrs = localName(tag[:n]), tag[n:]
	return true, nil
}

// tagEnd is the index in b of the '>' that ends a tag, skipping quoted
// attribute values, or -1.
func tagEnd(b []byte) int {
	if len(b) > 0 && b[0] == '/' { // an end tag has no attributes
		return bytes.IndexByte(b, '>')
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '>':
			return i
		case '"', '\'':
			j := bytes.IndexByte(b[i+1:], c)
			if j < 0 {
				return -1
			}
			i += j + 1
		}
	}
	return -1
}

// skipPast consumes input up to and including delim.
func (s *xmlScanner) skipPast(delim string) error {
	d := []byte(delim)
	for {
		if j := bytes.Index(s.w[s.i:], d); j >= 0 {
			s.i += j + len(d)
			return nil
		}
		// Keep what could be the start of delim.
		s.i = max(s.i, len(s.w)-len(d)+1)
		if !s.more() {
			return s.stuck()
		}
	}
}

// skipDoctype consumes a <!DOCTYPE ...> or other <!...> declaration,
// with an internal subset in brackets.
func (s *xmlScanner) skipDoctype() error {
	depth := 0
	for {
		for ; s.i < len(s.w); s.i++ {
			switch s.w[s.i] {
			case '[':
				depth++
			case ']':
				depth--
			case '>':
				if depth <= 0 {
					s.i++
					return nil
				}
			}
		}
		if !s.more() {
			return s.stuck()
		}
	}
}

// cdata appends a CDATA section's content, after its "<![CDATA[", to
// text (if not nil), up to limit bytes, and consumes it through "]]>".
func (s *xmlScanner) cdata(text *[]byte, limit int) error {
	start := 0
	if text != nil {
		start = len(*text)
	}
	for {
		j := bytes.Index(s.w[s.i:], []byte("]]>"))
		end := len(s.w) - 2
		if j >= 0 {
			end = s.i + j
		}
		end = max(end, s.i)
		if text != nil {
			*text = append(*text, s.w[s.i:end]...)
			if len(*text) > limit {
				return errTextTooLong
			}
		}
		s.i = end
		if j >= 0 {
			s.i += 3
			if text != nil {
				*text = (*text)[:start+len(normalizeLines((*text)[start:]))]
			}
			return nil
		}
		if !s.more() {
			return s.stuck()
		}
	}
}

// skip consumes the rest of the element whose start tag was just read.
func (s *xmlScanner) skip() error {
	for depth := 1; ; {
		if err := s.next(nil); err != nil {
			return err
		}
		switch s.kind {
		case tokStart:
			depth++
		case tokEnd:
			if depth--; depth == 0 {
				return nil
			}
		case tokEOF:
			return errTruncated
		}
	}
}

// elementText appends to dst the character data directly inside the
// element whose start tag was just read, as encoding/xml gives a string
// field (text inside child elements is left out), and consumes the
// element.
func (s *xmlScanner) elementText(dst []byte) ([]byte, error) {
	limit := len(dst) + maxTextBytes
	for {
		if err := s.next(&dst); err != nil {
			return dst, err
		}
		if len(dst) > limit {
			return dst, errTextTooLong
		}
		switch s.kind {
		case tokStart:
			if err := s.skip(); err != nil {
				return dst, err
			}
		case tokEnd:
			return dst, nil
		case tokEOF:
			return dst, errTruncated
		}
	}
}

// richText appends to dst the text of a string item (<si> in the shared
// strings, <is> in a cell) whose start tag was just read, and consumes
// it: its own <t>, then the <t> of each run <r>, as excelize does. The
// phonetic runs <rPh> (furigana over Japanese text) are not part of the
// value, nor is anything else. Excel's _xHHHH_ escapes are decoded.
func (s *xmlScanner) richText(dst []byte) ([]byte, error) {
	start := len(dst)
	inRun := false
	for {
		if err := s.next(nil); err != nil {
			return dst, err
		}
		switch s.kind {
		case tokStart:
			switch {
			case string(s.name) == "t":
				var err error
				if dst, err = s.elementText(dst); err != nil {
					return dst, err
				}
				if len(dst)-start > maxTextBytes {
					return dst, errTextTooLong
				}
			case string(s.name) == "r" && !inRun:
				inRun = true
			default:
				if err := s.skip(); err != nil {
					return dst, err
				}
			}
		case tokEnd:
			if !inRun {
				return dst[:start+len(unescapeOOXML(dst[start:]))], nil
			}
			inRun = false
		case tokEOF:
			return dst, errTruncated
		}
	}
}

// attr returns the value of the attribute with the given local name in a
// tag's attributes, with references decoded.
func attr(attrs []byte, name string) ([]byte, bool) {
	for {
		k, v, rest, ok := nextAttr(attrs)
		if !ok {
			return nil, false
		}
		if string(localName(k)) == name {
			if bytes.IndexByte(v, '&') >= 0 {
				v = unescape(bytes.Clone(v))
			}
			return v, true
		}
		attrs = rest
	}
}

// nextAttr splits the first name="value" off attrs; ok is false when
// there is none (the rest is then left as it was).
func nextAttr(b []byte) (name, value, rest []byte, ok bool) {
	none := func() ([]byte, []byte, []byte, bool) { return b, nil, b, false }
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	j := i
	for j < len(b) && b[j] != '=' && !isSpace(b[j]) {
		j++
	}
	if j == i {
		return none()
	}
	name = b[i:j]
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j >= len(b) || b[j] != '=' {
		return none()
	}
	j++
	for j < len(b) && isSpace(b[j]) {
		j++
	}
	if j >= len(b) || (b[j] != '"' && b[j] != '\'') {
		return none()
	}
	q := b[j]
	e := bytes.IndexByte(b[j+1:], q)
	if e < 0 {
		return none()
	}
	return name, b[j+1 : j+1+e], b[j+1+e+1:], true
}

func localName(b []byte) []byte {
	for i, c := range b {
		if c == ':' {
			return b[i+1:]
		}
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// unescape decodes character data in place: the five predefined entities
// and character references, and line ends, which XML reads as "\n" however
// they are written ("\r\n" or "\r"; a "&#13;" stays a "\r"). A reference
// it does not know, or to a character XML does not allow, stays as it is.
func unescape(b []byte) []byte {
	i := bytes.IndexByte(b, '&')
	if cr := bytes.IndexByte(b, '\r'); cr >= 0 && (i < 0 || cr < i) {
		i = cr
	}
	if i < 0 {
		return b
	}
	w := i
	for i < len(b) {
		switch c := b[i]; c {
		case '\r':
			b[w] = '\n'
			w++
			i++
			if i < len(b) && b[i] == '\n' {
				i++
			}
		case '&':
			r, n := reference(b[i:])
			if n == 0 {
				b[w] = '&'
				w++
				i++
				continue
			}
			// A reference is never shorter than the UTF-8 of its
			// character, so writing in place stays behind reading.
			w += utf8.EncodeRune(b[w:], r)
			i += n
		default:
			b[w] = c
			w++
			i++
		}
	}
	return b[:w]
}

// normalizeLines turns "\r\n" and "\r" into "\n", in place.
func normalizeLines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	w := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\r' {
			c = '\n'
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		}
		b[w] = c
		w++
	}
	return b[:w]
}

// reference decodes the entity or character reference at the start of b
// ("&amp;", "&#20013;", "&#x4E2D;"), returning the character and the
// reference's length, or 0 if it is none.
func reference(b []byte) (rune, int) {
	end := bytes.IndexByte(b[:min(len(b), 32)], ';')
	if end < 2 {
		return 0, 0
	}
	ref := b[1:end]
	if ref[0] != '#' {
		switch string(ref) {
		case "amp":
			return '&', end + 1
		case "lt":
			return '<', end + 1
		case "gt":
			return '>', end + 1
		case "quot":
			return '"', end + 1
		case "apos":
			return '\'', end + 1
		}
		return 0, 0
	}
	digits, base := ref[1:], rune(10)
	if len(digits) > 0 && digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, 0
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, 0
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return 0, 0
		}
	}
	if !xmlChar(r) {
		return 0, 0
	}
	return r, end + 1
}

// xmlChar reports whether XML 1.0 allows the character.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= utf8.MaxRune
}

// unescapeOOXML decodes, in place, the _xHHHH_ escapes with which Excel
// writes characters XML cannot hold (a carriage return as _x000D_, a
// control character) and "_x005F_" for a literal underscore before one,
// exactly as excelize does for a string item; an escape of a lone UTF-16
// surrogate decodes to nothing, as there.
func unescapeOOXML(b []byte) []byte {
	i := bytes.Index(b, []byte("_x"))
	if i < 0 {
		return b
	}
	w := i
	for i < len(b) {
		if b[i] == '_' && i+7 <= len(b) && b[i+1] == 'x' && b[i+6] == '_' {
			if r, ok := hex4(b[i+2 : i+6]); ok {
				i += 7
				if r == 0x5F {
					b[w] = '_'
					w++
				} else if utf8.ValidRune(r) {
					w += utf8.EncodeRune(b[w:], r)
				}
				continue
			}
		}
		b[w] = b[i]
		w++
		i++
	}
	return b[:w]
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
