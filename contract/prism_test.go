//go:build contract

package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// specPath is the official OpenAPI file in this repository, relative to this
// package's directory (go test's working directory).
const specPath = "../spec/webex-wholesale.json"

// The fixes the "not found" errors name, so a missing piece is fixed at once.
const (
	fixPrism = "install it with `bash .ci/prism.sh` (needs node and npm, e.g. `apt-get install nodejs npm`), or set PRISM_BIN"
	fixSpec  = "restore it with `git checkout -- spec/webex-wholesale.json` (see spec/README.md), or set WEBEX_SPEC"
)

// sharedPrism starts Stoplight Prism in mock mode on a free loopback port
// with the official Webex Wholesale spec, once for the whole test binary: the
// first test that asks starts it, TestMain stops it after the last test, and
// every test gets its own view whose violations() starts empty (whatever
// earlier tests left is drained first). Tests that use it must not run in
// parallel (none of this package's do): violations are read from one log
// stream.
//
// baseURL is e.g. "http://127.0.0.1:43127" (Prism serves the spec's paths at
// the root, so a client's base URL is just this).
//
// violations returns the request violations Prism logged since the previous
// call, one readable string each, e.g.
//
//	POST /wholesale/subscribers/validate: request.body.email Request body property email must be string
//
// Before reading, it makes a marker request and waits until Prism has logged
// it, so everything Prism logged for earlier requests is in. Response
// violations (Prism checking its own example against the schema, e.g. the
// precheck's `info` array) are not included. Attribution to "METHOD /path"
// relies on requests not overlapping; send them one at a time.
//
// It skips the test when the prism binary or the spec can't be found, unless
// PRISM_REQUIRED=1, then it fails at once, naming the fix.
func sharedPrism(t *testing.T) (baseURL string, violations func() []string) {
	t.Helper()
	p := sharedPrismServer(t)
	return p.baseURL, p.RequestViolations
}

var shared struct {
	once    sync.Once
	p       *prismServer
	stop    func()
	missing error // prism or the spec not found: skip (or fail with PRISM_REQUIRED=1)
	err     error // found but would not start: fail
}

func sharedPrismServer(t *testing.T) *prismServer {
	t.Helper()
	shared.once.Do(func() {
		bin, spec, err := prismInputs()
		if err != nil {
			shared.missing = err
			return
		}
		shared.p, shared.stop, shared.err = launchPrismRetry(t.Logf, bin, spec)
	})
	if shared.missing != nil {
		skipOrFail(t, shared.missing)
	}
	if shared.err != nil {
		t.Fatalf("prism did not start: %v", shared.err)
	}
	v := &prismServer{t: t, baseURL: shared.p.baseURL, log: shared.p.log}
	v.RequestViolations() // drain what earlier tests left
	from := len(v.log.lines())
	t.Cleanup(func() {
		if t.Failed() {
			ls := v.log.lines()[from:]
			if len(ls) > 200 {
				ls = ls[len(ls)-200:]
			}
			t.Logf("--- prism log of this test (last %d lines) ---\n%s", len(ls), strings.Join(ls, "\n"))
		}
	})
	return v
}

