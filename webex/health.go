package webex

import (
	"math"
	"sync"
	"time"
)

// health tells whether the run as a whole is doing well: what share of the
// attempts of the last ten seconds met a transient fault (5xx, a timeout, a
// reset), and of the run's first attempts. While the first is low a fault's
// backoff stays short, and a row past its retries keeps trying while its
// streak is plausible bad luck at the second, so a rare unlucky streak
// costs time, not the row; during an outage backoff grows and rows stop
// at their retries, as the user set them; a row that fails far more often
// than the rest stops there too.
type health struct {
	mu     sync.Mutex
	tries  [10]int   // attempts, per second
	faults [10]int   // of which transient faults
	stamp  [10]int64 // which second each slot holds
	// The fault share of first attempts, averaged over about the last
	// firstMemory of them: the run's weather, which the retries of a few
	// unlucky rows (the only traffic at the end of a run) do not skew.
	firstShare float64
	firstN     int
}

// healthyShare is the most transient faults among recent attempts at which
// the run is still healthy; healthyMin the faults it takes to say it is not.
// healthyBackoffStep caps the backoff step while healthy: with the default
// 500 ms base, up to 1 s.
const (
	healthyShare       = 0.5
	healthyMin         = 10
	healthyBackoffStep = 2
	plausibleStreak    = 1e-6
	firstMemory        = 200
)

func (h *health) add(now time.Time, fault, first bool) {
	sec := now.Unix()
	i := sec % int64(len(h.tries))
	h.mu.Lock()
	defer h.mu.Unlock()
	if first {
		h.firstN++
		x := 0.0
		if fault {
			x = 1
		}
		h.firstShare += (x - h.firstShare) / float64(min(h.firstN, firstMemory))
	}
	if h.stamp[i] != sec {
		h.stamp[i], h.tries[i], h.faults[i] = sec, 0, 0
	}
	h.tries[i]++
	if fault {
		h.faults[i]++
	}
}

// counts returns the attempts and faults of the last ten seconds.
func (h *health) counts(now time.Time) (tries, faults int) {
	sec := now.Unix()
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range h.tries {
		if sec-h.stamp[i] < int64(len(h.tries)) {
			tries += h.tries[i]
			faults += h.faults[i]
		}
	}
	return tries, faults
}

// ok reports whether the last ten seconds are free of an outage's
// evidence: fewer than healthyMin faults, or fewer than healthyShare of
// the attempts. Few attempts are no evidence: at the end of a run the
// only ones left are the unlucky rows' retries.
func (h *health) ok(now time.Time) bool {
	tries, faults := h.counts(now)
	return faults < healthyMin || float64(faults) < healthyShare*float64(tries)
}

// unlucky reports whether a row whose last streak attempts all failed may
// be having bad luck: the run is healthy, and at the fault share of its
// first attempts such a streak is not rarer than one row in a million. A
// longer streak is about the row (a request the server always fails), and
// retrying it would only spend the rate.
func (h *health) unlucky(now time.Time, streak int) bool {
	if !h.ok(now) {
		return false
	}
	h.mu.Lock()
	p := h.firstShare
	h.mu.Unlock()
	return math.Pow(p, float64(streak)) >= plausibleStreak
}
