// Package ratelimit paces every request of a run through one shared
// limiter: a token bucket (x/time/rate) that all workers wait on before each
// attempt, a shared "not before" time that a server's Retry-After sets for
// the whole pool, and an adaptive rate that drops when the server answers
// 429 and probes back up toward the configured rate while it does not.
package ratelimit

import (
	"context"
	"errors"
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
	// stopped is closed by Stop: every wait, now and later, gives up.
	stopped  chan struct{}
	stopOnce sync.Once

	mu        sync.Mutex
	max       rate.Limit // what the user asked for
	notBefore time.Time  // no request starts before this (Retry-After)
	started   time.Time  // of the first Wait
	policy    policy     // decides the adaptive rate; the Limiter applies it
	served    window     // successes, to learn what the server really takes
	// Pool-wide pauses and the 429s that follow them, to tell 429s tied to
	// rows from a rate limit (see Throttle).
	pauseFrom   time.Time // start of the current or last pause
	coldCounted time.Time // the end of the last pause whose first requests met a 429
	coldPauses  int       // pauses in a row whose first requests met a 429
	rowTied     time.Time // until then, a 429 holds its own request only
	throttles   int64
	pauses      int64
	waited      time.Duration
}

// The adaptive rate's tuning. Every 429 costs the whole pool a Retry-After
// pause, a second at least, which is worth 30 s of running 3% under the
// server's limit: so a cut to a rate there is reason to trust is held long
// before probing above it again, and probes are gentle.
const (
	probeHold        = 30 * time.Second // after an informed cut
	blindHold        = 5 * time.Second  // after a blind halving, which may land far below the limit
	probeStep        = 0.02             // of the configured rate, per second
	recoverStep      = 1.1              // factor per second after a blind halving
	estimateCut      = 0.95             // of the served rate, to land just under the limit
	maxHoldDoublings = 2                // of probeHold, after probes fail again and again at one rate
	// A request sent this soon after a pool-wide pause of a second or
	// more is "cold": the server had a whole Retry-After of quiet from us.
	coldSpan     = 500 * time.Millisecond
	coldPausesOK = 2                // pauses in a row whose cold requests met a 429: the 429s are tied to rows
	rowTiedFor   = 30 * time.Second // then 429s are taken for a rate limit again, to check
	floorShare   = 10               // the rate never falls below configured/floorShare
)

// New returns a limiter allowing perSecond requests per second in total;
// perSecond <= 0 means unlimited (benchmarks, the sandbox).
func New(perSecond float64) *Limiter {
	l := &Limiter{max: rate.Inf, turn: make(chan struct{}, 1), stopped: make(chan struct{})}
	if perSecond > 0 {
		l.max = rate.Limit(perSecond)
		// Low enough for blind halvings to find a limit well under the
		// configured rate (informed cuts use the served rate), high
		// enough to keep a useful rate whatever the 429s mean.
		l.policy.floor = rate.Limit(math.Max(perSecond/floorShare, 0.1))
	}
	l.policy.max = l.max
	// A burst of 20 ms of requests: enough that a run whose waiters come
	// back late now and then (a busy CPU, a slow write) catches up, since
	// a bucket of one token forgets any time nobody waited on it; small enough that
	// requests still leave spread out, not in clumps a server's own bucket
	// would answer with 429. Below 50/s that is one request.
	l.lim = rate.NewLimiter(l.max, burstOf(l.max))
	return l
}

// burstOf is the bucket size for rate r: 20 ms of requests, at least one.
func burstOf(r rate.Limit) int {
	if r == rate.Inf {
		return 1
	}
	return max(1, int(float64(r)/50))
}

// setRate changes the adaptive rate, and the burst with it.
func (l *Limiter) setRate(now time.Time, r rate.Limit) {
	l.lim.SetLimitAt(now, r)
	l.lim.SetBurstAt(now, burstOf(r))
}

// ErrStopped is what Wait returns once Stop was called.
var ErrStopped = errors.New("ratelimit: stopped")

// Stop ends every Wait, now and later, with ErrStopped: the run stops
// sending, and a caller queued for its turn must not go out. Safe to call
// more than once.
func (l *Limiter) Stop() { l.stopOnce.Do(func() { close(l.stopped) }) }

// Wait blocks until the caller may send one request, ctx ends, or the
// limiter is stopped.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		if err := l.waitNotBefore(ctx); err != nil {
			return err
		}
		select {
		case l.turn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		case <-l.stopped:
			return ErrStopped
		}
		err := l.waitToken(ctx)
		<-l.turn
		if err != nil {
			return err
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

// waitToken is rate.Limiter.Wait that a Stop also ends: a reservation,
// given back if the wait is cut short.
func (l *Limiter) waitToken(ctx context.Context) error {
	r := l.lim.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		r.Cancel()
		return context.DeadlineExceeded // the wait would outlast ctx's deadline
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	case <-l.stopped:
		r.Cancel()
		return ErrStopped
	}
}

