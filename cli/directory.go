package cli

import (
	"context"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// directory reads the input once, offline, to count each customer's rows
// for the look-ups by the page (tasks.Directory); nil, and a GET a row,
// when the input cannot be read twice (standard input, a pipe) or a
// command makes no look-ups.
func (j *job) directory(ctx context.Context, f followUp) (*tasks.Directory, error) {
	if !f.lookups || j.in == nil || !j.in.regular {
		return nil, nil
	}
	in, err := openInput(j.cfg, j.env)
	if err != nil {
		return nil, err
	}
	defer in.close()
	dir := tasks.NewDirectory(j.client, tasks.Auto)
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		if j.cfg.sel.empty() || j.cfg.sel.takes(&r) {
			dir.Add(&r)
		}
		return nil
	})
	return dir, err
}
