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
	"strconv"
	"strings"
	"time"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// Columns are the result columns, in this order, before the input's own.
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

// AllColumns are every result column any command writes: a file whose
// leading cells are among them is a result file given back as input.
var AllColumns = append(append([]string{}, Columns...), command.ExtraColumns()...)

// cell is the value of result column name that cmd writes for r: a step's
// outcome, or another of the extra columns.
func cell(cmd *command.Command, name string, r pipeline.Result) string {
	if v, ok := cmd.Cell(name, r); ok {
		return v
	}
	if name == LastStatusChange {
		return r.LastStatusChange
	}
	return ""
}

// RenamePrefix renames an input column whose name collides with a result
// column, so every output header is unique.
const RenamePrefix = "input_"

// CSVOptions shape the result file.
type CSVOptions struct {
	// InputHeader is the input's own header: its columns follow the result
	// columns, so a person sees their data beside each result.
	InputHeader []string
	// Excel writes a UTF-8 BOM and CRLF line ends, and E.164 numbers as
	// ="+1..." so Excel keeps the plus and every digit.
	Excel bool
	// Command is the command writing: its steps fill their outcome
	// columns, and its Extra columns follow Columns.
	Command *command.Command
}

// CSVWriter writes one result row per input row.
type CSVWriter struct {
	w      *csv.Writer
	opt    CSVOptions
	record []string
}

// NewCSVWriter writes the header line and returns the writer.
func NewCSVWriter(w io.Writer, opt CSVOptions) (*CSVWriter, error) {
	if opt.Excel {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
	}
	cw := &CSVWriter{w: csv.NewWriter(w), opt: opt}
	cw.w.UseCRLF = opt.Excel
	header := Header(opt.InputHeader, opt.Command.Extra...)
	cw.record = make([]string, len(header))
	for i, h := range header {
		cw.record[i] = sheet.SafeCell(h, false)
	}
	if err := cw.w.Write(cw.record); err != nil {
		return nil, err
	}
	return cw, nil
}

// Header is the result file's header for an input header: the result
// columns and the command's extra ones, then the input's columns, renamed
// where a name is taken.
func Header(input []string, extra ...string) []string {
	out := append(append([]string{}, Columns...), extra...)
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
	return out
}

// Write adds one result. Cells that a spreadsheet would run as a formula
// are neutralised: a result file must be safe to open.
func (cw *CSVWriter) Write(r pipeline.Result) error {
	rec := cw.record[:0]
	status := ""
	if r.HTTPStatus != 0 {
		status = strconv.Itoa(r.HTTPStatus)
	}
	rec = append(rec,
		strconv.Itoa(r.Row.Line), r.Row.Fields.Email, cell(cw.opt.Command, command.PrecheckColumn, r), cell(cw.opt.Command, command.ProvisionColumn, r), status,
		r.InfoCodes, r.ErrorCodes, r.Message, r.TrackingID, strconv.Itoa(r.Attempts),
		r.SubscriberID, r.SubscriberStatus, strings.Join(r.Row.Notes, "; "), r.RequestHash, checkedAt(r.CheckedAt))
	for _, e := range cw.opt.Command.Extra {
		rec = append(rec, cell(cw.opt.Command, e, r))
	}
	rec = append(rec, r.Row.Raw...)
	// A ragged short row is padded so every line has the header's width.
	for len(rec) < len(Columns)+len(cw.opt.Command.Extra)+len(cw.opt.InputHeader) {
		rec = append(rec, "")
	}
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
