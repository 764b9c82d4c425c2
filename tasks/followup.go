package tasks

import (
	"cmp"
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
// the input carries, else by email, in the row's customer when it names
// one. found=false with a nil error is "no such subscriber"; several
// subscribers with the email and no customer to choose between them are an
// error naming their customers.
func current(ctx context.Context, c *webex.Client, row *pipeline.Row, res *pipeline.Result) (webex.Subscriber, bool, error) {
	if id := strings.TrimSpace(row.Prior[priorSubscriberID]); id != "" {
		sub, info, err := c.GetSubscriber(ctx, id)
		res.Took(pipeline.Call(info))
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
	res.Took(pipeline.Call(info))
	if err != nil {
		return webex.Subscriber{}, false, err
	}
	var match []webex.Subscriber
	for _, s := range subs {
		if inCustomer(s, row.Fields) {
			match = append(match, s)
		}
	}
	switch len(match) {
	case 0:
		return webex.Subscriber{}, false, nil
	case 1:
		return match[0], true, nil
	}
	customers := make([]string, len(match))
	for i, s := range match {
		customers[i] = cmp.Or(s.CustomerID, s.ExternalCustomerID, "(no customer) subscriber "+s.ID)
	}
	return webex.Subscriber{}, false, fmt.Errorf("%d subscribers have the email %s, in customers %s: give the row a customerId (or subscriber_id) to say which", len(match), email, strings.Join(customers, ", "))
}

// inCustomer reports whether s may be the row's subscriber: in the
// customer the row names (by customerId, else externalCustomerId), or any
// when it names none or the API does not say.
func inCustomer(s webex.Subscriber, f pipeline.Fields) bool {
	if cust := strings.TrimSpace(f.CustomerID); cust != "" && s.CustomerID != "" {
		return s.CustomerID == cust
	}
	if ext := strings.TrimSpace(f.ExternalCustomerID); ext != "" && s.ExternalCustomerID != "" {
		return s.ExternalCustomerID == ext
	}
	return true
}

// StatusChecker is the worker of status: read-only, one look-up a row.
type StatusChecker struct {
	Client *webex.Client
	// Dir, when set, answers the look-ups (from a customer's list where
	// that is cheaper); nil: one GET a row.
	Dir *Directory
}

// Work writes the subscriber's status now: provision_result provisioned,
// pending, not_found, error, or an in-between status as the API gives it.
func (s *StatusChecker) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	res := pipeline.Result{Row: row, Final: true}
	sub, found, err := lookUpRow(ctx, s.Dir, s.Client, row, &res)
	switch {
	case err != nil:
		lookupFailed(ctx, &res, err, "")
		return res
	case !found:
		res.Outcome = pipeline.NotFound
		res.SubscriberID = row.Prior[priorSubscriberID]
		res.Message = "no such subscriber: it was removed, or never created"
		return res
	}
	res.SubscriberID, res.SubscriberStatus, res.LastStatusChange = sub.ID, sub.Status, sub.LastStatusChange
	switch {
	case len(sub.Errors) > 0 || sub.Status == statusError:
		res.Outcome = pipeline.Error
		res.ErrorCodes = webex.JoinCodes(sub.Errors)
		describe(&res, sub.Errors)
		res.Message = (&webex.APIError{Errors: sub.Errors, Message: "the subscriber is in error"}).Detail()
	case sub.Status == statusProvisioned:
		res.Outcome = pipeline.Provisioned
	case sub.Status == statusPending:
		res.Outcome = pipeline.Pending
		res.Message = "waiting for the user to accept the consent email (resend-consent sends it again)"
	case sub.Status == "":
		res.Outcome = pipeline.Error
		res.Message = "the API gave the subscriber no status"
	default:
		res.Outcome = sub.Status // in between, as the API gave it
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
	// Dir, as StatusChecker's, answers the check before the send; the
	// look-up after a refusal GETs afresh.
	Dir *Directory
}

// Work looks the status up (the input's may be stale), then sends.
func (s *ConsentSender) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	res := pipeline.Result{Row: row, Final: true}
	if st := row.Prior[priorStatus]; st != "" && st != statusPending && row.Prior[priorProvision] != pipeline.Pending {
		res.Outcome, res.SubscriberID, res.SubscriberStatus = pipeline.NotPending, row.Prior[priorSubscriberID], st
		res.Message = "not pending in the input (" + st + "): nothing sent"
		return res
	}
	if s.Intents.Sent(row) {
		// Once a row a run: an earlier attempt of this run may have sent it.
		res.Outcome, res.Final = pipeline.Error, true
		res.Message = "an earlier attempt of this run may have sent the consent email (its answer was lost): not sent again"
		return res
	}
	sub, found, err := lookUpRow(ctx, s.Dir, s.Client, row, &res)
	switch {
	case err != nil:
		lookupFailed(ctx, &res, err, "")
		return res
	case !found:
		res.Outcome = pipeline.NotFound
		res.Message = "no such subscriber: nothing sent"
		return res
	}
	res.SubscriberID, res.SubscriberStatus, res.LastStatusChange = sub.ID, sub.Status, sub.LastStatusChange
	if sub.Status != statusPending {
		res.Outcome = pipeline.NotPending
		res.Message = "status " + sub.Status + ": nothing to consent to, nothing sent"
		return res
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if s.OlderThan > 0 {
		// lastStatusChange is optional: an absent (or unreadable) one is an
		// unknown age, never an old one.
		changed, err := time.Parse(time.RFC3339, strings.TrimSpace(sub.LastStatusChange))
		switch {
		case err != nil:
			res.Outcome = pipeline.TooRecent
			res.Message = fmt.Sprintf("the API gives no readable lastStatusChange (%q), so how long it has been pending is unknown: not sent under --older-than %s (--older-than 0 sends regardless)", sub.LastStatusChange, s.OlderThan)
			return res
		case now().Sub(changed) < s.OlderThan:
			res.Outcome = pipeline.TooRecent
			res.Message = fmt.Sprintf("pending since %s, within --older-than %s: not sent yet", changed.UTC().Format(time.RFC3339), s.OlderThan)
			return res
		}
	}
	info, err := s.Client.ResendConsent(ctx, sub.ID, func() error { return s.Intents.Record(row) })
	res.Took(pipeline.Call(info))
	var doubt *webex.InDoubtError
	var ae *webex.APIError
	switch {
	case err == nil:
		res.Outcome = pipeline.Sent
		res.Message = "consent email sent again"
	case errors.As(err, &doubt):
		res.Outcome = pipeline.Error
		res.Message = "unknown whether the consent email went out (" + doubt.Err.Error() + "): not sent again in this run"
	case errors.As(err, &ae) && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusConflict || ae.Status == http.StatusNotFound):
		// Refused: perhaps the subscriber changed since the look-up (the
		// user consented, or it was removed). A look-up says which.
		s.refused(ctx, &res, sub.ID, err)
	default:
		ClassifyError(ctx, &res, err)
		res.Outcome = outcomeOf(err)
	}
	return res
}

// refused reads the subscriber again after consentMove refused it: no
// longer pending is not_pending, gone is not_found (nothing was sent
// either way); still pending, the refusal stands as failed.
func (s *ConsentSender) refused(ctx context.Context, res *pipeline.Result, id string, refusal error) {
	ClassifyError(ctx, res, refusal)
	res.Outcome = outcomeOf(refusal)
	said := res.Message
	sub, info, err := s.Client.GetSubscriber(ctx, id)
	res.Took(pipeline.Call(info))
	var ae *webex.APIError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		res.Outcome = pipeline.NotFound
		res.Message = "the subscriber is gone (consentMove answered: " + said + "): nothing sent"
	case err != nil:
		res.Message = said + "; reading the subscriber again failed too: " + err.Error()
	case sub.Status != statusPending:
		res.Outcome = pipeline.NotPending
		res.SubscriberStatus, res.LastStatusChange = sub.Status, sub.LastStatusChange
		res.Message = "status now " + sub.Status + " (it changed since the look-up; consentMove answered: " + said + "): nothing to consent to, nothing sent"
	}
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

// Removable reports whether remove takes row: the run that wrote it
// provisioned the subscriber, left it pending or in an in-between status
// (it has a subscriber id), or may have created it (provision_result
// error: the answer was lost; it is looked up by email).
func Removable(row *pipeline.Row) bool {
	p := row.Prior[priorProvision]
	if p == pipeline.Error {
		return true
	}
	if strings.TrimSpace(row.Prior[priorSubscriberID]) == "" {
		return false
	}
	switch p {
	case "", pipeline.Failed, pipeline.Skipped, pipeline.Invalid, pipeline.NotSent, pipeline.NotFound:
		// Nothing of ours to remove: a failed row's id is another's subscriber.
		return false
	}
	return true
}

// Work removes row's subscriber.
func (r *Remover) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	id := strings.TrimSpace(row.Prior[priorSubscriberID])
	res := pipeline.Result{Row: row, Final: true, SubscriberID: id, SubscriberStatus: row.Prior[priorStatus]}
	if !Removable(row) {
		res.Outcome = pipeline.Skipped
		why := "provision_result " + cmp.Or(row.Prior[priorProvision], "empty")
		if id == "" {
			why = "no subscriber_id, " + why
		}
		res.Message = "not removed: the input's run did not create this row's subscriber (" + why + ")"
		return res
	}
	if capped(&res, r.Max, &r.started, "not removed: --max-remove") {
		return res
	}
	if id == "" {
		// In doubt: the provisioning answer was lost. Whatever exists
		// under the email in the row's customer is that run's.
		sub, found, err := current(ctx, r.Client, row, &res)
		switch {
		case err != nil:
			lookupFailed(ctx, &res, err, "the provisioning outcome was unknown, and looking the subscriber up by email failed: ")
			return res
		case !found && r.Intents.Sent(row):
			// The intent is journaled only after a look-up found it.
			res.Outcome = pipeline.Removed
			res.Message = "removed by an earlier attempt whose answer was lost (found by email then, not found now)"
			return res
		case !found:
			res.Outcome = pipeline.NotFound
			res.Message = "no subscriber with this email (in the row's customer): the provisioning whose answer was lost created none; nothing removed"
			return res
		}
		id = sub.ID
		res.SubscriberID, res.SubscriberStatus = sub.ID, sub.Status
	}
	earlier := r.Intents.Sent(row)
	info, err := r.Client.RemoveSubscriber(ctx, id, func() error { return r.Intents.Record(row) })
	res.Took(pipeline.Call(info))
	var ae *webex.APIError
	var odd *webex.AnswerError
	switch {
	case err == nil:
		res.Outcome = pipeline.Removed
	case errors.As(err, &odd):
		r.confirm(ctx, &res, id, odd)
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound && (earlier || info.Attempts > 1):
		res.Outcome = pipeline.Removed
		res.Message = "removed by an earlier attempt whose answer was lost (now not found)"
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		res.Outcome = pipeline.NotFound
		res.Message = "no such subscriber: already removed, or never created"
	default:
		ClassifyError(ctx, &res, err)
		res.Outcome = outcomeOf(err)
		if res.Outcome == pipeline.Error && info.Attempts > 0 && !errors.As(err, &ae) {
			// No answer to a DELETE that went out: --resume sends it again,
			// and a 404 then means it worked.
			res.Final = false
		}
	}
	return res
}

