package cli_test

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/oauth"
)

// Access tokens of 2 s, refreshed again and again while the tool is killed
// with SIGKILL at random instants: after every kill the credentials file
// loads and holds the refresh token the fake accepts next. A kill that
// lands between the server's rotation and the save (well under a
// millisecond wide) may lose it, but never silently: the file then keeps
// the refresh's time, and the next run says the refresh got no answer.
func TestKillNineNeverLosesTheCredentials(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	srv := oauthFake(t, 2*time.Second)
	dir := t.TempDir()
	creds := credsFile(t, dir, oauthSecret)
	in := emailsFile(t, 40)
	kills := soakOr(8, 3)
	refreshes := 0
	for i := range kills {
		out := filepath.Join(dir, fmt.Sprintf("out-%d.csv", i))
		cmd := exec.Command(bin, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", in,
			"--output", out, "--rate", "15", "--quiet")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300*time.Millisecond + rand.N(2200*time.Millisecond))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("run %d ended before the kill: %v\n%s", i, cmd.ProcessState, stderr.String())
		}
		f, err := oauth.Load(creds)
		if err != nil {
			t.Fatalf("kill %d: the credentials file: %v\n%s", i, err, stderr.String())
		}
		if f.RefreshToken != srv.Server.LastRefreshToken() {
			if f.RefreshStartedAt.IsZero() {
				t.Fatalf("kill %d: the file lost the refresh token without a trace", i)
			}
			t.Logf("kill %d landed between the rotation and the save; the file says so", i)
			code, _, errText := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", in,
				"--output", filepath.Join(dir, "after-lost.csv"))
			if code == 0 || !strings.Contains(errText, "got no answer") {
				t.Fatalf("the run after: exit %d\n%s", code, errText)
			}
			return
		}
		refreshes = srv.Server.Stats().Refreshes
	}
	code, _, errText := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", in,
		"--output", filepath.Join(dir, "last.csv"), "--rate", "0")
	if code != 0 {
		t.Fatalf("the run after the kills: exit %d\n%s", code, errText)
	}
	fileAccepted(t, srv.Server, creds)
	if left, _ := filepath.Glob(filepath.Join(dir, ".creds.json.new-*")); len(left) != 0 {
		t.Errorf("temporary files left after the kills: %v", left)
	}
	t.Logf("%d kills over %d refreshes", kills, refreshes)
}
