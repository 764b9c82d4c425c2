package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// want is what one row of one outcome of a command must do, written out
// by hand so that the table is checked against the README's promises,
// not against itself.
type want struct {
	exit        int  // the exit code of a run of this one row
	exitPending int  // with --accept-pending
	retry       bool // in the retry file of a run without a journal
	retryFailed bool // ... with --retry-failed
	judged      bool // the breaker counts the row as sent
	broken      bool // ... and as an error
	summary     string
	counts      string // the manifest's counts key
}

// outcomeWants lists every outcome of every command in the table. A
// command or an outcome added to the table without a line here fails
// TestEveryCommandOutcome, and so does one added here and not there.
var outcomeWants = map[string]map[string]want{
	"precheck": {
		pipeline.Passed:  {exit: 0, judged: true, summary: "passed", counts: "precheck"},
		pipeline.Failed:  {exit: 1, exitPending: 1, retryFailed: true, judged: true, summary: "failed", counts: "precheck"},
		pipeline.Invalid: {exit: 1, exitPending: 1, summary: "invalid", counts: "precheck"},
		pipeline.Error:   {exit: 1, exitPending: 1, retry: true, retryFailed: true, judged: true, broken: true, summary: "error", counts: "precheck"},
		pipeline.NotSent: {exit: 1, exitPending: 1, retry: true, retryFailed: true, summary: "not_sent", counts: "precheck"},
	},
	"validate": {
		pipeline.OK:      {exit: 0, summary: "ok to send"},
		pipeline.Invalid: {exit: 1, exitPending: 1, summary: "invalid", counts: "precheck"},
	},
	"provision": {
		pipeline.Provisioned: {exit: 0, judged: true, summary: "provision provisioned", counts: "provision"},
		pipeline.Pending:     {exit: 1, exitPending: 0, judged: true, summary: "provision pending", counts: "provision"},
		pipeline.Skipped:     {exit: 1, exitPending: 1, summary: "provision skipped", counts: "provision"},
		pipeline.Failed:      {exit: 1, exitPending: 1, retryFailed: true, judged: true, summary: "provision failed", counts: "provision"},
		pipeline.Error:       {exit: 1, exitPending: 1, retry: true, retryFailed: true, judged: true, broken: true, summary: "provision error", counts: "provision"},
		pipeline.NotSent:     {exit: 1, exitPending: 1, retry: true, retryFailed: true, summary: "provision not_sent", counts: "provision"},
		"provisioning":       {exit: 1, exitPending: 1, judged: true, summary: "provision provisioning", counts: "provision"}, // in between, as the API gives it
	},
	"status": {
		pipeline.Provisioned: {exit: 0, judged: true, summary: "provision provisioned", counts: "provision"},
		pipeline.Pending:     {exit: 1, exitPending: 1, judged: true, summary: "provision pending", counts: "provision"},
		pipeline.NotFound:    {exit: 1, exitPending: 1, judged: true, summary: "provision not_found", counts: "provision"},
		pipeline.Error:       {exit: 1, exitPending: 1, retry: true, retryFailed: true, judged: true, broken: true, summary: "provision error", counts: "provision"},
		pipeline.NotSent:     {exit: 1, exitPending: 1, retry: true, retryFailed: true, summary: "provision not_sent", counts: "provision"},
		"provisioning":       {exit: 1, exitPending: 1, judged: true, summary: "provision provisioning", counts: "provision"},
	},
	"resend-consent": {
		pipeline.Sent:       {exit: 0, judged: true, summary: "consent sent", counts: "consent"},
		pipeline.NotPending: {exit: 0, judged: true, summary: "consent not_pending", counts: "consent"},
		pipeline.TooRecent:  {exit: 0, judged: true, summary: "consent too_recent", counts: "consent"},
		pipeline.NotFound:   {exit: 1, exitPending: 1, judged: true, summary: "consent not_found", counts: "consent"},
		pipeline.Failed:     {exit: 1, exitPending: 1, retryFailed: true, judged: true, summary: "consent failed", counts: "consent"},
		pipeline.Error:      {exit: 1, exitPending: 1, retry: true, retryFailed: true, judged: true, broken: true, summary: "consent error", counts: "consent"},
		pipeline.NotSent:    {exit: 1, exitPending: 1, retry: true, retryFailed: true, summary: "consent not_sent", counts: "consent"},
	},
	"remove": {
		pipeline.Removed:  {exit: 0, judged: true, summary: "remove removed", counts: "remove"},
		pipeline.Skipped:  {exit: 0, summary: "remove skipped", counts: "remove"},                 // made by no run: nothing to undo
		"capped":          {exit: 1, exitPending: 1, summary: "remove skipped", counts: "remove"}, // skipped for --max-remove: still there
		pipeline.NotFound: {exit: 1, exitPending: 1, judged: true, summary: "remove not_found", counts: "remove"},
		pipeline.Failed:   {exit: 1, exitPending: 1, retryFailed: true, judged: true, summary: "remove failed", counts: "remove"},
		pipeline.Error:    {exit: 1, exitPending: 1, retry: true, retryFailed: true, judged: true, broken: true, summary: "remove error", counts: "remove"},
		pipeline.NotSent:  {exit: 1, exitPending: 1, retry: true, retryFailed: true, summary: "remove not_sent", counts: "remove"},
	},
	"export": {
		command.Exported: {exit: 0, judged: true, summary: "export exported", counts: "export"},
	},
	"update": {
		command.Updated:   {exit: 0, judged: true, summary: "update updated", counts: "update"},
		command.Unchanged: {exit: 0, judged: true, summary: "update unchanged", counts: "update"},
		pipeline.NotFound: {exit: 1, exitPending: 1, judged: true, summary: "update not_found", counts: "update"},
		pipeline.Skipped:  {exit: 1, exitPending: 1, summary: "update skipped", counts: "update"},
		"capped":          {exit: 1, exitPending: 1, summary: "update skipped", counts: "update"},
		pipeline.Failed:   {exit: 1, exitPending: 1, retryFailed: true, judged: true, summary: "update failed", counts: "update"},
		pipeline.Error:    {exit: 1, exitPending: 1, retry: true, retryFailed: true, judged: true, broken: true, summary: "update error", counts: "update"},
		pipeline.NotSent:  {exit: 1, exitPending: 1, retry: true, retryFailed: true, summary: "update not_sent", counts: "update"},
	},
	"sync": {
		pipeline.Provisioned: {exit: 0, judged: true, summary: "sync provisioned", counts: "sync"},
		pipeline.Pending:     {exit: 0, judged: true, summary: "sync pending", counts: "sync"}, // the user has to act: nothing left to send
		command.Updated:      {exit: 0, judged: true, summary: "sync updated", counts: "sync"},
		pipeline.Sent:        {exit: 0, judged: true, summary: "sync sent", counts: "sync"},
		pipeline.NotPending:  {exit: 0, judged: true, summary: "sync not_pending", counts: "sync"},
		command.Unchanged:    {exit: 0, judged: true, summary: "sync unchanged", counts: "sync"},
		command.Kept:         {exit: 0, summary: "sync kept", counts: "sync"}, // an extra, without --remove-missing
		pipeline.Removed:     {exit: 0, judged: true, summary: "sync removed", counts: "sync"},
		pipeline.Skipped:     {exit: 1, exitPending: 1, summary: "sync skipped", counts: "sync"},
		"capped":             {exit: 1, exitPending: 1, summary: "sync skipped", counts: "sync"},
		pipeline.NotFound:    {exit: 1, exitPending: 1, judged: true, summary: "sync not_found", counts: "sync"},
		pipeline.Failed:      {exit: 1, exitPending: 1, retryFailed: true, judged: true, summary: "sync failed", counts: "sync"},
		pipeline.Error:       {exit: 1, exitPending: 1, retry: true, retryFailed: true, judged: true, broken: true, summary: "sync error", counts: "sync"},
		pipeline.NotSent:     {exit: 1, exitPending: 1, retry: true, retryFailed: true, summary: "sync not_sent", counts: "sync"},
		"provisioning":       {exit: 1, exitPending: 1, judged: true, summary: "sync provisioning", counts: "sync"},
	},
}

