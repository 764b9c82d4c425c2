package sheet

import (
	"bytes"
	"encoding/csv"
)

// Layout is what the first lines of an export say about the rest of it.
type Layout struct {
	// Delimiter separates the cells.
	Delimiter rune
	// TrailingEmpty: data rows have more cells than the header, and the
	// extra ones are empty. Some exporters end every line with a delimiter
	// but not the header; an empty last cell shifts nothing.
	TrailingEmpty bool
}

// layoutRecords bounds how many records FindLayout reads.
const layoutRecords = 50

// FindLayout looks at the start of a decoded export: text is the first
// bytes of it, cut anywhere unless atEOF. delim is the delimiter, ',' when
// zero. It reads the records as encoding/csv does, so it agrees with the
// reader that comes after it.
func FindLayout(text []byte, atEOF bool, delim rune) Layout {
	if delim == 0 {
		delim = ','
	}
	l := Layout{Delimiter: delim}
	recs := records(text, atEOF, delim, layoutRecords)
	if len(recs) == 0 {
		return l
	}
	width := len(recs[0])
	for _, rec := range recs[1:] {
		if len(rec) > width && allEmpty(rec[width:]) {
			l.TrailingEmpty = true
			break
		}
	}
	return l
}

// records parses at most n records of text. A record cut by the end of a
// text that goes on is left out; so is everything from a parse error on.
func records(text []byte, atEOF bool, delim rune, n int) [][]string {
	if !atEOF {
		i := bytes.LastIndexByte(text, '\n')
		if i < 0 {
			return nil
		}
		text = text[:i+1]
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	for len(out) < n {
		rec, err := r.Read()
		if err != nil {
			break
		}
		out = append(out, rec)
	}
	return out
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}
