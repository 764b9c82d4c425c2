package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/column"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// InputError is a problem with the input file as a whole (no email column,
// a broken quote): the run cannot start or go on, and the message says
// where and how to fix it.
type InputError struct {
	Line int // 0 when not about one line
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("input line %d: %s", e.Line, e.Msg)
	}
	return "input: " + e.Msg
}

// Header describes the input's columns.
type Header struct {
	Raw       []string // as written in the file
	Canonical []string // our column name per position, "" for columns we do not use
	// First is where the input's own columns start: 0, or after the result
	// columns when a result file is given back as input.
	First int
	// Delimiter separates the cells.
	Delimiter rune
	// Line is the header's row as a spreadsheet shows it: 1, or further
	// down below a report's title lines; 0 when the file has no header (a
	// bare list of addresses, read as the email column).
	Line int
	// TrailingEmpty: the first data rows end in an empty cell the header
	// does not have (a delimiter at the end of each line). Such cells are
	// dropped from every row: they shift nothing.
	TrailingEmpty bool
	// Notes are what the reader says about the file as a whole (a
	// workbook's hidden columns), for the warnings before the run.
	Notes []string
	// Samples are the first values of each column (Samples[i] for Raw[i],
	// up to sampleRows of them), for suggestions about columns not used.
	Samples [][]string
}

// sampleRows bounds Header.Samples: enough to tell a column of phone
// numbers from one that holds a number once.
const sampleRows = 20

// Data returns the input's own header cells (what is passed through).
func (h Header) Data() []string { return h.Raw[h.First:] }

// Unknown returns the input's own header cells that map to no column.
func (h Header) Unknown() []string {
	var out []string
	for i := h.First; i < len(h.Raw); i++ {
		if h.Canonical[i] == "" {
			out = append(out, h.Raw[i])
		}
	}
	return out
}

// Source streams the rows of a CSV input. It reads the header at once, so
// a file without an email column is refused before any request is made.
// Cells are read into Fields by position, through the column table: plain
// encoding/csv, one goroutine, two allocations a row (gocsv's struct
// mapping cost five times that, with a goroutine and a side channel).
type Source struct {
	recs   sheet.Records
	cur    sheet.Record // the last record read
	header Header
	named  int // header cells up to the last one with a heading
	email  int // position of the email column
	// lookupOnly: see SourceOptions.
	lookupOnly bool
	// split: the reader hands over cells already split (a workbook),
	// where a row ends at its last filled cell: a short row lacks nothing.
	split bool
	blank int
	// row is the spreadsheet row of the last record read.
	row int
	// cols[i] is the column table entry of input position i, nil for a
	// column we do not use.
	cols []*column.Column
	// perm reads a result file whose own columns stand among the tool's
	// (outcome and message first, as the tool writes them) as if the
	// tool's came first: position i of a row is the file's cell perm[i].
	// inv is its inverse (a file's column to a row's position). Both nil
	// for every other input, whose rows are read as they are.
	perm, inv []int
}

// SourceOptions tune how the input is read.
type SourceOptions struct {
	Delimiter rune // sniffed when zero (see sheet.FindLayout)
	// Match maps a header cell to our column name; ok=false keeps the
	// column only as pass-through data. sheet.Canonical when nil.
	Match func(header string) (name string, ok bool)
	// ResultColumns are the columns this tool writes besides the input's
	// own: a file that has them (see resultPositions) is one of our result
	// files given back, and is read from its original columns.
	ResultColumns []string
	// RenamePrefix marks an input column renamed in a result file because
	// its name collides with a result column ("input_" + name).
	RenamePrefix string
	// LookupOnly: rows only name subscribers to look up (status,
	// resend-consent, remove), so the text of a total or footer line is not
	// put in the email field, where it would be looked up.
	LookupOnly bool
}

// peekLen is how much of the input NewSource looks at to learn its layout
// (sheet.FindLayout): a few hundred rows of a typical sheet.
const peekLen = 64 << 10

// NewSource reads the header of r.
func NewSource(r io.Reader, opt SourceOptions) (*Source, error) {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < peekLen {
		br = bufio.NewReaderSize(r, peekLen)
	}
	prefix, err := br.Peek(peekLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &InputError{Msg: err.Error()}
	}
	match := opt.Match
	if match == nil {
		match = sheet.Canonical
	}
	layout := sheet.FindLayout(prefix, errors.Is(err, io.EOF), opt.Delimiter, match)
	recs := newCSVRecords(br, layout.Delimiter) // reads br itself: bufio.NewReader keeps a big enough *bufio.Reader
	return newSource(recs, layout, func(width int) [][]string { return samples(prefix, layout, width) }, opt, match)
}

