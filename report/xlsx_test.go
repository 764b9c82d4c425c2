package report

import (
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// TestOutcomeOf names a row's outcome by the last step it reached.
func TestOutcomeOf(t *testing.T) {
	for _, c := range []struct {
		r    pipeline.Result
		want string
	}{
		{pipeline.Result{}, "ok"}, // validate: nothing against it
		{pipeline.Result{Precheck: pipeline.Passed}, "passed"},
		{pipeline.Result{Precheck: pipeline.Invalid}, "invalid"},
		{pipeline.Result{Precheck: pipeline.Passed, Provision: pipeline.Provisioned}, "provisioned"},
		{pipeline.Result{Precheck: pipeline.Failed, Provision: pipeline.Skipped}, "failed"},  // skipped for its precheck
		{pipeline.Result{Precheck: pipeline.Passed, Provision: pipeline.Skipped}, "skipped"}, // --max-provision
		{pipeline.Result{Consent: pipeline.Sent}, "sent"},
		{pipeline.Result{Remove: pipeline.NotFound}, "not_found"},
	} {
		if got := OutcomeOf(c.r); got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
}

// TestXLSXHeader: outcome and message first, the person's columns as
// given, the technical ones last; names made unique for the filters.
func TestXLSXHeader(t *testing.T) {
	got := strings.Join(XLSXHeader([]string{"Email", "", "Team", "team", "line"}, RemoveResult), "|")
	want := "outcome|message|Email|column 4|Team|team (2)|line|line (2)|email (2)|precheck_result|"
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "|checked_at|remove_result") || strings.Contains(got, "|message|message") {
		t.Errorf("header\n%s\nwant it to start\n%s", got, want)
	}
}
