package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// screen plays bytes the way a terminal shows them: a carriage return
// goes back to the line's start, ESC[2K erases the line, a line feed moves
// down; what is written overwrites. It returns the lines left on screen.
func screen(b []byte) []string {
	lines := [][]rune{nil}
	col := 0
	for i := 0; i < len(b); {
		switch {
		case b[i] == '\r':
			col = 0
			i++
		case b[i] == '\n':
			lines = append(lines, nil)
			col = 0
			i++
		case bytes.HasPrefix(b[i:], []byte("\x1b[2K")):
			lines[len(lines)-1] = nil
			i += 4
		case b[i] == 0x1b: // other escapes (colour): skip to the final letter
			j := i + 1
			for j < len(b) && !(b[j] >= 'A' && b[j] <= 'z' && b[j] != '[') {
				j++
			}
			i = j + 1
		default:
			r, n := []rune(string(b[i:min(i+4, len(b))])), 1
			if len(r) > 0 {
				n = len(string(r[0]))
			}
			cur := lines[len(lines)-1]
			for len(cur) <= col {
				cur = append(cur, ' ')
			}
			cur[col] = r[0]
			lines[len(lines)-1] = cur
			col++
			i += n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(string(l), " ")
	}
	return out
}

// isBar tells a frame of the progress bar from other lines.
func isBar(l string) bool { return strings.Contains(l, "rows/s") || strings.Contains(l, "precheck ·") }

// A run in a terminal with 429s: every log line and the summary stand on
// lines of their own, never inside the bar, and no frozen bar stays on
// screen once the run is over.
func TestLogLinesNeverLandInsideTheBar(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{RateLimit: 20, Latency: 10 * time.Millisecond})
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"precheck", "--base-url", srv.URL, "--input", emailsFile(t, 30),
		"--output", filepath.Join(t.TempDir(), "o.csv"), "--rate", "40", "--log-level", "info"},
		cli.Env{Stdout: &stdout, Stderr: &stderr, StderrTTY: true, Getenv: func(string) string { return token }})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	raw := stderr.Bytes()
	if !bytes.Contains(raw, []byte("warning: rate limited (429)")) {
		t.Fatalf("no 429 warning as a sentence in the run:\n%q", raw)
	}
	if !bytes.Contains(raw, []byte(" elapsed")) {
		t.Fatalf("the bar never drew its labelled times:\n%q", raw)
	}
	for _, l := range screen(raw) {
		if isBar(l) {
			t.Errorf("a bar stays on screen after the run: %q", l)
		}
		if strings.Contains(l, "time=") || strings.Contains(l, "level=") {
			t.Errorf("a logfmt line in a terminal: %q", l)
		}
	}
	// Frame by frame: each write of a log line must start on a clean line.
	var shown []byte
	for _, chunk := range bytes.SplitAfter(raw, []byte("\n")) {
		shown = append(shown, chunk...)
		lines := screen(shown)
		for _, l := range lines[:len(lines)-1] { // every finished line
			if isBar(l) && (strings.Contains(l, "warning:") || strings.Contains(l, "info:")) {
				t.Fatalf("a log line inside the bar: %q", l)
			}
		}
	}
}

// Out of a terminal, logs stay logfmt for a collector, and --log-format
// text keeps logfmt in a terminal too.
func TestLogFormatOutsideATerminal(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		tty  bool
		args []string
		want string
	}{
		{"pipe", false, nil, "level=WARN"},                                               // a pipe or cron: logfmt
		{"text", true, []string{"--log-format", "text"}, "level=WARN"},                   // asked for
		{"json", true, []string{"--log-format", "json"}, `"level":"WARN"`},               // asked for
		{"terminal", true, nil, "warning: rate limited (429): the whole pool pauses 1s"}, // the default
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := fake(t, fakeapi.Options{RateLimit: 2})
			var stdout, stderr bytes.Buffer
			args := append([]string{"precheck", "--base-url", srv.URL, "--input", emailsFile(t, 3),
				"--output", filepath.Join(t.TempDir(), "o.csv"), "--rate", "40", "--no-progress"}, c.args...)
			code := cli.Run(context.Background(), args,
				cli.Env{Stdout: &stdout, Stderr: &stderr, StderrTTY: c.tty, Getenv: func(string) string { return token }})
			if code != 0 || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("%q: exit %d, want %q in\n%s", c.args, code, c.want, stderr.String())
			}
		})
	}
}
