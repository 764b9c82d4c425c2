package webex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	// subscriber with an id, or another status than the documented 200 and
	// 202, says nothing of how.
	if info.Status != http.StatusOK && info.Status != http.StatusAccepted {
		return Subscriber{}, info, &InDoubtError{Answered: true, Err: unexpected(info, raw, "the documented 200 or 202 with a subscriber")}
	}
	if jerr := json.Unmarshal(raw, &sub); jerr != nil {
		return sub, info, &InDoubtError{Answered: true, Err: fmt.Errorf("HTTP %d with a body that is not a subscriber (%v): %s", info.Status, jerr, snippet(raw))}
	}
	if strings.TrimSpace(sub.ID) == "" {
		return sub, info, &InDoubtError{Answered: true, Err: fmt.Errorf("HTTP %d without a subscriber id: %s", info.Status, snippet(raw))}
	}
	return sub, info, nil
}

// InDoubtError is a write whose outcome is unknown: the server may or may
// not have acted (created the subscriber for Provision, sent the email for
// ResendConsent, changed the package for UpdateSubscriber).
type InDoubtError struct {
	Err error
	// Answered: the server gave an answer (a 2xx that is not the documented
	// one, a redirect), so sending again would most likely get the same one;
	// the caller looks the subscriber up but does not repeat the request.
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
	decode := func(status int, raw []byte) error {
		sub = Subscriber{}
		if err := json.Unmarshal(raw, &sub); err != nil {
			return answerError(status, raw, "a subscriber", err)
		}
		if strings.TrimSpace(sub.ID) == "" {
			return answerError(status, raw, "a subscriber with an id", nil)
		}
		return nil
	}
	info, _, err := c.do(ctx, call{method: http.MethodGet, path: "/wholesale/subscribers/" + url.PathEscape(id), decode: decode})
	return sub, info, err
}

// FindByEmail returns the subscribers whose email is email (case-insensitive
// match on our side too: the search may be broader), reading every page of
// the search (see paginate).
func (c *Client) FindByEmail(ctx context.Context, email string) ([]Subscriber, CallInfo, error) {
	var found []Subscriber
	lc := listCall{path: "/wholesale/subscribers", query: url.Values{"email": {email}},
		what: "a subscriber list", maxPages: 1000}
	info, err := paginate(ctx, c, lc, func(p Page[Subscriber]) error {
		for _, s := range p.Items {
			if equalFoldEmail(s.Email, email) {
				found = append(found, s)
			}
		}
		return nil
	})
	return found, info, err
}

func equalFoldEmail(a, b string) bool {
	return bytes.EqualFold([]byte(a), []byte(b))
}

// RemoveSubscriber deletes the subscriber id: "removes the mapping between
// Wholesale Subscriber and a Webex user" (204). A DELETE is safe to repeat,
// so transient failures are retried; a 404 comes back as an *APIError, and
// the caller decides whether it means "already removed" (after an attempt
// whose answer was lost) or "never there". Only the documented 204 is done:
// another 2xx (a proxy's sign-in page, `{}`) comes back as an *AnswerError,
// and the caller looks the subscriber up to learn whether it is gone.
//
// intent, if not nil, runs once, when the request has its turn at the
// pacer, before anything is sent: the place to journal "about to remove".
func (c *Client) RemoveSubscriber(ctx context.Context, id string, intent func() error) (CallInfo, error) {
	info, rep, err := c.do(ctx, call{method: http.MethodDelete, path: "/wholesale/subscribers/" + url.PathEscape(id), beforeSend: intent})
	if err == nil && info.Status != http.StatusNoContent {
		return info, unexpected(info, rep.body, "the documented 204")
	}
	return info, err
}

// ResendConsent asks Webex to send the consent email of a subscriber that
// is pending_user_migration again (204; any other 2xx is an *InDoubtError). The path is used as the spec
// prints it, without /wholesale. It is not idempotent (each success sends
// an email): an attempt the server may have acted on is never repeated
// here; the caller gets an *InDoubtError and looks the status up first.
func (c *Client) ResendConsent(ctx context.Context, id string, intent func() error) (CallInfo, error) {
	info, rep, err := c.do(ctx, call{method: http.MethodPost, path: "/subscribers/" + url.PathEscape(id) + "/emails/consentMove", once: true, beforeSend: intent})
	if err == nil && info.Status != http.StatusNoContent {
		// Not the documented 204 (a proxy's page, `{}`): nothing says the
		// email went out, and asking again may send a second one.
		return info, &InDoubtError{Answered: true, Err: unexpected(info, rep.body, "the documented 204")}
	}
	if err != nil && inDoubt(info, err) {
		var re *RedirectError
		return info, &InDoubtError{Err: err, Answered: errors.As(err, &re)}
	}
	return info, err
}

// FindCustomers returns the customers whose externalId (the partner's own id
// of the customer) is externalID, on behalf of subPartner when not empty. It
// reads every page (see paginate).
func (c *Client) FindCustomers(ctx context.Context, externalID, subPartner string) ([]Customer, CallInfo, error) {
	var found []Customer
	lc := listCall{path: "/wholesale/customers", query: url.Values{"externalId": {externalID}}, onBehalfOf: subPartner,
		what: "a customer list", maxPages: 100}
	info, err := paginate(ctx, c, lc, func(p Page[Customer]) error {
		for _, cu := range p.Items {
			if cu.ExternalID == externalID {
				found = append(found, cu)
			}
		}
		return nil
	})
	return found, info, err
}
