package report_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

func TestSummaryGolden(t *testing.T) {
	row := func(problems ...pipeline.Problem) *pipeline.Row { return &pipeline.Row{Problems: problems} }
	s := report.NewSummary(command.Provision)
	for _, r := range []pipeline.Result{
		{Row: row(), Precheck: pipeline.Passed, InfoCodes: "100", Descriptions: map[int]string{100: "Provisioning preCheck validation successful."}, Final: true},
		{Row: row(), Precheck: pipeline.Passed, InfoCodes: "100", Final: true, Outcome: pipeline.Provisioned},
		{Row: row(), Precheck: pipeline.Failed, ErrorCodes: "10022", Descriptions: map[int]string{10022: "The email is already associated with an existing user."}, Final: true, Outcome: pipeline.Skipped},
		{Row: row(pipeline.Problem{Field: "primaryPhoneNumber", Message: "x"}, pipeline.Problem{Field: "email", Message: "y"}), Precheck: pipeline.Invalid, Final: true, Outcome: pipeline.Skipped},
		{Row: row(pipeline.Problem{Message: "ragged"}), Precheck: pipeline.Invalid, Final: true, Outcome: pipeline.Skipped},
		{Row: row(), Precheck: pipeline.Error, Final: false, Outcome: pipeline.Skipped},
		{Row: row(), Precheck: pipeline.Passed, Final: true, Resumed: true, Outcome: pipeline.Pending},
	} {
		s.Add(r)
	}
	var buf bytes.Buffer
	s.Print(&buf, report.RunFacts{Elapsed: 93*time.Second + 456*time.Millisecond, Blank: 2, Requests: 40, Retries: 6, Throttled: 3,
		RateLimit: 10, RateNow: 7.5, Sending: 78 * time.Second, Burst: 1, Output: "results.csv", Encoding: "read as utf-16le", StopReason: "interrupted"})
	golden(t, "summary.txt", buf.Bytes())

	var off bytes.Buffer
	v := report.NewSummary(command.Validate)
	v.Add(pipeline.Result{Row: row(), Precheck: pipeline.OK, Final: true})
	v.Print(&off, report.RunFacts{Elapsed: time.Second, Offline: true, Output: "checked.csv"})
	golden(t, "summary-validate.txt", off.Bytes())
}
