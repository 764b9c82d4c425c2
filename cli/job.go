package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/ratelimit"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/tasks"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// job is one run: what it reads, calls and writes, and what it counts.
type job struct {
	cfg    *config
	env    Env
	start  time.Time
	log    *slog.Logger
	stderr io.Writer // the summary and warnings; io.Discard with --quiet
	con    *console  // stderr shared with the progress bar

	api // nil client for validate

	in   *input
	prep *pipeline.Preparer
	// digest is the input's size and SHA-256, hashed once: by the journal's
	// fingerprint or, without a journal, by the read-ahead.
	digest *report.ManifestInput
	jr     *resumable
	out    *results
	dir    *tasks.Directory // the follow-ups' look-ups; nil: a GET a row

	sum        *report.Summary
	fails      *report.Failures // rows for the HTML report, if asked for
	unselected int              // rows --rows, --match and --skip left out
	// acceptPending counts the outcomes the table reaches only with
	// --accept-pending (provision's) as reached, for the exit code.
	acceptPending bool
	bar           *progress
	// made: a command without a results writer (export) created --output.
	made bool

	cleanup []func() // run by close, last first
}

// api is the run's side of the API: the client, its limiter, and what
// the attempts counted.
type api struct {
	client  *webex.Client
	baseURL string // the API the run called
	limiter *ratelimit.Limiter
	st      stats
	lat     report.Latencies
}

// stats counts HTTP attempts, from any worker.
type stats struct {
	requests, retries, throttled atomic.Int64
	alone                        atomic.Int64 // 429s tied to their row

	mu          sync.Mutex
	first, last time.Time // the earliest and latest start of an attempt
}

// sent records when one attempt started.
func (s *stats) sent(at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first.IsZero() || at.Before(s.first) {
		s.first = at
	}
	if at.After(s.last) {
		s.last = at
	}
}

// sending is the time from the first attempt's start to the last's.
func (s *stats) sending() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last.Sub(s.first)
}

// observe counts and logs one HTTP attempt.
func (j *job) observe(a webex.Attempt) {
	j.st.requests.Add(1)
	j.st.sent(time.Now().Add(-a.Latency))
	if a.N > 1 {
		j.st.retries.Add(1)
	}
	j.lat.Observe(a.Latency)
	attrs := []any{"method", a.Method, "path", a.Path, "attempt", a.N, "status", a.Status, "latency", a.Latency.Round(time.Millisecond)}
	if a.Err != nil {
		attrs = append(attrs, "error", a.Err.Error())
	}
	switch {
	case a.Status == 429:
		j.st.throttled.Add(1)
		if a.Alone {
			j.st.alone.Add(1)
			j.log.Info("429 tied to this row, not to the rate: it waits alone", append(attrs, "wait", a.Wait)...)
		} else {
			j.log.Warn("rate limited (429): the whole pool pauses", append(attrs, "wait", a.Wait)...)
		}
	case a.Retry:
		j.log.Info("retrying", append(attrs, "wait", a.Wait)...)
	}
}

// startJob is a job that has opened nothing yet: its clock, its stderr
// (shared with the progress bar; nothing with --quiet) and its logger.
func startJob(cfg *config, env Env) *job {
	con := newConsole(env.Stderr)
	j := &job{cfg: cfg, env: env, start: time.Now(), con: con, stderr: con}
	if cfg.quiet {
		j.stderr = io.Discard
	}
	j.log = newLogger(con, cfg, env.StderrTTY)
	return j
}

// claimOutputs checks the outputs, locks them (released last, after every
// file is closed) and refuses to replace a file without --overwrite.
func (j *job) claimOutputs() error {
	if err := checkOutputs(j.cfg); err != nil {
		return err
	}
	release, err := lockOutputs(j.cfg)
	if err != nil {
		return err
	}
	j.onClose(release)
	return noReplace(j.cfg)
}

