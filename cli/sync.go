package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/journal"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// syncOptions are sync's flags: the shared groups, and its own.
type syncOptions struct {
	config
	planOnly      bool
	plan          string
	removeMissing bool
	maxRemove     limitFlag
	maxUpdate     limitFlag
	consentAfter  time.Duration
}

// newCmdSync is the sync command; runF runs it (syncRun when nil).
func newCmdSync(inv *invocation, runF func(context.Context, *syncOptions, Env) (int, error)) *cobra.Command {
	o := &syncOptions{config: config{cmd: command.Sync, confirmFlags: confirmFlags{title: "Sync"}},
		maxRemove: limitFlag{name: "max-remove", verb: "removed"}, maxUpdate: limitFlag{name: "max-update", verb: "updated"}}
	o.stdio, o.filesWhy, o.inputNote = filesOnly, "it writes its plan and keeps its journal beside the output", " unless --plan"
	o.complete = true
	if runF == nil {
		runF = syncRun
	}
	return inv.runCommand(&o.config, syncText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.confirmFlags)
		d.boolean(&o.planOnly, "plan-only", "", "write the plan to --output and stop: nothing is sent but the listing")
		d.str(&o.plan, "plan", "", "", "FILE", "apply this plan (an earlier --plan-only's output) instead of planning from --input; refused if Webex changed since for a row it writes")
		d.boolean(&o.removeMissing, "remove-missing", "", "remove the customers' subscribers the sheet does not name (needs --max-remove)")
		o.maxRemove.define(d, "with --remove-missing: refuse a plan that removes more than N subscribers")
		o.maxUpdate.define(d, "refuse a plan that changes the package of more than N subscribers")
		d.duration(&o.consentAfter, "resend-consent-older-than", 0, "send the consent email again to users pending longer than this (e.g. 72h); 0: to none")
		o.use(d, &o.rowFlags, &o.apiFlags, &o.reportFlags, &o.retryFlags, &o.resumeFlags)
	}, o.check, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// check refuses contradictory flags before anything is read or sent.
func (o *syncOptions) check() error {
	if err := o.maxRemove.check(); err != nil {
		return err
	}
	if err := o.maxUpdate.check(); err != nil {
		return err
	}
	if o.consentAfter < 0 {
		return usagef("--resend-consent-older-than must be 0 (send none) or more, got %s", o.consentAfter)
	}
	if o.removeMissing && (o.flags == nil || !o.flags.Changed("max-remove")) {
		return usagef("--remove-missing needs --max-remove N, the most subscribers this sync may remove: a sheet that lost its rows must not empty a customer; nothing was sent")
	}
	if !o.removeMissing && o.flags != nil && o.flags.Changed("max-remove") {
		return usagef("--max-remove bounds --remove-missing: give both, or neither")
	}
	if o.plan != "" {
		if o.planOnly {
			return usagef("--plan applies a plan and --plan-only makes one: give one of them")
		}
		if o.input != "" && o.input != o.plan {
			return usagef("give --plan or --input, not both: the plan is the input")
		}
		o.input = o.plan
	}
	return nil
}

// planPathFor is where a sync that plans and applies in one run keeps its
// plan: beside the output (sync.csv: sync.plan.csv), so --resume applies
// the same plan.
func planPathFor(output string) string {
	return strings.TrimSuffix(output, filepath.Ext(output)) + ".plan.csv"
}

