package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// validateOptions are validate's flags: offline, so no API, rate or resume.
type validateOptions struct {
	config
}

// newCmdValidate is the validate command; runF runs it (validateRun when
// nil).
func newCmdValidate(inv *invocation, runF func(context.Context, *validateOptions, Env) (int, error)) *cobra.Command {
	o := &validateOptions{config: config{cmd: command.Validate}}
	if runF == nil {
		runF = validateRun
	}
	return inv.runCommand(&o.config, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.rowFlags, &o.reportFlags)
	}, nil, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// validateRun checks every row offline, one worker: nothing is sent.
func validateRun(ctx context.Context, o *validateOptions, env Env) (int, error) {
	j, err := newJob(ctx, &o.config, env)
	if err != nil {
		return ExitUsage, err
	}
	return j.finish(j.run(ctx, validateOnly, j.write, 1))
}

// validateOnly is the worker of an offline run: rows with problems are
// invalid, the others would be sent.
func validateOnly(_ context.Context, r *pipeline.Row) pipeline.Result {
	if len(r.Problems) > 0 {
		return pipeline.Invalidated(r)
	}
	if ext := r.Fields.ExternalCustomerID; ext != "" && r.Fields.CustomerID == "" {
		r.Notes = append(r.Notes, fmt.Sprintf("customerId: looked up from externalCustomerId %q when sent (validate is offline)", ext))
	}
	return pipeline.Result{Row: r, Final: true}
}
