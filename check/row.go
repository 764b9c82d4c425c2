package check

import "fmt"

// Fields is one input row's values by canonical column (all strings as read).
// The sheet reader maps whatever headings a file has onto these names; Problem
// and the notes use the same names, so a message points at one column.
type Fields struct {
	Email                string
	CustomerID           string
	Package              string
	FirstName            string
	LastName             string
	PrimaryPhoneNumber   string
	Extension            string
	LocationID           string
	CustomerPrimaryEmail string
	ProvisioningID       string
}

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
	for _, c := range columns(&clean) {
		if t := Trim(*c.value); t != *c.value {
			*c.value = t
			notes = append(notes, c.name+" trimmed")
		}
	}
	note := func(field, n string) {
		if n != "" {
			notes = append(notes, field+" "+n)
		}
	}
	problem := func(field string, err error) {
		problems = append(problems, Problem{Field: field, Message: err.Error()})
	}

	if clean.Email == "" {
		problems = append(problems, Problem{Field: "email", Message: "email is empty: every row needs the subscriber's email address"})
	} else if v, n, err := Email(clean.Email); err != nil {
		problem("email", err)
	} else {
		clean.Email = v
		note("email", n)
	}

	if clean.Package != "" {
		if v, n, err := Package(clean.Package); err != nil {
			problem("package", err)
		} else {
			clean.Package = v
			note("package", n)
			if v == "attendant_console" {
				problem("package", errAttendantAlone)
			}
		}
	}

	if clean.PrimaryPhoneNumber != "" {
		if v, n, err := Phone(clean.PrimaryPhoneNumber, opt.DefaultCountry); err != nil {
			problem("primaryPhoneNumber", err)
		} else {
			clean.PrimaryPhoneNumber = v
			note("primaryPhoneNumber", n)
		}
	}

	if clean.Extension != "" {
		if v, err := Extension(clean.Extension); err != nil {
			problem("extension", err)
		} else {
			if v != clean.Extension {
				note("extension", fmt.Sprintf("%s from %q", v, clean.Extension))
			}
			clean.Extension = v
		}
	}

	// clean keeps an invalid value, so this tests presence: a number that is
	// present but invalid has its own problem already, and a second would mislead.
	if IsCalling(clean.Package) && !opt.ExistingCalling && clean.PrimaryPhoneNumber == "" && clean.Extension == "" {
		problems = append(problems, Problem{Field: "primaryPhoneNumber", Message: clean.Package +
			" needs primaryPhoneNumber or extension; or pass --existing-calling if these users already have calling"})
	}

	if opt.NeedCustomer && clean.CustomerID == "" {
		problems = append(problems, Problem{Field: "customerId", Message: "customerId is empty: provisioning needs the customer's id; fill the customerId column or give a default customer id"})
	}

	if clean.CustomerPrimaryEmail != "" {
		if v, n, err := Email(clean.CustomerPrimaryEmail); err != nil {
			problem("customerPrimaryEmail", err)
		} else {
			clean.CustomerPrimaryEmail = v
			note("customerPrimaryEmail", n)
		}
	} else if clean.ProvisioningID != "" && clean.CustomerID == "" {
		// The precheck variant for a customer that does not exist yet is email +
		// provisioningId + customerInfo.primaryEmail; without the customer's
		// email the API cannot tell which customer the subscriber is for.
		problems = append(problems, Problem{Field: "customerPrimaryEmail", Message: "customerPrimaryEmail is empty: " +
			"a row with provisioningId but no customerId is for a customer not created yet and needs the customer's primary email; " +
			"fill customerPrimaryEmail, or fill customerId if the customer already exists"})
	}
	return clean, notes, problems
}

// column pairs a canonical column name with the field that holds it.
type column struct {
	name  string
	value *string
}

// columns lists the fields of f in sheet order, for the steps that treat every
// field alike.
func columns(f *Fields) [10]column {
	return [10]column{
		{"email", &f.Email},
		{"customerId", &f.CustomerID},
		{"package", &f.Package},
		{"firstName", &f.FirstName},
		{"lastName", &f.LastName},
		{"primaryPhoneNumber", &f.PrimaryPhoneNumber},
		{"extension", &f.Extension},
		{"locationId", &f.LocationID},
		{"customerPrimaryEmail", &f.CustomerPrimaryEmail},
		{"provisioningId", &f.ProvisioningID},
	}
}