// newSource reads the header from recs, laid out as layout says; samplesOf
// gives the first values of each of width columns.
func newSource(recs sheet.Records, layout sheet.Layout, samplesOf func(width int) [][]string, opt SourceOptions, match func(string) (string, bool)) (*Source, error) {
	src := &Source{recs: recs, lookupOnly: opt.LookupOnly}
	if layout.NoHeader {
		// A bare list of addresses: its first line is the first address.
		src.header = Header{Raw: []string{"email"}, Canonical: []string{"email"}, Delimiter: layout.Delimiter}
		src.named, src.email, src.cols = 1, 0, []*column.Column{&column.Table[column.Index("email")]}
		return src, nil
	}
	var raw []string
	for i := 0; i <= layout.Skip; i++ { // the lines above the header are not rows
		rec, err := recs.Read()
		if errors.Is(err, io.EOF) {
			return nil, &InputError{Msg: "the file is empty: expected a header line naming at least an email column"}
		}
		if err != nil {
			return nil, &InputError{Line: src.row + 1, Msg: err.Error()}
		}
		src.advance(rec)
		raw = rec.Cells
	}
	// Header cells up to the last one with a heading, in the file's order
	// (the row shape checks see the file's cells).
	pos := resultPositions(raw, opt.ResultColumns)
	named, least := len(raw), 1
	if isPrefix(pos) {
		least = len(pos) + 1 // one of the input's own at least
	}
	for named > least && strings.TrimSpace(raw[named-1]) == "" {
		named--
	}
	samples := samplesOf(len(raw))
	if !isPrefix(pos) {
		src.perm = append(pos, ownPositions(len(raw), pos)...)
		src.inv = make([]int, len(raw))
		for i, p := range src.perm {
			src.inv[p] = i
		}
		raw, samples = permute(raw, src.perm), permute(samples, src.perm)
	}
	h := Header{Raw: raw, Canonical: make([]string, len(raw)), First: len(pos),
		Delimiter: layout.Delimiter, TrailingEmpty: layout.TrailingEmpty, Line: src.row}
	h.Samples = samples
	seen := map[string]int{}
	for i := h.First; i < len(raw); i++ {
		cell := raw[i]
		if h.First > 0 && opt.RenamePrefix != "" && strings.HasPrefix(cell, opt.RenamePrefix) {
			cell = strings.TrimPrefix(cell, opt.RenamePrefix)
		}
		name, ok := match(cell)
		if !ok {
			continue
		}
		if j, dup := seen[name]; dup {
			return nil, &InputError{Line: h.Line, Msg: fmt.Sprintf("columns %d (%q) and %d (%q) both mean %s: remove or rename one", src.fileColumn(j)+1, raw[j], src.fileColumn(i)+1, raw[i], name)}
		}
		seen[name] = i
		h.Canonical[i] = name
	}
	if _, ok := seen["email"]; !ok {
		fix := "name the column holding the subscribers' addresses \"email\""
		var samples [][]string
		if len(h.Samples) > h.First {
			samples = h.Samples[h.First:]
		}
		if i, why := sheet.EmailColumn(h.Data(), samples); i >= 0 {
			fix = fmt.Sprintf("column %q %s: pass --map %q, or rename it \"email\"", h.Data()[i], why, h.Data()[i]+"=email")
		}
		return nil, &InputError{Line: h.Line, Msg: fmt.Sprintf("no email column: %s; %s", headerShape(h, opt.Delimiter == 0), fix)}
	}
	cols := make([]*column.Column, len(raw))
	for i, name := range h.Canonical {
		if j := column.Index(name); j >= 0 {
			cols[i] = &column.Table[j]
		}
	}
	src.header, src.named, src.email, src.cols = h, named, seen["email"], cols
	return src, nil
}

// advance counts the record just read: its spreadsheet row follows the
// empty rows before it, which the reader skips and a spreadsheet shows as
// rows (gap says how many).
func (s *Source) advance(rec sheet.Record) (gap int) {
	gap = rec.Row - s.row - 1
	s.row = rec.Row
	s.cur = rec
	return gap
}

