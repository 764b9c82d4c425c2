//go:build contract

package contract

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// variantsCSV exercises every request body the tool sends (see the file's
// "variant" column): email only; email + customerId; the provisioningId +
// customerInfo.primaryEmail variant; with and without provisioningParameters
// (each of its five fields); every package the tool can send; package,
// phone and extension wordings the tool normalises before sending. The
// `attendant_console` package is refused offline (it needs a base package)
// and is never sent, so it is not here.
const variantsCSV = "../testdata/contract/variants.csv"

const (
	contractToken = "contract-test"
	// onBehalfOf is a well-formed sub-partner org id (base64 of a Webex URI).
	onBehalfOf = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8wZTE4MmUxNS05ZmNhLTQ0NzgtYmEzOC1jNGFiMmUyN2FlZDA="
	// defaultCustomer fills the blank customerId cells when provisioning.
	defaultCustomer = "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2RlZmF1bHQ"
	// defaultPackage fills the blank package cells when provisioning, which
	// needs a package on every row; webex_meetings needs no phone number.
	defaultPackage = "webex_meetings"
)

// TestToolRequestsMatchContract builds the real binary and runs it against
// Prism serving the official spec, over a CSV holding every request variant
// the tool sends. Prism answers with the spec's examples, so every row must
// pass (precheck) or be provisioned (provision), and Prism must log no
// request violation: anything the tool sends that the published schema
// forbids fails here, with Prism's message naming the field.
func TestToolRequestsMatchContract(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	bin := buildTool(t)
	rows := countDataRows(t, variantsCSV)
	exampleID := exampleSubscriberID(t)

	// run runs one command of the tool over the variants file into a fresh
	// output (the journal lives beside it) and checks every row with want.
	run := func(t *testing.T, command string, args []string, want func(result) []string) {
		out := filepath.Join(t.TempDir(), "out.csv")
		args = append([]string{command, "--input", variantsCSV, "--output", out,
			"--base-url", baseURL, "--rate", "0", "--no-progress", "--log-level", "debug"}, args...)
		ran := runTool(t, bin, args...)
		res := readResults(t, out)
		checkRun(t, ran, violations(), res, rows, want)
	}
	precheck := func(t *testing.T, extra ...string) {
		run(t, "precheck", extra, func(r result) []string {
			var bad []string
			if r["precheck_result"] != "passed" {
				bad = append(bad, fmt.Sprintf("precheck_result %q (message %q)", r["precheck_result"], r["message"]))
			}
			// 100 comes from the example's info array: proves we read it.
			if r["info_codes"] != "100" {
				bad = append(bad, fmt.Sprintf("info_codes %q, want 100 (the example's info array)", r["info_codes"]))
			}
			if r["http_status"] != "200" {
				bad = append(bad, fmt.Sprintf("http_status %q", r["http_status"]))
			}
			return bad
		})
	}
	provision := func(t *testing.T, extra ...string) {
		args := append([]string{"--yes", "--customer-id", defaultCustomer, "--package", defaultPackage}, extra...)
		run(t, "provision", args, func(r result) []string {
			var bad []string
			if r["precheck_result"] != "passed" {
				bad = append(bad, fmt.Sprintf("precheck_result %q (message %q)", r["precheck_result"], r["message"]))
			}
			if r["provision_result"] != "provisioned" {
				bad = append(bad, fmt.Sprintf("provision_result %q (message %q)", r["provision_result"], r["message"]))
			}
			if r["subscriber_id"] != exampleID {
				bad = append(bad, fmt.Sprintf("subscriber_id %q, want the example's %q", r["subscriber_id"], exampleID))
			}
			if r["subscriber_status"] != "provisioned" {
				bad = append(bad, fmt.Sprintf("subscriber_status %q", r["subscriber_status"]))
			}
			return bad
		})
	}

	t.Run("precheck", func(t *testing.T) { precheck(t) })
	t.Run("precheck --on-behalf-of", func(t *testing.T) { precheck(t, "--on-behalf-of", onBehalfOf) })
	t.Run("provision", func(t *testing.T) { provision(t) })
	t.Run("provision --on-behalf-of", func(t *testing.T) { provision(t, "--on-behalf-of", onBehalfOf) })
}

// violationReport is the contract's verdict on what Prism logged: nil when
// it logged no request violation, else an error quoting every message (each
// names the offending field, e.g. "request.body.packages ... must be array").
// The end-to-end test and TestContractCatchesBrokenRequests both use it, so
// the latter proves the former would report a bad request.
func violationReport(vs []string) error {
	if len(vs) == 0 {
		return nil
	}
	return fmt.Errorf("Prism logged %d request violation(s) of the official spec:\n  %s", len(vs), strings.Join(vs, "\n  "))
}

