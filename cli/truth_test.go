package cli_test

// Tests of the promise that every row's result is true and no subscriber is
// provisioned twice, each with the fault that broke it: a server that
// redirects or answers 2xx without a subscriber, a second run into the same
// output, a changed input under --resume --force, side files that cannot be
// written, an interrupt, a damaged journal.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// misbehaving serves the fake API behind intercept, which may answer a
// request itself (and return true) instead of the fake. It returns the
// base URL and the fake.
func misbehaving(t *testing.T, opts fakeapi.Options, intercept func(w http.ResponseWriter, r *http.Request, body string) bool) (string, *fakeapi.Server) {
	t.Helper()
	if opts.Token == "" {
		opts.Token = token
	}
	f := fakeapi.New(opts)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if intercept(w, r, string(b)) {
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1", f
}

func isPost(r *http.Request, path string) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/v1/wholesale/subscribers"+path
}

// recorder counts requests that reach it and whether they carried a token.
func recorder(t *testing.T) (string, *atomic.Int64, *atomic.Int64) {
	var hits, tokens atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			tokens.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"elsewhere","status":"provisioned","message":"success","items":[]}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits, &tokens
}

// Case 1 and 2 of provisioning: a redirect is never followed and never
// "provisioned"; neither is a 2xx that is not a subscriber with an id and a
// status. Such rows are error, not done, with what came back; --resume
// looks them up first.
func TestProvisionOnlyWhatTheAPIConfirmed(t *testing.T) {
	t.Parallel()
	elsewhere, hits, tokens := recorder(t)
	base, f := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, body string) bool {
		if !isPost(r, "") {
			return false
		}
		switch {
		case strings.Contains(body, "+r301"):
			http.Redirect(w, r, "/v1/wholesale/subscribers", http.StatusMovedPermanently)
		case strings.Contains(body, "+r302"):
			http.Redirect(w, r, "/v1/wholesale/subscribers?max=1", http.StatusFound)
		case strings.Contains(body, "+r303"):
			http.Redirect(w, r, "/v1/wholesale/subscribers", http.StatusSeeOther)
		case strings.Contains(body, "+r307"):
			http.Redirect(w, r, elsewhere+"/v1/wholesale/subscribers", http.StatusTemporaryRedirect)
		case strings.Contains(body, "+empty"):
			w.Write([]byte(`{}`))
		case strings.Contains(body, "+nostatus"):
			w.Write([]byte(`{"id":"not-a-real-id","email":"x"}`))
		case strings.Contains(body, "+fib500"):
			w.WriteHeader(500)
			w.Write([]byte(`{"message":"success"}`))
		default:
			return false
		}
		return true
	})
	in := writeFile(t, "in.csv", "email\n"+
		"ann+r301@acme.example\nben+r302@acme.example\ncy+r303@acme.example\ndee+r307@acme.example\n"+
		"eve+empty@acme.example\nfay+nostatus@acme.example\ngus+fib500@acme.example\nhal@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	args := []string{"provision", "--base-url", base, "--input", in, "--output", out, "--customer-id", "cust-1",
		"--package", "webex_meetings", "--yes", "--rate", "0", "--max-retries", "2"}
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
	if code != cli.ExitPartial {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	want := map[string]string{
		"ann+r301@acme.example":     "redirect (HTTP 301) to " + strings.TrimSuffix(base, "/v1") + "/v1/wholesale/subscribers; not followed",
		"ben+r302@acme.example":     "redirect (HTTP 302)",
		"cy+r303@acme.example":      "redirect (HTTP 303)",
		"dee+r307@acme.example":     "redirect (HTTP 307) to " + elsewhere,
		"eve+empty@acme.example":    "HTTP 200 without a subscriber id: body {}",
		"fay+nostatus@acme.example": "subscriber not-a-real-id but no status",
		"gus+fib500@acme.example":   "HTTP 500: Internal Server Error",
	}
	for _, r := range readCSV(t, out) {
		email := r["email"]
		if email == "hal@acme.example" {
			if r["provision_result"] != "provisioned" || r["subscriber_id"] == "" {
				t.Errorf("hal: %s %q", r["provision_result"], r["message"])
			}
			continue
		}
		if r["provision_result"] != "error" || !strings.Contains(r["message"], want[email]) {
			t.Errorf("%s: %s %q; want error saying %q", email, r["provision_result"], r["message"], want[email])
		}
		if strings.Contains(strings.ToLower(r["message"]), "success") {
			t.Errorf("%s: the message says success: %q", email, r["message"])
		}
	}
	if hits.Load() != 0 || tokens.Load() != 0 {
		t.Errorf("%d requests (%d with the token) reached the redirect's other host", hits.Load(), tokens.Load())
	}
	if subs := f.Subscribers(); len(subs) != 1 || subs[0].Email != "hal@acme.example" {
		t.Errorf("subscribers %v: only hal was created", subs)
	}
	// Not done: the journal stays and the one next step is the resume command.
	if !strings.Contains(stderr, "--resume") {
		t.Errorf("no resume command:\n%s", stderr)
	}
	// Attempts count every request of the row: precheck, POST, look-up.
	for _, r := range readCSV(t, out) {
		if r["email"] == "eve+empty@acme.example" && r["attempts"] != "3" {
			t.Errorf("eve: %s attempts, want 3 (precheck, POST, look-up)", r["attempts"])
		}
	}
}

