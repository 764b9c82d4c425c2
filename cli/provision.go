package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/column"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/journal"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// provisionOptions are provision's flags: the shared groups, and those
// of its own.
type provisionOptions struct {
	config
	max           limitFlag
	plan          string
	planMaxAge    time.Duration
	wait          bool
	waitTimeout   time.Duration
	acceptPending bool
	canary        int
}

// newCmdProvision is the provision command; runF runs it (provisionRun
// when nil), so a test can check the flags without running.
func newCmdProvision(inv *invocation, runF func(context.Context, *provisionOptions, Env) (int, error)) *cobra.Command {
	o := &provisionOptions{config: config{cmd: command.Provision, confirmFlags: confirmFlags{title: groupProvision}}, max: limitFlag{name: "max-provision", verb: "provisioned"}}
	o.stdio, o.filesWhy, o.inputNote = filesOnly, "it reads the input twice and keeps its journal beside the output", " unless --plan"
	o.complete = true
	if runF == nil {
		runF = provisionRun
	}
	return inv.runCommand(&o.config, provisionText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.confirmFlags)
		o.max.define(d, "provision at most N rows; the rest are skipped")
		d.str(&o.plan, "plan", "", "", "FILE", "an earlier precheck result file, instead of --input: its passed rows that are unchanged (request_hash) and fresh are not prechecked again")
		d.duration(&o.planMaxAge, "plan-max-age", 7*24*time.Hour, "with --plan: older prechecks are done again")
		d.boolean(&o.wait, "wait", "", "follow each new subscriber until its status is final")
		d.duration(&o.waitTimeout, "wait-timeout", 5*time.Minute, "with --wait: how long to follow one subscriber")
		d.boolean(&o.acceptPending, "accept-pending", "", "count pending (consent email sent) as done for the exit code")
		d.integer(&o.canary, "canary", 0, "provision each customer's first N rows that passed first; its other rows go only if all N end provisioned or pending")
		o.use(d, &o.rowFlags, &o.apiFlags, &o.reportFlags, &o.retryFlags, &o.resumeFlags)
	}, o.check, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// check checks provision's own flags; --plan is the input.
func (o *provisionOptions) check() error {
	if o.plan != "" {
		if o.input != "" && o.input != o.plan {
			return usagef("give --plan or --input, not both: the plan is the input")
		}
		o.input = o.plan
		o.needsResults = func(h pipeline.Header) error {
			if h.First == 0 {
				return usagef("--plan %s is not a result file of precheck: it needs the precheck_result and request_hash columns that precheck writes", o.plan)
			}
			return nil
		}
	}
	if o.canary < 0 {
		return usagef("--canary must be 0 (none) or more, got %d", o.canary)
	}
	return o.max.check()
}

// provisionRun refuses before anything is sent, not after an hour of
// prechecks, when no one can confirm.
func provisionRun(ctx context.Context, o *provisionOptions, env Env) (int, error) {
	if err := o.canAsk(env); err != nil {
		return ExitUsage, err
	}
	return executeProvision(ctx, o, env)
}

