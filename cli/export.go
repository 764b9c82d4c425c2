package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gocarina/gocsv"
	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/sheet"
	"github.com/wholesale-batch/wholesale-batch/tasks"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// exportOptions are export's flags: its output, what it lists, and the
// API and report groups. It reads no input, so it has no --input, no
// journal and no retry file.
type exportOptions struct {
	config
	customerIDs, externalIDs []string
	all                      bool
	status, after            string
}

// newCmdExport is the export command; runF runs it (exportRun when nil).
func newCmdExport(inv *invocation, runF func(context.Context, *exportOptions, Env) (int, error)) *cobra.Command {
	o := &exportOptions{config: config{cmd: command.Export}}
	if runF == nil {
		runF = exportRun
	}
	return inv.runCommand(&o.config, exportText, func(d *flagDefs) {
		d.in(groupIO)
		shows(d.str(&o.output, "output", "o", "", "FILE", `the subscribers CSV, created at the first page; "-" writes standard output`), shownRequired)
		d.boolean(&o.overwrite, "overwrite", "", "replace --output, --report or --summary-json if it exists")
		d.in(groupSelect)
		d.strings(&o.customerIDs, "customer-id", "ID", "the subscribers of this customer (repeatable)")
		d.strings(&o.externalIDs, "external-customer-id", "X", "the subscribers of the customer with this externalId, the partner's own id (repeatable)")
		d.boolean(&o.all, "all-customers", "", "the subscribers of every customer the token sees: the customers are listed first")
		d.str(&o.status, "status", "", "", "S", "only subscribers in this status, e.g. provisioned or pending_user_migration")
		d.str(&o.after, "after", "", "", "TIME", "only subscribers created after TIME: epoch milliseconds or ISO 8601 (2026-01-31T00:00:00Z)")
		o.use(d, &o.apiFlags, &o.reportFlags)
	}, o.check, func(ctx context.Context) (int, error) { return runF(ctx, o, inv.env) })
}

// check refuses what export cannot do before anything is sent.
func (o *exportOptions) check() error {
	n := len(o.customerIDs) + len(o.externalIDs)
	switch {
	case o.all && n > 0:
		return usagef("--all-customers lists every customer: give it alone, or name customers with --customer-id / --external-customer-id")
	case !o.all && n == 0:
		return usagef("export needs what to list: --customer-id ID, --external-customer-id X or --all-customers")
	case o.output == "":
		return usagef("--output is required: where to write the subscribers (\"-\" for standard output)")
	case o.retryFile != "" || o.retryFailed:
		return usagef("export has no --retry-file or --retry-failed: a page that fails stops the run, and running it again lists everything anew")
	}
	for _, id := range append(append([]string{}, o.customerIDs...), o.externalIDs...) {
		if strings.TrimSpace(id) == "" {
			return usagef("--customer-id and --external-customer-id need a value that is not blank")
		}
	}
	if o.after != "" {
		if _, err := strconv.ParseInt(o.after, 10, 64); err != nil {
			if _, err := time.Parse(time.RFC3339, o.after); err != nil {
				return usagef("--after %q: give epoch milliseconds (1767225600000) or ISO 8601 (2026-01-01T00:00:00Z)", o.after)
			}
		}
	}
	return nil
}

// exportRun lists the subscribers page by page into the file: each page is
// written and flushed as it arrives, so memory stays that of one page and
// an interrupted export keeps what it had.
func exportRun(ctx context.Context, o *exportOptions, env Env) (int, error) {
	j, err := newListJob(&o.config, env)
	if err != nil {
		return ExitUsage, err
	}
	defer j.close()
	e := &tasks.Exporter{Client: j.client, All: o.all, Filter: webex.SubscriberFilter{Status: o.status, After: o.after}}
	for _, id := range o.customerIDs {
		e.Customers = append(e.Customers, webex.SubscriberFilter{CustomerID: strings.TrimSpace(id)})
	}
	for _, x := range o.externalIDs {
		e.Customers = append(e.Customers, webex.SubscriberFilter{ExternalCustomerID: strings.TrimSpace(x)})
	}
	w := &exportWriter{open: func() (io.Writer, func() error, error) { return openOutput(&o.config, env) }}
	runErr := e.Run(ctx, func(subs []webex.Subscriber) error {
		if err := w.page(subs); err != nil {
			return err
		}
		for _, s := range subs {
			j.sum.Add(pipeline.Result{Row: &pipeline.Row{Fields: pipeline.Fields{Email: s.Email, CustomerID: s.CustomerID}},
				Outcome: command.Exported, Final: true, HTTPStatus: 200, Attempts: 1})
			j.bar.add()
		}
		return nil
	})
	if runErr == nil {
		runErr = w.page(nil) // a header alone when nothing was listed
	}
	j.bar.finish()
	closeErr := w.close()
	j.made = w.out != nil
	return j.finishList(ctx, errors.Join(runErr, closeErr), w.rows)
}

