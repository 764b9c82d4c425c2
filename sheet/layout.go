package sheet

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// Layout is what the first lines of an export say about the rest of it.
type Layout struct {
	// Delimiter separates the cells: the one given, else the one that
	// makes a header of the first lines (see FindLayout).
	Delimiter rune
	// Skip is how many records come before the header: a report's title,
	// its date, merged group headings. Empty lines are not records.
	Skip int
	// NoHeader: the file has no header but is a bare list of email
	// addresses, one column; its first record is an address.
	NoHeader bool
	// TrailingEmpty: data rows have more cells than the header, and the
	// extra ones are empty. Some exporters end every line with a delimiter
	// but not the header; an empty last cell shifts nothing.
	TrailingEmpty bool
}

const (
	// headerSearch bounds how many records may come before the header.
	headerSearch = 25
	// layoutRecords bounds how many records FindLayout reads.
	layoutRecords = 50
)

// delimiters are the candidates, in the order that wins a tie: the one
// least likely inside an unquoted heading first, as SniffDelimiter does.
var delimiters = []rune{'\t', ';', '|', ','}

// FindLayout looks at the start of a decoded export: text is its first
// bytes, cut anywhere unless atEOF. delim is the delimiter when the user
// gave one, else 0. match maps a heading to a column name (Canonical when
// nil).
//
// The header is the record among the first ones that names the email column
// and the most known columns; the earliest wins a tie, so a header repeated
// further down stays a row. Without a delimiter given, each candidate
// (, ; tab |) is tried, and the one that finds that header, in the most
// cells, is used. When no record names an email column, a first record that
// is one address in one column makes a bare list of addresses (NoHeader);
// otherwise the header is the record naming the most known columns, or the
// first, so the caller can say what is missing. Records are read as
// encoding/csv reads them, so the reader that comes after agrees.
func FindLayout(text []byte, atEOF bool, delim rune, match func(string) (string, bool)) Layout {
	if match == nil {
		match = Canonical
	}
	cands := delimiters
	if delim != 0 {
		cands = []rune{delim}
	}
	return findLayout(cands, delim, func(d rune) [][]string { return records(text, atEOF, d, layoutRecords) }, match)
}

// findLayout is FindLayout over the records each candidate delimiter
// reads (recsOf), whatever the format they come from.
func findLayout(cands []rune, delim rune, recsOf func(rune) [][]string, match func(string) (string, bool)) Layout {
	type choice struct {
		delim             rune
		rec, known, cells int
		email             bool
		records           [][]string
	}
	var best *choice
	better := func(c, b *choice) bool {
		switch {
		case b == nil:
			return true
		case c.email != b.email:
			return c.email
		case c.known != b.known:
			return c.known > b.known
		case c.rec != b.rec:
			return c.rec < b.rec
		case c.cells <= 1 && b.cells <= 1:
			return c.delim == ',' // no delimiter in the line: the default
		}
		return c.cells > b.cells // a tie goes to the earlier candidate
	}
	for _, d := range cands {
		recs := recsOf(d)
		header := false
		for i, rec := range recs[:min(len(recs), headerSearch)] {
			if header && holdsAddress(rec) {
				break // the data has begun: a header further down is a repeat
			}
			known, email := knownColumns(rec, match)
			header = header || email
			c := &choice{delim: d, rec: i, known: known, cells: nonEmpty(rec), email: email, records: recs}
			if better(c, best) {
				best = c
			}
		}
	}
	if best == nil { // nothing to read
		if delim == 0 {
			delim = ','
		}
		return Layout{Delimiter: delim}
	}
	l := Layout{Delimiter: best.delim, Skip: best.rec}
	if !best.email {
		if d, ok := addressList(recsOf, delim); ok {
			return Layout{Delimiter: d, NoHeader: true}
		}
		if best.known == 0 {
			l.Skip = 0 // nothing looks like a header: the first record is the one to show
		}
	}
	if l.Skip >= len(best.records) {
		return l
	}
	width := len(best.records[l.Skip])
	for _, rec := range best.records[l.Skip+1:] {
		if len(rec) > width && allEmpty(rec[width:]) {
			l.TrailingEmpty = true
			break
		}
	}
	return l
}

// knownColumns counts the cells of rec that name a column, and says whether
// one names the email column.
func knownColumns(rec []string, match func(string) (string, bool)) (known int, email bool) {
	for _, c := range rec {
		if name, ok := match(c); ok {
			known++
			email = email || name == "email"
		}
	}
	return known, email
}

func holdsAddress(rec []string) bool {
	for _, c := range rec {
		if strings.Contains(c, "@") {
			return true
		}
	}
	return false
}

// addressList reports a file that is a bare list of addresses: the first
// record is one cell holding an '@', and no record has a second cell with
// something in it.
func addressList(recsOf func(rune) [][]string, delim rune) (rune, bool) {
	if delim == 0 {
		delim = ','
	}
	recs := recsOf(delim)
	if len(recs) == 0 || !strings.Contains(recs[0][0], "@") {
		return delim, false
	}
	for _, rec := range recs {
		if len(rec) > 1 && !allEmpty(rec[1:]) {
			return delim, false
		}
	}
	return delim, true
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

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