// executeProvision runs the two passes of a provisioning run. The first
// prechecks every row (or takes a fresh, unchanged plan's verdict) into the
// journal; then the user sees what will be provisioned and confirms; the
// second provisions the rows that passed and writes the result file.
func executeProvision(ctx context.Context, o *provisionOptions, env Env) (int, error) {
	cfg := &o.config
	j, err := newJob(ctx, cfg, env)
	if err != nil {
		return ExitUsage, err
	}
	j.acceptPending = o.acceptPending
	if o.max.zero(cfg.flags) {
		// Refused before the prechecks: nothing is sent.
		j.abandon()
		return ExitUsage, usagef("--max-provision 0 lets none of the %d rows of %s be provisioned: give how many may go (leave the flag out for all); nothing was sent", j.in.total, cfg.input)
	}
	var watch *tasks.Watch
	if o.wait {
		if watch, err = j.watch(); err != nil {
			j.abandon()
			return ExitUsage, err
		}
	}
	workers := cfg.workers()
	customers := &tasks.Customers{Client: j.client}

	// Pass 1: prechecks, journaled; nothing is written to the output yet.
	// Customers named by externalCustomerId are resolved first, outside
	// the journal, so a row's identity there is what it sends.
	plan := newPlanCount(o.canary, func(r *pipeline.Row) bool {
		_, ok := j.jr.lookup(journal.KindResult, r)
		return ok
	})
	pass1 := j.chain((&tasks.Prechecker{Client: j.client}).Work, command.PrecheckStep,
		j.debugRequests, o.fromPlan, func(w pipeline.Worker) pipeline.Worker { return j.jr.wrapKind(journal.KindPrecheck, w) }, customers.Resolve)
	if err := j.run(ctx, pass1, plan.add, workers); err != nil {
		j.sum = plan.sum
		fmt.Fprintln(j.stderr, "stopped during the precheck pass: nothing was provisioned")
		return j.finish(err)
	}

	if plan.sum.Rows == 0 {
		if err := cfg.sel.none(0, j.unselected); err != nil {
			j.abandon()
			return ExitUsage, err
		}
	}

	// Confirmation, before the first POST.
	plan.print(j.stderr, o.max.n)
	if o.canary > 0 && len(plan.canary) > 0 {
		fmt.Fprintf(j.stderr, "canaries: each customer's first %d rows that passed (%d rows) are provisioned first; a customer's other rows go only if all of its canaries end provisioned or pending\n", o.canary, len(plan.canary))
	}
	if n := plan.total(); n > 0 && !cfg.yes {
		if !j.confirm(ctx, n) {
			return j.declined(cfg.cmd.Prompt.NotDone)
		}
	}
	if err := j.openOut(); err != nil {
		j.abandon()
		return ExitUsage, err
	}

	prov := &tasks.Provisioner{Client: j.client, Intents: j.jr, Max: o.max.n, Wait: o.wait, WaitTimeout: o.waitTimeout, Watch: watch}
	provision := j.jr.wrapKind(journal.KindResult, func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		pre, ok := j.jr.lookup(journal.KindPrecheck, row)
		if !ok {
			// Only a file changed between the passes gets here.
			return pipeline.Result{Row: row, Precheck: pipeline.Error, Outcome: pipeline.Skipped, Final: true,
				Message: "no precheck result for this row: the input changed during the run; run again"}
		}
		if pre.PlanNote != "" {
			row.Notes = append(row.Notes, pre.PlanNote)
		}
		res := prov.Work(ctx, row, pre)
		inDoubtIfSent(&res, &res.Outcome, pre.Attempts)
		return res
	})

	// Pass 2a, with --canary N: each customer's first N rows that passed,
	// journaled but not written yet; their outcome decides the rest.
	var canaries *canaryVerdicts
	if o.canary > 0 && len(plan.canary) > 0 {
		canaries = newCanaryVerdicts(plan.canary)
		if err := j.nextPass(); err != nil {
			return j.finish(err)
		}
		err := j.runSelected(ctx, j.guarded(provision, customers.Resolve, skipInvalid), canaries.add, workers, canaries.isCanary)
		if err != nil {
			j.sum = plan.sum
			return j.finish(err)
		}
		canaries.print(j.stderr)
	}

	// Pass 2: read the input again and provision the rows that passed (the
	// canaries' results come back from the journal).
	if err := j.nextPass(); err != nil {
		return j.finish(err)
	}
	if canaries != nil {
		j.sum.Canaries = canaries.lines() // the summary says it again at the end
	}
	precheckOf := func(row *pipeline.Row) (pipeline.Result, bool) { return j.jr.lookup(journal.KindPrecheck, row) }
	work := j.guarded(canaries.gate(provision, precheckOf), customers.Resolve, skipInvalid)
	return j.finish(j.run(ctx, work, j.write, workers))
}

