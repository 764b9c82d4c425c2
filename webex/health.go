package webex

import (
	"sync"
	"time"
)

// health tells whether the run as a whole is doing well: what share of the
// attempts of the last ten seconds met a transient fault (5xx, a timeout, a
// reset). A row past its retries keeps trying while that share is low, so
// a rare unlucky streak costs time, not the row, and its backoff stays
// short; during an outage backoff grows and rows stop at their retries, as
// the user set them.
type health struct {
	mu     sync.Mutex
	tries  [10]int   // attempts, per second
	faults [10]int   // of which transient faults
	stamp  [10]int64 // which second each slot holds
}

// healthyShare is the most transient faults among recent attempts at which
// the run is still healthy; healthyMin the attempts needed to say so.
// healthyBackoffStep caps the backoff step while healthy: with the default
// 500 ms base, up to 1 s.
const (
	healthyShare       = 0.5
	healthyMin         = 10
	healthyBackoffStep = 2
)

func (h *health) add(now time.Time, fault bool) {
	sec := now.Unix()
	i := sec % int64(len(h.tries))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stamp[i] != sec {
		h.stamp[i], h.tries[i], h.faults[i] = sec, 0, 0
	}
	h.tries[i]++
	if fault {
		h.faults[i]++
	}
}

// ok reports whether the last ten seconds saw enough attempts, and few
// enough faults among them.
func (h *health) ok(now time.Time) bool {
	sec := now.Unix()
	h.mu.Lock()
	defer h.mu.Unlock()
	tries, faults := 0, 0
	for i := range h.tries {
		if sec-h.stamp[i] < int64(len(h.tries)) {
			tries += h.tries[i]
			faults += h.faults[i]
		}
	}
	return tries >= healthyMin && float64(faults) < healthyShare*float64(tries)
}
