package cli_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/lock"
)

// readmeBlock returns the commands of the README's sh block holding
// marker, each split into its arguments as a shell would (the blocks use
// single quotes only), without the leading "wholesale-batch".
func readmeBlock(t *testing.T, marker string) [][]string {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(raw), "```sh\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if !strings.Contains(block, marker) {
			continue
		}
		var cmds [][]string
		for _, line := range strings.Split(block, "\n") {
			if rest, ok := strings.CutPrefix(line, "wholesale-batch "); ok {
				cmds = append(cmds, shellWords(t, rest))
			}
		}
		return cmds
	}
	t.Fatalf("no sh block in the README holds %q", marker)
	return nil
}

// shellWords splits s at blanks, keeping 'quoted' text whole.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// argAfter is the value of flag in args, "" if absent.
func argAfter(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// sandboxRun runs args in the sandbox with no token in the environment;
// stdin, when given, is typed at a terminal.
func sandboxRun(t *testing.T, env map[string]string, stdin string, args ...string) (int, string) {
	t.Helper()
	var out, errs strings.Builder
	code := cli.Run(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(stdin), StdinTTY: stdin != "", Stdout: &out, Stderr: &errs,
		Getenv: func(k string) string { return env[k] },
	})
	return code, errs.String()
}

// counts tallies column over the rows of a result file.
func counts(t *testing.T, path, column string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, r := range readCSV(t, path) {
		got[r[column]]++
	}
	return got
}

// TestREADMESandboxFollowUp runs the README's "try the follow-up commands
// in the sandbox" block as printed, command by command through cli.Run,
// against one state file, and checks each command's counts: what a
// sandbox that forgets between runs (not_found 20 from the first status
// on) cannot pass. --rate 0 is added to every command, only to spare the
// test the 10/s pace.
func TestREADMESandboxFollowUp(t *testing.T) {
	cmds := readmeBlock(t, "--sandbox-state sandbox.json")
	sample, err := os.ReadFile("../samples/followup.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("samples", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("samples/followup.csv", sample, 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		command string
		stdin   string // typed at the prompt
		exit    int
		column  string
		want    map[string]int
	}{
		{"provision", "", cli.ExitPartial, "provision_result", map[string]int{"provisioned": 17, "pending": 3}},
		{"status", "", cli.ExitPartial, "provision_result", map[string]int{"provisioned": 17, "pending": 3}},
		{"resend-consent", "", cli.ExitOK, "consent_result", map[string]int{"sent": 3, "not_pending": 17}},
		{"remove", "20\n", cli.ExitOK, "remove_result", map[string]int{"removed": 20}},
		{"status", "", cli.ExitPartial, "provision_result", map[string]int{"not_found": 20}},
	}
	if len(cmds) != len(steps) {
		t.Fatalf("the README's block has %d commands, the test knows %d: %q", len(cmds), len(steps), cmds)
	}
	for i, st := range steps {
		args := cmds[i]
		if args[0] != st.command {
			t.Fatalf("command %d is %q, want %s", i+1, args, st.command)
		}
		code, stderr := sandboxRun(t, nil, st.stdin, append(args, "--rate", "0")...)
		if code != st.exit {
			t.Fatalf("%s: exit %d, want %d\n%s", strings.Join(args, " "), code, st.exit, stderr)
		}
		if strings.Contains(stderr, "starts empty") {
			t.Errorf("%s: says the sandbox starts empty although it keeps a state file:\n%s", args[0], stderr)
		}
		got := counts(t, argAfter(args, "--output"), st.column)
		if len(got) != len(st.want) {
			t.Errorf("%s: %s %v, want %v", strings.Join(args, " "), st.column, got, st.want)
		}
		for k, n := range st.want {
			if got[k] != n {
				t.Errorf("%s: %s %v, want %v", strings.Join(args, " "), st.column, got, st.want)
				break
			}
		}
		if st.command == "resend-consent" {
			for _, r := range readCSV(t, "consent.csv") {
				if (r["consent_result"] == "sent") != strings.Contains(r["email"], "+pending") {
					t.Errorf("line for %s: consent_result %s", r["email"], r["consent_result"])
				}
			}
		}
	}
	st, err := os.Stat("sandbox.json")
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("sandbox.json is %v, want 0600", st.Mode().Perm())
	}
	for _, f := range leftBehind(t, dir) {
		if strings.Contains(f, ".tmp-") || strings.HasSuffix(f, ".lock") {
			t.Errorf("%s left behind", f)
		}
	}
}

