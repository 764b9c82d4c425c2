package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wholesale-batch/wholesale-batch/lock"
	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// runDefaults is the CLI's retry policy with its default flags.
var runDefaults = webex.RetryPolicy{MaxAttempts: 6, RetryFor: 2 * time.Minute, MaxRetryAfter: time.Minute}

// An outage of the token endpoint of a few seconds (503 or 429, with
// Retry-After or without) is ridden out with the API's retry rules, the
// Retry-After honoured to the second; past --retry-for the run stops
// without having spent the refresh token.
func TestTokenEndpointOutageIsRiddenOut(t *testing.T) {
	cases := []struct {
		name     string
		cfg      fakeapi.OAuth
		exactly  time.Duration // the wait, when the server set it
		policy   webex.RetryPolicy
		giveUp   bool
		atLeast  int // requests
		atMostIn time.Duration
	}{
		{"503 with Retry-After: 5", fakeapi.OAuth{FailFirst: 3, FailRetryAfter: 5 * time.Second}, 15 * time.Second, runDefaults, false, 4, 0},
		{"429 with Retry-After: 5", fakeapi.OAuth{FailFirst: 3, FailStatus: 429, FailRetryAfter: 5 * time.Second}, 15 * time.Second, runDefaults, false, 4, 0},
		{"503s past --max-retries, within --retry-for", fakeapi.OAuth{FailFirst: 8}, 0, runDefaults, false, 9, 0},
		{"an outage longer than --retry-for", fakeapi.OAuth{FailFirst: 1000, FailRetryAfter: 10 * time.Second},
			0, webex.RetryPolicy{MaxAttempts: 2, RetryFor: 30 * time.Second}, true, 3, 31 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "creds.json")
				fakeCreds(t, path)
				srv := fakeOAuth(c.cfg)
				s := sourceFor(t, path, srv, nil)
				s.Retry = c.policy
				start := time.Now()
				_, err := s.Token(context.Background())
				took := time.Since(start)
				st := srv.Stats()
				if c.giveUp {
					if err == nil || errors.As(err, new(*oauth.RefusedError)) || !strings.Contains(err.Error(), "HTTP 503") || took > c.atMostIn || st.Requests < c.atLeast {
						t.Fatalf("%v after %v, %d requests; want the 503s named, within %v", err, took, st.Requests, c.atMostIn)
					}
					// The outage goes on, so the fake cannot be asked: the
					// file holds the first token, never spent.
					f, _ := oauth.Load(path)
					if !f.RefreshStartedAt.IsZero() || f.RefreshToken != fakeRefresh || st.Refreshes != 0 {
						t.Error("every try was answered, yet the file changed")
					}
					return
				}
				if err != nil || st.Refreshes != 1 || st.Requests != c.atLeast {
					t.Fatalf("%v, %d refreshes in %d requests; want one after %d", err, st.Refreshes, st.Requests, c.atLeast)
				}
				if c.exactly > 0 && took != c.exactly {
					t.Errorf("took %v, want the Retry-After's %v", took, c.exactly)
				}
				stillAccepted(t, srv, path)
			})
		})
	}
}

// The rotated answer arrives after 40 s, past the API's 30 s timeout: the
// token request waits longer, and the file gets the new token. The intent
// was in the file while the request was out.
func TestLateAnswerIsKept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "creds.json")
		fakeCreds(t, path)
		srv := fakeOAuth(fakeapi.OAuth{LateFirst: 1, LateBy: 40 * time.Second})
		var intent atomic.Bool
		s := sourceFor(t, path, srv, func() {
			f, err := oauth.Load(path)
			intent.Store(err == nil && !f.RefreshStartedAt.IsZero())
		})
		s.Retry = runDefaults
		if _, err := s.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !intent.Load() {
			t.Error("the file did not say a refresh was under way while it was")
		}
		f, _ := oauth.Load(path)
		if f.RefreshToken != srv.LastRefreshToken() || !f.RefreshStartedAt.IsZero() || f.PreviousRefreshToken != fakeRefresh {
			t.Errorf("file after the late answer: new token %v, intent %v, previous kept %v",
				f.RefreshToken == srv.LastRefreshToken(), f.RefreshStartedAt, f.PreviousRefreshToken == fakeRefresh)
		}
		stillAccepted(t, srv, path)
	})
}

