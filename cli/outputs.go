package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wholesale-batch/wholesale-batch/journal"
	"github.com/wholesale-batch/wholesale-batch/lock"
)

// outputFile is one file a run writes, with the flag that named it.
type outputFile struct {
	flag, path string
	abs        string
}

// outputFiles lists every file a run may create: the named outputs and
// the journal and lock files that live beside the result file.
func outputFiles(cfg *config) []outputFile {
	var out []outputFile
	add := func(flag, path string) {
		if path != "" && path != "-" {
			out = append(out, outputFile{flag: flag, path: path})
		}
	}
	add("--output", cfg.output)
	add("--report", cfg.reportFile)
	add("--summary-json", cfg.summaryJSON)
	add("--retry-file", cfg.retryFile)
	if cfg.output != "-" {
		add("the journal of --output", journal.Path(cfg.output))
		add("the lock file of --output", lockPath(cfg.output))
	}
	if cfg.retryFile != "" {
		add("the lock file of --retry-file", lockPath(cfg.retryFile))
	}
	return out
}

func lockPath(path string) string { return path + ".lock" }

// checkOutputs proves, before anything is created or sent, that every
// output is a file of its own (not the input, not another output) and can
// be created: a run must not find out after an hour of requests that its
// report cannot be written, or replace its results with its manifest.
// It creates nothing that outlives it.
func checkOutputs(cfg *config) error {
	files := outputFiles(cfg)
	var inAbs string
	if cfg.input != "-" {
		inAbs, _ = filepath.Abs(cfg.input)
	}
	for i := range files {
		f := &files[i]
		abs, err := filepath.Abs(f.path)
		if err != nil {
			return usagef("%s %s: %v", f.flag, f.path, err)
		}
		f.abs = abs
		if abs == inAbs || sameFile(cfg.input, f.path) {
			return usagef("%s %s is the input file: it would be overwritten; choose another name", f.flag, f.path)
		}
		for _, g := range files[:i] {
			if abs == g.abs || sameFile(g.path, f.path) {
				return usagef("%s %s is also %s: each output needs a file of its own; choose another name", f.flag, f.path, g.flag)
			}
		}
	}
	if cfg.credentials != "" {
		credAbs, _ := filepath.Abs(cfg.credentials)
		for _, f := range files {
			if f.abs == credAbs || sameFile(cfg.credentials, f.path) {
				return usagef("%s %s is the --credentials file: it would be overwritten; choose another name", f.flag, f.path)
			}
		}
	}
	for _, f := range files {
		if err := creatable(f.path); err != nil {
			return usagef("%s %s cannot be written: %v; nothing was sent", f.flag, f.path, err)
		}
	}
	return nil
}

// noReplace refuses to replace a file a run names as an output unless
// --overwrite is given (checked under the locks, so a run still writing
// them is named as such instead): a finished provisioning run's result file is the
// only record of the subscriber ids remove needs. A journal beside the
// output means an unfinished run: openJournal refuses or resumes it, and
// a resumed run rewrites its own files.
func noReplace(cfg *config) error {
	if cfg.overwrite {
		return nil
	}
	if cfg.output != "-" {
		if _, err := os.Stat(journal.Path(cfg.output)); err == nil {
			return nil
		}
	}
	for _, f := range []struct{ flag, path string }{
		{"--output", cfg.output}, {"--report", cfg.reportFile}, {"--summary-json", cfg.summaryJSON}, {"--retry-file", cfg.retryFile},
	} {
		if f.path == "" || f.path == "-" {
			continue
		}
		if st, err := os.Stat(f.path); err == nil && st.Mode().IsRegular() {
			return usagef("%s %s exists (an earlier run's?): add --overwrite to replace it, or choose another name; nothing was sent", f.flag, f.path)
		}
	}
	return nil
}

// creatable checks that path can be opened for writing: an existing file
// is opened without truncating it, a new one is tried as a temporary file
// in its directory and removed.
func creatable(path string) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return errors.New("it is a directory")
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return unwrapErr(err)
		}
		return f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return unwrapErr(err)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return fmt.Errorf("its folder %s: %w", dir, unwrapErr(err))
	} else if !st.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	probe, err := os.CreateTemp(dir, ".wholesale-batch-probe-*")
	if err != nil {
		return fmt.Errorf("its folder %s: %w", dir, unwrapErr(err))
	}
	name := probe.Name()
	probe.Close()
	return os.Remove(name)
}

func unwrapErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// lockOutputs takes the exclusive locks of the result and retry files, so
// a second run into the same files (an overlapping cron entry, a --resume
// pasted while the first run still goes) is refused at once instead of
// sending every row again beside it. The returned func releases them.
func lockOutputs(cfg *config) (func(), error) {
	var held []*lock.Lock
	release := func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i].Release()
		}
	}
	for _, p := range []struct{ flag, path string }{{"--output", cfg.output}, {"--retry-file", cfg.retryFile}} {
		if p.path == "" || p.path == "-" {
			continue
		}
		l, err := lock.Acquire(lockPath(p.path))
		if err != nil {
			release()
			var he *lock.HeldError
			if errors.As(err, &he) {
				who := "another run"
				if he.Holder != "" {
					who = he.Holder
				}
				return nil, usagef("%s %s is in use by %s: a second run into the same file would send its rows again. Wait for that run to end (or stop it), then run again; nothing was sent", p.flag, p.path, who)
			}
			return nil, usagef("%s %s: %v", p.flag, p.path, err)
		}
		held = append(held, l)
	}
	return release, nil
}

// createPrivate creates (or truncates) path readable by its owner only:
// result, retry, report and manifest files hold people's names, emails and
// numbers. An existing file opened to more is narrowed to 0600.
func createPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}
