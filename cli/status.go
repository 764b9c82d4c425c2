package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// statusOptions are status's flags: read-only, so no --yes.
type statusOptions struct {
	config
}

// newCmdStatus is the status command; runF runs it (statusRun when nil).
func newCmdStatus(inv *invocation, runF func(context.Context, *statusOptions, Env) (int, error)) *cobra.Command {
	o := &statusOptions{config: config{cmd: command.Status}}
	if runF == nil {
		runF = statusRun
	}
	return inv.runCommand(&o.config, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.apiFlags, &o.reportFlags, &o.resumeFlags)
	}, nil, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// statusRun looks each row's subscriber up.
func statusRun(ctx context.Context, o *statusOptions, env Env) (int, error) {
	return runFollowUp(ctx, &o.config, env, followUp{
		work: func(j *job) pipeline.Worker { return (&tasks.StatusChecker{Client: j.client}).Work },
	})
}
