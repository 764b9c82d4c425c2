package cli_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// authURL is the authorization page's address as auth login prints it.
var authURL = regexp.MustCompile(`http://\S+/authorize\?\S+`)

// watched is standard error of a run under way: safe to write from the
// run and read from the test, it hands over the first authorization URL.
type watched struct {
	mu   sync.Mutex
	b    strings.Builder
	url  chan string
	sent bool
}

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if m := authURL.FindString(w.b.String()); m != "" && !w.sent {
		w.sent = true
		w.url <- m
	}
	return len(p), nil
}

func (w *watched) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// login is an auth login under way.
type login struct {
	stderr *watched
	stdout strings.Builder
	done   chan int
}

// startLogin runs auth login with args, its standard input stdin (a
// terminal when tty).
func startLogin(t *testing.T, stdin string, tty bool, args ...string) *login {
	t.Helper()
	return startLoginCtx(t, context.Background(), stdin, tty, args...)
}

// startLoginCtx is startLogin with ctx, whose end is an interrupt.
func startLoginCtx(t *testing.T, ctx context.Context, stdin string, tty bool, args ...string) *login {
	t.Helper()
	return startLoginEnv(t, ctx, cli.Env{Stdin: strings.NewReader(stdin), StdinTTY: tty}, args...)
}

// startLoginEnv runs auth login in env, its output watched.
func startLoginEnv(t *testing.T, ctx context.Context, env cli.Env, args ...string) *login {
	t.Helper()
	l := &login{stderr: &watched{url: make(chan string, 1)}, done: make(chan int, 1)}
	env.Stdout, env.Stderr = &l.stdout, l.stderr
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	go func() { l.done <- cli.Run(ctx, append([]string{"auth", "login"}, args...), env) }()
	return l
}

// page waits for the authorization URL (failing if the run ends first).
func (l *login) page(t *testing.T) string {
	t.Helper()
	select {
	case u := <-l.url():
		return u
	case code := <-l.done:
		t.Fatalf("auth login ended (exit %d) before printing the URL:\n%s", code, l.stderr)
	case <-time.After(10 * time.Second):
		t.Fatalf("no URL printed:\n%s", l.stderr)
	}
	return ""
}

func (l *login) url() chan string { return l.stderr.url }

// exit waits for the run's exit code.
func (l *login) exit(t *testing.T) int {
	t.Helper()
	select {
	case code := <-l.done:
		return code
	case <-time.After(20 * time.Second):
		t.Fatalf("auth login did not end:\n%s", l.stderr)
	}
	return -1
}

