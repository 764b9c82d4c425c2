package fakeapi

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

func TestRateLimit(t *testing.T) {
	type step struct {
		sleep      time.Duration // before the request
		want       int
		retryAfter string
	}
	cases := []struct {
		name  string
		rate  float64
		steps []step
	}{
		{"burst of one", 10, []step{{0, 200, ""}, {0, 429, "1"}, {0, 429, "1"}, {100 * time.Millisecond, 200, ""}}},        // 10/s: burst max(1, 1) and a token every 100ms
		{"slow rate rounds up", 0.5, []step{{0, 200, ""}, {0, 429, "2"}, {time.Second, 429, "1"}, {time.Second, 200, ""}}}, // 2 s per token, shown in whole seconds
		{"fractional wait", 0.4, []step{{0, 200, ""}, {500 * time.Millisecond, 429, "2"}}},                                 // 2.5 s - 0.5 s = 2 s
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := New(Options{RateLimit: c.rate})
				throttled := 0
				for i, st := range c.steps {
					time.Sleep(st.sleep)
					w := call(t, s, "GET", subsURL, nil)
					if w.Code != st.want || w.Header().Get("Retry-After") != st.retryAfter {
						t.Fatalf("step %d: %d Retry-After %q, want %d %q", i, w.Code, w.Header().Get("Retry-After"), st.want, st.retryAfter)
					}
					if w.Code == 429 {
						throttled++
						if w.Body.Len() != 0 {
							t.Errorf("429 body %q, want empty", w.Body)
						}
					}
				}
				if got := s.Stats().Throttled429; got != throttled {
					t.Errorf("Throttled429 = %d, want %d", got, throttled)
				}
			})
		})
	}
}

func TestRateLimitBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 100/s gives a burst of 10: a simultaneous flood of 30 gets 10 through.
		s := New(Options{RateLimit: 100})
		ok := 0
		for range 30 {
			w := call(t, s, "POST", validateURL, precheckBody("a@acme.com"))
			switch w.Code {
			case 200:
				ok++
			case 429:
				if w.Header().Get("Retry-After") != "1" {
					t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
				}
			default:
				t.Fatalf("status %d", w.Code)
			}
		}
		if ok != 10 || s.Stats().Throttled429 != 20 || s.Stats().Prechecks != 10 {
			t.Errorf("%d passed, stats %+v", ok, s.Stats())
		}
		// A client obeying Retry-After finds the bucket full again.
		time.Sleep(time.Second)
		for i := range 10 {
			if w := call(t, s, "GET", subsURL, nil); w.Code != 200 {
				t.Fatalf("after the wait, request %d: %d", i, w.Code)
			}
		}
	})
}

func TestRetryAfterSeconds(t *testing.T) {
	cases := []struct {
		wait time.Duration
		want int
	}{
		{0, 1},                              // never 0
		{time.Millisecond, 1},               // round up
		{time.Second, 1},                    // exact
		{time.Second + time.Millisecond, 2}, // just over
		{2*time.Second + 500, 2},            // float noise is not a second
		{90 * time.Second, 90},              // large
	}
	for _, c := range cases {
		if got := retryAfterSeconds(c.wait); got != c.want {
			t.Errorf("retryAfterSeconds(%v) = %d, want %d", c.wait, got, c.want)
		}
	}
}

func TestFailureRate(t *testing.T) {
	const n = 2000
	statuses := func(rate float64, seed uint64) ([]int, Stats) {
		s := New(Options{FailureRate: rate, Seed: seed})
		var got []int
		for range n {
			got = append(got, call(t, s, "GET", subsURL, nil).Code)
		}
		return got, s.Stats()
	}
	a, st := statuses(0.2, 42)
	if frac := float64(st.Injected503) / n; frac < 0.17 || frac > 0.23 {
		t.Errorf("503 fraction %.3f, want about 0.2", frac)
	}
	if st.Lists+st.Injected503 != n {
		t.Errorf("stats %+v do not add up", st)
	}
	// The same seed gives the same failures; another seed does not.
	b, _ := statuses(0.2, 42)
	c, _ := statuses(0.2, 43)
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("failures are not determined by the seed")
	}
	// Retries eventually succeed even at a high rate.
	s := New(Options{FailureRate: 0.9, Seed: 7})
	for attempt := 1; call(t, s, "POST", validateURL, precheckBody("a@acme.com")).Code != 200; attempt++ {
		if attempt == 200 {
			t.Fatal("200 attempts all failed")
		}
	}
	// Out-of-range rates are clamped.
	if _, st := statuses(5, 1); st.Injected503 != n {
		t.Errorf("rate 5: %d of %d failed", st.Injected503, n)
	}
	if _, st := statuses(-1, 1); st.Injected503 != 0 {
		t.Errorf("rate -1: %d failed", st.Injected503)
	}
}