// resultPositions are the positions of the tool's own columns (any of
// result: each command writes its own set) in a result file given back as
// input, wherever they stand: first, as files were written before, or
// around the person's columns, as they are now. A file counts as a result
// file only if it names line, email and precheck_result, exactly as the
// tool writes them (a person's column of the same name is written
// input_<name>), and has no outcome column. nil for any other file.
func resultPositions(raw, result []string) []int {
	var pos []int
	named := map[string]bool{}
	for i, c := range raw {
		if slices.Contains(result, c) {
			pos = append(pos, i)
			named[c] = true
		}
	}
	if !named["line"] || !named["email"] || !named["precheck_result"] || slices.Contains(raw, OutcomeColumn) {
		return nil
	}
	return pos
}

// OutcomeColumn is the first column of the tool's result workbook: a
// sheet that has it is for people, and is read as a new sheet, not as a
// result file.
const OutcomeColumn = "outcome"

// isPrefix reports whether pos are the first len(pos) positions: the
// tool's columns first, as result files were written before the person's
// columns moved to the front.
func isPrefix(pos []int) bool {
	for i, p := range pos {
		if p != i {
			return false
		}
	}
	return true
}

// ownPositions are the positions of a header of width cells that are not
// in pos (sorted): the input's own columns, in their order.
func ownPositions(width int, pos []int) []int {
	var out []int
	for i := range width {
		if _, found := slices.BinarySearch(pos, i); !found {
			out = append(out, i)
		}
	}
	return out
}

// permute returns cells in the order perm gives; a short row's missing
// cells are empty, and cells past perm's width stay at the end, in order.
func permute[T any](cells []T, perm []int) []T {
	out := make([]T, len(perm), max(len(perm), len(cells)))
	for i, p := range perm {
		if p < len(cells) {
			out[i] = cells[p]
		}
	}
	if len(cells) > len(perm) {
		out = append(out, cells[len(perm):]...)
	}
	return out
}

// fileColumn is the file's column (0-based) of a row's position i.
func (s *Source) fileColumn(i int) int {
	if s.perm != nil && i < len(s.perm) {
		return s.perm[i]
	}
	return i
}

// headerShape says what a header without an email column holds, and how
// it was split: a delimiter that is not the comma is easy to miss.
func headerShape(h Header, sniffed bool) string {
	data := h.Data()
	switch {
	case sniffed && h.Delimiter != ',':
		return fmt.Sprintf("the file looks %s-delimited, and its header has %s", delimName(h.Delimiter), quoteList(data))
	case len(data) == 1:
		for _, d := range []rune{';', '\t', '|', ','} {
			if d != h.Delimiter && strings.ContainsRune(data[0], d) {
				return fmt.Sprintf("the header is one cell, %q: the file looks %s-delimited, not %s-delimited (--delimiter)", data[0], delimName(d), delimName(h.Delimiter))
			}
		}
	}
	return "the header has " + quoteList(data)
}

func delimName(d rune) string {
	if d == '\t' {
		return "tab"
	}
	return string(d)
}

func quoteList(cells []string) string {
	if len(cells) == 0 {
		return "no columns"
	}
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = fmt.Sprintf("%q", c)
	}
	return strings.Join(q, ", ")
}

// Header returns the input's columns.
func (s *Source) Header() Header { return s.header }

// Blank is the number of blank rows skipped so far.
func (s *Source) Blank() int { return s.blank }

// samples reads the first data rows out of the bytes already peeked,
// without consuming anything: the first values of each of width columns.
func samples(prefix []byte, layout sheet.Layout, width int) [][]string {
	cr := csv.NewReader(bytes.NewReader(prefix))
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = layout.Delimiter, -1, true
	out := make([][]string, width)
	for n := 0; n < layout.Skip+1+sampleRows; n++ {
		rec, err := cr.Read()
		if err != nil {
			break // the end, or a record the peek cut in two
		}
		if n <= layout.Skip {
			continue // the header and the lines above it
		}
		for i := 0; i < width && i < len(rec); i++ {
			if v := strings.TrimSpace(rec[i]); v != "" {
				out[i] = append(out[i], v)
			}
		}
	}
	return out
}

