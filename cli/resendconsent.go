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
	o := &resendConsentOptions{config: config{cmd: command.ResendConsent, confirmFlags: confirmFlags{title: "Consent email"}}}
	o.stdio, o.filesWhy = filesOnly, "it keeps its journal beside the output, so that nothing is done twice"
	if runF == nil {
		runF = resendConsentRun
	}
	return inv.runCommand(&o.config, resendConsentText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.confirmFlags)
		d.duration(&o.olderThan, "older-than", 72*time.Hour, "only subscribers pending for longer than this")
		o.use(d, &o.apiFlags, &o.reportFlags, &o.retryFlags, &o.resumeFlags)
	}, nil, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// resendConsentRun shows how many may get the email, asks, then sends it
// to each subscriber still pending for longer than --older-than.
func resendConsentRun(ctx context.Context, o *resendConsentOptions, env Env) (int, error) {
	return runFollowUp(ctx, &o.config, env, followUp{
		work: func(j *job) pipeline.Worker {
			return (&tasks.ConsentSender{Client: j.client, Intents: j.jr, OlderThan: o.olderThan, Dir: j.dir}).Work
		},
		lookups: true,
		takes: func(r *pipeline.Row) bool {
			st := r.Prior["subscriber_status"]
			return st == "" || st == "pending_user_migration" || r.Prior["provision_result"] == pipeline.Pending
		},
		verb: "that may get the consent email again (each is looked up first)",
	})
}

// resendConsentText is its help.
var resendConsentText = commandText{
	short: "send the consent email again to those still pending",
	long: `For each row whose subscriber is pending_user_migration (looked up first: the input's status
may be stale) and has been so for longer than --older-than, asks Webex to send the consent email
again (POST /subscribers/{id}/emails/consentMove), at most once a row a run, even across --resume.
Writes consent_result: sent, not_pending, too_recent, not_found, failed or error. Shows how many it
may send and asks first (--yes for cron).`,
	usage: "wholesale-batch resend-consent --input FILE --output FILE [flags]",
	examples: `  wholesale-batch status --input results.csv --output status.csv
  wholesale-batch resend-consent --input status.csv --output consent.csv --older-than 72h --yes`,
	exit: `Exit codes: 0 every row sent, not pending or too recent, 1 any other (not_found too; or the
confirmation declined: no file left), 2 usage or input error (nothing sent), 3 run stopped early:
finished rows are written and the resume command is printed.`,
}