// TestREADMEWavesInSandbox: the waves walk-through's --match names
// customers the sandbox knows, so its rows are looked up and pass.
func TestREADMEWavesInSandbox(t *testing.T) {
	cmds := readmeBlock(t, "wave1-plan.csv")
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("master.csv", []byte("email,externalCustomerId,package,Department\n"+
		"ann@acme.example,ACME-01,webex_meetings,Pilot\n"+
		"bo@globex.example,GLOBEX-7,webex_meetings,Sales\n"+
		"cy@acme.example,ACME-01,webex_meetings,Sales\n"+
		"di@initech.example,initech-003,webex_meetings,Sales\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []map[string]int{
		{"passed": 3},      // wave 1 plan: ACME-01 and GLOBEX-7, not initech
		{"provisioned": 3}, // wave 1 (a sandbox without state: its own)
		{"provisioned": 1}, // wave 2: ACME-01 but the pilot
	}
	if len(cmds) != len(want) {
		t.Fatalf("the README's waves block has %d commands, the test knows %d", len(cmds), len(want))
	}
	for i, args := range cmds {
		args = append(args, "--sandbox", "--rate", "0")
		column := "precheck_result"
		if args[0] == "provision" {
			args, column = append(args, "--yes"), "provision_result"
		}
		code, stderr := sandboxRun(t, nil, "", args...)
		if code != cli.ExitOK {
			t.Fatalf("%q: exit %d\n%s", args, code, stderr)
		}
		got := counts(t, argAfter(args, "-o"), column)
		for k, n := range want[i] {
			if got[k] != n || len(got) != len(want[i]) {
				t.Errorf("%q: %s %v, want %v", args, column, got, want[i])
			}
		}
	}
}

// sandboxResults makes a result file of a sandbox provision without state.
func sandboxResults(t *testing.T, dir string) string {
	t.Helper()
	return sandboxResultsWith(t, dir, "")
}

// sandboxResultsWith is sandboxResults keeping the sandbox in state, if
// not "".
func sandboxResultsWith(t *testing.T, dir, state string) string {
	t.Helper()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("email,externalCustomerId,package\nann@acme.example,ACME-01,webex_meetings\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "results.csv")
	args := []string{"provision", "--sandbox", "--rate", "0", "--yes", "-i", in, "-o", out}
	if state != "" {
		args = append(args, "--sandbox-state", state)
	}
	if code, stderr := sandboxRun(t, nil, "", args...); code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	return out
}

// TestSandboxStartsEmptyNote: a sandbox run of a command that looks
// subscribers up says once, without a state file, that it starts empty
// and how to keep its state; with one, or quiet, or for provision, not.
func TestSandboxStartsEmptyNote(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	results := sandboxResults(t, dir)
	for i, c := range []struct {
		name  string
		env   map[string]string
		args  []string
		notes int
	}{
		{"status", nil, []string{"status"}, 1},
		{"resend-consent", nil, []string{"resend-consent", "--yes"}, 1},
		{"remove", nil, []string{"remove", "--yes"}, 1},
		{"provision makes, does not look up", nil, []string{"provision", "--yes"}, 0},
		{"status with a state file", nil, []string{"status", "--sandbox-state", filepath.Join(dir, "state.json")}, 0},
		{"status with the variable", map[string]string{"WHOLESALE_BATCH_SANDBOX_STATE": filepath.Join(dir, "env.json")}, []string{"status"}, 0},
		{"quiet status", nil, []string{"status", "-q"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "out"+string(rune('a'+i))+".csv")
			args := append(c.args, "--sandbox", "--rate", "0", "-i", results, "-o", out)
			_, stderr := sandboxRun(t, c.env, "", args...)
			if n := strings.Count(stderr, "each sandbox run starts empty"); n != c.notes {
				t.Errorf("the note %d times, want %d:\n%s", n, c.notes, stderr)
			}
			if c.notes > 0 && !strings.Contains(stderr, "--sandbox-state FILE") {
				t.Errorf("the note does not say how to keep the state:\n%s", stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "env.json")); err != nil {
		t.Errorf("$WHOLESALE_BATCH_SANDBOX_STATE was not used: %v", err)
	}
}

// TestSandboxStateRefused: each state file a run cannot use refuses it
// (exit 2) before anything is sent, naming the fix, and leaves the file
// and the output as they were.
func TestSandboxStateRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	results := sandboxResults(t, dir)
	for _, c := range []struct {
		name    string
		content string // the state file's, "" for none
		args    []string
		hold    bool // another run holds the state file
		want    string
	}{
		{name: "half written", content: `{"format": "wholesale-batch fakeapi state", "vers`, want: "delete it to start the sandbox over"},
		{name: "another JSON file", content: `{"client_id": "x"}`, want: "delete it to start the sandbox over"},
		{name: "a later version", content: `{"format": "wholesale-batch fakeapi state", "version": 99}`, want: "version 99"},
		{name: "in use by another run", hold: true, want: "is in use by"},
		{name: "its directory is missing", args: []string{"--sandbox", "--sandbox-state", filepath.Join(dir, "nodir", "s.json")}, want: "nodir"},
		{name: "without --sandbox", args: []string{"--sandbox-state", "x.json", "--token-file", results}, want: "give it with --sandbox"},
	} {
		t.Run(c.name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "sandbox.json")
			if c.content != "" {
				if err := os.WriteFile(state, []byte(c.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if c.hold {
				l, err := lock.Acquire(state + ".lock")
				if err != nil {
					t.Fatal(err)
				}
				defer l.Release()
			}
			args := c.args
			if args == nil {
				args = []string{"--sandbox", "--sandbox-state", state}
			}
			out := filepath.Join(t.TempDir(), "status.csv")
			code, stderr := sandboxRun(t, nil, "", append([]string{"status", "-i", results, "-o", out}, args...)...)
			if code != cli.ExitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want 2 saying %q:\n%s", code, c.want, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a refused run wrote its output")
			}
			got, err := os.ReadFile(state)
			if c.content == "" {
				if err == nil {
					t.Error("a refused run made the state file")
				}
			} else if string(got) != c.content {
				t.Errorf("a refused run changed the state file: %q", got)
			}
		})
	}
}

// TestSandboxStateFile: a missing file is made 0600 at the end, a wider one
// is narrowed, the flag wins over the variable, and nothing but the file
// is left beside it.
func TestSandboxStateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	results := sandboxResults(t, dir)
	states := t.TempDir()
	flag, env := filepath.Join(states, "flag.json"), filepath.Join(states, "env.json")
	run := func() {
		t.Helper()
		code, stderr := sandboxRun(t, map[string]string{"WHOLESALE_BATCH_SANDBOX_STATE": env}, "",
			"status", "--sandbox", "--sandbox-state", flag, "--rate", "0", "-i", results, "-o", filepath.Join(dir, "s.csv"), "--overwrite")
		if code != cli.ExitPartial { // not_found: this sandbox never saw ann
			t.Fatalf("exit %d\n%s", code, stderr)
		}
	}
	run()
	if st, err := os.Stat(flag); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the state file: %v %v", st, err)
	}
	if err := os.Chmod(flag, 0o644); err != nil {
		t.Fatal(err)
	}
	run()
	if st, _ := os.Stat(flag); st.Mode().Perm() != 0o600 {
		t.Errorf("a 0644 state file stayed %v", st.Mode().Perm())
	}
	if got := leftBehind(t, states); len(got) != 1 || filepath.Base(got[0]) != "flag.json" {
		t.Errorf("beside the state: %v (the variable's file must not be made when the flag is given)", got)
	}
}