// next reads the next non-blank record: its cells, and a problem with its
// shape, if any; s.row is its spreadsheet row.
func (s *Source) next() ([]string, string, error) {
	for {
		r, err := s.recs.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, "", &InputError{Line: pe.StartLine, Msg: pe.Err.Error() + ": check the quotes on this line"}
			}
			return nil, "", err
		}
		s.blank += s.advance(r)
		rec := r.Cells
		if isBlank(rec) {
			s.blank++
			continue
		}
		for i, c := range rec {
			rec[i] = sheet.UnwrapCell(c)
		}
		width := len(s.header.Raw)
		for len(rec) > width && strings.TrimSpace(rec[len(rec)-1]) == "" {
			rec = rec[:len(rec)-1] // an empty cell after the last column shifts nothing
		}
		if len(rec) < width && (len(rec) >= s.named || s.split) {
			// The header ends in empty headings (a trailing delimiter) that
			// this row does not repeat: nothing is missing.
			rec = append(rec, make([]string, width-len(rec))...)
		}
		var problem string
		if len(rec) != width {
			first := s.header.First
			problem = fmt.Sprintf("this row has %d cells but the header has %d: check for an unquoted delimiter or a missing cell", len(rec)-first, width-first)
		}
		if s.perm != nil {
			rec = permute(rec, s.perm)
		}
		return rec, problem, nil
	}
}

// notSubscriber returns the text of a line that holds no address and reads
// as a report's total ("Grand Totals (4 records)", an Excel subtotal: the
// label comes first) or a footer (its one cell is words), or "" for any
// other line.
func (s *Source) notSubscriber(rec []string) string {
	if i := s.email; i < len(rec) && strings.Contains(rec[i], "@") {
		return "" // the common case, at the cost of one search
	}
	first, cells := "", 0
	for _, c := range rec[min(s.header.First, len(rec)):] {
		if strings.Contains(c, "@") {
			return ""
		}
		if t := check.Trim(c); t != "" {
			if cells == 0 {
				first = t
			}
			cells++
		}
	}
	switch {
	case cells == 0:
		return ""
	case check.IsTotal(first):
		return first
	case cells == 1 && strings.ContainsAny(first, " \t"):
		return first
	}
	return ""
}

// hasReplacement reports U+FFFD in c; the byte search first is what keeps
// the check off a row's cost.
func hasReplacement(c string) bool {
	return strings.IndexByte(c, 0xEF) >= 0 && strings.Contains(c, "\uFFFD")
}

func isBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Each calls fn for every non-blank row, in order, until the input ends, fn
// returns an error or ctx ends. Memory stays flat: one row at a time. A row
// with more or fewer cells than the header is handed over with a problem;
// its cells are all kept, extra ones included, so nothing is dropped.
func (s *Source) Each(ctx context.Context, fn func(Row) error) error {
	for seq := 0; ; seq++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, problem, err := s.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		r := Row{Seq: seq, Line: s.row, Raw: rec}
		for i, c := range s.cols {
			if c != nil && i < len(rec) {
				*c.Field(&r.Fields) = rec[i]
			}
		}
		if first := s.header.First; first > 0 {
			r.Prior = make(map[string]string, first)
			for i := 0; i < first && i < len(rec); i++ {
				r.Prior[s.header.Raw[i]] = rec[i]
			}
			r.Raw = rec[min(first, len(rec)):]
		}
		if text := s.notSubscriber(rec); text != "" && !s.lookupOnly {
			// A total or a footer line: the checks say what it is once they
			// see its text, which is no address and no shape error.
			if check.Trim(r.Fields.Email) == "" {
				r.Fields.Email = text
			}
			problem = ""
		}
		if problem != "" {
			r.Problems = append(r.Problems, Problem{Message: problem})
		}
		s.workbookNotes(&r)
		for i, c := range s.cols {
			// U+FFFD stands for bytes the decoder could not read: sending it
			// would put a garbled name in Webex. Addresses are the email
			// check's (it refuses anything not ASCII).
			if c != nil && c.Kind != column.Email && i < len(rec) && hasReplacement(rec[i]) {
				r.Problems = append(r.Problems, Problem{Field: c.Name, Message: fmt.Sprintf(
					"%q holds a character that could not be read (shown as \uFFFD): the file is not in the encoding it was read in; save it as \"CSV UTF-8\" and try again", rec[i])})
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}
