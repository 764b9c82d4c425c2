package sheet

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"weak"
)

// book is what a workbook's small parts say, read once at open: its
// sheets, its date system, the number format of each cell style, and its
// shared strings.
type book struct {
	sheets   []bookSheet
	date1904 bool
	styles   []cellStyle // by the s attribute of a cell
	strings  *stringTable
}

type bookSheet struct{ name, part string }

// cellStyle is how a style shows a number.
type cellStyle struct {
	kind kind
	pad  int // kindKeep with a zero-padding format: its width
}

// readBook reads the parts; key is the workbook's path ("" for one read
// from standard input), for sharing its text (see tables).
func readBook(zr *zip.Reader, key string) (*book, error) {
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := unmarshalPart(zr, "xl/workbook.xml", &wb); err != nil {
		return nil, fmt.Errorf("reading the workbook: %w", err)
	}
	if err := unmarshalPart(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, fmt.Errorf("reading the workbook: %w", err)
	}
	b := &book{date1904: truthy(wb.Pr.Date1904)}
	target := func(t string) string {
		if strings.HasPrefix(t, "/") {
			return strings.TrimPrefix(t, "/")
		}
		return path.Join("xl", t)
	}
	var stylesPart, stringsPart string
	for _, r := range rels.Rel {
		switch {
		case strings.HasSuffix(r.Type, "/styles"):
			stylesPart = target(r.Target)
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			stringsPart = target(r.Target)
		}
	}
	for _, s := range wb.Sheets {
		for _, r := range rels.Rel {
			if r.ID == s.ID && strings.HasSuffix(r.Type, "/worksheet") {
				b.sheets = append(b.sheets, bookSheet{name: s.Name, part: target(r.Target)})
			}
		}
	}
	if stylesPart != "" {
		if err := b.readStyles(zr, stylesPart); err != nil {
			return nil, fmt.Errorf("reading the workbook's styles: %w", err)
		}
	}
	b.strings = &stringTable{}
	if stringsPart != "" {
		var err error
		if b.strings, err = sharedStrings(zr, stringsPart, key); err != nil {
			return nil, fmt.Errorf("reading the workbook's text: %w", err)
		}
	}
	return b, nil
}

// tables are the shared-string tables in use, by workbook file: a run
// opens its input twice at once (the read-ahead of the duplicate check and
// the run itself), and one copy of the text is enough. Weak pointers: a
// table no reader holds any more goes with the garbage.
var (
	tablesMu sync.Mutex
	tables   = map[tableKey]weak.Pointer[stringTable]{}
)

// tableKey names one version of one table: the file, and the part's
// checksum and size, so a file saved again in between is read again.
type tableKey struct {
	path string
	crc  uint32
	size uint64
}

func sharedStrings(zr *zip.Reader, part, path string) (*stringTable, error) {
	var key tableKey
	for _, f := range zr.File {
		if f.Name == part {
			key = tableKey{path: path, crc: f.CRC32, size: f.UncompressedSize64}
		}
	}
	if path != "" {
		tablesMu.Lock()
		t := tables[key].Value()
		tablesMu.Unlock()
		if t != nil {
			return t, nil
		}
	}
	f, err := zr.Open(part)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &stringTable{}
	if err := t.read(f); err != nil {
		return nil, err
	}
	if path != "" {
		tablesMu.Lock()
		for k, p := range tables {
			if p.Value() == nil {
				delete(tables, k)
			}
		}
		tables[key] = weak.Make(t)
		tablesMu.Unlock()
	}
	return t, nil
}

func (b *book) readStyles(zr *zip.Reader, part string) error {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := unmarshalPart(zr, part, &st); err != nil {
		return err
	}
	custom := map[int]string{}
	for _, nf := range st.NumFmts {
		custom[nf.ID] = nf.Code
	}
	for _, xf := range st.Xfs {
		code, ok := custom[xf.NumFmtID]
		if !ok {
			code = builtinFormat(xf.NumFmtID)
		}
		cs := cellStyle{kind: formatKind(code)}
		if cs.kind == kindKeep && strings.Trim(code, "0") == "" {
			cs.pad = len(code)
		}
		b.styles = append(b.styles, cs)
	}
	return nil
}

