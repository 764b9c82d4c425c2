package cli

import (
	"time"

	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/sheet"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// optionGroup is a set of flags defined once and added by each command that
// has them (see the command files): add defines them, check checks their
// values once parsed. A group never asks which command it is in.
type optionGroup interface {
	add(d *flagDefs)
	check(fs *pflag.FlagSet) error
}

// stdio says whether --input and --output may be "-".
type stdio int

const (
	stdioAllowed stdio = iota // "-" reads standard input, writes standard output
	filesOnly                 // the command reads its input twice or keeps a journal beside the output
)

// ioFlags are --input, --output and how the input is read and the output
// written.
type ioFlags struct {
	input, output string
	delimiter     rune
	encoding      sheet.Encoding
	maps          []columnMap
	excel         bool
	sheet, format string // --sheet of an .xlsx input, --format of the result
	overwrite     bool
	// from is the sheet the input was made from (sync's plan is made
	// from --input, then read as the input), for the report's title.
	from string
	// stdio is what the command allows; filesWhy says why not, and
	// inputNote adds to --input's default words ("unless --plan").
	stdio     stdio
	filesWhy  string
	inputNote string
}

func (g *ioFlags) add(d *flagDefs) {
	d.in(groupIO)
	in, out := `input CSV; "-" reads standard input`, `result CSV, created only once every check has passed; "-" writes standard output`
	if g.stdio == filesOnly {
		in, out = "input CSV", "result CSV, created only once every check has passed"
	}
	shows(d.str(&g.input, "input", "i", "", "FILE", in), shownRequired+g.inputNote)
	shows(d.str(&g.output, "output", "o", "", "FILE", out), shownRequired)
	shows(d.value(&delimiterValue{r: &g.delimiter}, "delimiter", "CHAR", "input delimiter: , ; tab or |"), "sniffed")
	shows(d.value(&encodingValue{e: &g.encoding}, "encoding", "NAME", "input encoding or code page when detection cannot tell or gets it wrong: "+sheet.EncodingNames), "detected")
	d.value(&mapValue{maps: &g.maps}, "map", "HEADER=COLUMN", `map an input column to one of ours, e.g. "Work Phone=primaryPhoneNumber" (repeatable)`)
	d.str(&g.sheet, "sheet", "", "", "NAME", "the worksheet of an .xlsx input to read (default: the first)")
	d.str(&g.format, "format", "", "", "FORMAT", "the result file's format: csv or xlsx (default: by --output's extension)")
	d.boolean(&g.excel, "excel", "", "write the result for Excel: UTF-8 BOM, CRLF, the input's delimiter, phone numbers kept as text")
	d.boolean(&g.overwrite, "overwrite", "", "replace --output, --report, --summary-json or --retry-file if it exists (a run never replaces an earlier run's file without it; --resume continues its own)")
}

func (g *ioFlags) check(fs *pflag.FlagSet) error {
	if g.input == "" {
		return usagef("--input is required: the CSV of subscribers (see wholesale-batch %s --help)", fs.Name())
	}
	if g.stdio == filesOnly && (g.input == "-" || g.output == "-") {
		return usagef("%s needs --input and --output files, not \"-\": %s", fs.Name(), g.filesWhy)
	}
	if g.output == "" {
		return usagef("--output is required: where to write the per-row results (\"-\" for standard output)")
	}
	return nil
}

// selectFlags choose the rows a run takes.
type selectFlags struct {
	rowsSpec              string
	matchSpecs, skipSpecs []string
	sel                   selection
}

func (g *selectFlags) add(d *flagDefs) {
	d.in(groupSelect)
	d.str(&g.rowsSpec, "rows", "", "", "SPEC", "only these lines, as the result file numbers them (header = 1): e.g. 2-500,750")
	d.strings(&g.matchSpecs, "match", "COLUMN=REGEX", "only rows whose COLUMN (its heading or our column name) matches REGEX (repeatable: all must match)")
	d.strings(&g.skipSpecs, "skip", "COLUMN=REGEX", "not the rows whose COLUMN matches REGEX (repeatable: any skips)")
}

func (g *selectFlags) check(*pflag.FlagSet) error {
	if g.rowsSpec != "" {
		r, err := parseRows(g.rowsSpec)
		if err != nil {
			return usagef("%v", err)
		}
		g.sel.rows = r
	}
	for _, spec := range g.matchSpecs {
		r, err := parseRule("--match", spec)
		if err != nil {
			return usagef("%v", err)
		}
		g.sel.match = append(g.sel.match, r)
	}
	for _, spec := range g.skipSpecs {
		r, err := parseRule("--skip", spec)
		if err != nil {
			return usagef("%v", err)
		}
		g.sel.skip = append(g.sel.skip, r)
	}
	return nil
}

// rowFlags fill and check the values of rows that are sent as data.
type rowFlags struct {
	customerID, pkg, country string
	existingCall             bool
	// complete: every row needs its customerId and package (provision
	// sends them to be made; a precheck is asked without).
	complete bool
}

func (g *rowFlags) add(d *flagDefs) {
	d.in(groupRows)
	d.str(&g.customerID, "customer-id", "", "", "ID", "customerId for rows whose cell is blank")
	d.str(&g.pkg, "package", "", "", "NAME", `package for rows whose cell is blank (human wordings such as "Webex Calling" are accepted)`)
	d.str(&g.country, "default-country", "", "US", "CC", "country (ISO code) of phone numbers written without +country code")
	d.boolean(&g.existingCall, "existing-calling", "", "the users already have Webex Calling: calling packages need no number or extension")
}

func (g *rowFlags) check(*pflag.FlagSet) error {
	if !check.KnownCountry(g.country) {
		return usagef("--default-country %q is not one we know the numbering of; use %s, or write numbers with +country code", g.country, check.CountryHint())
	}
	if g.pkg != "" {
		p, _, err := check.Package(g.pkg)
		if err != nil {
			return usagef("--package: %v", err)
		}
		g.pkg = p
	}
	return nil
}

// apiFlags are where requests go, with what token, how fast, and when a
// run stops for errors.
type apiFlags struct {
	baseURL, credentials, tokenFile string
	sandbox                         bool
	sandboxState                    string // --sandbox-state (sandbox.go)
	onBehalfOf                      string
	rate                            float64
	concurrency                     int
	timeout                         time.Duration
	maxRetries                      int
	retryFor, maxRetryAfter         time.Duration
	abortRate                       float64
	abortAfter                      int
}

func (g *apiFlags) add(d *flagDefs) {
	d.in(groupAPI)
	d.str(&g.baseURL, "base-url", "", webex.DefaultBaseURL, "URL", "API base: requests go to {base}/wholesale/subscribers/...; plain http:// only to loopback")
	d.str(&g.credentials, "credentials", "", "", "FILE", "an integration's or service app's client id, secret and refresh token (JSON, mode 600): access tokens are refreshed as they expire, the file keeps the rotated refresh token; wins over --token-file and $WEBEX_TOKEN")
	d.str(&g.tokenFile, "token-file", "", "", "FILE", "read the token from a file (refused if world-readable) instead of $WEBEX_TOKEN; wins over $WEBEX_TOKEN")
	d.boolean(&g.sandbox, "sandbox", "", "run against the built-in fake API on loopback: no token, no network")
	d.str(&g.sandboxState, "sandbox-state", "", "", "FILE", "with --sandbox: keep the sandbox's subscribers and customers in FILE from run to run (or $WHOLESALE_BATCH_SANDBOX_STATE); without it each sandbox run starts empty")
	d.str(&g.onBehalfOf, "on-behalf-of", "", "", "ID", "sub-partner org, sent as onBehalfOfSubPartnerOrgId")
	d.float(&g.rate, "rate", defaultRate, "N", "requests per second, all workers and retries included (0 = unlimited); lowered on 429, probed back up")
	shows(d.integer(&g.concurrency, "concurrency", 0, "requests in flight at most; auto keeps --rate at up to 10 s latency (or --timeout), at most 512"), "auto")
	d.duration(&g.timeout, "timeout", 30*time.Second, "per request")
	d.integer(&g.maxRetries, "max-retries", 5, "retries per row for 429, 423, 500, 502, 503, 504, timeouts and resets (never other 4xx), whatever the run's health")
	d.duration(&g.retryFor, "retry-for", 2*time.Minute, "past --max-retries, a row keeps retrying those faults while its streak is bad luck in a healthy run (under half of the last 10 s of requests failing), up to this long after its first attempt; 0 = stop at --max-retries (the default when only --max-retries is given)")
	d.duration(&g.maxRetryAfter, "max-retry-after", 60*time.Second, "cap on a server's Retry-After")
	d.float(&g.abortRate, "abort-error-rate", 0.5, "R", "stop (exit 3) when more than R of the first --abort-after rows sent end in error")
	d.integer(&g.abortAfter, "abort-after", 20, "how many first rows the error-rate breaker judges (0 = no breaker)")
}

func (g *apiFlags) check(fs *pflag.FlagSet) error {
	if g.rate < 0 {
		return usagef("--rate must be 0 (unlimited) or more, got %g", g.rate)
	}
	if g.concurrency < 0 {
		return usagef("--concurrency must be 0 (automatic) or more, got %d", g.concurrency)
	}
	if g.abortRate < 0 || g.abortRate > 1 {
		return usagef("--abort-error-rate is a share between 0 and 1, got %g", g.abortRate)
	}
	if g.maxRetries < 0 {
		return usagef("--max-retries must be 0 or more, got %d", g.maxRetries)
	}
	if g.retryFor < 0 {
		return usagef("--retry-for must be 0 (stop at --max-retries) or more, got %v", g.retryFor)
	}
	// A user who names a number of retries means it, unless they also
	// give the time.
	if fs.Changed("max-retries") && !fs.Changed("retry-for") {
		g.retryFor = 0
	}
	return nil
}

// reportFlags are the side files and what the run says on stderr.
type reportFlags struct {
	reportFile, summaryJSON string
	quiet                   bool
	logFormat, logLevel     string
	noProgress              bool
}

// retryFlags are the retry file, for a command whose rows can end in
// error (validate's cannot: it sends nothing).
type retryFlags struct {
	retryFile   string
	retryFailed bool
}

func (g *retryFlags) add(d *flagDefs) {
	d.in(groupReports)
	d.str(&g.retryFile, "retry-file", "", "", "FILE", "the rows that ended in error, in the input's own format; rows a --resume will send are left out")
	d.boolean(&g.retryFailed, "retry-failed", "", "with --retry-file: also the rows the API refused for a data reason")
}

func (g *retryFlags) check(*pflag.FlagSet) error { return nil }

func (g *reportFlags) add(d *flagDefs) {
	d.in(groupReports)
	d.str(&g.reportFile, "report", "", "", "FILE", "one self-contained HTML page: what to fix first (problems grouped by kind, each fix once), counts, charts, the first rows of each kind with their own fix")
	d.str(&g.summaryJSON, "summary-json", "", "", "FILE", "run manifest (JSON) for machines: version, times, redacted command line, input SHA-256, config, counts, codes, rates, exit code")
	d.boolean(&g.quiet, "quiet", "q", "only errors on stderr (for cron): no summary, no warnings")
	d.str(&g.logFormat, "log-format", "", "auto", "FORMAT", "log/slog logs on stderr: text (logfmt), json, or auto: sentences in a terminal, text elsewhere")
	d.str(&g.logLevel, "log-level", "", "warn", "LEVEL", "debug (every row and request body), info (retries), warn (429s) or error")
	d.boolean(&g.noProgress, "no-progress", "", "no progress bar (it is shown only when stderr is a terminal)")
}

func (g *reportFlags) check(*pflag.FlagSet) error {
	if g.logFormat != "text" && g.logFormat != "json" && g.logFormat != "auto" {
		return usagef("--log-format must be text, json or auto, got %q", g.logFormat)
	}
	if _, err := parseLevel(g.logLevel); err != nil {
		return usagef("--log-level: %v", err)
	}
	return nil
}

// resumeFlags continue an interrupted run.
type resumeFlags struct{ resume, force bool }

func (g *resumeFlags) add(d *flagDefs) {
	d.in(groupResume)
	d.boolean(&g.resume, "resume", "", "continue an interrupted or crashed run into the same --output: rows done are not sent again")
	d.boolean(&g.force, "force", "", "with --resume: resume although the input changed")
}

func (g *resumeFlags) check(*pflag.FlagSet) error { return nil }

// confirmFlags are --yes, for a command that asks before it changes
// anything (command.Prompt); its own flags follow in the same group.
type confirmFlags struct {
	yes   bool
	title string // the group's heading in help: what the command does ("Removal")
}

func (g *confirmFlags) add(d *flagDefs) {
	d.in(g.title)
	d.boolean(&g.yes, "yes", "y", "no confirmation prompt (required when standard input is not a terminal)")
}

func (g *confirmFlags) check(*pflag.FlagSet) error { return nil }

// limitFlag is a --max-provision or --max-remove: at most n rows go.
type limitFlag struct {
	n          int64
	name, verb string // "max-remove", "removed"
}

// define adds the flag; its usage names what is limited.
func (l *limitFlag) define(d *flagDefs, usage string) {
	shows(d.int64(&l.n, l.name, 0, usage), "all")
}

func (l *limitFlag) check() error {
	if l.n < 0 {
		return usagef("--%s must be 1 or more (leave it out for no limit), got %d", l.name, l.n)
	}
	return nil
}

// zero reports the limit given as 0: none may go, which a run refuses with
// the count rather than read as "no limit".
func (l *limitFlag) zero(fs *pflag.FlagSet) bool { return fs != nil && fs.Changed(l.name) && l.n == 0 }