// TestSandboxStateNotSaved: a state that cannot be written back at the end
// (its directory is gone) is said on stderr, and the rows are still
// written.
func TestSandboxStateNotSaved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	states := filepath.Join(t.TempDir(), "states")
	if err := os.Mkdir(states, 0o700); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("email,externalCustomerId,package\nann@acme.example,ACME-01,webex_meetings\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "results.csv")
	stdin, typed := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int)
	go func() {
		done <- cli.Run(context.Background(), []string{"provision", "--sandbox", "--sandbox-state", filepath.Join(states, "s.json"), "--rate", "0", "-i", in, "-o", out},
			cli.Env{Stdin: stdin, StdinTTY: true, Stdout: io.Discard, Stderr: stderr, Getenv: func(string) string { return "" }})
	}()
	// At the prompt the state is loaded and locked: its directory goes.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "?"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt:\n%s", stderr)
		}
	}
	if err := os.RemoveAll(states); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(typed, "y\n"); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "was not saved") {
		t.Errorf("a failed save is not said:\n%s", stderr)
	}
	if got := counts(t, out, "provision_result"); got["provisioned"] != 1 {
		t.Errorf("results: %v", got)
	}
}

// TestSandboxStateKillNine: a run killed with SIGKILL in the middle leaves
// the state of the run before it, whole, and its lock goes with it: the
// next run reads that state.
func TestSandboxStateKillNine(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "sandbox.json")
	first := sandboxResultsWith(t, dir, state)
	before, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("email,externalCustomerId,package\n")
	for i := range 400 {
		fmt.Fprintf(&b, "user%d@globex.example,GLOBEX-7,webex_meetings\n", i)
	}
	in := filepath.Join(dir, "many.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "provision", "--sandbox", "--sandbox-state", state, "--rate", "50", "--yes", "-i", in, "-o", filepath.Join(dir, "many-out.csv"))
	cmd.Env = append(os.Environ(), "WHOLESALE_BATCH_SANDBOX_STATE=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Killed once it holds the state and has sent a while.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "many-out.csv.journal")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run never started")
		}
	}
	time.Sleep(500 * time.Millisecond)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if after, _ := os.ReadFile(state); string(after) != string(before) {
		t.Fatalf("a killed run changed the state file:\n%s", after)
	}
	out := filepath.Join(dir, "status.csv")
	if code, stderr := sandboxRun(t, nil, "", "status", "--sandbox", "--sandbox-state", state, "--rate", "0", "-i", first, "-o", out); code != cli.ExitOK {
		t.Fatalf("status after the kill: exit %d\n%s", code, stderr)
	}
	if got := counts(t, out, "provision_result"); got["provisioned"] != 1 {
		t.Errorf("status after the kill: %v", got)
	}
}
