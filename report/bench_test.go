package report_test

import (
	"io"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// Per-row costs of the result side: one op is one row.

var benchInputHeader = []string{"email", "customerId", "package", "firstName", "lastName", "primaryPhoneNumber", "extension", "locationId"}

func benchResult() pipeline.Result {
	row := &pipeline.Row{Seq: 41, Line: 43,
		Fields: pipeline.Fields{Email: "user1000042@acme.example", CustomerID: "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU",
			Package: "webex_calling", FirstName: "Given42", LastName: "Family42", PrimaryPhoneNumber: "+12402500042",
			Extension: "1000042", LocationID: "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2hx"},
		Raw: []string{"user1000042@acme.example", "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU", "webex_calling", "Given42",
			"Family42", "+12402500042", "1000042", "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2hx"}}
	return pipeline.Result{Row: row, Precheck: pipeline.Passed, HTTPStatus: 200, InfoCodes: "100",
		Message: "Provisioning preCheck validation successful.", TrackingID: "WHOLESALE-BATCH_0a1b2c3d4e5f_42",
		Attempts: 1, Descriptions: map[int]string{100: "Provisioning preCheck validation successful."}, Final: true}
}

// BenchmarkCSVWrite: one result row (formula neutralising, encoding/csv
// quoting, the writer's buffer), flushed every 1,000 rows to io.Discard.
func BenchmarkCSVWrite(b *testing.B) {
	w, err := report.NewCSVWriter(io.Discard, report.CSVOptions{Command: command.Provision, InputHeader: benchInputHeader})
	if err != nil {
		b.Fatal(err)
	}
	r := benchResult()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
		if i++; i%1000 == 0 {
			_ = w.Flush()
		}
	}
	_ = w.Flush()
}

// BenchmarkSummaryAdd: counting one result for the end-of-run summary.
func BenchmarkSummaryAdd(b *testing.B) {
	s := report.NewSummary(command.Provision)
	r := benchResult()
	b.ReportAllocs()
	for b.Loop() {
		s.Add(r)
	}
}