// syncRun plans (unless --plan), shows the plan, asks, and applies it:
// one journaled run over the plan file.
func syncRun(ctx context.Context, o *syncOptions, env Env) (int, error) {
	planPath := o.plan
	switch {
	case o.planOnly:
		planPath = o.output
	case planPath == "":
		planPath = planPathFor(o.output)
	}
	stale := o.plan != "" && !o.resume
	applying := exists(journal.Path(o.output)) // an earlier run began applying its plan
	switch {
	case o.plan != "" || o.planOnly:
	case o.resume && !exists(planPath):
		return ExitUsage, usagef("nothing to resume: %s, the plan of an earlier sync into %s, does not exist; run without --resume", planPath, o.output)
	case applying && !o.resume && !o.overwrite:
		return ExitUsage, usagef("%s exists: an earlier sync into %s did not finish applying its plan %s. Add --resume to continue it (rows already done are not sent again), or delete it to start over; nothing was sent",
			journal.Path(o.output), o.output, planPath)
	case !o.resume && exists(planPath) && exists(o.output) && !o.overwrite:
		return ExitUsage, usagef("%s exists (an earlier sync's plan, beside its result %s): give another --output, or --overwrite to plan afresh; nothing was sent", planPath, o.output)
	}
	// A plan with neither a journal nor a result beside it was never
	// applied (a crash, a declined confirmation): it is made afresh.
	if o.plan == "" && !o.resume {
		if err := makeSyncPlan(ctx, o, env, planPath); err != nil {
			return exitOf(err), err
		}
		if o.planOnly {
			c, err := countSyncPlan(ctx, o, env, planPath)
			if err != nil {
				return ExitUsage, err
			}
			c.print(env.Stderr, o)
			fmt.Fprintf(env.Stderr, "plan written to %s: apply it with wholesale-batch sync --plan %s --output FILE\n", planPath, planPath)
			return ExitOK, nil
		}
	}
	if o.plan == "" {
		o.from = o.input
	}
	o.input = planPath
	o.needsResults = func(h pipeline.Header) error {
		if !slices.Contains(h.Raw[:h.First], command.SyncAction) {
			return usagef("%s is not a plan of sync (it has no sync_action column): make one with sync --plan-only; nothing was sent", planPath)
		}
		return nil
	}
	counts, err := countSyncPlan(ctx, o, env, planPath)
	if err != nil {
		return ExitUsage, err
	}
	return runFollowUp(ctx, &o.config, env, followUp{
		work: func(j *job) pipeline.Worker {
			var consent *tasks.ConsentSender
			if o.consentAfter > 0 {
				consent = &tasks.ConsentSender{Client: j.client, Intents: j.jr, OlderThan: o.consentAfter, Dir: j.dir}
			}
			return (&tasks.SyncApplier{
				Prechecker:    &tasks.Prechecker{Client: j.client},
				Provisioner:   &tasks.Provisioner{Client: j.client, Intents: j.jr},
				Updater:       &tasks.Updater{Client: j.client, Intents: j.jr, Dir: j.dir},
				Remover:       &tasks.Remover{Client: j.client, Intents: j.jr},
				Consent:       consent,
				Intents:       j.jr,
				RemoveMissing: o.removeMissing,
			}).Work
		},
		// Only update looks rows up (by the page where that is cheaper).
		lookups: counts.total[tasks.SyncUpdate] > 0 || o.consentAfter > 0 && counts.total[tasks.SyncPending] > 0,
		outer:   func(j *job) []link { return []link{(&tasks.Customers{Client: j.client}).Resolve} },
		plan: func(ctx context.Context, j *job) (int, error) {
			c := counts
			c.print(j.stderr, o)
			if err := c.refuse(o); err != nil {
				return 0, err
			}
			if stale {
				if err := checkStale(ctx, j, c); err != nil {
					return 0, err
				}
			}
			n := c.writes(o)
			if n > 0 && !o.yes {
				if err := o.canAsk(env); err != nil {
					return 0, usagef("%v (the plan is in %s)", err, planPath)
				}
			}
			return n, nil
		},
		ask: func(ctx context.Context, j *job, n int) bool {
			if removals := counts.removals(o); removals > 0 {
				q := fmt.Sprintf("This removes %d subscribers (%d changes in all). Type %d to go ahead: ", removals, n, removals)
				return confirmCount(ctx, env, q, removals)
			}
			return j.confirm(ctx, n)
		},
	})
}

// listingFailed is a listing that failed before any row was taken: the
// run stopped early (exit 3), as export's does; the input is not at fault.
type listingFailed struct{ error }

func (l listingFailed) Unwrap() error { return l.error }

