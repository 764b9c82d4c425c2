package oauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/oauth"
)

const (
	clientID     = "client-ID-7f3a"
	clientSecret = "client-SECRET-91bd"
	firstRefresh = "refresh-FIRST-0c2e"
)

func writeCreds(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, mode)
	return p
}

var goodCreds = fmt.Sprintf(`{"client_id": %q, "client_secret": %q, "refresh_token": %q}`, clientID, clientSecret, firstRefresh)

func TestLoadRefusesWhatItCannotUse(t *testing.T) {
	cases := []struct {
		name, body string
		mode       os.FileMode
		want       string
	}{
		{"world-readable", goodCreds, 0o644, "chmod 600"},
		{"group-readable", goodCreds, 0o640, "chmod 600"},
		{"malformed", `{"client_id": "` + clientID + `",` + "\n" + `"client_secret": ` + clientSecret + `}`, 0o600, "line 2"},
		{"no refresh token", fmt.Sprintf(`{"client_id": %q, "client_secret": %q}`, clientID, clientSecret), 0o600, `no "refresh_token"`},
		{"empty client id", fmt.Sprintf(`{"client_id": " ", "client_secret": %q, "refresh_token": %q}`, clientSecret, firstRefresh), 0o600, `no "client_id"`},
		{"misspelt field", fmt.Sprintf(`{"client_id": %q, "client_secret": %q, "refreshtoken": %q}`, clientID, clientSecret, firstRefresh), 0o600, `unknown field "refreshtoken"`},
		{"a number", `{"client_id": 7}`, 0o600, `"client_id" must be a string`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := oauth.Load(writeCreds(t, c.body, c.mode))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want it to say %q", err, c.want)
			}
			for _, secret := range []string{clientID, clientSecret, firstRefresh} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows a secret: %v", err)
				}
			}
		})
	}
	if _, err := oauth.Load(writeCreds(t, goodCreds, 0o600)); err != nil {
		t.Fatal(err)
	}
}

// tokenServer is a token endpoint that rotates refresh tokens.
type tokenServer struct {
	mu       sync.Mutex
	refresh  string // the one valid refresh token
	n        int    // refreshes served
	ttl      int64  // expires_in
	fail     string // answer every request with this OAuth error
	failHTTP int    // answer this many requests with HTTP 503 first
	forms    []map[string][]string
}

func (ts *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	r.ParseForm()
	ts.forms = append(ts.forms, r.PostForm)
	w.Header().Set("Content-Type", "application/json")
	if ts.failHTTP > 0 {
		ts.failHTTP--
		w.WriteHeader(503)
		return
	}
	if ts.fail != "" || r.PostForm.Get("refresh_token") != ts.refresh {
		code := ts.fail
		if code == "" {
			code = "invalid_grant"
		}
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":%q}`, code)
		return
	}
	ts.n++
	ts.refresh = fmt.Sprintf("refresh-%d", ts.n)
	json.NewEncoder(w).Encode(map[string]any{"access_token": fmt.Sprintf("access-%d", ts.n), "expires_in": ts.ttl,
		"refresh_token": ts.refresh, "refresh_token_expires_in": 7775999, "token_type": "Bearer"})
}

func newSource(t *testing.T, ts *tokenServer) (*oauth.Source, string) {
	t.Helper()
	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)
	path := writeCreds(t, goodCreds, 0o600)
	f, err := oauth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s := oauth.NewSource(path, f, srv.URL+"/v1", nil)
	s.Retry.BaseDelay = time.Millisecond
	return s, path
}

