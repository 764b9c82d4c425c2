package tasks

import (
	"context"
	"strconv"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// ExportRecord is one line of export's file, laid out as a result file of
// status so that status, update, remove and resend-consent read it back:
// the result columns first (line, email, precheck_result empty,
// provision_result as status writes it, the subscriber's errors[] as
// error_codes and message, subscriber_id, subscriber_status,
// last_status_change, export_result), then the subscriber's own data as input columns
// (the email again as input_email, as every result file names it).
type ExportRecord struct {
	Line             int    `csv:"line"`
	Email            string `csv:"email"`
	Precheck         string `csv:"precheck_result"`
	ProvisionResult  string `csv:"provision_result"`
	ErrorCodes       string `csv:"error_codes"` // codes joined by ";", as the result files write them
	Message          string `csv:"message"`     // "code: description" of each error, joined by "; "
	SubscriberID     string `csv:"subscriber_id"`
	SubscriberStatus string `csv:"subscriber_status"`
	LastStatusChange string `csv:"last_status_change"`
	ExportResult     string `csv:"export_result"` // exported: the command's outcome column

	InputEmail         string `csv:"input_email"`
	CustomerID         string `csv:"customerId"`
	ExternalCustomerID string `csv:"externalCustomerId"`
	Package            string `csv:"package"`
	PersonID           string `csv:"personId"`
	Created            string `csv:"created"`
}

// Record is s as line number line of the file (the header is line 1).
func Record(line int, s webex.Subscriber) ExportRecord {
	pkg := s.Package
	if len(s.Packages) > 0 {
		pkg = s.Packages[0]
	}
	rec := ExportRecord{Line: line, Email: s.Email, ProvisionResult: provisionResultOf(s.Status),
		SubscriberID: s.ID, SubscriberStatus: s.Status, LastStatusChange: s.LastStatusChange, ExportResult: command.Exported,
		InputEmail: s.Email, CustomerID: s.CustomerID, ExternalCustomerID: s.ExternalCustomerID, Package: pkg,
		PersonID: s.PersonID, Created: s.Created}
	var codes, items []string
	for _, e := range s.Errors {
		c := strconv.Itoa(e.ErrorCode)
		codes = append(codes, c)
		items = append(items, strings.TrimSpace(c+": "+e.Description))
	}
	rec.ErrorCodes, rec.Message = strings.Join(codes, ";"), strings.Join(items, "; ")
	return rec
}

// provisionResultOf is status's outcome for a subscriber status.
func provisionResultOf(status string) string {
	switch status {
	case "provisioned":
		return pipeline.Provisioned
	case "pending_user_migration":
		return pipeline.Pending
	}
	return status // in between, as the API gives it
}

// Exporter lists the subscribers an export asks for.
type Exporter struct {
	Client *webex.Client
	// Customers are the customers to list, in order; with All, every
	// customer the token sees, listed first (page by page).
	Customers []webex.SubscriberFilter
	All       bool
	// Filter carries what every listing adds: status, after, on behalf of.
	Filter webex.SubscriberFilter
}

// Run hands each page of subscribers to emit as it arrives: memory holds
// one page of subscribers (and, with All, one page of customers). emit's
// error ends the run and is returned.
func (e *Exporter) Run(ctx context.Context, emit func([]webex.Subscriber) error) error {
	one := func(f webex.SubscriberFilter) error {
		f.Status, f.After, f.OnBehalfOf = e.Filter.Status, e.Filter.After, e.Filter.OnBehalfOf
		_, err := e.Client.ListSubscribers(ctx, f, func(p webex.Page[webex.Subscriber]) error { return emit(p.Items) })
		return err
	}
	if e.All {
		_, err := e.Client.ListCustomers(ctx, webex.CustomerFilter{OnBehalfOf: e.Filter.OnBehalfOf}, func(p webex.Page[webex.Customer]) error {
			for _, c := range p.Items {
				if err := one(webex.SubscriberFilter{CustomerID: c.ID}); err != nil {
					return err
				}
			}
			return nil
		})
		return err
	}
	for _, f := range e.Customers {
		if err := one(f); err != nil {
			return err
		}
	}
	return nil
}