// skipInvalid marks a row found invalid in the provisioning pass (its
// customer could not be resolved) skipped, like every row whose precheck
// did not pass.
func skipInvalid(work pipeline.Worker) pipeline.Worker {
	return func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		r := work(ctx, row)
		if r.Precheck == pipeline.Invalid && r.Outcome == "" {
			r.Outcome = pipeline.Skipped
		}
		return r
	}
}

// nextPass reads the journal again, with what this run added, and opens
// the input again for another pass over the same rows.
func (j *job) nextPass() error {
	if err := j.jr.reload(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	in, err := openInput(j.cfg, j.env)
	if err != nil {
		return err
	}
	j.onClose(in.close)
	in.total = j.in.total // the same file, counted once
	j.in = in
	if j.prep.Dupes != nil {
		j.prep.Dupes.Reset() // the same rows again: none is a duplicate of itself
	}
	j.bar = newProgress(j.cfg, j.env, j.con, in.total)
	return nil
}

// fromPlan answers a row from a plan (an earlier precheck result file)
// when the plan passed it, the row would send the same body, and the
// precheck is fresh; any other row is prechecked again, with a note why.
func (o *provisionOptions) fromPlan(work pipeline.Worker) pipeline.Worker {
	if o.plan == "" {
		return work
	}
	return func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		if len(row.Problems) > 0 || row.Prior == nil {
			return work(ctx, row)
		}
		if row.Prior["precheck_result"] != pipeline.Passed {
			return noted(work(ctx, row), "did not pass in the plan: prechecked again")
		}
		hash := tasks.RequestHash(row.Fields)
		checked, err := time.Parse(time.RFC3339, row.Prior["checked_at"])
		switch {
		case row.Prior["request_hash"] != hash:
			return noted(work(ctx, row), "changed since the plan's precheck: prechecked again")
		case err != nil:
			return noted(work(ctx, row), "the plan has no precheck time for this row: prechecked again")
		case time.Since(checked) > o.planMaxAge:
			return noted(work(ctx, row), fmt.Sprintf("the plan's precheck is older than --plan-max-age %s: prechecked again", o.planMaxAge))
		}
		res := pipeline.Result{Row: row, Precheck: pipeline.Passed, RequestHash: hash, CheckedAt: checked, Final: true,
			InfoCodes: row.Prior["info_codes"], Message: row.Prior["message"], TrackingID: row.Prior["tracking_id"],
			PlanNote: "passed in the plan (prechecked " + checked.Format(time.RFC3339) + "): not prechecked again"}
		res.HTTPStatus, _ = strconv.Atoi(row.Prior["http_status"])
		// One info code: the plan's message is its description, for the summary.
		if code, err := strconv.Atoi(res.InfoCodes); err == nil && res.Message != "" {
			res.Descriptions = map[int]string{code: res.Message}
		}
		return res
	}
}

func noted(r pipeline.Result, note string) pipeline.Result {
	r.PlanNote = note
	return r
}

// planCount is what the precheck pass found: the rows that will be
// provisioned, by customer and package (a few entries, not one per row),
// and, with --canary N, each customer's first N of them (by line).
type planCount struct {
	sum     *report.Summary
	groups  map[[2]string]int // (customer as the partner knows it, package) -> rows
	canaryN int
	perCust map[string]int
	canary  map[int]string // line -> customerId
	// done tells a row an earlier run already provisioned (a --resume);
	// earlier counts them: the plan and its confirmation count what is left.
	done    func(*pipeline.Row) bool
	earlier int
}

func newPlanCount(canaryN int, done func(*pipeline.Row) bool) *planCount {
	return &planCount{sum: report.NewSummary(command.Provision), groups: map[[2]string]int{}, canaryN: canaryN,
		perCust: map[string]int{}, canary: map[int]string{}, done: done}
}

