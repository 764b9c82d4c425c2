package webex_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wholesale-batch/wholesale-batch/ratelimit"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// After StopSending, calls still waiting for their turn at the rate
// limit, or backing off before a retry, give up with ErrNotSent and send
// nothing; a request already on the wire finishes and keeps its answer.
func TestStopSending(t *testing.T) {
	cases := []struct {
		name      string
		rate      float64 // the pacer's rate; 0 = unlimited
		handler   func(w http.ResponseWriter, stop func())
		calls     int           // concurrent calls
		stopAt    time.Duration // fake time of the stop
		provision bool          // POST /wholesale/subscribers instead of a precheck
		wantSent  int64         // requests the server got
		wantOK    int           // calls that succeeded
		wantNot   int           // calls that ended ErrNotSent
		wantDone  time.Duration // every call returned by then
	}{
		{
			name: "queued behind the rate limit", rate: 1, calls: 5, stopAt: 1500 * time.Millisecond,
			handler: func(w http.ResponseWriter, _ func()) {
				time.Sleep(2 * time.Second) // slow: the first two are still in flight at the stop
				w.Write([]byte(`{"message":"success","info":[{"infoCode":100}]}`))
			},
			wantSent: 2, wantOK: 2, wantNot: 3, wantDone: 3 * time.Second,
		},
		{
			// The backoff is full jitter, from 0 to 10 s: the stop comes with
			// the 503 itself, so no retry can slip out before it.
			name: "a retry after a 503", calls: 1, stopAt: time.Second,
			handler: func(w http.ResponseWriter, stop func()) {
				stop()
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			wantSent: 1, wantNot: 1, wantDone: time.Second,
		},
		{
			name: "a POST paused by a 429 is not in doubt", calls: 1, stopAt: time.Second, provision: true,
			handler: func(w http.ResponseWriter, _ func()) {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			wantSent: 1, wantNot: 1, wantDone: time.Second,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var sent atomic.Int64
				ctx := context.Background()
				var cl *webex.Client
				stopNow := func() { cl.StopSending() }
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					sent.Add(1)
					c.handler(w, stopNow)
				})
				var err error
				cl, err = webex.New(webex.Config{BaseURL: memBase, Token: testToken, HTTP: memHTTP(h), Pacer: ratelimit.New(c.rate),
					Timeout: 10 * time.Second, Retry: webex.RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				var mu sync.Mutex
				ok, notSent := 0, 0
				var wg sync.WaitGroup
				for range c.calls {
					wg.Go(func() {
						var info webex.CallInfo
						var err error
						if c.provision {
							_, info, err = cl.Provision(ctx, webex.ProvisionRequest{Email: "a@acme.example", CustomerID: "c"}, nil)
						} else {
							_, info, err = cl.Precheck(ctx, webex.PrecheckRequest{Email: "a@acme.example"})
						}
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							ok++
						case errors.Is(err, webex.ErrNotSent):
							notSent++
							var doubt *webex.InDoubtError
							if errors.As(err, &doubt) {
								t.Errorf("ErrNotSent reported in doubt: %v", err)
							}
							if info.Attempts > 1 {
								t.Errorf("%d attempts before the stop, want at most 1", info.Attempts)
							}
						default:
							t.Errorf("call: %v", err)
						}
					})
				}
				time.Sleep(c.stopAt)
				stopNow()
				wg.Wait()
				if took := time.Since(start); took > c.wantDone {
					t.Errorf("calls returned after %v, want by %v", took, c.wantDone)
				}
				if sent.Load() != c.wantSent || ok != c.wantOK || notSent != c.wantNot {
					t.Errorf("server got %d requests, %d calls succeeded, %d not sent; want %d, %d, %d",
						sent.Load(), ok, notSent, c.wantSent, c.wantOK, c.wantNot)
				}
			})
		})
	}
}

// Provision's intent runs once, when the POST has its turn and before any
// byte is sent, however many attempts follow; if it fails nothing is sent.
func TestProvisionIntent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var sent atomic.Int64
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if sent.Add(1) == 1 {
				w.Header().Set("Retry-After", "2")
				w.WriteHeader(http.StatusTooManyRequests) // refused without acting: safe to repeat
				return
			}
			w.Write([]byte(`{"id":"s1","email":"a@acme.example","status":"provisioned"}`))
		})
		lim := ratelimit.New(1) // the first turn is at once, the rest a second apart
		cl, err := webex.New(webex.Config{BaseURL: memBase, Token: testToken, HTTP: memHTTP(h), Pacer: lim, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		req := webex.ProvisionRequest{Email: "a@acme.example", CustomerID: "c"}
		lim.Wait(context.Background()) // another worker took the current turn
		start := time.Now()
		var calls int
		var at time.Duration
		sub, info, err := cl.Provision(context.Background(), req, func() error {
			calls++
			at = time.Since(start)
			if sent.Load() != 0 {
				t.Errorf("intent after %d requests, want before any", sent.Load())
			}
			return nil
		})
		if err != nil || sub.ID != "s1" || info.Attempts != 2 {
			t.Fatalf("provision: %+v %+v %v", sub, info, err)
		}
		if calls != 1 || at < time.Second {
			t.Errorf("intent called %d times, at %v; want once, after the wait for the turn (1s)", calls, at)
		}

		// A failing intent: nothing goes out.
		sent.Store(0)
		journalDown := errors.New("disk full")
		_, info, err = cl.Provision(context.Background(), req, func() error { return journalDown })
		if !errors.Is(err, journalDown) || sent.Load() != 0 || info.Attempts != 0 {
			t.Errorf("failing intent: err %v, %d requests, %d attempts; want its error and nothing sent", err, sent.Load(), info.Attempts)
		}
	})
}

// neverWaits is a pacer with nothing to wait for that never looks at the
// context: the stop alone must keep the call from sending.
type neverWaits struct{}

func (neverWaits) Wait(context.Context) error             { return nil }
func (neverWaits) Throttle(time.Time, time.Duration) bool { return true }
func (neverWaits) Pause(time.Duration)                    {}
func (neverWaits) Success()                               {}

func TestStopSendingWhatEverThePacer(t *testing.T) {
	var sent atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sent.Add(1) })
	cl, err := webex.New(webex.Config{BaseURL: memBase, Token: testToken, HTTP: memHTTP(h), Pacer: neverWaits{}})
	if err != nil {
		t.Fatal(err)
	}
	cl.StopSending()
	if _, _, err := cl.Precheck(context.Background(), webex.PrecheckRequest{Email: "a@acme.example"}); !errors.Is(err, webex.ErrNotSent) || sent.Load() != 0 {
		t.Errorf("after the stop: err %v, %d requests sent; want ErrNotSent and none", err, sent.Load())
	}
}
