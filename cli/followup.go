package cli

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// followUp is what a follow-up command (status, resend-consent, remove)
// brings to the shared run: its worker, and for one that asks first, the
// rows its plan counts and the words it uses.
type followUp struct {
	work func(j *job) pipeline.Worker
	// lookups: the worker looks rows up through j.dir, which the run then
	// builds (a first pass over the input counts each customer's rows).
	lookups bool
	// takes reports whether the command may act on a row: the plan counts
	// those (nil for a command that asks nothing).
	takes func(*pipeline.Row) bool
	// verb completes "N subscribers ..." in the plan; verbCapped when
	// limit leaves some out.
	verb, verbCapped string
	limit            *limitFlag // nil: no --max-* flag
	// needs, when set, is what the input must be: a result file whose rows
	// have a provision_result; a plain list is refused with these words.
	needs string
	// planHead and planKey, when set, replace the plan's package column
	// (update: "from → to").
	planHead string
	planKey  func(*pipeline.Row) string
	// plan, when set, replaces showPlan (sync's plan is a file with an
	// action a row); it checks who can answer itself, once it knows
	// whether there is anything to ask. ask, when set, replaces the
	// table's prompt.
	plan func(ctx context.Context, j *job) (int, error)
	ask  func(ctx context.Context, j *job, n int) bool
	// outer are links around the journal's (sync resolves
	// externalCustomerIds first, as provision does).
	outer func(j *job) []link
}

// runFollowUp runs a follow-up command: the same pipeline, limiter,
// journal, outputs and exit codes as precheck and provision.
func runFollowUp(ctx context.Context, cfg *config, env Env, f followUp) (int, error) {
	if f.plan == nil {
		if err := cfg.canAsk(env); err != nil {
			return ExitUsage, err
		}
	}
	j, err := newJob(ctx, cfg, env)
	if err != nil {
		return ExitUsage, err
	}
	if p := cfg.cmd.Prompt; p != nil {
		show := j.showPlan
		if f.plan != nil {
			show = func(ctx context.Context, _ followUp) (int, error) { return f.plan(ctx, j) }
		}
		n, err := show(ctx, f)
		if err != nil {
			j.abandon()
			return exitOf(err), err
		}
		if l := f.limit; n > 0 && l != nil && l.zero(cfg.flags) {
			j.abandon()
			return ExitUsage, usagef("--%s 0 lets none of the %d subscribers be %s: give how many may go (leave the flag out for all); nothing was %s", l.name, n, l.verb, l.verb)
		}
		ask := j.confirm
		if f.ask != nil {
			ask = func(ctx context.Context, n int) bool { return f.ask(ctx, j, n) }
		}
		if n > 0 && !cfg.yes && !ask(ctx, n) {
			return j.declined(p.NotDone)
		}
		if err := j.openOut(); err != nil {
			j.abandon()
			return ExitUsage, err
		}
	}
	if j.dir, err = j.directory(ctx, f); err != nil {
		j.abandon()
		return ExitUsage, err
	}
	links := []link{j.jr.wrap}
	if f.outer != nil {
		links = append(links, f.outer(j)...)
	}
	work := j.chain(f.work(j), cfg.cmd.Last(), links...)
	return j.finish(j.run(ctx, work, j.write, cfg.workers()))
}

// showPlan reads the input once, offline, and prints what the command may
// do, per customer and package; it returns how many rows that is.
func (j *job) showPlan(ctx context.Context, f followUp) (int, error) {
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
		if f.takes(&r) {
			pkg := r.Fields.Package
			if p, _, err := check.Package(pkg); err == nil {
				pkg = p // "Webex Suite" and webex_suite are one package
			}
			if f.planKey != nil {
				pkg = f.planKey(&r)
			}
			groups[[2]string{r.Fields.CustomerID, pkg}]++
			total++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := j.needResults(f, in.src.Header(), rows, results); err != nil {
		return 0, err
	}
	if err := j.cfg.sel.none(selected, rows); err != nil {
		return 0, err
	}
	var max int64
	if f.limit != nil {
		max = f.limit.n
	}
	capped := max > 0 && int64(total) > max
	verb := f.verb
	if capped {
		verb = f.verbCapped
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
	head := f.planHead
	if head == "" {
		head = "package"
	}
	fmt.Fprintf(tw, "  customerId\t%s\trows\n", head)
	for _, k := range keys {
		fmt.Fprintf(tw, "  %s\t%s\t%d\n", orDash(k[0]), orDash(k[1]), groups[k])
	}
	tw.Flush()
	if capped {
		// The plan counts what will be sent: the number to type too.
		fmt.Fprintf(j.stderr, "at most %d of them go (--%s): %d subscribers %s, the rest are skipped\n", max, f.limit.name, max, f.verb)
		return int(max), nil
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

// needResults refuses an input that is not a result file of a
// provisioning run (or of status), for a command that says what it needs:
// a plain list of emails, or a precheck's result, names no subscriber this
// tool made.
func (j *job) needResults(f followUp, h pipeline.Header, rows, results int) error {
	if f.needs == "" || rows == 0 {
		return nil
	}
	switch {
	case h.First == 0:
		return usagef("%s is not a result file of this tool (it has no subscriber_id or provision_result column): %s; nothing was sent", j.cfg.input, f.needs)
	case results == 0:
		return usagef("%s is a result file, but none of its %d rows has a provision_result (a precheck or validate result?): %s; nothing was sent", j.cfg.input, rows, f.needs)
	}
	return nil
}