// Many workers asking at once get one refresh; the request is the form
// the Webex docs show; the file ends with the rotated refresh token, 0600.
func TestOneRefreshForEveryWorker(t *testing.T) {
	ts := &tokenServer{refresh: firstRefresh, ttl: 3600}
	s, path := newSource(t, ts)
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 50 {
		wg.Go(func() {
			if tok, err := s.Token(context.Background()); err != nil || tok != "access-1" {
				bad.Add(1)
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 || ts.n != 1 {
		t.Fatalf("%d bad tokens, %d refreshes; want 0 and 1", bad.Load(), ts.n)
	}
	form := ts.forms[0]
	for k, want := range map[string]string{"grant_type": "refresh_token", "client_id": clientID, "client_secret": clientSecret, "refresh_token": firstRefresh} {
		if got := form[k]; len(got) != 1 || got[0] != want {
			t.Errorf("form %s = %q, want %q", k, got, want)
		}
	}
	f, err := oauth.Load(path)
	if err != nil || f.RefreshToken != "refresh-1" || f.AccessToken != "access-1" || f.ExpiresAt.IsZero() || f.Lifetime != 3600 {
		t.Fatalf("file after the refresh: %+v, %v", f, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
}

// A token is renewed within a tenth of its life of expiring (at most 5
// minutes), and once after a 401, however many workers saw the 401.
func TestRenewalMarginAndRejection(t *testing.T) {
	ts := &tokenServer{refresh: firstRefresh, ttl: 2}
	s, _ := newSource(t, ts)
	tok, _ := s.Token(context.Background())
	if again, _ := s.Token(context.Background()); again != tok || ts.n != 1 {
		t.Fatalf("a fresh token was refreshed: %d refreshes", ts.n)
	}
	time.Sleep(1850 * time.Millisecond) // inside the last tenth of 2 s
	if again, _ := s.Token(context.Background()); again == tok || ts.n != 2 {
		t.Fatalf("not renewed within its margin: %d refreshes", ts.n)
	}
	tok, _ = s.Token(context.Background())
	for range 10 {
		s.Rejected(tok)
	}
	s.Rejected("some older token") // a late 401 for a replaced token changes nothing
	if again, err := s.Token(context.Background()); again == tok || ts.n != 3 {
		t.Fatalf("after a 401: %d refreshes, want 3 (%v) %q %q", ts.n, err, again, tok)
	}
}

// A refresh the endpoint refuses stops for good, with what to do and no
// secret; a transient failure is tried again.
func TestRefusedAndTransientRefreshes(t *testing.T) {
	for _, code := range []string{"invalid_grant", "invalid_client"} {
		ts := &tokenServer{refresh: firstRefresh, ttl: 3600, fail: code}
		s, path := newSource(t, ts)
		_, err := s.Token(context.Background())
		var refused *oauth.RefusedError
		if !errors.As(err, &refused) || refused.Code != code || !strings.Contains(err.Error(), path) {
			t.Fatalf("%s: %v", code, err)
		}
		if _, err2 := s.Token(context.Background()); !errors.Is(err2, err) || len(ts.forms) != 1 {
			t.Errorf("%s: asked again after a refusal (%d requests)", code, len(ts.forms))
		}
		for _, secret := range []string{clientID, clientSecret, firstRefresh} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows a secret: %v", err)
			}
		}
	}
	if err := (&oauth.RefusedError{Code: "invalid_grant", Path: "c.json"}).Error(); !strings.Contains(err, "re-authorize the integration") {
		t.Errorf("no advice: %s", err)
	}
	ts := &tokenServer{refresh: firstRefresh, ttl: 3600, failHTTP: 2}
	s, _ := newSource(t, ts)
	if tok, err := s.Token(context.Background()); err != nil || tok != "access-1" {
		t.Fatalf("after two 503s: %q %v", tok, err)
	}
}

// Another process with the same file refreshed first (and rotated the
// refresh token): this one takes the file's token instead of spending its
// dead refresh token.
func TestAnotherProcessRefreshedFirst(t *testing.T) {
	ts := &tokenServer{refresh: firstRefresh, ttl: 3600}
	s, path := newSource(t, ts)
	f, _ := oauth.Load(path)
	f.RefreshToken, f.AccessToken, f.Lifetime, f.ExpiresAt = "refresh-other", "access-other", 3600, time.Now().Add(time.Hour)
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	if tok, err := s.Token(context.Background()); err != nil || tok != "access-other" || len(ts.forms) != 0 {
		t.Fatalf("%q %v, %d requests to the endpoint", tok, err, len(ts.forms))
	}
}
