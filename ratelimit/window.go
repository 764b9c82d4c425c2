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

// rate is events per second over the full buckets of the last 2 s that
// began at or after since, and the time those buckets cover. Time before
// since (a Retry-After pause, when nothing could be served) would make the
// server look slower than it is.
func (w *window) rate(now, since time.Time) (float64, time.Duration) {
	p := now.UnixNano() / int64(bucketSpan)
	first := (since.UnixNano() + int64(bucketSpan) - 1) / int64(bucketSpan) // first bucket wholly after since
	n, full := 0, 0
	// skip the current, partly filled bucket (age 0)
	for age := int64(1); age <= int64(len(w.buckets)) && p-age >= first; age++ {
		q := p - age
		full++
		if i := q % int64(len(w.buckets)); w.stamp[i] == q {
			n += w.buckets[i]
		}
	}
	if full == 0 {
		return 0, 0
	}
	span := time.Duration(full) * bucketSpan
	return float64(n) / span.Seconds(), span
}
