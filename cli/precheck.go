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
	return inv.runCommand(&o.config, precheckText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.rowFlags, &o.apiFlags, &o.reportFlags, &o.retryFlags, &o.resumeFlags)
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
	work := j.chain((&tasks.Prechecker{Client: j.client}).Work, command.PrecheckStep, j.debugRequests, j.jr.wrap, customers.Resolve)
	return j.finish(j.run(ctx, work, j.write, o.workers()))
}

// precheckText is its help.
var precheckText = commandText{
	short: "ask the API whether each row would provision",
	long: `Asks the Webex API whether each row would provision (POST
/v1/wholesale/subscribers/validate), through one rate-limited pool, and writes one result row per
input row, in input order: outcome, HTTP status, info and error codes, the API's message and the
tracking id that Webex support asks for. Nothing is provisioned.

An interrupted or crashed run continues with the same command and --resume: rows already done
are not sent again.`,
	usage: "wholesale-batch precheck --input FILE --output FILE [flags]",
	examples: `  export WEBEX_TOKEN=...     # or --token-file ~/.webex-token
  wholesale-batch precheck --input subscribers.csv --output results.csv \
      --customer-id ID --package webex_calling

  # no token, no network: the built-in sandbox API and the sample file
  wholesale-batch precheck --sandbox --input samples/subscribers.csv --output results.csv

  # standard input to standard output; a slower rate, no progress bar
  wholesale-batch precheck -i - -o - < subscribers.csv > results.csv
  wholesale-batch precheck -i big.csv -o results.csv --rate 5 --no-progress

  # a long migration; after an interrupt or a crash, the same with --resume
  wholesale-batch precheck -i migration.csv -o migration-results.csv --retry-file retry.csv
  wholesale-batch precheck -i migration.csv -o migration-results.csv --retry-file retry.csv --resume

  # a plan for ops (provision --plan), with a page to send back to sales
  wholesale-batch precheck -i from-sales.csv -o plan.csv --customer-id ID --report plan.html`,
	exit: `Exit codes: 0 every row passed, 1 some rows did not (see the result file), 2 usage or
input error (nothing sent), 3 run stopped early (401, a burst of 403, the error-rate breaker, an
interrupt): finished rows are written and the resume command is printed.`,
}
