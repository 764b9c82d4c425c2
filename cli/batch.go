package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// config is what the shared machinery of a run (job, journal, outputs)
// reads: the flag groups the commands share, each defined once (see
// flaggroups.go). A command's own flags are in its options (see its file),
// and a group a command does not add keeps its zero values.
type config struct {
	cmd *command.Command // its table entry
	ioFlags
	selectFlags
	rowFlags
	apiFlags
	reportFlags
	retryFlags
	resumeFlags
	confirmFlags
	groups []optionGroup // the groups the command added, checked in that order
	// needsResults, when set, refuses an input header that is not a result
	// file the command can take, before anything is sent or written.
	needsResults func(pipeline.Header) error
	flags        *pflag.FlagSet // as parsed, for the manifest
	args         []string       // as given, for the resume command
}

// use adds groups to the command's flags, in help's order.
func (c *config) use(d *flagDefs, groups ...optionGroup) {
	for _, g := range groups {
		g.add(d)
		c.groups = append(c.groups, g)
	}
}

// Defaults: Webex publishes no numeric limit, so we start polite and let
// 429s and Retry-After tell us more.
const (
	defaultRate    = 10.0
	maxAutoWorkers = 512
)

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

// check checks the values of the groups' flags; cobra has already parsed
// them (and reported unknown flags and bad values).
func (c *config) check() error {
	for _, g := range c.groups {
		if err := g.check(c.flags); err != nil {
			return err
		}
	}
	return c.checkWorkbook()
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

// exitCode is 0 only when every row reached the aim of the command, as its
// table entry says (see the README's table of outcomes).
func exitCode(s *report.Summary, acceptPending bool) int {
	if s.AllReached(acceptPending) {
		return ExitOK
	}
	return ExitPartial
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
