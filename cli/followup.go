package cli

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// runFollowUp runs status, resend-consent or remove: the same pipeline,
// limiter, journal, outputs and exit codes as precheck and provision.
func runFollowUp(ctx context.Context, cfg *config, env Env) (int, error) {
	if err := cfg.canAsk(env); err != nil {
		return ExitUsage, err
	}
	j, err := newJob(ctx, cfg, env)
	if err != nil {
		return ExitUsage, err
	}
	var work pipeline.Worker
	switch cfg.cmd {
	case command.Status:
		work = (&tasks.StatusChecker{Client: j.client}).Work
	case command.ResendConsent:
		work = (&tasks.ConsentSender{Client: j.client, Intents: j.jr, OlderThan: cfg.olderThan}).Work
	case command.Remove:
		work = (&tasks.Remover{Client: j.client, Intents: j.jr, Max: cfg.maxRemove}).Work
	}
	if p := cfg.cmd.Prompt; p != nil {
		n, err := j.showPlan(ctx)
		if err != nil {
			j.abandon()
			return ExitUsage, err
		}
		if n > 0 && cfg.limitZero() {
			j.abandon()
			return ExitUsage, usagef("--max-remove 0 lets none of the %d subscribers be removed: give how many may go (leave the flag out for all); nothing was removed", n)
		}
		if n > 0 && !cfg.yes && !j.confirm(ctx, n) {
			return j.declined(p.NotDone)
		}
		if err := j.openOut(); err != nil {
			j.abandon()
			return ExitUsage, err
		}
	}
	work = pipeline.Guard(j.breaker(), j.jr.wrap(truthful(j.debugRequests(work), cfg.cmd.Last().Field)))
	return j.finish(j.run(ctx, work, j.write, cfg.workers()))
}

// showPlan reads the input once, offline, and prints what the command may
// do, per customer and package; it returns how many rows that is.
func (j *job) showPlan(ctx context.Context) (int, error) {
	in, err := openInput(j.cfg, j.env)
	if err != nil {
		return 0, err
	}
	defer in.close()
	groups := map[[2]string]int{}
	total, rows, selected, results := 0, 0, 0, 0
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		rows++
		if r.Prior["provision_result"] != "" {
			results++
		}
		if !j.cfg.sel.empty() && !j.cfg.sel.takes(&r) {
			return nil
		}
		selected++
		take := false
		switch j.cfg.cmd {
		case command.Remove:
			take = tasks.Removable(&r)
		case command.ResendConsent:
			st := r.Prior["subscriber_status"]
			take = st == "" || st == "pending_user_migration" || r.Prior["provision_result"] == pipeline.Pending
		}
		if take {
			pkg := r.Fields.Package
			if p, _, err := check.Package(pkg); err == nil {
				pkg = p // "Webex Suite" and webex_suite are one package
			}
			groups[[2]string{r.Fields.CustomerID, pkg}]++
			total++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := j.notRemovable(in.src.Header(), rows, results); err != nil {
		return 0, err
	}
	if err := j.cfg.sel.none(selected, rows); err != nil {
		return 0, err
	}
	capped := j.cfg.maxRemove > 0 && int64(total) > j.cfg.maxRemove
	verb := "to remove"
	switch {
	case j.cfg.cmd == command.ResendConsent:
		verb = "that may get the consent email again (each is looked up first)"
	case capped:
		verb = "that could be removed"
	}
	fmt.Fprintf(j.stderr, "%d subscribers %s", total, verb)
	if total == 0 {
		fmt.Fprintln(j.stderr)
		return 0, nil
	}
	fmt.Fprintln(j.stderr, ":")
	keys := make([][2]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a][0]+"\x00"+keys[a][1] < keys[b][0]+"\x00"+keys[b][1] })
	tw := tabwriter.NewWriter(j.stderr, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  customerId\tpackage\trows")
	for _, k := range keys {
		fmt.Fprintf(tw, "  %s\t%s\t%d\n", orDash(k[0]), orDash(k[1]), groups[k])
	}
	tw.Flush()
	if capped {
		// The plan counts what will be sent: the number to type too.
		fmt.Fprintf(j.stderr, "at most %d of them go (--max-remove): %d subscribers to remove, the rest are skipped\n", j.cfg.maxRemove, j.cfg.maxRemove)
		return int(j.cfg.maxRemove), nil
	}
	return total, nil
}

// confirm asks on the terminal, in the words of the command's prompt, for
// n rows. Some take typing the number of subscribers (TypeCount).
func (j *job) confirm(ctx context.Context, n int) bool {
	p := j.cfg.cmd.Prompt
	if p.TypeCount {
		return confirmCount(ctx, j.env, fmt.Sprintf(p.Question, n, n), n)
	}
	return confirmYes(ctx, j.env, fmt.Sprintf(p.Question, n))
}

// canAsk refuses, before anything is sent, a command that asks first when
// no one can answer and --yes was not given.
func (cfg *config) canAsk(env Env) error {
	if p := cfg.cmd.Prompt; p != nil && !cfg.yes && !env.StdinTTY {
		return usagef("%s %s and asks for confirmation first; no one can answer here (standard input is not a terminal): add --yes to confirm in advance", cfg.cmd.Name, p.Changes)
	}
	return nil
}

// breaker is a new error-rate breaker of the run, judging rows as the
// command table says.
func (j *job) breaker() *pipeline.Breaker {
	return &pipeline.Breaker{AbortAfter: j.cfg.abortAfter, ErrorRate: j.cfg.abortRate, ForbiddenBurst: 5, Judge: j.cfg.cmd.Judge}
}

// notRemovable refuses a remove whose input is not a result file of a
// provisioning run (or of status): a plain list of emails, or a precheck's
// result, names no subscriber this tool made.
func (j *job) notRemovable(h pipeline.Header, rows, results int) error {
	if j.cfg.cmd != command.Remove || rows == 0 {
		return nil
	}
	need := "remove takes the result file of provision (or of status): rows with a subscriber_id and provision_result provisioned or pending"
	switch {
	case h.First == 0:
		return usagef("%s is not a result file of this tool (it has no subscriber_id or provision_result column): %s; nothing was sent", j.cfg.input, need)
	case results == 0:
		return usagef("%s is a result file, but none of its %d rows has a provision_result (a precheck or validate result?): %s; nothing was sent", j.cfg.input, rows, need)
	}
	return nil
}
