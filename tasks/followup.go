package tasks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// The follow-up commands read what an earlier run wrote: a result file
// given back as input carries its result cells in Row.Prior.
const (
	priorSubscriberID = "subscriber_id"
	priorStatus       = "subscriber_status"
	priorProvision    = "provision_result"
	priorLastChange   = "last_status_change"
)

// current looks the row's subscriber up as it is now: by the subscriber id
// the input carries, else by email (the one of the row's customer when
// several share it). found=false with a nil error is "no such subscriber".
func current(ctx context.Context, c *webex.Client, row *pipeline.Row, res *pipeline.Result) (webex.Subscriber, bool, error) {
	if id := strings.TrimSpace(row.Prior[priorSubscriberID]); id != "" {
		sub, info, err := c.GetSubscriber(ctx, id)
		res.Attempts += info.Attempts
		res.HTTPStatus, res.TrackingID = info.Status, info.TrackingID
		var ae *webex.APIError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return sub, false, nil
		}
		return sub, err == nil, err
	}
	email := strings.ToLower(strings.TrimSpace(row.Fields.Email))
	if email == "" {
		return webex.Subscriber{}, false, errors.New("the row has neither a subscriber_id nor an email to look the subscriber up by")
	}
	subs, info, err := c.FindByEmail(ctx, email)
	res.Attempts += info.Attempts
	res.HTTPStatus, res.TrackingID = info.Status, info.TrackingID
	if err != nil {
		return webex.Subscriber{}, false, err
	}
	for _, s := range subs {
		if cust := row.Fields.CustomerID; cust == "" || s.CustomerID == "" || s.CustomerID == cust {
			return s, true, nil
		}
	}
	return webex.Subscriber{}, false, nil
}

// StatusChecker is the worker of status: read-only, one look-up a row.
type StatusChecker struct {
	Client *webex.Client
}

// Work writes the subscriber's status now: provision_result provisioned,
// pending, not_found, error, or an in-between status as the API gives it.
func (s *StatusChecker) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	res := pipeline.Result{Row: row, Final: true}
	sub, found, err := current(ctx, s.Client, row, &res)
	switch {
	case err != nil:
		ClassifyError(ctx, &res, err)
		res.Provision = pipeline.Error
		if o := outcomeOf(err); o == pipeline.NotSent {
			res.Provision = o
		}
		return res
	case !found:
		res.Provision = pipeline.NotFound
		res.SubscriberID = row.Prior[priorSubscriberID]
		res.Message = "no such subscriber: it was removed, or never created"
		return res
	}
	res.SubscriberID, res.SubscriberStatus, res.LastStatusChange = sub.ID, sub.Status, sub.LastStatusChange
	switch {
	case len(sub.Errors) > 0 || sub.Status == statusError:
		res.Provision = pipeline.Error
		res.ErrorCodes = webex.JoinCodes(sub.Errors)
		describe(&res, sub.Errors)
		res.Message = (&webex.APIError{Errors: sub.Errors, Message: "the subscriber is in error"}).Detail()
	case sub.Status == statusProvisioned:
		res.Provision = pipeline.Provisioned
	case sub.Status == statusPending:
		res.Provision = pipeline.Pending
		res.Message = "waiting for the user to accept the consent email (resend-consent sends it again)"
	case sub.Status == "":
		res.Provision = pipeline.Error
		res.Message = "the API gave the subscriber no status"
	default:
		res.Provision = sub.Status // in between, as the API gave it
	}
	return res
}

// ConsentSender is the worker of resend-consent: for a subscriber still
// pending_user_migration whose status is older than OlderThan, it asks
// Webex to send the consent email again, at most once a row a run.
type ConsentSender struct {
	Client    *webex.Client
	Intents   Intents
	OlderThan time.Duration
	Now       func() time.Time // time.Now when nil
}

