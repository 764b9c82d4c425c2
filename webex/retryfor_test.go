package webex_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// A row that meets a long streak of 503s while the rest of the run is
// fine keeps retrying past --max-retries for --retry-for; during an outage
// (every request failing) rows stop at their retries.
func TestRetryForOutlastsAnUnluckyStreak(t *testing.T) {
	cases := []struct {
		name     string
		retryFor time.Duration
		outage   bool // every request fails, not only the unlucky row's
		wantErr  bool
		attempts int
	}{
		{"healthy run, time budget", 2 * time.Minute, false, false, 10},
		{"healthy run, count only", 0, false, true, 6},
		{"outage", 2 * time.Minute, true, true, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var mu sync.Mutex
				unlucky := 0
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					var body struct{ Email string }
					_ = json.NewDecoder(r.Body).Decode(&body)
					mu.Lock()
					defer mu.Unlock()
					if body.Email == "unlucky@acme.com" {
						if unlucky++; unlucky <= 9 { // nine 503s in a row, then an answer
							w.WriteHeader(http.StatusServiceUnavailable)
							return
						}
					} else if c.outage {
						w.WriteHeader(http.StatusServiceUnavailable)
						return
					}
					ok(w)
				})
				cl, _ := newClient(t, memBase, func(cfg *webex.Config) {
					cfg.HTTP = memHTTP(h)
					cfg.Retry = webex.RetryPolicy{MaxAttempts: 6, RetryFor: c.retryFor}
				})
				// The rest of the run: a steady flow of other rows.
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				for w := range 4 {
					wg.Go(func() {
						for i := 0; ctx.Err() == nil; i++ {
							_, _, _ = cl.Precheck(ctx, webex.PrecheckRequest{Email: fmt.Sprintf("u%d.%d@acme.com", w, i)})
							time.Sleep(50 * time.Millisecond)
						}
					})
				}
				start := time.Now()
				_, info, err := cl.Precheck(context.Background(), webex.PrecheckRequest{Email: "unlucky@acme.com"})
				took := time.Since(start)
				cancel()
				wg.Wait()
				if (err != nil) != c.wantErr {
					t.Fatalf("err = %v, want error %v", err, c.wantErr)
				}
				if info.Attempts != c.attempts {
					t.Errorf("%d attempts, want %d", info.Attempts, c.attempts)
				}
				// While the run is healthy each backoff is at most a second:
				// bad luck, not overload (exponential, nine would take ~a minute): 5 × 1 s, then 1, 2, 4, 8 s.
				if !c.outage && took > 20*time.Second {
					t.Errorf("%d attempts took %v: want at most 1 s of backoff each within its retries, then 1, 2, 4, 8 s while the run is healthy", info.Attempts, took)
				}
			})
		})
	}
}

// Past its retries a row stops when its time is up, even in a healthy run.
func TestRetryForEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body struct{ Email string }
			_ = json.NewDecoder(r.Body).Decode(&body)
			if body.Email == "doomed@acme.com" {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			ok(w)
		})
		cl, _ := newClient(t, memBase, func(cfg *webex.Config) {
			cfg.HTTP = memHTTP(h)
			cfg.Retry = webex.RetryPolicy{MaxAttempts: 6, RetryFor: time.Minute}
		})
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				_, _, _ = cl.Precheck(ctx, webex.PrecheckRequest{Email: fmt.Sprintf("u%d@acme.com", i)})
				time.Sleep(20 * time.Millisecond)
			}
		})
		start := time.Now()
		_, info, err := cl.Precheck(context.Background(), webex.PrecheckRequest{Email: "doomed@acme.com"})
		took := time.Since(start)
		cancel()
		wg.Wait()
		if err == nil {
			t.Fatal("a row that always fails succeeded")
		}
		// Past its retries the backoff grows again (1, 2, 4, 8, 16, 30 s):
		// a row that always fails costs a handful of requests more.
		if took > time.Minute || info.Attempts <= 6 || info.Attempts > 16 {
			t.Errorf("gave up after %v and %d attempts; want 7 to 16 attempts within the minute", took, info.Attempts)
		}
	})
}