// exportWriter writes the file: created at the first page (a run refused
// by its first request leaves none), the header with it, each page
// flushed.
type exportWriter struct {
	open    func() (io.Writer, func() error, error)
	out     gocsv.CSVWriter
	buf     *bufio.Writer
	closeFn func() error
	rows    int
}

func (w *exportWriter) page(subs []webex.Subscriber) error {
	recs := make([]tasks.ExportRecord, len(subs))
	for i, s := range subs {
		recs[i] = tasks.Record(w.rows+i+2, s)
	}
	if w.out == nil {
		f, closeFn, err := w.open()
		if err != nil {
			return err
		}
		w.buf, w.closeFn = bufio.NewWriter(f), closeFn
		w.out = safeCells{csv.NewWriter(w.buf)}
		if err := gocsv.MarshalCSV(recs, w.out); err != nil {
			return err
		}
	} else if len(recs) > 0 {
		if err := gocsv.MarshalCSVWithoutHeaders(recs, w.out); err != nil {
			return err
		}
	}
	w.rows += len(recs)
	return w.buf.Flush()
}

// safeCells writes each cell as the result files do (sheet.SafeCell): a
// value Excel would run as a formula gets a leading quote, which the input
// reader takes off again.
type safeCells struct{ *csv.Writer }

func (s safeCells) Write(rec []string) error {
	for i := range rec {
		rec[i] = sheet.SafeCell(rec[i], false)
	}
	return s.Writer.Write(rec)
}

func (w *exportWriter) close() error {
	if w.closeFn == nil {
		return nil
	}
	return errors.Join(w.buf.Flush(), w.closeFn())
}

// newListJob is newJob for a command that reads no input: its outputs
// checked, locked and not replaced, the API connected.
func newListJob(cfg *config, env Env) (*job, error) {
	j := startJob(cfg, env)
	ok := false
	defer func() {
		if !ok {
			j.close()
		}
	}()
	if err := j.claimOutputs(); err != nil {
		return nil, err
	}
	if err := j.connect(cfg, env); err != nil {
		return nil, err
	}
	j.sum = report.NewSummary(cfg.cmd)
	if cfg.reportFile != "" {
		j.fails = report.NewFailures(cfg.cmd, 0)
	}
	j.bar = newProgress(cfg, env, j.con, -1)
	ok = true
	return j, nil
}

// finishList writes the artefacts and the summary of a listing run, and
// decides its exit code: 3 when the listing stopped early (an interrupt,
// a 401, a page that failed), with what was written called partial.
func (j *job) finishList(ctx context.Context, runErr error, rows int) (int, error) {
	code := exitCode(j.sum, false)
	if runErr != nil {
		code = ExitAborted
		if ctx.Err() != nil {
			runErr = pipeline.ErrInterrupted
		}
	}
	facts := j.facts(runErr)
	written, sideErrs := j.writeArtefacts(facts, code)
	facts.Files = written
	var sum strings.Builder
	j.sum.Print(&sum, facts)
	fmt.Fprint(j.stderr, sum.String())
	for _, e := range sideErrs {
		fmt.Fprintf(j.env.Stderr, "wholesale-batch: warning: %s\n", e)
	}
	if runErr == nil {
		return code, nil
	}
	where := "no file was written"
	if j.made {
		where = fmt.Sprintf("%s holds the %d subscribers listed before it stopped", j.cfg.output, rows)
	}
	if errors.Is(runErr, pipeline.ErrInterrupted) {
		return code, fmt.Errorf("interrupted: the export is partial: %s; run it again for all", where)
	}
	return code, fmt.Errorf("the export is partial: %s: %w", where, runErr)
}

// exportText is its help.
var exportText = commandText{
	short: "list subscribers into a CSV the other commands take as input",
	long: `Read-only. Lists the subscribers of the customers named by --customer-id or
--external-customer-id, or of every customer the token sees (--all-customers, which lists the
customers first), 100 a page through the one rate limiter, and writes them as they arrive, laid out
as a result file of status: line, email, provision_result (as status writes it), error_codes and
message (the errors the subscriber carries), subscriber_id, subscriber_status, last_status_change,
export_result, then input_email, customerId, externalCustomerId, package, personId and created. The file is input
for status, resend-consent and remove. An interrupt
keeps the pages written and says the export is partial (exit 3).`,
	usage: "wholesale-batch export --customer-id ID | --external-customer-id X | --all-customers --output FILE [flags]",
	examples: `  wholesale-batch export --customer-id Y2lzY29... --output subscribers.csv
  wholesale-batch export --all-customers --status pending_user_migration -o pending.csv
  wholesale-batch export --external-customer-id acme-001 --after 2026-01-01T00:00:00Z -o new.csv`,
	exit: `Exit codes: 0 every subscriber listed was written, 2 usage error (nothing sent), 3 the listing
stopped early (interrupt, 401, a page that kept failing): the file holds what was listed and is
partial.`,
}