// A precheck answered by a redirect is an error (no verdict), not a
// failure: a followed 301 used to turn the POST into a GET answered 405.
func TestPrecheckRedirectIsAnErrorNotAVerdict(t *testing.T) {
	t.Parallel()
	elsewhere, hits, _ := recorder(t)
	base, _ := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, body string) bool {
		switch {
		case !isPost(r, "/validate"):
			return false
		case strings.Contains(body, "+moved"):
			http.Redirect(w, r, "/v1/wholesale/subscribers", http.StatusMovedPermanently)
		case strings.Contains(body, "+away"):
			http.Redirect(w, r, elsewhere+"/v1/wholesale/subscribers/validate", http.StatusPermanentRedirect)
		case strings.Contains(body, "+blank"):
			w.Write([]byte(`{}`))
		default:
			return false
		}
		return true
	})
	in := writeFile(t, "in.csv", "email\nann+moved@acme.example\nben+away@acme.example\ncy+blank@acme.example\ndee@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", base, "--input", in, "--output", out, "--rate", "0")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := []string{"error", "error", "error", "passed"}
	for i, r := range readCSV(t, out) {
		if r["precheck_result"] != want[i] {
			t.Errorf("%s: %s %q, want %s", r["email"], r["precheck_result"], r["message"], want[i])
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests followed the redirect to another host", hits.Load())
	}
}

// Case 3: a second run into the same output while the first still runs
// (an overlapping cron entry, a pasted resume command) is refused at once,
// exit 2, naming the holder; the first finishes alone, each POST once.
func TestSecondRunIntoTheSameOutputIsRefused(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{Latency: 60 * time.Millisecond})
	const n = 30
	in := emailsFile(t, n)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	retry := filepath.Join(dir, "retry.csv")
	args := provisionArgs(srv, in, out, "--concurrency", "2", "--retry-file", retry)
	first := make(chan int, 1)
	var firstErr bytes.Buffer
	go func() {
		first <- cli.Run(context.Background(), args, cli.Env{Stdout: io.Discard, Stderr: &firstErr, Getenv: func(string) string { return token }})
	}()
	// The holder writes who it is just after taking the lock: wait for that.
	waitFor(t, 10*time.Second, func() bool { b, _ := os.ReadFile(out + ".lock"); return strings.Contains(string(b), "pid ") })

	for _, second := range [][]string{
		append(append([]string{}, args...), "--resume"), // the pasted resume command
		args, // the overlapping cron entry
		provisionArgs(srv, in, filepath.Join(dir, "other.csv"), "--retry-file", retry), // another output, the same retry file
	} {
		before := srv.Server.Stats().Requests
		code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, second...)
		if code != cli.ExitUsage || !strings.Contains(stderr, "is in use by wholesale-batch pid") {
			t.Errorf("second run: exit %d, want 2 naming the holder\n%s", code, stderr)
		}
		_ = before
	}
	if code := <-first; code != cli.ExitOK {
		t.Fatalf("first run: exit %d\n%s", code, firstErr.String())
	}
	for email, posts := range srv.Server.Stats().PostsByEmail {
		if posts != 1 {
			t.Errorf("%s POSTed %d times", email, posts)
		}
	}
	if rows := readCSV(t, out); len(rows) != n {
		t.Errorf("%d rows in the output, want %d", len(rows), n)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.csv")); !os.IsNotExist(err) {
		t.Errorf("the refused run created its output: %v", err)
	}
	for _, p := range []string{out + ".lock", retry + ".lock"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind: %v", p, err)
		}
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not reached within %s", d)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// interruptAfter runs args and interrupts the run once the fake has seen
// n provisioning POSTs; the run must exit 3.
func interruptAfter(t *testing.T, srv *fakeapi.Running, n int, args []string) {
	t.Helper()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		for srv.Server.Stats().Provisions < n && ctx.Err() == nil && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		interrupt()
	}()
	var stderr bytes.Buffer
	if code := cli.Run(ctx, args, cli.Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return token }}); code != cli.ExitAborted {
		t.Fatalf("interrupted run: exit %d\n%s", code, stderr.String())
	}
}

