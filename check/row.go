package check

import (
	"fmt"

	"github.com/wholesale-batch/wholesale-batch/column"
)

// Fields is one input row's values by column (all strings as read); the
// column table says how each is checked. Problem and the notes use the
// columns' names, so a message points at one column.
type Fields = column.Fields

// Options are the run-wide settings that change what a valid row is.
type Options struct {
	DefaultCountry  string // ISO 3166 alpha-2 for numbers without a country code; "" = "US"
	ExistingCalling bool   // users already have calling: calling packages need no phone/extension
	NeedCustomer    bool   // provisioning: a customerId is required (column or default)
}

// Problem is one reason a row is invalid. Field names the canonical column;
// Message says what is wrong and how to fix it, because the reader is the person
// editing the sheet, not the one who wrote the tool.
type Problem struct {
	Field   string
	Message string
}

// Row cleans one row and says whether it may be sent. f is not modified; clean
// is a copy with every field trimmed and, where valid, normalised (lower-case
// email, canonical package, E.164 phone, bare extension digits). A field that
// fails its check keeps its trimmed value in clean, so reports show what was
// read. notes describe every change, one per field ("email lower-cased",
// "primaryPhoneNumber +12405551212 from \"(240) 555-1212\""); problems empty
// means the row may be sent.
//
// An empty package is allowed: the caller fills a default package before
// calling Row when it has one. Duplicates across rows are Index's job.
func Row(f Fields, opt Options) (clean Fields, notes []string, problems []Problem) {
	clean = f
	note := func(field, n string) {
		if n != "" {
			notes = append(notes, field+" "+n)
		}
	}
	problem := func(field string, err error) {
		problems = append(problems, Problem{Field: field, Message: err.Error()})
	}
	for _, c := range column.Table {
		v := c.Field(&clean)
		if t := Trim(*v); t != *v {
			*v = t
			notes = append(notes, c.Name+" trimmed")
		}
	}
	if clean.Email == "" {
		problems = append(problems, Problem{Field: "email", Message: "email is empty: every row needs the subscriber's email address"})
	}
	// Each value by its kind, in table order; a value that fails keeps its
	// trimmed form, so reports show what was read.
	for _, c := range column.Table {
		v := c.Field(&clean)
		if *v == "" {
			continue
		}
		switch c.Kind {
		case column.Email:
			if e, n, err := Email(*v); err != nil {
				problem(c.Name, err)
			} else {
				*v = e
				note(c.Name, n)
			}
		case column.Package:
			if p, n, err := Package(*v); err != nil {
				problem(c.Name, err)
			} else {
				*v = p
				note(c.Name, n)
				if p == "attendant_console" {
					problem(c.Name, errAttendantAlone)
				}
			}
		case column.Phone:
			if p, n, err := Phone(*v, opt.DefaultCountry); err != nil {
				problem(c.Name, err)
			} else {
				*v = p
				note(c.Name, n)
			}
		case column.Extension:
			if e, err := Extension(*v); err != nil {
				problem(c.Name, err)
			} else {
				if e != *v {
					note(c.Name, fmt.Sprintf("%s from %q", e, *v))
				}
				*v = e
			}
		}
	}

	// Rules across columns. clean keeps an invalid value, so these test
	// presence: a number that is present but invalid has its own problem
	// already, and a second would mislead.
	if IsCalling(clean.Package) && !opt.ExistingCalling && clean.PrimaryPhoneNumber == "" && clean.Extension == "" {
		problems = append(problems, Problem{Field: "primaryPhoneNumber", Message: clean.Package +
			" needs primaryPhoneNumber or extension; or pass --existing-calling if these users already have calling"})
	}
	if opt.NeedCustomer && clean.CustomerID == "" {
		problems = append(problems, Problem{Field: "customerId", Message: "customerId is empty: provisioning needs the customer's id; fill the customerId column or give a default customer id"})
	}
	if clean.CustomerPrimaryEmail == "" && clean.ProvisioningID != "" && clean.CustomerID == "" {
		// The precheck variant for a customer that does not exist yet is email +
		// provisioningId + customerInfo.primaryEmail; without the customer's
		// email the API cannot tell which customer the subscriber is for.
		problems = append(problems, Problem{Field: "customerPrimaryEmail", Message: "customerPrimaryEmail is empty: " +
			"a row with provisioningId but no customerId is for a customer not created yet and needs the customer's primary email; " +
			"fill customerPrimaryEmail, or fill customerId if the customer already exists"})
	}
	return clean, notes, problems
}
