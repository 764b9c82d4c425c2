// Package report writes what a run did, for people and for machines: the
// per-row result CSV (csv.go), the retry file in the input's own format
// (retry.go), the end-of-run summary on the terminal (summary.go), the
// self-contained HTML report (html.go) and the JSON run manifest with its
// latency histogram (manifest.go). It knows nothing of the command line: the
// manifest is built from plain values the caller hands it.
package report

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// Columns are the result columns, in this order (the outcome and message
// go before the input's own, the others after: see Header).
var Columns = []string{
	"line", "email", "precheck_result", "provision_result", "http_status",
	"info_codes", "error_codes", "message", "tracking_id", "attempts",
	"subscriber_id", "subscriber_status", "notes", "request_hash", "checked_at",
}

// Extra columns are written by some commands only, after Columns (see
// command.Command.Extra): status writes last_status_change,
// resend-consent consent_result too, remove remove_result.
const (
	LastStatusChange = command.LastStatusChange
	ConsentResult    = command.ConsentColumn
	RemoveResult     = command.RemoveColumn
)

// AllColumns are every result column any command writes: a file that has
// line, email and precheck_result among them, wherever they stand, is a
// result file given back as input.
var AllColumns = append(append([]string{}, Columns...), command.ExtraColumns()...)

// cell is the value of result column name that cmd writes for r: a step's
// outcome, or another of the extra columns.
func cell(cmd *command.Command, name string, r pipeline.Result) string {
	if v, ok := cmd.Cell(name, r); ok {
		return v
	}
	switch name {
	case LastStatusChange:
		return r.LastStatusChange
	case command.PreviousPackage:
		return r.PreviousPackage
	case command.SyncAction:
		return r.Action
	}
	return ""
}

// RenamePrefix renames an input column whose name collides with a result
// column, so every output header is unique.
const RenamePrefix = "input_"

// CSVOptions shape the result file.
type CSVOptions struct {
	// InputHeader is the input's own header: its columns follow the
	// outcome and the message, so a person sees their data beside each
	// result, and come before the technical columns.
	InputHeader []string
	// Excel writes a UTF-8 BOM and CRLF line ends, the Delimiter, and
	// phone numbers as ="+1..." so Excel keeps the plus and every digit.
	Excel bool
	// Delimiter separates cells with Excel (0: comma): the input's, so a
	// German, French or Dutch Excel, whose lists use ;, opens it in columns.
	Delimiter rune
	// Command is the command writing: its steps fill their outcome
	// columns, and its Extra columns follow Columns.
	Command *command.Command
}

// CSVWriter writes one result row per input row.
type CSVWriter struct {
	w      *csv.Writer
	opt    CSVOptions
	lead   []string // the result columns before the input's: the outcome and message
	tail   []string // those after: the rest of Columns less the command's Omits, then its Extra
	record []string
}

// NewCSVWriter writes the header line and returns the writer.
func NewCSVWriter(w io.Writer, opt CSVOptions) (*CSVWriter, error) {
	if opt.Excel {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	}
	if opt.Excel {
		w = &crlfWriter{w: w}
	}
	cw := &CSVWriter{w: csv.NewWriter(w), opt: opt}
	if opt.Excel && opt.Delimiter != 0 {
		cw.w.Comma = opt.Delimiter
	}
	cw.lead, cw.tail = split(opt.Command)
	header := Header(opt.Command, opt.InputHeader)
	cw.record = make([]string, len(header))
	for i, h := range header {
		cw.record[i] = sheet.SafeCell(h, false)
	}
	if err := cw.w.Write(cw.record); err != nil {
		return nil, err
	}
	return cw, nil
}

// Header is the result file's header for an input header, in the order a
// person reads it: the command's outcome column and the message, then the
// input's columns (renamed where a name is taken), then the other result
// columns cmd fills and its extra ones. A file read back is known by
// these names wherever they stand (pipeline.SourceOptions.ResultColumns).
func Header(cmd *command.Command, input []string) []string {
	lead, tail := split(cmd)
	out := slices.Clone(lead)
	taken := map[string]bool{}
	for _, c := range AllColumns {
		taken[c] = true
	}
	for _, h := range input {
		name := h
		for taken[name] {
			name = RenamePrefix + name
		}
		taken[name] = true
		out = append(out, name)
	}
	return append(out, tail...)
}

// split is cmd's result columns before the input's (its outcome column,
// then message) and after (the others, in Columns' order, then Extra).
func split(cmd *command.Command) (lead, tail []string) {
	all := append(resultColumns(cmd), cmd.Extra...)
	for _, c := range []string{cmd.Last().Column, "message"} {
		if slices.Contains(all, c) && !slices.Contains(lead, c) {
			lead = append(lead, c)
		}
	}
	for _, c := range all {
		if !slices.Contains(lead, c) {
			tail = append(tail, c)
		}
	}
	return lead, tail
}

// resultColumns are the Columns cmd fills, in their order.
func resultColumns(cmd *command.Command) []string {
	var out []string
	for _, c := range Columns {
		if !slices.Contains(cmd.Omits, c) {
			out = append(out, c)
		}
	}
	return out
}

// value is the text of result column name for r, as cmd writes it.
func value(cmd *command.Command, name string, r pipeline.Result) string {
	switch name {
	case "line":
		return strconv.Itoa(r.Row.Line)
	case "email":
		return r.Row.Fields.Email
	case "http_status":
		if r.HTTPStatus == 0 {
			return ""
		}
		return strconv.Itoa(r.HTTPStatus)
	case "info_codes":
		return r.InfoCodes
	case "error_codes":
		return r.ErrorCodes
	case "message":
		return r.Message
	case "tracking_id":
		return r.TrackingID
	case "attempts":
		return strconv.Itoa(r.Attempts)
	case "subscriber_id":
		return r.SubscriberID
	case "subscriber_status":
		return r.SubscriberStatus
	case "notes":
		return strings.Join(r.Row.Notes, "; ")
	case "request_hash":
		return r.RequestHash
	case "checked_at":
		return checkedAt(r.CheckedAt)
	}
	return cell(cmd, name, r) // an outcome column, or an extra one
}

// Write adds one result. Cells that a spreadsheet would run as a formula
// are neutralised: a result file must be safe to open.
func (cw *CSVWriter) Write(r pipeline.Result) error {
	rec := cw.record[:0]
	for _, c := range cw.lead {
		rec = append(rec, value(cw.opt.Command, c, r))
	}
	// A ragged row's own cells fill the input's columns, a short one padded;
	// the cells past them (a long one's) go last, after every result
	// column, so none of those shifts.
	n := len(cw.opt.InputHeader)
	own := r.Row.Raw[:min(n, len(r.Row.Raw))]
	rec = append(rec, own...)
	for range n - len(own) {
		rec = append(rec, "")
	}
	for _, c := range cw.tail {
		rec = append(rec, value(cw.opt.Command, c, r))
	}
	rec = append(rec, r.Row.Raw[len(own):]...)
	for i := range rec {
		rec[i] = cw.cell(rec[i])
	}
	cw.record = rec
	return cw.w.Write(rec)
}

// cell makes one value safe to open (see sheet.SafeCell).
func (cw *CSVWriter) cell(s string) string { return sheet.SafeCell(s, cw.opt.Excel) }

func checkedAt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Flush writes buffered rows to the underlying writer.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}