// newJob does everything that can refuse a run before anything is sent or
// written: output paths and lock, token, base URL, input header, journal,
// output files. A refusal leaves nothing behind.
func newJob(ctx context.Context, cfg *config, env Env) (*job, error) {
	j := startJob(cfg, env)
	ready := false
	defer func() {
		if !ready {
			j.close() // a refusal leaves nothing open, locked or half made
		}
	}()
	if err := j.claimOutputs(); err != nil {
		return nil, err
	}
	var err error
	if !cfg.cmd.Offline {
		if err := j.connect(cfg, env); err != nil {
			return nil, err
		}
	}
	if j.in, err = openInput(cfg, env); err != nil {
		return nil, err
	}
	j.onClose(j.in.close)
	if err := cfg.sel.resolve(j.in.src.Header(), "--match", cfg.sel.match); err != nil {
		return nil, err
	}
	if err := cfg.sel.resolve(j.in.src.Header(), "--skip", cfg.sel.skip); err != nil {
		return nil, err
	}
	if cfg.needsResults != nil {
		if err := cfg.needsResults(j.in.src.Header()); err != nil {
			return nil, err
		}
	}
	for _, w := range headerWarnings(j.in.src.Header(), cfg.pkg) {
		fmt.Fprintf(j.stderr, "wholesale-batch: %s\n", w)
	}
	if !cfg.cmd.Offline {
		if j.jr, err = openJournal(cfg); err != nil {
			return nil, err
		}
		j.onClose(func() { _ = j.jr.close(false) }) // a no-op once finish closed it
		if j.jr != nil {
			j.digest = &j.jr.input
			if note := j.jr.damagedNote(); note != "" {
				fmt.Fprintf(env.Stderr, "wholesale-batch: %s\n", note)
			}
		}
		if err := j.keepsJournaled(ctx); err != nil {
			return nil, err
		}
	}
	// A command that asks first creates its files only once confirmed
	// (openOut), so a declined run leaves none and replaces none.
	if cfg.cmd.Prompt == nil {
		if err := j.openOut(); err != nil {
			return nil, err
		}
	}
	// Read ahead only once nothing can refuse the run any more: a refusal
	// comes at once, not after a pass over a large file.
	j.prep = j.preparer()
	if j.in.regular {
		j.scan(ctx)
	}
	j.sum = report.NewSummary(cfg.cmd)
	if cfg.reportFile != "" {
		j.fails = report.NewFailures(cfg.cmd, 0)
	}
	j.warnTokenLife()
	j.bar = newProgress(cfg, env, j.con, j.in.total)
	ready = true
	return j, nil
}

// openOut creates the result and retry files.
func (j *job) openOut() error {
	out, err := openResults(j.cfg, j.env, j.in, j.jr)
	if err != nil {
		return err
	}
	j.out = out
	return nil
}

// connect sets up the API client: credentials, base URL, limiter.
func (j *job) connect(cfg *config, env Env) error {
	a, err := credentials(cfg, env)
	if err != nil {
		return err
	}
	j.onClose(a.close)
	j.baseURL = a.baseURL
	j.limiter = ratelimit.New(cfg.rate)
	var tokens webex.TokenSource
	if a.tokens != nil {
		a.tokens.OnRefresh = func(life time.Duration) { j.log.Info("access token refreshed", "expiresIn", life) }
		tokens = a.tokens
	}
	j.client, err = webex.New(webex.Config{
		BaseURL:    a.baseURL,
		Token:      a.token,
		Tokens:     tokens,
		OnBehalfOf: cfg.onBehalfOf,
		Timeout:    cfg.timeout,
		UserAgent:  "wholesale-batch/" + Version,
		Retry:      webex.RetryPolicy{MaxAttempts: cfg.maxRetries + 1, RetryFor: cfg.retryFor, MaxRetryAfter: cfg.maxRetryAfter},
		Pacer:      j.limiter,
		OnAttempt:  j.observe,
	})
	if err != nil {
		return usagef("%v", err)
	}
	return nil
}

