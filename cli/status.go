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
	return inv.runCommand(&o.config, statusText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.apiFlags, &o.reportFlags, &o.retryFlags, &o.resumeFlags)
	}, nil, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// statusRun looks each row's subscriber up.
func statusRun(ctx context.Context, o *statusOptions, env Env) (int, error) {
	return runFollowUp(ctx, &o.config, env, followUp{
		work:    func(j *job) pipeline.Worker { return (&tasks.StatusChecker{Client: j.client, Dir: j.dir}).Work },
		lookups: true,
	})
}

// statusText is its help.
var statusText = commandText{
	short: "look each subscriber up: who is provisioned, who is pending",
	long: `Read-only. Looks each row's subscriber up: by its subscriber_id when the input is a result
file of provision, else by email. Writes provision_result (provisioned, pending, not_found, error,
or an in-between status as the API gives it), subscriber_status, last_status_change and any errors
the subscriber carries. A nightly job runs it on yesterday's results to see who has consented.`,
	usage: "wholesale-batch status --input FILE --output FILE [flags]",
	examples: `  wholesale-batch status --input results.csv --output status.csv
  # any file with an email column works too
  wholesale-batch status -i people.csv -o status.csv --rate 5`,
	exit: `Exit codes: 0 every row is provisioned, 1 some are not (see the result file), 2 usage or
input error (nothing sent), 3 run stopped early: finished rows are written.`,
}
