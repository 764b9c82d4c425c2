package cli_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

func provisionArgs(srv *fakeapi.Running, in, out string, extra ...string) []string {
	return append([]string{"provision", "--base-url", srv.URL, "--input", in, "--output", out, "--customer-id", "cust-1",
		"--package", "webex_meetings", "--yes", "--rate", "0", "--max-retries", "2"}, extra...)
}

func TestProvisionOnlyPassingRowsOnce(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,package\n"+
		"ann@acme.example,\n"+
		"ben+exists@acme.example,\n"+ // precheck fails: skipped
		"bad-address,\n"+ // invalid: skipped
		"cy+pending@acme.example,\n"+ // 202: pending
		"dee+subfail@acme.example,\n"+ // 200 with errors: failed
		"eve@acme.example,webex_suite\n") // calling package without a number: invalid
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, out)...)
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := map[string][2]string{
		"ann@acme.example":         {"passed", "provisioned"},
		"ben+exists@acme.example":  {"failed", "skipped"},
		"bad-address":              {"invalid", "skipped"},
		"cy+pending@acme.example":  {"passed", "pending"},
		"dee+subfail@acme.example": {"passed", "failed"},
		"eve@acme.example":         {"invalid", "skipped"},
	}
	for _, r := range readCSV(t, out) {
		w := want[r["email"]]
		if r["precheck_result"] != w[0] || r["provision_result"] != w[1] {
			t.Errorf("%s: %s/%s (%s), want %v", r["email"], r["precheck_result"], r["provision_result"], r["message"], w)
		}
		if r["provision_result"] == "provisioned" && r["subscriber_id"] == "" {
			t.Errorf("%s: no subscriber_id", r["email"])
		}
	}
	posts := srv.Server.Stats().PostsByEmail
	if len(posts) != 3 || posts["ann@acme.example"] != 1 || posts["ben+exists@acme.example"] != 0 {
		t.Errorf("POSTs by email: %v; want one each for the three rows that passed", posts)
	}
	if !strings.Contains(stderr, "to provision:") {
		t.Errorf("no plan shown before provisioning:\n%s", stderr)
	}
	// --accept-pending counts the consent case as done, but not the failure.
	if code, _, _ := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, filepath.Join(t.TempDir(), "o2.csv"), "--accept-pending")...); code != cli.ExitPartial {
		t.Errorf("accept-pending: exit %d", code)
	}
}

func TestProvisionRefusesWithoutConfirmation(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	args := []string{"provision", "--base-url", srv.URL, "--input", in, "--output", out, "--customer-id", "c", "--package", "webex_meetings"}
	// No terminal and no --yes: refused before any request.
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
	if code != cli.ExitUsage || !strings.Contains(stderr, "--yes") || srv.Server.Stats().Requests != 0 {
		t.Fatalf("exit %d, %d requests\n%s", code, srv.Server.Stats().Requests, stderr)
	}
	// A terminal that answers no: prechecked, nothing provisioned, no
	// file left (see TestDeclinedRunLeavesNothing).
	var stdout, errb bytes.Buffer
	code = cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader("no\n"), Stdout: &stdout, Stderr: &errb, StdinTTY: true,
		Getenv: func(string) string { return token }})
	if code != cli.ExitPartial || srv.Server.Stats().Provisions != 0 || !strings.Contains(errb.String(), "Provision these 1 subscribers?") {
		t.Fatalf("declined: exit %d, %d provisions\n%s", code, srv.Server.Stats().Provisions, errb.String())
	}
	// The same command, confirmed, provisions.
	code = cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader("yes\n"), Stdout: &stdout, Stderr: &errb, StdinTTY: true,
		Getenv: func(string) string { return token }})
	if code != 0 || srv.Server.Stats().Provisions != 1 {
		t.Fatalf("confirmed: exit %d, %d provisions\n%s", code, srv.Server.Stats().Provisions, errb.String())
	}
}

// TestProvisionLostAnswerIsNotSentTwice: the server creates the subscriber
// but its answer never arrives; the tool must find it, not POST again.
func TestProvisionLostAnswerIsNotSentTwice(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\nann+lost@acme.example\nben@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, out, "--timeout", "500ms")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	if rows[0]["provision_result"] != "provisioned" || !strings.Contains(rows[0]["message"], "not sent again") {
		t.Fatalf("lost row: %v", rows[0])
	}
	if n := srv.Server.Stats().PostsByEmail["ann+lost@acme.example"]; n != 1 {
		t.Fatalf("%d POSTs for the lost row, want 1", n)
	}
}

