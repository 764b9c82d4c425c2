package webex

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"
)

// RetryPolicy bounds how a call is repeated. Zero fields take the defaults.
type RetryPolicy struct {
	MaxAttempts int // attempts per call, first one included (default 6: 5 retries)
	// RetryFor lets a call past MaxAttempts keep retrying transient faults
	// while the run is healthy (see health), until RetryFor after its first
	// attempt; 0 makes MaxAttempts the limit.
	RetryFor      time.Duration
	BaseDelay     time.Duration // first backoff (default 500ms)
	MaxDelay      time.Duration // backoff cap (default 30s)
	MaxRetryAfter time.Duration // cap on a server's Retry-After (default 60s)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 60 * time.Second
	}
	return p
}

// Retryable reports whether an attempt that ended with status (0 when no
// response came back) and err is worth repeating. Other 4xx never are: the
// row itself is wrong and a retry only costs rate budget.
func Retryable(status int, err error) bool {
	if err != nil {
		return transient(err)
	}
	switch status {
	case http.StatusTooManyRequests, http.StatusLocked,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// transient is true for failures a retry can cure: timeouts, resets,
// refused connections, a server closing the connection early, a 2xx whose
// body is not the call's answer (*AnswerError).
func transient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false // the user or the run stopped us
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errAttemptTimeout) {
		return true
	}
	var ae *AnswerError
	if errors.As(err, &ae) {
		return true // a 2xx that is not the call's answer: a proxy's page, a body cut short
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, errConnRefused) || isConnRefused(err) ||
		errors.Is(err, syscall.EPIPE) ||
		// a server that closes the connection mid-answer
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// errAttemptTimeout marks an attempt cut off by the per-request timeout.
var errAttemptTimeout = errors.New("request timed out")

// RetryAfter is what a server's Retry-After header said: the wait, and
// whether it was given at all ("Retry-After: 0" is "now", not "none").
type RetryAfter struct {
	Wait  time.Duration
	Given bool
}

// NoRetryAfter is an answer without Retry-After.
var NoRetryAfter = RetryAfter{}

// Backoff returns how long to wait before attempt n+1 after attempt n (n>=1)
// failed. A server's Retry-After wins (capped); otherwise capped exponential
// backoff with full jitter, so workers that failed together do not retry together.
func (p RetryPolicy) Backoff(n int, ra RetryAfter) time.Duration {
	p = p.withDefaults()
	if ra.Given {
		return min(ra.Wait, p.MaxRetryAfter)
	}
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	if ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// errConnRefused marks a connection that was never made, so even a
// non-idempotent request can be sent again.
var errConnRefused = errors.New("connection refused")

func isConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
