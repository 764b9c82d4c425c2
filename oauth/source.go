package oauth

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/wholesale-batch/wholesale-batch/lock"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// Defaults of a Source's limits.
const (
	// DefaultTimeout bounds one token request: longer than an API call's,
	// since an answer given up on may have replaced the refresh token.
	DefaultTimeout = 2 * time.Minute
	// DefaultLockWait bounds the wait for another process's refresh of the
	// same file.
	DefaultLockWait = 5 * time.Minute
	// maxRejected is how many access tokens in a row the API may answer
	// 401 to before the source stops refreshing (see RejectedError).
	maxRejected = 3
)

// Source hands out access tokens, refreshing them through the token
// endpoint. It is safe for concurrent use: one refresh at a time, every
// caller that needs it waits for it.
type Source struct {
	path     string
	endpoint string
	http     *http.Client
	now      func() time.Time
	// OnRefresh, if set, is told of each refresh (for logs: no secrets).
	OnRefresh func(expiresIn time.Duration)
	// Retry is how a failed token request is repeated: as the API's calls
	// (transient faults and 429 with backoff, Retry-After honoured), up to
	// MaxAttempts, and past them while RetryFor lasts.
	Retry webex.RetryPolicy
	// Timeout bounds one token request (DefaultTimeout if 0).
	Timeout time.Duration
	// LockWait bounds the wait for the credentials file's lock
	// (DefaultLockWait if 0).
	LockWait time.Duration
	// ReadOnly keeps the file as it is: tokens are refreshed in memory
	// only, without lock or save (for the sandbox, whose tokens are fake).
	ReadOnly bool

	mu       sync.Mutex
	cur      File
	inflight chan struct{} // closed when the refresh in flight ends
	refused  error         // no more refreshes: a RefusedError, a LostAnswerError, a RejectedError
	rejected string        // the last access token the API answered 401 to
	strikes  int           // access tokens rejected in a row, with no API success between
}

// NewSource returns a Source for the credentials at path (already Loaded
// into f), refreshing at {baseURL}/access_token. hc nil means a client
// that follows no redirect; each request is bounded by Timeout.
func NewSource(path string, f File, baseURL string, hc *http.Client) *Source {
	if hc == nil {
		hc = &http.Client{}
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Source{path: path, cur: f, endpoint: strings.TrimRight(baseURL, "/") + "/access_token", http: &c, now: time.Now}
}

// Token returns an access token with time left, refreshing first when the
// current one is within its renewal margin (a tenth of its life, at most 5
// minutes) of expiring.
func (s *Source) Token(ctx context.Context) (string, error) {
	for {
		s.mu.Lock()
		if s.refused != nil {
			s.mu.Unlock()
			return "", s.refused
		}
		if s.fresh() {
			tok := s.cur.AccessToken
			s.mu.Unlock()
			return tok, nil
		}
		if ch := s.inflight; ch != nil {
			s.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		ch := make(chan struct{})
		s.inflight = ch
		s.mu.Unlock()
		err := s.refresh(ctx)
		s.mu.Lock()
		s.inflight = nil
		close(ch)
		if final(err) {
			s.refused = err
		}
		s.mu.Unlock()
		if err != nil {
			return "", err
		}
	}
}

// final reports whether err ends all refreshing: the endpoint refused the
// credentials, or the answer that held the new refresh token was lost.
func final(err error) bool {
	var lost *LostAnswerError
	return errors.As(err, new(*RefusedError)) || errors.As(err, &lost) && lost.Refused
}

// Rejected tells the source that the API answered 401 to token: it is
// refreshed on the next Token, unless another caller already replaced it.
// When the API has refused maxRejected tokens in a row, fresh ones
// included, Token stops refreshing and returns a *RejectedError.
func (s *Source) Rejected(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.AccessToken != token || token == "" {
		return // a late 401 for a replaced token
	}
	s.rejected = token // and not taken back from the file
	s.cur.AccessToken, s.cur.ExpiresAt = "", time.Time{}
	s.strikes++
	if s.strikes >= maxRejected && s.refused == nil {
		s.refused = &RejectedError{Path: s.path, Tokens: s.strikes}
	}
}

// Accepted tells the source that the API took token: the 401s counted
// against the credentials start again from zero.
func (s *Source) Accepted(string) {
	s.mu.Lock()
	s.strikes = 0
	s.mu.Unlock()
}

// fresh reports whether the current access token has more than its
// renewal margin left; s.mu is held.
func (s *Source) fresh() bool {
	if s.cur.AccessToken == "" || s.cur.ExpiresAt.IsZero() {
		return false
	}
	margin := 5 * time.Minute
	if life := time.Duration(s.cur.Lifetime) * time.Second; life > 0 && life/10 < margin {
		margin = life / 10
	}
	return s.now().Add(margin).Before(s.cur.ExpiresAt)
}

// Check is for the start of a run: it proves, without spending the
// refresh token, that a refresh's answer could be saved (the lock, room
// for the new file beside it with its owner and mode) and, when the access
// token needs a refresh at once, that the file can be replaced (it is,
// with what it holds). A refresh due now fails with the refresh's own
// error (*CannotSaveError, a lock problem); one not due yet with a
// *LaterError: the run may go on, but that refresh will be refused.
func (s *Source) Check(ctx context.Context) error {
	if s.ReadOnly {
		return nil
	}
	s.mu.Lock()
	need, expires := !s.fresh(), s.cur.ExpiresAt
	s.mu.Unlock()
	if need {
		l, err := s.lock(ctx)
		if err != nil {
			return err
		}
		defer l.Release()
		f := s.reload()
		r, err := prepare(s.path, roomFor(f))
		if err != nil {
			return err
		}
		r.abort()
		return f.Save(s.path)
	}
	// Not due: no waiting for another run's refresh, nothing rewritten.
	l, err := lock.Acquire(resolve(s.path) + ".lock")
	switch {
	case errors.As(err, new(*lock.HeldError)):
		return nil // another run is refreshing: it is being saved
	case err != nil:
		err = &CannotSaveError{Path: s.path, Problem: folderProblem(filepath.Dir(resolve(s.path)), err)}
	default:
		defer l.Release()
		var r *replacement
		if r, err = prepare(s.path, roomFor(s.current())); err == nil {
			r.abort()
			return nil
		}
	}
	return &LaterError{Expires: expires, Err: err}
}

// current returns the credentials in memory.
func (s *Source) current() File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// set replaces the credentials in memory.
func (s *Source) set(f File) {
	s.mu.Lock()
	s.cur = f
	s.mu.Unlock()
}
