package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/sheet"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

type mode int

const (
	modePrecheck mode = iota
	modeValidate
	modeProvision
)

func (m mode) String() string {
	switch m {
	case modeValidate:
		return "validate"
	case modeProvision:
		return "provision"
	}
	return "precheck"
}

// config is everything a batch run needs, parsed from flags.
type config struct {
	mode          mode
	input, output string
	baseURL       string
	rate          float64
	concurrency   int
	customerID    string
	pkg           string
	onBehalfOf    string
	timeout       time.Duration
	noProgress    bool
	tokenFile     string
	sandbox       bool
	maxRetries    int
	maxRetryAfter time.Duration
	resume, force bool
	delimiter     rune
	maps          []columnMap
	country       string
	existingCall  bool
	excel         bool
	reportFile    string
	summaryJSON   string
	retryFile     string
	retryFailed   bool
	quiet         bool
	logFormat     string
	logLevel      string
	flags         *flag.FlagSet
	acceptPending bool
	yes           bool
	maxProvision  int64
	plan          string
	planMaxAge    time.Duration
	wait          bool
	waitTimeout   time.Duration
	abortRate     float64
	abortAfter    int
	args          []string // as given, for the resume command
}

// Defaults: Webex publishes no numeric limit, so we start polite and let
// 429s and Retry-After tell us more.
const (
	defaultRate    = 10.0
	maxAutoWorkers = 512
)

func newFlagSet(m mode, cfg *config, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(m.String(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.input, "input", "", "input CSV `file` (\"-\" = standard input)")
	fs.StringVar(&cfg.output, "output", "", "result CSV `file` (\"-\" = standard output)")
	fs.StringVar(&cfg.customerID, "customer-id", "", "customerId for rows whose customerId cell is blank")
	fs.StringVar(&cfg.pkg, "package", "", "package for rows whose package cell is blank (e.g. webex_calling)")
	fs.BoolVar(&cfg.noProgress, "no-progress", false, "no progress bar (it is shown only when stderr is a terminal)")
	fs.Func("delimiter", "input delimiter: , ; tab or | (default: sniffed from the header line)", func(v string) error {
		d, err := parseDelimiter(v)
		cfg.delimiter = d
		return err
	})
	fs.Var(mapFlag{&cfg.maps}, "map", "map an input column to one of ours, e.g. \"Work Phone=primaryPhoneNumber\" (repeatable)")
	fs.StringVar(&cfg.country, "default-country", "US", "country (ISO code) of phone numbers written without a country code")
	fs.BoolVar(&cfg.existingCall, "existing-calling", false, "the users already have Webex Calling: calling packages need no phone number or extension")
	fs.BoolVar(&cfg.excel, "excel", false, "write the result for Excel: UTF-8 BOM, CRLF, phone numbers kept as text")
	fs.StringVar(&cfg.reportFile, "report", "", "also write a self-contained HTML report to this `file`")
	fs.StringVar(&cfg.summaryJSON, "summary-json", "", "also write a machine-readable run manifest (JSON) to this `file`")
	fs.StringVar(&cfg.retryFile, "retry-file", "", "write the rows that ended in error, in the input's own format, to this `file`")
	fs.BoolVar(&cfg.retryFailed, "retry-failed", false, "with --retry-file: also the rows the API refused for a data reason")
	fs.BoolVar(&cfg.quiet, "quiet", false, "print only errors (for cron): no summary, no warnings")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&cfg.logLevel, "log-level", "warn", "log level: debug (a line per row, request bodies), info (retries), warn (429s), error")
	if m == modeValidate {
		return fs
	}
	fs.StringVar(&cfg.baseURL, "base-url", webex.DefaultBaseURL, "API base `URL`; requests go to {base}/wholesale/subscribers/validate")
	fs.Float64Var(&cfg.rate, "rate", defaultRate, "requests per second across all workers, retries included (0 = unlimited)")
	fs.IntVar(&cfg.concurrency, "concurrency", 0, "requests in flight at most (0 = enough to keep --rate at up to 10 s latency, at most 512)")
	fs.StringVar(&cfg.onBehalfOf, "on-behalf-of", "", "sub-partner org `id`, sent as onBehalfOfSubPartnerOrgId")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.StringVar(&cfg.tokenFile, "token-file", "", "read the API token from this `file` (mode 600) instead of $WEBEX_TOKEN")
	fs.BoolVar(&cfg.sandbox, "sandbox", false, "run against a built-in fake of the API on loopback: no token, no network")
	fs.IntVar(&cfg.maxRetries, "max-retries", 5, "retries per row for 429, 423, 5xx, timeouts and resets")
	fs.DurationVar(&cfg.maxRetryAfter, "max-retry-after", 60*time.Second, "cap on a server's Retry-After")
	fs.Float64Var(&cfg.abortRate, "abort-error-rate", 0.5, "stop (exit 3) when more than this share of the first --abort-after rows sent end in error")
	fs.IntVar(&cfg.abortAfter, "abort-after", 20, "how many first rows the error-rate breaker judges (0 = no breaker)")
	if m == modeProvision {
		fs.BoolVar(&cfg.yes, "yes", false, "do not ask for confirmation before provisioning (required when no one is at the terminal)")
		fs.Int64Var(&cfg.maxProvision, "max-provision", 0, "provision at most this many rows (0 = all that pass)")
		fs.StringVar(&cfg.plan, "plan", "", "a precheck result `file` to provision from: its passed rows are not prechecked again while unchanged and fresh")
		fs.DurationVar(&cfg.planMaxAge, "plan-max-age", 7*24*time.Hour, "with --plan: a precheck older than this is done again")
		fs.BoolVar(&cfg.wait, "wait", false, "follow each new subscriber until its status is final (or --wait-timeout)")
		fs.DurationVar(&cfg.waitTimeout, "wait-timeout", 5*time.Minute, "with --wait: how long to follow one subscriber")
		fs.BoolVar(&cfg.acceptPending, "accept-pending", false, "count pending_user_migration (consent email sent) as done for the exit code")
	}
	fs.BoolVar(&cfg.resume, "resume", false, "continue an interrupted or crashed run into the same --output: rows already done are not sent again")
	fs.BoolVar(&cfg.force, "force", false, "with --resume: resume even though the input file changed")
	return fs
}

