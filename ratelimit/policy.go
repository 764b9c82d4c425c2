package ratelimit

import (
	"time"

	"golang.org/x/time/rate"
)

// policy decides the adaptive rate from what the run observed: a 429 (and
// what the server served before it), a success, the 429s found tied to
// rows. It reads no clock and touches no bucket: every time comes in as an
// argument and the rate it returns is applied by the Limiter, so the
// decisions are table-tested as a sequence of events (as rclone's
// pacer.Calculator and vegeta's Pace are), apart from the mechanism.
type policy struct {
	max   rate.Limit // what the user asked for
	floor rate.Limit // never go below this

	lastChange time.Time  // of the adaptive rate, to pace increases
	lastCut    time.Time  // one cut per burst of 429s, not one per 429
	holdUntil  time.Time  // no increase before this: a cut rate is kept a while
	good       rate.Limit // the rate that lasted a whole hold without a 429; 0 = none
	prev       rate.Limit // the rate before the last increase since the last cut; 0 = none
	probeFails int        // probes that failed in a row, each back to good
	recovering bool       // the last cut was blind: increase fast
	probing    bool       // increasing since the last hold ended
}

// throttled is a 429 seen at now while the rate was cur; the pool's pause
// ends at resume, and the server served got requests/s over span since
// the previous pause. It returns the new rate, or false to keep cur.
func (p *policy) throttled(now, resume time.Time, cur rate.Limit, got float64, span time.Duration) (rate.Limit, bool) {
	// The 429s of requests already in flight describe the same overload:
	// cut once per second at most.
	if now.Sub(p.lastCut) < time.Second {
		return cur, false
	}
	p.lastCut = now
	if p.good >= cur {
		p.good = 0 // refused at or below the proven rate: the server's limit fell
	}
	// Multiplicative decrease, unless something better is known.
	next, informed, failedProbe := cur/2, false, false
	// A probe above a rate that lasted a whole hold failed: go back to it.
	if p.good > next {
		next, informed, failedProbe = p.good, true, true
	}
	// Recovering fast from a blind cut, the step before this one held.
	if p.recovering && p.prev > next {
		next, informed = p.prev, true
	}
	// What the server served since the last pause is a better guess of
	// its limit, once there is a second of it: before that the server's
	// own burst hides its rate, and the pause itself would hide it too.
	if span >= time.Second {
		if est := rate.Limit(got) * estimateCut; est > next && est < cur {
			next, informed = est, true
		}
	}
	if next < p.floor {
		next = p.floor
	}
	// Probes that keep failing at the same rate say the server's limit is
	// there: each costs the pool a pause, so space them out (30 s, 60 s,
	// 120 s). A cut landing above the proven rate means the limit moved.
	if failedProbe && next <= p.good {
		p.probeFails++
	} else {
		p.probeFails = 0
	}
	hold := probeHold << min(p.probeFails, maxHoldDoublings)
	if !informed {
		hold = blindHold
	}
	p.lastChange = resume
	p.holdUntil = resume.Add(hold)
	p.recovering, p.probing, p.prev = !informed, false, 0
	return next, true
}

// succeeded is an answered request at now while the rate was cur: once
// per second without a 429 and after the hold that follows a cut, the rate
// goes up toward the configured maximum, by 10% a second after a blind
// cut, else gently. It returns the new rate, or false to keep cur.
func (p *policy) succeeded(now time.Time, cur rate.Limit) (rate.Limit, bool) {
	if cur >= p.max || now.Before(p.holdUntil) || now.Sub(p.lastChange) < time.Second {
		return cur, false
	}
	if !p.probing && !p.recovering {
		p.good = cur // it lasted the whole hold: a failed probe comes back here
	}
	p.probing = true
	// Additive increase: 2% of the target per second, so probing from 3%
	// under the server's limit takes a few seconds to overshoot it.
	next := cur + p.max*probeStep
	if p.recovering {
		next = max(next, cur*recoverStep)
	}
	if next > p.max {
		next = p.max
	}
	p.prev = cur
	p.lastChange = now
	return next, true
}

// tiedToRows is the finding, at now, that the 429s are about rows and not
// the rate: the rate goes back to the configured one, with nothing learnt
// kept.
func (p *policy) tiedToRows(now time.Time) rate.Limit {
	p.holdUntil, p.lastChange, p.recovering, p.probing, p.prev, p.good = now, now, false, false, 0, 0
	return p.max
}