func (l *Limiter) waitNotBefore(ctx context.Context) error {
	l.mu.Lock()
	if l.started.IsZero() {
		l.started = time.Now()
	}
	d := time.Until(l.notBefore)
	l.mu.Unlock()
	if d <= 0 {
		select {
		case <-l.stopped:
			return ErrStopped
		default:
			return ctx.Err()
		}
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
	case <-l.stopped:
		return ErrStopped
	}
}

// Pause holds every worker until d from now: a 423 or a 503 with
// Retry-After speaks for the whole service, but does not say we were too
// fast, so the rate stays.
func (l *Limiter) Pause(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pauses++
	l.pause(time.Now(), d)
}

// pause holds every worker until now+d, keeping track of where each pause
// began.
func (l *Limiter) pause(now time.Time, d time.Duration) {
	until := now.Add(d)
	if !until.After(l.notBefore) {
		return
	}
	if !now.Before(l.notBefore) { // a new pause, not a longer one
		if !l.coldCounted.Equal(l.notBefore) {
			l.coldPauses = 0 // the last pause's first requests went through
		}
		l.pauseFrom = now
	}
	l.notBefore = until
}

// Throttle records a 429 to a request sent at sent, asking for a pause of
// d. It reports whether every worker waits d (a rate limit: the rate also
// drops to what the server was observed to accept) or only the caller
// should (429s tied to rows, not to the rate).
//
// A rate limit lets requests through again after its Retry-After: a pause
// of the whole pool refills any bucket or window. So when, twice in a row,
// the first requests after a pause of a second or more meet a 429 again,
// the 429s are about those rows (or their customer), and pausing everyone
// and cutting the rate would only slow the run to a crawl: for the next
// 30 s each such 429 holds its own row, and the rate goes back up. Then
// 429s count as a rate limit again, in case the server's load changed.
func (l *Limiter) Throttle(sent time.Time, d time.Duration) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.throttles++
	if now.Before(l.rowTied) {
		return false
	}
	if l.tiedToRows(now, sent) {
		return false
	}
	// Served requests count from the end of the previous pause, or from
	// the first request: the time before it (reading the input) served none.
	pauseEnd := l.notBefore
	if pauseEnd.Before(l.started) {
		pauseEnd = l.started
	}
	l.pause(now, d)
	if l.max == rate.Inf {
		return true // unlimited stays unlimited: the pauses alone pace us
	}
	got, span := l.served.rate(now, pauseEnd)
	if next, change := l.policy.throttled(now, l.notBefore, l.lim.Limit(), got, span); change {
		l.setRate(now, next)
	}
	return true
}

// tiedToRows counts a 429 to a request sent just after a pool-wide pause
// of a second or more (once per pause), and on the coldPausesOK-th such
// pause in a row starts the time during which 429s hold their own row,
// with the rate back at the configured one.
func (l *Limiter) tiedToRows(now, sent time.Time) bool {
	end := l.notBefore
	cold := !sent.Before(end) && sent.Sub(end) < coldSpan && end.Sub(l.pauseFrom) >= time.Second
	if !cold || l.coldCounted.Equal(end) {
		return false
	}
	l.coldCounted = end
	if l.coldPauses++; l.coldPauses < coldPausesOK {
		return false
	}
	l.coldPauses = 0
	l.rowTied = now.Add(rowTiedFor)
	if l.max != rate.Inf {
		l.setRate(now, l.policy.tiedToRows(now))
	}
	return true
}

// Success records an answered request; the policy may raise the rate.
func (l *Limiter) Success() {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.served.add(now)
	if next, change := l.policy.succeeded(now, l.lim.Limit()); change {
		l.setRate(now, next)
	}
}

// Stats is a snapshot for the summary.
type Stats struct {
	Configured float64       // requests/s asked for; 0 = unlimited
	Current    float64       // the adaptive rate now; 0 = unlimited
	Throttles  int64         // 429s seen
	Pauses     int64         // other answers with Retry-After
	Paused     time.Duration // total time workers were held by Retry-After
	Burst      int           // requests the bucket lets through at once at the configured rate
}

// Stats returns the current figures.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Stats{Throttles: l.throttles, Pauses: l.pauses, Paused: l.waited, Burst: burstOf(l.max)}
	if l.max != rate.Inf {
		s.Configured = float64(l.max)
		s.Current = float64(l.lim.Limit())
	}
	return s
}
