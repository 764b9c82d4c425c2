package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// validateOptions are validate's flags: offline, so no API, rate or
// resume; --for names the command whose requirements to check.
type validateOptions struct {
	config
	forCmd string
}

// newCmdValidate is the validate command; runF runs it (validateRun when
// nil).
func newCmdValidate(inv *invocation, runF func(context.Context, *validateOptions, Env) (int, error)) *cobra.Command {
	o := &validateOptions{config: config{cmd: command.Validate}}
	if runF == nil {
		runF = validateRun
	}
	return inv.runCommand(&o.config, validateText, func(d *flagDefs) {
		o.use(d, &o.ioFlags, &o.selectFlags, &o.rowFlags)
		d.str(&o.forCmd, "for", "", "precheck", "COMMAND", "check what COMMAND will require: precheck, or provision (also a customer and a package for every row)")
		o.use(d, &o.reportFlags)
	}, o.check, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// check checks --for; validate --for provision checks what provision will
// require.
func (o *validateOptions) check() error {
	if o.forCmd != "" && o.forCmd != "precheck" && o.forCmd != "provision" {
		return usagef("--for must be precheck or provision, got %q", o.forCmd)
	}
	o.complete = o.forCmd == "provision"
	return nil
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
	return pipeline.Result{Row: r, Precheck: pipeline.OK, Final: true}
}

// validateText is its help.
var validateText = commandText{
	short: "check the file offline: no token, no network",
	long: `Checks the file offline (no token, no network) and writes the same result format:
precheck_result is "invalid" for rows that would be refused, with the column and the fix, and
"ok" for rows that would be sent.

Encodings, delimiters, header wordings, phone numbers damaged by Excel, duplicates and unknown
packages are checked; every change made to a value is listed in the notes column, and the
person's own columns come back beside the results.`,
	usage: "wholesale-batch validate --input FILE --output FILE [flags]",
	examples: `  wholesale-batch validate --input sales.csv --output checked.csv

  # a spreadsheet from sales: a page to send back, the result for Excel
  wholesale-batch validate -i from-sales.csv -o checked.csv --report checked.html --excel

  # semicolons, a column of ours under another name, UK numbers without +44
  wholesale-batch validate -i export.csv -o checked.csv --delimiter ";" \
      --map "Work Phone=primaryPhoneNumber" --default-country GB`,
	exit: `Exit codes: 0 every row is valid, 1 some rows are not (see the result file), 2 usage or
input error, 3 the result file could not be written.`,
}
