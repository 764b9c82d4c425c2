package sheet

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// book is what a workbook's small parts say, read once at open: its
// sheets, its date system, the number format of each cell style, and its
// shared strings.
type book struct {
	sheets   []bookSheet
	date1904 bool
	styles   []cellStyle // by the s attribute of a cell
	strings  stringTable
}

type bookSheet struct{ name, part string }

// cellStyle is how a style shows a number.
type cellStyle struct {
	kind kind
	pad  int // kindKeep with a zero-padding format: its width
}

func readBook(zr *zip.Reader) (*book, error) {
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
	if stringsPart != "" {
		f, err := zr.Open(stringsPart)
		if err != nil {
			return nil, fmt.Errorf("reading the workbook's text: %w", err)
		}
		defer f.Close()
		if err := b.strings.read(f); err != nil {
			return nil, fmt.Errorf("reading the workbook's text: %w", err)
		}
	}
	return b, nil
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

// stringTable is the shared strings, in one arena: a string costs its
// bytes and four more, so a sheet of 200,000 rows of text stays within a
// few tens of MiB.
type stringTable struct {
	arena []byte
	ends  []uint32
}

// maxStrings bounds the arena: a table past it is not one Excel writes.
const maxStrings = 1 << 31

func (t *stringTable) get(i int) (string, bool) {
	if i < 0 || i >= len(t.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return string(t.arena[start:t.ends[i]]), true
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
		if len(t.arena) > maxStrings {
			return errXMLTooLong
		}
	}
}

func (t *stringTable) add(text []byte) {
	t.arena = append(t.arena, unescapeExcel(text)...)
	t.ends = append(t.ends, uint32(len(t.arena)))
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