// An answer that never comes (past the token request's own timeout) is
// said as such: when the retry is then refused, "got no answer", never
// "expired or was revoked"; when every try goes unanswered, that the token
// may have been replaced. The file keeps the time, so the next run, refused
// too, says an earlier run's refresh got no answer.
func TestLostAnswerIsSaidExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "creds.json")
		fakeCreds(t, path)
		srv := fakeOAuth(fakeapi.OAuth{LateFirst: 1, LateBy: time.Hour})
		s := sourceFor(t, path, srv, nil)
		s.Retry = runDefaults
		sent := time.Now().UTC()
		_, err := s.Token(context.Background())
		var lost *oauth.LostAnswerError
		if !errors.As(err, &lost) || !lost.Refused || lost.Earlier || !lost.At.Equal(sent) {
			t.Fatalf("%v; want a LostAnswerError, refused after, at %v", err, sent)
		}
		msg := err.Error()
		if want := "the refresh at " + sent.Local().Format("15:04:05") + " got no answer"; !strings.Contains(msg, want) || strings.Contains(msg, "expired") {
			t.Errorf("%q; want %q and no word of expiry", msg, want)
		}
		if _, again := s.Token(context.Background()); !errors.Is(again, err) {
			t.Errorf("asked again after a lost answer was refused: %v", again)
		}
		f, _ := oauth.Load(path)
		if !f.RefreshStartedAt.Equal(sent) {
			t.Errorf("the file's trace %v, want %v", f.RefreshStartedAt, sent)
		}
		_, err = sourceFor(t, path, srv, nil).Token(context.Background())
		if !errors.As(err, &lost) || !lost.Earlier || !strings.Contains(err.Error(), "an earlier run's refresh at") {
			t.Errorf("the next run: %v", err)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "creds.json")
		fakeCreds(t, path)
		srv := fakeOAuth(fakeapi.OAuth{LateFirst: 100, LateBy: time.Hour})
		s := sourceFor(t, path, srv, nil)
		s.Retry = webex.RetryPolicy{MaxAttempts: 1}
		s.Timeout = 45 * time.Second
		_, err := s.Token(context.Background())
		var lost *oauth.LostAnswerError
		if !errors.As(err, &lost) || lost.Refused || !strings.Contains(err.Error(), "may have been replaced: if the next run says invalid_grant, re-authorize") ||
			!strings.Contains(err.Error(), "no answer within 45s") {
			t.Fatalf("%v", err)
		}
	})
}

// A run killed between the rotation and the save leaves the time of the
// refresh in the file: the next run, refused, says what happened instead
// of blaming expiry.
func TestKilledDuringARefreshLeavesATrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds.json")
	fakeCreds(t, path)
	srv := fakeOAuth(fakeapi.OAuth{})
	var killed atomic.Bool
	// The first run: the server rotates, the process dies before saving
	// (its context ends, as a kill would end everything).
	ctx, cancel := context.WithCancel(context.Background())
	s2 := oauth.NewSource(path, mustLoad(t, path), "http://fake.invalid/v1", &http.Client{Transport: killAfter{memTransport{h: srv}, cancel, &killed}})
	s2.Token(ctx)
	if !killed.Load() || srv.Stats().Refreshes != 1 {
		t.Fatal("the kill did not come after the rotation")
	}
	f := mustLoad(t, path)
	if f.RefreshStartedAt.IsZero() || f.RefreshToken != fakeRefresh {
		t.Fatalf("after the kill the file holds the spent token %v and trace %v", f.RefreshToken == fakeRefresh, f.RefreshStartedAt)
	}
	_, err := sourceFor(t, path, srv, nil).Token(context.Background())
	var lost *oauth.LostAnswerError
	if !errors.As(err, &lost) || !lost.Earlier || !lost.Refused || strings.Contains(err.Error(), "expired") {
		t.Fatalf("the next run: %v", err)
	}
}

// killAfter lets the server answer, then ends the run before the answer
// is read: the rotation happened, the client never learns of it.
type killAfter struct {
	memTransport
	kill   context.CancelFunc
	killed *atomic.Bool
}

func (k killAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := k.memTransport.RoundTrip(r)
	if err == nil {
		k.kill()
		k.killed.Store(true)
		return nil, context.Canceled
	}
	return resp, err
}

func mustLoad(t *testing.T, path string) oauth.File {
	t.Helper()
	f, err := oauth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The previous refresh token, kept beside the current one, is tried when
// the current one is refused.
func TestPreviousRefreshTokenIsTried(t *testing.T) {
	var sent []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		rt := r.PostForm.Get("refresh_token")
		sent = append(sent, rt)
		w.Header().Set("Content-Type", "application/json")
		if rt != "refresh-PREV" {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_grant"}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"access-NEW","expires_in":3600,"refresh_token":"refresh-NEW"}`)
	})
	path := writeCreds(t, fmt.Sprintf(`{"client_id": %q, "client_secret": %q, "refresh_token": "refresh-CUR", "previous_refresh_token": "refresh-PREV"}`, clientID, clientSecret), 0o600)
	tok, err := sourceFor(t, path, h, nil).Token(context.Background())
	if err != nil || tok != "access-NEW" || strings.Join(sent, " ") != "refresh-CUR refresh-PREV" {
		t.Fatalf("%q %v, sent %v", tok, err, sent)
	}
	if f := mustLoad(t, path); f.RefreshToken != "refresh-NEW" || f.PreviousRefreshToken != "refresh-PREV" {
		t.Errorf("file %+v", f)
	}
}

