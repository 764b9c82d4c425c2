package cli_test

// Tests of issue 22's command-line cases: what a stopped row, a prompt, a
// declined run, a limit of 0, a selection and a removal input say and
// leave behind. Each case reproduces the fault that broke it.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// syncBuffer is a bytes.Buffer a test may read while a run writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// leftBehind lists the files in dir, for a run that must leave none.
func leftBehind(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// manifestCounts reads the counts of a manifest.
func manifestCounts(t *testing.T, path string) map[string]map[string]int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Counts map[string]json.RawMessage `json:"counts"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int{}
	for _, k := range []string{"precheck", "provision", "consent", "remove"} {
		var c map[string]int
		_ = json.Unmarshal(m.Counts[k], &c)
		out[k] = c
	}
	return out
}

// Case 3, breaker form: every answer is a 502 but for the first rows,
// which end in error after 200 ms (a redirect, never retried) and trip the
// breaker while the others wait between attempts. A row that sent a request is never
// not_sent: it is error, and the summary and manifest count it so.
func TestStoppedBetweenAttemptsIsErrorNotNotSent(t *testing.T) {
	t.Parallel()
	base, _ := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, body string) bool {
		if strings.Contains(body, "fast") {
			time.Sleep(200 * time.Millisecond) // the others are in backoff by now
			w.Header().Set("Location", "https://elsewhere.example/login")
			w.WriteHeader(http.StatusSeeOther)
			return true
		}
		w.WriteHeader(http.StatusBadGateway)
		return true
	})
	var b strings.Builder
	b.WriteString("email\n")
	for i := range 4 {
		fmt.Fprintf(&b, "fast%d@acme.example\n", i)
	}
	for i := range 12 {
		fmt.Fprintf(&b, "slow%d@acme.example\n", i)
	}
	in := writeFile(t, "in.csv", b.String())
	dir := t.TempDir()
	out, manifest := filepath.Join(dir, "out.csv"), filepath.Join(dir, "run.json")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", base, "--input", in, "--output", out,
		"--rate", "0", "--concurrency", "8", "--abort-after", "4", "--summary-json", manifest)
	if code != cli.ExitAborted {
		t.Fatalf("exit %d, want 3 (the breaker)\n%s", code, stderr)
	}
	errors, stopped := 0, 0
	for _, r := range readCSV(t, out) {
		sent := r["attempts"] != "" && r["attempts"] != "0"
		switch {
		case r["precheck_result"] == "not_sent" && sent:
			t.Errorf("line %s %s: not_sent after %s attempts (HTTP %s): %s", r["line"], r["email"], r["attempts"], r["http_status"], r["message"])
		case r["precheck_result"] == "error":
			errors++
			// Rows stopped in their backoff say they are in doubt (a
			// request cut mid-flight says "no answer").
			if strings.HasPrefix(r["email"], "slow") && strings.Contains(r["message"], "the server may have acted") {
				stopped++
			}
		}
	}
	if stopped == 0 {
		t.Fatalf("no row was stopped between attempts: the test did not reproduce the case\n%s", stderr)
	}
	if got := manifestCounts(t, manifest)["precheck"]; got["error"] != errors {
		t.Errorf("manifest counts %v, the result file %d error", got, errors)
	}
	if !regexp.MustCompile(fmt.Sprintf(`\n +error +%d\n`, errors)).MatchString(stderr) {
		t.Errorf("the summary does not count %d error:\n%s", errors, stderr)
	}
}

// Case 3, worst form: Ctrl-C while provisioning answers are lost and the
// look-ups that would find the subscribers are failing. Every subscriber
// the server created is error (in doubt), never not_sent, in the result
// file and the manifest; --resume then finds each without a second POST.
func TestInterruptWithLostAnswersIsNeverNotSent(t *testing.T) {
	t.Parallel()
	var failLists atomic.Bool
	var lists atomic.Int64
	failLists.Store(true)
	base, f := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, body string) bool {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/wholesale/subscribers" && failLists.Load() {
			lists.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	const n = 6
	var b strings.Builder
	b.WriteString("email\n")
	for i := range n {
		fmt.Fprintf(&b, "user%d+lost@acme.example\n", i)
	}
	in := writeFile(t, "in.csv", b.String())
	dir := t.TempDir()
	out, manifest := filepath.Join(dir, "out.csv"), filepath.Join(dir, "run.json")
	args := []string{"provision", "--base-url", base, "--input", in, "--output", out, "--customer-id", "c", "--package", "webex_meetings",
		"--yes", "--rate", "0", "--concurrency", "8", "--timeout", "300ms", "--summary-json", manifest}
	ctx, interrupt := context.WithCancel(context.Background())
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		for lists.Load() < n && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		interrupt()
	}()
	var stderr syncBuffer
	if code := cli.Run(ctx, args, cli.Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return token }}); code != cli.ExitAborted {
		t.Fatalf("interrupted run: exit %d\n%s", code, stderr.String())
	}
	interrupt()
	created := map[string]bool{}
	for _, s := range f.Subscribers() {
		created[strings.ToLower(s.Email)] = true
	}
	if len(created) == 0 {
		t.Fatal("the server created no subscriber: the test did not reproduce the case")
	}
	for _, r := range readCSV(t, out) {
		if created[r["email"]] && r["provision_result"] != "error" {
			t.Errorf("line %s %s: created on the server, written %s (%s)", r["line"], r["email"], r["provision_result"], r["message"])
		}
	}
	if got := manifestCounts(t, manifest)["provision"]; got["not_sent"] != 0 || got["error"] < len(created) {
		t.Errorf("manifest provision counts %v for %d subscribers created", got, len(created))
	}
	failLists.Store(false)
	code, _, errText := run(t, map[string]string{"WEBEX_TOKEN": token}, append(args, "--resume")...)
	if code != cli.ExitOK {
		t.Fatalf("resume: exit %d\n%s", code, errText)
	}
	for email, posts := range f.Stats().PostsByEmail {
		if posts != 1 {
			t.Errorf("%s POSTed %d times", email, posts)
		}
	}
}

// terminalRun runs args with stdin as a terminal, in the background; the
// result comes on the channel.
func terminalRun(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer) chan int {
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, args, cli.Env{Stdin: stdin, Stdout: io.Discard, Stderr: stderr, StdinTTY: true,
			Getenv: func(string) string { return token }})
	}()
	return done
}

// withoutYes is args with the prompt: without --yes.
func withoutYes(args []string) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		if a != "--yes" {
			out = append(out, a)
		}
	}
	return out
}

// Case 12: Ctrl-C at the confirmation prompt is no, at once: the yes typed
// afterwards provisions nobody, and no file is left. End of input is no
// too.
func TestInterruptAtThePromptIsNo(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	args := withoutYes(provisionArgs(srv, in, out))

	stdin, typing := io.Pipe()
	defer typing.Close()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	var stderr syncBuffer
	done := terminalRun(ctx, args, stdin, &stderr)
	waitFor(t, 10*time.Second, func() bool { return strings.Contains(stderr.String(), "Type yes to go ahead") })
	interrupt()
	go typing.Write([]byte("yes\n")) // what the user types after Ctrl-C
	var code int
	select {
	case code = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("the run still waits for an answer after the interrupt\n%s", stderr.String())
	}
	if code != cli.ExitPartial || srv.Server.Stats().Provisions != 0 {
		t.Fatalf("Ctrl-C at the prompt: exit %d, %d provisions; want 1 and 0\n%s", code, srv.Server.Stats().Provisions, stderr.String())
	}
	if left := leftBehind(t, dir); len(left) != 0 {
		t.Errorf("Ctrl-C at the prompt left %v", left)
	}

	// End of input at the prompt (Ctrl-D, a closed pipe): no.
	var errb bytes.Buffer
	code = <-terminalRun(context.Background(), args, strings.NewReader("ye"), &errb)
	if code != cli.ExitPartial || srv.Server.Stats().Provisions != 0 || !strings.Contains(errb.String(), "taken as no") {
		t.Fatalf("end of input: exit %d, %d provisions\n%s", code, srv.Server.Stats().Provisions, errb.String())
	}
	if left := leftBehind(t, dir); len(left) != 0 {
		t.Errorf("end of input at the prompt left %v", left)
	}
}

// Case 13: a declined provision, remove or resend-consent leaves no file
// (an earlier result file stays as it was), says once what was not done,
// suggests no --resume, and exits 1; the same command then runs without
// --resume.
func TestDeclinedRunLeavesNothing(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,package\nann@acme.example,webex_meetings\nben+pending@acme.example,webex_meetings\n")
	dir := t.TempDir()
	results := filepath.Join(dir, "results.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	if code, _, stderr := run(t, env, provisionArgs(srv, in, results, "--accept-pending")...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	in2 := writeFile(t, "in2.csv", "email,package\ncy@acme.example,webex_meetings\n")
	earlier := filepath.Join(dir, "earlier.csv")
	os.WriteFile(earlier, []byte("an earlier run's results\n"), 0o600)
	for _, c := range []struct {
		name, notDone string
		args          []string
		answer        string
	}{
		{"provision", "no subscriber was provisioned", provisionArgs(srv, in2, earlier, "--overwrite"), "no\n"},
		{"remove", "no subscriber was removed", []string{"remove", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, "removed.csv"), "--rate", "0"}, "1\n"},
		{"resend-consent", "no consent email was sent", []string{"resend-consent", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, "consent.csv"), "--older-than", "0s", "--rate", "0"}, "n\n"},
	} {
		args := withoutYes(c.args)
		var errb bytes.Buffer
		before := srv.Server.Stats()
		code := <-terminalRun(context.Background(), args, strings.NewReader(c.answer), &errb)
		st := srv.Server.Stats()
		stderr := errb.String()
		if code != cli.ExitPartial || st.Provisions != before.Provisions || st.Deletes != 0 || st.ConsentMoves != 0 {
			t.Errorf("%s declined: exit %d, %d provisions, %d deletes, %d consent moves; want exit 1 and nothing sent\n%s",
				c.name, code, st.Provisions-before.Provisions, st.Deletes, st.ConsentMoves, stderr)
		}
		if n := strings.Count(stderr, "not confirmed"); n != 1 || !strings.Contains(stderr, c.notDone) {
			t.Errorf("%s declined: says %d times that it was not confirmed, want once with %q\n%s", c.name, n, c.notDone, stderr)
		}
		if strings.Contains(stderr, "--resume") || strings.Contains(stderr, "nothing was provisioned") && c.name != "provision" {
			t.Errorf("%s declined: suggests --resume or speaks of provisioning\n%s", c.name, stderr)
		}
		want := []string{"earlier.csv", "results.csv"}
		if got := leftBehind(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s declined: files %v, want %v", c.name, got, want)
		}
	}
	if b, _ := os.ReadFile(earlier); string(b) != "an earlier run's results\n" {
		t.Errorf("the declined run replaced the earlier file: %q", b)
	}
	// The same remove, confirmed, needs no --resume.
	var errb bytes.Buffer
	code := <-terminalRun(context.Background(), []string{"remove", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, "removed.csv"), "--rate", "0"},
		strings.NewReader("2\n"), &errb)
	if code != cli.ExitOK || srv.Server.Stats().Deletes != 2 {
		t.Fatalf("remove confirmed after a decline: exit %d, %d deletes\n%s", code, srv.Server.Stats().Deletes, errb.String())
	}
}

// Case 14: a limit of 0 lets none go: refused with the count (exit 2),
// nothing provisioned or removed; a negative limit is a usage error.
func TestLimitOfZeroLetsNoneGo(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 16)
	dir := t.TempDir()
	env := map[string]string{"WEBEX_TOKEN": token}
	results := filepath.Join(dir, "results.csv")
	for _, c := range []struct {
		limit string
		want  string
	}{
		{"0", "--max-provision 0 lets none of the 16 rows"},
		{"-5", "--max-provision must be 1 or more"},
	} {
		code, _, stderr := run(t, env, provisionArgs(srv, in, results, "--max-provision", c.limit)...)
		if code != cli.ExitUsage || srv.Server.Stats().Requests != 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("--max-provision %s: exit %d, %d requests; want 2, none sent and %q\n%s", c.limit, code, srv.Server.Stats().Requests, c.want, stderr)
		}
		if _, err := os.Stat(results); !os.IsNotExist(err) {
			t.Errorf("--max-provision %s left %s: %v", c.limit, results, err)
		}
	}
	if code, _, stderr := run(t, env, provisionArgs(srv, in, results)...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	for _, c := range []struct {
		limit string
		want  string
	}{
		{"0", "--max-remove 0 lets none of the 16 subscribers"},
		{"-1", "--max-remove must be 1 or more"},
	} {
		code, _, stderr := run(t, env, "remove", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, "removed.csv"),
			"--yes", "--rate", "0", "--max-remove", c.limit)
		if code != cli.ExitUsage || srv.Server.Stats().Deletes != 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("--max-remove %s: exit %d, %d deletes; want 2, 0 and %q\n%s", c.limit, code, srv.Server.Stats().Deletes, c.want, stderr)
		}
	}
	if left := leftBehind(t, dir); len(left) != 1 {
		t.Errorf("refused runs left %v", left)
	}
}

// Case 8: a resumed run whose rows leave out a subscriber the killed run
// provisioned (its line moved outside --rows, or the input was edited)
// is refused before anything is sent, naming it; the journal stays, and
// the run with every row back writes each subscriber once.
func TestResumeNeverDropsAJournaledSubscriber(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{Latency: 20 * time.Millisecond})
	in := emailsFile(t, 12)
	out := filepath.Join(t.TempDir(), "out.csv")
	args := provisionArgs(srv, in, out, "--concurrency", "1")
	interruptAfter(t, srv, 3, args)
	env := map[string]string{"WEBEX_TOKEN": token}

	edited := writeFile(t, "edited.csv", "email\n"+strings.Join(func() []string {
		var rows []string
		for i := 2; i < 12; i++ { // user0 and user1 gone
			rows = append(rows, fmt.Sprintf("user%d@acme.example", i))
		}
		return rows
	}(), "\n")+"\n")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"--rows past them", append(append([]string{}, args...), "--resume", "--rows", "4-")},
		{"an edited input", append(provisionArgs(srv, edited, out, "--concurrency", "1"), "--resume", "--force")},
	} {
		before := srv.Server.Stats().Requests
		code, _, stderr := run(t, env, c.args...)
		if code != cli.ExitUsage || !strings.Contains(stderr, "user0@acme.example") || !strings.Contains(stderr, "user1@acme.example") {
			t.Errorf("%s: exit %d; want 2 naming user0 and user1\n%s", c.name, code, stderr)
		}
		if n := srv.Server.Stats().Requests - before; n != 0 {
			t.Errorf("%s: %d requests sent by a refused run", c.name, n)
		}
		if _, err := os.Stat(out + ".journal"); err != nil {
			t.Errorf("%s: the journal is gone: %v", c.name, err)
		}
	}
	if code, _, stderr := run(t, env, append(args, "--resume")...); code != cli.ExitOK {
		t.Fatalf("resume with every row: exit %d\n%s", code, stderr)
	}
	checkOncePerSubscriber(t, srv, out, 12)
}

// Case 9: a finished result file (or any file a run names) is not
// replaced without --overwrite; standard output is not a file to keep.
func TestExistingOutputIsNotReplaced(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 2)
	dir := t.TempDir()
	out, retry := filepath.Join(dir, "out.csv"), filepath.Join(dir, "retry.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	if code, _, stderr := run(t, env, provisionArgs(srv, in, out)...); code != cli.ExitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	first, _ := os.ReadFile(out)
	in2 := writeFile(t, "in2.csv", "email\nother@acme.example\n")
	os.WriteFile(retry, []byte("email\nkept@acme.example\n"), 0o600)
	for _, c := range []struct {
		args []string
		flag string
	}{
		{provisionArgs(srv, in2, out), "--output " + out},
		{[]string{"precheck", "--base-url", srv.URL, "--input", in2, "--output", out, "--rate", "0"}, "--output " + out},
		{[]string{"status", "--base-url", srv.URL, "--input", in2, "--output", filepath.Join(dir, "new.csv"), "--retry-file", retry}, "--retry-file " + retry},
	} {
		before := srv.Server.Stats().Requests
		code, _, stderr := run(t, env, c.args...)
		if code != cli.ExitUsage || !strings.Contains(stderr, c.flag+" exists") || !strings.Contains(stderr, "--overwrite") {
			t.Errorf("%s: exit %d; want 2 naming %s and --overwrite\n%s", c.args[0], code, c.flag, stderr)
		}
		if n := srv.Server.Stats().Requests - before; n != 0 {
			t.Errorf("%s: %d requests sent by a refused run", c.args[0], n)
		}
	}
	if now, _ := os.ReadFile(out); !bytes.Equal(now, first) {
		t.Error("the refused runs changed the finished result file")
	}
	if _, err := os.Stat(filepath.Join(dir, "new.csv")); !os.IsNotExist(err) {
		t.Errorf("a refused run created its output: %v", err)
	}
	if code, _, stderr := run(t, env, provisionArgs(srv, in2, out, "--overwrite")...); code != cli.ExitOK || len(readCSV(t, out)) != 1 {
		t.Fatalf("--overwrite: exit %d\n%s", code, stderr)
	}
	// Standard output is the caller's to keep.
	in3 := writeFile(t, "in3.csv", "email\nthird@acme.example\n")
	if code, stdout, stderr := run(t, env, "precheck", "--base-url", srv.URL, "--input", in3, "--output", "-", "--rate", "0"); code != cli.ExitOK || !strings.Contains(stdout, "third@acme.example") {
		t.Fatalf("--output -: exit %d\n%s", code, stderr)
	}
}

// Case 10: an empty journal (a run killed before its first line reached
// the disk) says what to do, and --resume --force goes on, looking each
// subscriber up before its POST.
func TestEmptyJournalResumesWithForce(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 4)
	out := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(out+".journal", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WEBEX_TOKEN": token}
	args := provisionArgs(srv, in, out)
	for _, c := range []struct {
		extra []string
		want  string
	}{
		{nil, "Add --resume --force to continue it"},
		{[]string{"--resume"}, "add --force to resume anyway"},
	} {
		code, _, stderr := run(t, env, append(append([]string{}, args...), c.extra...)...)
		if code != cli.ExitUsage || !strings.Contains(stderr, "is empty") || !strings.Contains(stderr, c.want) || srv.Server.Stats().Requests != 0 {
			t.Errorf("%v: exit %d, %d requests; want 2 and %q\n%s", c.extra, code, srv.Server.Stats().Requests, c.want, stderr)
		}
	}
	code, _, stderr := run(t, env, append(args, "--resume", "--force")...)
	if code != cli.ExitOK {
		t.Fatalf("--resume --force: exit %d\n%s", code, stderr)
	}
	st := srv.Server.Stats()
	if st.Lists < 4 {
		t.Errorf("%d look-ups before the POSTs, want one per row", st.Lists)
	}
	for email, posts := range st.PostsByEmail {
		if posts != 1 {
			t.Errorf("%s POSTed %d times", email, posts)
		}
	}
	rows := readCSV(t, out)
	if got := countColumn(rows, "provision_result"); got["provisioned"] != 4 {
		t.Errorf("results %v, want 4 provisioned", got)
	}
	if _, err := os.Stat(out + ".journal"); !os.IsNotExist(err) {
		t.Errorf("the finished run left its journal: %v", err)
	}
}

// Case 11: each command's retry file is an input of the same command: fed
// back once the fault is gone, its rows reach the command's aim.
func TestRetryFileIsAnInputOfTheSameCommand(t *testing.T) {
	t.Parallel()
	var broken atomic.Bool
	base, f := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, body string) bool {
		if broken.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}
		return false
	})
	in := writeFile(t, "in.csv", "email,package\nann@acme.example,webex_meetings\nben+pending@acme.example,webex_meetings\n")
	dir := t.TempDir()
	env := map[string]string{"WEBEX_TOKEN": token}
	common := []string{"--base-url", base, "--rate", "0", "--max-retries", "0"}
	// The provisioning run the follow-ups act on.
	results := filepath.Join(dir, "results.csv")
	if code, _, stderr := run(t, env, append([]string{"provision", "--input", in, "--output", results, "--customer-id", "cust-1", "--yes", "--accept-pending"}, common...)...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	fresh := writeFile(t, "fresh.csv", "email,package\ncy@acme.example,webex_meetings\n")
	for _, c := range []struct {
		command, input, column, aim string
		extra                       []string
	}{
		{"precheck", fresh, "precheck_result", "passed", nil},
		{"provision", fresh, "provision_result", "provisioned", []string{"--customer-id", "cust-1", "--yes"}},
		{"status", results, "provision_result", "", nil},
		{"resend-consent", results, "consent_result", "", []string{"--yes", "--older-than", "0s"}},
		{"remove", results, "remove_result", "removed", []string{"--yes"}},
	} {
		retry := filepath.Join(dir, c.command+"-retry.csv")
		args := append(append([]string{c.command, "--input", c.input, "--output", filepath.Join(dir, c.command+".csv"), "--retry-file", retry}, common...), c.extra...)
		broken.Store(true)
		code, _, stderr := run(t, env, args...)
		broken.Store(false)
		if code != cli.ExitPartial && code != cli.ExitAborted {
			t.Fatalf("%s with every request failing: exit %d\n%s", c.command, code, stderr)
		}
		n := len(readCSV(t, retry))
		if n == 0 {
			t.Errorf("%s: the retry file has no row, though every row ended in error\n%s", c.command, stderr)
			continue
		}
		again := append(append([]string{c.command, "--input", retry, "--output", filepath.Join(dir, c.command+"-again.csv")}, common...), c.extra...)
		code, _, stderr = run(t, env, again...)
		if code == cli.ExitUsage {
			t.Errorf("%s refuses its own retry file: %s", c.command, stderr)
			continue
		}
		rows := readCSV(t, filepath.Join(dir, c.command+"-again.csv"))
		if len(rows) != n {
			t.Errorf("%s: %d rows from a retry file of %d", c.command, len(rows), n)
		}
		for _, r := range rows {
			if c.aim != "" && r[c.column] != c.aim || r[c.column] == "error" || r[c.column] == "not_found" {
				t.Errorf("%s from its retry file: line %s %s is %s (%s)", c.command, r["line"], r["email"], r[c.column], r["message"])
			}
		}
	}
	if st := f.Stats(); len(st.Removed) != 2 {
		t.Errorf("%d subscribers removed through the retry file, want 2", len(st.Removed))
	}
}

// Case 15: remove's plan and the number to type count what will be sent:
// the rows --rows, --match and --skip take, at most --max-remove.
func TestRemovePlanCountsTheSelection(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 12)
	dir := t.TempDir()
	results := filepath.Join(dir, "results.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, results)...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	for i, c := range []struct {
		extra   []string
		n       int
		deletes int
	}{
		{[]string{"--rows", "2-3"}, 2, 2},
		{[]string{"--match", "email=user1[01]@"}, 2, 4},
		{[]string{"--skip", "email=user[0-9]@", "--max-remove", "1"}, 1, 5},
	} {
		args := append([]string{"remove", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, fmt.Sprintf("removed%d.csv", i)), "--rate", "0"}, c.extra...)
		var errb bytes.Buffer
		code := <-terminalRun(context.Background(), args, strings.NewReader(fmt.Sprintf("%d\n", c.n)), &errb)
		stderr := errb.String()
		if !strings.Contains(stderr, fmt.Sprintf("%d subscribers to remove", c.n)) || !strings.Contains(stderr, fmt.Sprintf("Type %d to go ahead", c.n)) {
			t.Errorf("%v: the plan or the prompt does not count %d\n%s", c.extra, c.n, stderr)
		}
		if st := srv.Server.Stats(); st.Deletes != c.deletes {
			t.Errorf("%v: %d DELETEs in all, want %d (exit %d)\n%s", c.extra, st.Deletes, c.deletes, code, stderr)
		}
	}
}

// Case 16: a selection that takes no row is a mistake to name (exit 2,
// nothing sent, no file), not a run with nothing to do.
func TestEmptySelectionIsRefused(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 30)
	dir := t.TempDir()
	env := map[string]string{"WEBEX_TOKEN": token}
	results := filepath.Join(dir, "results.csv")
	if code, _, stderr := run(t, env, provisionArgs(srv, in, results, "--rows", "2-3")...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"precheck", "--base-url", srv.URL, "--input", in, "--output", filepath.Join(dir, "p.csv"), "--rate", "0", "--match", "email=^nobody"}, "--match selected 0 of 30 rows"},
		{[]string{"status", "--base-url", srv.URL, "--input", in, "--output", filepath.Join(dir, "s.csv"), "--rate", "0", "--rows", "40-"}, "--rows selected 0 of 30 rows"},
		{provisionArgs(srv, in, filepath.Join(dir, "o.csv"), "--match", "email=^nobody"), "--match selected 0 of 30 rows"},
		{[]string{"remove", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, "r.csv"), "--yes", "--rate", "0", "--skip", "email=acme"}, "--skip selected 0 of 2 rows"},
	} {
		before := srv.Server.Stats().Requests
		code, _, stderr := run(t, env, c.args...)
		if code != cli.ExitUsage || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "no data rows") {
			t.Errorf("%s: exit %d; want 2 and %q\n%s", c.args[0], code, c.want, stderr)
		}
		if n := srv.Server.Stats().Requests - before; n != 0 {
			t.Errorf("%s: %d requests", c.args[0], n)
		}
	}
	if left := leftBehind(t, dir); len(left) != 1 {
		t.Errorf("refused runs left %v", left)
	}
}

// Case 17: remove refuses an input that is not a result file of a run
// that provisioned (a plain list, a precheck result), naming what it
// needs; remove and resend-consent exit 0 only when every row reached the
// command's aim, never when every subscriber was not found.
func TestRemoveNeedsResultsAndNotFoundIsNotSuccess(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 3)
	dir := t.TempDir()
	env := map[string]string{"WEBEX_TOKEN": token}
	checked := filepath.Join(dir, "checked.csv")
	if code, _, stderr := run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", checked, "--rate", "0"); code != cli.ExitOK {
		t.Fatalf("precheck: exit %d\n%s", code, stderr)
	}
	for _, input := range []string{in, checked} {
		code, _, stderr := run(t, env, "remove", "--base-url", srv.URL, "--input", input, "--output", filepath.Join(dir, "removed.csv"), "--yes", "--rate", "0")
		if code != cli.ExitUsage || !strings.Contains(stderr, "subscriber_id") || !strings.Contains(stderr, "result file of provision") {
			t.Errorf("remove --input %s: exit %d; want 2 naming what a removal input needs\n%s", filepath.Base(input), code, stderr)
		}
	}
	results := filepath.Join(dir, "results.csv")
	if code, _, stderr := run(t, env, provisionArgs(srv, in, results)...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	for _, s := range srv.Server.Subscribers() { // removed by someone else meanwhile
		req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/wholesale/subscribers/"+s.ID, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("removing %s: %v %v", s.Email, err, resp)
		}
		resp.Body.Close()
	}
	code, _, stderr := run(t, env, "remove", "--base-url", srv.URL, "--input", results, "--output", filepath.Join(dir, "removed.csv"), "--yes", "--rate", "0")
	if got := countColumn(readCSV(t, filepath.Join(dir, "removed.csv")), "remove_result"); code != cli.ExitPartial || got["not_found"] != 3 {
		t.Errorf("remove of subscribers already gone: exit %d, %v; want 1 and 3 not_found\n%s", code, got, stderr)
	}
	code, _, stderr = run(t, env, "resend-consent", "--base-url", srv.URL, "--input", in, "--output", filepath.Join(dir, "consent.csv"), "--yes", "--rate", "0")
	if got := countColumn(readCSV(t, filepath.Join(dir, "consent.csv")), "consent_result"); code != cli.ExitPartial || got["not_found"] != 3 {
		t.Errorf("resend-consent of no subscriber: exit %d, %v; want 1 and 3 not_found\n%s", code, got, stderr)
	}
}
