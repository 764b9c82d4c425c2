package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
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
	modeStatus  // follow-up: look each subscriber up
	modeConsent // follow-up: resend-consent
	modeRemove  // follow-up: undo a run
)

func (m mode) String() string {
	switch m {
	case modeValidate:
		return "validate"
	case modeProvision:
		return "provision"
	case modeStatus:
		return "status"
	case modeConsent:
		return "resend-consent"
	case modeRemove:
		return "remove"
	}
	return "precheck"
}

// followUp reports whether m acts on subscribers an earlier run made.
func (m mode) followUp() bool { return m == modeStatus || m == modeConsent || m == modeRemove }

// confirms reports whether m changes things and so asks first (or --yes).
func (m mode) confirms() bool { return m == modeProvision || m == modeConsent || m == modeRemove }

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
	credentials   string
	sandbox       bool
	maxRetries    int
	retryFor      time.Duration
	maxRetryAfter time.Duration
	resume, force bool
	delimiter     rune
	maps          []columnMap
	country       string
	existingCall  bool
	excel         bool
	sheet, format string // --sheet of an .xlsx input, --format of the result
	overwrite     bool
	reportFile    string
	summaryJSON   string
	retryFile     string
	retryFailed   bool
	quiet         bool
	logFormat     string
	logLevel      string
	flags         *pflag.FlagSet // as parsed, for the manifest
	acceptPending bool
	yes           bool
	maxProvision  int64
	maxRemove     int64
	canary        int
	rowsSpec      string
	encoding      sheet.Encoding
	forCmd        string // validate --for: the command whose requirements to check
	matchSpecs    []string
	skipSpecs     []string
	sel           selection
	olderThan     time.Duration
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

