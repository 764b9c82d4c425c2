package webex_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// timeoutErr is a net.Error that reports a timeout, like a dial or read deadline.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func opErr(op string, errno syscall.Errno) error {
	return &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError(op, errno)}
}

func TestRetryable(t *testing.T) {
	cases := []struct {
		name   string
		status int
		err    error
		want   bool
	}{
		{"429", http.StatusTooManyRequests, nil, true},                                                     // rate limited: wait and retry
		{"423", http.StatusLocked, nil, true},                                                              // locked: wait and retry
		{"500", http.StatusInternalServerError, nil, true},                                                 // transient server error
		{"502", http.StatusBadGateway, nil, true},                                                          // transient gateway error
		{"503", http.StatusServiceUnavailable, nil, true},                                                  // transient overload
		{"504", http.StatusGatewayTimeout, nil, true},                                                      // transient gateway timeout
		{"400", http.StatusBadRequest, nil, false},                                                         // the row is wrong
		{"401", http.StatusUnauthorized, nil, false},                                                       // the token is wrong: stop, never retry
		{"403", http.StatusForbidden, nil, false},                                                          // refused
		{"404", http.StatusNotFound, nil, false},                                                           // not found
		{"409", http.StatusConflict, nil, false},                                                           // conflicts with the state
		{"410", http.StatusGone, nil, false},                                                               // gone
		{"501", http.StatusNotImplemented, nil, false},                                                     // not implemented will not get better
		{"200", http.StatusOK, nil, false},                                                                 // a success is not retried
		{"deadline", 0, context.DeadlineExceeded, true},                                                    // a timeout
		{"net timeout", 0, timeoutErr{}, true},                                                             // a net.Error that timed out
		{"wrapped net timeout", 0, &url.Error{Op: "Post", URL: "u", Err: timeoutErr{}}, true},              // as http.Client reports it
		{"reset", 0, opErr("read", syscall.ECONNRESET), true},                                              // connection reset by peer
		{"refused", 0, opErr("dial", syscall.ECONNREFUSED), true},                                          // nobody listening (yet)
		{"broken pipe", 0, opErr("write", syscall.EPIPE), true},                                            // server closed while we wrote
		{"EOF", 0, io.EOF, true},                                                                           // server closed before answering
		{"unexpected EOF", 0, io.ErrUnexpectedEOF, true},                                                   // server closed mid-answer
		{"wrapped EOF", 0, &url.Error{Op: "Post", URL: "u", Err: io.EOF}, true},                            // as http.Client reports it
		{"canceled", 0, context.Canceled, false},                                                           // the user stopped us
		{"wrapped canceled", 0, fmt.Errorf("post: %w", context.Canceled), false},                           // still the user
		{"canceled beats status", http.StatusServiceUnavailable, context.Canceled, false},                  // an error decides, not a stale status
		{"tls failure", 0, errors.New("tls: failed to verify certificate"), false},                         // a retry cannot fix a certificate
		{"dns failure", 0, &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, false}, // nor a wrong host name
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := webex.Retryable(c.status, c.err); got != c.want {
				t.Errorf("Retryable(%d, %v) = %v, want %v", c.status, c.err, got, c.want)
			}
		})
	}
}

