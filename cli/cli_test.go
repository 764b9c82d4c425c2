package cli_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

const token = "test-token-3f9a"

// run executes the tool in-process and returns its exit code and stderr.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
	})
	return code, stdout.String(), stderr.String()
}

func fake(t *testing.T, opt fakeapi.Options) *fakeapi.Running {
	t.Helper()
	if opt.Token == "" {
		opt.Token = token
	}
	srv, err := fakeapi.Start(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// emailsFile writes an input of n rows, user0@acme.example onwards.
func emailsFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("email\n")
	for i := range n {
		fmt.Fprintf(&b, "user%d@acme.example\n", i)
	}
	return writeFile(t, "in.csv", b.String())
}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// TestSandboxSampleGivesItsIntendedOutcomes runs the README's first command
// and checks each row against the outcome the sample file says it shows.
func TestSandboxSampleGivesItsIntendedOutcomes(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "r.csv")
	code, _, stderr := run(t, nil, "precheck", "--sandbox", "--input", "../samples/subscribers.csv", "--output", out, "--max-retries", "2")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d, want 1 (the sample mixes outcomes)\n%s", code, stderr)
	}
	sample := readCSV(t, "../samples/subscribers.csv")
	got := readCSV(t, out)
	if len(got) != len(sample) {
		t.Fatalf("%d result rows for %d input rows", len(got), len(sample))
	}
	for i, s := range sample {
		want := strings.FieldsFunc(s["expected"], func(r rune) bool { return r == ':' || r == ' ' })[0]
		if got[i]["precheck_result"] != want {
			t.Errorf("line %s (%s): %s (%s), want %s", got[i]["line"], s["email"], got[i]["precheck_result"], got[i]["message"], s["expected"])
		}
		if got[i]["line"] != itoa(i+2) {
			t.Errorf("row %d has line %s", i, got[i]["line"])
		}
	}
	for _, want := range []string{"passed", "error 10022", "requests", "elapsed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("summary lacks %q:\n%s", want, stderr)
		}
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	good := writeFile(t, "good.csv", "email,package\nann@acme.example,webex_meetings\nben@acme.example,webex_meetings\n")
	mixed := writeFile(t, "mixed.csv", "email\nann@acme.example\nben+exists@acme.example\n")
	noEmail := writeFile(t, "noemail.csv", "name,phone\nAnn,1\n")
	var fb, eb strings.Builder
	fb.WriteString("email\n")
	eb.WriteString("email\n")
	for i := range 30 {
		fmt.Fprintf(&fb, "u%d+forbidden@acme.example\n", i)
		fmt.Fprintf(&eb, "u%d+e500@acme.example\n", i)
	}
	forbidden := writeFile(t, "forbidden.csv", fb.String())
	broken := writeFile(t, "broken.csv", eb.String())
	env := map[string]string{"WEBEX_TOKEN": token}
	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		want     int
		stderr   string
		noOutput bool // a refused run leaves no output file
	}{
		// every row passes
		{"all pass", env, []string{"--input", good}, cli.ExitOK, "passed", false},
		// one row fails: the run finished, partially
		{"partial", env, []string{"--input", mixed}, cli.ExitPartial, "failed", false},
		// no token anywhere
		{"no token", nil, []string{"--input", good}, cli.ExitUsage, "no API token", true},
		// the file has no email column
		{"no email column", env, []string{"--input", noEmail}, cli.ExitUsage, "no email column", true},
		// the input does not exist
		{"missing input", env, []string{"--input", "/nonexistent/x.csv"}, cli.ExitUsage, "cannot read the input", true},
		// an unknown flag
		{"bad flag", env, []string{"--input", good, "--frobnicate"}, cli.ExitUsage, "unknown flag --frobnicate", true},
		// every request refused with 403: the token lacks scopes
		{"403 burst", env, []string{"--input", forbidden, "--concurrency", "1"}, cli.ExitAborted, "spark-admin:wholesale_subscribers_read", false},
		// the endpoint fails every request: the breaker stops hammering it
		{"breaker", env, []string{"--input", broken, "--max-retries", "0", "--rate", "0"}, cli.ExitAborted, "ended in error", false},
		// the server rejects our token: the run stops at once
		{"401", map[string]string{"WEBEX_TOKEN": "wrong"}, []string{"--input", good}, cli.ExitAborted, "rejected the token", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.csv")
			args := append([]string{"precheck", "--base-url", srv.URL, "--output", out, "--no-progress"}, c.args...)
			code, _, stderr := run(t, c.env, args...)
			if code != c.want {
				t.Fatalf("exit %d, want %d\n%s", code, c.want, stderr)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr)
			}
			if _, err := os.Stat(out); c.noOutput != os.IsNotExist(err) {
				t.Errorf("output exists = %v, want %v", err == nil, !c.noOutput)
			}
			if strings.Contains(stderr, token) {
				t.Errorf("stderr shows the token")
			}
		})
	}
}

