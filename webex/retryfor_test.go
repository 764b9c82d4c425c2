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

// weather answers the rows other than the one under test: healthy, with
// 3 in 10 requests answered 503, or all 503 (an outage).
type weather int

const (
	fine weather = iota
	stormy
	outage
)

// runWith calls Precheck for email while four workers keep the rest of the
// run going under w, and returns the call's attempts, time and error. row
// answers the row under test's n-th request: true for a 503.
func runWith(t *testing.T, w weather, retry webex.RetryPolicy, email string, row func(n int) bool) (webex.CallInfo, time.Duration, error) {
	var mu sync.Mutex
	rowN, others := 0, 0
	h := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body struct{ Email string }
		_ = json.NewDecoder(r.Body).Decode(&body)
		mu.Lock()
		fail := false
		if body.Email == email {
			rowN++
			fail = row(rowN)
		} else {
			others++
			fail = w == outage || w == stormy && others%10 < 3
		}
		mu.Unlock()
		if fail {
			rw.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		ok(rw)
	})
	cl, _ := newClient(t, memBase, func(cfg *webex.Config) {
		cfg.HTTP = memHTTP(h)
		cfg.Retry = retry
	})
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
	time.Sleep(3 * time.Second) // the run is under way
	start := time.Now()
	_, info, err := cl.Precheck(context.Background(), webex.PrecheckRequest{Email: email})
	took := time.Since(start)
	cancel()
	wg.Wait()
	return info, took, err
}

// A row that meets a long streak of 503s in a run that meets 503s too
// keeps retrying past --max-retries (its streak is bad luck at the run's
// fault rate), with short backoffs; with --retry-for 0, during an outage,
// or when only this row fails (the streak is about the row), it stops at
// its retries.
func TestRetryForOutlastsAnUnluckyStreak(t *testing.T) {
	nine := func(n int) bool { return n <= 9 } // nine 503s in a row, then an answer
	cases := []struct {
		name     string
		weather  weather
		retryFor time.Duration
		wantErr  bool
		attempts int
	}{
		{"stormy run, time budget", stormy, 2 * time.Minute, false, 10},
		{"stormy run, count only", stormy, 0, true, 6},
		{"fine run: the row is the problem", fine, 2 * time.Minute, true, 6},
		{"outage", outage, 2 * time.Minute, true, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				info, took, err := runWith(t, c.weather, webex.RetryPolicy{MaxAttempts: 6, RetryFor: c.retryFor}, "unlucky@acme.com", nine)
				if (err != nil) != c.wantErr {
					t.Fatalf("err = %v, want error %v", err, c.wantErr)
				}
				if info.Attempts != c.attempts {
					t.Errorf("%d attempts, want %d", info.Attempts, c.attempts)
				}
				// While the run is healthy each backoff is at most a second:
				// bad luck, not overload (exponential, nine would take ~a minute).
				if c.weather != outage && took > time.Duration(info.Attempts-1)*time.Second {
					t.Errorf("%d attempts took %v: want at most 1 s of backoff each while the run is healthy", info.Attempts, took)
				}
			})
		})
	}
}

// Past its retries a row stops once its streak is no longer bad luck at
// the run's fault share (about 0.3 here: 0.3^12 is under one in a million,
// the share moves a little with the interleaving), or when --retry-for is
// up, whichever comes first.
func TestRetryForEnds(t *testing.T) {
	always := func(int) bool { return true }
	t.Run("streak", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			info, took, err := runWith(t, stormy, webex.RetryPolicy{MaxAttempts: 6, RetryFor: 2 * time.Minute}, "doomed@acme.com", always)
			if err == nil {
				t.Fatal("a row that always fails succeeded")
			}
			if info.Attempts < 8 || info.Attempts > 16 || took > time.Minute {
				t.Errorf("gave up after %d attempts and %v; want about 12 (8 to 16), well within --retry-for", info.Attempts, took)
			}
		})
	})
	t.Run("time", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			const retryFor = 3 * time.Second
			info, took, err := runWith(t, stormy, webex.RetryPolicy{MaxAttempts: 6, RetryFor: retryFor}, "doomed@acme.com", always)
			if err == nil {
				t.Fatal("a row that always fails succeeded")
			}
			// --max-retries are granted whatever the time; the retries past
			// them end within --retry-for.
			if info.Attempts > 6 && took > retryFor {
				t.Errorf("gave up after %v and %d attempts: past --retry-for %v", took, info.Attempts, retryFor)
			}
		})
	})
}
