package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("%q is not debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger logs to stderr in the chosen format: --log-format auto (the
// default) writes short sentences in a terminal and logfmt elsewhere, so a
// person reads "warning: rate limited (429): …" and a log collector still
// gets key=value. The token never reaches it: no log line is built from
// headers or the config's secrets.
func newLogger(w io.Writer, cfg *config, terminal bool) *slog.Logger {
	level, _ := parseLevel(cfg.logLevel)
	if cfg.quiet && level < slog.LevelError {
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	switch {
	case cfg.logFormat == "json":
		return slog.New(slog.NewJSONHandler(w, opts))
	case cfg.logFormat == "auto" && terminal:
		return slog.New(newSentenceHandler(w, level))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// debugRequests logs each row's precheck body at debug level (precheck,
// provision): what exactly was sent, for support, and never at a level a
// cron job keeps by default. The follow-ups send no row body.
func (j *job) debugRequests(work pipeline.Worker) pipeline.Worker {
	if !j.log.Enabled(context.Background(), slog.LevelDebug) {
		return work
	}
	return func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		if len(row.Problems) == 0 {
			body, _ := json.Marshal(tasks.PrecheckRequest(row.Fields))
			j.log.Debug("precheck request", "line", row.Line, "body", string(body))
		}
		return work(ctx, row)
	}
}