// exitOf is the exit code of an error that stopped sync before any row.
func exitOf(err error) int {
	if errors.As(err, new(listingFailed)) {
		return ExitAborted
	}
	return ExitUsage
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// syncText is its help.
var syncText = commandText{
	short: "make Webex hold what the sheet says: create, update, remove",
	long: `Compares the sheet, customer by customer (customerId or externalCustomerId), with what Webex
holds (listed by the page) by email, case-insensitively, and gives each row an action: create (not in
Webex: precheck, then provision), update (another package: PUT), unchanged, pending (waiting for the
user's consent: nothing sent) or invalid (the offline checks). The customers' subscribers the sheet
does not name are extra: kept, or removed with --remove-missing (bounded by --max-remove, and the
typed count). The plan is written beside the output (sync.csv: sync.plan.csv) and shown, per customer
and action, with its first rows; then it is applied, exactly once: one journaled run over the plan
file, with the workers of provision, update and remove. --plan-only writes the plan and stops;
--plan FILE applies that plan, and refuses if Webex changed since for a row it writes. A sync right
after a complete one has nothing to do: every row unchanged, nothing sent, exit 0. Writes
sync_action and sync_result: provisioned, pending, updated, unchanged, kept, removed, skipped,
not_found, failed or error.`,
	usage: "wholesale-batch sync --input FILE --output FILE [flags]",
	examples: `  wholesale-batch sync --input roster.csv --output sync.csv                 # shows the plan, asks
  wholesale-batch sync --input roster.csv --output plan.csv --plan-only     # the plan only
  wholesale-batch sync --plan plan.csv --output sync.csv --yes               # apply exactly that plan
  wholesale-batch sync -i roster.csv -o sync.csv --remove-missing --max-remove 20   # and remove who left`,
	exit: `Exit codes: 0 every row is as the sheet says (nothing to do included), 1 some are not (or the
confirmation declined: no file left), 2 usage or input error, a plan refused by --max-remove or
--max-update, or a plan Webex changed since (nothing sent), 3 run stopped early: finished rows are
written and the resume command is printed.`,
}

// makeSyncPlan reads the sheet twice (the emails it names, then each
// row's action) around the listing of its customers, and writes the plan
// to path atomically: a plan cut short by a crash never exists.
func makeSyncPlan(ctx context.Context, o *syncOptions, env Env, path string) error {
	cfg := &o.config
	j := startJob(cfg, env)
	defer j.close()
	if o.planOnly {
		if err := j.claimOutputs(); err != nil {
			return err
		}
	}
	if err := j.connect(cfg, env); err != nil {
		return err
	}
	prep := j.preparer()
	st := tasks.NewSyncState()
	in, err := openInput(cfg, env)
	if err != nil {
		return err
	}
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		prep.Prepare(&r)
		st.Name(&r)
		return nil
	})
	in.close()
	if err != nil {
		return err
	}
	fmt.Fprintf(j.stderr, "listing the subscribers of %d customers...\n", len(st.Customers))
	if err := st.List(ctx, j.client); err != nil {
		return listingFailed{fmt.Errorf("%w: no plan was made, nothing was sent", err)}
	}
	if in, err = openInput(cfg, env); err != nil {
		return err
	}
	defer in.close()
	if prep.Dupes != nil {
		prep.Dupes.Reset()
	}
	tmp := path + ".tmp"
	f, err := createPrivate(tmp)
	if err != nil {
		return usagef("cannot create the plan: %v", unwrapPath(err))
	}
	defer os.Remove(tmp) // a no-op once renamed
	pc := *cfg
	pc.output, pc.format, pc.excel = path, "csv", false
	w, err := resultWriter(f, &pc, in)
	if err != nil {
		f.Close()
		return err
	}
	seq := 0
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		prep.Prepare(&r)
		if planLine := seq + 2; planLine != r.Line {
			r.Notes = append(r.Notes, fmt.Sprintf("line %d of %s", r.Line, filepath.Base(cfg.input)))
		}
		seq++
		return w.Write(tasks.PlanResult(&r, st.Decide(&r)))
	})
	h := in.src.Header()
	cols := h.Canonical[h.First:]
	for _, c := range st.Customers {
		for _, s := range c.Extras {
			if err != nil {
				break
			}
			err = w.Write(tasks.PlanResult(tasks.ExtraRow(seq, seq+2, cols, s), tasks.SyncDecision{Action: tasks.SyncExtra, Reason: "in Webex, not in the sheet", Subscriber: s}))
			seq++
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("writing the plan %s: %w", path, err)
	}
	return nil
}