// checkOncePerSubscriber: every row provisioned, with the subscriber of its
// own email, each email POSTed exactly once.
func checkOncePerSubscriber(t *testing.T, srv *fakeapi.Running, out string, n int) {
	t.Helper()
	byID := map[string]string{}
	for _, s := range srv.Server.Subscribers() {
		byID[s.ID] = s.Email
	}
	rows := readCSV(t, out)
	if len(rows) != n {
		t.Errorf("%d rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		if r["provision_result"] != "provisioned" || byID[r["subscriber_id"]] != r["email"] {
			t.Errorf("line %s %s: %s, subscriber %s is %q (%s)", r["line"], r["email"], r["provision_result"], r["subscriber_id"], byID[r["subscriber_id"]], r["message"])
		}
	}
	for email, posts := range srv.Server.Stats().PostsByEmail {
		if posts != 1 {
			t.Errorf("%s POSTed %d times", email, posts)
		}
	}
	if len(byID) != n {
		t.Errorf("%d subscribers, want %d", len(byID), n)
	}
}

// Case 4: after a row is inserted at the top of the input, --resume --force
// matches finished rows by what they are, not where they are: the new row
// is sent, and no row is written with another row's result.
func TestResumeForceMatchesRowsByIdentity(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	const n = 60
	in := emailsFile(t, n)
	out := filepath.Join(t.TempDir(), "out.csv")
	args := provisionArgs(srv, in, out, "--rate", "200")
	interruptAfter(t, srv, 15, args)

	b, _ := os.ReadFile(in)
	edited := strings.Replace(string(b), "email\n", "email\nnewcomer@acme.example\n", 1)
	if err := os.WriteFile(in, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, append(args, "--resume", "--force")...)
	if code != cli.ExitOK {
		t.Fatalf("resume --force: exit %d\n%s", code, stderr)
	}
	checkOncePerSubscriber(t, srv, out, n+1)
}

// Case 8: a damaged journal line loses only itself: the run resumes, names
// the line, and looks up every subscriber before sending it, so nobody is
// POSTed twice and no provisioned row is written failed.
func TestDamagedJournalLineResumesWithLookUps(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	const n = 60
	in := emailsFile(t, n)
	out := filepath.Join(t.TempDir(), "out.csv")
	args := provisionArgs(srv, in, out, "--rate", "200")
	interruptAfter(t, srv, 20, args)

	// Damage one intent line and one result line of the provisioning pass.
	b, err := os.ReadFile(out + ".journal")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	damaged := map[string]bool{}
	for i, l := range lines {
		for _, kind := range []string{`"kind":"intent"`, `"kind":"result"`} {
			if strings.Contains(l, kind) && !damaged[kind] && i > 0 {
				damaged[kind] = true
				lines[i] = l[:len(l)/2] + "\x00\xff garbage\n"
			}
		}
	}
	if len(damaged) != 2 {
		t.Fatalf("journal has no intent or no result to damage:\n%s", b)
	}
	os.WriteFile(out+".journal", []byte(strings.Join(lines, "")), 0o600)

	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, append(args, "--resume")...)
	if code != cli.ExitOK {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "damaged and skipped") {
		t.Errorf("the damaged lines are not named:\n%s", stderr)
	}
	checkOncePerSubscriber(t, srv, out, n)
}