// headlines are the report's words when every row reached the aim.
var headlines = map[string]string{
	"precheck":       "Every row passed.",
	"validate":       "Every row passed.",
	"provision":      "Every row was provisioned.",
	"status":         "Every subscriber is provisioned.",
	"resend-consent": "Every row was sent the consent email, or needs none.",
	"remove":         "Every row was removed, or skipped as made by no run.",
	"export":         "Every subscriber listed was exported.",
	"update":         "Every row has its package.",
	"sync":           "Every row is as the sheet says.",
}

// walkResult is a row of cmd ending in outcome (the names of outcomeWants).
func walkResult(cmd *command.Command, outcome string) pipeline.Result {
	row := &pipeline.Row{Line: 2, Fields: pipeline.Fields{Email: "ann@acme.example", CustomerID: "c1"}, Raw: []string{"ann@acme.example"}}
	r := pipeline.Result{Row: row, Final: true, HTTPStatus: 200, Attempts: 1}
	if outcome == "capped" {
		outcome, r.Capped = pipeline.Skipped, true
	}
	switch outcome {
	case pipeline.NotSent:
		r.Final, r.HTTPStatus, r.Attempts = false, 0, 0
	case pipeline.Invalid, pipeline.Skipped, "":
		r.HTTPStatus, r.Attempts = 0, 0
	case pipeline.Error:
		r.HTTPStatus = 503
	case pipeline.Failed:
		r.HTTPStatus = 400
	}
	if cmd.Own == nil {
		r.Precheck = outcome
		return r
	}
	if cmd.Precheck != nil {
		r.Precheck = pipeline.Passed // provision: its own step follows a pass
	}
	r.Outcome = outcome
	return r
}

