package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// precheckOptions are precheck's flags: the shared groups, none of its own.
type precheckOptions struct {
	config
}

// newCmdPrecheck is the precheck command; runF runs it (precheckRun when
// nil), so a test can check the flags without running.
func newCmdPrecheck(inv *invocation, runF func(context.Context, *precheckOptions, Env) (int, error)) *cobra.Command {
	o := &precheckOptions{config: config{cmd: command.Precheck}}
	if runF == nil {
		runF = precheckRun
	}
	return inv.runCommand(&o.config, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.rowFlags, &o.apiFlags, &o.reportFlags, &o.resumeFlags)
	}, nil, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// precheckRun asks the API about each row: customers named by
// externalCustomerId resolved first, then the precheck, journaled.
func precheckRun(ctx context.Context, o *precheckOptions, env Env) (int, error) {
	j, err := newJob(ctx, &o.config, env)
	if err != nil {
		return ExitUsage, err
	}
	customers := &tasks.Customers{Client: j.client}
	work := j.chain((&tasks.Prechecker{Client: j.client}).Work, command.PrecheckStep, j.jr.wrap, customers.Resolve)
	return j.finish(j.run(ctx, work, j.write, o.workers()))
}
