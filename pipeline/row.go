// Package pipeline runs a batch and knows nothing of the API it calls: a
// source stage reads rows (cells by position through the column table) and
// checks them in input order, a pool of workers runs the command's Worker
// on each (the tasks package has them), and a sink writes results back in
// input order through a bounded reorder window, so memory does not grow
// with the number of rows. Row, Result and the outcomes are its vocabulary;
// the breaker stops a run that only fails.
package pipeline

import (
	"cmp"
	"encoding/json"
	"strings"
	"time"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/column"
)

// Problem is one reason a row is invalid: the column and what to fix.
type Problem = check.Problem

// Fields is one row's values by column (see the column table).
type Fields = column.Fields

// Row is one data row of the input.
type Row struct {
	Seq    int      // 0-based position among the rows handed to workers
	Line   int      // line as a spreadsheet shows it: header = 1, first data row = 2
	Fields Fields   // values as sent (after defaults and normalisation)
	Raw    []string // the input's own cells as read, passed through to the output
	// Prior holds the result cells of a result file given back as input
	// (a plan), by result column name; nil for an ordinary input.
	Prior map[string]string
	// Problems found before sending: a row with any is never sent.
	Problems []Problem
	// Notes lists every change made to the user's values.
	Notes []string
}

// Outcomes of a precheck.
const (
	Passed  = "passed"   // 2xx and message "success"
	Failed  = "failed"   // the API answered that this row will not work
	Invalid = "invalid"  // found wrong before sending; nothing was sent
	OK      = "ok"       // validate (offline) found nothing wrong: the row would be sent
	Error   = "error"    // no definite answer: retries exhausted, transport failure, run stopped mid-request
	NotSent = "not_sent" // the run stopped before the row's turn: nothing was sent; --resume sends it
)

// Outcomes of the follow-up commands: status, resend-consent and remove
// (in Result.Outcome; see the command table).
const (
	NotFound   = "not_found"   // no such subscriber (any more)
	Sent       = "sent"        // the consent email was sent again
	NotPending = "not_pending" // the subscriber is not waiting for consent
	TooRecent  = "too_recent"  // its status changed within --older-than
	Removed    = "removed"     // the subscriber was removed
)

// Outcomes of provisioning.
const (
	Provisioned = "provisioned" // the subscriber exists (200, or found after an in-doubt attempt)
	Pending     = "pending"     // 202 pending_user_migration: the user must accept the consent email
	Skipped     = "skipped"     // not provisioned: the precheck did not pass, or --max-provision was reached
	// Failed and Error apply as for precheck.
)

// Result is what happened to one row: row failures are data, not errors.
// Its JSON form is the journal's record of a finished row.
type Result struct {
	Row *Row `json:"-"`
	// Precheck is the outcome of a precheck (precheck, validate, and
	// provision's first pass): Passed, Failed, Invalid, Error, NotSent, or
	// "" (validate: would be sent).
	Precheck string `json:"precheck,omitempty"`
	// Outcome is the outcome of the command's own step (provision, status,
	// resend-consent, remove); its column is the command table's.
	Outcome string `json:"outcome,omitempty"`
	// Capped marks a row a limit (--max-remove, --max-provision) left:
	// whatever its outcome, it did not reach the command's aim.
	Capped           bool   `json:"capped,omitempty"`
	HTTPStatus       int    `json:"status,omitempty"` // of the last response, 0 if none
	InfoCodes        string `json:"info,omitempty"`   // ';'-joined
	ErrorCodes       string `json:"errors,omitempty"` // ';'-joined
	Message          string `json:"message,omitempty"`
	TrackingID       string `json:"trackingId,omitempty"`
	Attempts         int    `json:"attempts,omitempty"`
	SubscriberID     string `json:"subscriberId,omitempty"`
	SubscriberStatus string `json:"subscriberStatus,omitempty"`
	LastStatusChange string `json:"lastStatusChange,omitempty"` // as the API gave it
	// PreviousPackage is update's: the package the subscriber had before.
	PreviousPackage string `json:"previousPackage,omitempty"`
	// Action is sync's: what its plan does to the row (create, update,
	// unchanged, pending, invalid, extra).
	Action string `json:"action,omitempty"`
	// RequestHash and CheckedAt record what a precheck answered and when,
	// so a later provision --plan can trust it while the row is unchanged.
	RequestHash string    `json:"requestHash,omitempty"`
	CheckedAt   time.Time `json:"checkedAt,omitzero"`
	// PlanNote says how a provisioning run used its plan for this row; the
	// provisioning pass adds it to the row's notes.
	PlanNote string `json:"planNote,omitempty"`
	// Descriptions maps each code in InfoCodes/ErrorCodes to the API's text, for the summary.
	Descriptions map[int]string `json:"descriptions,omitempty"`
	// Final is false for a row the run gave up on without an answer (an
	// interrupt, a 401): a resumed run sends it again.
	Final bool `json:"final"`
	// Resumed marks a result taken from the journal of an earlier run.
	Resumed bool `json:"-"`
	// Fatal, set by a worker, stops the whole run (a rejected token): every
	// later request would fail the same way. It is not written.
	Fatal error `json:"-"`
}

// Call is what one API call of a row leaves behind (webex.CallInfo
// converts to it): how many attempts it took, the last attempt's status and
// tracking id.
type Call struct {
	Attempts   int
	Status     int
	TrackingID string
}

// Took adds a call to r: its attempts count with the row's others, and its
// status and tracking id are the row's latest.
func (r *Result) Took(c Call) {
	r.Attempts += c.Attempts
	r.HTTPStatus, r.TrackingID = c.Status, c.TrackingID
}

// Asked adds a look-up made beside the row's deciding call (a GET after a
// POST, a check after a refusal): its attempts count with the row's others,
// but the status and tracking id stay those of the call that decided the row.
func (r *Result) Asked(c Call) {
	r.Attempts += c.Attempts
}

// Invalidated is the result of a row found wrong before sending.
func Invalidated(row *Row) Result {
	return Result{Row: row, Precheck: Invalid, Message: ProblemText(row.Problems), Final: true}
}

// ProblemText joins problems into one message naming each column.
func ProblemText(ps []Problem) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Field != "" {
			b.WriteString(p.Field)
			b.WriteString(": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// UnmarshalJSON reads a journaled result, also as an earlier version wrote
// it (an outcome field per command: provision, consent, remove), so a run
// started before can be resumed.
func (r *Result) UnmarshalJSON(b []byte) error {
	type plain Result // without this method
	var v struct {
		plain
		Provision string `json:"provision"`
		Consent   string `json:"consent"`
		Remove    string `json:"remove"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Result(v.plain)
	r.Outcome = cmp.Or(r.Outcome, v.Provision, v.Consent, v.Remove)
	return nil
}