// TestEveryCommandOutcome walks the command table: for a row in each
// outcome of each command, the exit code, the retry file, the breaker, the
// summary, the manifest's counts and the report's headline.
func TestEveryCommandOutcome(t *testing.T) {
	t.Parallel()
	var names []string
	for _, cmd := range command.Table {
		names = append(names, cmd.Name)
		wants, ok := outcomeWants[cmd.Name]
		if !ok {
			t.Errorf("command %s: no line in outcomeWants: say what each of its outcomes does", cmd.Name)
			continue
		}
		// Every outcome in the table is walked, and only those.
		table := cmd.Last().Names()
		for name := range wants {
			if name == "capped" || name == "provisioning" && cmd.Last().Other != nil {
				continue
			}
			if !slices.Contains(table, name) {
				t.Errorf("%s: outcome %q is in outcomeWants, not in the table", cmd.Name, name)
			}
		}
		for _, name := range table {
			if _, ok := wants[name]; !ok {
				t.Errorf("%s: outcome %q is in the table, not in outcomeWants", cmd.Name, name)
			}
		}
		if _, ok := headlines[cmd.Name]; !ok {
			t.Errorf("%s: no headline", cmd.Name)
		}
		for outcome, w := range wants {
			t.Run(cmd.Name+"/"+cmp(outcome, "ready"), func(t *testing.T) { walkOutcome(t, cmd, outcome, w) })
		}
	}
	for name := range outcomeWants {
		if !slices.Contains(names, name) {
			t.Errorf("outcomeWants has %s, which is not in the table", name)
		}
	}
}

func cmp(s, ifEmpty string) string {
	if s == "" {
		return ifEmpty
	}
	return s
}