// newFlagSet defines the flags of mode m into cfg, grouped for help (see
// flagDefs): the one definition both the command's help and parse use.
func newFlagSet(m mode, cfg *config) *pflag.FlagSet {
	fs := pflag.NewFlagSet(m.String(), pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false // help shows them grouped, in this order
	d := &flagDefs{fs: fs}

	d.in(groupIO)
	if m == modeProvision {
		shows(d.str(&cfg.input, "input", "i", "", "FILE", "input CSV"), shownRequired+" unless --plan")
		shows(d.str(&cfg.output, "output", "o", "", "FILE", "result CSV, created only once every check has passed"), shownRequired)
	} else {
		shows(d.str(&cfg.input, "input", "i", "", "FILE", `input CSV; "-" reads standard input`), shownRequired)
		shows(d.str(&cfg.output, "output", "o", "", "FILE", `result CSV, created only once every check has passed; "-" writes standard output`), shownRequired)
	}
	shows(d.value(&delimiterValue{r: &cfg.delimiter}, "delimiter", "CHAR", "input delimiter: , ; tab or |"), "sniffed")
	shows(d.value(&encodingValue{e: &cfg.encoding}, "encoding", "NAME", "input encoding or code page when detection cannot tell or gets it wrong: "+sheet.EncodingNames), "detected")
	d.value(&mapValue{maps: &cfg.maps}, "map", "HEADER=COLUMN", `map an input column to one of ours, e.g. "Work Phone=primaryPhoneNumber" (repeatable)`)
	d.str(&cfg.sheet, "sheet", "", "", "NAME", "the worksheet of an .xlsx input to read (default: the first)")
	d.str(&cfg.format, "format", "", "", "FORMAT", "the result file's format: csv or xlsx (default: by --output's extension)")
	d.boolean(&cfg.excel, "excel", "", "write the result for Excel: UTF-8 BOM, CRLF, E.164 numbers kept as text")
	d.boolean(&cfg.overwrite, "overwrite", "", "replace --output, --report, --summary-json or --retry-file if it exists (a run never replaces an earlier run's file without it; --resume continues its own)")

	d.in(groupSelect)
	d.str(&cfg.rowsSpec, "rows", "", "", "SPEC", "only these lines, as the result file numbers them (header = 1): e.g. 2-500,750")
	d.strings(&cfg.matchSpecs, "match", "COLUMN=REGEX", "only rows whose COLUMN (its heading or our column name) matches REGEX (repeatable: all must match)")
	d.strings(&cfg.skipSpecs, "skip", "COLUMN=REGEX", "not the rows whose COLUMN matches REGEX (repeatable: any skips)")

	if m == modeConsent || m == modeRemove {
		d.in(groupProvision)
		d.boolean(&cfg.yes, "yes", "y", "no confirmation prompt (required when standard input is not a terminal)")
		if m == modeConsent {
			d.duration(&cfg.olderThan, "older-than", 72*time.Hour, "only subscribers pending for longer than this")
		} else {
			shows(d.int64(&cfg.maxRemove, "max-remove", 0, "remove at most N subscribers; the rest are skipped"), "all")
		}
	}
	if m == modeProvision {
		d.in(groupProvision)
		d.boolean(&cfg.yes, "yes", "y", "no confirmation prompt (required when standard input is not a terminal)")
		shows(d.int64(&cfg.maxProvision, "max-provision", 0, "provision at most N rows; the rest are skipped"), "all")
		d.str(&cfg.plan, "plan", "", "", "FILE", "an earlier precheck result file, instead of --input: its passed rows that are unchanged (request_hash) and fresh are not prechecked again")
		d.duration(&cfg.planMaxAge, "plan-max-age", 7*24*time.Hour, "with --plan: older prechecks are done again")
		d.boolean(&cfg.wait, "wait", "", "follow each new subscriber until its status is final")
		d.duration(&cfg.waitTimeout, "wait-timeout", 5*time.Minute, "with --wait: how long to follow one subscriber")
		d.boolean(&cfg.acceptPending, "accept-pending", "", "count pending (consent email sent) as done for the exit code")
		d.integer(&cfg.canary, "canary", 0, "provision each customer's first N rows that passed first; its other rows go only if all N end provisioned or pending")
	}

	if !m.followUp() {
		d.in(groupRows)
		d.str(&cfg.customerID, "customer-id", "", "", "ID", "customerId for rows whose cell is blank")
		d.str(&cfg.pkg, "package", "", "", "NAME", `package for rows whose cell is blank (human wordings such as "Webex Calling" are accepted)`)
		d.str(&cfg.country, "default-country", "", "US", "CC", "country (ISO code) of phone numbers written without +country code")
		d.boolean(&cfg.existingCall, "existing-calling", "", "the users already have Webex Calling: calling packages need no number or extension")
	}
	if m == modeValidate {
		d.str(&cfg.forCmd, "for", "", "precheck", "COMMAND", "check what COMMAND will require: precheck, or provision (also a customer and a package for every row)")
	}

	if m != modeValidate {
		d.in(groupAPI)
		d.str(&cfg.baseURL, "base-url", "", webex.DefaultBaseURL, "URL", "API base: requests go to {base}/wholesale/subscribers/...; plain http:// only to loopback")
		d.str(&cfg.credentials, "credentials", "", "", "FILE", "an integration's or service app's client id, secret and refresh token (JSON, mode 600): access tokens are refreshed as they expire, the file keeps the rotated refresh token; wins over --token-file and $WEBEX_TOKEN")
		d.str(&cfg.tokenFile, "token-file", "", "", "FILE", "read the token from a file (refused if world-readable) instead of $WEBEX_TOKEN; wins over $WEBEX_TOKEN")
		d.boolean(&cfg.sandbox, "sandbox", "", "run against the built-in fake API on loopback: no token, no network")
		d.str(&cfg.onBehalfOf, "on-behalf-of", "", "", "ID", "sub-partner org, sent as onBehalfOfSubPartnerOrgId")
		d.float(&cfg.rate, "rate", defaultRate, "N", "requests per second, all workers and retries included (0 = unlimited); lowered on 429, probed back up")
		shows(d.integer(&cfg.concurrency, "concurrency", 0, "requests in flight at most; auto keeps --rate at up to 10 s latency (or --timeout), at most 512"), "auto")
		d.duration(&cfg.timeout, "timeout", 30*time.Second, "per request")
		d.integer(&cfg.maxRetries, "max-retries", 5, "retries per row for 429, 423, 500, 502, 503, 504, timeouts and resets (never other 4xx), whatever the run's health")
		d.duration(&cfg.retryFor, "retry-for", 2*time.Minute, "past --max-retries, a row keeps retrying those faults while its streak is bad luck in a healthy run (under half of the last 10 s of requests failing), up to this long after its first attempt; 0 = stop at --max-retries (the default when only --max-retries is given)")
		d.duration(&cfg.maxRetryAfter, "max-retry-after", 60*time.Second, "cap on a server's Retry-After")
		d.float(&cfg.abortRate, "abort-error-rate", 0.5, "R", "stop (exit 3) when more than R of the first --abort-after rows sent end in error")
		d.integer(&cfg.abortAfter, "abort-after", 20, "how many first rows the error-rate breaker judges (0 = no breaker)")
	}

	d.in(groupReports)
	d.str(&cfg.reportFile, "report", "", "", "FILE", "one self-contained HTML page: what to fix first (problems grouped by kind, each fix once), counts, charts, the first rows of each kind with their own fix")
	d.str(&cfg.summaryJSON, "summary-json", "", "", "FILE", "run manifest (JSON) for machines: version, times, redacted command line, input SHA-256, config, counts, codes, rates, exit code")
	d.str(&cfg.retryFile, "retry-file", "", "", "FILE", "the rows that ended in error, in the input's own format; rows a --resume will send are left out")
	d.boolean(&cfg.retryFailed, "retry-failed", "", "with --retry-file: also the rows the API refused for a data reason")
	d.boolean(&cfg.quiet, "quiet", "q", "only errors on stderr (for cron): no summary, no warnings")
	d.str(&cfg.logFormat, "log-format", "", "auto", "FORMAT", "log/slog logs on stderr: text (logfmt), json, or auto: sentences in a terminal, text elsewhere")
	d.str(&cfg.logLevel, "log-level", "", "warn", "LEVEL", "debug (every row and request body), info (retries), warn (429s) or error")
	d.boolean(&cfg.noProgress, "no-progress", "", "no progress bar (it is shown only when stderr is a terminal)")

	if m != modeValidate {
		d.in(groupResume)
		d.boolean(&cfg.resume, "resume", "", "continue an interrupted or crashed run into the same --output: rows done are not sent again")
		d.boolean(&cfg.force, "force", "", "with --resume: resume although the input changed")
	}
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
	if in.book != nil {
		return workbookNote(in)
	}
	var parts []string
	switch enc := in.dec.Encoding(); enc {
	case sheet.UTF8, sheet.UTF8BOM:
	case sheet.Windows1252:
		parts = append(parts, "read as Windows-1252 (the file is not valid UTF-8; check accented names, or give --encoding)")
	case sheet.MacRoman:
		parts = append(parts, "read as Mac Roman (old Excel for Mac; check accented names, or give --encoding)")
	default:
		parts = append(parts, "read as "+enc.Title())
	}
	if in.dec.CtrlZ() {
		parts = append(parts, "the Ctrl-Z (MS-DOS end-of-file mark) after the last line was dropped")
	}
	if n := in.dec.Replaced(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d characters could not be decoded (first on line %d) and show as \uFFFD", n, in.dec.FirstReplacedLine()))
	}
	return strings.Join(parts, "; ")
}

// check checks the values of a run's flags against each other; cobra has
// already parsed them (and reported unknown flags and bad values).
func (cfg *config) check() error {
	m := cfg.mode
	if err := cfg.checkWorkbook(); err != nil {
		return err
	}
	if cfg.rowsSpec != "" {
		r, err := parseRows(cfg.rowsSpec)
		if err != nil {
			return usagef("%v", err)
		}
		cfg.sel.rows = r
	}
	for _, spec := range cfg.matchSpecs {
		r, err := parseRule("--match", spec)
		if err != nil {
			return usagef("%v", err)
		}
		cfg.sel.match = append(cfg.sel.match, r)
	}
	for _, spec := range cfg.skipSpecs {
		r, err := parseRule("--skip", spec)
		if err != nil {
			return usagef("%v", err)
		}
		cfg.sel.skip = append(cfg.sel.skip, r)
	}
	if cfg.plan != "" {
		if cfg.input != "" && cfg.input != cfg.plan {
			return usagef("give --plan or --input, not both: the plan is the input")
		}
		cfg.input = cfg.plan
	}
	if cfg.input == "" {
		return usagef("--input is required: the CSV of subscribers (see wholesale-batch %s --help)", m)
	}
	if m == modeProvision && (cfg.input == "-" || cfg.output == "-") {
		return usagef("provision needs --input and --output files, not \"-\": it reads the input twice and keeps its journal beside the output")
	}
	if (m == modeConsent || m == modeRemove) && (cfg.input == "-" || cfg.output == "-") {
		return usagef("%s needs --input and --output files, not \"-\": it keeps its journal beside the output, so that nothing is done twice", m)
	}
	if cfg.output == "" {
		return usagef("--output is required: where to write the per-row results (\"-\" for standard output)")
	}
	if !m.followUp() && !check.KnownCountry(cfg.country) {
		return usagef("--default-country %q is not one we know the numbering of; use %s, or write numbers with +country code", cfg.country, check.CountryHint())
	}
	if cfg.forCmd != "" && cfg.forCmd != "precheck" && cfg.forCmd != "provision" {
		return usagef("--for must be precheck or provision, got %q", cfg.forCmd)
	}
	if cfg.pkg != "" {
		p, _, err := check.Package(cfg.pkg)
		if err != nil {
			return usagef("--package: %v", err)
		}
		cfg.pkg = p
	}
	if cfg.logFormat != "text" && cfg.logFormat != "json" && cfg.logFormat != "auto" {
		return usagef("--log-format must be text, json or auto, got %q", cfg.logFormat)
	}
	if _, err := parseLevel(cfg.logLevel); err != nil {
		return usagef("--log-level: %v", err)
	}
	if cfg.rate < 0 {
		return usagef("--rate must be 0 (unlimited) or more, got %g", cfg.rate)
	}
	if cfg.concurrency < 0 {
		return usagef("--concurrency must be 0 (automatic) or more, got %d", cfg.concurrency)
	}
	if cfg.abortRate < 0 || cfg.abortRate > 1 {
		return usagef("--abort-error-rate is a share between 0 and 1, got %g", cfg.abortRate)
	}
	if cfg.maxProvision < 0 {
		return usagef("--max-provision must be 1 or more (leave it out for no limit), got %d", cfg.maxProvision)
	}
	if cfg.maxRemove < 0 {
		return usagef("--max-remove must be 1 or more (leave it out for no limit), got %d", cfg.maxRemove)
	}
	if cfg.canary < 0 {
		return usagef("--canary must be 0 (none) or more, got %d", cfg.canary)
	}
	if cfg.maxRetries < 0 {
		return usagef("--max-retries must be 0 or more, got %d", cfg.maxRetries)
	}
	if cfg.retryFor < 0 {
		return usagef("--retry-for must be 0 (stop at --max-retries) or more, got %v", cfg.retryFor)
	}
	// A user who names a number of retries means it, unless they also
	// give the time.
	if cfg.flags != nil && cfg.flags.Changed("max-retries") && !cfg.flags.Changed("retry-for") {
		cfg.retryFor = 0
	}
	return nil
}

// limitZero reports --max-provision 0 or --max-remove 0 given: none may
// go, which a run refuses with the count rather than read as "no limit".
func (c *config) limitZero() bool {
	if c.flags == nil {
		return false
	}
	switch c.mode {
	case modeProvision:
		return c.flags.Changed("max-provision") && c.maxProvision == 0
	case modeRemove:
		return c.flags.Changed("max-remove") && c.maxRemove == 0
	}
	return false
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

func stopReason(err error) string {
	if errors.Is(err, pipeline.ErrInterrupted) {
		return "interrupted: rows waiting for their turn were not sent (written not_sent), rows stopped between attempts are error (the server may have acted), rows not reached are not in the results; --resume finishes them all"
	}
	return err.Error()
}

// exitCode is 0 only when every row reached the goal of the command (see
// the README's table of outcomes). capped counts the rows remove skipped
// for --max-remove only: they are still there.
func exitCode(m mode, s *report.Summary, acceptPending bool, capped int) int {
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
	case modeStatus:
		ok = s.Provision[pipeline.Provisioned] == s.Rows
	case modeConsent:
		// Sent, or nothing to send: not pending any more, or pending for
		// less than --older-than. not_found is not the aim reached.
		ok = s.Consent[pipeline.Sent]+s.Consent[pipeline.NotPending]+s.Consent[pipeline.TooRecent] == s.Rows
	case modeRemove:
		// Removed, or skipped as made by no run; not_found (someone else
		// removed it, or a wrong id) and --max-remove's skips are not.
		ok = s.Remove[pipeline.Removed]+s.Remove[pipeline.Skipped]-capped == s.Rows
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
	if ext := r.Fields.ExternalCustomerID; ext != "" && r.Fields.CustomerID == "" {
		r.Notes = append(r.Notes, fmt.Sprintf("customerId: looked up from externalCustomerId %q when sent (validate is offline)", ext))
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
