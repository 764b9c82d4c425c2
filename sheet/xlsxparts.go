package sheet

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"
)

// What excelize's row iterator does not say about a sheet, its column
// settings (<cols>, before the rows) and its merged ranges (<mergeCells>,
// after them), is read here from the sheet's XML, skipping the rows
// unparsed: a byte search, so a second pass costs little beside the rows'
// XML parsing.

// frame is what a sheet's XML says around its rows.
type frame struct {
	hidden []int   // 0-based positions of hidden columns, in order
	merges []merge // vertical spans, by first row
}

// merge is the part of a merged range a row builder needs: the rows below
// its first one show the first cell's value in its first column.
type merge struct{ col, row1, row2 int }

// headLimit and tailLimit bound what is kept of the XML before and after
// the rows; a sheet with more settings than that is read without them.
const (
	headLimit = 1 << 20
	tailLimit = 8 << 20
)

// readFrame reads the hidden columns and merged ranges of the sheet XML
// in r.
func readFrame(r io.Reader) (frame, error) {
	var (
		head, tail []byte
		buf        = make([]byte, 64<<10)
		carry      []byte // the end of the rows read, for a tag cut in two
		phase      int    // 0 before the rows, 1 in them, 2 after
	)
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		if phase == 0 {
			head = append(head, chunk...)
			chunk = nil
			if i := bytes.Index(head, []byte("sheetData")); i >= 0 {
				chunk = append([]byte(nil), head[i+len("sheetData"):]...)
				head = head[:i]
				phase = 1
				if j := bytes.IndexByte(chunk, '>'); j > 0 && chunk[j-1] == '/' {
					phase = 2 // <sheetData/>: no rows
					chunk = chunk[j+1:]
				}
			} else if len(head) > headLimit {
				head, phase = nil, 1 // no <sheetData> this far in: read without settings
			}
		}
		if phase == 1 {
			carry = append(carry, chunk...)
			chunk = nil
			if i := rowsEnd(carry); i >= 0 {
				chunk = carry[i:]
				phase = 2
			} else if len(carry) > 64 {
				carry = append(carry[:0], carry[len(carry)-64:]...)
			}
		}
		if phase == 2 && len(tail) < tailLimit {
			tail = append(tail, chunk...)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return frame{}, err
		}
	}
	var fr frame
	walk(head, func(e xml.StartElement) {
		if e.Name.Local != "col" || !truthy(attr(e, "hidden")) {
			return
		}
		lo, hi := atoi(attr(e, "min")), atoi(attr(e, "max"))
		for c := max(lo, 1); c <= hi && c <= excelize.MaxColumns; c++ {
			fr.hidden = append(fr.hidden, c-1)
		}
	})
	walk(tail, func(e xml.StartElement) {
		if e.Name.Local != "mergeCell" {
			return
		}
		from, to, ok := strings.Cut(attr(e, "ref"), ":")
		if !ok {
			return
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(from)
		_, r2, err2 := excelize.CellNameToCoordinates(to)
		if err1 != nil || err2 != nil || r2 <= r1 {
			return // one row: nothing below to fill
		}
		fr.merges = append(fr.merges, merge{col: c1 - 1, row1: r1, row2: r2})
	})
	sort.Slice(fr.merges, func(i, j int) bool { return fr.merges[i].row1 < fr.merges[j].row1 })
	return fr, nil
}

// rowsEnd is where what follows </sheetData> (or </x:sheetData>) starts
// in b, -1 when b does not hold it.
func rowsEnd(b []byte) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("sheetData>"))
		if i < 0 {
			return -1
		}
		i += off
		if j := bytes.LastIndexByte(b[:i], '<'); j >= 0 && j+1 < len(b) && b[j+1] == '/' {
			return i + len("sheetData>")
		}
		off = i + 1
	}
}

// walk calls fn for each start element of an XML fragment, up to the
// first thing it cannot read (a fragment is cut at both ends).
func walk(b []byte, fn func(xml.StartElement)) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	for {
		tok, err := d.RawToken()
		if err != nil {
			return
		}
		if e, ok := tok.(xml.StartElement); ok {
			fn(e)
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func truthy(v string) bool { return v == "1" || strings.EqualFold(v, "true") }

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > excelize.MaxColumns {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}
