package cli

import (
	"bufio"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// runFollowUp runs status, resend-consent or remove: the same pipeline,
// limiter, journal, outputs and exit codes as precheck and provision.
func runFollowUp(ctx context.Context, cfg *config, env Env) (int, error) {
	if cfg.mode.confirms() && !cfg.yes && !env.StdinTTY {
		return ExitUsage, usagef("%s changes subscribers and asks for confirmation first; no one can answer here (standard input is not a terminal): add --yes to confirm in advance", cfg.mode)
	}
	j, err := newJob(ctx, cfg, env)
	if err != nil {
		return ExitUsage, err
	}
	var work pipeline.Worker
	switch cfg.mode {
	case modeStatus:
		work = (&tasks.StatusChecker{Client: j.client}).Work
	case modeConsent:
		work = (&tasks.ConsentSender{Client: j.client, Intents: j.jr, OlderThan: cfg.olderThan}).Work
	case modeRemove:
		work = (&tasks.Remover{Client: j.client, Intents: j.jr, Max: cfg.maxRemove}).Work
	}
	if cfg.mode.confirms() {
		n, err := j.showPlan(ctx)
		if err != nil {
			return j.finish(err)
		}
		if n > 0 && !cfg.yes && !j.confirmFollowUp(n) {
			fmt.Fprintf(env.Stderr, "wholesale-batch: not confirmed: nothing was sent\n")
			return j.finish(errNotConfirmed)
		}
	}
	breaker := &pipeline.Breaker{AbortAfter: cfg.abortAfter, ErrorRate: cfg.abortRate, ForbiddenBurst: 5}
	work = pipeline.Guard(breaker, j.jr.wrap(j.debugRequests(work)))
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
	total := 0
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		take := false
		switch j.cfg.mode {
		case modeRemove:
			take = tasks.Removable(&r)
		case modeConsent:
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
	verb := "to remove"
	if j.cfg.mode == modeConsent {
		verb = "that may get the consent email again (each is looked up first)"
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
	if j.cfg.mode == modeRemove && j.cfg.maxRemove > 0 && int64(total) > j.cfg.maxRemove {
		fmt.Fprintf(j.stderr, "at most %d of them (--max-remove); the rest are skipped\n", j.cfg.maxRemove)
	}
	return total, nil
}

// confirmFollowUp asks on the terminal. Removing takes typing the number
// of subscribers, so a reflexive "y" cannot undo a whole migration.
func (j *job) confirmFollowUp(n int) bool {
	r := bufio.NewReader(j.env.Stdin)
	if j.cfg.mode == modeRemove {
		fmt.Fprintf(j.env.Stderr, "This removes %d subscribers. Type %d to go ahead: ", n, n)
		line, _ := r.ReadString('\n')
		got, err := strconv.Atoi(strings.TrimSpace(line))
		return err == nil && got == n
	}
	fmt.Fprintf(j.env.Stderr, "Send the consent email again to up to %d subscribers? Type yes to go ahead: ", n)
	line, _ := r.ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}