func TestBackoffJitterAndGrowth(t *testing.T) {
	p := webex.RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	cases := []struct {
		name    string
		policy  webex.RetryPolicy
		n       int
		ceiling time.Duration
	}{
		{"first retry", p, 1, 100 * time.Millisecond},                                                        // BaseDelay
		{"second", p, 2, 200 * time.Millisecond},                                                             // doubles
		{"third", p, 3, 400 * time.Millisecond},                                                              // doubles again
		{"fourth", p, 4, 800 * time.Millisecond},                                                             // still under the cap
		{"capped", p, 5, time.Second},                                                                        // 1.6 s capped at MaxDelay
		{"far beyond", p, 200, time.Second},                                                                  // no overflow for large n
		{"defaults first", webex.RetryPolicy{}, 1, 500 * time.Millisecond},                                   // default BaseDelay
		{"defaults capped", webex.RetryPolicy{}, 30, 30 * time.Second},                                       // default MaxDelay
		{"base above cap", webex.RetryPolicy{BaseDelay: time.Minute, MaxDelay: time.Second}, 1, time.Second}, // the cap wins at once
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const samples = 2000
			var sum, hi time.Duration
			for range samples {
				d := c.policy.Backoff(c.n, webex.NoRetryAfter)
				if d < 0 || d > c.ceiling {
					t.Fatalf("Backoff(%d) = %v, outside [0, %v]", c.n, d, c.ceiling)
				}
				sum += d
				hi = max(hi, d)
			}
			// Full jitter is uniform over [0, ceiling]: the samples reach
			// near the ceiling and average about half of it.
			if hi < c.ceiling*9/10 {
				t.Errorf("largest of %d samples %v, want near the ceiling %v", samples, hi, c.ceiling)
			}
			if mean := sum / samples; mean < c.ceiling*4/10 || mean > c.ceiling*6/10 {
				t.Errorf("mean %v, want about %v", mean, c.ceiling/2)
			}
		})
	}
}

func TestBackoffRetryAfter(t *testing.T) {
	p := webex.RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxRetryAfter: 10 * time.Second}
	cases := []struct {
		name   string
		policy webex.RetryPolicy
		n      int
		ra     time.Duration
		want   time.Duration
	}{
		{"wins over backoff", p, 1, 3 * time.Second, 3 * time.Second},       // longer than MaxDelay, still obeyed
		{"no jitter", p, 4, 250 * time.Millisecond, 250 * time.Millisecond}, // exact, whatever the attempt
		{"capped", p, 1, time.Hour, 10 * time.Second},                       // MaxRetryAfter bounds a hostile value
		{"at the cap", p, 1, 10 * time.Second, 10 * time.Second},            // the cap itself is allowed
		{"zero", p, 2, 0, 0}, // "Retry-After: 0" means now
		{"default cap", webex.RetryPolicy{}, 1, 5 * time.Minute, 60 * time.Second}, // default MaxRetryAfter is 60 s
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.policy.Backoff(c.n, webex.RetryAfter{Wait: c.ra, Given: true}); got != c.want {
				t.Errorf("Backoff(%d, %v, true) = %v, want %v", c.n, c.ra, got, c.want)
			}
		})
	}
	// Without hasRetryAfter the value is ignored and jittered backoff applies.
	for range 100 {
		if got := p.Backoff(1, webex.RetryAfter{Wait: time.Hour}); got > 100*time.Millisecond {
			t.Fatalf("Backoff(1, 1h, false) = %v, want at most BaseDelay", got)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header string
		want   time.Duration
		ok     bool
	}{
		{"seconds", "120", 120 * time.Second, true},                                                // the usual form
		{"zero", "0", 0, true},                                                                     // present but zero
		{"blanks", " 3 ", 3 * time.Second, true},                                                   // surrounding blanks ignored
		{"fractional", "1.5", 1500 * time.Millisecond, true},                                       // lenient: some gateways send fractions
		{"huge", "99999999", 24 * time.Hour, true},                                                 // bounded to a day before any policy cap
		{"future date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true}, // IMF-fixdate
		{"rfc850 date", now.Add(time.Minute).Format(time.RFC850), time.Minute, true},               // obsolete form the spec still allows
		{"past date", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},                        // a date in the past means now
		{"absent", "", 0, false},                                                                   // no header
		{"garbage", "soon", 0, false},                                                              // neither form
		{"negative", "-5", 0, false},                                                               // nonsense, ignored
		{"nan", "NaN", 0, false},                                                                   // parses as a float, still nonsense
		{"unit suffix", "5s", 0, false},                                                            // not a Go duration
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := webex.ParseRetryAfter(c.header, now)
			if got != c.want || ok != c.ok {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", c.header, got, ok, c.want, c.ok)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "1.5", "-1", "NaN", "Inf", "1e308", "Fri, 14 Mar 2025 12:01:00 GMT", ""} {
		f.Add(s)
	}
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := webex.ParseRetryAfter(v, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("ParseRetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}
