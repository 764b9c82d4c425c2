package tasks

import (
	"context"
	"hash/maphash"
	"slices"
	"strings"
	"sync"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// LookupMode says how a Directory answers: Auto chooses per customer,
// ByPage lists every customer that has rows, ByRow never lists (one GET a
// row, as before). The forced modes are for tests and for a user who
// distrusts a list.
type LookupMode int

const (
	Auto LookupMode = iota
	ByPage
	ByRow
)

// defaultMaxEntries caps the subscribers a Directory keeps over a run. Only
// those the sheet names (by subscriber_id or email) are kept at all, so the
// cap is met only by a sheet of more than a million rows; past it a row is
// looked up alone, as a miss is.
const defaultMaxEntries = 1_000_000

// Directory answers "what does Webex hold for this row's subscriber" for
// the workers of one run: from the row's customer's list (by customerId,
// else by externalCustomerId) when the sheet has more rows of that
// customer than the list has pages, else with one GET a row (current).
// The sheet's rows are counted first (Add); the first row of a customer
// then costs one probe, a page far into its list (offset 100×(rows−1)): a
// page there that is not full means the whole list takes fewer pages than
// the customer has rows, so it is listed, once, while the customer's other
// workers wait; a full page means listing would cost more than the rows
// do, and they stay on GETs (a customer of 250,000 subscribers with 30
// rows: 1 probe and 30 GETs). Why a probe rather than the ski-rental rule
// (GETs until they add up to the pages, then list): the rows are known
// from the first pass and only the list's length is not, and renting first
// would spend as many GETs as there are pages before listing (10,000 rows
// of a customer of 10,000: 201 requests, not 101); the probe costs at most
// one request more than the cheaper way, per customer.
//
// A list fault (a page failing after its retries, a page without items)
// leaves the customer on GETs; a row the list lacks (a lost Link header
// ends a list early) is looked up alone, so a miss is never taken for "not
// found". Proofs after a write never ask a Directory: they GET afresh.
//
// Memory: entries are kept only for the subscriber ids and emails the
// sheet names (a sorted list of their 64-bit hashes, built by Add), and at most
// MaxEntries of them.
type Directory struct {
	Client     *webex.Client
	Mode       LookupMode
	MaxEntries int // defaultMaxEntries when 0

	seed maphash.Seed
	rows map[string]int // customer (customerOf) → the sheet's rows of it
	// wanted are the hashes of the ids and emails the sheet names, sorted
	// once (sortWanted) before the first listing: 8 bytes a row, where a
	// map would take about five times that.
	wanted     []uint64
	sortWanted sync.Once

	mu    sync.Mutex
	lists map[string]*listing
	kept  int
	// changed are the subscribers this run wrote to (Changed): their
	// listed state is old, so their rows GET.
	changed sync.Map
}

// listing is one customer's list as it is read: a row waits for the page
// that holds its subscriber, or for the end. Each waiter has its own
// channel, closed when its key comes in (or at the decision and the end),
// so a page wakes only the rows it answers, not every worker.
type listing struct {
	mu      sync.Mutex
	waiting map[string][]chan struct{} // "id:"/"email:" key → rows waiting for it
	decided bool                       // the probe has spoken (or there is none)
	listed  bool                       // decided to list: rows wait for the pages
	ended   bool                       // every page is in, or the list failed
	ok      bool                       // ended with every page
	byID    map[string]entry
	byEmail map[string][]string // lower-case email → ids
	info    webex.CallInfo      // what the probe and the pages cost
}

// entry is a kept subscriber and the tracking id of the page it came in.
type entry struct {
	sub        webex.Subscriber
	trackingID string
}

// customerOf is the list a row's subscriber is in: its customerId, else
// its externalCustomerId (the partner's own id), as inCustomer chooses;
// "" when it names neither.
func customerOf(f pipeline.Fields) (key string, filter webex.SubscriberFilter) {
	if id := strings.TrimSpace(f.CustomerID); id != "" {
		return "id:" + id, webex.SubscriberFilter{CustomerID: id}
	}
	if ext := strings.TrimSpace(f.ExternalCustomerID); ext != "" {
		return "ext:" + ext, webex.SubscriberFilter{ExternalCustomerID: ext}
	}
	return "", webex.SubscriberFilter{}
}

// NewDirectory is a Directory over c in mode m.
func NewDirectory(c *webex.Client, m LookupMode) *Directory {
	return &Directory{Client: c, Mode: m, seed: maphash.MakeSeed(), rows: map[string]int{}, lists: map[string]*listing{}}
}

// Add counts a row of the sheet before the run: its customer's rows, and
// the id or email it will ask for. Not safe for concurrent use: call it
// from one goroutine, before any Lookup.
func (d *Directory) Add(row *pipeline.Row) {
	cust, _ := customerOf(row.Fields)
	if cust == "" {
		return // no customer to list: a GET a row
	}
	d.rows[cust]++
	if id := strings.TrimSpace(row.Prior[priorSubscriberID]); id != "" {
		d.wanted = append(d.wanted, maphash.String(d.seed, id))
		return
	}
	d.wanted = append(d.wanted, maphash.String(d.seed, strings.ToLower(strings.TrimSpace(row.Fields.Email))))
}

// lookUpRow is current through d, or current itself when d is nil.
func lookUpRow(ctx context.Context, d *Directory, c *webex.Client, row *pipeline.Row, res *pipeline.Result) (webex.Subscriber, bool, error) {
	if d == nil {
		return current(ctx, c, row, res)
	}
	return d.Lookup(ctx, row, res)
}

// Lookup answers as current does (the same subscriber, found or not, the
// same error for an ambiguous email), from the customer's list when it has
// one. A row is answered as soon as the page holding its subscriber is in,
// so results are written while the rest of the list is read. A row
// answered from a list takes the page's tracking id; the row whose turn
// made the list counts its requests.
func (d *Directory) Lookup(ctx context.Context, row *pipeline.Row, res *pipeline.Result) (webex.Subscriber, bool, error) {
	cust, filter := customerOf(row.Fields)
	if d.Mode == ByRow || cust == "" {
		return current(ctx, d.Client, row, res)
	}
	l := d.listingOf(ctx, cust, filter, res)
	e, ok := l.find(ctx, row)
	if _, written := d.changed.Load(e.sub.ID); !ok || written {
		// No list, a list fault, a miss (a list cut short says nothing:
		// only a GET says "not found"), several with the email, or a
		// subscriber this run changed: a GET.
		return current(ctx, d.Client, row, res)
	}
	res.Took(pipeline.Call{Status: 200, TrackingID: e.trackingID})
	return e.sub, true, nil
}

// find waits until l holds row's subscriber (ok) or cannot (not listed,
// ended without it, failed, several with the email, ctx done).
func (l *listing) find(ctx context.Context, row *pipeline.Row) (entry, bool) {
	id := strings.TrimSpace(row.Prior[priorSubscriberID])
	email := strings.ToLower(strings.TrimSpace(row.Fields.Email))
	key := "email:" + email
	if id != "" {
		key = "id:" + id
	}
	for {
		l.mu.Lock()
		if l.decided && !l.listed {
			l.mu.Unlock()
			return entry{}, false
		}
		if l.listed {
			var e entry
			found := false
			switch {
			case id != "":
				e, found = l.byID[id]
			case len(l.byEmail[email]) > 1:
				l.mu.Unlock()
				return entry{}, false // current names their customers in its error
			case len(l.byEmail[email]) == 1:
				e, found = l.byID[l.byEmail[email][0]]
			}
			if found || l.ended {
				l.mu.Unlock()
				return e, found
			}
		}
		ch := make(chan struct{})
		l.waiting[key] = append(l.waiting[key], ch)
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return entry{}, false
		}
	}
}

