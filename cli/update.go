package cli

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/journal"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// updateOptions are update's flags: the shared groups, --yes,
// --max-update and --revert.
type updateOptions struct {
	config
	max    limitFlag
	revert bool
	to     string
}

// newCmdUpdate is the update command; runF runs it (updateRun when nil).
func newCmdUpdate(inv *invocation, runF func(context.Context, *updateOptions, Env) (int, error)) *cobra.Command {
	o := &updateOptions{config: config{cmd: command.Update, confirmFlags: confirmFlags{title: "Update"}}, max: limitFlag{name: "max-update", verb: "updated"}}
	o.stdio, o.filesWhy = filesOnly, "it keeps its journal beside the output, so that nothing is done twice"
	if runF == nil {
		runF = updateRun
	}
	return inv.runCommand(&o.config, updateText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.confirmFlags)
		o.max.define(d, "change the package of at most N subscribers; the rest are skipped")
		d.boolean(&o.revert, "revert", "", "the input is update's output: put each row back on its previous_package")
		d.str(&o.to, "to", "", "", "NAME", "move every row to this package, whatever its package column says")
		o.use(d, &o.apiFlags, &o.reportFlags, &o.retryFlags, &o.resumeFlags)
	}, o.check, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// check refuses a bad --max-update, --to, or both ways at once.
func (o *updateOptions) check() error {
	if err := o.max.check(); err != nil {
		return err
	}
	if o.to == "" {
		return nil
	}
	if o.revert {
		return usagef("--to and --revert cannot go together: --revert moves each row to its previous_package")
	}
	p, _, err := check.Package(o.to)
	if err != nil {
		return usagef("--to: %v", err)
	}
	o.to = p
	return nil
}

// updateRun shows the plan, asks, then moves each row's subscriber to its
// package, exactly once.
func updateRun(ctx context.Context, o *updateOptions, env Env) (int, error) {
	verb := "to update (each is looked up first: those already on their package are left unchanged)"
	if o.revert {
		verb = "to put back on their previous_package (each is looked up first)"
		o.needsResults = func(h pipeline.Header) error {
			if !slices.Contains(h.Raw[:h.First], command.PreviousPackage) {
				return usagef("%s has no previous_package column: --revert takes the output of update; nothing was sent", o.input)
			}
			return nil
		}
	}
	return runFollowUp(ctx, &o.config, env, followUp{
		work: func(j *job) pipeline.Worker {
			return (&tasks.Updater{Client: j.client, Intents: j.jr, Max: o.max.n, Revert: o.revert, To: o.to, Dir: j.dir}).Work
		},
		lookups:    true,
		takes:      func(r *pipeline.Row) bool { return tasks.Target(r, o.revert, o.to) != "" },
		verb:       verb,
		verbCapped: "that could be updated",
		limit:      &o.max,
		planHead:   "package: from → to",
		// The package now is known only once looked up: the input's may
		// be stale (and update's own output keeps the input's column).
		planKey: func(r *pipeline.Row) string { return "(looked up) → " + tasks.Target(r, o.revert, o.to) },
	})
}

// RecordPrevious journals, and syncs, that row's PUT is about to go and
// the package its subscriber had (tasks.PackageIntents).
func (r *resumable) RecordPrevious(row *pipeline.Row, previous string) error {
	if r == nil || r.w == nil {
		return nil
	}
	data, _ := json.Marshal(map[string]string{"email": row.Fields.Email, "previous": previous, "at": time.Now().UTC().Format(time.RFC3339Nano)})
	return r.w.Add(journal.Entry{Seq: row.Seq, Line: row.Line, Kind: journal.KindIntent, Key: intentKey(row), Data: data}, journal.Synced)
}

// Previous is the package an earlier run journaled before row's PUT.
func (r *resumable) Previous(row *pipeline.Row) (string, bool) {
	if r == nil || r.old == nil {
		return "", false
	}
	e, ok, err := r.old.Get(journal.KindIntent, intentKey(row))
	if err != nil || !ok {
		return "", false
	}
	var d struct{ Previous string }
	if json.Unmarshal(e.Data, &d) != nil || strings.TrimSpace(d.Previous) == "" {
		return "", false
	}
	return d.Previous, true
}

// updateText is its help.
var updateText = commandText{
	short: "change each row's package (and --revert puts them back)",
	long: `Changes each row's subscriber to the package in its package column, or to --to (PUT
/wholesale/subscribers/{id}; the PUT changes only the package). Each subscriber is looked up first,
by the row's subscriber_id, else by email in the row's customer: one already on that package is
unchanged (nothing sent), and the package it had is written in previous_package. First it shows the
plan, per customer and package, and asks (--yes for cron). Exactly once: the intent and the package
before are journaled before each PUT, and a PUT whose answer was lost is looked up before anything is
sent again. Writes update_result: updated, unchanged, not_found, skipped, failed or error. Its output
given back with --revert puts every row back on its previous_package.`,
	usage: "wholesale-batch update --input FILE --output FILE [flags]",
	examples: `  wholesale-batch export --customer-id Y2lzY29... -o subscribers.csv   # then edit the package column
  wholesale-batch update --input subscribers.csv --output updated.csv          # shows the plan, asks
  wholesale-batch update --input updated.csv --output reverted.csv --revert --yes`,
	exit: `Exit codes: 0 every row updated or unchanged, 1 any other (not_found, skipped and
--max-update's skips too; or the confirmation declined: no file left), 2 usage or input error
(nothing sent), 3 run stopped early: finished rows are written and the resume command is printed.`,
}
