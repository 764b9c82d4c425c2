package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/wholesale-batch/wholesale-batch/lock"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// sandboxStateEnv names the file --sandbox-state defaults to.
const sandboxStateEnv = "WHOLESALE_BATCH_SANDBOX_STATE"

// sandboxCustomers is the sandbox's customer registry: the fake's own
// (DefaultCustomers, which its tests rely on) and the two customers the
// README's waves walk-through names, provisioned, so it works as printed.
func sandboxCustomers() []fakeapi.Customer {
	both := &fakeapi.ResourceDetails{Packages: []fakeapi.PackageDetail{
		{Name: "webex_calling", Status: "provisioned"}, {Name: "webex_meetings", Status: "provisioned"},
	}}
	out := fakeapi.DefaultCustomers()
	for _, ext := range []string{"ACME-01", "GLOBEX-7"} {
		out = append(out, fakeapi.Customer{ExternalID: ext, Status: fakeapi.CustomerProvisioned,
			Packages: []string{"webex_calling", "webex_meetings"}, ResourceDetails: both})
	}
	return out
}

// sandboxState is the --sandbox-state file of a run: locked from the load
// at the start to the save at the end, so that two runs on one file cannot
// each write back their own half.
type sandboxState struct {
	path string
	lock *lock.Lock
}

// sandboxStatePath is --sandbox-state, else $WHOLESALE_BATCH_SANDBOX_STATE;
// "" when the sandbox is to forget.
func sandboxStatePath(cfg *config, env Env) string {
	if cfg.sandboxState != "" {
		return cfg.sandboxState
	}
	return env.Getenv(sandboxStateEnv)
}

// loadSandboxState restores srv from the run's state file, holding its
// lock; nil without one. A missing file is an empty sandbox (the file is
// made at the end); a file in use or damaged refuses the run (exit 2)
// before anything is sent. Without a state file, a command that looks up
// what an earlier run made says once that it will not find it.
func loadSandboxState(cfg *config, env Env, srv *fakeapi.Server) (*sandboxState, error) {
	path := sandboxStatePath(cfg, env)
	if path == "" {
		if cfg.cmd.FollowUp && !cfg.quiet {
			fmt.Fprintf(env.Stderr, "wholesale-batch: --sandbox: each sandbox run starts empty, so it finds none of the subscribers an earlier sandbox run made; to keep them from run to run, give every run --sandbox-state FILE (or set %s)\n", sandboxStateEnv)
		}
		return nil, nil
	}
	l, err := lock.Acquire(lockPath(path))
	if err != nil {
		var he *lock.HeldError
		if errors.As(err, &he) {
			who := "another run"
			if he.Holder != "" {
				who = he.Holder
			}
			return nil, usagef("--sandbox-state %s is in use by %s: two runs on one state file would each write back their own; wait for that run to end, then run again; nothing was sent", path, who)
		}
		return nil, usagef("--sandbox-state %s: %v", path, unwrapPath(err))
	}
	st := &sandboxState{path: path, lock: l}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return st, nil // a new sandbox: the file is made at the end
	case err != nil:
		l.Release()
		return nil, usagef("--sandbox-state %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	if err := srv.Restore(bufio.NewReader(f)); err != nil {
		l.Release()
		if errors.Is(err, fakeapi.ErrSnapshot) {
			return nil, usagef("--sandbox-state %s is damaged or not a sandbox state file (%v): delete it to start the sandbox over empty (its subscribers are fake), or give another file; nothing was sent", path, err)
		}
		return nil, usagef("--sandbox-state %s: %v", path, unwrapPath(err))
	}
	return st, nil
}

// save writes srv's state back and releases the lock. It replaces the file
// atomically (a temporary file beside it, synced, renamed over it), so a
// run that dies at any point leaves the earlier state or the new one, never
// half of one; the file is 0600, as it holds the emails of the input.
func (st *sandboxState) save(srv *fakeapi.Server) error {
	if st == nil {
		return nil
	}
	defer st.lock.Release()
	dir, base := filepath.Split(st.path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*") // 0600
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := srv.Snapshot(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), st.path); err != nil {
		return err
	}
	done = true
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the system allows it.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// saveSandboxState is st.save, said on stderr when it fails: the run's
// rows are done and written by then, only the sandbox forgets them.
func saveSandboxState(st *sandboxState, srv *fakeapi.Server, stderr io.Writer) {
	if err := st.save(srv); err != nil {
		fmt.Fprintf(stderr, "wholesale-batch: error: --sandbox-state %s was not saved: %v; it keeps the state from before this run, and the sandbox forgets what this run did\n", st.path, unwrapPath(err))
	}
}