// wake releases the rows waiting for key, or every row for "" (the
// decision, the end); l.mu is held.
func (l *listing) wake(key string) {
	if key != "" {
		for _, ch := range l.waiting[key] {
			close(ch)
		}
		delete(l.waiting, key)
		return
	}
	for k, chs := range l.waiting {
		for _, ch := range chs {
			close(ch)
		}
		delete(l.waiting, k)
	}
}

// Changed tells d that this run wrote to subscriber id (a PUT went out):
// a later row naming it (a duplicate) is answered by a GET, not by its
// state before the write. Safe on a nil d.
func (d *Directory) Changed(id string) {
	if d != nil && id != "" {
		d.changed.Store(id, struct{}{})
	}
}

// listingOf returns cust's listing; the first row to ask makes it (the
// probe, then the pages) before it returns, the others find it being made.
func (d *Directory) listingOf(ctx context.Context, cust string, filter webex.SubscriberFilter, res *pipeline.Result) *listing {
	d.mu.Lock()
	if l, ok := d.lists[cust]; ok {
		d.mu.Unlock()
		return l
	}
	l := &listing{waiting: map[string][]chan struct{}{}}
	d.lists[cust] = l
	d.mu.Unlock()
	listIt := d.Mode != Auto || d.worthListing(ctx, cust, filter, l)
	l.mu.Lock()
	l.decided, l.listed = true, listIt
	if !listIt {
		l.wake("")
	}
	l.mu.Unlock()
	if listIt {
		d.list(ctx, filter, l)
	}
	res.Took(pipeline.Call(l.info))
	return l
}

