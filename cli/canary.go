package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// canaryVerdicts is how each customer's canary rows went (--canary N):
// its other rows are provisioned only when every canary ended provisioned
// or pending.
type canaryVerdicts struct {
	byLine map[int]string // canary line -> customerId

	mu     sync.Mutex
	done   map[string]int    // customer -> canaries that went well
	failed map[string]string // customer -> why its rows are held back
}

func newCanaryVerdicts(lines map[int]string) *canaryVerdicts {
	return &canaryVerdicts{byLine: lines, done: map[string]int{}, failed: map[string]string{}}
}

func (c *canaryVerdicts) isCanary(row *pipeline.Row) bool {
	_, ok := c.byLine[row.Line]
	return ok
}

// add is the canary pass's sink: results in input order, not written (the
// journal keeps them for the pass that writes).
func (c *canaryVerdicts) add(r pipeline.Result) error {
	cust := c.byLine[r.Row.Line]
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Outcome == pipeline.Provisioned || r.Outcome == pipeline.Pending {
		c.done[cust]++
		return nil
	}
	if _, already := c.failed[cust]; !already {
		why := r.Message
		if why == "" {
			why = r.Outcome
		}
		c.failed[cust] = fmt.Sprintf("canary line %d ended %s (%s)", r.Row.Line, r.Outcome, why)
	}
	return nil
}

// gate holds back a customer's rows after a failed canary; canary rows and
// rows of customers whose canaries went well go to work (canaries come
// back from the journal). A nil gate lets every row through.
func (c *canaryVerdicts) gate(work pipeline.Worker, precheck func(*pipeline.Row) (pipeline.Result, bool)) pipeline.Worker {
	if c == nil {
		return work
	}
	return func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		if c.isCanary(row) {
			res := work(ctx, row)
			res.Resumed = false // this run's own canary, not an earlier run's
			return res
		}
		c.mu.Lock()
		why, failed := c.failed[row.Fields.CustomerID]
		c.mu.Unlock()
		if !failed || len(row.Problems) > 0 {
			return work(ctx, row)
		}
		res, ok := precheck(row)
		if !ok || res.Precheck != pipeline.Passed {
			return work(ctx, row) // not one to provision anyway
		}
		res.Row, res.Resumed, res.Outcome = row, false, pipeline.Skipped
		res.Message = "not provisioned: " + why + "; fix it, then run again for this customer"
		return res
	}
}

// lines says how the canaries went, one line a customer.
func (c *canaryVerdicts) lines() []string {
	custs := map[string]bool{}
	for _, cust := range c.byLine {
		custs[cust] = true
	}
	keys := make([]string, 0, len(custs))
	for k := range custs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, k := range keys {
		if why, bad := c.failed[k]; bad {
			out = append(out, fmt.Sprintf("%s: %s: its other rows are skipped", orDash(k), why))
		} else {
			out = append(out, fmt.Sprintf("%s: %d provisioned or pending: its other rows go", orDash(k), c.done[k]))
		}
	}
	return out
}

// print says how the canaries went, per customer.
func (c *canaryVerdicts) print(w io.Writer) {
	fmt.Fprintln(w, "canaries:")
	for _, l := range c.lines() {
		fmt.Fprintf(w, "  %s\n", l)
	}
}
