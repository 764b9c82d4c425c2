package webex

import (
	"context"
	"net/url"
	"strconv"
)

// listPages bounds a whole listing: 10 million items at PageSize, far past
// any customer, so only a server whose links never end meets it.
const listPages = 100_000

// SubscriberFilter selects what ListSubscribers lists: the query parameters
// of GET /wholesale/subscribers. Empty fields are not sent.
type SubscriberFilter struct {
	CustomerID         string // customerId: one customer's subscribers
	ExternalCustomerID string // externalCustomerId: the partner's own id of the customer
	Email              string // email
	PersonID           string // personId
	Status             string // status, e.g. "provisioned", "pending_user_migration"
	// After (after) and LastStatusChange (lastStatusChange) keep subscribers
	// created, or whose status changed, after a moment: epoch milliseconds
	// (what the API prefers) or ISO 8601, sent as given.
	After, LastStatusChange string
	// Offset starts the listing that many subscribers in (offset): a probe
	// of how far a customer's list goes costs one page, not all before it.
	Offset int
	// OnBehalfOf is the sub-partner org (onBehalfOfSubPartnerOrgId);
	// Config.OnBehalfOf when "".
	OnBehalfOf string
}

func (f SubscriberFilter) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"customerId": f.CustomerID, "externalCustomerId": f.ExternalCustomerID,
		"email": f.Email, "personId": f.PersonID, "status": f.Status, "after": f.After, "lastStatusChange": f.LastStatusChange} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Offset > 0 {
		q.Set("offset", strconv.Itoa(f.Offset))
	}
	return q
}

// ListSubscribers lists the subscribers f selects, PageSize at a time, and
// hands each page to fn as it arrives (see paginate: Link rel="next", offset
// as the fallback, every page paced and retried like any GET), so memory
// stays flat whatever the count. fn's error ends the listing and is
// returned; ErrStopPaging ends it without one. The CallInfo sums every
// page's attempts.
func (c *Client) ListSubscribers(ctx context.Context, f SubscriberFilter, fn func(Page[Subscriber]) error) (CallInfo, error) {
	return paginate(ctx, c, listCall{path: "/wholesale/subscribers", query: f.query(), onBehalfOf: f.OnBehalfOf,
		what: "a subscriber list", maxPages: listPages}, fn)
}

// CustomerFilter selects what ListCustomers lists: the query parameters of
// GET /wholesale/customers. Empty fields are not sent.
type CustomerFilter struct {
	ExternalID string   // externalId: the partner's own id of the customer
	OrgID      string   // orgId
	Status     []string // status, repeated: any of these
	OnBehalfOf string   // as SubscriberFilter.OnBehalfOf
}

// ListCustomers lists the customers f selects (with a zero f, every
// customer the token sees), page by page, as ListSubscribers does.
func (c *Client) ListCustomers(ctx context.Context, f CustomerFilter, fn func(Page[Customer]) error) (CallInfo, error) {
	q := url.Values{}
	if f.ExternalID != "" {
		q.Set("externalId", f.ExternalID)
	}
	if f.OrgID != "" {
		q.Set("orgId", f.OrgID)
	}
	for _, s := range f.Status {
		if s != "" {
			q.Add("status", s)
		}
	}
	return paginate(ctx, c, listCall{path: "/wholesale/customers", query: q, onBehalfOf: f.OnBehalfOf,
		what: "a customer list", maxPages: listPages}, fn)
}

// Each adapts a per-item callback to the pagers' per-page one:
//
//	c.ListSubscribers(ctx, f, webex.Each(func(s webex.Subscriber) error { ... }))
func Each[T any](fn func(T) error) func(Page[T]) error {
	return func(p Page[T]) error {
		for _, it := range p.Items {
			if err := fn(it); err != nil {
				return err
			}
		}
		return nil
	}
}