// browse is the browser stand-in: a plain GET that follows the redirect
// to the loopback callback; it returns the page the callback answered.
func browse(t *testing.T, page string) string {
	t.Helper()
	resp, err := http.Get(page)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// sentBack is where the authorization page sends the browser, not followed.
func sentBack(t *testing.T, page string) *url.URL {
	t.Helper()
	c := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("authorization page: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return u
}

// secretFile writes the client secret where --client-secret-file reads it.
func secretFile(t *testing.T, secret string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(p, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// freePort is a loopback port free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// codeFake is the fake as an OAuth server that authorizes the test's
// integration, registered with redirects (nil: any loopback).
func codeFake(t *testing.T, cfg fakeapi.OAuth) *fakeapi.Running {
	t.Helper()
	cfg.ClientID, cfg.ClientSecret = oauthClient, oauthSecret
	srv, err := fakeapi.Start(fakeapi.Options{OAuth: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// entries lists a folder's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// The whole first day: auth login on the registered port, the browser
// stand-in follows the printed URL, and the file written (0600) holds a
// refresh token that a precheck run then spends (its access token made
// to expire), and auth status says a job would run.
func TestAuthLoginWritesCredentialsThatWork(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	redirect := "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	srv := codeFake(t, fakeapi.OAuth{RedirectURIs: []string{redirect}})
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")

	l := startLogin(t, "", false, "--credentials", creds, "--client-id", oauthClient, "--client-secret-file", secretFile(t, oauthSecret),
		"--base-url", srv.URL, "--port", strconv.Itoa(port))
	page := l.page(t)
	q, _ := url.Parse(page)
	if v := q.Query(); v.Get("redirect_uri") != redirect || v.Get("code_challenge_method") != "S256" || len(v.Get("state")) < 16 ||
		v.Get("scope") != "spark-admin:wholesale_subscribers_read spark-admin:wholesale_subscribers_write spark-admin:wholesale_customers_read" || v.Get("client_id") != oauthClient {
		t.Errorf("authorization URL %s", page)
	}
	if got := browse(t, page); !strings.Contains(got, "is authorized") {
		t.Errorf("the browser's page: %s", got)
	}
	if code := l.exit(t); code != cli.ExitOK {
		t.Fatalf("auth login: exit %d\n%s", code, l.stderr)
	}
	st, err := os.Stat(creds)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v, mode %v", err, st.Mode().Perm())
	}
	f, err := oauth.Load(creds)
	if err != nil || f.ClientID != oauthClient || f.ClientSecret != oauthSecret || f.RefreshToken != srv.Server.LastRefreshToken() ||
		f.AccessToken == "" || time.Until(f.ExpiresAt) < 13*24*time.Hour || time.Until(f.RefreshExpiresAt) < 89*24*time.Hour {
		t.Fatalf("credentials file: %v; %+v", err, f.ExpiresAt)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("folder holds %v, want the file alone", names)
	}
	if s := srv.Server.Stats(); s.Authorizations != 1 || s.CodeGrants != 1 {
		t.Errorf("%d authorizations, %d code grants", s.Authorizations, s.CodeGrants)
	}

	srv.Server.ExpireAccessTokens() // so the run must spend the refresh token
	code, _, errText := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 3),
		"--output", filepath.Join(t.TempDir(), "pre.csv"))
	if code != cli.ExitOK {
		t.Fatalf("precheck with the new file: exit %d\n%s", code, errText)
	}
	if s := srv.Server.Stats(); s.Refreshes != 1 || s.RefreshFailures != 0 {
		t.Errorf("%d refreshes, %d refused; want 1, 0", s.Refreshes, s.RefreshFailures)
	}
	if g, _ := oauth.Load(creds); g.RefreshToken == f.RefreshToken || g.RefreshToken != srv.Server.LastRefreshToken() {
		t.Error("the file does not hold the rotated refresh token")
	}

	code, out, statusErr := run(t, nil, "auth", "status", "--credentials", creds, "--base-url", srv.URL)
	if code != cli.ExitOK || !strings.Contains(out, "ready: a job with these credentials would run") || !strings.Contains(out, "client id client…3c9e") ||
		strings.Contains(out, oauthClient) {
		t.Errorf("auth status: exit %d\n%s%s", code, out, statusErr)
	}
	secretsIn(t, dir, creds, l.stderr.String(), l.stdout.String(), errText, out, statusErr)
}

// Every way the browser's answer or the code can fail ends in one clear
// line, exit 3, and no file: not even a temporary one.
func TestAuthLoginFailuresWriteNothing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		cfg     fakeapi.OAuth
		secret  string
		extra   []string
		browser func(t *testing.T, srv *fakeapi.Running, page string)
		want    string
	}{
		{"a wrong state", fakeapi.OAuth{}, oauthSecret, nil, func(t *testing.T, _ *fakeapi.Running, page string) {
			back := sentBack(t, page)
			q := back.Query()
			q.Set("state", "forged"+q.Get("state"))
			back.RawQuery = q.Encode()
			if got := browse(t, back.String()); !strings.Contains(got, "not authorized") {
				t.Errorf("the browser's page: %s", got)
			}
		}, "the browser's answer has the wrong state"},
		{"declined", fakeapi.OAuth{DenyConsent: true}, oauthSecret, nil, func(t *testing.T, _ *fakeapi.Running, page string) {
			browse(t, page)
		}, "the browser reported error=access_denied"},
		{"a used code", fakeapi.OAuth{}, oauthSecret, nil, func(t *testing.T, srv *fakeapi.Running, page string) {
			// An earlier login's code, come back in this login's callback
			// (an old tab, a replayed URL): refused by the token endpoint.
			used := usedCode(t, srv)
			back := sentBack(t, page)
			q := back.Query()
			q.Set("code", used)
			back.RawQuery = q.Encode()
			browse(t, back.String())
		}, "the token endpoint refused the authorization code (invalid_grant)"},
		{"a wrong secret", fakeapi.OAuth{}, "not-the-secret", nil, func(t *testing.T, _ *fakeapi.Running, page string) {
			browse(t, page)
		}, "refused the client id or secret (invalid_client)"},
		{"no answer in time", fakeapi.OAuth{}, oauthSecret, []string{"--timeout", "300ms"}, nil,
			"no answer from the browser within 300ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := codeFake(t, c.cfg)
			dir := t.TempDir()
			creds := filepath.Join(dir, "creds.json")
			l := startLogin(t, "", false, append([]string{"--credentials", creds, "--client-id", oauthClient,
				"--client-secret-file", secretFile(t, c.secret), "--base-url", srv.URL, "--port", "0"}, c.extra...)...)
			page := l.page(t)
			if c.browser != nil {
				c.browser(t, srv, page)
			}
			code := l.exit(t)
			errText := l.stderr.String()
			last := lastLine(errText)
			if code != cli.ExitAborted || !strings.Contains(last, c.want) || !strings.HasPrefix(last, "wholesale-batch: ") {
				t.Errorf("exit %d, last line %q; want 3 and %q\n%s", code, last, c.want, errText)
			}
			if names := entries(t, dir); len(names) != 0 {
				t.Errorf("files left: %v", names)
			}
			secretsIn(t, dir, creds, errText)
		})
	}
}

// usedCode runs a whole login against srv (into a file of its own) and
// returns the code it redeemed.
func usedCode(t *testing.T, srv *fakeapi.Running) string {
	t.Helper()
	l := startLogin(t, "", false, "--credentials", filepath.Join(t.TempDir(), "first.json"), "--client-id", oauthClient,
		"--client-secret-file", secretFile(t, oauthSecret), "--base-url", srv.URL, "--port", "0")
	back := sentBack(t, l.page(t))
	browse(t, back.String())
	if code := l.exit(t); code != cli.ExitOK {
		t.Fatalf("first login: exit %d\n%s", code, l.stderr)
	}
	return back.Query().Get("code")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// What is refused before any browser is involved: exit 2, no URL
// printed, no file written, an existing file untouched.
func TestAuthLoginRefusesUpFront(t *testing.T) {
	t.Parallel()
	srv := codeFake(t, fakeapi.OAuth{})
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := strconv.Itoa(taken.Addr().(*net.TCPAddr).Port)
	open := filepath.Join(t.TempDir(), "open.txt")
	os.WriteFile(open, []byte(oauthSecret), 0o644)
	for _, c := range []struct {
		name   string
		exists bool
		args   []string
		want   string
	}{
		{"an existing file without --force", true, []string{"--client-secret-file", secretFile(t, oauthSecret)}, "exists already: pass --force"},
		{"the port taken", false, []string{"--client-secret-file", secretFile(t, oauthSecret), "--port", takenPort}, "port " + takenPort + " on 127.0.0.1 is taken"},
		{"a secret as a flag value", false, []string{"--client-secret", oauthSecret}, "never given as a flag value"},
		{"no secret and no terminal", false, nil, "no client secret"},
		{"a secret file others can read", false, []string{"--client-secret-file", open}, "readable by other users"},
		{"a base URL in clear text", false, []string{"--client-secret-file", secretFile(t, oauthSecret), "--base-url", "http://example.com/v1"}, "not HTTPS"},
		{"a stray argument", false, []string{"--client-secret-file", secretFile(t, oauthSecret), "creds.json"}, "unexpected argument \"creds.json\""},
		{"no scopes", false, []string{"--client-secret-file", secretFile(t, oauthSecret), "--scopes", " , "}, "--scopes is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			creds := filepath.Join(dir, "creds.json")
			const old = `{"client_id": "old", "client_secret": "old", "refresh_token": "old"}`
			if c.exists {
				os.WriteFile(creds, []byte(old), 0o600)
			}
			args := append([]string{"auth", "login", "--credentials", creds, "--client-id", oauthClient, "--base-url", srv.URL, "--port", "0", "--timeout", "2s"}, c.args...)
			code, _, errText := run(t, nil, args...)
			if code != cli.ExitUsage || !strings.Contains(errText, c.want) || authURL.MatchString(errText) || strings.Count(errText, "\n") != 1 {
				t.Errorf("exit %d; want 2, one line with %q and no URL:\n%s", code, c.want, errText)
			}
			b, _ := os.ReadFile(creds)
			if names := entries(t, dir); c.exists && (len(names) != 1 || string(b) != old) || !c.exists && len(names) != 0 {
				t.Errorf("folder holds %v", names)
			}
			secretsIn(t, dir, creds, errText)
		})
	}
}

// A file that appears while the login waits (another login, a copy) is
// not replaced either: the new one is linked into place, never renamed
// over. And an interrupt while waiting ends the login with no file.
func TestAuthLoginNeverReplacesAFileThatAppeared(t *testing.T) {
	t.Parallel()
	srv := codeFake(t, fakeapi.OAuth{})
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")
	l := startLogin(t, "", false, "--credentials", creds, "--client-id", oauthClient, "--client-secret-file", secretFile(t, oauthSecret),
		"--base-url", srv.URL, "--port", "0")
	page := l.page(t)
	const other = `{"client_id": "other", "client_secret": "other", "refresh_token": "other"}`
	if err := os.WriteFile(creds, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	browse(t, page)
	if code := l.exit(t); code != cli.ExitAborted || !strings.Contains(lastLine(l.stderr.String()), "exists already") {
		t.Errorf("exit %d\n%s", code, l.stderr)
	}
	if b, _ := os.ReadFile(creds); string(b) != other || len(entries(t, dir)) != 1 {
		t.Errorf("the file that appeared was replaced, or files were left: %v", entries(t, dir))
	}

	ctx, interrupt := context.WithCancel(context.Background())
	creds2 := filepath.Join(dir, "creds2.json")
	l = startLoginCtx(t, ctx, "", false, "--credentials", creds2, "--client-id", oauthClient, "--client-secret-file", secretFile(t, oauthSecret),
		"--base-url", srv.URL, "--port", "0")
	l.page(t)
	interrupt()
	if code := l.exit(t); code != cli.ExitAborted || !strings.Contains(lastLine(l.stderr.String()), "interrupted while waiting for the browser") {
		t.Errorf("interrupt: exit %d\n%s", code, l.stderr)
	}
	if _, err := os.Stat(creds2); err == nil || len(entries(t, dir)) != 1 {
		t.Errorf("an interrupted login left %v", entries(t, dir))
	}
}

// Where standard error is a terminal the page is opened in the browser,
// here $BROWSER, a script that records what it was given; with
// --no-browser it is only printed.
func TestAuthLoginOpensTheBrowser(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("the browser stand-in is a shell script")
	}
	srv := codeFake(t, fakeapi.OAuth{})
	dir := t.TempDir()
	for _, noBrowser := range []bool{false, true} {
		opened := filepath.Join(dir, fmt.Sprintf("opened-%v.txt", noBrowser))
		script := filepath.Join(dir, "browser.sh")
		if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' \"$1\" > "+opened+"\n"), 0o700); err != nil {
			t.Fatal(err)
		}
		args := []string{"--credentials", filepath.Join(dir, fmt.Sprintf("creds-%v.json", noBrowser)), "--client-id", oauthClient,
			"--client-secret-file", secretFile(t, oauthSecret), "--base-url", srv.URL, "--port", "0"}
		if noBrowser {
			args = append(args, "--no-browser")
		}
		l := startLoginEnv(t, context.Background(), cli.Env{Stdin: strings.NewReader(""), StderrTTY: true,
			Getenv: func(k string) string { return map[string]string{"BROWSER": script}[k] }}, args...)
		page := l.page(t)
		var got []byte
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !noBrowser && len(got) == 0; time.Sleep(10 * time.Millisecond) {
			got, _ = os.ReadFile(opened)
		}
		browse(t, page)
		if code := l.exit(t); code != cli.ExitOK {
			t.Fatalf("exit %d\n%s", code, l.stderr)
		}
		if _, err := os.Stat(opened); noBrowser && err == nil || !noBrowser && string(got) != page {
			t.Errorf("--no-browser %v: the browser got %q; the page is %q", noBrowser, got, page)
		}
	}
}

