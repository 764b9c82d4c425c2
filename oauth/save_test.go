//go:build linux

package oauth_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// fillDisk leaves one page free on the file system holding dir: the lock
// file takes it, and nothing is left for the new credentials file.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if err := os.WriteFile(filepath.Join(dir, "filler"), make([]byte, free-int64(st.Bsize)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A refresh whose answer could not be saved is never sent: at the start
// (Check, which the CLI turns into exit 2) and before a refresh mid-run
// (Token). The faults are real where the machine allows: a full tmpfs, an
// immutable file, a read-only bind mount; the full disk also through the
// hook, for machines without root. The file still holds a refresh token the
// fake accepts.
func TestRefusedBeforeRefreshWhenTheFileCannotBeReplaced(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir, path string) // after the file is written
		mount bool                                 // dir is a fresh tmpfs
		want  string
	}{
		{"disk full (tmpfs)", func(t *testing.T, dir, _ string) { fillDisk(t, dir) }, true, "no room for the new file"},
		{"disk full (hook)", func(t *testing.T, _, _ string) {
			t.Cleanup(oauth.SetReserve(func(*os.File, int) error { return &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC} }))
		}, false, "no room for the new file"},
		{"immutable file", func(t *testing.T, _, path string) {
			if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
				t.Skipf("chattr +i: %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
		}, false, "chattr -i"},
		{"read-only bind mount", func(t *testing.T, _, path string) {
			if out, err := exec.Command("mount", "--bind", path, path).CombinedOutput(); err != nil {
				t.Skipf("mount --bind: %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("umount", path).Run() })
			if out, err := exec.Command("mount", "-o", "remount,bind,ro", path).CombinedOutput(); err != nil {
				t.Skipf("remount ro: %v %s", err, out)
			}
		}, false, "cannot be replaced"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.mount {
				if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
					t.Skipf("mount tmpfs: %v %s", err, out)
				}
				t.Cleanup(func() { exec.Command("umount", dir).Run() })
			}
			path := filepath.Join(dir, "creds.json")
			fakeCreds(t, path)
			c.setup(t, dir, path)
			srv := fakeOAuth(fakeapi.OAuth{})
			s := sourceFor(t, path, srv, nil)
			for _, step := range []struct {
				name string
				run  func() error
			}{
				{"at the start", func() error { return s.Check(context.Background()) }},
				{"mid-run", func() error { _, err := s.Token(context.Background()); return err }},
			} {
				err := step.run()
				var cannot *oauth.CannotSaveError
				if !errors.As(err, &cannot) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "was not used") {
					t.Fatalf("%s: %v; want a CannotSaveError saying %q", step.name, err, c.want)
				}
			}
			if st := srv.Stats(); st.Requests != 0 {
				t.Errorf("%d requests reached the token endpoint", st.Requests)
			}
			noTempLeft(t, dir)
			stillAccepted(t, srv, path)
		})
	}
}

// After a run as root (sudo, to try the cron line) the file is still the
// job user's, mode 0600, and the job user's next run refreshes from it.
func TestRunAsRootKeepsTheJobUsersFile(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	const job = 65534 // nobody
	dir, err := os.MkdirTemp("", "oauth-owner-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "creds.json")
	fakeCreds(t, path)
	for _, p := range []string{dir, path} {
		if err := os.Chown(p, job, job); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(dir, 0o700)
	srv := fakeOAuth(fakeapi.OAuth{})
	if _, err := sourceFor(t, path, srv, nil).Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	sys := st.Sys().(*syscall.Stat_t)
	if sys.Uid != job || sys.Gid != job || st.Mode().Perm() != 0o600 {
		t.Fatalf("after the root run: uid %d gid %d mode %v; want %d %d 0600", sys.Uid, sys.Gid, st.Mode().Perm(), job, job)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	if out := asUser(t, job, job, "refresh", path, hs.URL+"/v1"); out != "ok" {
		t.Fatalf("the job user's next run: %s", out)
	}
	if srv.Stats().Refreshes != 2 {
		t.Errorf("%d refreshes, want 2", srv.Stats().Refreshes)
	}
	stillAccepted(t, srv, path)
}

// The README's own /etc/webex, root's and 0755 with the file the job
// user's: the job user's run is refused at the start, saying the folder
// must be writable and how, and spends nothing.
func TestFolderNotWritableIsRefusedAtTheStart(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	const job = 65534
	dir, err := os.MkdirTemp("", "oauth-etc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "credentials.json")
	fakeCreds(t, path)
	os.Chown(path, job, job)
	srv := fakeOAuth(fakeapi.OAuth{})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	for _, mode := range []string{"check", "token"} {
		out := asUser(t, job, job, mode, path, hs.URL+"/v1")
		for _, want := range []string{"the folder " + dir + " is not writable by this user", "chmod 700 " + dir, "was not used"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q, want it to say %q", mode, out, want)
			}
		}
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Errorf("%d requests to the token endpoint", n)
	}
	stillAccepted(t, srv, path)
}

// A symlinked credentials file (a configuration tool's): the link stays a
// link, its target gets the new token, mode 0600, replaced in its own
// folder; the lock sits beside the target.
func TestSymlinkedFileKeepsTheLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "managed", "creds.json")
	os.Mkdir(filepath.Dir(real), 0o700)
	fakeCreds(t, real)
	link := filepath.Join(dir, "creds.json")
	if err := os.Symlink("managed/creds.json", link); err != nil {
		t.Fatal(err)
	}
	srv := fakeOAuth(fakeapi.OAuth{})
	s := sourceFor(t, link, srv, func() {
		if _, err := os.Stat(real + ".lock"); err != nil {
			t.Errorf("no lock beside the target while refreshing: %v", err)
		}
	})
	if _, err := s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is gone: %v %v", st.Mode(), err)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v", st.Mode().Perm())
	}
	f, _ := oauth.Load(real)
	if f.RefreshToken != srv.LastRefreshToken() {
		t.Error("the target does not hold the new refresh token")
	}
	noTempLeft(t, dir)
	noTempLeft(t, filepath.Dir(real))
	stillAccepted(t, srv, link)
}

// A folder given as the credentials file is said to be a folder, not a
// file readable by others.
func TestFolderGivenForTheFile(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	_, err := oauth.Load(dir)
	if err == nil || !strings.Contains(err.Error(), "is a folder, not a file") || strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("%v", err)
	}
}

// asUser runs this test binary as uid:gid (a copy other users can
// execute) in the child mode, and returns what it printed.
func asUser(t *testing.T, uid, gid int, mode, path, endpoint string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a child as another user")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "oauth-child-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "oauth.test")
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), "OAUTH_CHILD="+mode, "OAUTH_CHILD_PATH="+path, "OAUTH_CHILD_URL="+endpoint)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child as uid %d: %v\n%s", uid, err, out)
	}
	return strings.TrimSpace(string(out))
}
