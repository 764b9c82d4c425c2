package fakeapi

import (
	"math"
	"sync"
	"time"
)

// bucket is a token bucket shared by all requests, because the client under
// test must learn to pace its whole pool, not each worker (see STYLE.md's
// counter-example, rakyll/hey).
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time // zero until the first request, so the bucket starts full at first use
}

// newBucket returns nil for rate <= 0, meaning unlimited.
func newBucket(rate float64) *bucket {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil
	}
	return &bucket{rate: rate, burst: math.Max(1, rate/10)}
}

// take spends one token if one is available at now. Otherwise it spends
// nothing and reports how long until a token will be there, so refused
// requests do not push the next success further away.
func (b *bucket) take(now time.Time) (ok bool, wait time.Duration) {
	if b == nil {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.last.IsZero() {
		b.tokens = b.burst
	} else if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(b.burst, b.tokens+elapsed*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// retryAfterSeconds renders a wait as the whole seconds of a Retry-After
// header: rounded up, so a client that obeys it finds a token, and at least 1,
// because "Retry-After: 0" invites an immediate hammering retry. The
// microsecond of slack keeps float noise (2.000000001 s) from adding a second.
func retryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil((wait - time.Microsecond).Seconds())))
}
