package webex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Provision creates one subscriber. It is not idempotent: an attempt the
// server may have acted on (a timeout, a 5xx, a dropped connection) is
// never repeated here. The caller gets an *InDoubtError and must look the
// email up before deciding to send again.
//
// intent, if not nil, is called once, when the request has its turn at the
// pacer and just before it is sent: the place to journal "about to send".
// A row still queued behind the rate limit when the run stops has then
// left no trace to look up. If intent fails, nothing is sent and its error
// is returned.
func (c *Client) Provision(ctx context.Context, req ProvisionRequest, intent func() error) (Subscriber, CallInfo, error) {
	var sub Subscriber
	body, err := json.Marshal(req)
	if err != nil {
		return sub, CallInfo{}, err
	}
	info, rep, err := c.do(ctx, call{method: http.MethodPost, path: "/wholesale/subscribers", body: body, once: true, beforeSend: intent, onBehalfOf: req.OnBehalfOf})
	raw := rep.body
	if err != nil {
		if inDoubt(info, err) {
			var re *RedirectError
			return sub, info, &InDoubtError{Err: err, Answered: errors.As(err, &re)}
		}
		return sub, info, err
	}
	// The server answered 2xx, so it may have acted; a body that is not a
	// subscriber with an id says nothing of how.
	if jerr := json.Unmarshal(raw, &sub); jerr != nil {
		return sub, info, &InDoubtError{Answered: true, Err: fmt.Errorf("HTTP %d with a body that is not a subscriber (%v): %s", info.Status, jerr, snippet(raw))}
	}
	if strings.TrimSpace(sub.ID) == "" {
		return sub, info, &InDoubtError{Answered: true, Err: fmt.Errorf("HTTP %d without a subscriber id: %s", info.Status, snippet(raw))}
	}
	return sub, info, nil
}

// snippet shows a body in a message: short, on one line.
func snippet(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if s == "" {
		return "an empty body"
	}
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	return "body " + s
}

// InDoubtError is a provisioning request whose outcome is unknown: the
// server may or may not have created the subscriber.
type InDoubtError struct {
	Err error
	// Answered: the server gave an answer (a 2xx that is not a subscriber,
	// a redirect), so sending again would most likely get the same one; the
	// caller looks the subscriber up but does not repeat the POST.
	Answered bool
}

func (e *InDoubtError) Error() string {
	return "outcome unknown (the server may have acted): " + e.Err.Error()
}

func (e *InDoubtError) Unwrap() error { return e.Err }

// inDoubt tells a failure that proves nothing was done (a 4xx, 429, 423, a
// connection refused, nothing sent) from one after which the subscriber may
// exist (a 5xx, a timeout, a dropped connection, a cancel mid-request).
func inDoubt(info CallInfo, err error) bool {
	var te *TokenError
	if info.Attempts == 0 || errors.Is(err, ErrNotSent) || errors.As(err, &te) {
		return false // nothing sent, or only attempts that proved nothing was done (a 401)
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status >= 500
	}
	var re *RedirectError
	if errors.As(err, &re) {
		return true // a 303 may follow a POST the server acted on
	}
	return !errors.Is(err, errConnRefused)
}

// GetSubscriber reads one subscriber by id, with its current status.
func (c *Client) GetSubscriber(ctx context.Context, id string) (Subscriber, CallInfo, error) {
	var sub Subscriber
	info, rep, err := c.do(ctx, call{method: http.MethodGet, path: "/wholesale/subscribers/" + url.PathEscape(id)})
	if err != nil {
		return sub, info, err
	}
	if err := json.Unmarshal(rep.body, &sub); err != nil {
		return sub, info, fmt.Errorf("HTTP %d with an unreadable subscriber: %v", info.Status, err)
	}
	return sub, info, nil
}

// listPage is the body of GET /wholesale/subscribers.
type listPage struct {
	Items []Subscriber `json:"items"`
}

// pageSize is the API's maximum page.
const pageSize = 100

// FindByEmail returns the subscribers whose email is email (case-insensitive
// match on our side too: the search may be broader). It follows
// Link rel="next" when the server sends one, else pages with offset until a
// short page.
func (c *Client) FindByEmail(ctx context.Context, email string) ([]Subscriber, CallInfo, error) {
	var found []Subscriber
	var total CallInfo
	q := url.Values{"email": {email}, "max": {strconv.Itoa(pageSize)}}
	path := "/wholesale/subscribers"
	for page := 0; page < 1000; page++ {
		info, rep, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q})
		total.Attempts += info.Attempts
		total.Status, total.TrackingID = info.Status, info.TrackingID
		if err != nil {
			return found, total, err
		}
		var lp listPage
		if err := json.Unmarshal(rep.body, &lp); err != nil {
			return found, total, fmt.Errorf("HTTP %d with an unreadable subscriber list: %v", info.Status, err)
		}
		for _, s := range lp.Items {
			if equalFoldEmail(s.Email, email) {
				found = append(found, s)
			}
		}
		if next := nextLink(rep.header); next != nil {
			if path, q, err = c.relative(next); err != nil {
				return found, total, err
			}
			continue
		}
		if len(lp.Items) < pageSize {
			return found, total, nil
		}
		off, _ := strconv.Atoi(q.Get("offset"))
		q.Set("offset", strconv.Itoa(off+len(lp.Items)))
	}
	return found, total, fmt.Errorf("the subscriber search for %s did not end after 1000 pages", email)
}

