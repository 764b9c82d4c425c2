package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// RetryWriter writes the rows worth sending again (--retry-file) in the
// input's own format: the same header cells in the same order, the same
// delimiter, and each row's cells exactly as read, so the next run is
// "--input RETRY-FILE" with nothing to edit.
//
// Decisions, and why:
//   - The header is always written, even when no row qualifies: a script
//     can then always run the next pass on the file, and a file of just a
//     header is a run with no rows rather than a missing-file error.
//   - Cells are written verbatim, never neutralised like the result CSV:
//     the file is input for this tool, and a "+1 240..." phone number must
//     come back as it went out.
//   - A row shorter than the header is padded with empty cells: that is
//     what the source read and sent for it. A row longer than the header
//     keeps its extra cells, so no data is lost; the next run reports it
//     as a ragged row, as the first did. (Ragged rows are invalid and never
//     sent, so they do not reach the retry file in practice; this is the
//     safe answer if they ever do.)
//   - Rows come out in input order, because the sink hands results over in
//     that order; their spreadsheet line numbers change, the cells do not.
//
// A RetryWriter is used from one goroutine, like the sink that feeds it.
type RetryWriter struct {
	// Resumable: the run has a journal, so rows it did not finish (never
	// sent, or stopped mid-request) are for --resume and are left out here.
	// Without one (standard output), they are written: the retry file is
	// then the only way to send them.
	Resumable bool
	// Prior names the leading columns of the header given to
	// NewRetryWriter that a result file given back as input carries before
	// the row's own cells (pipeline.Header.Raw[:First]); each row writes its
	// Row.Prior cells there. The follow-up commands need them back (the
	// subscriber_id, the statuses) and the header's renamed columns
	// (input_email) are read as the person's only after them, so the retry
	// file is the same kind of file as the input.
	Prior         []string
	cmd           *command.Command
	full          []string
	w             *csv.Writer
	width         int
	includeFailed bool
	count         int
	err           error // the first write error, returned by every later call
	record        []string
}

// RetryScope is which rows without a pass a retry file takes.
type RetryScope int

const (
	// Unanswered rows ended without a definite answer (error), or were
	// not sent where no --resume sends them: sending again may work.
	Unanswered RetryScope = iota
	// WithRefused adds the rows the API refused (failed), for a rerun
	// after fixing something outside the file (--retry-failed).
	WithRefused
)

// NewRetryWriter writes the header line (buffered: errors come back from
// Add or Flush) and returns the writer for cmd's results, which its table
// entry says are worth sending again. header is the input's header cells
// as read (pipeline.Header.Raw), delimiter the input's (',' when zero).
// scope says whether rows the API refused (failed) are written too.
func NewRetryWriter(w io.Writer, cmd *command.Command, header []string, delimiter rune, scope RetryScope) *RetryWriter {
	cw := csv.NewWriter(w)
	if delimiter != 0 {
		cw.Comma = delimiter
	}
	rw := &RetryWriter{w: cw, cmd: cmd, width: len(header), includeFailed: scope == WithRefused}
	if len(header) == 0 {
		rw.err = errors.New("retry file: the input has no header")
		return rw
	}
	rw.err = cw.Write(header)
	return rw
}

// Qualifies reports whether r belongs in a retry file, as the command
// table says of its steps' outcomes: one ended without a definite answer
// (error: retries exhausted, a transport failure, the run stopped with
// the row in flight), or, WithRefused, was refused (failed); a row
// not sent goes only when no --resume can send it (see Resumable). A
// provisioning error is retried too: if the subscriber was in fact
// created, the next run says so (errorCode 10022) instead of creating it
// twice.
func (rw *RetryWriter) Qualifies(r pipeline.Result) bool {
	if !r.Final && rw.Resumable {
		return false
	}
	switch rw.cmd.Retry(r) {
	case command.RetryNoResume:
		return !rw.Resumable
	case command.RetryAlways:
		return true
	case command.RetryIfFailed:
		return rw.includeFailed
	}
	return false
}

// Add writes r's original cells if it qualifies, and ignores it otherwise.
// A result without its row's cells (Row or Row.Raw nil) is an error: the
// row cannot be written back as the user wrote it.
func (rw *RetryWriter) Add(r pipeline.Result) error {
	if rw.err != nil {
		return rw.err
	}
	if !rw.Qualifies(r) {
		return nil
	}
	if r.Row == nil || r.Row.Raw == nil {
		line := 0
		if r.Row != nil {
			line = r.Row.Line
		}
		return fmt.Errorf("retry file: the cells of input line %d are not known, so the row cannot be written back as it was", line)
	}
	rec := r.Row.Raw
	if len(rw.Prior) > 0 {
		full := rw.full[:0]
		for _, name := range rw.Prior {
			full = append(full, r.Row.Prior[name])
		}
		rec = append(full, r.Row.Raw...)
		rw.full = rec
	}
	if len(rec) < rw.width {
		if cap(rw.record) < rw.width {
			rw.record = make([]string, rw.width)
		}
		padded := rw.record[:rw.width]
		n := copy(padded, rec)
		clear(padded[n:])
		rec = padded
	}
	if rw.err = rw.w.Write(rec); rw.err != nil {
		return rw.err
	}
	rw.count++
	return nil
}

// Count returns how many rows have been written, the header not included.
func (rw *RetryWriter) Count() int { return rw.count }

// Flush writes buffered lines to the underlying writer.
func (rw *RetryWriter) Flush() error {
	if rw.err != nil {
		return rw.err
	}
	rw.w.Flush()
	rw.err = rw.w.Error()
	return rw.err
}
