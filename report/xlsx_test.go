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

// TestWrappedLines counts a message's lines as its column wraps it, so its
// row is made tall enough to read it whole.
func TestWrappedLines(t *testing.T) {
	for _, c := range []struct {
		s     string
		width int
		want  int
	}{
		{"short", 60, 1},                     // fits
		{"aaaa bbbb cccc", 10, 2},            // "aaaa bbbb" then "cccc"
		{"aaaa bbbb", 10, 1},                 // exactly the line (width-1)
		{strings.Repeat("x", 25), 10, 3},     // a long word breaks anywhere
		{"one\ntwo", 60, 2},                  // a line break starts a line
		{strings.Repeat("word ", 60), 60, 5}, // 12 words in 59 characters, 60 words
	} {
		if got := wrappedLines(c.s, c.width); got != c.want {
			t.Errorf("wrappedLines(%q, %d) = %d, want %d", c.s, c.width, got, c.want)
		}
	}
}