func equalFoldEmail(a, b string) bool {
	return bytes.EqualFold([]byte(a), []byte(b))
}

// nextLink returns the target of a Link: <...>; rel="next" header, if any.
func nextLink(h http.Header) *url.URL {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			segs := strings.Split(part, ";")
			if len(segs) < 2 {
				continue
			}
			target := strings.TrimSpace(segs[0])
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for _, p := range segs[1:] {
				p = strings.ReplaceAll(strings.TrimSpace(p), " ", "")
				if strings.EqualFold(p, `rel="next"`) || strings.EqualFold(p, "rel=next") {
					if u, err := url.Parse(target[1 : len(target)-1]); err == nil {
						return u
					}
				}
			}
		}
	}
	return nil
}

// relative turns a next link into a path under our base and its query, and
// refuses a link to another host: the token must not follow it there.
func (c *Client) relative(next *url.URL) (string, url.Values, error) {
	u := c.base.ResolveReference(next)
	if u.Host != c.base.Host || u.Scheme != c.base.Scheme || !strings.HasPrefix(u.Path, c.base.Path+"/") {
		return "", nil, fmt.Errorf("the server's next-page link points outside %s; not following it", c.base.Redacted())
	}
	q := u.Query()
	q.Del("onBehalfOfSubPartnerOrgId") // do() adds ours
	return strings.TrimPrefix(u.Path, c.base.Path), q, nil
}

// RemoveSubscriber deletes the subscriber id: "removes the mapping between
// Wholesale Subscriber and a Webex user" (204). A DELETE is safe to repeat,
// so transient failures are retried; a 404 comes back as an *APIError, and
// the caller decides whether it means "already removed" (after an attempt
// whose answer was lost) or "never there".
//
// intent, if not nil, runs once, when the request has its turn at the
// pacer, before anything is sent: the place to journal "about to remove".
func (c *Client) RemoveSubscriber(ctx context.Context, id string, intent func() error) (CallInfo, error) {
	info, _, err := c.do(ctx, call{method: http.MethodDelete, path: "/wholesale/subscribers/" + url.PathEscape(id), beforeSend: intent})
	return info, err
}

// ResendConsent asks Webex to send the consent email of a subscriber that
// is pending_user_migration again (204). The path is used as the spec
// prints it, without /wholesale. It is not idempotent (each success sends
// an email): an attempt the server may have acted on is never repeated
// here; the caller gets an *InDoubtError and looks the status up first.
func (c *Client) ResendConsent(ctx context.Context, id string, intent func() error) (CallInfo, error) {
	info, _, err := c.do(ctx, call{method: http.MethodPost, path: "/subscribers/" + url.PathEscape(id) + "/emails/consentMove", once: true, beforeSend: intent})
	if err != nil && inDoubt(info, err) {
		var re *RedirectError
		return info, &InDoubtError{Err: err, Answered: errors.As(err, &re)}
	}
	return info, err
}

// FindCustomers returns the customers whose externalId (the partner's own
// id of the customer) is externalID, on behalf of subPartner when not
// empty. It reads every page.
func (c *Client) FindCustomers(ctx context.Context, externalID, subPartner string) ([]Customer, CallInfo, error) {
	var found []Customer
	var total CallInfo
	q := url.Values{"externalId": {externalID}, "max": {strconv.Itoa(pageSize)}}
	path := "/wholesale/customers"
	for page := 0; page < 100; page++ {
		info, rep, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q, onBehalfOf: subPartner})
		total.Attempts += info.Attempts
		total.Status, total.TrackingID = info.Status, info.TrackingID
		if err != nil {
			return found, total, err
		}
		var lp struct {
			Items []Customer `json:"items"`
		}
		if err := json.Unmarshal(rep.body, &lp); err != nil {
			return found, total, fmt.Errorf("HTTP %d with an unreadable customer list: %v", info.Status, err)
		}
		for _, cu := range lp.Items {
			if cu.ExternalID == externalID {
				found = append(found, cu)
			}
		}
		if next := nextLink(rep.header); next != nil {
			if path, q, err = c.relative(next); err != nil {
				return found, total, err
			}
			continue
		}
		if len(lp.Items) < pageSize {
			return found, total, nil
		}
		off, _ := strconv.Atoi(q.Get("offset"))
		q.Set("offset", strconv.Itoa(off+len(lp.Items)))
	}
	return found, total, fmt.Errorf("the customer search for externalId %s did not end after 100 pages", externalID)
}
