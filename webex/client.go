// Package webex is a small client for the Webex Wholesale subscriber API:
// precheck, provision, update, remove and consent calls, look-ups, and
// lists read page by page through one pager (pager.go), each request paced
// by one shared Pacer and retried by a RetryPolicy. A non-2xx answer comes
// back as *APIError.
package webex

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is the public Webex API.
const DefaultBaseURL = "https://webexapis.com/v1"

// maxBody bounds what we read of any answer: subscriber bodies are small,
// and a misbehaving proxy must not make us buffer megabytes per row.
const maxBody = 1 << 20

// Pacer is shared by every caller of a Client, so that one 429 slows the
// whole pool, not just the worker that got it.
type Pacer interface {
	// Wait blocks until the next attempt may start.
	Wait(ctx context.Context) error
	// Throttle tells the pacer a request sent at sent got a 429 asking to
	// wait d. It reports whether every caller waits d (we were too fast:
	// an adaptive pacer also slows down) or only this call should (the
	// pacer takes the 429s for ones tied to rows, not to the rate).
	Throttle(sent time.Time, d time.Duration) (everyone bool)
	// Pause tells the pacer the server asked every caller to wait d without
	// saying we were too fast (a 423 or 503 with Retry-After).
	Pause(d time.Duration)
	// Success reports an answered request, so an adaptive pacer can speed up again.
	Success()
}

// TokenSource hands out bearer tokens that may change during a run.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	// Rejected says the API answered 401 to token.
	Rejected(token string)
}

// TokenError is a call that could not get a token from its TokenSource:
// nothing was sent, and every later call would fail the same way.
type TokenError struct{ Err error }

func (e *TokenError) Error() string { return "no access token: " + e.Err.Error() }
func (e *TokenError) Unwrap() error { return e.Err }

// Attempt describes one HTTP attempt, for logs and statistics.
type Attempt struct {
	Method, Path string
	N            int           // 1 for the first attempt
	Status       int           // 0 when no answer came back
	Err          error         // transport error, nil when an answer came back
	Latency      time.Duration // send to end of body
	Retry        bool          // another attempt follows
	Wait         time.Duration // the delay before it
	// Alone is set on a 429 the pacer took as tied to its row: only this
	// call waits, not the pool.
	Alone bool
}

// Config sets a Client up. BaseURL, Token and Pacer are required.
type Config struct {
	BaseURL string // e.g. https://webexapis.com/v1
	Token   string // bearer token; never logged or echoed
	// Tokens, if set, supplies the bearer token instead of Token: an OAuth
	// source that refreshes it. A 401 is then told to it and the attempt
	// repeated once with a fresh token (a 401 proves nothing was done).
	Tokens     TokenSource
	OnBehalfOf string // onBehalfOfSubPartnerOrgId for every call, optional
	Timeout    time.Duration
	UserAgent  string
	Retry      RetryPolicy
	Pacer      Pacer
	HTTP       *http.Client
	// OnAttempt, if set, is called after every attempt (from worker goroutines).
	OnAttempt func(Attempt)
}

// Client calls the API. It is safe for concurrent use.
type Client struct {
	cfg   Config
	base  *url.URL
	runID string
	seq   atomic.Uint64
	retry RetryPolicy
	// health of the run, for retries past MaxAttempts
	health health
	// stopped is closed by StopSending.
	stopped  chan struct{}
	stopOnce sync.Once
}