// syncCounts is what a plan file holds, per customer and action, with the
// first rows of each action.
type syncCounts struct {
	customers []string
	byCust    map[string]map[string]int
	named     map[string]int // rows with an email, per customer: 0 with extras is a broken sheet
	total     map[string]int
	first     map[string][]string
	planned   map[string]map[string]plannedRow // customer -> lower-case email -> what the plan saw
	path      string
}

// plannedRow is what a plan saw of one row's subscriber.
type plannedRow struct {
	line           int
	action         string
	id, status, pk string
}

// countSyncPlan reads a plan file once.
func countSyncPlan(ctx context.Context, o *syncOptions, env Env, path string) (*syncCounts, error) {
	pc := o.config
	pc.input = path
	in, err := openInput(&pc, env)
	if err != nil {
		return nil, err
	}
	defer in.close()
	if h := in.src.Header(); !slices.Contains(h.Raw[:h.First], command.SyncAction) {
		return nil, usagef("%s is not a plan of sync (it has no sync_action column): make one with sync --plan-only; nothing was sent", path)
	}
	c := &syncCounts{byCust: map[string]map[string]int{}, named: map[string]int{}, total: map[string]int{}, first: map[string][]string{},
		planned: map[string]map[string]plannedRow{}, path: path}
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		a := strings.TrimSpace(r.Prior[command.SyncAction])
		cust := strings.TrimSpace(r.Fields.CustomerID)
		if cust == "" {
			cust = strings.TrimSpace(r.Fields.ExternalCustomerID)
		}
		if cust == "" {
			cust = o.customerID
		}
		if c.byCust[cust] == nil {
			c.byCust[cust] = map[string]int{}
			c.planned[cust] = map[string]plannedRow{}
			c.customers = append(c.customers, cust)
		}
		c.byCust[cust][a]++
		c.total[a]++
		email := strings.ToLower(strings.TrimSpace(r.Fields.Email))
		if a != tasks.SyncExtra && email != "" {
			c.named[cust]++
		}
		if len(c.first[a]) < 3 {
			c.first[a] = append(c.first[a], syncExample(a, r))
		}
		c.planned[cust][email] = plannedRow{line: r.Line, action: a, id: r.Prior["subscriber_id"], status: r.Prior["subscriber_status"], pk: r.Prior[command.PreviousPackage]}
		return nil
	})
	return c, err
}

// syncExample names a row in the plan's list of first rows.
func syncExample(action string, r pipeline.Row) string {
	e := r.Fields.Email
	switch action {
	case tasks.SyncUpdate:
		return fmt.Sprintf("%s (%s → %s)", e, r.Prior[command.PreviousPackage], tasks.Target(&r, false, ""))
	case tasks.SyncInvalid:
		return fmt.Sprintf("line %d %s: %s", r.Line, e, r.Prior["message"])
	}
	return e
}

// removals is how many subscribers the plan removes.
func (c *syncCounts) removals(o *syncOptions) int {
	if !o.removeMissing {
		return 0
	}
	return c.total[tasks.SyncExtra]
}

// writes is how many rows the plan writes for: created, updated, removed.
func (c *syncCounts) writes(o *syncOptions) int {
	n := c.total[tasks.SyncCreate] + c.total[tasks.SyncUpdate] + c.removals(o)
	if o.consentAfter > 0 {
		n += c.total[tasks.SyncPending] // at most: those pending long enough
	}
	return n
}

