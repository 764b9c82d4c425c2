package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// retryHeader has a column the tool does not know and header cells that
// need quoting with a ';' delimiter.
var retryHeader = []string{"Email", "First Name", "notes; with delimiter", "zeta_unknown"}

// retryResults covers every outcome; want lists the lines that belong in
// the retry file without and with includeFailed.
func retryResults() (results []pipeline.Result, want, wantWithFailed []int) {
	res := func(line int, precheck, provision string, raw ...string) pipeline.Result {
		return pipeline.Result{Row: &pipeline.Row{Line: line, Fields: pipeline.Fields{Email: raw[0]}, Raw: raw},
			Precheck: precheck, Outcome: provision, Final: true}
	}
	results = []pipeline.Result{
		res(2, pipeline.Passed, "", "ann@acme.example", "Ann", "", ""),
		// quoted cells: the delimiter, a comma, a quote, a line break
		res(3, pipeline.Error, "", "ben@acme.example", `Ben "Benny"; Jr`, "two\nlines, and a comma", "x;y"),
		res(4, pipeline.Failed, "", "cy@acme.example", "Cy", "", "kept"),
		res(5, pipeline.Invalid, "", "not-an-email", "Dee", "", ""),
		// precheck passed, provisioning got no answer
		res(6, pipeline.Passed, pipeline.Error, "eve@acme.example", "Eve", "", ""),
		// short row: padded to the header's width
		res(7, pipeline.Error, "", "fay@acme.example", "Fay"),
		// long row: the extra cell is kept
		res(8, pipeline.Error, "", "gus@acme.example", "Gus", "", "", "extra, cell"),
		// validate: would be sent
		res(9, "", "", "hal@acme.example", "Hal", "", ""),
		// provisioning refused
		res(10, pipeline.Passed, pipeline.Failed, "ida@acme.example", "Ida", "", ""),
	}
	// unfinished: the run stopped with it in flight
	unfinished := res(11, pipeline.Error, "", "jo@acme.example", "Jo", "", "")
	unfinished.Final = false
	results = append(results, unfinished)
	return results, []int{3, 6, 7, 8, 11}, []int{3, 4, 6, 7, 8, 10, 11}
}

func writeRetry(t *testing.T, header []string, delim rune, includeFailed bool, results []pipeline.Result) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	scope := report.Unanswered
	if includeFailed {
		scope = report.WithRefused
	}
	rw := report.NewRetryWriter(&buf, command.Provision, header, delim, scope)
	for _, r := range results {
		if err := rw.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), rw.Count()
}

func TestRetryWriterRoundTrip(t *testing.T) {
	results, want, wantWithFailed := retryResults()
	byLine := map[int]pipeline.Result{}
	for _, r := range results {
		byLine[r.Row.Line] = r
	}
	for _, includeFailed := range []bool{false, true} {
		lines := want
		if includeFailed {
			lines = wantWithFailed
		}
		out, n := writeRetry(t, retryHeader, ';', includeFailed, results)
		if n != len(lines) {
			t.Errorf("includeFailed=%v: Count = %d, want %d", includeFailed, n, len(lines))
		}
		cr := csv.NewReader(bytes.NewReader(out))
		cr.Comma = ';'
		cr.FieldsPerRecord = -1
		got, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("includeFailed=%v: reading back: %v\n%s", includeFailed, err, out)
		}
		wantRecs := [][]string{retryHeader}
		for _, l := range lines {
			rec := append([]string{}, byLine[l].Row.Raw...)
			for len(rec) < len(retryHeader) {
				rec = append(rec, "")
			}
			wantRecs = append(wantRecs, rec)
		}
		if !reflect.DeepEqual(got, wantRecs) {
			t.Errorf("includeFailed=%v: read back\n%q\nwant\n%q\nfile:\n%s", includeFailed, got, wantRecs, out)
		}
	}
}

// TestRetryFileIsInput reads a retry file the way the next run will: the
// same rows, cells and email, and the ragged row still reported.
func TestRetryFileIsInput(t *testing.T) {
	results, want, _ := retryResults()
	out, _ := writeRetry(t, retryHeader, ';', false, results)
	src, err := pipeline.NewSource(bytes.NewReader(out), pipeline.SourceOptions{Delimiter: ';'})
	if err != nil {
		t.Fatal(err)
	}
	var rows []pipeline.Row
	if err := src.Each(context.Background(), func(r pipeline.Row) error {
		rows = append(rows, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Fatalf("the next run reads %d rows, want %d", len(rows), len(want))
	}
	byLine := map[int]pipeline.Result{}
	for _, r := range results {
		byLine[r.Row.Line] = r
	}
	for i, row := range rows {
		orig := byLine[want[i]].Row
		if row.Fields.Email != orig.Fields.Email {
			t.Errorf("row %d: email %q, want %q", i, row.Fields.Email, orig.Fields.Email)
		}
		for j, c := range orig.Raw {
			if j >= len(row.Raw) || row.Raw[j] != c {
				t.Errorf("row %d: cells %q, want %q first", i, row.Raw, orig.Raw)
				break
			}
		}
		ragged := len(orig.Raw) > len(retryHeader)
		if got := len(row.Problems) > 0; got != ragged {
			t.Errorf("row %d (%q): problems %v, want a problem only for the ragged row", i, row.Raw, row.Problems)
		}
	}
}

// TestRetryWriterHeaderOnly: a run with nothing to retry still gives a
// file the next step can run on.
func TestRetryWriterHeaderOnly(t *testing.T) {
	results := []pipeline.Result{{Row: &pipeline.Row{Line: 2, Raw: []string{"a@b.example", "x"}}, Precheck: pipeline.Passed, Final: true}}
	out, n := writeRetry(t, []string{"email", "name"}, 0, true, results)
	if n != 0 || string(out) != "email,name\n" {
		t.Errorf("got %d rows, file %q; want 0 and just the header", n, out)
	}
}

func TestRetryWriterNeedsCells(t *testing.T) {
	rw := report.NewRetryWriter(&bytes.Buffer{}, command.Provision, []string{"email"}, ',', report.Unanswered)
	err := rw.Add(pipeline.Result{Row: &pipeline.Row{Line: 7}, Precheck: pipeline.Error})
	if err == nil || !strings.Contains(err.Error(), "line 7") {
		t.Errorf("Add without cells = %v, want an error naming line 7", err)
	}
	// A row that does not qualify needs no cells.
	if err := rw.Add(pipeline.Result{Row: &pipeline.Row{Line: 8}, Precheck: pipeline.Passed}); err != nil {
		t.Errorf("Add of a passed row without cells = %v", err)
	}
	if err := report.NewRetryWriter(&bytes.Buffer{}, command.Provision, nil, ',', report.Unanswered).Flush(); err == nil {
		t.Error("a retry writer without a header flushed without error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRetryWriterWriteError(t *testing.T) {
	rw := report.NewRetryWriter(failWriter{}, command.Provision, []string{"email"}, ',', report.Unanswered)
	if err := rw.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Flush = %v, want the write error", err)
	}
	if err := rw.Add(pipeline.Result{Row: &pipeline.Row{Raw: []string{"a@b.example"}}, Precheck: pipeline.Error}); err == nil {
		t.Error("Add after a failed write returned no error")
	}
}
