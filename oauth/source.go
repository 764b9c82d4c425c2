package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/wholesale-batch/wholesale-batch/lock"
)

// RefusedError is a refresh the token endpoint refused for good: the
// refresh token expired or was revoked (invalid_grant), or the client id or
// secret is wrong (invalid_client). Every later refresh would fail too.
type RefusedError struct {
	Code string // the OAuth error code
	Path string // the credentials file
}

func (e *RefusedError) Error() string {
	switch e.Code {
	case "invalid_client":
		return fmt.Sprintf("the token endpoint refused the client id or secret in %s (invalid_client): copy them again from the integration's page on the Webex developer portal", e.Path)
	case "invalid_grant":
		return fmt.Sprintf("the token endpoint refused the refresh token in %s (invalid_grant): it has expired or was revoked; re-authorize the integration and put its new refresh token in the file", e.Path)
	}
	return fmt.Sprintf("the token endpoint refused to refresh the access token (%s); check the credentials in %s", e.Code, e.Path)
}

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
	// RetryWait is the first pause before trying a failed refresh again
	// (default 1 s, then 2 s).
	RetryWait time.Duration

	mu       sync.Mutex
	cur      File
	inflight chan struct{} // closed when the refresh in flight ends
	refused  error         // a RefusedError: no more refreshes
	rejected string        // the last access token the API answered 401 to
}

// NewSource returns a Source for the credentials at path (already Loaded
// into f), refreshing at {baseURL}/access_token. hc nil means a client with
// a 30 s timeout that follows no redirect.
func NewSource(path string, f File, baseURL string, hc *http.Client) *Source {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
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
		if errors.As(err, new(*RefusedError)) {
			s.refused = err
		}
		s.mu.Unlock()
		if err != nil {
			return "", err
		}
	}
}

// Rejected tells the source that the API answered 401 to token: it is
// refreshed on the next Token, unless another caller already replaced it.
func (s *Source) Rejected(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected = token
	if s.cur.AccessToken == token {
		s.cur.AccessToken, s.cur.ExpiresAt = "", time.Time{}
	}
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

// refresh gets a new access token under the credentials file's lock,
// first reading the file again: another process using the same file may
// have refreshed (and rotated the refresh token) meanwhile.
func (s *Source) refresh(ctx context.Context) error {
	l, err := lock.Wait(ctx, s.path+".lock")
	if err != nil {
		return fmt.Errorf("locking the credentials file: %w", err)
	}
	defer l.Release()
	if f, err := Load(s.path); err == nil && f.RefreshToken != s.cur.RefreshToken {
		s.mu.Lock()
		s.cur = f
		ok := s.fresh() && f.AccessToken != s.rejected
		s.mu.Unlock()
		if ok {
			return nil
		}
	}
	s.mu.Lock()
	f := s.cur
	s.mu.Unlock()
	var last error
	for attempt := range 3 {
		if attempt > 0 {
			wait := s.RetryWait
			if wait <= 0 {
				wait = time.Second
			}
			t := time.NewTimer(time.Duration(attempt) * wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		got, err := s.exchange(ctx, f)
		var refused *RefusedError
		switch {
		case err == nil:
			if err := got.Save(s.path); err != nil {
				// The refresh token is rotated: without the file, tomorrow's
				// run could not start. Stop now, while this one is known.
				return fmt.Errorf("the access token was refreshed but %w", err)
			}
			s.mu.Lock()
			s.cur = got
			s.mu.Unlock()
			if s.OnRefresh != nil {
				s.OnRefresh(time.Duration(got.Lifetime) * time.Second)
			}
			return nil
		case errors.As(err, &refused), ctx.Err() != nil:
			return err
		}
		last = err
	}
	return fmt.Errorf("refreshing the access token failed 3 times: %w", last)
}

// tokenAnswer is the token endpoint's JSON.
type tokenAnswer struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Error                 string `json:"error"`
}

// exchange sends one refresh request: a form POST, as the Webex docs show it.
func (s *Source) exchange(ctx context.Context, f File) (File, error) {
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {f.ClientID},
		"client_secret": {f.ClientSecret},
		"refresh_token": {f.RefreshToken},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return f, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is fine to show, but the error says enough
		}
		return f, fmt.Errorf("the token endpoint %s: %w", s.endpoint, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var a tokenAnswer
	jerr := json.Unmarshal(body, &a)
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return f, fmt.Errorf("the token endpoint %s answered a redirect (HTTP %d); not followed", s.endpoint, resp.StatusCode)
	case a.Error == "invalid_grant" || a.Error == "invalid_client" || a.Error == "unauthorized_client":
		return f, &RefusedError{Code: a.Error, Path: s.path}
	case resp.StatusCode == http.StatusUnauthorized:
		return f, &RefusedError{Code: "invalid_client", Path: s.path}
	case resp.StatusCode != http.StatusOK:
		code := a.Error
		if code == "" {
			code = http.StatusText(resp.StatusCode)
		}
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
			return f, &RefusedError{Code: code, Path: s.path}
		}
		return f, fmt.Errorf("the token endpoint answered HTTP %d (%s)", resp.StatusCode, code)
	case jerr != nil || a.AccessToken == "" || a.ExpiresIn <= 0:
		return f, fmt.Errorf("the token endpoint answered HTTP 200 without an access token and its lifetime")
	}
	now := s.now()
	f.AccessToken, f.Lifetime = a.AccessToken, a.ExpiresIn
	f.ExpiresAt = now.Add(time.Duration(a.ExpiresIn) * time.Second).UTC()
	if a.RefreshToken != "" {
		f.RefreshToken = a.RefreshToken // rotated: the old one may already be dead
	}
	if a.RefreshTokenExpiresIn > 0 {
		f.RefreshExpiresAt = now.Add(time.Duration(a.RefreshTokenExpiresIn) * time.Second).UTC()
	}
	return f, nil
}