// toolRun is one finished run of the binary.
type toolRun struct {
	args           []string
	code           int
	stdout, stderr string
}

// checkRun applies the end-to-end assertions: exit 0, one result per input
// row, rowProblems empty for every row, and no request violation. On failure
// it prints what Prism said and the tool's own log (its debug level shows
// every precheck body).
func checkRun(t *testing.T, run toolRun, vs []string, res []result, want int, rowProblems func(result) []string) {
	t.Helper()
	failed := false
	if err := violationReport(vs); err != nil {
		t.Errorf("the tool sent requests the official spec forbids: %v", err)
		failed = true
	}
	if run.code != 0 {
		t.Errorf("exit code %d, want 0", run.code)
		failed = true
	}
	if len(res) != want {
		t.Errorf("%d result rows, want %d (one per input row)", len(res), want)
		failed = true
	}
	for _, r := range res {
		if bad := rowProblems(r); len(bad) > 0 {
			t.Errorf("line %s (%s; %s): %s", r["line"], r["email"], r["variant"], strings.Join(bad, "; "))
			failed = true
		}
	}
	if failed {
		t.Logf("wholesale-batch %s\n--- stderr ---\n%s", strings.Join(run.args, " "), run.stderr)
	}
}

// buildTool builds the real binary from the module root (the parent of this
// package), once per test binary; TestMain removes it. With -race when this
// test binary has it: the race-enabled packages are then already in the
// build cache from `go test -race ./...` (.ci/run's previous step), so the
// build is little more than a link, not a cold compile of the standard
// library, and the runs also look for data races in the real binary.
func buildTool(t *testing.T) string {
	t.Helper()
	tool.once.Do(func() {
		dir, err := os.MkdirTemp("", "wholesale-batch-contract-")
		if err != nil {
			tool.err = err
			return
		}
		tool.dir = dir
		bin := filepath.Join(dir, "wholesale-batch")
		args := []string{"build", "-o", bin}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "..")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		start := time.Now()
		out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
		if err != nil {
			tool.err = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			return
		}
		t.Logf("built the tool in %v (race=%v)", time.Since(start).Round(time.Millisecond), raceEnabled)
		tool.bin = bin
	})
	if tool.err != nil {
		t.Fatal(tool.err)
	}
	return tool.bin
}

var tool struct {
	once     sync.Once
	dir, bin string
	err      error
}

// removeTool deletes what buildTool built.
func removeTool() {
	if tool.dir != "" {
		os.RemoveAll(tool.dir)
	}
}

// runTool runs the binary with WEBEX_TOKEN=contract-test and no terminal.
func runTool(t *testing.T, bin string, args ...string) toolRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEBEX_TOKEN=") && !strings.HasPrefix(kv, "GORACE=") {
			env = append(env, kv)
		}
	}
	// GORACE: a race-enabled binary otherwise sleeps 1 s before a clean exit.
	cmd.Env = append(env, "WEBEX_TOKEN="+contractToken, "GORACE=atexit_sleep_ms=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	run := toolRun{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ctx.Err() == nil:
		run.code = ee.ExitCode()
	default:
		t.Fatalf("wholesale-batch %s: %v\n--- stderr ---\n%s", strings.Join(args, " "), err, run.stderr)
	}
	t.Logf("wholesale-batch %s: exit %d in %v", args[0], run.code, time.Since(start).Round(time.Millisecond))
	return run
}

// result is one row of the result CSV by column name.
type result map[string]string

func readResults(t *testing.T, path string) []result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("result file: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("result file %s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("result file %s is empty", path)
	}
	var out []result
	for _, rec := range recs[1:] {
		r := result{}
		for i, name := range recs[0] {
			if _, dup := r[name]; !dup && i < len(rec) {
				r[name] = rec[i]
			}
		}
		out = append(out, r)
	}
	return out
}

func countDataRows(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: %d records, %v", path, len(recs), err)
	}
	return len(recs) - 1
}

// exampleSubscriberID is the id in the spec's example answer to POST
// /wholesale/subscribers, which Prism sends for every provisioning request.
func exampleSubscriberID(t *testing.T) string {
	t.Helper()
	spec, err := findSpec()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Example struct {
						ID string `json:"id"`
					} `json:"example"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("spec: %v", err)
	}
	id := doc.Paths[pathCreate]["post"].Responses["200"].Content["application/json"].Example.ID
	if id == "" {
		t.Fatalf("spec: no example id in POST %s 200", pathCreate)
	}
	return id
}
