package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// Issue 24's bugs, each through cli.Run: the commands added after precheck
// and provision were wrong wherever the code decided by hand which outcome
// field to read.

// A provision result file of n rows, each naming a subscriber the run made:
// what remove and resend-consent take.
func provisionedFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("line,email,precheck_result,provision_result,subscriber_id,subscriber_status,input_email\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,user%d@acme.example,passed,pending,sub-%d,pending_user_migration,user%d@acme.example\n", i+2, i, i, i)
	}
	return writeFile(t, "results.csv", b.String())
}

// Every request answers 503: each row of a follow-up ends in error.
func brokenAPI(t *testing.T) *fakeapi.Running { return fake(t, fakeapi.Options{FailureRate: 1}) }

var noRetries = []string{"--rate", "0", "--max-retries", "0", "--retry-for", "0", "--yes"}

func TestResendConsentErrorsAreNotEveryRowPassed(t *testing.T) {
	t.Parallel()
	srv := brokenAPI(t)
	in := provisionedFile(t, 2)
	dir := t.TempDir()
	page := filepath.Join(dir, "r.html")
	args := append([]string{"resend-consent", "--base-url", srv.URL, "--input", in, "--output", filepath.Join(dir, "out.csv"), "--report", page, "--older-than", "0s"}, noRetries...)
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
	if code != cli.ExitPartial {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Every row passed") || !strings.Contains(string(b), "consent error") {
		t.Errorf("the page of 2 rows in error says every row passed, or does not count them as consent error")
	}
}

func TestFollowUpErrorsGoToTheRetryFile(t *testing.T) {
	t.Parallel()
	srv := brokenAPI(t)
	for _, cmd := range []string{"resend-consent", "remove", "status"} {
		in := provisionedFile(t, 2)
		dir := t.TempDir()
		retry := filepath.Join(dir, "retry.csv")
		args := append([]string{cmd, "--base-url", srv.URL, "--input", in, "--output", filepath.Join(dir, "out.csv"), "--retry-file", retry}, noRetries...)
		if cmd == "status" {
			args = args[:len(args)-1] // status asks nothing: no --yes
		}
		code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
		if code != cli.ExitPartial {
			t.Fatalf("%s: exit %d, want 1\n%s", cmd, code, stderr)
		}
		if rows := readCSV(t, retry); len(rows) != 2 {
			t.Errorf("%s: the retry file has %d rows, want the 2 in error", cmd, len(rows))
		}
	}
}

func TestFollowUpBreakerTrips(t *testing.T) {
	t.Parallel()
	srv := brokenAPI(t)
	for _, cmd := range []string{"resend-consent", "remove", "status"} {
		in := provisionedFile(t, 40)
		dir := t.TempDir()
		args := append([]string{cmd, "--base-url", srv.URL, "--input", in, "--output", filepath.Join(dir, "out.csv"), "--concurrency", "1"}, noRetries...)
		if cmd == "status" {
			args = args[:len(args)-1]
		}
		code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
		if code != cli.ExitAborted || !strings.Contains(stderr, "ended in error") {
			t.Errorf("%s of 40 rows all in error: exit %d, want 3 from the breaker\n%s", cmd, code, stderr)
		}
	}
}

