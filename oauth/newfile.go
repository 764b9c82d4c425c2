package oauth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/wholesale-batch/wholesale-batch/lock"
)

// ExistsError is a login refused because the credentials file exists:
// replacing it drops the refresh token it holds.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("the credentials file %s exists already: pass --force to replace it (the refresh token in it is then no longer used), or give another path", e.Path)
}

// NewFile is a credentials file made ready before a login, as a refresh's
// is (replace.go): a temporary file beside the target with its room, mode
// 0600 and the old file's owner, so that a folder or disk that would
// refuse the file says so before the browser is opened, not after the
// person has authorized.
type NewFile struct {
	path      string
	overwrite bool
	r         *replacement
}

// loginRoom is the room made for a login's file: a client id and secret
// and two tokens of about 100 characters each, with a wide margin.
const loginRoom = 4096

// PrepareNew makes the file at path ready. An existing path (a dangling
// symlink too) is an *ExistsError unless overwrite.
func PrepareNew(path string, overwrite bool) (*NewFile, error) {
	if _, err := os.Lstat(path); err == nil && !overwrite {
		return nil, &ExistsError{Path: path}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot write the credentials file: %w", pathErr(err))
	}
	r, err := prepare(path, loginRoom)
	if err != nil {
		return nil, cannotWrite(path, err)
	}
	return &NewFile{path: path, overwrite: overwrite, r: r}, nil
}

// cannotWrite words a *CannotSaveError for a login (nothing was spent).
func cannotWrite(path string, err error) error {
	var cs *CannotSaveError
	if errors.As(err, &cs) {
		return fmt.Errorf("cannot write the credentials file %s: %s", path, cs.Problem)
	}
	return err
}

// Commit writes f into the file, atomically, under the file's lock (a run
// refreshing a file being replaced must not write its answer over the new
// one). Without overwrite the file is linked into place, which fails if
// the name was taken meanwhile: an existing file is never replaced.
func (n *NewFile) Commit(f File) error {
	b, err := f.encode()
	if err != nil {
		n.Abort()
		return err
	}
	l, err := lock.Acquire(resolve(n.path) + ".lock")
	var held *lock.HeldError
	switch {
	case errors.As(err, &held):
		n.Abort()
		return fmt.Errorf("a run is refreshing %s now (%s holds its lock): wait for it to end and run auth login again", n.path, holder(held))
	case err != nil:
		n.Abort()
		return cannotWrite(n.path, &CannotSaveError{Path: n.path, Problem: folderProblem(filepath.Dir(resolve(n.path)), err)})
	}
	defer l.Release()
	if _, err := os.Stat(n.r.tmp.Name()); err != nil {
		// A run that refreshed the file meanwhile removed what it took
		// for a killed run's leftover: made again, under the lock now.
		n.Abort()
		if n.r, err = prepare(n.path, loginRoom); err != nil {
			return cannotWrite(n.path, err)
		}
	}
	if n.overwrite {
		return cannotWrite(n.path, n.r.commit(b))
	}
	return n.link(b)
}

// link writes b into the temporary file and links it at the target's
// name, which fails if that name exists.
func (n *NewFile) link(b []byte) error {
	r := n.r
	defer r.abort() // the temporary name goes; the link stays
	fail := func(err error) error {
		return fmt.Errorf("cannot write the credentials file %s: %v", n.path, errno(err))
	}
	if _, err := r.tmp.WriteAt(b, 0); err != nil {
		return fail(err)
	}
	if err := r.tmp.Truncate(int64(len(b))); err != nil {
		return fail(err)
	}
	if err := r.tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Link(r.tmp.Name(), r.target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &ExistsError{Path: n.path}
		}
		return fail(err)
	}
	if d, err := os.Open(filepath.Dir(r.target)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Abort removes what PrepareNew made.
func (n *NewFile) Abort() { n.r.abort() }

// Expiry returns when the source's access token and refresh token expire
// (zero when not known): for auth status.
func (s *Source) Expiry() (access, refresh time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.ExpiresAt, s.cur.RefreshExpiresAt
}
