package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// removeOptions are remove's flags: the shared groups, --yes and
// --max-remove.
type removeOptions struct {
	config
	max limitFlag
}

// newCmdRemove is the remove command; runF runs it (removeRun when nil).
func newCmdRemove(inv *invocation, runF func(context.Context, *removeOptions, Env) (int, error)) *cobra.Command {
	o := &removeOptions{config: config{cmd: command.Remove, confirmFlags: confirmFlags{title: "Removal"}}, max: limitFlag{name: "max-remove", verb: "removed"}}
	o.stdio, o.filesWhy = filesOnly, "it keeps its journal beside the output, so that nothing is done twice"
	if runF == nil {
		runF = removeRun
	}
	return inv.runCommand(&o.config, removeText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.confirmFlags)
		o.max.define(d, "remove at most N subscribers; the rest are skipped")
		o.use(d, &o.apiFlags, &o.reportFlags, &o.retryFlags, &o.resumeFlags)
	}, o.max.check, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// removeRun shows what will go, asks for the count, then removes each
// subscriber a provisioning run made, exactly once.
func removeRun(ctx context.Context, o *removeOptions, env Env) (int, error) {
	return runFollowUp(ctx, &o.config, env, followUp{
		work: func(j *job) pipeline.Worker {
			return (&tasks.Remover{Client: j.client, Intents: j.jr, Max: o.max.n}).Work
		},
		takes:      tasks.Removable,
		verb:       "to remove",
		verbCapped: "that could be removed",
		limit:      &o.max,
		needs:      "remove takes the result file of provision (or of status): rows with a subscriber_id and provision_result provisioned or pending",
	})
}

// removeText is its help.
var removeText = commandText{
	short: "undo a provisioning run: remove the subscribers it made",
	long: `Removes (DELETE /wholesale/subscribers/{id}) each subscriber a provisioning run made: rows of
its result file with a subscriber_id and provision_result provisioned, pending or in between, and
rows in doubt (provision_result error), looked up by email in their customer first; the others are
skipped. In the API's words this "removes the mapping between Wholesale Subscriber and a Webex
user". First it shows what will go, per customer and package, and asks you to type the number of
subscribers (--yes for cron). Exactly once: the intent is journaled before each DELETE, and a
subscriber not found after an attempt whose answer was lost counts as removed. Writes
remove_result: removed, not_found, skipped, failed or error.`,
	usage: "wholesale-batch remove --input FILE --output FILE [flags]",
	examples: `  wholesale-batch remove --input results.csv --output removed.csv     # shows what will go, asks
  wholesale-batch remove -i results.csv -o removed.csv --yes --max-remove 10
  wholesale-batch remove -i results.csv -o removed.csv --yes --resume`,
	exit: `Exit codes: 0 every row removed or skipped as made by no run, 1 any other (not_found and
--max-remove's skips too; or the confirmation declined: no file left), 2 usage or input error, a file
that is not a result of provision or status (nothing sent), 3 run stopped early: finished rows are
written and the resume command is printed.`,
}
