// Package lock keeps two runs of the tool from writing the same files: an
// exclusive advisory lock (flock on Unix, LockFileEx on Windows) on a small
// file beside the output. The kernel releases it when the process ends,
// however it ends, so a crash never leaves a stale lock behind.
package lock

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Lock is a held lock. Release it once.
type Lock struct {
	f    *os.File
	path string
}

// HeldError reports a lock another process holds.
type HeldError struct {
	Path   string
	Holder string // what the holder wrote: pid, host, start time; may be empty
}

func (e *HeldError) Error() string {
	who := "another process"
	if e.Holder != "" {
		who = e.Holder
	}
	return fmt.Sprintf("%s is locked by %s", e.Path, who)
}

// errBusy is what the platform lock call returns when the lock is taken.
var errBusy = errors.New("lock busy")

// Acquire takes the lock file at path without waiting, creating it (mode
// 0600) if need be, and writes who holds it into it. A lock another
// process holds is a *HeldError.
func Acquire(path string) (*Lock, error) {
	for range 10 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		if err := tryLock(f); err != nil {
			holder, _ := os.ReadFile(path)
			f.Close()
			if errors.Is(err, errBusy) {
				return nil, &HeldError{Path: path, Holder: strings.TrimSpace(string(holder))}
			}
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		// The holder before us may have removed the file between our open
		// and our lock: then we hold a lock on a name nobody else sees.
		// Lock the file that is at path now instead.
		if same(f, path) {
			l := &Lock{f: f, path: path}
			if err := l.writeHolder(); err != nil {
				l.Release()
				return nil, err
			}
			return l, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("locking %s: the lock file keeps being replaced", path)
}

func same(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func (l *Lock) writeHolder() error {
	host, _ := os.Hostname()
	if host == "" {
		host = "this machine"
	}
	info := fmt.Sprintf("wholesale-batch pid %d on %s, started %s\n", os.Getpid(), host, time.Now().Format(time.RFC3339))
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(info), 0)
	return err
}

// Release removes the lock file and unlocks it. Removing first, while
// still holding the lock, is what lets Acquire detect a stale name.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = os.Remove(l.path)
	_ = unlock(l.f)
	_ = l.f.Close()
	l.f = nil
}
