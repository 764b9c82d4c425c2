package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// Health is what a finished row says of the API's health, for the breaker
// (the command table gives it per outcome).
type Health int

const (
	NotJudged Health = iota // nothing was sent on the row's account (invalid, skipped, not sent)
	Healthy                 // the API answered
	Broken                  // no definite answer: counts toward the error rate
)

// Breaker stops a run that only hammers a broken endpoint or a token that
// lacks rights: it judges the first rows that were sent, in the order they
// finish, and trips at most once.
type Breaker struct {
	// AbortAfter is how many sent rows are judged; 0 turns the breaker off.
	AbortAfter int
	// ErrorRate trips the breaker when more than this share of the judged
	// rows end in Error.
	ErrorRate float64
	// ForbiddenBurst trips it when this many first answers are all 403.
	ForbiddenBurst int
	// Judge says what a row's outcome makes of the API's health (the
	// command table's Judge); required.
	Judge func(Result) Health

	mu        sync.Mutex
	sent      int
	errors    int
	forbidden int
	tripped   bool
}

// ScopeHint names what a 403 on every request usually means.
const ScopeHint = "the token needs the spark-admin:wholesale_subscribers_read and spark-admin:wholesale_subscribers_write scopes " +
	"of a partner administrator, and the partner org the wxc-wholesale entitlement (or the webex-wholesale-partner-testing setting)"

// Observe counts a finished row and returns an error the first time the
// run should stop.
func (b *Breaker) Observe(r Result) error {
	if b == nil || r.Resumed {
		return nil
	}
	// A row left unfinished counts when it ended in error (a lost answer
	// whose look-up failed too is as broken as any): only the rows the run
	// stopped (Guard leaves those out) or never sent are not judged.
	health := b.Judge(r)
	if health == NotJudged || (!r.Final && health != Broken) {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tripped {
		return nil
	}
	b.sent++
	if health == Broken {
		b.errors++
	}
	if r.HTTPStatus == http.StatusForbidden && b.forbidden == b.sent-1 {
		b.forbidden++
	}
	if b.ForbiddenBurst > 0 && b.forbidden >= b.ForbiddenBurst {
		b.tripped = true
		return fmt.Errorf("stopped: the API refused the first %d requests with 403 (forbidden): %s", b.forbidden, ScopeHint)
	}
	if b.AbortAfter <= 0 || b.sent > b.AbortAfter {
		return nil
	}
	// Trip as soon as the share is certain to exceed the limit.
	if float64(b.errors) > b.ErrorRate*float64(b.AbortAfter) {
		b.tripped = true
		return fmt.Errorf("stopped: %d of the first %d rows sent ended in error (limit %.0f%% of %d, --abort-error-rate/--abort-after): the API looks broken or unreachable; see the messages in the results",
			b.errors, b.sent, b.ErrorRate*100, b.AbortAfter)
	}
	return nil
}

// Guard runs w and lets b stop the run when it trips.
func Guard(b *Breaker, w Worker) Worker {
	if b == nil {
		return w
	}
	return func(ctx context.Context, row *Row) Result {
		res := w(ctx, row)
		if ctx.Err() != nil {
			return res // stopped: the row says nothing of the API's health
		}
		if err := b.Observe(res); err != nil && res.Fatal == nil {
			res.Fatal = err
		}
		return res
	}
}