// stopSharedPrism stops the Prism of sharedPrism, if one was started.
func stopSharedPrism() {
	if shared.stop != nil {
		shared.stop()
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopSharedPrism()
	removeTool()
	os.Exit(code)
}

// prismServer is a running Prism plus its captured log, or one test's view
// of the shared one.
type prismServer struct {
	t       *testing.T
	baseURL string
	log     *lineLog
	mu      sync.Mutex
	read    int // log lines already scanned by RequestViolations
}

// syncSeq numbers flush markers across every view of a Prism, so that a
// marker is never one an earlier flush already logged.
var syncSeq atomic.Int64

// prismInputs finds the prism binary and the spec; when both are missing the
// error names both fixes.
func prismInputs() (bin, spec string, err error) {
	bin, binErr := findPrismBin()
	spec, specErr := findSpec()
	if err := errors.Join(binErr, specErr); err != nil {
		return "", "", err
	}
	return bin, spec, nil
}

// launchPrismRetry starts Prism, once more on a fresh port if need be, and
// returns it with the function that stops it.
func launchPrismRetry(logf func(string, ...any), bin, spec string) (*prismServer, func(), error) {
	timeout := 30 * time.Second
	if s := os.Getenv("PRISM_START_TIMEOUT"); s != "" {
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			timeout = d
		}
	}
	// Prism does not exit when its port is taken: it hangs silently. A port
	// grabbed between our probe and Prism's listen therefore shows up as a
	// readiness timeout; one retry on a fresh port covers that race.
	var lastErr error
	for attempt := 1; attempt <= 2; attempt++ {
		p, stop, err := launchPrism(logf, bin, spec, timeout)
		if err == nil {
			return p, stop, nil
		}
		lastErr = err
		if errors.Is(err, errExited) {
			break // a crash (bad spec, missing node) won't heal on another port
		}
		logf("prism start attempt %d failed: %v", attempt, err)
	}
	return nil, nil, lastErr
}

func skipOrFail(t *testing.T, err error) {
	t.Helper()
	if os.Getenv("PRISM_REQUIRED") == "1" {
		t.Fatalf("contract test cannot run (PRISM_REQUIRED=1): %v", err)
	}
	t.Skipf("skipping contract test: %v", err)
}

// launchPrism starts one Prism process and waits for its "listening" line.
// On failure the process is already stopped; on success the caller owns stop.
func launchPrism(logf func(string, ...any), bin, spec string, timeout time.Duration) (*prismServer, func(), error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), spec)
	cmd.Env = append(os.Environ(), "FORCE_COLOR=0", "NO_COLOR=1")
	// Own process group, so stopping it also stops anything it forked.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	lg := newLineLog()
	cmd.Stdout = lg
	cmd.Stderr = lg
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-exited
			}
		})
	}

	started := time.Now()
	want := fmt.Sprintf("Prism is listening on http://127.0.0.1:%d", port)
	if err := lg.waitFor(func(l string) bool { return strings.Contains(l, want) }, timeout, exited); err != nil {
		stop()
		if errors.Is(err, errExited) {
			err = fmt.Errorf("%w: %v", err, waitErr)
		}
		return nil, nil, fmt.Errorf("%w\n--- prism log ---\n%s", err, lg.tail(60))
	}
	logf("prism ready on port %d after %v (%s)", port, time.Since(started).Round(time.Millisecond), bin)
	return &prismServer{baseURL: fmt.Sprintf("http://127.0.0.1:%d", port), log: lg}, stop, nil
}

// Log returns everything Prism printed so far.
func (p *prismServer) Log() []string { return p.log.lines() }

// RequestViolations: see sharedPrism. Safe to call from subtests: a failed
// sync is reported with Errorf (not Fatalf) on the test that started Prism.
func (p *prismServer) RequestViolations() []string {
	p.t.Helper()
	if err := p.flush(); err != nil {
		p.t.Errorf("prism log sync: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	all := p.log.lines()
	var out []string
	current := "?"
	// Re-scan from the start so the current request is known even when the
	// previous call stopped between "Request received" and its violations.
	for i, line := range all {
		if m := receivedRE.FindStringSubmatch(line); m != nil {
			current = strings.ToUpper(m[1]) + " " + m[2]
			continue
		}
		if i < p.read {
			continue
		}
		if m := violationRE.FindStringSubmatch(line); m != nil && strings.HasPrefix(m[1], "request") {
			out = append(out, current+": "+m[1]+" "+m[2])
		}
	}
	p.read = len(all)
	return out
}

// flush sends a request to a path the spec doesn't have and waits until Prism
// has logged it. Prism logs a request's violations before it answers it and
// its log is one ordered stream, so once the marker shows, every earlier
// request's lines are in.
func (p *prismServer) flush() error {
	n := syncSeq.Add(1)
	path := fmt.Sprintf("/__contract_sync/%d", n)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(p.baseURL + path)
	if err != nil {
		return err
	}
	resp.Body.Close()
	marker := "get " + path + " "
	return p.log.waitFor(func(l string) bool { return strings.Contains(l, marker) }, 10*time.Second, nil)
}

var (
	ansiRE = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	// [4:26:22 PM] › [HTTP SERVER] post /wholesale/subscribers/validate ℹ  info      Request received
	receivedRE = regexp.MustCompile(`\[HTTP SERVER\] (\w+) (\S+) .*Request received$`)
	// [4:26:22 PM] ›     [VALIDATOR] ✖  error     Violation: request.body.email Request body property email must be string
	violationRE = regexp.MustCompile(`\[VALIDATOR\] .*?Violation: (\S*) (.*)$`)
)

// lineLog is an io.Writer that keeps complete lines and lets callers wait for one.
type lineLog struct {
	mu      sync.Mutex
	partial []byte
	ls      []string
	changed chan struct{} // closed and replaced on every new line
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{})} }

