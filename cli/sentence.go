package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// sentenceHandler writes a log record as one short line for a person at a
// terminal: "warning: rate limited (429): the whole pool pauses 1s". The
// time, the request's path and its latency are left out (the person is
// watching; --log-format text keeps them), the level is a word, and the
// other attributes follow in brackets as "name value".
type sentenceHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	attrs []slog.Attr
}

func newSentenceHandler(w io.Writer, level slog.Leveler) *sentenceHandler {
	return &sentenceHandler{mu: &sync.Mutex{}, w: w, level: level}
}

func (h *sentenceHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *sentenceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup is not used by the tool; groups are flattened.
func (h *sentenceHandler) WithGroup(string) slog.Handler { return h }

func (h *sentenceHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(levelWord(r.Level))
	b.WriteString(": ")
	b.WriteString(r.Message)
	var parts []string
	add := func(a slog.Attr) bool {
		switch a.Key {
		case "wait":
			if d, ok := a.Value.Any().(time.Duration); ok && d > 0 {
				fmt.Fprintf(&b, " %s", d.Round(time.Millisecond))
			}
		case "method", "path", "latency", "attempt":
			// figures for a log kept for later; noise on a screen
		case "status":
			if !strings.Contains(r.Message, "("+a.Value.String()+")") {
				parts = append(parts, "HTTP "+a.Value.String())
			}
		default:
			parts = append(parts, a.Key+" "+a.Value.String())
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func levelWord(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "error"
	case l >= slog.LevelWarn:
		return "warning"
	case l >= slog.LevelInfo:
		return "info"
	}
	return "debug"
}