// worthListing probes cust's list at the page its rows would pay for: not
// full there (or empty), the whole list takes at most as many pages as the
// customer has rows less the probe. A customer of one row is not probed: a
// GET is as cheap. A failed probe is "no": GETs answer.
func (d *Directory) worthListing(ctx context.Context, cust string, filter webex.SubscriberFilter, l *listing) bool {
	n := d.rows[cust]
	if n < 2 {
		return false
	}
	var items int
	filter.Offset = webex.PageSize * (n - 1)
	info, err := d.Client.ListSubscribers(ctx, filter,
		func(p webex.Page[webex.Subscriber]) error {
			items = len(p.Items)
			return webex.ErrStopPaging
		})
	l.info.Attempts += info.Attempts
	l.info.Status, l.info.TrackingID = info.Status, info.TrackingID
	return err == nil && items < webex.PageSize
}

// names reports whether the sheet names key (a subscriber id or a
// lower-case email), but for a hash collision.
func (d *Directory) names(key string) bool {
	_, ok := slices.BinarySearch(d.wanted, maphash.String(d.seed, key))
	return ok
}

// list reads the customer's whole list into l, page by page, keeping the
// subscribers the sheet names and waking the rows waiting for them; l.ok
// only when every page came. After a fault the rows not yet answered GET.
func (d *Directory) list(ctx context.Context, filter webex.SubscriberFilter, l *listing) {
	d.sortWanted.Do(func() { slices.Sort(d.wanted) })
	maxEntries := d.MaxEntries
	if maxEntries <= 0 {
		maxEntries = defaultMaxEntries
	}
	l.mu.Lock()
	l.byID, l.byEmail = map[string]entry{}, map[string][]string{}
	l.mu.Unlock()
	info, err := d.Client.ListSubscribers(ctx, filter, func(p webex.Page[webex.Subscriber]) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, s := range p.Items {
			email := strings.ToLower(strings.TrimSpace(s.Email))
			if s.ID == "" || !(d.names(s.ID) || d.names(email)) {
				continue
			}
			if _, seen := l.byID[s.ID]; seen {
				continue // a list shifted under its offsets repeats an item
			}
			if !d.keep(maxEntries) {
				continue // left out: its row is looked up alone
			}
			l.byID[s.ID] = entry{sub: s, trackingID: p.Info.TrackingID}
			l.wake("id:" + s.ID)
			if email != "" {
				l.byEmail[email] = append(l.byEmail[email], s.ID)
				l.wake("email:" + email)
			}
		}
		return nil
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.info.Attempts += info.Attempts
	l.info.Status, l.info.TrackingID = info.Status, info.TrackingID
	l.ended, l.ok = true, err == nil
	if !l.ok {
		d.mu.Lock()
		d.kept -= len(l.byID)
		d.mu.Unlock()
		l.byID, l.byEmail = nil, nil // a fault: every row not yet answered GETs
	}
	l.wake("")
}

// keep counts one more subscriber kept, unless max are already.
func (d *Directory) keep(max int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kept >= max {
		return false
	}
	d.kept++
	return true
}
