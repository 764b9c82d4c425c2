package pipeline

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/column"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// csvRecords reads a CSV as sheet.Records: encoding/csv, with each
// record's spreadsheet row counted from the physical lines (empty lines
// are rows a spreadsheet shows; a quoted cell may span lines).
type csvRecords struct {
	r            *csv.Reader
	row, lastEnd int // the last record's row, and the physical line it ended on
}

func newCSVRecords(r io.Reader, delim rune) *csvRecords {
	cr := csv.NewReader(r)
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // ragged rows become invalid rows, not a failed run
	cr.LazyQuotes = true    // a stray quote in a name is data, as Excel sees it
	return &csvRecords{r: cr}
}

// Read returns the next record; errors are encoding/csv's (*csv.ParseError).
func (c *csvRecords) Read() (sheet.Record, error) {
	rec, err := c.r.Read()
	if err != nil {
		return sheet.Record{}, err
	}
	start, _ := c.r.FieldPos(0)
	c.row += start - c.lastEnd
	last, _ := c.r.FieldPos(len(rec) - 1)
	c.lastEnd = last + strings.Count(rec[len(rec)-1], "\n")
	return sheet.Record{Cells: rec, Row: c.row}, nil
}

// recordsAhead is how many records NewRecordSource reads before the
// first row: enough to find the header below titles and to sample values.
const recordsAhead = 25 + 1 + sampleRows + 30

// NewRecordSource reads the header of a format whose cells come already
// split (an .xlsx worksheet, sheet.XLSXRecords): the header is found as in
// a CSV, below titles and merged group headings, from the first records;
// the rows then stream one at a time. opt.Delimiter does not apply.
func NewRecordSource(recs sheet.Records, opt SourceOptions) (*Source, error) {
	match := opt.Match
	if match == nil {
		match = sheet.Canonical
	}
	ahead := &aheadRecords{rest: recs}
	var cells [][]string
	for len(ahead.buf) < recordsAhead {
		r, err := recs.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &InputError{Line: r.Row, Msg: err.Error()}
		}
		ahead.buf = append(ahead.buf, r)
		cells = append(cells, r.Cells)
	}
	layout := sheet.FindLayoutRecords(cells, match)
	samplesOf := func(width int) [][]string {
		out := make([][]string, width)
		if layout.NoHeader {
			return out
		}
		for _, rec := range cells[min(len(cells), layout.Skip+1):min(len(cells), layout.Skip+1+sampleRows)] {
			for i := 0; i < width && i < len(rec); i++ {
				if v := strings.TrimSpace(rec[i]); v != "" {
					out[i] = append(out[i], v)
				}
			}
		}
		return out
	}
	src, err := newSource(ahead, layout, samplesOf, opt, match)
	if err != nil {
		return nil, err
	}
	src.split = true
	if h, ok := recs.(interface{ HiddenColumns([]string) []string }); ok {
		src.header.Notes = h.HiddenColumns(src.header.Raw)
	}
	return src, nil
}

// aheadRecords hands back the records read ahead, then the rest.
type aheadRecords struct {
	buf  []sheet.Record
	rest sheet.Records
}

func (a *aheadRecords) Read() (sheet.Record, error) {
	if len(a.buf) > 0 {
		r := a.buf[0]
		a.buf = a.buf[1:]
		return r, nil
	}
	return a.rest.Read()
}

// workbookNotes adds what the reader said about the row: a hidden row is a
// note, an error value in a column we read a problem (its text is not the
// value the person meant), one in a column we only pass through a note.
func (s *Source) workbookNotes(r *Row) {
	r.Notes = append(r.Notes, s.cur.Notes...)
	for _, e := range s.cur.Errors {
		what := fmt.Sprintf("cell %s shows %s (%s)", e.Ref, e.Value, sheet.ErrorMeaning(e.Value))
		if c := s.columnAt(e.Col); c != nil {
			r.Problems = append(r.Problems, Problem{Field: c.Name, Message: what + ": fix the formula or type the value, then save the workbook"})
			if c.Kind != column.Email {
				// The error is the one problem of the cell: its text is
				// no value to check as well ("#N/A contains letters").
				*c.Field(&r.Fields) = ""
			}
		} else {
			r.Notes = append(r.Notes, what)
		}
	}
}

func (s *Source) columnAt(i int) *column.Column {
	if s.inv != nil && i < len(s.inv) {
		i = s.inv[i] // the sheet's column to the row's position
	}
	if i < len(s.cols) {
		return s.cols[i]
	}
	return nil
}
