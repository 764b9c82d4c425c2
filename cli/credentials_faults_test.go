package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// refreshedCreds refreshes once at the fake (base is its /v1 URL) and
// writes a credentials file holding the answer: a run with it starts with
// a fresh access token.
func refreshedCreds(t *testing.T, base, dir string) string {
	t.Helper()
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {oauthClient}, "client_secret": {oauthSecret}, "refresh_token": {oauthRefresh}}
	resp, err := http.PostForm(base+"/access_token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct {
		AccessToken  string `json:"access_token"`
		ExpiresIn    int64  `json:"expires_in"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.AccessToken == "" {
		t.Fatalf("refresh: %v %d", err, resp.StatusCode)
	}
	f := oauth.File{ClientID: oauthClient, ClientSecret: oauthSecret, RefreshToken: a.RefreshToken, AccessToken: a.AccessToken,
		Lifetime: a.ExpiresIn, ExpiresAt: time.Now().Add(time.Duration(a.ExpiresIn) * time.Second)}
	p := filepath.Join(dir, "creds.json")
	if err := f.Save(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// immutable makes path immutable for the test, or skips it.
func immutable(t *testing.T, path string) {
	t.Helper()
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
}

// fileAccepted fails the test unless the credentials file's refresh token
// is the one the fake will accept next.
func fileAccepted(t *testing.T, srv *fakeapi.Server, path string) {
	t.Helper()
	f, err := oauth.Load(path)
	if err != nil || f.RefreshToken != srv.LastRefreshToken() {
		t.Fatalf("credentials file %v: its refresh token is not the one the fake accepts", err)
	}
}

// A file that cannot be replaced (immutable): a run that must refresh at
// once is refused at the start (exit 2, naming the fix), one whose token
// runs out mid-run stops before the refresh (exit 3); the refresh token is
// never spent either way.
func TestCredentialsThatCannotBeSavedAreNeverRefreshed(t *testing.T) {
	t.Parallel()
	t.Run("at the start", func(t *testing.T) {
		srv := oauthFake(t, time.Hour)
		dir := t.TempDir()
		creds := credsFile(t, dir, oauthSecret)
		immutable(t, creds)
		code, _, stderr := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 3),
			"--output", filepath.Join(dir, "out.csv"))
		if code != cli.ExitUsage || !strings.Contains(stderr, "chattr -i") || !strings.Contains(stderr, "was not used") {
			t.Fatalf("exit %d, want 2 naming chattr -i\n%s", code, stderr)
		}
		if n := srv.Server.Stats().Requests; n != 0 {
			t.Errorf("%d requests sent", n)
		}
		fileAccepted(t, srv.Server, creds)
	})
	t.Run("mid-run", func(t *testing.T) {
		srv := oauthFake(t, 2*time.Second)
		dir := t.TempDir()
		creds := refreshedCreds(t, srv.URL, dir)
		immutable(t, creds)
		code, _, stderr := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 30),
			"--output", filepath.Join(dir, "out.csv"), "--rate", "8")
		if code != cli.ExitAborted || !strings.Contains(stderr, "was not used") || !strings.Contains(stderr, "--resume") {
			t.Fatalf("exit %d, want 3 saying the refresh token was not used\n%s", code, stderr)
		}
		st := srv.Server.Stats()
		if st.Refreshes != 1 || st.Prechecks == 0 {
			t.Errorf("%d refreshes (want only the setup's), %d prechecks", st.Refreshes, st.Prechecks)
		}
		fileAccepted(t, srv.Server, creds)
		secretsIn(t, dir, creds, stderr)
	})
}

// --sandbox with --credentials reads and checks the file but never writes
// it, nor leaves a lock beside it, and says so: trying the cron line in the
// sandbox cannot cost the production refresh token.
func TestCredentialsSandboxNeverTouchesTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	creds := credsFile(t, dir, oauthSecret)
	before, _ := os.ReadFile(creds)
	out := t.TempDir()
	code, _, stderr := run(t, nil, "precheck", "--sandbox", "--credentials", creds, "--input", emailsFile(t, 5),
		"--output", filepath.Join(out, "out.csv"))
	if code != cli.ExitOK || !strings.Contains(stderr, "is read and checked but never written") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	after, _ := os.ReadFile(creds)
	if !bytes.Equal(before, after) {
		t.Errorf("the sandbox rewrote the credentials file:\n%s", after)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files beside the credentials: %v", entries)
	}
	secretsIn(t, out, creds, stderr)
}

// The API answers 401 to every token, fresh ones included: the run makes a
// few refreshes, not one per row, and its advice names the credentials
// file, not WEBEX_TOKEN or --token-file.
func TestCredentialsPersistent401(t *testing.T) {
	t.Parallel()
	f := fakeapi.New(fakeapi.Options{OAuth: &fakeapi.OAuth{ClientID: oauthClient, ClientSecret: oauthSecret, RefreshToken: oauthRefresh, AccessTTL: time.Hour}})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/access_token") {
			f.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		fmt.Fprint(w, `{"message":"The request requires a valid access token set in the Authorization request header.","errors":[{"description":"Unauthorized"}],"trackingId":"t1"}`)
	}))
	defer hs.Close()
	dir := t.TempDir()
	creds := credsFile(t, dir, oauthSecret)
	code, _, stderr := run(t, nil, "precheck", "--base-url", hs.URL+"/v1", "--credentials", creds, "--input", emailsFile(t, 40),
		"--output", filepath.Join(dir, "out.csv"), "--rate", "0", "--concurrency", "8")
	if code != cli.ExitAborted {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if n := f.Stats().Refreshes; n > 3 {
		t.Errorf("%d refreshes for a 401 that persists", n)
	}
	if !strings.Contains(stderr, "credentials file "+creds) || strings.Contains(stderr, "WEBEX_TOKEN") || strings.Contains(stderr, "--token-file") {
		t.Errorf("the advice does not name the credentials file alone:\n%s", stderr)
	}
	t.Logf("%d refreshes", f.Stats().Refreshes)
}

// A token endpoint answering 429 with Retry-After: 1 twice: the run waits
// as told and goes on (exit 0); with no retries allowed (--max-retries 0
// --retry-for 0) it stops (exit 3) without spending the refresh token.
func TestCredentialsTokenEndpointRetriedAsTheAPI(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		flags []string
		code  int
	}{
		{"default retries", nil, cli.ExitOK},
		{"no retries", []string{"--max-retries", "0", "--retry-for", "0"}, cli.ExitAborted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, err := fakeapi.Start(fakeapi.Options{OAuth: &fakeapi.OAuth{ClientID: oauthClient, ClientSecret: oauthSecret,
				RefreshToken: oauthRefresh, FailFirst: 2, FailStatus: 429, FailRetryAfter: time.Second}})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			dir := t.TempDir()
			creds := credsFile(t, dir, oauthSecret)
			start := time.Now()
			args := append([]string{"precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 3),
				"--output", filepath.Join(dir, "out.csv")}, c.flags...)
			code, _, stderr := run(t, nil, args...)
			st := srv.Server.Stats()
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, stderr)
			}
			if c.code == cli.ExitOK && (st.Refreshes != 1 || st.RefreshFailures != 2 || time.Since(start) < 2*time.Second) {
				t.Errorf("%d refreshes after %d 429s in %v; want 1 after 2, Retry-After honoured", st.Refreshes, st.RefreshFailures, time.Since(start))
			}
			if c.code != cli.ExitOK && (st.Refreshes != 0 || !strings.Contains(stderr, "HTTP 429")) {
				t.Errorf("%d refreshes\n%s", st.Refreshes, stderr)
			}
			fileAccepted(t, srv.Server, creds)
		})
	}
}

// The credentials' folder is full (a real tmpfs) while the access token
// still has an hour: the run goes on (exit 0) and says at the start that
// the refresh then will fail, and why.
func TestCredentialsRefreshThatWillFailIsSaidAtTheStart(t *testing.T) {
	t.Parallel()
	srv := oauthFake(t, time.Hour)
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	creds := refreshedCreds(t, srv.URL, dir)
	// Fill the disk, then free one page: the lock file takes it.
	filler := filepath.Join(dir, "filler")
	fh, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	page := make([]byte, 4096)
	for {
		if _, err := fh.Write(page); err != nil {
			break
		}
	}
	st, _ := fh.Stat()
	fh.Truncate(st.Size()/4096*4096 - 4096)
	fh.Close()
	out := t.TempDir()
	code, _, stderr := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 3),
		"--output", filepath.Join(out, "out.csv"))
	if code != cli.ExitOK || !strings.Contains(stderr, "warning: --credentials: the access token lasts until") || !strings.Contains(stderr, "no room for the new file") {
		t.Fatalf("exit %d, want 0 and the warning\n%s", code, stderr)
	}
	if n := srv.Server.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want only the setup's", n)
	}
	fileAccepted(t, srv.Server, creds)
}
