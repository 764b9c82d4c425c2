package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// countColumn counts the rows by the value of one column.
func countColumn(rows []map[string]string, col string) map[string]int {
	out := map[string]int{}
	for _, r := range rows {
		out[r[col]]++
	}
	return out
}

// The follow-up commands end to end: provision 20 rows of which 3 come back
// pending; status sees 17 provisioned and 3 pending; resend-consent sends
// exactly 3 consent requests; remove, killed with SIGKILL at random points
// and resumed (with a second run refused beside each), removes each of the
// 20 exactly once; status then finds none of them.
func TestFollowUpStatusConsentRemove(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	srv := fake(t, fakeapi.Options{Latency: 15 * time.Millisecond})
	var b strings.Builder
	b.WriteString("email,package\n")
	for i := range 20 {
		tag := ""
		if i%7 == 3 { // 3, 10, 17
			tag = "+pending"
		}
		fmt.Fprintf(&b, "user%d%s@acme.example,webex_meetings\n", i, tag)
	}
	in := writeFile(t, "in.csv", b.String())
	dir := t.TempDir()
	results := filepath.Join(dir, "results.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	if code, _, stderr := run(t, env, provisionArgs(srv, in, results, "--accept-pending")...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}

	status := filepath.Join(dir, "status.csv")
	code, _, stderr := run(t, env, "status", "--base-url", srv.URL, "--input", results, "--output", status, "--rate", "0")
	got := countColumn(readCSV(t, status), "provision_result")
	if code != cli.ExitPartial || got["provisioned"] != 17 || got["pending"] != 3 {
		t.Fatalf("status: exit %d, %v\n%s", code, got, stderr)
	}
	for _, r := range readCSV(t, status) {
		if r["last_status_change"] == "" || r["subscriber_id"] == "" {
			t.Errorf("status line %s: no last_status_change or subscriber_id: %v", r["line"], r)
		}
	}

	consent := filepath.Join(dir, "consent.csv")
	code, _, stderr = run(t, env, "resend-consent", "--base-url", srv.URL, "--input", status, "--output", consent,
		"--older-than", "0s", "--yes", "--rate", "0")
	got = countColumn(readCSV(t, consent), "consent_result")
	if code != cli.ExitOK || got["sent"] != 3 || got["not_pending"] != 17 {
		t.Fatalf("resend-consent: exit %d, %v\n%s", code, got, stderr)
	}
	st := srv.Server.Stats()
	if st.ConsentMoves != 3 || len(st.ConsentsSent) != 3 {
		t.Errorf("%d consent requests for %d subscribers, want 3 and 3", st.ConsentMoves, len(st.ConsentsSent))
	}

	removed := filepath.Join(dir, "removed.csv")
	args := []string{"remove", "--base-url", srv.URL, "--input", results, "--output", removed, "--yes", "--rate", "0", "--concurrency", "2"}
	kills := killAndResumeIntruded(t, bin, args, 4, 10*time.Millisecond, 150*time.Millisecond, true)
	rows := readCSV(t, removed)
	got = countColumn(rows, "remove_result")
	if len(rows) != 20 || got["removed"] != 20 {
		t.Fatalf("remove after %d kills: %d rows, %v", kills, len(rows), got)
	}
	st = srv.Server.Stats()
	for email, n := range st.Removed {
		if n != 1 {
			t.Errorf("%s removed %d times", email, n)
		}
	}
	if len(st.Removed) != 20 || len(srv.Server.Subscribers()) != 0 {
		t.Errorf("%d subscribers removed, %d left; want 20 and 0", len(st.Removed), len(srv.Server.Subscribers()))
	}

	after := filepath.Join(dir, "after.csv")
	code, _, stderr = run(t, env, "status", "--base-url", srv.URL, "--input", results, "--output", after, "--rate", "0")
	if got := countColumn(readCSV(t, after), "provision_result"); code != cli.ExitPartial || got["not_found"] != 20 {
		t.Fatalf("status after remove: exit %d, %v\n%s", code, got, stderr)
	}
	t.Logf("remove: %d kills; %d DELETEs for 20 subscribers", kills, st.Deletes)
}

// remove asks a person to type the number of subscribers; anything else
// removes nothing. Rows the run did not provision are skipped.
func TestRemoveConfirmationAndSkips(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\nann@acme.example\nben+exists@acme.example\ncy@acme.example\n")
	dir := t.TempDir()
	results := filepath.Join(dir, "results.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	if code, _, stderr := run(t, env, provisionArgs(srv, in, results)...); code != cli.ExitPartial {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	args := []string{"remove", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, "removed.csv"), "--rate", "0"}
	// No terminal and no --yes: refused at once.
	if code, _, stderr := run(t, env, args...); code != cli.ExitUsage || !strings.Contains(stderr, "--yes") {
		t.Fatalf("no terminal: exit %d\n%s", code, stderr)
	}
	for _, answer := range []string{"yes\n", "3\n", "\n"} { // two were provisioned: only "2" goes ahead
		var errb bytes.Buffer
		code := cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader(answer), Stdout: io.Discard, Stderr: &errb,
			StdinTTY: true, Getenv: func(string) string { return token }})
		if code != cli.ExitPartial || srv.Server.Stats().Deletes != 0 || !strings.Contains(errb.String(), "Type 2 to go ahead") {
			t.Fatalf("answer %q: exit %d, %d DELETEs\n%s", answer, code, srv.Server.Stats().Deletes, errb.String())
		}
	}
	var errb bytes.Buffer
	code := cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader("2\n"), Stdout: io.Discard, Stderr: &errb,
		StdinTTY: true, Getenv: func(string) string { return token }})
	rows := readCSV(t, filepath.Join(dir, "removed.csv"))
	if got := countColumn(rows, "remove_result"); code != cli.ExitOK || got["removed"] != 2 || got["skipped"] != 1 {
		t.Fatalf("confirmed: exit %d, %v\n%s", code, got, errb.String())
	}
}