// The secret typed at the prompt, and --force (while a job refreshes the
// same file): the file replaced with the new refresh token, keeping the
// integration it held.
func TestAuthLoginPromptAndForce(t *testing.T) {
	t.Parallel()
	srv := codeFake(t, fakeapi.OAuth{})
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")
	l := startLogin(t, oauthSecret+"\n", true, "--credentials", creds, "--client-id", oauthClient, "--base-url", srv.URL, "--port", "0")
	browse(t, l.page(t))
	if code := l.exit(t); code != cli.ExitOK || !strings.Contains(l.stderr.String(), "Client secret of the integration (not shown): ") {
		t.Fatalf("typed secret: exit %d\n%s", code, l.stderr)
	}
	first, _ := oauth.Load(creds)

	l = startLogin(t, "", false, "--credentials", creds, "--force", "--base-url", srv.URL, "--port", "0")
	page := l.page(t)
	// Meanwhile a job refreshes the same file, and under its lock removes
	// the login's temporary file as a killed run's leftover.
	srv.Server.ExpireAccessTokens()
	if code, _, errText := run(t, nil, "precheck", "--base-url", srv.URL, "--credentials", creds, "--input", emailsFile(t, 1),
		"--output", filepath.Join(t.TempDir(), "pre.csv")); code != cli.ExitOK || srv.Server.Stats().Refreshes != 1 {
		t.Fatalf("the job meanwhile: exit %d\n%s", code, errText)
	}
	browse(t, page)
	if code := l.exit(t); code != cli.ExitOK {
		t.Fatalf("--force: exit %d\n%s", code, l.stderr)
	}
	f, err := oauth.Load(creds)
	if err != nil || f.ClientID != oauthClient || f.ClientSecret != oauthSecret || f.RefreshToken == first.RefreshToken || f.RefreshToken != srv.Server.LastRefreshToken() {
		t.Errorf("replaced file: %v", err)
	}
	if st, _ := os.Stat(creds); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	secretsIn(t, dir, creds, l.stderr.String())
}