func TestStatusOutputIsResendConsentInput(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	dir := t.TempDir()
	in := writeFile(t, "in.csv", "email,package\nann+pending@acme.example,webex_meetings\n")
	env := map[string]string{"WEBEX_TOKEN": token}
	results := filepath.Join(dir, "results.csv")
	if code, _, stderr := run(t, env, provisionArgs(srv, in, results, "--accept-pending")...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	status := filepath.Join(dir, "status.csv")
	if code, _, stderr := run(t, env, "status", "--base-url", srv.URL, "--input", results, "--output", status, "--rate", "0"); code != cli.ExitPartial {
		t.Fatalf("status: exit %d, want 1 (pending)\n%s", code, stderr)
	}
	consent := filepath.Join(dir, "consent.csv")
	code, _, stderr := run(t, env, "resend-consent", "--base-url", srv.URL, "--input", status, "--output", consent, "--older-than", "0s", "--yes", "--rate", "0")
	if code != cli.ExitOK || strings.Contains(stderr, "not one we send") {
		t.Errorf("resend-consent --input status.csv: exit %d, or a warning about our own column\n%s", code, stderr)
	}
	rows := readCSV(t, consent)
	if len(rows) != 1 || rows[0]["consent_result"] != "sent" {
		t.Fatalf("consent rows %v", rows)
	}
	for k := range rows[0] {
		// input_email is the person's own email column, renamed in every
		// result file; any other renamed column was one the tool wrote.
		if strings.HasPrefix(k, "input_") && k != "input_email" {
			t.Errorf("the result has a column %q: a column the tool wrote came back as the person's", k)
		}
	}
}

func TestUnknownCommandListsEveryCommand(t *testing.T) {
	t.Parallel()
	code, _, stderr := run(t, nil, "frobnicate")
	if code != cli.ExitUsage {
		t.Fatalf("exit %d", code)
	}
	for _, name := range []string{"precheck", "validate", "provision", "status", "resend-consent", "remove"} {
		if !strings.Contains(stderr, name) {
			t.Errorf("the message does not name %s: %s", name, stderr)
		}
	}
}

// TestEveryCommandThroughRun runs each command of the table against an API
// that answers every request 503: 2 rows end in error (exit 1, both in the
// retry file, the summary, the manifest, not "every row" in the report),
// and 40 trip the breaker (exit 3). validate sends nothing: its rows are
// invalid instead. A command added to the table needs its arguments here.
func TestEveryCommandThroughRun(t *testing.T) {
	t.Parallel()
	srv := brokenAPI(t)
	args := map[string]func(in string) []string{
		"precheck": func(in string) []string { return []string{"--input", in} },
		"validate": func(in string) []string { return []string{"--input", in} },
		"provision": func(in string) []string {
			return []string{"--input", in, "--customer-id", "c1", "--package", "webex_meetings", "--yes"}
		},
		"status":         func(in string) []string { return []string{"--input", in} },
		"resend-consent": func(in string) []string { return []string{"--input", in, "--yes", "--older-than", "0s"} },
		"remove":         func(in string) []string { return []string{"--input", in, "--yes"} },
		"export":         func(string) []string { return []string{"--customer-id", "c1"} },
		"update":         func(in string) []string { return []string{"--input", in, "--yes", "--to", "webex_suite"} },
		"sync": func(in string) []string {
			return []string{"--input", in, "--yes", "--customer-id", "c1", "--package", "webex_meetings"}
		},
	}
	for _, cmd := range command.Table {
		argsOf, ok := args[cmd.Name]
		if !ok {
			t.Errorf("%s: no arguments in TestEveryCommandThroughRun", cmd.Name)
			continue
		}
		if cmd.NoInput || cmd.ListsFirst {
			// Its rows are the API's pages, or wait for its listing: the
			// first page fails, the run stops (exit 3) and leaves no file.
			out := filepath.Join(t.TempDir(), "out.csv")
			in := ""
			if cmd.ListsFirst {
				in = emailsFile(t, 2)
			}
			a := append([]string{cmd.Name, "--output", out}, argsOf(in)...)
			a = append(a, "--base-url", srv.URL, "--rate", "0", "--max-retries", "0", "--retry-for", "0")
			if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, a...); code != cli.ExitAborted {
				t.Errorf("%s against a broken API: exit %d, want 3\n%s", cmd.Name, code, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s: a run whose first page failed left %s", cmd.Name, out)
			}
			continue
		}
		// The first step errs (provision's precheck: nothing is provisioned).
		step := cmd.Steps()[0]
		outcome, label := pipeline.Error, strings.TrimSpace(step.Label+" error")
		if cmd.Offline {
			outcome, label = pipeline.Invalid, "invalid"
		}
		for _, n := range []int{2, 40} {
			in := provisionedFile(t, n)
			if cmd.Offline {
				in = writeFile(t, "in.csv", "email\n"+strings.Repeat("not-an-address\n", n))
			} else if !cmd.FollowUp {
				in = emailsFile(t, n)
			}
			dir := t.TempDir()
			out, retry, page, manifest := filepath.Join(dir, "out.csv"), filepath.Join(dir, "retry.csv"), filepath.Join(dir, "r.html"), filepath.Join(dir, "m.json")
			a := append([]string{cmd.Name, "--output", out, "--report", page, "--summary-json", manifest}, argsOf(in)...)
			if !cmd.Offline { // validate sends nothing, so it has no retry file
				a = append(a, "--retry-file", retry, "--base-url", srv.URL, "--rate", "0", "--max-retries", "0", "--retry-for", "0", "--concurrency", "1")
			}
			code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, a...)
			if n == 40 {
				if want := cli.ExitAborted; !cmd.Offline && code != want {
					t.Errorf("%s of 40 rows in error: exit %d, want %d from the breaker\n%s", cmd.Name, code, want, stderr)
				}
				continue
			}
			if code != cli.ExitPartial {
				t.Errorf("%s: exit %d, want 1\n%s", cmd.Name, code, stderr)
				continue
			}
			if !cmd.Offline {
				if rows := readCSV(t, retry); len(rows) != 2 {
					t.Errorf("%s: %d rows in the retry file, want 2", cmd.Name, len(rows))
				}
			}
			if !strings.Contains(stderr, label) {
				t.Errorf("%s: the summary lacks %q\n%s", cmd.Name, label, stderr)
			}
			counts := manifestCounts(t, manifest)
			if got := counts[step.Counts][outcome]; got != 2 {
				t.Errorf("%s: manifest counts.%s = %v, want %s: 2", cmd.Name, step.Counts, counts[step.Counts], outcome)
			}
			b, _ := os.ReadFile(page)
			if strings.Contains(string(b), cmd.AllReached) || !strings.Contains(string(b), "What to fix") {
				t.Errorf("%s: the report of 2 rows in %s says %q, or has no \"What to fix\"", cmd.Name, outcome, cmd.AllReached)
			}
		}
	}
}

// The debug log shows the precheck body of the commands that send one,
// not of the follow-ups, which send none.
func TestDebugLogsOnlyBodiesSent(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := provisionedFile(t, 1)
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "status", "--base-url", srv.URL, "--input", in,
		"--output", filepath.Join(t.TempDir(), "out.csv"), "--rate", "0", "--log-level", "debug")
	if code != cli.ExitPartial || strings.Contains(stderr, "precheck request") {
		t.Errorf("status --log-level debug: exit %d, or a precheck body it never sent\n%s", code, stderr)
	}
}