func TestUnauthorizedStopsAtOnceAndWritesFinishedRows(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	var b strings.Builder
	b.WriteString("email\n")
	for i := range 200 {
		b.WriteString("u" + fmtInt(i) + "@acme.example\n")
	}
	in := writeFile(t, "in.csv", b.String())
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": "expired"}, "precheck", "--base-url", srv.URL,
		"--input", in, "--output", out, "--rate", "0", "--concurrency", "4")
	if code != cli.ExitAborted {
		t.Fatalf("exit %d, want 3\n%s", code, stderr)
	}
	if n := srv.Server.Stats().Unauthorized; n > 8 {
		t.Errorf("%d requests answered 401: the run should stop after the first", n)
	}
	rows := readCSV(t, out)
	if len(rows) == 0 || len(rows) > 8 {
		t.Fatalf("%d rows written; want the rows in flight only", len(rows))
	}
	rejected := 0
	for _, r := range rows {
		switch {
		case r["precheck_result"] == "error" && strings.Contains(r["message"], "token"):
			rejected++
		case r["precheck_result"] == "not_sent": // handed to a worker, stopped before its turn
		default:
			t.Errorf("line %s: %s %q", r["line"], r["precheck_result"], r["message"])
		}
	}
	if rejected == 0 {
		t.Error("no row says the token was rejected")
	}
}

func TestNonTLSBaseURLRefused(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", "http://api.example.com/v1",
		"--input", in, "--output", filepath.Join(t.TempDir(), "o.csv"))
	if code != cli.ExitUsage || !strings.Contains(stderr, "not HTTPS") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestTokenFile(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	tf := writeFile(t, "tok", token+"\n")
	out := filepath.Join(t.TempDir(), "o.csv")
	if code, _, stderr := run(t, nil, "precheck", "--base-url", srv.URL, "--token-file", tf, "--input", in, "--output", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if err := os.Chmod(tf, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, nil, "precheck", "--base-url", srv.URL, "--token-file", tf, "--input", in, "--output", out, "--overwrite")
	if code != cli.ExitUsage || !strings.Contains(stderr, "chmod 600") {
		t.Fatalf("world-readable token file: exit %d: %s", code, stderr)
	}
}

func TestStdinToStdout(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"precheck", "--base-url", srv.URL, "--input", "-", "--output", "-"}, cli.Env{
		Stdin: strings.NewReader("email\nann@acme.example\n"), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return token },
	})
	if code != 0 || !strings.HasPrefix(stdout.String(), "precheck_result,message,input_email,line,email,") || !strings.Contains(stdout.String(), "passed,Provisioning preCheck validation successful.,ann@acme.example,2,ann@acme.example,") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}

