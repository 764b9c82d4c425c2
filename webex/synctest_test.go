package webex_test

// Tests that involve waiting run in a testing/synctest bubble with fake time
// and an in-memory transport, so no test really sleeps.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wholesale-batch/wholesale-batch/ratelimit"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// hang blocks until the client gives up on the request.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

func TestPerRequestTimeout(t *testing.T) {
	cases := []struct {
		name     string
		hangs    int // requests that hang before one is answered
		wantErr  bool
		attempts int
		minTime  time.Duration // fake time the call must take at least
		maxTime  time.Duration
	}{
		{"hangs once then answers", 1, false, 2, 10 * time.Second, 11 * time.Second}, // the timeout is retried
		{"always hangs", 100, true, 3, 30 * time.Second, 32 * time.Second},           // then reported as a timeout
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var hits atomic.Int64
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if hits.Add(1) <= int64(c.hangs) {
						hang(w, r)
						return
					}
					ok(w)
				})
				cl, _ := newClient(t, memBase, func(cfg *webex.Config) {
					cfg.HTTP = memHTTP(h)
					cfg.Timeout = 10 * time.Second
					cfg.Retry = webex.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second, MaxDelay: time.Second}
				})
				start := time.Now()
				_, info, err := cl.Precheck(context.Background(), email)
				took := time.Since(start)
				if (err != nil) != c.wantErr {
					t.Fatalf("err = %v, want error %v", err, c.wantErr)
				}
				if err != nil {
					if strings.Contains(err.Error(), testToken) {
						t.Errorf("error shows the token: %v", err)
					}
					if !strings.Contains(err.Error(), "timed out after 10s") || errors.Is(err, context.Canceled) {
						t.Errorf("err = %v, want a per-request timeout", err)
					}
					if !webex.Retryable(0, err) {
						t.Errorf("Retryable(0, %v) = false: a caller could not tell it is transient", err)
					}
					if info.Status != 0 {
						t.Errorf("Status %d, want 0 (no answer)", info.Status)
					}
				}
				if info.Attempts != c.attempts || hits.Load() != int64(c.attempts) {
					t.Errorf("%d attempts, %d requests; want %d", info.Attempts, hits.Load(), c.attempts)
				}
				if took < c.minTime || took > c.maxTime {
					t.Errorf("took %v of fake time, want [%v, %v]", took, c.minTime, c.maxTime)
				}
			})
		})
	}
}

func TestCancelStopsAtOnce(t *testing.T) {
	retryAfter := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(429)
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc
		pacer   func() webex.Pacer
	}{
		{"server slow", hang, func() webex.Pacer { return ratelimit.New(0) }}, // cancel mid-request
		{"backing off", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }, // cancel during a long backoff
			func() webex.Pacer { return ratelimit.New(0) }},
		{"pacer paused", func(w http.ResponseWriter, _ *http.Request) { ok(w) }, func() webex.Pacer { // cancel before the first attempt
			l := ratelimit.New(10)
			l.Throttle(time.Now(), time.Hour)
			return l
		}},
		{"Retry-After pause", retryAfter, func() webex.Pacer { return ratelimit.New(10) }}, // cancel during a shared 60 s pause
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var hits atomic.Int64
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); c.handler(w, r) })
				cl, _ := newClient(t, memBase, func(cfg *webex.Config) {
					cfg.HTTP = memHTTP(h)
					cfg.Pacer = c.pacer()
					cfg.Timeout = time.Hour
					cfg.Retry = webex.RetryPolicy{BaseDelay: time.Hour, MaxDelay: time.Hour}
				})
				ctx, cancel := context.WithCancel(context.Background())
				var err error
				var took time.Duration
				done := make(chan struct{})
				go func() {
					defer close(done)
					start := time.Now()
					_, _, err = cl.Precheck(ctx, email)
					took = time.Since(start)
				}()
				time.Sleep(time.Second)
				synctest.Wait()
				before := hits.Load()
				cancel()
				synctest.Wait()
				select {
				case <-done:
				default:
					t.Fatal("Precheck still running after cancel")
				}
				if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), testToken) {
					t.Errorf("err = %v, want context.Canceled (without the token)", err)
				}
				if took != time.Second {
					t.Errorf("returned after %v of fake time, want 1s (at the cancel)", took)
				}
				if hits.Load() != before {
					t.Errorf("%d requests after the cancel", hits.Load()-before)
				}
			})
		})
	}
}

func TestRetryAfterPausesEveryWorker(t *testing.T) {
	// Worker A's 429 with Retry-After: 3 must hold worker B, which starts
	// 1 s later and never saw a 429, until 3 s have passed.
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var mu sync.Mutex
		var at []time.Duration
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			at = append(at, time.Since(start))
			first := len(at) == 1
			mu.Unlock()
			if first {
				w.Header().Set("Retry-After", "3")
				w.WriteHeader(429)
				return
			}
			ok(w)
		})
		lim := ratelimit.New(0)
		cl, _ := newClient(t, memBase, func(cfg *webex.Config) { cfg.HTTP = memHTTP(h); cfg.Pacer = lim })
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				time.Sleep(time.Duration(i) * time.Second)
				if _, _, err := cl.Precheck(context.Background(), email); err != nil {
					t.Errorf("worker %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(at) != 3 || at[0] != 0 || at[1] < 3*time.Second || at[2] < 3*time.Second {
			t.Errorf("requests at %v, want one at 0 then two at or after 3s", at)
		}
		if st := lim.Stats(); st.Throttles != 1 || st.Paused < 2*time.Second {
			t.Errorf("Stats %+v, want 1 throttle and workers paused", st)
		}
	})
}
