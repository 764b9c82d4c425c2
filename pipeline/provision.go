package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// ProvisionRequest builds the provisioning body for a row. The spec
// requires provisioningParameters, so it is always sent, empty if need be.
func ProvisionRequest(f Fields) webex.ProvisionRequest {
	req := webex.ProvisionRequest{CustomerID: f.CustomerID, Email: f.Email, ProvisioningParameters: provisioningParameters(f)}
	if f.Package != "" {
		req.Packages = []string{f.Package}
	}
	return req
}

// Intents records "about to send" before every POST, durably, so that a
// crash at any instant leaves a trace a resumed run finds.
type Intents interface {
	// Sent reports whether an earlier run journaled an intent for the row
	// and never recorded its answer.
	Sent(row *Row) bool
	// Record journals an intent for the row; the POST must not go without it.
	Record(row *Row) error
}

// Provisioner is the worker of the provisioning pass: it provisions a row
// whose precheck passed, exactly once, however the run is interrupted.
type Provisioner struct {
	Client  *webex.Client
	Intents Intents
	// Max caps how many rows are provisioned (0 = no cap).
	Max int64
	// Wait polls each new subscriber until a final status or WaitTimeout.
	Wait        bool
	WaitTimeout time.Duration
	// PollEvery is the first interval between polls (default 2s).
	PollEvery time.Duration
	// Sends bounds POSTs per row when each ends in doubt and the look-up
	// finds nothing (default 3).
	Sends int

	started atomic.Int64
}

// Work provisions row, whose precheck result is pre.
func (p *Provisioner) Work(ctx context.Context, row *Row, pre Result) Result {
	res := pre
	res.Row, res.Final, res.Fatal, res.Resumed = row, true, nil, false
	if pre.Precheck != Passed {
		res.Provision = Skipped
		return res
	}
	if p.Max > 0 && p.started.Add(1) > p.Max {
		res.Provision = Skipped
		res.Message = fmt.Sprintf("not provisioned: --max-provision %d reached", p.Max)
		return res
	}
	req := ProvisionRequest(row.Fields)
	inDoubt := p.Intents.Sent(row)
	sends := p.Sends
	if sends <= 0 {
		sends = 3
	}
	for n := 0; ; {
		if inDoubt {
			// Never simply repeat a POST that may have worked: ask first.
			found, done := p.lookUp(ctx, row, req, &res)
			if done {
				return found
			}
		}
		if n == sends {
			res.Provision = Error
			res.Final = false
			res.Message = fmt.Sprintf("outcome unknown after %d attempts that each ended without an answer, and the subscriber was not found; check %s in Control Hub before running again", n, req.Email)
			return res
		}
		n++
		// The intent is journaled when the POST has its turn, not before
		// its wait at the rate limit: a stop meanwhile leaves nothing to
		// look up.
		var journalErr error
		sub, info, err := p.Client.Provision(ctx, req, func() error {
			journalErr = p.Intents.Record(row)
			return journalErr
		})
		if journalErr != nil {
			res.Provision, res.Final, res.Fatal = Error, false, fmt.Errorf("journal: %w", journalErr)
			res.Message = "not sent: the journal could not be written"
			return res
		}
		res.HTTPStatus, res.TrackingID = info.Status, info.TrackingID
		res.Attempts = pre.Attempts + info.Attempts
		var doubt *webex.InDoubtError
		var ae *webex.APIError
		switch {
		case err == nil:
			p.fromSubscriber(ctx, &res, sub, info.Status)
			return res
		case errors.As(err, &doubt) && ctx.Err() == nil:
			inDoubt = true
			continue
		case errors.As(err, &ae) && inDoubt && (ae.Status == http.StatusConflict || strings.Contains(ae.Codes(), "10022")):
			// Our own earlier attempt may be what exists now.
			continue
		}
		ClassifyError(ctx, &res, err)
		res.Provision = outcomeOf(err)
		if errors.As(err, &doubt) || errors.Is(err, context.Canceled) {
			// Stopped mid-request: the intent stays, a resumed run looks it up.
			res.Provision, res.Final = Error, false
		}
		return res
	}
}