// New checks cfg and returns a Client. The token may travel in clear text
// only to a loopback address (the sandbox, a local mock).
func New(cfg Config) (*Client, error) {
	if cfg.Pacer == nil {
		return nil, errors.New("webex: a Pacer is required")
	}
	u, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("--base-url %q is not an http(s) URL such as %s", cfg.BaseURL, DefaultBaseURL)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("--base-url %q is not HTTPS: the token would travel in clear text; use https:// (plain http is allowed only for loopback addresses)", cfg.BaseURL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	// No redirect of an API call is followed, whatever client the caller
	// gave: the Webex API does not redirect them, a followed POST turns into
	// a GET whose answer would be misread, and the token and the
	// subscriber's data must never leave the base URL's origin.
	hc := http.Client{Transport: defaultTransport()}
	if cfg.HTTP != nil {
		hc = *cfg.HTTP
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.HTTP = &hc
	if cfg.UserAgent == "" {
		cfg.UserAgent = "wholesale-batch"
	}
	var rb [6]byte
	_, _ = crand.Read(rb[:])
	return &Client{cfg: cfg, base: u, runID: fmt.Sprintf("%x", rb), retry: cfg.Retry.withDefaults(), stopped: make(chan struct{})}, nil
}

// defaultTransport keeps enough idle connections for a full worker pool;
// the stock transport keeps 2 per host and would reconnect constantly.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	return t
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CallInfo is what a call leaves behind besides its answer.
type CallInfo struct {
	Attempts   int
	Status     int    // of the last attempt, 0 if none answered
	TrackingID string // the server's, else the one we sent
}

// Precheck asks whether provisioning req would likely succeed. A 2xx answer
// is returned even when its message is not "success": Passed decides.
func (c *Client) Precheck(ctx context.Context, req PrecheckRequest) (PrecheckResponse, CallInfo, error) {
	var out PrecheckResponse
	body, err := json.Marshal(req)
	if err != nil {
		return out, CallInfo{}, err
	}
	// Precheck changes nothing, so an unreadable 2xx (a proxy's page, a body
	// cut short) is retried like a 502; an empty body is read as no verdict.
	decode := func(status int, raw []byte) error {
		out = PrecheckResponse{}
		if raw := bytes.TrimSpace(raw); len(raw) > 0 {
			if jerr := json.Unmarshal(raw, &out); jerr != nil {
				return answerError(status, raw, "a precheck answer", jerr)
			}
		}
		return nil
	}
	info, _, err := c.do(ctx, call{method: http.MethodPost, path: "/wholesale/subscribers/validate", body: body, onBehalfOf: req.OnBehalfOf, decode: decode})
	return out, info, err
}

// Passed applies the API's pass rule: a 2xx whose message is "success".
func (r PrecheckResponse) Passed() bool {
	return strings.EqualFold(strings.TrimSpace(r.Message), "success")
}

// call is one API call as do runs it.
type call struct {
	method, path string
	query        url.Values // onBehalfOfSubPartnerOrgId is added
	body         []byte     // JSON, nil for none
	// once marks a call that is not idempotent: an attempt the server may
	// have acted on is never repeated (see Retryable and safeToRepeat).
	once bool
	// beforeSend, if not nil, runs once, when the first attempt has its
	// turn and nothing has been sent yet; its error is returned and
	// nothing is sent.
	beforeSend func() error
	// onBehalfOf is this call's sub-partner org; Config.OnBehalfOf when "".
	onBehalfOf string
	// decode, if not nil, reads a 2xx answer's body; its *AnswerError
	// makes the attempt a transient fault, retried as a 502 is (only set
	// on calls that are safe to repeat).
	decode func(status int, raw []byte) error
}

// reply is what a call got back: its last answer's body and headers.
type reply struct {
	body   []byte
	header http.Header
}

// maxRenewals bounds the fresh tokens one call asks for after 401s: each
// token gets one (tokens may die during a long retry), but a source that
// hands out token after refused token must not keep a call going.
const maxRenewals = 3

// do runs one call with pacing and retries.
func (c *Client) do(ctx context.Context, k call) (CallInfo, reply, error) {
	method, path, body := k.method, k.path, k.body
	target := c.target(k)
	var info CallInfo
	renewed, renewals := "", 0 // the token a 401 was told of (a second 401 for it stops the call), and how many
	var first time.Time
	for n := 1; ; n++ {
		if err := c.wait(ctx); err != nil {
			return info, reply{}, err
		}
		tok, err := c.token(ctx)
		if err != nil {
			return info, reply{}, err
		}
		if n == 1 && k.beforeSend != nil {
			if err := k.beforeSend(); err != nil {
				return info, reply{}, err
			}
		}
		info.Attempts = n
		trackingID := fmt.Sprintf("WHOLESALE-BATCH_%s_%d", c.runID, c.seq.Add(1))
		start := time.Now()
		if n == 1 {
			first = start
		}
		status, h, raw, err := c.attempt(ctx, method, target, body, tok, trackingID)
		latency := time.Since(start)
		if err == nil && status >= 200 && status < 300 && k.decode != nil {
			err = k.decode(status, raw) // an unreadable answer is a fault, not an answer
			var ae *AnswerError
			if errors.As(err, &ae) && ae.TrackingID == "" {
				ae.TrackingID = cmp.Or(h.Get("Trackingid"), trackingID)
			}
		}
		// 429 and 423 say nothing of the run's health: the limiter handles them.
		c.health.add(time.Now(), Retryable(status, err) && status != http.StatusTooManyRequests && status != http.StatusLocked, n == 1)
		info.Status = status
		info.TrackingID = trackingID

		if tid := h.Get("Trackingid"); tid != "" {
			info.TrackingID = tid
		}
		var apiErr *APIError
		if err == nil {
			if status >= 200 && status < 300 {
				if ts, ok := c.cfg.Tokens.(interface{ Accepted(string) }); ok {
					ts.Accepted(tok) // the source counts 401s in a row, not per call
				}
				c.cfg.Pacer.Success()
				c.observe(Attempt{Method: method, Path: path, N: n, Status: status, Latency: latency})
				return info, reply{body: raw, header: h}, nil
			}
			if status >= 300 && status < 400 {
				c.cfg.Pacer.Success()
				rerr := redirectError(status, h, c.base)
				c.observe(Attempt{Method: method, Path: path, N: n, Status: status, Err: rerr, Latency: latency})
				return info, reply{header: h}, rerr
			}
			apiErr = parseError(status, h, raw, time.Now())
			if apiErr.TrackingID != "" {
				info.TrackingID = apiErr.TrackingID
			}
			if status != http.StatusTooManyRequests {
				c.cfg.Pacer.Success() // answered: the server is alive, just not happy with this row
			}
			if status == http.StatusUnauthorized && c.cfg.Tokens != nil && renewed != tok && renewals < maxRenewals && ctx.Err() == nil {
				// The token may have expired early or been revoked: one
				// fresh token, one more attempt; a second 401 for the same
				// token stops the run, as do maxRenewals in one call.
				renewed, renewals = tok, renewals+1
				c.cfg.Tokens.Rejected(tok)
				c.observe(Attempt{Method: method, Path: path, N: n, Status: status, Latency: latency, Retry: true})
				continue
			}
		}
		if ctx.Err() != nil {
			return info, reply{}, ctx.Err()
		}
		retryable := Retryable(status, err) && (!k.once || safeToRepeat(status, err))
		// A 429, or any answer with Retry-After, is about the whole client:
		// the pacer makes every worker wait, even when this call gives up
		// (the next row would walk into the same limit). Other failures
		// back off alone.
		shared := apiErr != nil && (status == http.StatusTooManyRequests || apiErr.HasRetryAfter)
		var wait time.Duration
		if retryable || shared {
			// While the run is healthy a fault is bad luck, not overload:
			// the backoff stays short (every attempt still goes through
			// the pacer, so retries never exceed --rate). Otherwise it
			// grows exponentially, to give a struggling server room.
			bn := n
			if c.health.ok(time.Now()) {
				bn = min(n, healthyBackoffStep)
			}
			if apiErr != nil {
				wait = c.retry.Backoff(bn, RetryAfter{Wait: apiErr.RetryAfter, Given: apiErr.HasRetryAfter})
			} else {
				wait = c.retry.Backoff(bn, NoRetryAfter)
			}
		}
		retry := retryable && c.mayRetry(n, time.Since(first)+wait)
		a := Attempt{Method: method, Path: path, N: n, Status: status, Err: err, Latency: latency, Retry: retry}
		if retry {
			a.Wait = wait
		}
		if shared {
			if status == http.StatusTooManyRequests {
				shared = c.cfg.Pacer.Throttle(start, wait)
				a.Alone = !shared
			} else {
				c.cfg.Pacer.Pause(wait)
			}
		}
		c.observe(a)
		if !retry {
			if apiErr != nil {
				return info, reply{header: h}, apiErr
			}
			return info, reply{}, err
		}
		if shared {
			continue
		}
		if err := c.backOff(ctx, wait); err != nil {
			return info, reply{}, err
		}
	}
}

// mayRetry says whether a call whose attempt n failed transiently may try
// again after wait, by when done has passed since its first attempt:
// within its retries always, past them while its time (RetryFor) lasts and
// its streak is bad luck in a healthy run (see health.unlucky). n counts
// every attempt of the call: a streak broken by an answer such as a 429 is
// still counted whole, which only errs toward stopping.
func (c *Client) mayRetry(n int, done time.Duration) bool {
	if n < c.retry.MaxAttempts {
		return true
	}
	return done <= c.retry.RetryFor && c.health.unlucky(time.Now(), n)
}

// target is the call's URL under the base, with our sub-partner.
func (c *Client) target(k call) string {
	u := *c.base
	// k.path is escaped (an id may hold a '/'): keep it so on the wire.
	u.RawPath = c.base.EscapedPath() + k.path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	} else {
		u.Path, u.RawPath = u.Path+k.path, ""
	}
	q := url.Values{}
	for key, vals := range k.query {
		q[key] = vals
	}
	if obo := cmp.Or(k.onBehalfOf, c.cfg.OnBehalfOf); obo != "" {
		q.Set("onBehalfOfSubPartnerOrgId", obo)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// safeToRepeat is the retry rule for non-idempotent calls: only answers that
// prove the server did not act (429, 423) or a connection never made.
func safeToRepeat(status int, err error) bool {
	if err != nil {
		return errors.Is(err, errConnRefused)
	}
	return status == http.StatusTooManyRequests || status == http.StatusLocked
}

// attempt sends one request bounded by the per-request timeout.
// token is the bearer token of the next attempt.
func (c *Client) token(ctx context.Context) (string, error) {
	if c.cfg.Tokens == nil {
		return c.cfg.Token, nil
	}
	tok, err := c.cfg.Tokens.Token(ctx)
	if err != nil {
		if c.stopping() || ctx.Err() != nil {
			return "", ErrNotSent // stopped while waiting for a token: nothing went out
		}
		return "", &TokenError{Err: err}
	}
	return tok, nil
}

func (c *Client) attempt(ctx context.Context, method, target string, body []byte, token, trackingID string) (int, http.Header, []byte, error) {
	actx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errAttemptTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, target, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("TrackingID", trackingID)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return 0, nil, nil, c.transportError(ctx, actx, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, c.transportError(ctx, actx, err)
	}
	return resp.StatusCode, resp.Header, raw, nil
}

// transportError names what went wrong without the URL's query string
// noise, and tells a per-request timeout from the run being stopped.
func (c *Client) transportError(ctx, actx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(context.Cause(actx), errAttemptTimeout) {
		return fmt.Errorf("%w after %s", errAttemptTimeout, c.cfg.Timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if isConnRefused(err) {
		return fmt.Errorf("%w: %v", errConnRefused, err)
	}
	return err
}

func (c *Client) observe(a Attempt) {
	if c.cfg.OnAttempt != nil {
		c.cfg.OnAttempt(a)
	}
}
