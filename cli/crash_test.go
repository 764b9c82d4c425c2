package cli_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// buildTool compiles the real binary, for tests that must kill a process.
func buildTool(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills the real binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "wholesale-batch")
	cmd := exec.Command("go", "build", "-o", bin, "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKillNineThenResumeWritesEachRowOnce kills the tool at random points
// and resumes it until it finishes: the output must hold every row exactly
// once, in input order, and rows finished before a kill are not sent again.
func TestKillNineThenResumeWritesEachRowOnce(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	srv := fake(t, fakeapi.Options{Latency: 5 * time.Millisecond})
	const n = 600
	var b strings.Builder
	b.WriteString("email,package\n")
	for i := range n {
		// Row 10 answers after 1.5 s: at every kill the rows finished behind
		// it wait for their turn to be written, beyond the window in the
		// reorder file; they are journaled all the same and not sent again.
		tag := ""
		if i == 10 {
			tag = "+slow"
		}
		fmt.Fprintf(&b, "user%d%s@acme.example,webex_meetings\n", i, tag)
	}
	in := writeFile(t, "in.csv", b.String())
	out := filepath.Join(t.TempDir(), "out.csv")
	args := []string{"precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0", "--concurrency", "8"}

	kills := killAndResume(t, bin, args, soakOr(4, 2), 30*time.Millisecond, 120*time.Millisecond)
	rows := readCSV(t, out)
	if len(rows) != n {
		t.Fatalf("%d rows after %d kills, want %d", len(rows), kills, n)
	}
	for i, r := range rows {
		if r["line"] != fmt.Sprint(i+2) || r["precheck_result"] != "passed" {
			t.Fatalf("row %d: line %s %s %s", i, r["line"], r["precheck_result"], r["message"])
		}
	}
	if _, err := os.Stat(out + ".journal"); !os.IsNotExist(err) {
		t.Errorf("a finished run must remove its journal: %v", err)
	}
	// Only rows in flight at a kill may be sent twice.
	if sent := srv.Server.Stats().Prechecks; sent > n+kills*8*2 {
		t.Errorf("%d prechecks for %d rows after %d kills: finished rows were sent again", sent, n, kills)
	}
	t.Logf("%d kills, %d prechecks for %d rows", kills, srv.Server.Stats().Prechecks, n)
}

// killAndResume runs the tool, kills it with SIGKILL at a random instant
// between lo and hi, and reruns it with --resume, up to kills times; then
// lets the last run finish and requires it to exit 0. It returns the kills.
func killAndResume(t *testing.T, bin string, args []string, kills int, lo, hi time.Duration) int {
	t.Helper()
	return killAndResumeIntruded(t, bin, args, kills, lo, hi, false)
}

// killAndResumeIntruded is killAndResume; with intrude, each run also
// meets a second process started beside it with --resume (an overlapping
// cron entry), which must be refused (exit 2) while the first holds the
// output.
func killAndResumeIntruded(t *testing.T, bin string, args []string, kills int, lo, hi time.Duration, intrude bool) int {
	t.Helper()
	refused := 0
	defer func() {
		if intrude {
			t.Logf("%d concurrent runs refused", refused)
		}
	}()
	done := 0
	for attempt := 0; attempt <= kills+20; attempt++ {
		a := args
		if attempt > 0 && !unstarted(args) {
			a = append(append([]string{}, args...), "--resume")
		}
		cmd := exec.Command(bin, a...)
		cmd.Env = append(os.Environ(), "WEBEX_TOKEN="+token)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if intrude && intrudeOnce(t, bin, args, cmd.Process.Pid, exited) {
			refused++
		}
		var err error
		if done < kills {
			select {
			case <-time.After(lo + rand.N(hi-lo)):
				cmd.Process.Signal(syscall.SIGKILL)
				<-exited
				done++
				if finished(args) {
					return done // the kill came after the run had removed its journal
				}
				continue
			case err = <-exited:
			}
		} else {
			err = <-exited
		}
		if err != nil {
			t.Fatalf("run %d: %v\n%s", attempt, err, stderr.String())
		}
		return done
	}
	t.Fatal("the run never finished")
	return done
}

// intrudeOnce starts a second run with --resume once the first holds its
// lock, and requires it to be refused. It reports whether it was; when the
// first run ends before it takes the lock, there is nothing to intrude on.
func intrudeOnce(t *testing.T, bin string, args []string, pid int, exited chan error) bool {
	t.Helper()
	out := outputOf(args)
	deadline := time.Now().Add(5 * time.Second)
	for {
		// A killed run leaves its lock file (not its lock): wait for this
		// run's own pid in it.
		if b, err := os.ReadFile(out + ".lock"); err == nil && strings.Contains(string(b), fmt.Sprintf("pid %d ", pid)) {
			break
		}
		select {
		case err := <-exited:
			exited <- err // the first run ended (or died) before taking the lock
			return false
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the run never took its lock")
		}
		time.Sleep(time.Millisecond)
	}
	cmd := exec.Command(bin, append(append([]string{}, args...), "--resume")...)
	cmd.Env = append(os.Environ(), "WEBEX_TOKEN="+token)
	stderr, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() == cli.ExitUsage && strings.Contains(string(stderr), "is in use by"):
		return true
	case errors.As(err, &ee) && ee.ExitCode() == cli.ExitUsage && strings.Contains(string(stderr), "nothing to resume"):
		return false // the first run had just finished and removed its journal
	case errors.As(err, &ee) && ee.ExitCode() == cli.ExitUsage && strings.Contains(string(stderr), "exists (an earlier run's?)") && finished(args):
		return false // the same, seen as a finished output with no journal beside it
	}
	t.Fatalf("a second run beside the first was not refused: %v\n%s", err, stderr)
	return false
}

