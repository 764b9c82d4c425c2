package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// The follow-up commands' error rows qualify like precheck's and
// provisioning's; with Prior, each row comes back whole: the result cells
// it was read with, then its own.
func TestRetryWriterFollowUpRows(t *testing.T) {
	prior := []string{"line", "email", "provision_result", "subscriber_id"}
	header := append(append([]string{}, prior...), "input_email", "Name")
	row := func(line int, id string) *pipeline.Row {
		return &pipeline.Row{Line: line, Raw: []string{"u" + id + "@acme.example", "U" + id},
			Prior: map[string]string{"line": "2", "email": "u" + id + "@acme.example", "provision_result": "provisioned", "subscriber_id": id}}
	}
	for _, c := range []struct {
		name string
		res  pipeline.Result
		want bool
	}{
		{"consent error", pipeline.Result{Outcome: pipeline.Error, Final: true}, true},
		{"remove error", pipeline.Result{Outcome: pipeline.Error, Final: true}, true},
		{"remove error left to --resume", pipeline.Result{Outcome: pipeline.Error}, false},
		{"consent not_sent left to --resume", pipeline.Result{Outcome: pipeline.NotSent}, false},
		{"remove failed, without --retry-failed", pipeline.Result{Outcome: pipeline.Failed, Final: true}, false},
		{"removed", pipeline.Result{Outcome: pipeline.Removed, Final: true}, false},
		{"consent not_found", pipeline.Result{Outcome: pipeline.NotFound, Final: true}, false},
	} {
		rw := report.NewRetryWriter(&bytes.Buffer{}, command.Remove, header, ',', report.Unanswered)
		rw.Resumable = true
		if got := rw.Qualifies(c.res); got != c.want {
			t.Errorf("%s: qualifies %v, want %v", c.name, got, c.want)
		}
	}

	var buf bytes.Buffer
	rw := report.NewRetryWriter(&buf, command.Remove, header, ',', report.Unanswered)
	rw.Prior = prior
	for i, id := range []string{"S1", "S2"} {
		if err := rw.Add(pipeline.Result{Row: row(i+2, id), Outcome: pipeline.Error, Final: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "line,email,provision_result,subscriber_id,input_email,Name\n" +
		"2,uS1@acme.example,provisioned,S1,uS1@acme.example,US1\n" +
		"2,uS2@acme.example,provisioned,S2,uS2@acme.example,US2\n"
	if got := buf.String(); got != want {
		t.Errorf("retry file:\n%s\nwant:\n%s", got, want)
	}
	if strings.Count(buf.String(), "\n") != 3 || rw.Count() != 2 {
		t.Errorf("%d rows counted", rw.Count())
	}
}
