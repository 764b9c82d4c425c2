package webex

import (
	"context"
	"errors"
	"time"
)

// ErrNotSent: a call gave up before its next attempt because its caller
// stopped sending (StopSending). Nothing was sent by that attempt; earlier
// attempts of a non-idempotent call are only ever ones the server refused
// without acting (429, 423, a refused connection), so the call is not in doubt.
var ErrNotSent = errors.New("not sent: the run is stopping")

type stopKey struct{}

// StopSending returns a context under which calls send no new attempt once
// stop is done: a call waiting for its turn at the pacer, or backing off
// before a retry, returns ErrNotSent at once, while a request already on
// the wire is left to finish under ctx. This is an interrupt's first stage:
// rows queued behind the rate limit are not sent, rows in flight finish.
func StopSending(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// stopOf is the stop context given to StopSending, or nil.
func stopOf(ctx context.Context) context.Context {
	s, _ := ctx.Value(stopKey{}).(context.Context)
	return s
}

// waitable returns a context that ends with ctx or with the caller's stop,
// and a function telling whether it was the stop that ended it.
func waitable(ctx context.Context) (context.Context, func() bool, context.CancelFunc) {
	stop := stopOf(ctx)
	if stop == nil {
		return ctx, func() bool { return false }, func() {}
	}
	wctx, cancel := context.WithCancel(ctx)
	unhook := context.AfterFunc(stop, cancel)
	stopped := func() bool { return ctx.Err() == nil && stop.Err() != nil }
	return wctx, stopped, func() { unhook(); cancel() }
}

// wait takes the pacer's turn for one attempt.
func (c *Client) wait(ctx context.Context) error {
	wctx, stopped, done := waitable(ctx)
	defer done()
	if stopped() {
		return ErrNotSent
	}
	if err := c.cfg.Pacer.Wait(wctx); err != nil {
		if stopped() {
			return ErrNotSent
		}
		return err
	}
	return nil
}

// backOff sleeps d before a retry.
func (c *Client) backOff(ctx context.Context, d time.Duration) error {
	wctx, stopped, done := waitable(ctx)
	defer done()
	if err := sleep(wctx, d); err != nil {
		if stopped() {
			return ErrNotSent
		}
		return err
	}
	return nil
}
