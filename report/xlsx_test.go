package report

import (
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// TestOutcomeOf names a row's outcome by the last step it reached.
func TestOutcomeOf(t *testing.T) {
	for _, c := range []struct {
		cmd  *command.Command
		r    pipeline.Result
		want string
	}{
		{command.Validate, pipeline.Result{Precheck: pipeline.OK}, "ok"}, // nothing against it
		{command.Precheck, pipeline.Result{Precheck: pipeline.Passed}, "passed"},
		{command.Validate, pipeline.Result{Precheck: pipeline.Invalid}, "invalid"},
		{command.Provision, pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Provisioned}, "provisioned"},
		{command.Provision, pipeline.Result{Precheck: pipeline.Failed, Outcome: pipeline.Skipped}, "failed"},  // skipped for its precheck
		{command.Provision, pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Skipped}, "skipped"}, // --max-provision
		{command.Provision, pipeline.Result{Precheck: pipeline.Passed}, "passed"},                             // its first pass
		{command.ResendConsent, pipeline.Result{Outcome: pipeline.Sent}, "sent"},
		{command.Remove, pipeline.Result{Outcome: pipeline.NotFound}, "not_found"},
	} {
		if got := OutcomeOf(c.cmd, c.r); got != c.want {
			t.Errorf("%s %+v: %q, want %q", c.cmd.Name, c.r, got, c.want)
		}
	}
}

// TestXLSXHeader: outcome and message first, the person's columns as
// given, the technical ones last; names made unique for the filters.
func TestXLSXHeader(t *testing.T) {
	got := strings.Join(XLSXHeader(&command.Command{Extra: []string{RemoveResult}}, []string{"Email", "", "Team", "team", "line"}), "|")
	want := "outcome|message|Email|column 4|Team|team (2)|line|line (2)|email (2)|precheck_result|"
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "|checked_at|remove_result") || strings.Contains(got, "|message|message") {
		t.Errorf("header\n%s\nwant it to start\n%s", got, want)
	}
}