// Case 5: every output path is checked before anything is created or sent.
func TestOutputPathsCheckedBeforeAnything(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	dir := t.TempDir()
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	out := filepath.Join(dir, "out.csv")
	aFile := filepath.Join(dir, "plain-file")
	os.WriteFile(aFile, nil, 0o600)
	cases := []struct {
		name  string
		extra []string
		want  string
	}{
		{"report is the output", []string{"--report", out}, "--report " + out + " is also --output"},
		{"manifest is the output", []string{"--summary-json", filepath.Join(dir, ".", "out.csv")}, "is also --output"},
		{"retry file is the output", []string{"--retry-file", out}, "is also --output"},
		{"report is the input", []string{"--report", in}, "is the input file"},
		{"report and manifest are one", []string{"--report", filepath.Join(dir, "r"), "--summary-json", filepath.Join(dir, "r")}, "is also --report"},
		{"report in a missing folder", []string{"--report", filepath.Join(dir, "nope", "r.html")}, "cannot be written"},
		{"manifest under a file", []string{"--summary-json", filepath.Join(aFile, "m.json")}, "cannot be written"},
		{"retry file in a missing folder", []string{"--retry-file", filepath.Join(dir, "nope", "retry.csv")}, "cannot be written"},
		{"report is a folder", []string{"--report", dir}, "it is a directory"},
		{"report is the journal", []string{"--report", out + ".journal"}, "journal of --output " + out + ".journal is also --report"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := srv.Server.Stats().Requests
			args := append([]string{"precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0"}, c.extra...)
			code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
			if code != cli.ExitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want 2 saying %q:\n%s", code, c.want, stderr)
			}
			if sent := srv.Server.Stats().Requests - before; sent != 0 {
				t.Errorf("%d requests sent", sent)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "plain-file" {
					t.Errorf("a refused run left %s", e.Name())
				}
			}
		})
	}
}

// Case 5, the end of a run: a side file that cannot be written when the
// rows are all done is named, is not listed as written, and does not turn
// the rows' exit code into 3.
func TestSideFileFailingAtTheEndKeepsTheRowsExitCode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	side := filepath.Join(dir, "side")
	os.Mkdir(side, 0o700)
	var once atomic.Bool
	base, _ := misbehaving(t, fakeapi.Options{}, func(http.ResponseWriter, *http.Request, string) bool {
		if once.CompareAndSwap(false, true) {
			os.RemoveAll(side) // the folder goes away during the run
		}
		return false
	})
	in := writeFile(t, "in.csv", "email\nann@acme.example\nben@acme.example\n")
	out := filepath.Join(dir, "out.csv")
	report := filepath.Join(side, "report.html")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", base, "--input", in, "--output", out,
		"--rate", "0", "--report", report)
	if code != cli.ExitOK {
		t.Fatalf("exit %d, want 0: every row passed\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "the report "+report+" could not be written") {
		t.Errorf("the failed report is not named:\n%s", stderr)
	}
	if strings.Contains(stderr, "report     "+report) || strings.Contains(stderr, "report  "+report) {
		t.Errorf("the summary lists a report it never wrote:\n%s", stderr)
	}
	if len(readCSV(t, out)) != 2 {
		t.Error("results not written")
	}
	if _, err := os.Stat(out + ".journal"); !os.IsNotExist(err) {
		t.Errorf("the journal of a finished run is left: %v", err)
	}
}

// Case 6: files holding people's data are readable by their owner only,
// also when an earlier file in their place was readable by all.
func TestOutputFilesArePrivate(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	dir := t.TempDir()
	in := writeFile(t, "in.csv", "email\nann@acme.example\nben+e500@acme.example\n")
	out := filepath.Join(dir, "out.csv")
	os.WriteFile(out, []byte("old"), 0o644)
	os.Chmod(out, 0o644)
	files := []string{out, filepath.Join(dir, "r.html"), filepath.Join(dir, "m.json"), filepath.Join(dir, "retry.csv")}
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL, "--input", in, "--output", out,
		"--rate", "0", "--max-retries", "0", "--report", files[1], "--summary-json", files[2], "--retry-file", files[3], "--overwrite")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want 0600", filepath.Base(f), err, st.Mode().Perm())
		}
	}
}

