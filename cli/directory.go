package cli

import (
	"context"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// lookupsVar forces how the follow-ups look rows up: "row" (a GET a row,
// as before the look-ups by the page), "page" (list every customer with
// rows), "auto" or unset (whichever costs fewer requests).
const lookupsVar = "WHOLESALE_BATCH_LOOKUPS"

// watch is provision --wait's follower by the page (tasks.Watch), nil
// (a GET a row a poll) with WHOLESALE_BATCH_LOOKUPS=row.
func (j *job) watch() (*tasks.Watch, error) {
	switch v := strings.ToLower(strings.TrimSpace(j.env.Getenv(lookupsVar))); v {
	case "", "auto", "page":
		return &tasks.Watch{Client: j.client, Since: j.start}, nil
	case "row":
		return nil, nil
	default:
		return nil, usagef("%s=%s: give auto, page or row", lookupsVar, v)
	}
}

// directory reads the input once, offline, to count each customer's rows
// for the look-ups by the page (tasks.Directory); nil, and a GET a row,
// when the input cannot be read twice (standard input, a pipe) or a
// command makes no look-ups.
func (j *job) directory(ctx context.Context, f followUp) (*tasks.Directory, error) {
	if !f.lookups {
		return nil, nil
	}
	mode := tasks.Auto
	switch v := strings.ToLower(strings.TrimSpace(j.env.Getenv(lookupsVar))); v {
	case "", "auto":
	case "page":
		mode = tasks.ByPage
	case "row":
		return nil, nil
	default:
		return nil, usagef("%s=%s: give auto, page or row", lookupsVar, v)
	}
	if j.in == nil || !j.in.regular {
		return nil, nil
	}
	in, err := openInput(j.cfg, j.env)
	if err != nil {
		return nil, err
	}
	defer in.close()
	dir := tasks.NewDirectory(j.client, mode)
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		if j.cfg.sel.empty() || j.cfg.sel.takes(&r) {
			dir.Add(&r)
		}
		return nil
	})
	return dir, err
}