func (b *book) style(s []byte) cellStyle {
	if len(s) == 0 {
		return cellStyle{kind: kindNumber}
	}
	i, err := strconv.Atoi(string(s))
	if err != nil || i < 0 || i >= len(b.styles) {
		return cellStyle{kind: kindNumber}
	}
	return b.styles[i]
}

// stringTable is the shared strings, in chunks of one arena: a string
// costs its bytes and eight more, and the arena grows by a chunk at a
// time, never by copying what it holds, so a sheet of 200,000 rows of
// text stays within a few tens of MiB.
type stringTable struct {
	chunks [][]byte
	refs   []uint64 // where each string lies (see ref)
	size   int
}

// arenaChunk is one chunk of the arena; a longer string gets its own.
const arenaChunk = 1 << 20

// maxStrings bounds the arena: a table past it is not one Excel writes.
const maxStrings = 1 << 31

// ref packs where a string lies: its chunk (24 bits), its offset in it
// and its length (20 bits each; a string longer than a chunk is a chunk
// of its own, at offset 0, its length that chunk's).
func ref(chunk, off, n int) uint64 {
	return uint64(chunk)<<40 | uint64(off)<<20 | uint64(min(n, arenaChunk-1))
}

func (t *stringTable) get(i int) (string, bool) {
	if i < 0 || i >= len(t.refs) {
		return "", false
	}
	r := t.refs[i]
	c := t.chunks[r>>40]
	off, n := int(r>>20&(arenaChunk-1)), int(r&(arenaChunk-1))
	if len(c) >= arenaChunk && off == 0 && n == arenaChunk-1 {
		return string(c), true // a chunk of its own
	}
	return string(c[off : off+n]), true
}

func (t *stringTable) add(text []byte) {
	text = unescapeExcel(text)
	t.size += len(text)
	if len(text) >= arenaChunk-1 {
		t.chunks = append(t.chunks, append([]byte(nil), text...))
		t.refs = append(t.refs, ref(len(t.chunks)-1, 0, arenaChunk-1))
		t.chunks = append(t.chunks, make([]byte, 0, arenaChunk)) // the next ones go on in a fresh chunk
		return
	}
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last])+len(text) > arenaChunk-1 {
		t.chunks = append(t.chunks, make([]byte, 0, arenaChunk))
		last++
	}
	off := len(t.chunks[last])
	t.chunks[last] = append(t.chunks[last], text...)
	t.refs = append(t.refs, ref(last, off, len(text)))
}

// read reads <si> items: their <t> text, in runs (<r><t>) or not; the
// phonetic guide of Japanese text (<rPh>) is not the text.
func (t *stringTable) read(r io.Reader) error {
	s := newXMLScanner(r)
	var text []byte
	inT, inPh, inSI := false, false, false
	for {
		err := s.next(&text, inT && !inPh && inSI)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch string(s.name) {
		case "sst":
			// uniqueCount sizes the table at once, with no growing (as far
			// as it can be believed).
			if n, err := strconv.Atoi(string(s.attr("uniqueCount"))); err == nil && n > 0 && n < 1<<24 && t.refs == nil {
				t.refs = make([]uint64, 0, n)
			}
		case "si":
			if s.closing || s.empty {
				t.add(text)
				inSI = false
			} else {
				text, inSI = text[:0], true
			}
		case "t":
			inT = !s.closing && !s.empty
		case "rPh":
			inPh = !s.closing && !s.empty
		}
		if t.size > maxStrings {
			return errXMLTooLong
		}
	}
}

// unmarshalPart decodes a small part (its first MiB).
func unmarshalPart(zr *zip.Reader, name string, v any) error {
	f, err := zr.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return xml.NewDecoder(io.LimitReader(f, headLimit)).Decode(v)
}