// confirm looks the subscriber up after a DELETE answered with something
// other than the documented 204: gone is removed, still there is error
// naming the answer.
func (r *Remover) confirm(ctx context.Context, res *pipeline.Result, id string, odd *webex.AnswerError) {
	_, info, err := r.Client.GetSubscriber(ctx, id)
	res.Took(pipeline.Call(info))
	var ae *webex.APIError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		res.Outcome = pipeline.Removed
		res.Message = "the API answered " + odd.Error() + "; a look-up finds the subscriber gone"
	case err != nil:
		res.Outcome = pipeline.Error
		res.Message = "not counted as removed: the API answered " + odd.Error() + ", and looking the subscriber up failed: " + err.Error()
	default:
		res.Outcome = pipeline.Error
		res.Message = "not removed: the API answered " + odd.Error() + ", and the subscriber is still there"
	}
}

// lookupFailed writes a row whose look-up failed: error (or not_sent when
// nothing went out), its message after prefix; the look-up failed, not
// the row, so it is never failed.
func lookupFailed(ctx context.Context, res *pipeline.Result, err error, prefix string) {
	ClassifyError(ctx, res, err)
	res.Outcome = outcomeOf(err)
	if res.Outcome == pipeline.Failed {
		res.Outcome = pipeline.Error
	}
	res.Message = prefix + res.Message
}