// auth status: exit 0 when a job would run, 3 when it would not, the last
// line saying why and the fix; never a secret.
func TestAuthStatusExitCodes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		cfg   fakeapi.OAuth
		setup func(srv *fakeapi.Running)
		code  int
		want  string // in the output (exit 0) or the last line (exit 3)
	}{
		{"working", fakeapi.OAuth{}, nil, cli.ExitOK, "ready: a job with these credentials would run"},
		{"revoked refresh token", fakeapi.OAuth{}, func(srv *fakeapi.Running) { srv.Server.RevokeRefreshTokens() }, cli.ExitAborted,
			"(invalid_grant): it has expired or was revoked"},
		{"expired refresh token", fakeapi.OAuth{RefreshTTL: time.Nanosecond}, nil, cli.ExitAborted, "(invalid_grant)"},
		{"a token without the wholesale scopes", fakeapi.OAuth{Scopes: []string{"spark:people_read"}}, nil, cli.ExitAborted,
			"HTTP 403"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.RefreshToken = oauthRefresh
			srv := codeFake(t, c.cfg)
			if c.setup != nil {
				c.setup(srv)
			}
			dir := t.TempDir()
			creds := credsFile(t, dir, oauthSecret)
			code, out, errText := run(t, nil, "auth", "status", "--credentials", creds, "--base-url", srv.URL)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out, errText)
			}
			if c.code == cli.ExitOK && !strings.Contains(out, c.want) || c.code != cli.ExitOK && !strings.Contains(lastLine(errText), c.want) {
				t.Errorf("want %q\n%s%s", c.want, out, errText)
			}
			if c.code != cli.ExitOK && !strings.Contains(lastLine(errText), "auth login --credentials "+creds+" --force") {
				t.Errorf("the last line does not give the fix: %s", errText)
			}
			for _, label := range []string{"integration    client id client…3c9e", "access token   expires", "refresh token  expires", "wholesale API"} {
				if !strings.Contains(out, label) {
					t.Errorf("no %q in\n%s", label, out)
				}
			}
			secretsIn(t, dir, creds, out, errText)
		})
	}
}

