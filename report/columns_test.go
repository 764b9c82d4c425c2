package report_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// Every column a command reads back from the tool's own earlier outputs is
// one some command writes, so the input reader takes it as ours (a status
// result given to resend-consent: last_status_change is not the person's).
func TestReadBackColumnsAreWritten(t *testing.T) {
	for _, c := range command.Table {
		for _, col := range c.ReadsBack {
			if !slices.Contains(report.AllColumns, col) {
				t.Errorf("%s reads back %q, which no command writes (report.AllColumns)", c.Name, col)
			}
		}
		for _, s := range c.Steps() {
			if !slices.Contains(report.Header(c, nil), s.Column) {
				t.Errorf("%s: the outcome column %q is not in its result file's header", c.Name, s.Column)
			}
			seen := map[string]bool{}
			for _, o := range s.Outcomes {
				if seen[o.Name] {
					t.Errorf("%s: outcome %q twice in step %s", c.Name, o.Name, s.Column)
				}
				seen[o.Name] = true
			}
		}
		if p := c.Prompt; p != nil && (!strings.Contains(p.Question, "%d") || p.NotDone == "" || p.Changes == "") {
			t.Errorf("%s: a prompt needs a question with the count, what it changes, and what a decline leaves undone", c.Name)
		}
	}
}
