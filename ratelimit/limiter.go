// Package ratelimit paces every request of a run through one shared
// limiter: a token bucket (x/time/rate) that all workers wait on before each
// attempt, a shared "not before" time that a server's Retry-After sets for
// the whole pool, and an adaptive rate that drops when the server answers
// 429 and probes back up toward the configured rate while it does not.
package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is safe for concurrent use. The zero value is not usable: call New.
type Limiter struct {
	lim *rate.Limiter
	// turn lets one waiter at a time hold a reservation of lim. rate.Limiter
	// keeps the times it promised to queued waiters when its rate changes,
	// so with a queue a raised rate would schedule the next request almost
	// on top of the last promised one (a burst the server answers with 429),
	// and a cut would only apply after the whole queue had gone at the old rate.
	turn chan struct{}

	mu         sync.Mutex
	max        rate.Limit // what the user asked for
	floor      rate.Limit // never go below this
	notBefore  time.Time  // no request starts before this (Retry-After)
	lastChange time.Time  // of the adaptive rate, to pace increases
	lastCut    time.Time  // one cut per burst of 429s, not one per 429
	served     window     // successes, to learn what the server really takes
	throttles  int64
	waited     time.Duration
}

// New returns a limiter allowing perSecond requests per second in total;
// perSecond <= 0 means unlimited (benchmarks, the sandbox).
func New(perSecond float64) *Limiter {
	l := &Limiter{max: rate.Inf, turn: make(chan struct{}, 1)}
	if perSecond > 0 {
		l.max = rate.Limit(perSecond)
		l.floor = rate.Limit(math.Max(perSecond/64, 0.1))
	}
	// Burst 1: requests are spread evenly instead of leaving in clumps that
	// a server's own bucket would answer with 429.
	l.lim = rate.NewLimiter(l.max, 1)
	return l
}

// Wait blocks until the caller may send one request, or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		if err := l.waitNotBefore(ctx); err != nil {
			return err
		}
		select {
		case l.turn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		err := l.lim.Wait(ctx)
		<-l.turn
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// The wait would outlast ctx's deadline: report it as such.
			return context.DeadlineExceeded
		}
		// A Retry-After that arrived while we queued for a token applies to us too.
		l.mu.Lock()
		nb := l.notBefore
		l.mu.Unlock()
		if !time.Now().Before(nb) {
			return nil
		}
	}
}

func (l *Limiter) waitNotBefore(ctx context.Context) error {
	l.mu.Lock()
	d := time.Until(l.notBefore)
	l.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		l.mu.Lock()
		l.waited += d
		l.mu.Unlock()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Throttle records that the server asked for a pause of d (a 429 or a
// Retry-After): every worker waits until then, and the rate drops to what
// the server was observed to accept.
func (l *Limiter) Throttle(d time.Duration) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.throttles++
	if until := now.Add(d); until.After(l.notBefore) {
		l.notBefore = until
	}
	if l.max == rate.Inf {
		return // unlimited stays unlimited: the pauses alone pace us
	}
	// The 429s of requests already in flight describe the same overload:
	// cut once per second at most.
	if now.Sub(l.lastCut) < time.Second {
		return
	}
	l.lastCut = now
	cur := l.lim.Limit()
	next := cur / 2 // multiplicative decrease
	// What the server served over the last seconds is a better guess of
	// its limit than blind halving, and costs far fewer 429s to converge.
	if got := rate.Limit(l.served.rate(now)); got > next && got < cur {
		next = got * 0.95
	}
	if next < l.floor {
		next = l.floor
	}
	l.lim.SetLimitAt(now, next)
	l.lastChange = l.notBefore
}

// Success records an answered request and, once per second without a 429,
// raises the rate by a small step toward the configured maximum.
func (l *Limiter) Success() {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.served.add(now)
	cur := l.lim.Limit()
	if cur >= l.max || now.Sub(l.lastChange) < time.Second {
		return
	}
	// Additive increase: 2% of the target per second, so a rate that was
	// halved needs ~25 s to recover and probes gently for the limit.
	next := cur + l.max*0.02
	if next > l.max {
		next = l.max
	}
	l.lim.SetLimitAt(now, next)
	l.lastChange = now
}

// Stats is a snapshot for the summary.
type Stats struct {
	Configured float64       // requests/s asked for; 0 = unlimited
	Current    float64       // the adaptive rate now; 0 = unlimited
	Throttles  int64         // 429s and Retry-After answers seen
	Paused     time.Duration // total time workers were held by Retry-After
}

// Stats returns the current figures.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Stats{Throttles: l.throttles, Paused: l.waited}
	if l.max != rate.Inf {
		s.Configured = float64(l.max)
		s.Current = float64(l.lim.Limit())
	}
	return s
}