// lookUp asks whether a subscriber with the row's email exists after an
// attempt whose outcome is unknown. done=true means res is the answer.
func (p *Provisioner) lookUp(ctx context.Context, row *Row, req webex.ProvisionRequest, res *Result) (Result, bool) {
	subs, info, err := p.Client.FindByEmail(ctx, req.Email)
	if err != nil {
		r := *res
		ClassifyError(ctx, &r, err)
		r.Provision, r.Final = Error, false
		r.HTTPStatus, r.TrackingID = info.Status, info.TrackingID
		r.Message = "outcome of an earlier attempt unknown, and looking the subscriber up failed (" + r.Message + "); not sent again: --resume looks again"
		return r, true
	}
	for _, s := range subs {
		r := *res
		r.HTTPStatus, r.TrackingID = info.Status, info.TrackingID
		if s.CustomerID != "" && req.CustomerID != "" && s.CustomerID != req.CustomerID {
			r.Provision = Failed
			r.SubscriberID, r.SubscriberStatus = s.ID, s.Status
			r.Message = fmt.Sprintf("a subscriber with this email already exists under another customer (%s)", s.CustomerID)
			return r, true
		}
		p.fromSubscriber(ctx, &r, s, info.Status)
		r.Message = strings.TrimSpace("found after an attempt whose answer was lost (not sent again). " + r.Message)
		return r, true
	}
	return Result{}, false
}

// Subscriber statuses the API documents, and those related APIs use.
const (
	statusProvisioned = "provisioned"
	statusPending     = "pending_user_migration"
	statusError       = "error"
)

// fromSubscriber fills res from the API's view of the subscriber: its id,
// its status kept raw, and the outcome that status means.
func (p *Provisioner) fromSubscriber(ctx context.Context, res *Result, sub webex.Subscriber, status int) {
	if p.Wait && sub.ID != "" && len(sub.Errors) == 0 && !finalStatus(sub.Status) {
		sub = p.waitFor(ctx, sub, res)
	}
	res.SubscriberID, res.SubscriberStatus = sub.ID, sub.Status
	switch {
	case len(sub.Errors) > 0 || sub.Status == statusError:
		res.Provision = Failed
		res.ErrorCodes = webex.JoinCodes(sub.Errors)
		res.describe(sub.Errors)
		res.Message = (&webex.APIError{Errors: sub.Errors, Message: "the subscriber was created with errors"}).Detail()
	case sub.Status == statusProvisioned:
		res.Provision = Provisioned
		res.Message = ""
	case sub.Status == statusPending || status == http.StatusAccepted:
		res.Provision = Pending
		res.Message = "the user has an active Webex account: they must accept the consent email before provisioning completes"
	default:
		// An in-between status such as provisioning: written as it is.
		res.Provision = sub.Status
		if res.Provision == "" {
			res.Provision = Provisioned
		}
		res.Message = "accepted; status " + sub.Status + " (use --wait to follow it to the end)"
	}
}

func finalStatus(s string) bool {
	return s == statusProvisioned || s == statusPending || s == statusError
}

// waitFor polls the subscriber until its status is final, the wait times
// out or the run stops; every poll goes through the shared limiter.
func (p *Provisioner) waitFor(ctx context.Context, sub webex.Subscriber, res *Result) webex.Subscriber {
	every := p.PollEvery
	if every <= 0 {
		every = 2 * time.Second
	}
	deadline := time.Now().Add(p.WaitTimeout)
	for !finalStatus(sub.Status) {
		if p.WaitTimeout > 0 && time.Now().Add(every).After(deadline) {
			return sub
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return sub
		case <-t.C:
		}
		got, info, err := p.Client.GetSubscriber(ctx, sub.ID)
		res.Attempts += info.Attempts
		if err != nil {
			return sub
		}
		sub = got
		every = min(every*3/2, 15*time.Second)
	}
	return sub
}
