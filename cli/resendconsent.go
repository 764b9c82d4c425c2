package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// resendConsentOptions are resend-consent's flags: the shared groups,
// --yes, and --older-than.
type resendConsentOptions struct {
	config
	olderThan time.Duration
}

// newCmdResendConsent is the resend-consent command; runF runs it
// (resendConsentRun when nil).
func newCmdResendConsent(inv *invocation, runF func(context.Context, *resendConsentOptions, Env) (int, error)) *cobra.Command {
	o := &resendConsentOptions{config: config{cmd: command.ResendConsent}}
	o.stdio, o.filesWhy = filesOnly, "it keeps its journal beside the output, so that nothing is done twice"
	if runF == nil {
		runF = resendConsentRun
	}
	return inv.runCommand(&o.config, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.confirmFlags)
		d.duration(&o.olderThan, "older-than", 72*time.Hour, "only subscribers pending for longer than this")
		o.use(d, &o.apiFlags, &o.reportFlags, &o.resumeFlags)
	}, nil, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// resendConsentRun shows how many may get the email, asks, then sends it
// to each subscriber still pending for longer than --older-than.
func resendConsentRun(ctx context.Context, o *resendConsentOptions, env Env) (int, error) {
	return runFollowUp(ctx, &o.config, env, followUp{
		work: func(j *job) pipeline.Worker {
			return (&tasks.ConsentSender{Client: j.client, Intents: j.jr, OlderThan: o.olderThan}).Work
		},
		takes: func(r *pipeline.Row) bool {
			st := r.Prior["subscriber_status"]
			return st == "" || st == "pending_user_migration" || r.Prior["provision_result"] == pipeline.Pending
		},
		verb: "that may get the consent email again (each is looked up first)",
	})
}
