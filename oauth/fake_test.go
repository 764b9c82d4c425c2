package oauth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// The fake token endpoint's integration.
const (
	fakeClient  = "fake-client-9d1e"
	fakeSecret  = "fake-SECRET-44b0"
	fakeRefresh = "fake-refresh-first-a7c3"
)

// A child process of this test binary, run as another user, loads the
// credentials file and checks it (OAUTH_CHILD=check) or gets a token
// (=token; =refresh also refreshes the token it got) from the endpoint in
// OAUTH_CHILD_URL; it prints "ok" or the error.
func TestMain(m *testing.M) {
	if mode := os.Getenv("OAUTH_CHILD"); mode != "" {
		path := os.Getenv("OAUTH_CHILD_PATH")
		f, err := oauth.Load(path)
		if err == nil {
			s := oauth.NewSource(path, f, os.Getenv("OAUTH_CHILD_URL"), nil)
			var tok string
			switch mode {
			case "check":
				err = s.Check(context.Background())
			case "refresh": // the token in the file is refused: refresh
				if tok, err = s.Token(context.Background()); err == nil {
					s.Rejected(tok)
					_, err = s.Token(context.Background())
				}
			default:
				_, err = s.Token(context.Background())
			}
		}
		if err != nil {
			fmt.Println("error:", err)
		} else {
			fmt.Println("ok")
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// memTransport hands each request to a handler in the calling goroutine,
// so fake time (testing/synctest) drives timeouts and Retry-After. It
// tells the client's trace that the request went out, as a socket would.
type memTransport struct {
	h      http.Handler
	before func() // if set, runs as each request arrives
}

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.WroteRequest != nil {
		tr.WroteRequest(httptrace.WroteRequestInfo{})
	}
	if m.before != nil {
		m.before()
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err // the client gave up: no answer reaches it
	}
	return rec.Result(), nil
}

// fakeOAuth is the fake API as a token endpoint with cfg's faults.
func fakeOAuth(cfg fakeapi.OAuth) *fakeapi.Server {
	cfg.ClientID, cfg.ClientSecret, cfg.RefreshToken = fakeClient, fakeSecret, fakeRefresh
	return fakeapi.New(fakeapi.Options{OAuth: &cfg})
}

// fakeCreds writes the fake's credentials at path, mode 0600.
func fakeCreds(t *testing.T, path string) {
	t.Helper()
	body := fmt.Sprintf(`{"client_id": %q, "client_secret": %q, "refresh_token": %q}`, fakeClient, fakeSecret, fakeRefresh)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sourceFor is a Source for the file at path, talking to srv in memory.
func sourceFor(t *testing.T, path string, srv http.Handler, before func()) *oauth.Source {
	t.Helper()
	f, err := oauth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return oauth.NewSource(path, f, "http://fake.invalid/v1", &http.Client{Transport: memTransport{h: srv, before: before}})
}

// stillAccepted fails the test unless the file at path holds a refresh
// token the fake accepts (it is spent by the check).
func stillAccepted(t *testing.T, srv *fakeapi.Server, path string) {
	t.Helper()
	f, err := oauth.Load(path)
	if err != nil {
		t.Fatalf("the credentials file after the run: %v", err)
	}
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {fakeClient}, "client_secret": {fakeSecret}, "refresh_token": {f.RefreshToken}}
	r := httptest.NewRequest("POST", "/v1/access_token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != 200 {
		b, _ := io.ReadAll(w.Body)
		t.Fatalf("the fake refuses the file's refresh token: %d %s", w.Code, b)
	}
}

// noTempLeft fails the test if a temporary credentials file stayed in dir.
func noTempLeft(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, ".*.new-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
