package report

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// XLSXOptions shape the result workbook.
type XLSXOptions struct {
	// InputHeader is the input's own header, as for CSVOptions.
	InputHeader []string
	// Command is the command writing (see CSVOptions.Command).
	Command *command.Command
}

// Sheet names of the result workbook.
const (
	ResultsSheet = "Results"
	SummarySheet = "Summary"
)

// Outcome is the first column of the result workbook: what became of the
// row, in one word to filter on. A file with it is not read back as a
// result file (see pipeline.OutcomeColumn).
const Outcome = pipeline.OutcomeColumn

// widthSample is how many rows the column widths are measured on: the
// rows are held until then, since a stream's widths come before its rows.
const widthSample = 200

// maxCell is the most characters a cell holds (Excel's limit).
const maxCell = excelize.TotalCellChars

// XLSXWriter writes the result workbook for a person to act on: on its
// first sheet the outcome and message first, then the person's own
// columns as they gave them, then the technical ones; a frozen header with
// filters; a fill colour per outcome; every cell of the person's and every
// message a text cell (a value is never a formula: "=1+1" stays text, so
// the injection defence of the CSV needs no apostrophe here); the widths
// fit the first rows. A second sheet, Summary, has the counts by outcome
// and by customer.
//
// Rows stream through excelize's StreamWriter, which spills to a
// temporary file: memory stays flat however many rows. The workbook is
// written to w only by Flush (a zip archive is written whole), which also
// removes the temporary files; call it once.
type XLSXWriter struct {
	w       io.Writer
	opt     XLSXOptions
	f       *excelize.File
	sw      *excelize.StreamWriter
	header  []string
	cols    []string       // the technical columns, after the person's
	held    [][]any        // the first rows, until the widths are known
	started bool           // the widths are set and rows stream
	wrapAt  int            // the message column's width, in characters
	row     int            // the last sheet row written
	fills   map[string]int // the outcome cell's style, by outcome
	wraps   map[string]int // the message cell's: the fill, wrapping at the width's bound
	text    int            // the style of a plain text cell
	num     int            // of a number cell
	sum     *Summary
	counts  map[string]int
}

// NewXLSXWriter starts a result workbook.
func NewXLSXWriter(w io.Writer, opt XLSXOptions) (*XLSXWriter, error) {
	f := excelize.NewFile()
	// excelize builds the whole archive in a bytes.Buffer before writing
	// it: at 1,000,000 rows that is 60 MB more. Its zip writer goes
	// straight to w instead, and the buffer stays empty.
	f.ZipWriter = func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) }
	x := &XLSXWriter{w: w, opt: opt, f: f, fills: map[string]int{}, wraps: map[string]int{}, sum: NewSummary(opt.Command), counts: map[string]int{}}
	if err := x.start(); err != nil {
		_ = f.Close()
		return nil, err
	}
	return x, nil
}

func (x *XLSXWriter) start() error {
	if err := x.f.SetSheetName("Sheet1", ResultsSheet); err != nil {
		return err
	}
	var err error
	if x.sw, err = x.f.NewStreamWriter(ResultsSheet); err != nil {
		return err
	}
	// Cells align at the top: a wrapped message makes its row taller, and
	// the row's other cells then read on its first line.
	top := &excelize.Alignment{Vertical: "top"}
	if x.text, err = x.f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: top}); err != nil {
		return err
	}
	if x.num, err = x.f.NewStyle(&excelize.Style{Alignment: top}); err != nil {
		return err
	}
	if x.wraps[""], err = x.f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return err
	}
	// in a fixed order, so the style ids are the same each run
	for _, outcome := range slices.Sorted(maps.Keys(outcomeColours)) {
		fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{outcomeColours[outcome]}}
		id, err := x.f.NewStyle(&excelize.Style{NumFmt: 49, Fill: fill, Alignment: top})
		if err != nil {
			return err
		}
		x.fills[outcome] = id
		// the message wraps at the column's bound (60), so a long one is
		// read whole, not cut by the next cell
		if id, err = x.f.NewStyle(&excelize.Style{NumFmt: 49, Fill: fill, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
			return err
		}
		x.wraps[outcome] = id
	}
	x.header = XLSXHeader(x.opt.Command, x.opt.InputHeader)
	x.cols = x.technical()
	head := make([]any, len(x.header))
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return err
	}
	for i, h := range x.header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	x.held = append(x.held, head)
	return nil
}

