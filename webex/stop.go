package webex

import (
	"context"
	"errors"
	"time"
)

// ErrNotSent: a call gave up before its next attempt because its client
// stopped sending (StopSending). Nothing was sent by that attempt; earlier
// attempts of a non-idempotent call are only ever ones the server refused
// without acting (429, 423, a refused connection), so the call is not in doubt.
var ErrNotSent = errors.New("not sent: the run is stopping")

// StopSending makes every call still waiting for its turn at the pacer, or
// backing off before a retry, return ErrNotSent at once, now and from then
// on, while a request already on the wire finishes under its context. This
// is an interrupt's first stage: rows queued behind the rate limit are not
// sent, rows in flight finish. A Pacer with a Stop method is stopped too, so
// that its waits end at once. Safe to call more than once.
func (c *Client) StopSending() {
	c.stopOnce.Do(func() {
		close(c.stopped)
		if s, ok := c.cfg.Pacer.(interface{ Stop() }); ok {
			s.Stop()
		}
	})
}

func (c *Client) stopping() bool {
	select {
	case <-c.stopped:
		return true
	default:
		return false
	}
}

// wait takes the pacer's turn for one attempt. A turn granted as the stop
// came is not used either.
func (c *Client) wait(ctx context.Context) error {
	if c.stopping() {
		return ErrNotSent
	}
	err := c.cfg.Pacer.Wait(ctx)
	if c.stopping() {
		return ErrNotSent // also when ctx ended with the stop: nothing went out
	}
	return err
}

// backOff sleeps d before a retry, or until ctx ends or sending stops.
func (c *Client) backOff(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-c.stopped:
	}
	if c.stopping() {
		return ErrNotSent // the retry is not sent: say so, whatever else ended
	}
	return ctx.Err()
}
