package tasks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// Sync actions: what sync's plan does to a sheet row, or to a subscriber
// of the sheet's customers that the sheet does not name (extra).
const (
	SyncCreate    = "create"    // not in Webex: precheck, then provision
	SyncUpdate    = "update"    // in Webex with another package: PUT
	SyncUnchanged = "unchanged" // in Webex as the sheet says: nothing sent
	SyncPending   = "pending"   // in Webex, waiting for the user's consent: nothing sent
	SyncInvalid   = "invalid"   // the offline checks refused the row: nothing sent
	SyncExtra     = "extra"     // in Webex, not in the sheet: kept, or removed with --remove-missing
)

// SyncActions are the actions in the order plans list them.
var SyncActions = []string{SyncCreate, SyncUpdate, SyncUnchanged, SyncPending, SyncInvalid, SyncExtra}

// SyncCustomer is one customer of the sheet, as the plan sees it.
type SyncCustomer struct {
	// Name is how the sheet names it: its customerId, or its
	// externalCustomerId.
	Name   string
	filter webex.SubscriberFilter
	// Named counts the sheet's rows for it with an email: 0 with
	// subscribers in Webex is a sheet broken for this customer.
	Named int
	// Listed counts the subscribers Webex holds for it.
	Listed int
	named  map[string]bool             // lower-case emails of its rows
	held   map[string]webex.Subscriber // of those, what Webex holds
	// Extras are its subscribers the sheet does not name, in the order
	// Webex listed them.
	Extras []webex.Subscriber
}

// SyncState is what a plan knows: the sheet's customers and, once listed,
// what Webex holds for them. Memory: the emails of the sheet's rows and
// the subscribers they name, and the extras; not the rows.
type SyncState struct {
	Customers []*SyncCustomer // in the order the sheet first names them
	byName    map[string]*SyncCustomer
}

// NewSyncState is an empty state.
func NewSyncState() *SyncState { return &SyncState{byName: map[string]*SyncCustomer{}} }

// customerOfRow is how row names its customer, and the filter that lists
// that customer's subscribers; "" for a row that names none.
func customerOfRow(f pipeline.Fields) (string, webex.SubscriberFilter) {
	sub := check.Trim(f.SubPartnerOrgID)
	if id := check.Trim(f.CustomerID); id != "" {
		return id, webex.SubscriberFilter{CustomerID: id, OnBehalfOf: sub}
	}
	if ext := check.Trim(f.ExternalCustomerID); ext != "" {
		return ext, webex.SubscriberFilter{ExternalCustomerID: ext, OnBehalfOf: sub}
	}
	return "", webex.SubscriberFilter{}
}

func mailKey(email string) string { return strings.ToLower(check.Trim(email)) }

// Name counts row (after the offline checks) for its customer. Every row
// with an email names its subscriber, an invalid one too: a typo in a
// phone number must never make a subscriber extra, and so removable.
func (st *SyncState) Name(row *pipeline.Row) {
	name, filter := customerOfRow(row.Fields)
	if name == "" {
		return
	}
	c := st.byName[name]
	if c == nil {
		c = &SyncCustomer{Name: name, filter: filter, named: map[string]bool{}, held: map[string]webex.Subscriber{}}
		st.byName[name] = c
		st.Customers = append(st.Customers, c)
	}
	if m := mailKey(row.Fields.Email); m != "" && !strings.ContainsAny(m, " \t") {
		c.Named++
		c.named[m] = true
	}
}