func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"precheck", "--help"}, {"validate", "-h"}, {"provision", "--help"},
		{"help", "provision"}, {"completion", "--help"}, {"version", "--help"}, {"help", "help"}} {
		code, stdout, stderr := run(t, nil, args...)
		if code != 0 || !strings.Contains(stdout, "wholesale-batch") || !strings.Contains(stdout, "Examples:") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	// help, --help and -h are one screen: the main usage, on stdout.
	_, main, _ := run(t, nil, "help")
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		if _, stdout, _ := run(t, nil, args...); stdout != main {
			t.Errorf("%v differs from help:\n%s", args, stdout)
		}
	}
	for _, want := range []string{"precheck", "validate", "provision", "completion", "version", "Exit codes: 0"} {
		if !strings.Contains(main, want) {
			t.Errorf("main usage lacks %q:\n%s", want, main)
		}
	}
	if _, a, _ := run(t, nil, "help", "provision"); !strings.Contains(a, "--max-provision N") {
		t.Errorf("help provision:\n%s", a)
	} else if _, b, _ := run(t, nil, "provision", "--help"); a != b {
		t.Errorf("help provision and provision --help differ")
	}
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		code, stdout, _ := run(t, nil, args...)
		if code != 0 || stdout != "wholesale-batch "+cli.Version+"\n" || cli.Version == "" {
			t.Errorf("%v: %d %q", args, code, stdout)
		}
	}
	// No command at all: the main usage on stderr, exit 2.
	if code, stdout, stderr := run(t, nil); code != cli.ExitUsage || stdout != "" || !strings.Contains(stderr, "Usage:") {
		t.Errorf("no command: exit %d, stderr %q", code, stderr)
	}
}

// TestHelpGroupsFlags: flags by purpose, the required ones first, with
// placeholders that say what to give.
func TestHelpGroupsFlags(t *testing.T) {
	t.Parallel()
	_, help, _ := run(t, nil, "provision", "--help")
	order := []string{"Input and output:\n  -i, --input FILE ", "  -o, --output FILE ", "--delimiter CHAR", "Provisioning:\n  -y, --yes ",
		"--plan-max-age DURATION", "Row values:", "API and rate:", "--rate N ", "--timeout DURATION", "Reports and logs:", "-q, --quiet",
		"Resume:", "--resume", "Examples:", "Exit codes:"}
	at := 0
	for _, want := range order {
		i := strings.Index(help[at:], want)
		if i < 0 {
			t.Fatalf("provision --help lacks %q after offset %d:\n%s", want, at, help)
		}
		at += i
	}
	if !strings.Contains(help, "(required unless --plan)") || !strings.Contains(help, "(default 30s)") {
		t.Errorf("provision --help does not say what is required or the defaults:\n%s", help)
	}
	_, help, _ = run(t, nil, "validate", "--help")
	for _, absent := range []string{"API and rate:", "--rate", "--yes", "\n      --resume"} {
		if strings.Contains(help, absent) {
			t.Errorf("validate --help shows %q", absent)
		}
	}
}