// refuse is the guard rails, before anything is sent.
func (c *syncCounts) refuse(o *syncOptions) error {
	if n := c.removals(o); n > int(o.maxRemove.n) {
		return usagef("the plan removes %d subscribers, more than --max-remove %d: nothing was sent (check the sheet, or raise the limit)", n, o.maxRemove.n)
	}
	if n := c.total[tasks.SyncUpdate]; o.maxUpdate.n > 0 && n > int(o.maxUpdate.n) {
		return usagef("the plan changes the package of %d subscribers, more than --max-update %d: nothing was sent (check the sheet, or raise the limit)", n, o.maxUpdate.n)
	}
	if o.removeMissing && o.yes {
		for _, cust := range c.customers {
			if x := c.byCust[cust][tasks.SyncExtra]; x > 0 && c.named[cust] == 0 {
				return usagef("customer %s: the sheet names none of its %d subscribers (a broken export?), so all of them would be removed: that takes the typed count at a terminal, not --yes; nothing was sent", orDash(cust), x)
			}
		}
	}
	return nil
}

// print shows the plan: per customer and action, then the first rows of
// each action.
func (c *syncCounts) print(w io.Writer, o *syncOptions) {
	rows := 0
	for _, a := range tasks.SyncActions {
		if a != tasks.SyncExtra {
			rows += c.total[a]
		}
	}
	fmt.Fprintf(w, "plan: %s of %s, and %s the sheet does not name\n", nouns(rows, "row"), nouns(len(c.customers), "customer"), nouns(c.total[tasks.SyncExtra], "subscriber"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "  customer\t")
	for _, a := range tasks.SyncActions {
		fmt.Fprintf(tw, "%s\t", a)
	}
	fmt.Fprintln(tw)
	for _, cust := range c.customers {
		fmt.Fprintf(tw, "  %s\t", orDash(cust))
		for _, a := range tasks.SyncActions {
			fmt.Fprintf(tw, "%d\t", c.byCust[cust][a])
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, a := range tasks.SyncActions {
		n := c.total[a]
		if n == 0 || a == tasks.SyncUnchanged {
			continue
		}
		what := a
		if a == tasks.SyncExtra {
			what = "extra, kept (--remove-missing removes them)"
			if o.removeMissing {
				what = "extra, to remove"
			}
		}
		more := ""
		if n > len(c.first[a]) {
			more = fmt.Sprintf(", and %d more", n-len(c.first[a]))
		}
		fmt.Fprintf(w, "%s (%d): %s%s\n", what, n, strings.Join(c.first[a], "; "), more)
	}
	if c.writes(o) == 0 {
		fmt.Fprintln(w, "nothing to do: Webex holds what the sheet says")
	}
}

// checkStale lists the plan's customers again and refuses the plan when a
// row it writes for has changed in Webex since: created since, removed
// since, another package or status.
func checkStale(ctx context.Context, j *job, c *syncCounts) error {
	now, err := tasks.ListNow(ctx, j.client, c.customers)
	if err != nil {
		return listingFailed{fmt.Errorf("%w: the plan was not applied, nothing was sent", err)}
	}
	var changed []string
	for _, cust := range c.customers {
		for email, p := range c.planned[cust] {
			if p.action != tasks.SyncCreate && p.action != tasks.SyncUpdate && p.action != tasks.SyncExtra {
				continue
			}
			s, there := now[cust][email]
			why := ""
			switch {
			case p.action == tasks.SyncCreate && there:
				why = "planned create, but Webex now holds it (" + s.Status + ")"
			case p.action != tasks.SyncCreate && !there:
				why = "planned " + p.action + ", but it is no longer in Webex"
			case p.action != tasks.SyncCreate && (s.ID != p.id || s.Status != p.status || tasks.PackageOf(s) != p.pk):
				why = fmt.Sprintf("planned %s with %s %s, now %s %s", p.action, p.status, p.pk, s.Status, tasks.PackageOf(s))
			}
			if why != "" {
				changed = append(changed, fmt.Sprintf("line %d %s: %s", p.line, email, why))
			}
		}
	}
	if len(changed) == 0 {
		return nil
	}
	slices.Sort(changed)
	more := ""
	if len(changed) > 5 {
		more = fmt.Sprintf("; and %d more", len(changed)-5)
		changed = changed[:5]
	}
	return usagef("Webex changed since the plan %s was made, for rows it writes: %s%s; make a new plan (sync --plan-only); nothing was sent", c.path, strings.Join(changed, "; "), more)
}

// nouns is n and noun, plural unless n is 1.
func nouns(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
