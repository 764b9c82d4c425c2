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

// Intents records "about to send" before every POST, durably, so that a
// crash at any instant leaves a trace a resumed run finds.
type Intents interface {
	// Sent reports whether an earlier run journaled an intent for the row
	// and never recorded its answer.
	Sent(row *pipeline.Row) bool
	// Record journals an intent for the row; the POST must not go without it.
	Record(row *pipeline.Row) error
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
	// Watch, when set, follows --wait's subscribers by the page (see
	// Watch); nil polls each by GET.
	Watch *Watch
	// Sends bounds POSTs per row when each ends in doubt and the look-up
	// finds nothing (default 3).
	Sends int

	started atomic.Int64
}

// Work provisions row, whose precheck result is pre. A row ends
// Provisioned only when the API returned (or a look-up found) a subscriber
// with an id and the status "provisioned"; anything less is Pending, Failed,
// the in-between status as the API gave it, or Error.
func (p *Provisioner) Work(ctx context.Context, row *pipeline.Row, pre pipeline.Result) pipeline.Result {
	res := pre
	res.Row, res.Final, res.Fatal, res.Resumed = row, true, nil, false
	if pre.Precheck != pipeline.Passed {
		res.Outcome = pipeline.Skipped
		return res
	}
	if capped(&res, p.Max, &p.started, "not provisioned: --max-provision") {
		return res
	}
	req := ProvisionRequest(row.Fields)
	inDoubt := p.Intents.Sent(row)
	sends := p.Sends
	if sends <= 0 {
		sends = 3
	}
	// doubt is what the last POST left unknown, for the message.
	var doubt *webex.InDoubtError
	for n := 0; ; {
		if inDoubt {
			// Never simply repeat a POST that may have worked: ask first.
			if found, done := p.lookUp(ctx, req, &res, doubt); done {
				return found
			}
			if doubt != nil && doubt.Answered {
				// The server answered, but not with a subscriber: sending
				// again would most likely get the same answer.
				res.Outcome, res.Final = pipeline.Error, false
				res.Message = fmt.Sprintf("not counted as provisioned: %s, and no subscriber %s was found; --resume looks it up again before sending", answered(doubt.Err), req.Email)
				return res
			}
		}
		if n == sends {
			last := "a conflict with what may be our own earlier attempt"
			if doubt != nil {
				last = doubt.Err.Error()
			}
			res.Outcome, res.Final = pipeline.Error, false
			res.Message = fmt.Sprintf("outcome unknown: %d POSTs each ended in doubt (last: %s), and the subscriber was not found; check %s in Control Hub, or --resume to look it up again", n, last, req.Email)
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
		res.Took(pipeline.Call(info))
		if journalErr != nil {
			res.Outcome, res.Final, res.Fatal = pipeline.Error, false, fmt.Errorf("journal: %w", journalErr)
			res.Message = "not sent: the journal could not be written"
			return res
		}
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
		res.Outcome = outcomeOf(err)
		if errors.As(err, &doubt) || errors.Is(err, context.Canceled) {
			// Stopped mid-request: the intent stays, a resumed run looks it up.
			res.Outcome, res.Final = pipeline.Error, false
		}
		return res
	}
}

// lookUp asks whether a subscriber with the row's email exists after an
// attempt whose outcome is unknown (doubt, or an earlier run's intent when
// nil). done=true means res is the answer; every request counts in
// res.Attempts.
func (p *Provisioner) lookUp(ctx context.Context, req webex.ProvisionRequest, res *pipeline.Result, doubt *webex.InDoubtError) (pipeline.Result, bool) {
	subs, info, err := p.Client.FindByEmail(ctx, req.Email)
	if err != nil || len(subs) > 0 {
		res.Took(pipeline.Call(info)) // this look-up's answer decides the row
	} else {
		res.Asked(pipeline.Call(info))
	}
	r := *res
	if err != nil {
		ClassifyError(ctx, &r, err)
		r.Outcome, r.Final = outcomeOf(err), false
		why := "the outcome of an earlier attempt is unknown"
		if doubt != nil {
			why = "the outcome of the POST is unknown (" + doubt.Err.Error() + ")"
		}
		r.Message = why + ", and looking the subscriber up failed (" + r.Message + "); not sent again: --resume looks again"
		return r, true
	}
	if len(subs) == 0 {
		return pipeline.Result{}, false
	}
	s := subs[0]
	if s.CustomerID != "" && req.CustomerID != "" && s.CustomerID != req.CustomerID {
		r.Outcome = pipeline.Failed
		r.SubscriberID, r.SubscriberStatus = s.ID, s.Status
		r.Message = fmt.Sprintf("a subscriber with this email already exists under another customer (%s)", s.CustomerID)
		return r, true
	}
	p.fromSubscriber(ctx, &r, s, info.Status)
	if r.Final {
		r.Message = strings.TrimSpace("found after an attempt whose answer was lost (not sent again). " + r.Message)
	}
	*res = r
	return r, true
}

// Subscriber statuses the API documents, and those related APIs use.
const (
	statusProvisioned  = "provisioned"
	statusProvisioning = "provisioning"
	statusPending      = "pending_user_migration"
	statusError        = "error"
)

// fromSubscriber fills res from the API's view of the subscriber: its id,
// its status kept raw, and the outcome that status means. A subscriber
// without a status is read once more by id; one still without a status
// is not counted as anything it may not be.
func (p *Provisioner) fromSubscriber(ctx context.Context, res *pipeline.Result, sub webex.Subscriber, status int) {
	var waitErr error
	if sub.ID != "" && len(sub.Errors) == 0 && strings.TrimSpace(sub.Status) == "" {
		got, info, err := p.Client.GetSubscriber(ctx, sub.ID)
		res.Asked(pipeline.Call(info))
		if err == nil && got.ID == sub.ID {
			sub = got
		}
	}
	if p.Wait && sub.ID != "" && len(sub.Errors) == 0 && sub.Status != "" && !finalStatus(sub.Status) {
		sub, waitErr = p.waitFor(ctx, sub, res)
	}
	res.SubscriberID, res.SubscriberStatus = sub.ID, sub.Status
	switch {
	case len(sub.Errors) > 0 || sub.Status == statusError:
		res.Outcome = pipeline.Failed
		res.ErrorCodes = webex.JoinCodes(sub.Errors)
		describe(res, sub.Errors)
		res.Message = (&webex.APIError{Errors: sub.Errors, Message: "the subscriber was created with errors"}).Detail()
	case sub.Status == statusProvisioned:
		res.Outcome = pipeline.Provisioned
		res.Message = ""
	case sub.Status == statusPending || (sub.Status == "" && status == http.StatusAccepted):
		res.Outcome = pipeline.Pending
		res.Message = "the user has an active Webex account: they must accept the consent email before provisioning completes"
	case sub.Status == "":
		res.Outcome, res.Final = pipeline.Error, false
		res.Message = fmt.Sprintf("not counted as provisioned: the API answered HTTP %d with subscriber %s but no status, and reading it again gave none; --resume looks it up again", status, sub.ID)
	default:
		// An in-between status such as provisioning: written as it is.
		res.Outcome = sub.Status
		switch {
		case waitErr != nil:
			res.Message = "accepted; status " + sub.Status + " when following it stopped: " + waitErr.Error()
		case p.Wait:
			res.Message = fmt.Sprintf("accepted; still %s after --wait-timeout %s", sub.Status, p.WaitTimeout)
		default:
			res.Message = "accepted; status " + sub.Status + " (use --wait to follow it to the end)"
		}
	}
}

func finalStatus(s string) bool {
	return s == statusProvisioned || s == statusPending || s == statusError
}

// waitFor polls the subscriber until its status is final, the wait times
// out or the run stops; every poll goes through the shared limiter. A
// failed poll ends the wait with its error.
func (p *Provisioner) waitFor(ctx context.Context, sub webex.Subscriber, res *pipeline.Result) (webex.Subscriber, error) {
	every := p.PollEvery
	if every <= 0 {
		every = 2 * time.Second
	}
	deadline := time.Now().Add(p.WaitTimeout)
	if p.Watch != nil && !finalStatus(sub.Status) {
		until := time.Time{} // no --wait-timeout: until it leaves the list
		if p.WaitTimeout > 0 {
			until = deadline
		}
		if !p.Watch.wait(ctx, sub, until) {
			if ctx.Err() != nil {
				return sub, errors.New("the run was stopped")
			}
			if p.WaitTimeout > 0 && !time.Now().Add(every).Before(deadline) {
				return sub, nil
			}
			// The list failed: the rest of the wait polls by GET.
		}
		// What it became is the GET's answer, never the list's.
		got, info, err := p.Client.GetSubscriber(ctx, sub.ID)
		res.Asked(pipeline.Call(info))
		if err != nil {
			return sub, fmt.Errorf("reading subscriber %s failed: %w", sub.ID, err)
		}
		if got.Status != "" {
			sub = got
		}
	}
	for !finalStatus(sub.Status) {
		if p.WaitTimeout > 0 && time.Now().Add(every).After(deadline) {
			return sub, nil
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return sub, errors.New("the run was stopped")
		case <-t.C:
		}
		got, info, err := p.Client.GetSubscriber(ctx, sub.ID)
		res.Asked(pipeline.Call(info))
		if err != nil {
			return sub, fmt.Errorf("reading subscriber %s failed: %w", sub.ID, err)
		}
		if got.Status != "" {
			sub = got
		}
		every = min(every*3/2, 15*time.Second)
	}
	return sub, nil
}

// answered names what the server answered, once: a redirect's error says
// "the API answered" itself, the others start at the status.
func answered(err error) string {
	if msg := err.Error(); !strings.HasPrefix(msg, "the API answered") {
		return "the API answered " + msg
	}
	return err.Error()
}

// capped counts one more row that would be sent and, past max (0: no
// limit), writes it skipped and capped: "not provisioned: --max-provision
// 10 reached". The count is of rows that got this far, so the limit holds
// whatever the order the workers take them in.
func capped(res *pipeline.Result, max int64, started *atomic.Int64, what string) bool {
	if max <= 0 || started.Add(1) <= max {
		return false
	}
	res.Outcome, res.Capped = pipeline.Skipped, true
	res.Message = fmt.Sprintf("%s %d reached", what, max)
	return true
}