func TestProvisionWaitFollowsStatus(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{ProvisionDelay: time.Second})
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, out)...)
	if r := readCSV(t, out)[0]; code != cli.ExitPartial || r["subscriber_status"] != "provisioning" {
		t.Fatalf("without --wait: exit %d %v\n%s", code, r, stderr)
	}
	in2 := writeFile(t, "in2.csv", "email\nben@acme.example\n")
	code, _, stderr = run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in2, out, "--wait", "--overwrite")...)
	if r := readCSV(t, out)[0]; code != 0 || r["subscriber_status"] != "provisioned" || r["provision_result"] != "provisioned" {
		t.Fatalf("with --wait: exit %d %v\n%s", code, r, stderr)
	}
}

func TestProvisionMax(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\na@acme.example\nb@acme.example\nc@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, _ := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, out, "--max-provision", "2", "--concurrency", "1")...)
	if code != cli.ExitPartial || srv.Server.Stats().Provisions != 2 {
		t.Fatalf("exit %d, %d provisions", code, srv.Server.Stats().Provisions)
	}
}

// TestPlanApply: Monday's precheck result is Tuesday's plan. Unchanged,
// fresh rows are provisioned without a second precheck; a changed row and a
// stale row are prechecked again.
func TestPlanApply(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,package,Department\na@acme.example,webex_meetings,Sales\nb@acme.example,webex_meetings,Ops\nc@acme.example,webex_meetings,HR\nd+exists@acme.example,webex_meetings,HR\n")
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	if code, _, stderr := run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", plan, "--customer-id", "cust-1"); code != cli.ExitPartial {
		t.Fatalf("precheck: %d\n%s", code, stderr)
	}
	// Sales edit the plan: b changes package, c's precheck is made 8 days old.
	b, _ := os.ReadFile(plan)
	lines := strings.Split(string(b), "\n")
	lines[2] = strings.Replace(lines[2], "webex_meetings,Ops", "webex_suite,Ops", 1)
	old := time.Now().Add(-8 * 24 * time.Hour).UTC().Format(time.RFC3339)
	fields := strings.Split(lines[3], ",")
	fields[slices.Index(strings.Split(lines[0], ","), "checked_at")] = old
	lines[3] = strings.Join(fields, ",")
	os.WriteFile(plan, []byte(strings.Join(lines, "\n")), 0o600)

	before := srv.Server.Stats().Prechecks
	out := filepath.Join(dir, "out.csv")
	code, _, stderr := run(t, env, "provision", "--base-url", srv.URL, "--plan", plan, "--output", out, "--yes", "--customer-id", "cust-1", "--existing-calling")
	if code != cli.ExitPartial {
		t.Fatalf("provision --plan: exit %d\n%s", code, stderr)
	}
	if n := srv.Server.Stats().Prechecks - before; n != 3 {
		t.Errorf("%d prechecks on apply, want 3 (the changed, the stale and the failed row)", n)
	}
	rows := readCSV(t, out)
	for i, want := range []string{"provisioned", "provisioned", "provisioned", "skipped"} {
		if rows[i]["provision_result"] != want {
			t.Errorf("row %d: %s (%s), want %s", i, rows[i]["provision_result"], rows[i]["message"], want)
		}
	}
	if !strings.Contains(rows[1]["notes"], "changed since the plan") || !strings.Contains(rows[2]["notes"], "older than --plan-max-age") {
		t.Errorf("notes do not say why rows were prechecked again: %q / %q", rows[1]["notes"], rows[2]["notes"])
	}
	if !strings.Contains(rows[0]["notes"], "passed in the plan") || !strings.Contains(rows[3]["notes"], "did not pass in the plan") {
		t.Errorf("notes: %q / %q", rows[0]["notes"], rows[3]["notes"])
	}
	if rows[0]["Department"] != "Sales" {
		t.Errorf("the plan's own columns were not kept: %v", rows[0])
	}
}

