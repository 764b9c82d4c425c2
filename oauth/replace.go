package oauth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// replacement is a new credentials file made ready before the refresh
// whose answer it will hold: a temporary file in the target's folder that
// already has its final size on disk (synced, so the room is really there),
// mode 0600 and the owner and group of the file it replaces. Only when all
// of that worked is a refresh token spent; commit then writes the answer
// into the room and renames it over the target.
type replacement struct {
	path   string // the credentials file as given (maybe a symlink)
	target string // what is renamed over: the symlink's target, if a link
	tmp    *os.File
}

// reserve claims size bytes of the disk for f and syncs them. A variable
// so that tests without root can make the disk full.
var reserve = func(f *os.File, size int) error {
	b := make([]byte, size)
	for i := range b {
		b[i] = ' '
	}
	if _, err := f.Write(b); err != nil {
		return err
	}
	return f.Sync()
}

// resolve returns the file a credentials path names: a symlink's target is
// replaced in its own folder, so the link (managed by a configuration tool,
// say) stays a link.
func resolve(path string) string {
	if t, err := filepath.EvalSymlinks(path); err == nil {
		return t
	}
	return path
}

// prepare makes a replacement for the credentials file at path with room
// for size bytes. Its errors are *CannotSaveError: nothing was spent.
func prepare(path string, size int) (*replacement, error) {
	target := resolve(path)
	dir := filepath.Dir(target)
	st, err := os.Stat(target)
	if err == nil && !st.Mode().IsRegular() {
		return nil, &CannotSaveError{Path: path, Problem: fmt.Sprintf("%s is not a regular file", target)}
	}
	tmp, err := os.CreateTemp(dir, tempPattern(target))
	if err != nil {
		return nil, &CannotSaveError{Path: path, Problem: folderProblem(dir, err)}
	}
	r := &replacement{path: path, target: target, tmp: tmp}
	fail := func(problem string) (*replacement, error) {
		r.abort()
		return nil, &CannotSaveError{Path: path, Problem: problem}
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(fmt.Sprintf("the new file cannot be made mode 0600: %v", errno(err)))
	}
	if st != nil {
		// After a run as root (sudo, to try the cron line) the file must
		// still be the job user's: the new one gets the old one's owner.
		if uid, gid, ok := owner(st); ok && (uid != os.Geteuid() || gid != os.Getegid()) {
			if err := tmp.Chown(uid, gid); err != nil {
				return fail(fmt.Sprintf("the file belongs to uid %d, gid %d, and this user (uid %d) cannot give the new file that owner (%v): run as the file's owner", uid, gid, os.Geteuid(), errno(err)))
			}
		}
	}
	if err := reserve(tmp, size); err != nil {
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
			return fail(fmt.Sprintf("no room for the new file in %s (%v): free some space there", dir, errno(err)))
		}
		return fail(fmt.Sprintf("writing the new file in %s: %v", dir, errno(err)))
	}
	return r, nil
}

// tempPattern names the temporary files of the file at target: its own,
// so that stale ones (a kill mid-refresh) can be told from another file's.
func tempPattern(target string) string { return "." + filepath.Base(target) + ".new-*" }

// removeStale removes the temporary files a killed run left beside the
// file at path. Called under the file's lock: no live run is using them.
func removeStale(path string) {
	target := resolve(path)
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), tempPattern(target)))
	for _, name := range left {
		os.Remove(name)
	}
}

// commit writes b into the replacement's room and renames it over the
// target, then syncs the folder: a crash leaves the old file or the new
// one, never half of one. The replacement is spent either way.
func (r *replacement) commit(b []byte) error {
	fail := func(problem string) error {
		r.abort()
		return &CannotSaveError{Path: r.path, Problem: problem}
	}
	if _, err := r.tmp.WriteAt(b, 0); err != nil {
		return fail(fmt.Sprintf("writing the new file: %v", errno(err)))
	}
	if err := r.tmp.Truncate(int64(len(b))); err != nil {
		return fail(fmt.Sprintf("writing the new file: %v", errno(err)))
	}
	if err := r.tmp.Sync(); err != nil {
		return fail(fmt.Sprintf("writing the new file: %v", errno(err)))
	}
	if err := r.tmp.Close(); err != nil {
		return fail(fmt.Sprintf("writing the new file: %v", errno(err)))
	}
	if err := os.Rename(r.tmp.Name(), r.target); err != nil {
		return fail(fmt.Sprintf("%s cannot be replaced (%v): is it immutable (lsattr %s; chattr -i %s) or on a read-only mount?", r.target, errno(err), r.target, r.target))
	}
	r.tmp = nil
	if d, err := os.Open(filepath.Dir(r.target)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// abort removes the temporary file.
func (r *replacement) abort() {
	if r == nil || r.tmp == nil {
		return
	}
	r.tmp.Close()
	os.Remove(r.tmp.Name())
	r.tmp = nil
}

// folderProblem says why no file could be made in dir, with the fix.
func folderProblem(dir string, err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("the folder %s is not writable by this user (uid %d): the file is replaced there at each refresh, with a lock file beside it; give the folder to the job's user: chown USER %s && chmod 700 %s", dir, os.Geteuid(), dir, dir)
	case errors.Is(err, syscall.EROFS):
		return fmt.Sprintf("the folder %s is on a read-only file system: the file is replaced there at each refresh; keep it on a writable one", dir)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Sprintf("no room for the new file in %s (%v): free some space there", dir, errno(err))
	}
	return fmt.Sprintf("cannot make the new file in %s: %v", dir, errno(err))
}

// errno is err without the paths the os package adds (they are named in
// the message already).
func errno(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