// Case 7: rows never sent after an interrupt are not_sent, not error; they
// are not in the retry file, and the one next step printed is --resume.
func TestInterruptedRowsAreNotSentAndOnlyResumeIsOffered(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 300)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	retry := filepath.Join(dir, "retry.csv")
	args := []string{"precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "100", "--retry-file", retry}
	ctx, interrupt := context.WithCancel(context.Background())
	go func() { // once rows are going out at 100/s, most still queued
		deadline := time.Now().Add(20 * time.Second)
		for srv.Server.Stats().Prechecks < 10 && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		interrupt()
	}()
	var stderr bytes.Buffer
	if code := cli.Run(ctx, args, cli.Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return token }}); code != cli.ExitAborted {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	notSent := 0
	for _, r := range readCSV(t, out) {
		switch r["precheck_result"] {
		case "passed":
		case "not_sent":
			notSent++
		default:
			t.Errorf("line %s: %s %q", r["line"], r["precheck_result"], r["message"])
		}
	}
	if notSent == 0 {
		t.Fatal("no row written not_sent")
	}
	if rows := readCSV(t, retry); len(rows) != 0 {
		t.Errorf("%d rows in the retry file; rows never sent belong to --resume only", len(rows))
	}
	if s := stderr.String(); strings.Contains(s, "run again with --input") || !strings.Contains(s, "--resume") {
		t.Errorf("want the resume command as the one next step:\n%s", s)
	}
}

// Case 9: a 403 on every provisioning POST stops the run with the scopes
// needed, as the precheck pass does, instead of sending every row.
func TestForbiddenProvisioningStops(t *testing.T) {
	t.Parallel()
	var posts atomic.Int64
	base, _ := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, _ string) bool {
		if !isPost(r, "") {
			return false
		}
		posts.Add(1)
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"message":"forbidden"}`))
		return true
	})
	in := emailsFile(t, 100)
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "provision", "--base-url", base, "--input", in, "--output", out,
		"--customer-id", "c", "--package", "webex_meetings", "--yes", "--rate", "0", "--concurrency", "2")
	if code != cli.ExitAborted || !strings.Contains(stderr, "spark-admin:wholesale_subscribers_write") {
		t.Fatalf("exit %d, want 3 with the scopes\n%s", code, stderr)
	}
	if posts.Load() > 10 {
		t.Errorf("%d POSTs answered 403 before stopping", posts.Load())
	}
}

// Case 9: a status look-up that fails during --wait is said, not hidden
// behind "use --wait".
func TestWaitSaysWhyItStoppedFollowing(t *testing.T) {
	t.Parallel()
	base, _ := misbehaving(t, fakeapi.Options{ProvisionDelay: time.Hour}, func(w http.ResponseWriter, r *http.Request, _ string) bool {
		// Every read fails: the list --wait polls by the page, then the
		// GET it falls back to.
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/v1/wholesale/subscribers") {
			return false
		}
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"message":"no such thing"}`))
		return true
	})
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "provision", "--base-url", base, "--input", in, "--output", out,
		"--customer-id", "c", "--package", "webex_meetings", "--yes", "--rate", "0", "--wait")
	r := readCSV(t, out)[0]
	if code != cli.ExitPartial || r["provision_result"] != "provisioning" || !strings.Contains(r["message"], "no such thing") || strings.Contains(r["message"], "use --wait") {
		t.Fatalf("exit %d, %s %q\n%s", code, r["provision_result"], r["message"], stderr)
	}
}

// Case 9: the manifest records the API a --sandbox run called, and no
// "REDACTED" for a token file that was never given.
func TestManifestOfASandboxRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	m := filepath.Join(dir, "m.json")
	code, _, stderr := run(t, nil, "precheck", "--sandbox", "--input", in, "--output", filepath.Join(dir, "out.csv"), "--summary-json", m)
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var got struct {
		Config map[string]any `json:"config"`
	}
	b, _ := os.ReadFile(m)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if u := fmt.Sprint(got.Config["base-url"]); !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("base-url %q: want the sandbox's loopback URL", u)
	}
	if tf := got.Config["token-file"]; tf != "" {
		t.Errorf("token-file %q, want empty: none was given", tf)
	}
}
