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

// StopSending returns a context for calls and a function that stops them
// sending: after it, a call waiting for its turn at the pacer, or backing
// off before a retry, returns ErrNotSent at once, while a request already
// on the wire is left to finish under ctx. This is an interrupt's first
// stage: rows queued behind the rate limit are not sent, rows in flight
// finish.
func StopSending(ctx context.Context) (context.Context, context.CancelFunc) {
	// The waits use sending, a child of ctx: it ends with ctx or the stop,
	// and costs nothing per call.
	sending, stop := context.WithCancel(ctx)
	return context.WithValue(ctx, stopKey{}, sending), stop
}

// waitCtx is what the waits before an attempt use: the StopSending child,
// else ctx itself.
func waitCtx(ctx context.Context) context.Context {
	if s, ok := ctx.Value(stopKey{}).(context.Context); ok {
		return s
	}
	return ctx
}

// notSent turns a wait ended by the stop, not by ctx, into ErrNotSent.
func notSent(ctx context.Context, err error) error {
	if err != nil && ctx.Err() == nil && waitCtx(ctx).Err() != nil {
		return ErrNotSent
	}
	return err
}

// wait takes the pacer's turn for one attempt.
func (c *Client) wait(ctx context.Context) error {
	w := waitCtx(ctx)
	if err := w.Err(); err != nil { // a pacer with nothing to wait for may not look
		return notSent(ctx, err)
	}
	return notSent(ctx, c.cfg.Pacer.Wait(w))
}

// backOff sleeps d before a retry.
func (c *Client) backOff(ctx context.Context, d time.Duration) error {
	return notSent(ctx, sleep(waitCtx(ctx), d))
}