// A 403 names the scopes the token needs; a login that asked for others
// leads to it, end to end.
func TestAuthStatusNamesTheScopes(t *testing.T) {
	t.Parallel()
	srv := codeFake(t, fakeapi.OAuth{})
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")
	l := startLogin(t, "", false, "--credentials", creds, "--client-id", oauthClient, "--client-secret-file", secretFile(t, oauthSecret),
		"--base-url", srv.URL, "--port", "0", "--scopes", "spark:people_read,spark:rooms_read")
	browse(t, l.page(t))
	if code := l.exit(t); code != cli.ExitOK {
		t.Fatalf("login: exit %d\n%s", code, l.stderr)
	}
	code, out, errText := run(t, nil, "auth", "status", "--credentials", creds, "--base-url", srv.URL)
	last := lastLine(errText)
	if code != cli.ExitAborted || !strings.Contains(last, "spark-admin:wholesale_subscribers_read and spark-admin:wholesale_subscribers_write") ||
		!strings.Contains(out, "wholesale API  not allowed") {
		t.Errorf("exit %d\n%s%s", code, out, errText)
	}
	if s := srv.Server.Stats(); s.ScopeRefusals != 1 {
		t.Errorf("%d calls refused for their scope, want the one read-only call", s.ScopeRefusals)
	}
}

