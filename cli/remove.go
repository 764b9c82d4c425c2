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
	o := &removeOptions{config: config{cmd: command.Remove}, max: limitFlag{name: "max-remove", verb: "removed"}}
	o.stdio, o.filesWhy = filesOnly, "it keeps its journal beside the output, so that nothing is done twice"
	if runF == nil {
		runF = removeRun
	}
	return inv.runCommand(&o.config, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.confirmFlags)
		o.max.define(d, "remove at most N subscribers; the rest are skipped")
		o.use(d, &o.apiFlags, &o.reportFlags, &o.resumeFlags)
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
