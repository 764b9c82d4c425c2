package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// ask sends the refresh, repeating it as the API's calls are repeated
// (webex.Retryable, RetryPolicy.Backoff with Retry-After, RetryFor). When
// the endpoint refuses the refresh token and the file keeps a previous
// one, that is tried once. It returns the new credentials and the refresh
// token that got them, or the error; lost is when the last refresh sent
// without an answer was sent (zero if none).
func (s *Source) ask(ctx context.Context, f File) (got File, used string, lost time.Time, err error) {
	p := s.Retry
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	token := f.RefreshToken
	triedPrevious := false
	start := s.now()
	for n := 1; ; n++ {
		sent := s.now()
		got, a, err := s.exchange(ctx, f, token)
		if err == nil {
			return got, token, lost, nil
		}
		if a.wrote && a.status == 0 {
			lost = sent.UTC()
		}
		var refused *RefusedError
		if errors.As(err, &refused) {
			if refused.Code == "invalid_grant" && !triedPrevious && f.PreviousRefreshToken != "" && f.PreviousRefreshToken != token {
				token, triedPrevious = f.PreviousRefreshToken, true
				continue
			}
			return f, "", lost, err
		}
		if ctx.Err() != nil {
			return f, "", lost, ctx.Err()
		}
		if !webex.Retryable(a.status, a.transport) {
			return f, "", lost, err
		}
		wait := p.Backoff(n, webex.RetryAfter{Wait: a.retryAfter, Given: a.hasRetryAfter})
		if n >= p.MaxAttempts && s.now().Sub(start)+wait > p.RetryFor {
			return f, "", lost, fmt.Errorf("refreshing the access token failed %d times over %v: %w", n, s.now().Sub(start).Round(time.Second), err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return f, "", lost, ctx.Err()
		case <-t.C:
		}
	}
}

// attempt is what one token request met, for the retry decision.
type attempt struct {
	status        int   // 0 without an answer
	transport     error // the transport's error, without an answer
	wrote         bool  // the request went out whole: the server may have acted
	retryAfter    time.Duration
	hasRetryAfter bool
}

// tokenAnswer is the token endpoint's JSON.
type tokenAnswer struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Error                 string `json:"error"`
}

// exchange sends one refresh request with refreshToken: a form POST, as
// the Webex docs show it, bounded by Timeout.
func (s *Source) exchange(ctx context.Context, f File, refreshToken string) (_ File, a attempt, _ error) {
	var wrote atomic.Bool // set by the transport's goroutine
	defer func() { a.wrote = wrote.Load() }()
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(w httptrace.WroteRequestInfo) {
		if w.Err == nil {
			wrote.Store(true)
		}
	}})
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {f.ClientID},
		"client_secret": {f.ClientSecret},
		"refresh_token": {refreshToken},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return f, a, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.http.Do(req)
	if err == nil {
		defer resp.Body.Close()
		var body []byte
		body, err = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if err == nil {
			a.status = resp.StatusCode
			a.retryAfter, a.hasRetryAfter = webex.ParseRetryAfter(resp.Header.Get("Retry-After"), s.now())
			got, err := s.answer(f, resp.StatusCode, body)
			return got, a, err
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is fine to show, but the error says enough
	}
	a.transport = err
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %v", timeout)
	}
	return f, a, fmt.Errorf("the token endpoint %s: %w", s.endpoint, err)
}

// answer reads a token answer into f.
func (s *Source) answer(f File, status int, body []byte) (File, error) {
	var t tokenAnswer
	jerr := json.Unmarshal(body, &t)
	code := redact(t.Error, f)
	switch {
	case status >= 300 && status < 400:
		return f, fmt.Errorf("the token endpoint %s answered a redirect (HTTP %d); not followed", s.endpoint, status)
	case code == "invalid_grant" || code == "invalid_client" || code == "unauthorized_client":
		return f, &RefusedError{Code: code, Path: s.path}
	case status == http.StatusUnauthorized:
		return f, &RefusedError{Code: "invalid_client", Path: s.path}
	case status != http.StatusOK:
		if code == "" {
			code = http.StatusText(status)
		}
		if status >= 400 && status < 500 && status != http.StatusTooManyRequests {
			return f, &RefusedError{Code: code, Path: s.path}
		}
		return f, fmt.Errorf("the token endpoint answered HTTP %d (%s)", status, code)
	case jerr != nil || t.AccessToken == "" || t.ExpiresIn <= 0:
		return f, fmt.Errorf("the token endpoint answered HTTP 200 without an access token and its lifetime")
	}
	now := s.now()
	f.AccessToken, f.Lifetime = t.AccessToken, t.ExpiresIn
	f.ExpiresAt = now.Add(time.Duration(t.ExpiresIn) * time.Second).UTC()
	if t.RefreshToken != "" {
		f.RefreshToken = t.RefreshToken // rotated: the old one may already be dead
	}
	if t.RefreshTokenExpiresIn > 0 {
		f.RefreshExpiresAt = now.Add(time.Duration(t.RefreshTokenExpiresIn) * time.Second).UTC()
	}
	return f, nil
}

// oauthCode is what an OAuth error code looks like (RFC 6749 uses
// lower-case words and underscores); anything else is not shown.
var oauthCode = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// redact returns an error code fit to show: one that carries a secret of
// f (a server echoing the refresh token, say) or does not look like a
// code is replaced by a description.
func redact(code string, f File) string {
	if code == "" {
		return ""
	}
	for _, secret := range []string{f.RefreshToken, f.PreviousRefreshToken, f.ClientSecret, f.AccessToken, f.ClientID} {
		if len(secret) >= 4 && strings.Contains(code, secret) {
			return "an error code not shown: it quotes a secret"
		}
	}
	if !oauthCode.MatchString(code) || len(code) > 40 {
		return "an error code not shown: it is not one OAuth defines"
	}
	return code
}
