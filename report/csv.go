// Package report writes what a run did: the per-row result CSV and the
// end-of-run summary.
package report

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// Columns are the result columns, in this order, before any input column.
var Columns = []string{
	"line", "email", "precheck_result", "provision_result", "http_status",
	"info_codes", "error_codes", "message", "tracking_id", "attempts",
	"subscriber_id", "subscriber_status",
}

// CSVWriter writes one result row per input row.
type CSVWriter struct {
	w      *csv.Writer
	record []string
}

// NewCSVWriter writes the header line and returns the writer.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	cw := &CSVWriter{w: csv.NewWriter(w), record: make([]string, len(Columns))}
	if err := cw.w.Write(Columns); err != nil {
		return nil, err
	}
	return cw, nil
}

// Write adds one result. Cells that a spreadsheet would run as a formula
// are neutralised: a result file must be safe to open.
func (cw *CSVWriter) Write(r pipeline.Result) error {
	rec := cw.record
	rec[0] = strconv.Itoa(r.Row.Line)
	rec[1] = r.Row.Fields.Email
	rec[2] = r.Precheck
	rec[3] = r.Provision
	rec[4] = ""
	if r.HTTPStatus != 0 {
		rec[4] = strconv.Itoa(r.HTTPStatus)
	}
	rec[5] = r.InfoCodes
	rec[6] = r.ErrorCodes
	rec[7] = r.Message
	rec[8] = r.TrackingID
	rec[9] = strconv.Itoa(r.Attempts)
	rec[10] = r.SubscriberID
	rec[11] = r.SubscriberStatus
	for i := range rec {
		rec[i] = Neutralize(rec[i])
	}
	return cw.w.Write(rec)
}

// Flush writes buffered rows to the underlying writer.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}

// Neutralize prefixes a cell that Excel or Sheets would evaluate as a
// formula (=, +, -, @, tab, CR at the start) with a quote, so a hostile or
// mangled value is shown as text instead of being run.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
