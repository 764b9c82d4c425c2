package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestCSVWriterGolden(t *testing.T) {
	row := func(line int, email string) *pipeline.Row {
		return &pipeline.Row{Line: line, Fields: pipeline.Fields{Email: email}, Raw: []string{email, "+12405551212", "Sales"}}
	}
	noted := row(9, "eve@acme.example")
	noted.Raw = []string{" Eve@Acme.example", "(240) 555-1212", "=SUM(A1)"}
	noted.Notes = []string{"email lower-cased", `primaryPhoneNumber +12405551212 from "(240) 555-1212"`}
	short := row(10, "fay@acme.example")
	short.Raw = []string{"fay@acme.example"} // a ragged row: padded to the header's width
	results := []pipeline.Result{
		// a pass with its info code
		{Row: row(2, "ann@acme.example"), Precheck: pipeline.Passed, HTTPStatus: 200, InfoCodes: "100",
			Message: "Provisioning preCheck validation successful.", TrackingID: "ROUTER_1", Attempts: 1, Final: true},
		// a failure with two codes and a message holding a comma and a quote
		{Row: row(3, "ben@acme.example"), Precheck: pipeline.Failed, HTTPStatus: 409, ErrorCodes: "10022;10101",
			Message: `The email is already associated, "really"`, TrackingID: "ROUTER_2", Attempts: 1, Final: true},
		// an invalid row: nothing sent, so no status and zero attempts
		{Row: row(5, ""), Precheck: pipeline.Invalid, Message: "email is empty", Final: true},
		// an error after retries, message over two lines
		{Row: row(6, "cy@acme.example"), Precheck: pipeline.Error, HTTPStatus: 503, Message: "Service Unavailable\n(after 6 attempts)",
			TrackingID: "ROUTER_3", Attempts: 6, Final: true},
		// values a spreadsheet would run as formulas are neutralised
		{Row: row(7, "=HYPERLINK(\"http://evil\")@x.example"), Precheck: pipeline.Invalid, Message: "-1 is not allowed", Final: true},
		// provisioning columns
		{Row: row(8, "dee@acme.example"), Precheck: pipeline.Passed, Outcome: "provisioned", HTTPStatus: 200,
			SubscriberID: "Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvMQ", SubscriberStatus: "provisioned", Attempts: 1, Final: true},
		// the notes say what was changed; the input's own cells are kept as they were
		{Row: noted, Precheck: pipeline.Passed, HTTPStatus: 200, Attempts: 1, Final: true},
		// a short ragged row
		{Row: short, Precheck: pipeline.Invalid, Message: "this row has 1 cells but the header has 3", Final: true},
	}
	// The input's "email" column collides with ours and is renamed.
	header := []string{"email", "Phone", "Department"}
	for _, c := range []struct {
		golden string
		excel  bool
	}{{"results.csv", false}, {"results-excel.csv", true}} {
		var buf bytes.Buffer
		w, err := report.NewCSVWriter(&buf, report.CSVOptions{Command: command.Provision, InputHeader: header, Excel: c.excel})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		golden(t, c.golden, buf.Bytes())
	}
}