// An error answer that echoes a secret (the refresh token, the client
// secret) shows neither.
func TestErrorEchoingASecretIsRedacted(t *testing.T) {
	cases := []struct {
		name   string
		status int
		code   string
	}{
		{"400 echoing the refresh token", 400, firstRefresh},
		{"400 echoing the secret in words", 400, "bad secret " + clientSecret},
		{"503 echoing the refresh token", 503, "refresh_token=" + firstRefresh},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.status)
				fmt.Fprintf(w, `{"error":%q}`, c.code)
			})
			path := writeCreds(t, goodCreds, 0o600)
			s := sourceFor(t, path, h, nil)
			s.Retry = webex.RetryPolicy{MaxAttempts: 1}
			_, err := s.Token(context.Background())
			if err == nil || !strings.Contains(err.Error(), "not shown") {
				t.Fatalf("%v", err)
			}
			for _, secret := range []string{firstRefresh, clientSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows a secret: %v", err)
				}
			}
		})
	}
}

// A 401 that persists after fresh tokens stops refreshing after a few, and
// says it is about the credentials file; a token the API took in between
// starts the count again.
func TestPersistent401IsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds.json")
	fakeCreds(t, path)
	srv := fakeOAuth(fakeapi.OAuth{})
	s := sourceFor(t, path, srv, nil)
	for i := range 2 {
		tok, err := s.Token(context.Background())
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		s.Rejected(tok)
	}
	tok, _ := s.Token(context.Background())
	s.Accepted(tok) // the API took one: not a persistent 401
	var err error
	for range 10 {
		if tok, err = s.Token(context.Background()); err != nil {
			break
		}
		s.Rejected(tok)
	}
	var rej *oauth.RejectedError
	if !errors.As(err, &rej) || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "WEBEX_TOKEN") {
		t.Fatalf("%v; want a RejectedError naming %s", err, path)
	}
	if n := srv.Stats().Refreshes; n != 5 {
		t.Errorf("%d refreshes, want 5 (2, then 3 before giving up)", n)
	}
	stillAccepted(t, srv, path)
}

// Waiting for another process's refresh of the same file has a limit, and
// the error names the holder; nothing is spent.
func TestLockWaitIsBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds.json")
	fakeCreds(t, path)
	held, err := lock.Acquire(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	srv := fakeOAuth(fakeapi.OAuth{})
	s := sourceFor(t, path, srv, nil)
	s.LockWait = 200 * time.Millisecond
	start := time.Now()
	_, err = s.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(err.Error(), "waited 200ms") || time.Since(start) > 5*time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
	if srv.Stats().Requests != 0 {
		t.Error("a refresh was sent")
	}
}

// A run killed mid-refresh leaves its temporary file; the next refresh of
// the same file, under its lock, removes it, and leaves another file's.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "creds.json")
	fakeCreds(t, path)
	stale, other := filepath.Join(dir, ".creds.json.new-123"), filepath.Join(dir, ".other.json.new-456")
	for _, p := range []string{stale, other} {
		os.WriteFile(p, []byte("{}"), 0o600)
	}
	if _, err := sourceFor(t, path, fakeOAuth(fakeapi.OAuth{}), nil).Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temporary file was removed: %v", err)
	}
}

// Check when no refresh is due: nothing is rewritten, and a refresh that
// would fail later is a *LaterError, not a refusal.
func TestCheckBeforeARefreshIsDue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds.json")
	f := oauth.File{ClientID: fakeClient, ClientSecret: fakeSecret, RefreshToken: fakeRefresh, AccessToken: "fake-access-x",
		Lifetime: 3600, ExpiresAt: time.Now().Add(time.Hour)}
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	srv := fakeOAuth(fakeapi.OAuth{})
	s := sourceFor(t, path, srv, nil)
	if err := s.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(path); !os.SameFile(before, after) {
		t.Error("the file was rewritten though no refresh was due")
	}
	restore := oauth.SetReserve(func(*os.File, int) error { return &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC} })
	defer restore()
	err := s.Check(context.Background())
	var later *oauth.LaterError
	if !errors.As(err, &later) || !errors.As(err, new(*oauth.CannotSaveError)) || !strings.Contains(err.Error(), "lasts until") {
		t.Fatalf("%v; want a LaterError", err)
	}
	if srv.Stats().Requests != 0 {
		t.Error("the check sent a request")
	}
	noTempLeft(t, filepath.Dir(path))
}