func walkOutcome(t *testing.T, cmd *command.Command, outcome string, w want) {
	r := walkResult(cmd, outcome)
	s := report.NewSummary(cmd)
	s.Add(r)
	if got := exitCode(s, false); got != w.exit {
		t.Errorf("exit code %d, want %d", got, w.exit)
	}
	if got := exitCode(s, true); got != w.exitPending {
		t.Errorf("exit code with --accept-pending %d, want %d", got, w.exitPending)
	}

	for _, scope := range []report.RetryScope{report.Unanswered, report.WithRefused} {
		withFailed := scope == report.WithRefused
		var buf bytes.Buffer
		rw := report.NewRetryWriter(&buf, cmd, []string{"email"}, ',', scope)
		if err := rw.Add(r); err != nil {
			t.Fatal(err)
		}
		if want := w.retry || withFailed && w.retryFailed; (rw.Count() == 1) != want {
			t.Errorf("retry file (--retry-failed %v): %d rows, want %v", withFailed, rw.Count(), want)
		}
	}
	// A journal's run leaves rows not finished to --resume.
	rw := report.NewRetryWriter(&bytes.Buffer{}, cmd, []string{"email"}, ',', report.WithRefused)
	rw.Resumable = true
	if err := rw.Add(r); err != nil {
		t.Fatal(err)
	}
	if rw.Count() > 0 && !r.Final {
		t.Errorf("a row not finished is in the retry file of a run --resume finishes")
	}

	// With one row judged, the breaker trips on that row if it is an
	// error; a row it does not judge leaves room for the next, which trips.
	b := &pipeline.Breaker{AbortAfter: 1, ErrorRate: 0, Judge: cmd.Judge}
	tripped := b.Observe(r) != nil
	if tripped != w.broken {
		t.Errorf("breaker tripped %v on the row, want %v", tripped, w.broken)
	}
	if _, sends := cmd.Last().Find(pipeline.Error); !tripped && sends {
		next := b.Observe(walkResult(cmd, pipeline.Error)) != nil
		if next == w.judged {
			t.Errorf("breaker judged the row %v, want %v", !next, w.judged)
		}
	}

	var sum bytes.Buffer
	s.Print(&sum, report.RunFacts{})
	if !strings.Contains(sum.String(), "  "+w.summary+"  ") {
		t.Errorf("summary lacks %q:\n%s", w.summary, sum.String())
	}

	m := report.NewManifest(report.RunInfo{Command: cmd.Name}, s, report.RunFacts{}, nil)
	var js bytes.Buffer
	if err := report.WriteManifest(&js, m); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Counts map[string]json.RawMessage `json:"counts"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if w.counts != "" {
		var counts map[string]int
		_ = json.Unmarshal(doc.Counts[w.counts], &counts)
		name := outcome
		if name == "capped" {
			name = pipeline.Skipped
		}
		if counts[name] != 1 {
			t.Errorf("manifest counts.%s = %v, want %s: 1", w.counts, counts, name)
		}
	}

	var page bytes.Buffer
	info := report.RunInfo{Command: cmd.Name, ExitCode: w.exit}
	fails := report.NewFailures(cmd, 0)
	fails.Add(r)
	if err := report.WriteHTML(&page, info, s, report.RunFacts{}, fails); err != nil {
		t.Fatal(err)
	}
	headline := headlines[cmd.Name]
	reached := w.exit == 0
	if got := strings.Contains(page.String(), headline); got != reached {
		t.Errorf("report says %q: %v, want %v", headline, got, reached)
	}
	if got := strings.Contains(page.String(), "What to fix"); got == reached && w.exitPending != 0 {
		t.Errorf("report has \"What to fix\": %v, want %v", got, !reached)
	}
	if !reached && !strings.Contains(page.String(), fmt.Sprintf(">%s<", w.summary)) {
		t.Errorf("report does not count the row as %q", w.summary)
	}
}

// The README's table of what exit 0 needs names, for each command of the
// table, its outcome column and every outcome that reaches its aim.
func TestReadmeExitTableIsTheCommandTable(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) != 3 || !strings.HasPrefix(cells[0], "| `") {
			continue
		}
		rows[strings.Trim(cells[0], "| `")] = cells[1:]
	}
	for _, cmd := range command.Table {
		row, ok := rows[cmd.Name]
		if !ok {
			t.Errorf("README's exit table has no row for %s", cmd.Name)
			continue
		}
		if want := "`" + cmd.Last().Column + "`"; row[0] != want {
			t.Errorf("README: %s writes %s, the table says %s", cmd.Name, row[0], want)
		}
		for _, o := range cmd.Last().Outcomes {
			if o.Goal == command.Missed {
				continue
			}
			word := "`" + o.Name + "`"
			if o.Name == "" {
				word = "empty"
			}
			if !strings.Contains(row[1], word) {
				t.Errorf("README: exit 0 of %s does not name %s (%q)", cmd.Name, word, row[1])
			}
		}
	}
}