func parseDelimiter(v string) (rune, error) {
	switch strings.ToLower(v) {
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "tab", "\\t", "\t":
		return '\t', nil
	case "|", "pipe":
		return '|', nil
	}
	return 0, fmt.Errorf("%q is not a delimiter we read: use , ; tab or |", v)
}

// encodingNote says how the input was read when it was not plain UTF-8,
// and warns about bytes that could not be decoded.
func encodingNote(in *input) string {
	var parts []string
	switch enc := in.dec.Encoding(); enc {
	case sheet.UTF8, sheet.UTF8BOM:
	case sheet.Windows1252:
		parts = append(parts, "read as Windows-1252 (the file is not valid UTF-8; check accented names)")
	default:
		parts = append(parts, "read as "+string(enc))
	}
	if n := in.dec.Replaced(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d characters could not be decoded (first on line %d) and show as \uFFFD", n, in.dec.FirstReplacedLine()))
	}
	return strings.Join(parts, "; ")
}

var examples = map[mode]string{
	modePrecheck: `Examples:
  export WEBEX_TOKEN=...     # or --token-file ~/.webex-token
  wholesale-batch precheck --input subscribers.csv --output results.csv --customer-id ID --package webex_calling
  wholesale-batch precheck --sandbox --input samples/subscribers.csv --output results.csv
  wholesale-batch precheck --input big.csv --output results.csv --rate 5 --no-progress
`,
	modeProvision: `Prechecks every valid row, shows what will be provisioned (rows per customer and
package) and asks, then provisions the rows that passed, each exactly once: a request whose answer
is lost is never simply sent again; the subscriber is looked up first. Interrupted or crashed runs
continue with --resume.

Examples:
  wholesale-batch provision --input subs.csv --output results.csv --customer-id ID       # asks to confirm
  wholesale-batch provision --input subs.csv --output results.csv --yes --wait           # unattended
  wholesale-batch precheck  --input subs.csv --output plan.csv                            # Monday: sales
  wholesale-batch provision --plan plan.csv --output results.csv --yes                    # Tuesday: ops
`,
	modeValidate: `Checks the file offline (no token, no network) and writes the same result format:
precheck_result is "invalid" for rows that would be refused, empty for rows that would be sent.

Examples:
  wholesale-batch validate --input sales.csv --output checked.csv
`,
}

