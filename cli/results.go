package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// results are the files a run streams rows into: the result CSV, always,
// and the retry file, if asked for. The retry file is a side file: its
// failure never stops the run (the result CSV has every row); close says
// it failed and removes it, since half a retry file would lose rows for
// whoever runs it.
type results struct {
	csv      rowWriter // report.CSVWriter, or report.XLSXWriter (see resultWriter)
	closeCSV func() error
	path     string // of the result CSV; "-" is standard output

	retry     *report.RetryWriter
	retryFile *os.File
	retryPath string
	retryErr  error // the retry file's first error
}

// openResults creates the result file and the retry file, only once every
// check that can refuse the run has passed. On an error it leaves nothing
// behind.
func openResults(cfg *config, env Env, in *input, jr *resumable) (*results, error) {
	out, closeOut, err := openOutput(cfg, env)
	if err != nil {
		return nil, err
	}
	r := &results{closeCSV: closeOut, path: cfg.output}
	r.csv, err = resultWriter(out, cfg, in)
	if err == nil && cfg.retryFile != "" {
		r.retryPath = cfg.retryFile
		if r.retryFile, err = createPrivate(cfg.retryFile); err != nil {
			err = usagef("cannot create the retry file: %v", unwrapPath(err))
		}
	}
	if err != nil {
		closeOut()
		if cfg.output != "-" {
			os.Remove(cfg.output)
		}
		return nil, err
	}
	if r.retryFile != nil {
		h := in.src.Header()
		if (cfg.cmd.FollowUp || cfg.cmd.RetryKeepsPlan) && h.First > 0 {
			// A result file given back: its result cells come back too,
			// so the retry file is an input of the same command.
			r.retry = report.NewRetryWriter(r.retryFile, cfg.cmd, h.Raw, in.delim, cfg.retryScope())
			r.retry.Prior = h.Raw[:h.First]
		} else {
			r.retry = report.NewRetryWriter(r.retryFile, cfg.cmd, h.Data(), in.delim, cfg.retryScope())
		}
		// Rows a --resume will send are left out: following both the retry
		// file and the resume command would send them twice.
		r.retry.Resumable = jr != nil
	}
	return r, nil
}

// write writes one finished row.
func (r *results) write(res pipeline.Result) error {
	if r.retry != nil && r.retryErr == nil {
		r.retryErr = r.retry.Add(res)
	}
	return r.csv.Write(res)
}

// close flushes and closes both files. side names a retry file that
// failed (and is removed); the error is the result CSV's.
func (r *results) close() (side string, err error) {
	if r == nil {
		return "", nil // never opened: the run stopped before it wrote a row
	}
	err = errors.Join(r.csv.Flush(), r.closeCSV())
	if r.retryFile == nil {
		return "", err
	}
	if r.retryErr == nil {
		r.retryErr = r.retry.Flush()
	}
	if cerr := r.retryFile.Close(); r.retryErr == nil {
		r.retryErr = cerr
	}
	if r.retryErr != nil {
		_ = os.Remove(r.retryPath)
		side = fmt.Sprintf("the retry file %s could not be written (%v) and was removed; the result file has every row", r.retryPath, unwrapPath(r.retryErr))
	}
	return side, err
}

// retryHint is the next step for the rows in the retry file, if any.
func (r *results) retryHint(w io.Writer) {
	if r != nil && r.retry != nil && r.retryErr == nil && r.retry.Count() > 0 {
		fmt.Fprintf(w, "%d rows to retry in %s: run again with --input %s\n", r.retry.Count(), r.retryPath, r.retryPath)
	}
}

// retryOK reports whether the retry file exists and is whole.
func (r *results) retryOK() bool { return r != nil && r.retry != nil && r.retryErr == nil }

// retryScope is --retry-failed's.
func (g *retryFlags) retryScope() report.RetryScope {
	if g.retryFailed {
		return report.WithRefused
	}
	return report.Unanswered
}