// Rows taken from a plan keep their precheck's code and its description:
// the summary reads as it would after a precheck.
func TestPlanKeepsCodeDescriptions(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,package\na@acme.example,webex_meetings\n")
	dir := t.TempDir()
	plan, out := filepath.Join(dir, "plan.csv"), filepath.Join(dir, "out.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	if code, _, stderr := run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", plan, "--customer-id", "cust-1"); code != cli.ExitOK {
		t.Fatalf("precheck: %d\n%s", code, stderr)
	}
	code, _, stderr := run(t, env, "provision", "--base-url", srv.URL, "--plan", plan, "--output", out, "--yes", "--customer-id", "cust-1")
	if code != cli.ExitOK || srv.Server.Stats().Prechecks != 1 {
		t.Fatalf("provision --plan: exit %d, %d prechecks in all (want 1)\n%s", code, srv.Server.Stats().Prechecks, stderr)
	}
	if rows := readCSV(t, out); rows[0]["info_codes"] != "100" {
		t.Errorf("info codes %q, want 100", rows[0]["info_codes"])
	}
	if !regexp.MustCompile(`info 100 +1 +Provisioning preCheck validation successful\.`).MatchString(stderr) {
		t.Errorf("the summary lacks the info code's description:\n%s", stderr)
	}
}

// TestProvisionKillNineNeverTwice kills the tool at random instants, many
// times, and resumes, while a second process tries to run beside each one:
// nobody may be provisioned twice, and at the end every row is provisioned
// exactly once.
func TestProvisionKillNineNeverTwice(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	srv := fake(t, fakeapi.Options{Latency: 10 * time.Millisecond})
	const n = 200
	in := emailsFile(t, n)
	out := filepath.Join(t.TempDir(), "out.csv")
	args := provisionArgs(srv, in, out, "--concurrency", "6")
	kills := killAndResumeIntruded(t, bin, args, soakOr(15, 5), 20*time.Millisecond, 150*time.Millisecond, true)
	for email, posts := range srv.Server.Stats().PostsByEmail {
		if posts > 1 {
			t.Errorf("%s was POSTed %d times", email, posts)
		}
	}
	subs := srv.Server.Subscribers()
	if len(subs) != n {
		t.Errorf("%d subscribers, want %d", len(subs), n)
	}
	rows := readCSV(t, out)
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		if r["provision_result"] != "provisioned" {
			t.Errorf("line %s: %s %s", r["line"], r["provision_result"], r["message"])
		}
	}
	t.Logf("%d kills; %d POSTs for %d rows", kills, srv.Server.Stats().Provisions, n)
}

// Interrupted while provisioning, with most rows still waiting for their
// turn at the rate limit: those are not sent and leave no "about to send"
// in the journal, so --resume sends them without a look-up each; every
// subscriber is created exactly once.
func TestInterruptedProvisioningResumesWithoutLookUps(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	const n = 200
	in := emailsFile(t, n)
	out := filepath.Join(t.TempDir(), "out.csv")
	args := provisionArgs(srv, in, out, "--rate", "100")
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	go func() { // interrupt once provisioning has begun
		deadline := time.Now().Add(20 * time.Second)
		for srv.Server.Stats().Provisions < 10 && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		interrupt()
	}()
	var stderr bytes.Buffer
	env := cli.Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return token }}
	if code := cli.Run(ctx, args, env); code != cli.ExitAborted {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	first := srv.Server.Stats().Provisions
	if first >= n/2 {
		t.Fatalf("%d of %d rows provisioned after the interrupt: queued rows went out", first, n)
	}
	if code := cli.Run(context.Background(), append(args, "--resume"), env); code != cli.ExitOK {
		t.Fatalf("resume: exit %d\n%s", code, stderr.String())
	}
	st := srv.Server.Stats()
	if st.Lists > first {
		t.Errorf("%d look-ups on resume after %d POSTs before the interrupt: rows never sent were looked up", st.Lists, first)
	}
	for email, posts := range st.PostsByEmail {
		if posts != 1 {
			t.Errorf("%s POSTed %d times", email, posts)
		}
	}
	if len(srv.Server.Subscribers()) != n {
		t.Errorf("%d subscribers, want %d", len(srv.Server.Subscribers()), n)
	}
	t.Logf("interrupted after %d POSTs; resume looked up %d", first, st.Lists)
}
