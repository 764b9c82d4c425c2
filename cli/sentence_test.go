package cli

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"
	"time"
)

func TestSentenceHandler(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		level slog.Level
		msg   string
		attrs []any
		want  string
	}{
		// the 429 of the pool: the wait joins the sentence, the request's figures stay out
		{slog.LevelWarn, "rate limited (429): the whole pool pauses",
			[]any{"method", "POST", "path", "/wholesale/subscribers/validate", "attempt", 1, "status", 429, "latency", time.Millisecond, "wait", time.Second},
			"warning: rate limited (429): the whole pool pauses 1s\n"},
		// a status the message does not say is kept, and so is an error
		{slog.LevelInfo, "retrying", []any{"status", 503, "error", errors.New("reset").Error(), "wait", 250 * time.Millisecond},
			"info: retrying 250ms (HTTP 503, error reset)\n"},
		// nothing to add: the message alone
		{slog.LevelError, "could not read the input ahead", nil, "error: could not read the input ahead\n"},
	} {
		var b bytes.Buffer
		slog.New(newSentenceHandler(&b, slog.LevelDebug)).Log(t.Context(), c.level, c.msg, c.attrs...)
		if b.String() != c.want {
			t.Errorf("%s: got %q, want %q", c.msg, b.String(), c.want)
		}
	}
	var b bytes.Buffer
	slog.New(newSentenceHandler(&b, slog.LevelWarn)).Info("retrying")
	if b.Len() != 0 {
		t.Errorf("below the level: %q", b.String())
	}
}

func TestTimeLabels(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		elapsed     time.Duration
		done, total int
		want        string
	}{
		{0, 0, 10, "0s elapsed"},                                  // nothing done: no guess
		{10 * time.Second, 5, 10, "10s elapsed, 10s left"},        // half way
		{130 * time.Second, 10, 40, "2m10s elapsed, 6m30s left"},  // seconds under ten minutes
		{40 * time.Minute, 1000, 4000, "40m elapsed, 2h00m left"}, // minutes above
		{3 * time.Second, 10, 10, "3s elapsed"},                   // done: nothing left
	} {
		if got := timeLabels(c.elapsed, c.done, c.total); got != c.want {
			t.Errorf("timeLabels(%s, %d, %d) = %q, want %q", c.elapsed, c.done, c.total, got, c.want)
		}
	}
}

// The console takes the bar off its line before another line and draws
// it again after; a partial line (a prompt) waits for its end.
func TestConsoleKeepsTheBarBelow(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := newConsole(&out)
	bar := c.bar()
	bar.Write([]byte("\r 10% |#  | (1/10)"))
	c.Write([]byte("warning: something\n"))
	want := "\r 10% |#  | (1/10)" + "\r\x1b[2K" + "warning: something\n" + "\r 10% |#  | (1/10)"
	if out.String() != want {
		t.Fatalf("got %q\nwant %q", out.String(), want)
	}
	out.Reset()
	bar.Write([]byte("\r                 \r")) // the bar clears itself
	c.Write([]byte("rows 10\n"))
	if out.String() != "\r                 \r"+"rows 10\n" {
		t.Fatalf("after the bar cleared: %q", out.String())
	}
}

func TestColourOutcomes(t *testing.T) {
	t.Parallel()
	in := "rows              5\n  passed          2\n  failed          1\n  provision pending  1\nrequests          9 (0 retries)\n"
	want := "rows              5\n  \x1b[32mpassed\x1b[0m          2\n  \x1b[31mfailed\x1b[0m          1\n  provision \x1b[33mpending\x1b[0m  1\nrequests          9 (0 retries)\n"
	if got := colourOutcomes(in); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, c := range []struct {
		tty     bool
		noColor string
		want    bool
	}{{true, "", true}, {true, "1", false}, {false, "", false}} {
		env := Env{StderrTTY: c.tty, Getenv: func(k string) string {
			if k == "NO_COLOR" {
				return c.noColor
			}
			return ""
		}}
		if got := colourWanted(env); got != c.want {
			t.Errorf("tty=%v NO_COLOR=%q: %v", c.tty, c.noColor, got)
		}
	}
}