func (l *lineLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	added := false
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(ansiRE.ReplaceAllString(string(l.partial[:i]), ""), "\r ")
		l.ls = append(l.ls, line)
		l.partial = l.partial[i+1:]
		added = true
	}
	if added {
		close(l.changed)
		l.changed = make(chan struct{})
	}
	return len(b), nil
}

func (l *lineLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ls...)
}

func (l *lineLog) tail(n int) string {
	ls := l.lines()
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n")
}

var errExited = errors.New("prism exited before it was ready")

// waitFor waits until a line matches, the timeout passes, or exited is closed.
func (l *lineLog) waitFor(match func(string) bool, timeout time.Duration, exited <-chan struct{}) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	for {
		l.mu.Lock()
		for ; seen < len(l.ls); seen++ {
			if match(l.ls[seen]) {
				l.mu.Unlock()
				return nil
			}
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-exited:
			return errExited
		case <-deadline.C:
			return fmt.Errorf("no matching prism log line within %v", timeout)
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// findPrismBin: $PRISM_BIN, else <repo root>/.prism/node_modules/.bin/prism
// (where .ci/prism.sh installs it); the repo root is the nearest folder with
// go.mod. A Node.js launcher also needs node: without it Prism would die with
// a bare "exit status 127".
func findPrismBin() (string, error) {
	bin := os.Getenv("PRISM_BIN")
	if bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("PRISM_BIN=%s: %w; %s", bin, err, fixPrism)
		}
	} else {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		bin = filepath.Join(root, ".prism", "node_modules", ".bin", "prism")
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("prism not installed at %s; %s", bin, fixPrism)
		}
	}
	if head, err := readHead(bin, 128); err == nil && bytes.HasPrefix(head, []byte("#!")) && bytes.Contains(head, []byte("node")) {
		if _, err := exec.LookPath("node"); err != nil {
			return "", fmt.Errorf("%s is a Node.js script but node is not on PATH; install Node.js (e.g. `apt-get install nodejs npm`)", bin)
		}
	}
	return bin, nil
}

// repoRoot is the nearest folder above the working directory with go.mod.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.mod above " + wd)
		}
	}
}

// readHead returns up to n bytes from the start of a file.
func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	k, err := io.ReadFull(f, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return b[:k], nil
}

// findSpec: $WEBEX_SPEC, else the repository's spec/webex-wholesale.json.
func findSpec() (string, error) {
	p, env := specPath, os.Getenv("WEBEX_SPEC")
	if env != "" {
		p = env
	}
	if _, err := os.Stat(p); err != nil {
		if env != "" {
			return "", fmt.Errorf("WEBEX_SPEC=%s: %w", env, err)
		}
		return "", fmt.Errorf("the official OpenAPI file is missing: %w; %s", err, fixSpec)
	}
	return filepath.Abs(p)
}
