package webex_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// testToken is distinctive so a test can search error strings for it.
const testToken = "tok-SECRET-0123456789abcdef"

// recPacer is a Pacer that never waits: it records what the client told it,
// so tests see the pacing calls without any real or fake sleeping.
type recPacer struct {
	waits, successes atomic.Int64

	mu        sync.Mutex
	throttles []time.Duration
}

func (p *recPacer) Wait(ctx context.Context) error { p.waits.Add(1); return ctx.Err() }
func (p *recPacer) Success()                       { p.successes.Add(1) }
func (p *recPacer) Pause(d time.Duration)          { p.Throttle(time.Now(), d) }
func (p *recPacer) Throttle(_ time.Time, d time.Duration) bool {
	p.mu.Lock()
	p.throttles = append(p.throttles, d)
	p.mu.Unlock()
	return true
}

func (p *recPacer) throttled() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.throttles...)
}

// fastRetry keeps real-time tests short: backoffs of at most a millisecond.
var fastRetry = webex.RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Microsecond, MaxDelay: time.Millisecond}

// newClient returns a client for base with a recording pacer and fastRetry;
// mod may change the config before New.
func newClient(t *testing.T, base string, mod func(*webex.Config)) (*webex.Client, *recPacer) {
	t.Helper()
	p := &recPacer{}
	cfg := webex.Config{BaseURL: base, Token: testToken, Pacer: p, Retry: fastRetry, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := webex.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, p
}

// serve starts an httptest server for h and returns its base URL ({url}/v1).
func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

// memTransport hands each request straight to an http.Handler in the
// calling goroutine. Unlike a socket it blocks durably, so it works inside a
// testing/synctest bubble, where fake time drives timeouts and backoffs.
type memTransport struct{ h http.Handler }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	if err := req.Context().Err(); err != nil {
		return nil, err // as a real transport does when the request's context ends
	}
	return rec.Result(), nil
}

// memHTTP is an *http.Client whose requests go to h in memory.
func memHTTP(h http.Handler) *http.Client { return &http.Client{Transport: memTransport{h}} }

// memBase is the base URL used with memHTTP; loopback so New accepts http.
const memBase = "http://127.0.0.1:1/v1"