func outputOf(args []string) string {
	for i, a := range args {
		if a == "--output" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// finished tells a run that completed (it removes its journal last) from
// one that was killed before: the output exists and its journal does not.
// unstarted tells a run killed before it made its journal (a slow start
// on a busy machine): there is nothing to resume, so it starts over.
func unstarted(args []string) bool {
	for i, a := range args {
		if a == "--output" && i+1 < len(args) {
			_, errJournal := os.Stat(args[i+1] + ".journal")
			return errors.Is(errJournal, os.ErrNotExist) && !finished(args)
		}
	}
	return false
}

func finished(args []string) bool {
	for i, a := range args {
		if a == "--output" && i+1 < len(args) {
			_, errOut := os.Stat(args[i+1])
			_, errJournal := os.Stat(args[i+1] + ".journal")
			return errOut == nil && errors.Is(errJournal, os.ErrNotExist)
		}
	}
	return false
}

func TestResumeRefusesAChangedInput(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\nann@acme.example\nben@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	// An unfinished run leaves its journal (simulated by a 401 stop).
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": "expired"}, "precheck", "--base-url", srv.URL, "--input", in, "--output", out)
	if code != 3 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("exit %d, want 3 with a resume hint:\n%s", code, stderr)
	}
	env := map[string]string{"WEBEX_TOKEN": token}
	// Starting over silently is refused.
	code, _, stderr = run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", out)
	if code != 2 || !strings.Contains(stderr, "did not finish") {
		t.Fatalf("rerun without --resume: exit %d\n%s", code, stderr)
	}
	// A changed input is refused...
	os.WriteFile(in, []byte("email\nzed@acme.example\nann@acme.example\nben@acme.example\n"), 0o600)
	code, _, stderr = run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--resume")
	if code != 2 || !strings.Contains(stderr, "changed") {
		t.Fatalf("changed input: exit %d\n%s", code, stderr)
	}
	// ...unless forced.
	code, _, stderr = run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--resume", "--force")
	if code != 0 {
		t.Fatalf("--force: exit %d\n%s", code, stderr)
	}
	if rows := readCSV(t, out); len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
}

// TestInterruptFinishesThenSecondQuits sends SIGTERM to a running tool: it
// must finish the rows in flight, write them, print the resume command and
// exit 3; a second signal while it finishes quits at once.
func TestInterruptFinishesThenSecondQuits(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	srv := fake(t, fakeapi.Options{Latency: 300 * time.Millisecond})
	in := emailsFile(t, 500)
	out := filepath.Join(t.TempDir(), "out.csv")
	cmd := exec.Command(bin, "precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0", "--concurrency", "10")
	cmd.Env = append(os.Environ(), "WEBEX_TOKEN="+token)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once rows are finishing (an event, not a guessed duration).
	waitFor(t, 20*time.Second, func() bool { return srv.Server.Stats().Prechecks >= 20 })
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != cli.ExitAborted {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "--resume") || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("no resume command:\n%s", stderr.String())
	}
	rows := readCSV(t, out)
	if len(rows) < 10 || len(rows) >= 500 {
		t.Fatalf("%d rows written", len(rows))
	}
	for _, r := range rows {
		// A row on the wire finishes; one handed to a worker but not yet
		// sent is not sent at all.
		if r["precheck_result"] != "passed" && r["precheck_result"] != "not_sent" {
			t.Fatalf("line %s: %s %s: rows in flight must finish", r["line"], r["precheck_result"], r["message"])
		}
	}

	// Second signal: out at once, even with slow requests in flight.
	slow := fake(t, fakeapi.Options{Latency: 20 * time.Second})
	cmd = exec.Command(bin, "precheck", "--base-url", slow.URL, "--input", in, "--output", filepath.Join(t.TempDir(), "o.csv"), "--rate", "0")
	cmd.Env = append(os.Environ(), "WEBEX_TOKEN="+token)
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, func() bool { return slow.Server.Stats().Requests >= 1 }) // requests in flight
	cmd.Process.Signal(syscall.SIGINT)
	// The second signal only once the first was taken: the tool says so.
	said := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "interrupted") {
				close(said)
				break
			}
		}
		_, _ = io.Copy(io.Discard, errPipe)
	}()
	select {
	case <-said:
	case <-time.After(20 * time.Second):
		t.Fatal("the first interrupt was not acknowledged")
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if !errors.As(err, &ee) || ee.ExitCode() != cli.ExitAborted || time.Since(start) > 3*time.Second {
		t.Fatalf("second interrupt: %v after %v", err, time.Since(start))
	}
}