// warnTokenLife says once, at the start, that a run longer than a
// personal access token's 12 hours will stop halfway with a plain token.
func (j *job) warnTokenLife() {
	c := j.cfg
	if j.client == nil || c.credentials != "" || c.sandbox || c.rate <= 0 || j.in.total <= 0 {
		return
	}
	requests := float64(j.in.total)
	requests *= float64(len(c.cmd.Steps())) // provision: a precheck and a POST a row
	if d := time.Duration(requests / c.rate * float64(time.Second)); d > 12*time.Hour {
		fmt.Fprintf(j.stderr, "wholesale-batch: this run needs about %.0f hours at --rate %g, and a personal access token lasts 12 hours: with --credentials FILE (an integration's refresh token) the token is renewed as it expires\n", d.Hours(), c.rate)
	}
}

// onClose registers f to run when the job ends.
func (j *job) onClose(f func()) { j.cleanup = append(j.cleanup, f) }

// cleanup runs when the job ends, in reverse order.
func (j *job) close() {
	for i := len(j.cleanup) - 1; i >= 0; i-- {
		j.cleanup[i]()
	}
	j.cleanup = nil
}

// write is the sink: the one place a finished row is counted and written
// (the progress bar counts rows as the workers finish them).
func (j *job) write(r pipeline.Result) error {
	j.sum.Add(r)
	if j.fails != nil {
		j.fails.Add(r)
	}
	if j.log.Enabled(context.Background(), slog.LevelDebug) {
		j.log.Debug("row", "line", r.Row.Line, "email", r.Row.Fields.Email, "precheck", r.Precheck, "outcome", r.Outcome,
			"status", r.HTTPStatus, "errorCodes", r.ErrorCodes, "attempts", r.Attempts, "trackingId", r.TrackingID)
	}
	return j.out.write(r)
}

// preparer builds the offline checks of this run.
func (j *job) preparer() *pipeline.Preparer {
	if j.cfg.cmd.FollowUp {
		return &pipeline.Preparer{LookupOnly: true}
	}
	return &pipeline.Preparer{
		Defaults:    pipeline.Defaults{CustomerID: j.cfg.customerID, Package: j.cfg.pkg},
		Check:       check.Options{DefaultCountry: j.cfg.country, ExistingCalling: j.cfg.existingCall, NeedCustomer: j.cfg.complete},
		NeedPackage: j.cfg.complete,
	}
}

// scan reads the input file once ahead of the run: the duplicate check then
// keeps only the keys that repeat, so memory stays flat, and the progress
// bar knows the row count. A file it cannot read through is left to the run,
// which reports the problem with its line; the check then keeps every key.
func (j *job) scan(ctx context.Context) {
	file, err := os.Open(j.cfg.input)
	if err != nil {
		return
	}
	defer file.Close()
	// Without a journal's fingerprint, the manifest's size and SHA-256 come
	// from this reading.
	var r io.Reader = file
	var digest *report.DigestReader
	if j.digest == nil {
		digest = report.NewDigestReader(file)
		r = digest
	}
	in, err := decodeInput(r, j.cfg)
	if err != nil {
		return
	}
	defer in.closeBook()
	rows, err := j.prep.Scan(ctx, in.src, "")
	if err != nil {
		j.prep.Dupes = nil
		// A broken line is the run's to report, with its number.
		var ie *pipeline.InputError
		if ctx.Err() == nil && !errors.As(err, &ie) {
			j.log.Warn("could not read the input ahead: the duplicate check keeps every key in memory (about 50 bytes a row)", "err", err)
		}
		return
	}
	j.in.total = rows
	if digest == nil {
		return
	}
	if _, err := io.Copy(io.Discard, digest); err == nil { // the bytes after the last row, if any
		m := digest.Input(j.cfg.input)
		j.digest = &m
	}
}

// run streams the input through work into sink. The first interrupt
// stops the intake and lets rows in flight finish (bounded by --timeout).
func (j *job) run(ctx context.Context, work pipeline.Worker, sink pipeline.Sink, workers int) error {
	return j.runSelected(ctx, work, sink, workers, nil)
}

