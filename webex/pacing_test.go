package webex_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wholesale-batch/wholesale-batch/ratelimit"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// TestPacingAgainstServerLimit runs the client and the shared limiter
// against the fake API limited to R requests/s while the limiter is set to
// 2R, as a user who guessed the rate too high would: every call must succeed
// and the run must take no more than 10% over the ideal N/R (a product
// requirement), in fake time.
func TestPacingAgainstServerLimit(t *testing.T) {
	cases := []struct {
		name    string
		rate    float64 // the server's limit, R
		n       int     // requests
		workers int
	}{
		{"R=10 8 workers", 10, 300, 8},    // the typical case: 30 s ideal
		{"R=20 16 workers", 20, 600, 16},  // a server burst of 2, more concurrency
		{"R=5 4 workers", 5, 150, 4},      // a slow server: its burst is a single request
		{"R=50 32 workers", 50, 1500, 32}, // a fast server with a burst of 5
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := fakeapi.New(fakeapi.Options{RateLimit: c.rate})
				lim := ratelimit.New(2 * c.rate)
				cl, err := webex.New(webex.Config{BaseURL: memBase, Token: testToken, Pacer: lim, HTTP: memHTTP(srv)})
				if err != nil {
					t.Fatal(err)
				}
				jobs := make(chan int)
				var mu sync.Mutex
				var failed, retries int
				var wg sync.WaitGroup
				start := time.Now()
				for range c.workers {
					wg.Go(func() {
						for i := range jobs {
							_, info, err := cl.Precheck(context.Background(), webex.PrecheckRequest{Email: fmt.Sprintf("user%d@acme.com", i)})
							mu.Lock()
							retries += info.Attempts - 1
							if err != nil {
								failed++
								t.Errorf("request %d: %v after %d attempts", i, err, info.Attempts)
							}
							mu.Unlock()
						}
					})
				}
				for i := range c.n {
					jobs <- i
				}
				close(jobs)
				wg.Wait()
				took := time.Since(start)
				ideal := time.Duration(float64(c.n) / c.rate * float64(time.Second))
				over := float64(took-ideal) / float64(ideal) * 100
				st, ls := srv.Stats(), lim.Stats()
				t.Logf("N=%d R=%g limiter=%g: %v of fake time vs N/R %v (%+.1f%%); %d 429s, %d retries, %d failed; limiter ends at %.2f/s, paused %v in total",
					c.n, c.rate, 2*c.rate, took.Round(time.Millisecond), ideal, over, st.Throttled429, retries, failed, ls.Current, ls.Paused.Round(time.Millisecond))
				if st.Prechecks != c.n {
					t.Errorf("server answered %d prechecks, want %d", st.Prechecks, c.n)
				}
				if over > 10 {
					t.Errorf("took %v, more than 10%% over N/R = %v", took, ideal)
				}
			})
		})
	}
}
