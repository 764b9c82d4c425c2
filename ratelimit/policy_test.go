package ratelimit

import (
	"math"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// event is one observation fed to the policy at a time after the start.
type event struct {
	at     time.Duration
	kind   string        // "429" (the pool pauses 1 s), "ok", "tied"
	served float64       // with "429": what the server served since the last pause
	span   time.Duration // over how long
	want   float64       // the rate after the event; 0 = unchanged
}

func TestPolicy(t *testing.T) {
	for _, c := range []struct {
		name   string
		max    float64
		events []event
	}{
		{"a blind cut halves, holds 5 s, then recovers by 10% a second", 100, []event{
			{at: 0, kind: "429", want: 50},
			{at: 5 * time.Second, kind: "ok"}, // the hold runs from the pause's end (1 s) to 6 s
			{at: 6 * time.Second, kind: "ok", want: 55},
			{at: 6500 * time.Millisecond, kind: "ok"}, // once a second
			{at: 7 * time.Second, kind: "ok", want: 60.5},
		}},
		{"an informed cut lands under what the server served, and holds 30 s", 100, []event{
			{at: 0, kind: "429", served: 80, span: 1500 * time.Millisecond, want: 76},
			{at: 30 * time.Second, kind: "ok"},
			{at: 31 * time.Second, kind: "ok", want: 78}, // +2% of 100 a second
		}},
		{"a served rate over less than a second is not trusted", 100, []event{
			{at: 0, kind: "429", served: 80, span: 900 * time.Millisecond, want: 50},
		}},
		{"the 429s of one overload cut once", 100, []event{
			{at: 0, kind: "429", want: 50},
			{at: 500 * time.Millisecond, kind: "429"},
			{at: 1200 * time.Millisecond, kind: "429", want: 25},
		}},
		{"never below a tenth of the configured rate", 100, []event{
			{at: 0, kind: "429", want: 50},
			{at: 2 * time.Second, kind: "429", want: 25},
			{at: 4 * time.Second, kind: "429", want: 12.5},
			{at: 6 * time.Second, kind: "429", want: 10},
			{at: 8 * time.Second, kind: "429"},
		}},
		{"a failed probe goes back to the rate that held, and probes less often", 100, []event{
			{at: 0, kind: "429", served: 80, span: 2 * time.Second, want: 76},
			{at: 31 * time.Second, kind: "ok", want: 78}, // 76 held the whole hold: it is good
			{at: 32 * time.Second, kind: "429", want: 76},
			{at: 62 * time.Second, kind: "ok"}, // the hold doubled: 60 s from the pause's end
			{at: 93 * time.Second, kind: "ok", want: 78},
		}},
		{"429s tied to rows put the configured rate back", 100, []event{
			{at: 0, kind: "429", want: 50},
			{at: 2 * time.Second, kind: "tied", want: 100},
		}},
		{"at the configured rate nothing goes up", 10, []event{
			{at: 10 * time.Second, kind: "ok"},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := policy{max: rate.Limit(c.max), floor: rate.Limit(c.max / floorShare)}
			cur := rate.Limit(c.max)
			t0 := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
			for i, e := range c.events {
				now := t0.Add(e.at)
				var next rate.Limit
				var change bool
				switch e.kind {
				case "429":
					next, change = p.throttled(now, now.Add(time.Second), cur, e.served, e.span)
				case "ok":
					next, change = p.succeeded(now, cur)
				case "tied":
					next, change = p.tiedToRows(now), true
				}
				switch {
				case e.want == 0 && change && next != cur:
					t.Fatalf("event %d (%s at %s): rate %.4g -> %.4g, want unchanged", i, e.kind, e.at, cur, next)
				case e.want != 0 && (!change || math.Abs(float64(next)-e.want) > 1e-9):
					t.Fatalf("event %d (%s at %s): rate %.4g (changed %v), want %.4g", i, e.kind, e.at, next, change, e.want)
				}
				if change {
					cur = next
				}
			}
		})
	}
}