func printUsage(w io.Writer, fs *flag.FlagSet, m mode) {
	fmt.Fprintf(w, "Usage: wholesale-batch %s --input FILE --output FILE [flags]\n\n%s\nFlags:\n", m, examples[m])
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func parse(m mode, args []string, env Env) (*config, error) {
	cfg := &config{mode: m, args: append([]string{m.String()}, args...)}
	fs := newFlagSet(m, cfg, env)
	cfg.flags = fs
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(env.Stdout, fs, m)
			return nil, flag.ErrHelp
		}
		return nil, usagef("%v (see wholesale-batch %s --help)", err, m)
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q: the input file goes in --input", fs.Arg(0))
	}
	if cfg.plan != "" {
		if cfg.input != "" && cfg.input != cfg.plan {
			return nil, usagef("give --plan or --input, not both: the plan is the input")
		}
		cfg.input = cfg.plan
	}
	if cfg.input == "" {
		return nil, usagef("--input is required: the CSV of subscribers (see wholesale-batch %s --help)", m)
	}
	if m == modeProvision && (cfg.input == "-" || cfg.output == "-") {
		return nil, usagef("provision needs --input and --output files, not \"-\": it reads the input twice and keeps its journal beside the output")
	}
	if cfg.output == "" {
		return nil, usagef("--output is required: where to write the per-row results (\"-\" for standard output)")
	}
	if !check.KnownCountry(cfg.country) {
		return nil, usagef("--default-country %q is not one we know the numbering of; use one of %s, or write numbers with +country code", cfg.country, strings.Join(check.Countries(), " "))
	}
	if cfg.pkg != "" {
		p, _, err := check.Package(cfg.pkg)
		if err != nil {
			return nil, usagef("--package: %v", err)
		}
		cfg.pkg = p
	}
	if cfg.logFormat != "text" && cfg.logFormat != "json" {
		return nil, usagef("--log-format must be text or json, got %q", cfg.logFormat)
	}
	if _, err := parseLevel(cfg.logLevel); err != nil {
		return nil, usagef("--log-level: %v", err)
	}
	if cfg.rate < 0 {
		return nil, usagef("--rate must be 0 (unlimited) or more, got %g", cfg.rate)
	}
	if cfg.concurrency < 0 {
		return nil, usagef("--concurrency must be 0 (automatic) or more, got %d", cfg.concurrency)
	}
	if cfg.abortRate < 0 || cfg.abortRate > 1 {
		return nil, usagef("--abort-error-rate is a share between 0 and 1, got %g", cfg.abortRate)
	}
	if cfg.maxRetries < 0 {
		return nil, usagef("--max-retries must be 0 or more, got %d", cfg.maxRetries)
	}
	return cfg, nil
}

// workers sizes the pool. The shared limiter releases requests at --rate,
// so requests in flight settle at rate x latency whatever the pool size: the
// pool is only a ceiling, and it is set so that a slow server (up to 10 s,
// or --timeout if shorter) never makes concurrency the bottleneck.
func (c *config) workers() int {
	if c.concurrency > 0 {
		return c.concurrency
	}
	if c.rate == 0 {
		return 32 // unlimited: enough to keep a fast server busy on 2 cores
	}
	hide := min(c.timeout, 10*time.Second)
	n := int(math.Ceil(c.rate * hide.Seconds()))
	return min(max(n, 4), maxAutoWorkers)
}

func runBatch(ctx context.Context, m mode, args []string, env Env) (int, error) {
	cfg, err := parse(m, args, env)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK, nil
	}
	if err != nil {
		return ExitUsage, err
	}
	return execute(ctx, cfg, env)
}

func stopReason(err error) string {
	if errors.Is(err, pipeline.ErrInterrupted) {
		return "interrupted: rows waiting for their turn were not sent (written not_sent), rows not reached are not in the results; --resume sends both"
	}
	return err.Error()
}

// exitCode is 0 only when every row reached the goal of the command.
func exitCode(m mode, s *report.Summary, acceptPending bool) int {
	ok := false
	switch m {
	case modeValidate:
		ok = s.Outcomes[pipeline.Invalid] == 0
	case modeProvision:
		done := s.Provision[pipeline.Provisioned]
		if acceptPending {
			done += s.Provision[pipeline.Pending]
		}
		ok = done == s.Rows
	default:
		ok = s.Outcomes[pipeline.Passed] == s.Rows
	}
	if ok {
		return ExitOK
	}
	return ExitPartial
}

// validateOnly is the worker of an offline run: rows with problems are
// invalid, the others would be sent.
func validateOnly(_ context.Context, r *pipeline.Row) pipeline.Result {
	if len(r.Problems) > 0 {
		return pipeline.Invalidated(r)
	}
	return pipeline.Result{Row: r, Final: true}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// openOutput creates the result file only now, after every check that can
// refuse the run, so a refused run leaves no empty file behind.
func openOutput(cfg *config, env Env) (io.Writer, func() error, error) {
	if cfg.output == "-" {
		return env.Stdout, func() error { return nil }, nil
	}
	f, err := createPrivate(cfg.output)
	if err != nil {
		return nil, nil, usagef("cannot create the output: %v", unwrapPath(err))
	}
	// Synced before the journal is removed: after a power loss the
	// results are on disk, or the journal still is.
	closeFn := func() error {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if err := f.Sync(); err != nil {
				f.Close()
				return err
			}
		}
		return f.Close()
	}
	return f, closeFn, nil
}

func sameFile(a, b string) bool {
	if a == "-" || b == "-" {
		return false
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