// Work looks the status up (the input's may be stale), then sends.
func (s *ConsentSender) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	res := pipeline.Result{Row: row, Final: true}
	if st := row.Prior[priorStatus]; st != "" && st != statusPending && row.Prior[priorProvision] != pipeline.Pending {
		res.Consent, res.SubscriberID, res.SubscriberStatus = pipeline.NotPending, row.Prior[priorSubscriberID], st
		res.Message = "not pending in the input (" + st + "): nothing sent"
		return res
	}
	if s.Intents.Sent(row) {
		// Once a row a run: an earlier attempt of this run may have sent it.
		res.Consent, res.Final = pipeline.Error, true
		res.Message = "an earlier attempt of this run may have sent the consent email (its answer was lost): not sent again"
		return res
	}
	sub, found, err := current(ctx, s.Client, row, &res)
	switch {
	case err != nil:
		ClassifyError(ctx, &res, err)
		res.Consent = outcomeOf(err)
		if res.Consent == pipeline.Failed {
			res.Consent = pipeline.Error // the look-up failed, not the row
		}
		return res
	case !found:
		res.Consent = pipeline.NotFound
		res.Message = "no such subscriber: nothing sent"
		return res
	}
	res.SubscriberID, res.SubscriberStatus, res.LastStatusChange = sub.ID, sub.Status, sub.LastStatusChange
	if sub.Status != statusPending {
		res.Consent = pipeline.NotPending
		res.Message = "status " + sub.Status + ": nothing to consent to, nothing sent"
		return res
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if changed, err := time.Parse(time.RFC3339, sub.LastStatusChange); err == nil && now().Sub(changed) < s.OlderThan {
		res.Consent = pipeline.TooRecent
		res.Message = fmt.Sprintf("pending since %s, within --older-than %s: not sent yet", changed.UTC().Format(time.RFC3339), s.OlderThan)
		return res
	}
	info, err := s.Client.ResendConsent(ctx, sub.ID, func() error { return s.Intents.Record(row) })
	res.Attempts += info.Attempts
	res.HTTPStatus, res.TrackingID = info.Status, info.TrackingID
	var doubt *webex.InDoubtError
	switch {
	case err == nil:
		res.Consent = pipeline.Sent
		res.Message = "consent email sent again"
	case errors.As(err, &doubt):
		res.Consent = pipeline.Error
		res.Message = "unknown whether the consent email went out (" + doubt.Err.Error() + "): not sent again in this run"
	default:
		ClassifyError(ctx, &res, err)
		res.Consent = outcomeOf(err)
	}
	return res
}

// Remover is the worker of remove: it deletes each subscriber an earlier
// run provisioned (or left pending), exactly once however the run is
// interrupted: the intent is journaled before the DELETE, and a 404 after
// an attempt whose answer was lost means it was removed.
type Remover struct {
	Client  *webex.Client
	Intents Intents
	Max     int64 // 0 = no cap

	started atomic.Int64
}

// Removable reports whether remove takes row: it has a subscriber id and
// the run that wrote it provisioned it or left it pending.
func Removable(row *pipeline.Row) bool {
	p := row.Prior[priorProvision]
	return strings.TrimSpace(row.Prior[priorSubscriberID]) != "" && (p == pipeline.Provisioned || p == pipeline.Pending)
}

// Work removes row's subscriber.
func (r *Remover) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	id := strings.TrimSpace(row.Prior[priorSubscriberID])
	res := pipeline.Result{Row: row, Final: true, SubscriberID: id, SubscriberStatus: row.Prior[priorStatus]}
	if !Removable(row) {
		res.Remove = pipeline.Skipped
		res.Message = "not removed: the input's run did not provision this row (no subscriber_id, or provision_result not provisioned or pending)"
		return res
	}
	if r.Max > 0 && r.started.Add(1) > r.Max {
		res.Remove = pipeline.Skipped
		res.Message = fmt.Sprintf("not removed: --max-remove %d reached", r.Max)
		return res
	}
	earlier := r.Intents.Sent(row)
	info, err := r.Client.RemoveSubscriber(ctx, id, func() error { return r.Intents.Record(row) })
	res.Attempts += info.Attempts
	res.HTTPStatus, res.TrackingID = info.Status, info.TrackingID
	var ae *webex.APIError
	switch {
	case err == nil:
		res.Remove = pipeline.Removed
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound && (earlier || info.Attempts > 1):
		res.Remove = pipeline.Removed
		res.Message = "removed by an earlier attempt whose answer was lost (now not found)"
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		res.Remove = pipeline.NotFound
		res.Message = "no such subscriber: already removed, or never created"
	default:
		ClassifyError(ctx, &res, err)
		res.Remove = outcomeOf(err)
		if res.Remove == pipeline.Error && info.Attempts > 0 && !errors.As(err, &ae) {
			// No answer to a DELETE that went out: --resume sends it again,
			// and a 404 then means it worked.
			res.Final = false
		}
	}
	return res
}
