package webex

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// UpdateRequest is a change of one subscriber's package: the body of PUT
// /wholesale/subscribers/{id} is {"packages": [Package]} (the list takes one
// item; the deprecated "package" is never sent), plus provisioningParameters
// when set.
type UpdateRequest struct {
	OnBehalfOf string // as PrecheckRequest.OnBehalfOf
	Package    string // the one package the subscriber is to have, e.g. "webex_suite"
	// ProvisioningParameters: the spec asks for a primary phone number or
	// an extension (or both) when a webex_meetings subscriber moves to a
	// calling package, and says they are ignored for a user who already
	// has calling. nil sends none.
	ProvisioningParameters *UpdateParameters
}

// UpdateParameters are the calling details a PUT may carry.
type UpdateParameters struct {
	PrimaryPhoneNumber string `json:"primaryPhoneNumber,omitempty"`
	Extension          string `json:"extension,omitempty"`
	LocationID         string `json:"locationId,omitempty"`
}

// updateBody is UpdateRequest on the wire.
type updateBody struct {
	Packages               []string          `json:"packages"`
	ProvisioningParameters *UpdateParameters `json:"provisioningParameters,omitempty"`
}

// UpdateSubscriber changes the package of the subscriber id (PUT
// /wholesale/subscribers/{id}). Only the documented answer is done: 200
// with the subscriber (an id, and req.Package among its packages when it
// lists any); its errors[], if any, are for the caller to read, as
// Provision's. A refusal (4xx: not found, a subscriber not provisioned yet)
// is an *APIError, nothing changed.
//
// The request is sent once: a PUT whose answer was lost (a timeout, a
// dropped connection, a 5xx) or that was answered otherwise (another 2xx, a
// 200 that is not the subscriber, a redirect) is an *InDoubtError, since the
// server may have changed the package; the caller looks the subscriber up
// rather than sending it again. Only answers that prove nothing was done
// (429, 423, a refused connection) are retried.
//
// intent, if not nil, runs once, when the request has its turn at the
// pacer, before anything is sent (the place to journal "about to update");
// its error is returned and nothing is sent.
func (c *Client) UpdateSubscriber(ctx context.Context, id string, req UpdateRequest, intent func() error) (Subscriber, CallInfo, error) {
	if strings.TrimSpace(id) == "" || strings.TrimSpace(req.Package) == "" {
		return Subscriber{}, CallInfo{}, errors.New("webex: UpdateSubscriber needs a subscriber id and a package")
	}
	body, err := json.Marshal(updateBody{Packages: []string{req.Package}, ProvisioningParameters: req.ProvisioningParameters})
	if err != nil {
		return Subscriber{}, CallInfo{}, err
	}
	info, rep, err := c.do(ctx, call{method: http.MethodPut, path: "/wholesale/subscribers/" + url.PathEscape(id), body: body,
		once: true, beforeSend: intent, onBehalfOf: req.OnBehalfOf})
	if err != nil {
		if inDoubt(info, err) {
			var re *RedirectError
			return Subscriber{}, info, &InDoubtError{Err: err, Answered: errors.As(err, &re)}
		}
		return Subscriber{}, info, err
	}
	want := "the documented 200 with the subscriber"
	if info.Status != http.StatusOK {
		return Subscriber{}, info, &InDoubtError{Answered: true, Err: unexpected(info, rep.body, want)}
	}
	var sub Subscriber
	if jerr := json.Unmarshal(rep.body, &sub); jerr != nil {
		ae := unexpected(info, rep.body, want)
		ae.Err = jerr
		return Subscriber{}, info, &InDoubtError{Answered: true, Err: ae}
	}
	if strings.TrimSpace(sub.ID) == "" {
		return Subscriber{}, info, &InDoubtError{Answered: true, Err: unexpected(info, rep.body, want+" (an id)")}
	}
	if len(sub.Packages) > 0 && !slices.Contains(sub.Packages, req.Package) {
		// The answer names the subscriber but not the package asked for:
		// nothing in it says the change was made.
		return sub, info, &InDoubtError{Answered: true, Err: unexpected(info, rep.body, want+" holding "+req.Package)}
	}
	return sub, info, nil
}
