package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

const (
	oauthClient  = "client-id-3c9e"
	oauthSecret  = "client-SECRET-b71f"
	oauthRefresh = "fake-refresh-first-0d4a"
)

// oauthFake is the fake API as an OAuth server too, its access tokens
// living ttl.
func oauthFake(t *testing.T, ttl time.Duration) *fakeapi.Running {
	t.Helper()
	srv, err := fakeapi.Start(fakeapi.Options{OAuth: &fakeapi.OAuth{ClientID: oauthClient, ClientSecret: oauthSecret,
		RefreshToken: oauthRefresh, AccessTTL: ttl}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func credsFile(t *testing.T, dir, secret string) string {
	t.Helper()
	p := filepath.Join(dir, "creds.json")
	body := fmt.Sprintf(`{"client_id": %q, "client_secret": %q, "refresh_token": %q}`, oauthClient, secret, oauthRefresh)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// secretsIn fails the test if any file in dir (the credentials file
// aside) or the text shows a secret or any token the fake issued.
func secretsIn(t *testing.T, dir, creds string, texts ...string) {
	t.Helper()
	leak := regexp.MustCompile(oauthSecret + `|fake-access-|fake-refresh-`)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if p == creds || e.IsDir() {
			continue
		}
		b, _ := os.ReadFile(p)
		if m := leak.Find(b); m != nil {
			t.Errorf("%s shows %q", e.Name(), m)
		}
	}
	for _, s := range texts {
		if m := leak.FindString(s); m != "" {
			t.Errorf("output shows %q", m)
		}
	}
}

// Access tokens that live 2 s, over a precheck and a provisioning run of
// about 10 s in all: every row passes, the tool refreshes again and again
// before they expire (no request answered 401, so none sent twice), the
// exactly-once promise holds, and the file ends with the last refresh
// token issued, mode 0600.
func TestCredentialsRenewTokensDuringARun(t *testing.T) {
	t.Parallel()
	srv := oauthFake(t, time.Second)
	dir := t.TempDir()
	creds := credsFile(t, dir, oauthSecret)
	in := emailsFile(t, 50)
	var stderr strings.Builder

	code, _, errText := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", in,
		"--output", filepath.Join(dir, "pre.csv"), "--rate", "20", "--summary-json", filepath.Join(dir, "pre.json"), "--log-level", "debug")
	stderr.WriteString(errText)
	if code != cli.ExitOK {
		t.Fatalf("precheck: exit %d\n%s", code, errText)
	}
	in2 := writeFile(t, "in2.csv", "email\nann@acme.example\nben@acme.example\ncy@acme.example\ndee@acme.example\neve@acme.example\n"+
		"fay@acme.example\ngus@acme.example\nhal@acme.example\nivy@acme.example\njo@acme.example\nkim@acme.example\nlou@acme.example\n")
	code, _, errText = run(t, nil, "provision", "--base-url", srv.URL, "--credentials", creds, "--input", in2,
		"--output", filepath.Join(dir, "prov.csv"), "--customer-id", "cust-1", "--package", "webex_meetings", "--yes", "--rate", "10",
		"--summary-json", filepath.Join(dir, "prov.json"), "--log-level", "debug")
	stderr.WriteString(errText)
	if code != cli.ExitOK {
		t.Fatalf("provision: exit %d\n%s", code, errText)
	}
	st := srv.Server.Stats()
	if st.Refreshes < 4 || st.Unauthorized != 0 || st.RefreshFailures != 0 {
		t.Errorf("%d refreshes, %d answers 401, %d refused refreshes; want several, none, none", st.Refreshes, st.Unauthorized, st.RefreshFailures)
	}
	for email, posts := range st.PostsByEmail {
		if posts != 1 {
			t.Errorf("%s POSTed %d times", email, posts)
		}
	}
	f, err := oauth.Load(creds)
	if err != nil || f.RefreshToken != srv.Server.LastRefreshToken() || f.AccessToken == "" {
		t.Errorf("credentials file: %v; refresh token is the last issued: %v", err, f.RefreshToken == srv.Server.LastRefreshToken())
	}
	if st, _ := os.Stat(creds); st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v", st.Mode().Perm())
	}
	m, _ := os.ReadFile(filepath.Join(dir, "prov.json"))
	if !strings.Contains(string(m), `"credentials": "`+creds+`"`) {
		t.Errorf("the manifest does not record the credentials file:\n%s", m)
	}
	secretsIn(t, dir, creds, stderr.String())
	t.Logf("%d refreshes over both runs", st.Refreshes)
}

// A refresh the endpoint refuses stops the run at once (exit 3) with what
// to do, and the resume command; nothing secret is shown.
func TestCredentialsRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, secret string
		revoke       bool
		want         string
	}{
		{"revoked refresh token", oauthSecret, true, "re-authorize the integration"},
		{"wrong client secret", "client-SECRET-wrong", false, "invalid_client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := oauthFake(t, time.Hour)
			if c.revoke {
				srv.Server.RevokeRefreshTokens()
			}
			dir := t.TempDir()
			creds := credsFile(t, dir, c.secret)
			code, _, stderr := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 20),
				"--output", filepath.Join(dir, "out.csv"), "--rate", "0", "--summary-json", filepath.Join(dir, "m.json"), "--log-level", "debug")
			if code != cli.ExitAborted || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "--resume") {
				t.Fatalf("exit %d, want 3 saying %q and the resume command\n%s", code, c.want, stderr)
			}
			if n := srv.Server.Stats().Prechecks; n != 0 {
				t.Errorf("%d prechecks sent without a token", n)
			}
			for _, r := range readCSV(t, filepath.Join(dir, "out.csv")) {
				if r["precheck_result"] != "not_sent" {
					t.Errorf("line %s: %s", r["line"], r["precheck_result"])
				}
			}
			secretsIn(t, dir, creds, stderr)
			if strings.Contains(stderr, "client-SECRET-wrong") {
				t.Error("stderr shows the secret")
			}
		})
	}
}

// A credentials file the tool cannot use is refused before anything is
// sent (exit 2), naming what to fix, without showing its secrets.
func TestCredentialsFileRefused(t *testing.T) {
	t.Parallel()
	srv := oauthFake(t, time.Hour)
	good := fmt.Sprintf(`{"client_id": %q, "client_secret": %q, "refresh_token": %q}`, oauthClient, oauthSecret, oauthRefresh)
	cases := []struct {
		name, body string
		mode       os.FileMode
		want       string
	}{
		{"world-readable", good, 0o644, "chmod 600"},
		{"group-readable", good, 0o640, "chmod 600"},
		{"malformed", strings.TrimSuffix(good, "}"), 0o600, "not the JSON object expected"},
		{"no client secret", fmt.Sprintf(`{"client_id": %q, "refresh_token": %q}`, oauthClient, oauthRefresh), 0o600, `no "client_secret"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			creds := filepath.Join(dir, "creds.json")
			os.WriteFile(creds, []byte(c.body), c.mode)
			os.Chmod(creds, c.mode)
			code, _, stderr := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 3),
				"--output", filepath.Join(dir, "out.csv"))
			if code != cli.ExitUsage || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d, want 2 saying %q\n%s", code, c.want, stderr)
			}
			if strings.Contains(stderr, oauthSecret) || strings.Contains(stderr, oauthRefresh) {
				t.Errorf("stderr shows a secret:\n%s", stderr)
			}
			if srv.Server.Stats().Requests != 0 {
				t.Error("requests were sent")
			}
		})
	}
}
