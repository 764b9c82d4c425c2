package tasks

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// Watch follows new subscribers to a final status for provision --wait,
// by the page: each poll lists a customer's subscribers created since the
// run began that are still provisioning (100 a request), where a GET a
// row would ask for each waiting row. A subscriber that has left that
// list is then read by id, once: what it became is the GET's answer,
// never the list's (a list cut short would say nothing). A list that
// fails leaves its waiters to poll by GET, as without a Watch.
type Watch struct {
	Client *webex.Client
	// Since is when the run began: only subscribers created after it
	// (less a margin for the clocks) are listed.
	Since time.Time
	// Every is the first interval between polls (default 2s); it grows
	// by half each poll, to 15s, as the GETs' does.
	Every time.Duration

	mu    sync.Mutex
	custs map[string]*watched
}

// watched is one customer's waiters and its poller.
type watched struct {
	filter  webex.SubscriberFilter
	waiting map[string][]chan struct{} // subscriber id → closed once it left "provisioning", or the list failed
}

// clockMargin covers a server clock behind ours.
const clockMargin = 10 * time.Minute

// wait blocks until sub has left "provisioning" by the lists (true), the
// list failed or the deadline or ctx came (false). A poll is counted in
// the run's requests, not on any row: it serves them all.
func (w *Watch) wait(ctx context.Context, sub webex.Subscriber, deadline time.Time) bool {
	if sub.CustomerID == "" {
		return false
	}
	ch := make(chan struct{})
	w.mu.Lock()
	if w.custs == nil {
		w.custs = map[string]*watched{}
	}
	c := w.custs[sub.CustomerID]
	start := c == nil
	if start {
		c = &watched{filter: webex.SubscriberFilter{CustomerID: sub.CustomerID, Status: statusProvisioning,
			After: strconv.FormatInt(w.Since.Add(-clockMargin).UnixMilli(), 10)}, waiting: map[string][]chan struct{}{}}
		w.custs[sub.CustomerID] = c
	}
	c.waiting[sub.ID] = append(c.waiting[sub.ID], ch)
	w.mu.Unlock()
	if start {
		go w.poll(context.WithoutCancel(ctx), sub.CustomerID, c)
	}
	var timeout <-chan time.Time // none for a zero deadline
	if !deadline.IsZero() {
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ch:
		return ctx.Err() == nil
	case <-ctx.Done():
	case <-timeout:
	}
	w.forget(c, sub.ID, ch)
	return false
}

// forget takes one waiter off the list.
func (w *Watch) forget(c *watched, id string, ch chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	chs := c.waiting[id]
	for i, x := range chs {
		if x == ch {
			c.waiting[id] = append(chs[:i], chs[i+1:]...)
			break
		}
	}
	if len(c.waiting[id]) == 0 {
		delete(c.waiting, id)
	}
}

// poll lists cust's provisioning subscribers while any row waits for one,
// releasing the rows whose subscriber is no longer listed.
func (w *Watch) poll(ctx context.Context, cust string, c *watched) {
	every := w.Every
	if every <= 0 {
		every = 2 * time.Second
	}
	for {
		time.Sleep(every)
		every = min(every*3/2, 15*time.Second)
		w.mu.Lock()
		if len(c.waiting) == 0 {
			delete(w.custs, cust) // the next waiter starts a new poller
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		still := map[string]bool{}
		_, err := w.Client.ListSubscribers(ctx, c.filter, func(p webex.Page[webex.Subscriber]) error {
			for _, s := range p.Items {
				still[s.ID] = true
			}
			return nil
		})
		w.mu.Lock()
		for id, chs := range c.waiting {
			if err == nil && still[id] {
				continue
			}
			for _, ch := range chs {
				close(ch) // left provisioning, or the list failed: its row GETs
			}
			delete(c.waiting, id)
		}
		w.mu.Unlock()
	}
}