// A file that is not there, or readable by others, is "would not run";
// no --credentials, or a base URL in clear text, a usage error.
func TestAuthStatusBadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open := filepath.Join(dir, "open.json")
	os.WriteFile(open, []byte(fmt.Sprintf(`{"client_id": %q, "client_secret": %q, "refresh_token": %q}`, oauthClient, oauthSecret, oauthRefresh)), 0o644)
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "none.json"), "cannot read the credentials file"},
		{open, "chmod 600"},
	} {
		code, _, errText := run(t, nil, "auth", "status", "--credentials", c.path, "--base-url", "http://127.0.0.1:1/v1")
		if code != cli.ExitAborted || !strings.Contains(lastLine(errText), c.want) {
			t.Errorf("%s: exit %d\n%s", c.path, code, errText)
		}
	}
	if code, _, errText := run(t, nil, "auth", "status"); code != cli.ExitUsage || !strings.Contains(errText, "needs --credentials FILE") {
		t.Errorf("no --credentials: exit %d\n%s", code, errText)
	}
	good := credsFile(t, t.TempDir(), oauthSecret)
	if code, _, errText := run(t, nil, "auth", "status", "--credentials", good, "--base-url", "http://example.com/v1"); code != cli.ExitUsage || !strings.Contains(errText, "not HTTPS") {
		t.Errorf("a base URL in clear text: exit %d\n%s", code, errText)
	}
}

// --sandbox: a login with no integration at all, a file that then works
// with --sandbox --credentials, and auth status --sandbox, which never
// writes the file.
func TestAuthSandbox(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	creds := filepath.Join(dir, "creds.json")
	l := startLogin(t, "", false, "--sandbox", "--credentials", creds, "--port", "0")
	browse(t, l.page(t))
	if code := l.exit(t); code != cli.ExitOK {
		t.Fatalf("login: exit %d\n%s", code, l.stderr)
	}
	before, _ := os.ReadFile(creds)
	code, out, errText := run(t, nil, "auth", "status", "--sandbox", "--credentials", creds)
	if code != cli.ExitOK || !strings.Contains(out, "ready") {
		t.Errorf("status: exit %d\n%s%s", code, out, errText)
	}
	code, _, errText = run(t, nil, "precheck", "--sandbox", "--credentials", creds, "--input", emailsFile(t, 2), "--output", filepath.Join(t.TempDir(), "r.csv"))
	if code != cli.ExitOK {
		t.Errorf("precheck: exit %d\n%s", code, errText)
	}
	if after, _ := os.ReadFile(creds); string(after) != string(before) {
		t.Error("a --sandbox run wrote the file")
	}
}
