package ratelimit

import "time"

// window counts events over the last few seconds in fixed buckets, so the
// served rate is known without keeping a timestamp per request.
type window struct {
	buckets [20]int   // 100 ms each: 2 s of history
	stamp   [20]int64 // which 100 ms period each bucket holds
}

const bucketSpan = 100 * time.Millisecond

func (w *window) add(now time.Time) {
	p := now.UnixNano() / int64(bucketSpan)
	i := p % int64(len(w.buckets))
	if w.stamp[i] != p {
		w.stamp[i], w.buckets[i] = p, 0
	}
	w.buckets[i]++
}

// rate is events per second over the full buckets of the last 2 s.
func (w *window) rate(now time.Time) float64 {
	p := now.UnixNano() / int64(bucketSpan)
	n := 0
	for i := range w.buckets {
		// skip the current, partly filled bucket
		if age := p - w.stamp[i]; age >= 1 && age <= int64(len(w.buckets)) {
			n += w.buckets[i]
		}
	}
	return float64(n) / (float64(len(w.buckets)) * bucketSpan.Seconds())
}
