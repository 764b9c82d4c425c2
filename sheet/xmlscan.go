package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner reads the XML of a worksheet or shared-string table tag by
// tag, without a DOM and without reflection: encoding/xml, through
// excelize's row iterator, cost 40 µs a row (8 s for 200,000), more than
// the rest of a run. It knows only what those parts hold: elements,
// attributes, text, entities, comments, CDATA and processing
// instructions; a DTD is not expected (a workbook has none) and is
// skipped as a comment would be.
type xmlScanner struct {
	r       *bufio.Reader
	scratch []byte
	// The last tag read.
	name    []byte // local name, without a namespace prefix
	attrs   []byte // the raw attribute text
	closing bool   // </name>
	empty   bool   // <name/>
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// until reads up to delim, which is consumed and not returned. The bytes
// are valid until the next call.
func (s *xmlScanner) until(delim byte) ([]byte, error) {
	b, err := s.r.ReadSlice(delim)
	if err == nil {
		return b[:len(b)-1], nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return b, err
	}
	s.scratch = append(s.scratch[:0], b...)
	for {
		b, err = s.r.ReadSlice(delim)
		s.scratch = append(s.scratch, b...)
		if err == nil {
			return s.scratch[:len(s.scratch)-1], nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return s.scratch, err
		}
		if len(s.scratch) > maxXMLRun {
			return nil, errXMLTooLong
		}
	}
}

// maxXMLRun bounds one text run or tag: a cell holds at most 32,767
// characters, so anything far longer is not a workbook.
const maxXMLRun = 4 << 20

var errXMLTooLong = errors.New("sheet: the workbook holds a tag or a text longer than any cell")

// next reads the text up to the next tag, appending it (entities
// decoded) to text when keep, and then the tag. CDATA is text. io.EOF at
// the end.
func (s *xmlScanner) next(text *[]byte, keep bool) error {
	for {
		b, err := s.until('<')
		if keep && len(b) > 0 {
			*text = appendUnescaped(*text, b)
		}
		if err != nil {
			return err
		}
		// The tag; comments, CDATA and declarations are not tags.
		if head, _ := s.r.Peek(3); len(head) > 0 && (head[0] == '!' || head[0] == '?') {
			if err := s.skipSpecial(text, keep); err != nil {
				return err
			}
			continue
		}
		t, err := s.until('>')
		if err != nil {
			return err
		}
		s.closing = len(t) > 0 && t[0] == '/'
		if s.closing {
			t = t[1:]
		}
		s.empty = len(t) > 0 && t[len(t)-1] == '/'
		if s.empty {
			t = t[:len(t)-1]
		}
		end := bytes.IndexAny(t, " \t\r\n")
		if end < 0 {
			end = len(t)
		}
		name := t[:end]
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		s.name, s.attrs = name, t[end:]
		return nil
	}
}

// skipSpecial reads past <!-- -->, <![CDATA[ ]]> (kept as text), <? ?>
// and <!DOCTYPE ...>, with the '<' already read.
func (s *xmlScanner) skipSpecial(text *[]byte, keep bool) error {
	head, _ := s.r.Peek(8)
	var end string // what the body ends with, before its '>'
	cdata := bytes.HasPrefix(head, []byte("![CDATA["))
	switch {
	case bytes.HasPrefix(head, []byte("!--")):
		end = "--"
	case cdata:
		_, _ = s.r.Discard(8)
		end = "]]"
	case head[0] == '?':
		end = "?"
	}
	var body []byte
	for {
		b, err := s.until('>')
		if err != nil {
			return err
		}
		body = append(body, b...)
		if bytes.HasSuffix(body, []byte(end)) && (len(end) < 2 || len(body) >= 3+len(end) || cdata) {
			if cdata && keep {
				*text = append(*text, body[:len(body)-2]...)
			}
			return nil
		}
		body = append(body, '>')
		if len(body) > maxXMLRun {
			return errXMLTooLong
		}
	}
}

// attr is the value of attribute name of the last tag ("" when absent),
// entities not decoded: the attributes read (r, s, t, hidden...) hold
// none.
func (s *xmlScanner) attr(name string) []byte {
	a := s.attrs
	for len(a) > 0 {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil
		}
		key := bytes.TrimSpace(a[:eq])
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		rest := bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return nil
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil
		}
		if string(key) == name {
			return rest[1 : 1+end]
		}
		a = rest[2+end:]
	}
	return nil
}

// appendUnescaped appends b with XML's entities decoded; one it does not
// know is kept as written.
func appendUnescaped(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		b = b[i:]
		j := bytes.IndexByte(b, ';')
		if j < 0 || j > 12 {
			dst = append(dst, '&')
			b = b[1:]
			continue
		}
		ent := string(b[1:j])
		switch ent {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				dst = append(dst, b[:j+1]...)
				b = b[j+1:]
				continue
			}
			dst = utf8.AppendRune(dst, r)
		}
		b = b[j+1:]
	}
}

func charRef(ent string) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// unescapeExcel decodes Excel's own escape of characters XML cannot hold,
// _xHHHH_ (_x000D_ is a carriage return), and _x005F_ before one that is
// text.
func unescapeExcel(s []byte) []byte {
	if !bytes.Contains(s, []byte("_x")) {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(string(s[i+2:i+6]), 16, 16); err == nil {
				if n == 0x5F && i+14 <= len(s) && s[i+7] == '_' && s[i+8] == 'x' {
					out = append(out, '_') // _x005F_ escapes the underscore of what follows
					i += 7
					continue
				}
				out = utf8.AppendRune(out, rune(n))
				i += 7
				continue
			}
		}
		out = append(out, s[i])
		i++
	}
	return out
}