// TestUsageErrors: a mistyped command or flag is exit 2 with one line on
// stderr that names the fix; nothing on stdout.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"precheck", "--inptu", in}, "unknown flag --inptu: did you mean --input? (see wholesale-batch precheck --help)"},
		{[]string{"validate", "-i", in, "-o", out, "--exel"}, "did you mean --excel?"},
		{[]string{"precheckk", "--input", in}, `unknown command "precheckk": did you mean precheck?`},
		{[]string{"provison"}, "did you mean provision?"},
		{[]string{"frobnicate"}, "the commands are precheck, validate, provision, status, resend-consent, remove, export, update, sync and auth"},
		{[]string{"subscribers.csv"}, "the file goes in --input"},
		{[]string{"help", "nosuch"}, `unknown command "nosuch"`},
		{[]string{"validate", "-i", in, "-o", out, "--rate", "5"}, "--rate is a flag of export, precheck, provision, remove, resend-consent, status, sync and update, not of validate"},
		{[]string{"precheck", "--yes"}, "--yes is a flag of provision, remove, resend-consent, sync and update, not of precheck"},
		{[]string{"--rate", "5"}, "flags go after the command: wholesale-batch precheck --rate"},
		{[]string{"precheck", "-input", in}, "long flags take two dashes: --input"},
		{[]string{"precheck", "-rate=5", "-i", in}, "long flags take two dashes: --rate=5"},
		{[]string{"precheck", "-version"}, "unknown flag -version: it goes before any command: wholesale-batch --version"},
		{[]string{"precheck", "-inptu", in}, "unknown flag -inptu: did you mean --input?"},
		{[]string{"precheck", "-qx"}, "unknown flag -x (see"},
		{[]string{"completion", "tcsh"}, `no completion script for "tcsh"`},
		{[]string{"completion"}, "completion needs the shell"},
		{[]string{"precheck", "--input"}, "--input needs a value: --input FILE"},
		{[]string{"precheck", "-i", in, "--rate", "fast"}, `invalid value "fast" for --rate: want a number`},
		{[]string{"precheck", "-i", in, "--timeout", "30"}, `invalid value "30" for --timeout: want a duration`},
		{[]string{"validate", "-i", in, "-o", out, "--delimiter", "x"}, `invalid value "x" for --delimiter: "x" is not a delimiter we read`},
		{[]string{"precheck", "--token", "abc"}, "set WEBEX_TOKEN or use --token-file FILE"},
		{[]string{"validate", "-i", in, "-o", out, "stray.csv"}, `unexpected argument "stray.csv"`},
		{[]string{"version", "extra"}, "wholesale-batch: unknown command"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(t, nil, c.args...)
		if code != cli.ExitUsage || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q", c.args, code, stdout)
		}
		if !strings.HasPrefix(stderr, "wholesale-batch: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: stderr %q, want one line with %q", c.args, stderr, c.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused run created the output")
	}
}

// TestShortAliases: -i, -o, -q (and -y, with provision) do what the long
// flags do.
func TestShortAliases(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "in.csv", "email\nann@acme.example\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, nil, "validate", "-i", in, "-o", out, "-q")
	if code != cli.ExitOK || stderr != "" || len(readCSV(t, out)) != 1 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// -y answers the prompt in advance: without it, no terminal means exit 2.
	code, _, stderr = run(t, nil, "provision", "--sandbox", "-i", in, "-o", filepath.Join(t.TempDir(), "p.csv"), "--customer-id", "c1", "--package", "webex_meetings", "-y", "-q")
	if code != cli.ExitOK {
		t.Fatalf("provision -y: exit %d\n%s", code, stderr)
	}
}

// TestCompletion: cobra's completion scripts, and the completion of flags
// and their values that they call.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, stdout, stderr := run(t, nil, "completion", shell)
		if code != 0 || !strings.Contains(stdout, "wholesale-batch") || len(stdout) < 500 {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, len(stdout), stderr)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "prov"}, "provision"},
		{[]string{"__complete", "precheck", "--inp"}, "--input"},
		{[]string{"__complete", "precheck", "--log-level", ""}, "debug"},
		{[]string{"__complete", "validate", "--package", "webex_c"}, "webex_calling"},
	} {
		code, stdout, _ := run(t, nil, c.args...)
		if code != 0 || !strings.Contains(stdout, c.want) {
			t.Errorf("%q: exit %d, stdout %q", c.args, code, stdout)
		}
	}
}

func TestProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{Latency: 50 * time.Millisecond})
	in := writeFile(t, "in.csv", "email\na@acme.example\nb@acme.example\nc@acme.example\nd@acme.example\n")
	for _, tty := range []bool{true, false} {
		var stdout, stderr bytes.Buffer
		code := cli.Run(context.Background(), []string{"precheck", "--base-url", srv.URL, "--input", in,
			"--output", filepath.Join(t.TempDir(), "o.csv"), "--concurrency", "1", "--rate", "0"},
			cli.Env{Stdout: &stdout, Stderr: &stderr, StderrTTY: tty, Getenv: func(string) string { return token }})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		bar := strings.Contains(stderr.String(), "/4")
		if bar != tty {
			t.Errorf("terminal=%v: progress bar shown=%v\n%q", tty, bar, stderr.String())
		}
	}
}