// customerLabel names a row's customer as the partner knows it: the
// externalCustomerId the sheet gave, with the Webex id beside it.
func customerLabel(f *column.Fields) string {
	if ext := check.Trim(f.ExternalCustomerID); ext != "" {
		if f.CustomerID == "" {
			return ext
		}
		return ext + " (" + f.CustomerID + ")"
	}
	return f.CustomerID
}

// add counts a precheck result; results come in input order, so "first N"
// is by line.
func (p *planCount) add(r pipeline.Result) error {
	p.sum.Add(r)
	if r.Precheck == pipeline.Passed {
		if p.done != nil && p.done(r.Row) {
			p.earlier++
			return nil
		}
		cust := r.Row.Fields.CustomerID
		p.groups[[2]string{customerLabel(&r.Row.Fields), r.Row.Fields.Package}]++
		if p.perCust[cust] < p.canaryN {
			p.perCust[cust]++
			p.canary[r.Row.Line] = cust
		}
	}
	return nil
}

// total is how many rows are left to provision.
func (p *planCount) total() int { return p.sum.Outcomes[pipeline.Passed] - p.earlier }

func (p *planCount) print(w io.Writer, max int64) {
	s := p.sum
	fmt.Fprintf(w, "precheck: %d rows: %d passed, %d failed, %d invalid, %d error\n", s.Rows,
		s.Outcomes[pipeline.Passed], s.Outcomes[pipeline.Failed], s.Outcomes[pipeline.Invalid], s.Outcomes[pipeline.Error])
	if p.earlier > 0 {
		fmt.Fprintf(w, "%d of %d still to provision; %d done by the earlier run\n", p.total(), p.total()+p.earlier, p.earlier)
	}
	if p.total() == 0 {
		fmt.Fprintln(w, "nothing to provision")
		return
	}
	fmt.Fprintln(w, "to provision:")
	keys := make([][2]string, 0, len(p.groups))
	for k := range p.groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"\x00"+keys[i][1] < keys[j][0]+"\x00"+keys[j][1] })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  customer\tpackage\trows")
	for _, k := range keys {
		fmt.Fprintf(tw, "  %s\t%s\t%d\n", k[0], orDash(k[1]), p.groups[k])
	}
	tw.Flush()
	if max > 0 && int64(p.total()) > max {
		fmt.Fprintf(w, "at most %d of them (--max-provision); the rest are skipped\n", max)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// provisionText is its help.
var provisionText = commandText{
	short: "precheck, then provision the rows that pass",
	long: `Prechecks every valid row, shows what will be provisioned (rows per customer and
package) and asks, then provisions the rows that passed, each exactly once: a request whose
answer is lost is never simply sent again; the subscriber is looked up first.

An interrupted or crashed run continues with the same command and --resume.`,
	usage: `wholesale-batch provision --input FILE --output FILE [flags]
wholesale-batch provision --plan FILE --output FILE [flags]`,
	examples: `  wholesale-batch provision -i subs.csv -o results.csv --customer-id ID   # asks to confirm
  wholesale-batch provision -i subs.csv -o results.csv --yes --wait       # unattended

  # Monday, sales: precheck into a plan; Tuesday, ops: provision the plan
  wholesale-batch precheck  --input subs.csv --output plan.csv
  wholesale-batch provision --plan plan.csv --output results.csv --yes

  # cron: only errors printed; the exit code and the manifest say what happened
  wholesale-batch provision --yes --quiet --credentials /etc/webex/credentials.json \
      --input today.csv --output results.csv --summary-json run.json --retry-file retry.csv

  # after an interrupt or a crash: only what is not done, never anyone twice
  wholesale-batch provision -i subs.csv -o results.csv --yes --resume`,
	exit: `Exit codes: 0 every row was provisioned (pending too with --accept-pending), 1 some rows
were not (see the result file), 2 usage or input error (nothing sent), 3 run stopped early (401,
a burst of 403, the error-rate breaker, an interrupt): finished rows are written and the resume
command is printed. A declined confirmation exits 1 and leaves no file.`,
}