// runSelected is run over the rows that also pass only (nil: all).
func (j *job) runSelected(ctx context.Context, work pipeline.Worker, sink pipeline.Sink, workers int, only func(*pipeline.Row) bool) error {
	opt := pipeline.Options{Concurrency: workers, Prepare: j.prep.Prepare, Finished: func(pipeline.Result) { j.bar.add() }}
	if j.client != nil {
		opt.StopSending = j.client.StopSending
	}
	var unselected atomic.Int64
	if !j.cfg.sel.empty() || only != nil {
		opt.Select = func(r *pipeline.Row) bool {
			return (j.cfg.sel.empty() || j.cfg.sel.takes(r)) && (only == nil || only(r))
		}
		opt.Skipped = func(*pipeline.Row) { unselected.Add(1) }
	}
	defer func() { j.unselected = int(unselected.Load()) }() // each pass counts the same rows: the last says
	stop, wait := pipeline.Run(context.WithoutCancel(ctx), j.in.src, work, sink, opt)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			j.bar.clear()
			fmt.Fprintln(j.con, "wholesale-batch: interrupted: finishing the requests in flight (rows still waiting are not sent), then writing results (interrupt again to quit at once)")
			stop(nil)
		case <-done:
		}
	}()
	err := wait()
	close(done)
	j.bar.finish()
	return err
}

// finish flushes and closes everything, writes the artefacts and the
// summary, and decides the exit code. A side file (retry file, report,
// manifest) that fails is named, but does not change the rows' exit code.
func (j *job) finish(runErr error) (int, error) {
	if runErr == nil && j.sum.Rows == 0 {
		if err := j.cfg.sel.none(0, j.unselected); err != nil {
			j.abandon()
			return ExitUsage, err
		}
	}
	defer j.close()
	retrySide, flushErr := j.out.close()
	var sideErrs []string
	if retrySide != "" {
		sideErrs = append(sideErrs, retrySide)
	}
	complete := runErr == nil && flushErr == nil && j.sum.Unfinished == 0
	flushErr = errors.Join(flushErr, j.jr.close(complete))

	code, err := ExitOK, error(nil)
	switch {
	case flushErr != nil:
		code, err = ExitAborted, fmt.Errorf("writing %s: %w", j.cfg.output, flushErr)
	case runErr != nil:
		code, err = ExitAborted, runErr
		var ie *pipeline.InputError
		if errors.As(runErr, &ie) {
			err = fmt.Errorf("%s: %w (rows before it are written)", j.cfg.input, runErr)
		}
	default:
		code = exitCode(j.sum, j.acceptPending)
	}
	j.sum.NotSelected = j.unselected
	facts := j.facts(runErr)
	written, artErrs := j.writeArtefacts(facts, code)
	sideErrs = append(sideErrs, artErrs...)
	facts.Files = written
	if !j.out.retryOK() {
		facts.Files = slices.DeleteFunc(facts.Files, func(f report.File) bool { return f.Path == j.cfg.retryFile })
	}

	var sum strings.Builder
	j.sum.Print(&sum, facts)
	if colourWanted(j.env) {
		fmt.Fprint(j.stderr, colourOutcomes(sum.String()))
	} else {
		fmt.Fprint(j.stderr, sum.String())
	}
	for _, e := range sideErrs {
		fmt.Fprintf(j.env.Stderr, "wholesale-batch: warning: %s\n", e)
	}
	if j.jr != nil && !complete {
		// One next step: the resumed run sends what is not done and
		// rewrites the retry file complete.
		fmt.Fprintf(j.env.Stderr, "to continue where this run stopped:\n  %s\n", resumeCommand(j.cfg.args))
	} else {
		j.out.retryHint(j.stderr)
	}
	if err == nil && j.sum.Rows == 0 && j.unselected == 0 {
		fmt.Fprintln(j.stderr, "wholesale-batch: the input has a header but no data rows")
	}
	return code, err
}

