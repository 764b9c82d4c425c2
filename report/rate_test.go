package report_test

import (
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/report"
)

func TestEffectiveRate(t *testing.T) {
	for _, c := range []struct {
		name     string
		f        report.RunFacts
		want     float64
		measured bool
	}{
		// 10 requests paced at 10/s: the first at 0, the last at 0.9 s; the
		// old figure, 10 over 0.9 s, read 11.1 against a limit of 10
		{"paced", report.RunFacts{Requests: 10, Sending: 900 * time.Millisecond, Burst: 1}, 10, true},
		// a burst of 20 at 1000/s goes at once, then 1000/s
		{"burst", report.RunFacts{Requests: 1020, Sending: time.Second, Burst: 20}, 1000, true},
		// the time before the first request (reading ahead, the token) does not count
		{"late start", report.RunFacts{Requests: 5, Sending: 400 * time.Millisecond, Elapsed: time.Minute, Burst: 1}, 10, true},
		{"one request", report.RunFacts{Requests: 1, Burst: 1}, 0, false},
		{"none", report.RunFacts{}, 0, false},
	} {
		got, ok := c.f.EffectiveRate()
		if ok != c.measured || (ok && (got < c.want*0.999 || got > c.want*1.001)) {
			t.Errorf("%s: %v %v, want %v %v", c.name, got, ok, c.want, c.measured)
		}
	}
}