// XLSXHeader is the result workbook's header: outcome and message, the
// input's columns as given (a heading that repeats, or is empty, is made
// unique, as the filters need), then the technical columns.
func XLSXHeader(cmd *command.Command, input []string) []string {
	out := []string{Outcome, "message"}
	out = append(out, input...)
	for _, c := range resultColumns(cmd) {
		if c != "message" {
			out = append(out, c)
		}
	}
	out = append(out, cmd.Extra...)
	seen := map[string]bool{}
	for i, h := range out {
		name := strings.TrimSpace(h)
		if name == "" {
			name = "column " + strconv.Itoa(i+1)
		}
		for n := 2; seen[strings.ToLower(name)]; n++ {
			name = fmt.Sprintf("%s (%d)", strings.TrimSpace(h), n)
		}
		seen[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// outcomeColours are the fills of the outcome and message cells: green
// for done, amber for a refusal or a wait, red for what is wrong or
// unknown, grey for what was not tried.
var outcomeColours = map[string]string{
	"ok": "C6EFCE", pipeline.Passed: "C6EFCE", pipeline.Provisioned: "C6EFCE", pipeline.Sent: "C6EFCE", pipeline.Removed: "C6EFCE",
	pipeline.Failed: "FFE699", pipeline.Pending: "FFE699", pipeline.NotPending: "FFE699", pipeline.TooRecent: "FFE699", pipeline.NotFound: "FFE699",
	pipeline.Skipped: "E7E6E6", pipeline.NotSent: "E7E6E6",
	pipeline.Invalid: "FFC7CE", pipeline.Error: "FFC7CE",
}

// OutcomeOf is a result's outcome in one word: that of the latest step of
// cmd it reached, or the precheck's when provisioning skipped a row that
// did not pass; "ok" for a row a check found nothing against.
func OutcomeOf(cmd *command.Command, r pipeline.Result) string {
	step, _ := cmd.Current(r)
	if step == nil {
		return "ok"
	}
	o := step.Of(r)
	if o == pipeline.Skipped && r.Precheck != "" && r.Precheck != pipeline.Passed {
		return r.Precheck
	}
	if o == "" {
		return "ok"
	}
	return o
}

// Write adds one result row.
func (x *XLSXWriter) Write(r pipeline.Result) error {
	x.sum.Add(r)
	outcome := OutcomeOf(x.opt.Command, r)
	x.counts[outcome]++
	fill, ok := x.fills[outcome]
	if !ok {
		fill = x.text
	}
	wrap, ok := x.wraps[outcome]
	if !ok {
		wrap = x.wraps[""]
	}
	rec := make([]any, 0, len(x.header))
	rec = append(rec, excelize.Cell{StyleID: fill, Value: outcome}, excelize.Cell{StyleID: wrap, Value: clip(r.Message)})
	n := len(x.opt.InputHeader)
	for i := range n {
		v := ""
		if i < len(r.Row.Raw) {
			v = r.Row.Raw[i]
		}
		rec = append(rec, x.str(v))
	}
	for _, c := range x.cols {
		switch c {
		case "line": // numbers stay numbers, so they sort
			rec = append(rec, excelize.Cell{StyleID: x.num, Value: r.Row.Line})
		case "attempts":
			rec = append(rec, excelize.Cell{StyleID: x.num, Value: r.Attempts})
		case "http_status":
			if r.HTTPStatus != 0 {
				rec = append(rec, excelize.Cell{StyleID: x.num, Value: r.HTTPStatus})
			} else {
				rec = append(rec, nil)
			}
		default:
			rec = append(rec, x.str(value(x.opt.Command, c, r)))
		}
	}
	// Cells past the header (a ragged row's) have no column: they are in
	// the message already ("this row has N cells").
	if !x.started {
		x.held = append(x.held, rec)
		if len(x.held) > widthSample {
			return x.release()
		}
		return nil
	}
	return x.put(rec)
}

// technical are the columns after the person's: the result columns the
// command fills (message is second already), then its extra ones.
func (x *XLSXWriter) technical() []string {
	var out []string
	for _, c := range resultColumns(x.opt.Command) {
		if c != "message" {
			out = append(out, c)
		}
	}
	return append(out, x.opt.Command.Extra...)
}

// str is a text cell ("" none); a cell longer than Excel holds is cut.
func (x *XLSXWriter) str(s string) any {
	if s == "" {
		return nil
	}
	return excelize.Cell{StyleID: x.text, Value: clip(s)}
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	r := []rune(s)
	return string(r[:maxCell-1]) + "…"
}

// release sets the widths from the rows held and writes them.
func (x *XLSXWriter) release() error {
	x.started = true
	width := make([]int, len(x.header))
	for _, rec := range x.held {
		for i, v := range rec {
			if i < len(width) {
				width[i] = max(width[i], cellLen(v))
			}
		}
	}
	// from the last column: excelize puts each before those set, and a
	// sheet's columns go in ascending order
	for i, w := range slices.Backward(width) {
		w = min(max(w+2, 8), 60)
		if err := x.sw.SetColWidth(i+1, i+1, float64(w)); err != nil {
			return err
		}
		if i == 1 {
			x.wrapAt = w
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	held := x.held
	x.held = nil
	for _, rec := range held {
		if err := x.put(rec); err != nil {
			return err
		}
	}
	return nil
}

func cellLen(v any) int {
	switch v := v.(type) {
	case excelize.Cell:
		return cellLen(v.Value)
	case string:
		// a long message wraps at the bound; its first line is what counts
		line, _, _ := strings.Cut(v, "\n")
		return utf8.RuneCountInString(line)
	case int:
		return len(strconv.Itoa(v))
	}
	return 0
}

// ErrTooManyRows: a worksheet holds 1,048,576 rows, the header one.
var ErrTooManyRows = errors.New("the result workbook is full: an Excel sheet holds 1,048,575 rows under its header; write a CSV (--format csv) for more")

func (x *XLSXWriter) put(rec []any) error {
	if x.row >= excelize.TotalRows {
		return ErrTooManyRows
	}
	x.row++
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	// A row is as tall as its wrapped message: neither Excel nor
	// LibreOffice sizes a row on opening, so a long message would show
	// one line of itself.
	if m, ok := rec[1].(excelize.Cell); ok && x.row > 1 {
		if s, _ := m.Value.(string); s != "" {
			if n := wrappedLines(s, x.wrapAt); n > 1 {
				return x.sw.SetRow(cell, rec, excelize.RowOpts{Height: float64(15 * min(n, 27))})
			}
		}
	}
	return x.sw.SetRow(cell, rec)
}

// wrappedLines is how many lines s takes wrapped at words in a column
// width characters wide: a proportional font fits a few more, so it errs
// on the tall side.
func wrappedLines(s string, width int) int {
	width = max(width-1, 1)
	lines := 0
	for para := range strings.SplitSeq(s, "\n") {
		lines++
		n := 0
		for _, w := range strings.Fields(para) {
			l := utf8.RuneCountInString(w)
			switch {
			case n == 0:
				n = l
			case n+1+l <= width:
				n += 1 + l
			default:
				lines++
				n = l
			}
			for n > width { // a word longer than the line breaks anywhere
				lines++
				n -= width
			}
		}
	}
	return lines
}

// Flush ends the Results sheet, adds the Summary sheet and writes the
// workbook to w. The writer cannot be used after it.
func (x *XLSXWriter) Flush() error {
	defer x.f.Close()
	if !x.started {
		if err := x.release(); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(x.header), max(x.row, 2))
	if err := x.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Results", StyleName: "TableStyleLight1", ShowRowStripes: new(false)}); err != nil {
		return err
	}
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if err := x.summary(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

// summary writes the Summary sheet: rows by outcome, then by customer.
func (x *XLSXWriter) summary() error {
	if _, err := x.f.NewSheet(SummarySheet); err != nil {
		return err
	}
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	row := 0
	put := func(style int, cells ...any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := x.f.SetSheetRow(SummarySheet, cell, &cells); err != nil {
			return err
		}
		if style != 0 {
			end, _ := excelize.CoordinatesToCellName(len(cells), row)
			return x.f.SetCellStyle(SummarySheet, cell, end, style)
		}
		return nil
	}
	if err := put(bold, Outcome, "rows"); err != nil {
		return err
	}
	outcomes := make([]string, 0, len(x.counts))
	for o := range x.counts {
		outcomes = append(outcomes, o)
	}
	sort.Slice(outcomes, func(i, j int) bool {
		return x.counts[outcomes[i]] > x.counts[outcomes[j]] || x.counts[outcomes[i]] == x.counts[outcomes[j]] && outcomes[i] < outcomes[j]
	})
	for _, o := range outcomes {
		if err := put(x.fills[o], o, x.counts[o]); err != nil {
			return err
		}
	}
	if err := put(bold, "total", x.sum.Rows); err != nil {
		return err
	}
	customers := x.sum.Customers()
	if len(customers) == 0 || len(customers) == 1 && customers[0].ID == "" && customers[0].ExternalID == "" {
		return x.f.SetColWidth(SummarySheet, "A", "A", 16)
	}
	row++ // a blank line between the tables
	var steps []string
	for _, c := range customers {
		for o := range c.Precheck {
			steps = append(steps, "precheck "+o)
		}
		for o := range c.Provision {
			steps = append(steps, "provision "+o)
		}
	}
	slices.Sort(steps)
	steps = slices.Compact(steps)
	head := append([]any{"customerId", "externalId", "rows"}, anys(steps)...)
	if err := put(bold, append(head, "error codes")...); err != nil {
		return err
	}
	for _, c := range customers {
		cells := []any{c.ID, c.ExternalID, c.Rows}
		for _, s := range steps {
			kind, o, _ := strings.Cut(s, " ")
			m := c.Precheck
			if kind == "provision" {
				m = c.Provision
			}
			cells = append(cells, m[o])
		}
		if err := put(0, append(cells, c.codesText())...); err != nil {
			return err
		}
	}
	if x.sum.customersDropped > 0 {
		if err := put(0, fmt.Sprintf("and %d rows of further customers (the table holds %d)", x.sum.customersDropped, maxCustomers)); err != nil {
			return err
		}
	}
	return x.f.SetColWidth(SummarySheet, "A", "B", 40)
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