func (j *job) facts(runErr error) report.RunFacts {
	f := report.RunFacts{
		Elapsed:   time.Since(j.start),
		Requests:  j.st.requests.Load(),
		Sending:   j.st.sending(),
		Retries:   j.st.retries.Load(),
		Throttled: j.st.throttled.Load(),
		RowTied:   j.st.alone.Load(),
		Output:    j.cfg.output,
		Offline:   j.client == nil,
	}
	if j.in != nil { // export reads none
		f.Blank, f.Encoding = j.in.src.Blank(), encodingNote(j.in)
	}
	if j.limiter != nil {
		ls := j.limiter.Stats()
		f.RateLimit, f.RateNow, f.Burst = ls.Configured, ls.Current, ls.Burst
	}
	if j.cfg.output == "-" || j.out == nil && !j.made {
		f.Output = "" // standard output, or not created: the run stopped before its first row
	}
	for _, file := range []report.File{{Label: "report", Path: j.cfg.reportFile}, {Label: "manifest", Path: j.cfg.summaryJSON}, {Label: "retry file", Path: j.cfg.retryFile}} {
		if file.Path != "" {
			f.Files = append(f.Files, file)
		}
	}
	if runErr != nil {
		f.StopReason = stopReason(runErr)
	}
	return f
}

// headings are the sheet's own headings of our columns, where they
// differ, for the report: a person looks for "Telefon", not
// primaryPhoneNumber.
func (j *job) headings() map[string]string {
	if j.in == nil || j.in.src == nil {
		return nil
	}
	h := j.in.src.Header()
	out := map[string]string{}
	for i, c := range h.Canonical {
		if i >= len(h.Raw) || c == "" {
			continue
		}
		raw := strings.TrimSpace(h.Raw[i])
		if h.First > 0 {
			raw = strings.TrimPrefix(raw, report.RenamePrefix) // our own result file: the sheet's name before we renamed it
		}
		if raw != c {
			out[c] = raw
		}
	}
	return out
}

// writeArtefacts writes the HTML report and the manifest, if asked for. It
// returns the side files that exist now (for the summary to list) and what
// failed.
func (j *job) writeArtefacts(f report.RunFacts, code int) ([]report.File, []string) {
	var failed, notWritten []string
	info := report.RunInfo{Tool: "wholesale-batch", Version: Version, Command: j.cfg.cmd.Name, Input: j.cfg.input, From: j.cfg.from,
		Start: j.start, End: time.Now(), ExitCode: code, Headings: j.headings()}
	if j.cfg.reportFile != "" {
		if err := writeFile(j.cfg.reportFile, func(w io.Writer) error { return report.WriteHTML(w, info, j.sum, f, j.fails) }); err != nil {
			notWritten = append(notWritten, j.cfg.reportFile)
			failed = append(failed, fmt.Sprintf("the report %s could not be written: %v", j.cfg.reportFile, unwrapPath(err)))
		}
	}
	if j.cfg.summaryJSON != "" {
		m := report.NewManifest(info, j.sum, f, &j.lat)
		m.CommandLine = redactArgs(j.cfg.flags, j.cfg.args)
		m.Config = flagConfig(j.cfg.flags)
		if j.baseURL != "" {
			m.Config["base-url"] = j.baseURL // the sandbox's, not the default it did not use
		}
		m.Outputs = report.ManifestOutputs{Results: j.cfg.output, Report: j.cfg.reportFile, SummaryJSON: j.cfg.summaryJSON, RetryFile: j.cfg.retryFile}
		if j.out == nil && !j.made {
			m.Outputs.Results, m.Outputs.RetryFile = "", "" // not created: the run stopped before its first row
		}
		m.Input.Path = j.cfg.input
		switch {
		case j.digest != nil:
			m.Input = *j.digest
		case j.cfg.input != "-":
			if size, sum, err := fingerprint(j.cfg.input); err == nil {
				m.Input.SizeBytes, m.Input.SHA256 = size, sum
			}
		}
		if err := writeFile(j.cfg.summaryJSON, func(w io.Writer) error { return report.WriteManifest(w, m) }); err != nil {
			notWritten = append(notWritten, j.cfg.summaryJSON)
			failed = append(failed, fmt.Sprintf("the manifest %s could not be written: %v", j.cfg.summaryJSON, unwrapPath(err)))
		}
	}
	written := slices.DeleteFunc(slices.Clone(f.Files), func(file report.File) bool { return slices.Contains(notWritten, file.Path) })
	return written, failed
}

// writeFile writes a whole artefact to path through a temporary file, so a
// reader never sees half of one.
func writeFile(path string, fill func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := createPrivate(tmp)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