// List reads, by the page, the subscribers of every customer the sheet
// names: those it names are held for Decide, the rest are extras. A list
// that fails fails the plan: a plan made from part of a customer's
// subscribers would call the rest "create".
func (st *SyncState) List(ctx context.Context, c *webex.Client) error {
	for _, cu := range st.Customers {
		_, err := c.ListSubscribers(ctx, cu.filter, func(p webex.Page[webex.Subscriber]) error {
			for _, s := range p.Items {
				cu.Listed++
				if m := mailKey(s.Email); cu.named[m] {
					cu.held[m] = s
				} else {
					cu.Extras = append(cu.Extras, s)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("listing the subscribers of customer %s: %w", cu.Name, err)
		}
	}
	return nil
}

// SyncDecision is a row's line in the plan.
type SyncDecision struct {
	Action     string
	Reason     string
	Subscriber webex.Subscriber // what Webex holds; zero for create and most invalid rows
}

// Decide is row's action, once List has run.
func (st *SyncState) Decide(row *pipeline.Row) SyncDecision {
	name, _ := customerOfRow(row.Fields)
	var held webex.Subscriber
	found := false
	if c := st.byName[name]; c != nil {
		held, found = c.held[mailKey(row.Fields.Email)]
	}
	problems := row.Problems
	if found {
		// Nothing is provisioned for it: only what names it and its
		// package must be right (a roster need not repeat the numbers).
		problems = slices.DeleteFunc(slices.Clone(problems), func(p pipeline.Problem) bool { return !namingField[p.Field] })
	}
	switch {
	case len(problems) > 0:
		d := SyncDecision{Action: SyncInvalid, Reason: problemText(problems[0]), Subscriber: held}
		if found {
			d.Reason += " (in Webex: " + held.Status + "; nothing sent)"
		}
		return d
	case name == "":
		return SyncDecision{Action: SyncInvalid, Reason: "the row names no customer: fill customerId or externalCustomerId, or give --customer-id"}
	case !found:
		return SyncDecision{Action: SyncCreate, Reason: "not in Webex"}
	case held.Status == statusPending:
		return SyncDecision{Action: SyncPending, Reason: "in Webex, waiting for the user to accept the consent email", Subscriber: held}
	}
	target, now := Target(row, false, ""), packageOf(held)
	if target != "" && target != now {
		return SyncDecision{Action: SyncUpdate, Reason: fmt.Sprintf("in Webex on %s, the sheet says %s", orEmpty(now), target), Subscriber: held}
	}
	return SyncDecision{Action: SyncUnchanged, Reason: "in Webex as the sheet says", Subscriber: held}
}

// namingField are the columns a row of a subscriber Webex holds is
// checked on ("" is the row's shape: a ragged row).
var namingField = map[string]bool{"": true, "email": true, "customerId": true, "externalCustomerId": true, "package": true, "subPartnerOrgId": true}

func problemText(p pipeline.Problem) string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + " " + p.Message
}

// PlanResult is the plan's line for a row, as the result writer takes it:
// the action in sync_action, what Webex holds in subscriber_id,
// subscriber_status and previous_package, the reason in message.
func PlanResult(row *pipeline.Row, d SyncDecision) pipeline.Result {
	return pipeline.Result{Row: row, Final: true, Action: d.Action, Message: d.Reason,
		SubscriberID: d.Subscriber.ID, SubscriberStatus: d.Subscriber.Status, PreviousPackage: packageOf(d.Subscriber)}
}

// ExtraRow is the row an extra subscriber is carried as in the plan: its
// email, customer and package in the sheet's own columns (cols are the
// sheet's headings, canonical: "" for one of the person's own); its line
// is the plan's, as it has none in the sheet.
func ExtraRow(seq, line int, cols []string, s webex.Subscriber) *pipeline.Row {
	raw := make([]string, len(cols))
	for i, c := range cols {
		switch c {
		case "email":
			raw[i] = s.Email
		case "customerId":
			raw[i] = s.CustomerID
		case "externalCustomerId":
			raw[i] = s.ExternalCustomerID
		case "package":
			raw[i] = packageOf(s)
		}
	}
	return &pipeline.Row{Seq: seq, Line: line, Raw: raw,
		Fields: pipeline.Fields{Email: s.Email, CustomerID: s.CustomerID, ExternalCustomerID: s.ExternalCustomerID, Package: packageOf(s)}}
}

// SyncApplier is the worker that applies a plan (the plan file is the
// run's input; each row's sync_action says what to do). Each action is
// carried out by the worker of the command that does it alone, so sync
// sends exactly what they send and keeps their exactly-once rules: create
// is precheck then provision (a row whose POST an earlier run journaled is
// looked up, never prechecked again), update is update's PUT, an extra
// removed is remove's DELETE.
type SyncApplier struct {
	Prechecker  *Prechecker
	Provisioner *Provisioner
	Updater     *Updater
	Remover     *Remover
	// Consent, when set, re-sends the consent email to a pending row's
	// user (its OlderThan decides when); nil sends nothing for them.
	Consent *ConsentSender
	Intents Intents
	// RemoveMissing: extras are removed; else they are kept (nothing sent).
	RemoveMissing bool
}

// Work applies row's planned action.
func (a *SyncApplier) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	action := strings.TrimSpace(row.Prior[command.SyncAction])
	reason := row.Prior["message"]
	var res pipeline.Result
	switch action {
	case SyncCreate:
		res = a.create(ctx, row)
	case SyncUpdate:
		res = a.Updater.Work(ctx, row)
	case SyncExtra:
		if !a.RemoveMissing {
			res = a.nothing(row, command.Kept, "in Webex, not in the sheet: kept (--remove-missing removes it)")
			break
		}
		// The typed confirmation of the plan is the consent: the extra
		// is removed whoever made it.
		r := *row
		r.Prior = cloneMap(row.Prior)
		r.Prior[priorProvision] = pipeline.Provisioned
		res = a.Remover.Work(ctx, &r)
		res.Row = row
	case SyncPending:
		if a.Consent == nil {
			res = a.nothing(row, action, reason+": nothing sent")
			break
		}
		res = a.Consent.Work(ctx, row)
		if res.Outcome == pipeline.TooRecent {
			res.Outcome = SyncPending // still waiting, not yet for long enough
		}
	case SyncUnchanged:
		res = a.nothing(row, action, reason+": nothing sent")
	case SyncInvalid:
		res = a.nothing(row, pipeline.Skipped, "not sent: "+reason)
		res.Precheck = pipeline.Invalid
	default:
		res = a.nothing(row, pipeline.Skipped, fmt.Sprintf("not sent: the plan's sync_action %q is not one of %s", action, strings.Join(SyncActions, ", ")))
	}
	res.Action = action
	return res
}

// create prechecks and provisions row.
func (a *SyncApplier) create(ctx context.Context, row *pipeline.Row) pipeline.Result {
	if len(row.Problems) > 0 {
		res := a.Prechecker.Work(ctx, row) // invalid, nothing sent
		res.Outcome, res.Message = pipeline.Skipped, "not created: "+res.Message
		return res
	}
	var pre pipeline.Result
	if a.Intents.Sent(row) {
		// An earlier run's POST may have created it: a precheck would
		// now refuse it; provisioning looks it up first.
		pre = pipeline.Result{Row: row, Precheck: pipeline.Passed, Final: true}
	} else {
		pre = a.Prechecker.Work(ctx, row)
	}
	if pre.Precheck != pipeline.Passed {
		pre.Outcome = pipeline.Skipped
		if pre.Precheck != pipeline.Error && pre.Precheck != pipeline.NotSent {
			pre.Message = "not created: the precheck did not pass: " + pre.Message
		}
		return pre
	}
	return a.Provisioner.Work(ctx, row, pre)
}

// nothing is a row for which nothing is sent.
func (a *SyncApplier) nothing(row *pipeline.Row, outcome, message string) pipeline.Result {
	return pipeline.Result{Row: row, Final: true, Outcome: outcome, Message: message,
		SubscriberID: row.Prior[priorSubscriberID], SubscriberStatus: row.Prior[priorStatus], PreviousPackage: row.Prior[command.PreviousPackage]}
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// PackageOf is the subscriber's one package.
func PackageOf(s webex.Subscriber) string { return packageOf(s) }

// ListNow lists the subscribers of customers (each named by customerId,
// else taken as an externalCustomerId), by lower-case email.
func ListNow(ctx context.Context, c *webex.Client, customers []string) (map[string]map[string]webex.Subscriber, error) {
	out := map[string]map[string]webex.Subscriber{}
	for _, cust := range customers {
		m := map[string]webex.Subscriber{}
		out[cust] = m
		if cust == "" {
			continue
		}
		each := func(p webex.Page[webex.Subscriber]) error {
			for _, s := range p.Items {
				m[mailKey(s.Email)] = s
			}
			return nil
		}
		if _, err := c.ListSubscribers(ctx, webex.SubscriberFilter{CustomerID: cust}, each); err != nil {
			return nil, fmt.Errorf("listing the subscribers of customer %s: %w", cust, err)
		}
		if len(m) == 0 {
			if _, err := c.ListSubscribers(ctx, webex.SubscriberFilter{ExternalCustomerID: cust}, each); err != nil {
				return nil, fmt.Errorf("listing the subscribers of customer %s: %w", cust, err)
			}
		}
	}
	return out, nil
}
