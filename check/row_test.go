package check

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/column"
)

func TestRow(t *testing.T) {
	good := Fields{Email: "john@acme.com", Package: "webex_calling", PrimaryPhoneNumber: "+12405551212", CustomerID: "C1"}
	tests := []struct {
		name     string
		in       Fields
		opt      Options
		want     Fields // expected clean fields
		notes    []string
		problems []Problem
	}{
		{
			name: "clean row: no notes, no problems",
			in:   good,
			want: good,
		},
		{
			name:  "paste damage repaired, every change noted",
			in:    Fields{Email: " John@Acme.com\u00a0", Package: "Webex Calling", PrimaryPhoneNumber: "(240) 555-1212", Extension: "x5221", FirstName: "\u200bJohn", LastName: "Anderson"},
			want:  Fields{Email: "john@acme.com", Package: "webex_calling", PrimaryPhoneNumber: "+12405551212", Extension: "5221", FirstName: "John", LastName: "Anderson"},
			notes: []string{"email trimmed", "firstName trimmed", "email lower-cased", `package webex_calling from "Webex Calling"`, `primaryPhoneNumber +12405551212 from "(240) 555-1212"`, `extension 5221 from "x5221"`},
		},
		{
			name:  "GB default country",
			in:    Fields{Email: "a@b.co.uk", Package: "suite", PrimaryPhoneNumber: "020 7946 0958"},
			opt:   Options{DefaultCountry: "GB"},
			want:  Fields{Email: "a@b.co.uk", Package: "webex_suite", PrimaryPhoneNumber: "+442079460958"},
			notes: []string{`package webex_suite from "suite"`, `primaryPhoneNumber +442079460958 from "020 7946 0958"`},
		},
		{
			name:     "empty email",
			in:       Fields{Email: " ", Package: "webex_meetings"},
			want:     Fields{Package: "webex_meetings"},
			notes:    []string{"email trimmed"},
			problems: []Problem{{"email", "empty: every row needs the subscriber's email address"}},
		},
		{
			name:     "bad email keeps its trimmed value",
			in:       Fields{Email: "john@acme,com", Package: "webex_meetings"},
			want:     Fields{Email: "john@acme,com", Package: "webex_meetings"},
			problems: []Problem{{"email", `"john@acme,com" has a comma in the domain: did you mean john@acme.com? Type a dot instead of the comma`}},
		},
		{
			name:     "calling package without number or extension",
			in:       Fields{Email: "a@b.com", Package: "Calling"},
			want:     Fields{Email: "a@b.com", Package: "webex_calling"},
			notes:    []string{`package webex_calling from "Calling"`},
			problems: []Problem{{"primaryPhoneNumber", "webex_calling needs primaryPhoneNumber or extension; or pass --existing-calling if these users already have calling"}},
		},
		{
			name: "calling package with existing calling",
			in:   Fields{Email: "a@b.com", Package: "webex_voice"},
			opt:  Options{ExistingCalling: true},
			want: Fields{Email: "a@b.com", Package: "webex_voice"},
		},
		{
			name: "calling package with extension only",
			in:   Fields{Email: "a@b.com", Package: "cx_essentials", Extension: "5221"},
			want: Fields{Email: "a@b.com", Package: "cx_essentials", Extension: "5221"},
		},
		{
			name: "meetings needs no number",
			in:   Fields{Email: "a@b.com", Package: "webex_meetings"},
			want: Fields{Email: "a@b.com", Package: "webex_meetings"},
		},
		{
			name: "empty package is allowed (caller fills defaults)",
			in:   Fields{Email: "a@b.com"},
			want: Fields{Email: "a@b.com"},
		},
		{
			name:     "invalid phone: one problem, not also 'needs a number'",
			in:       Fields{Email: "a@b.com", Package: "webex_calling", PrimaryPhoneNumber: "2.40555E+10"},
			want:     Fields{Email: "a@b.com", Package: "webex_calling", PrimaryPhoneNumber: "2.40555E+10"},
			problems: []Problem{{"primaryPhoneNumber", `"2.40555E+10" is in scientific notation, so its last digits are lost: format the column as Text in Excel (or prefix with ') and re-export`}},
		},
		{
			name:     "phone with an extension in it",
			in:       Fields{Email: "a@b.com", PrimaryPhoneNumber: "240-555-1212 x12"},
			want:     Fields{Email: "a@b.com", PrimaryPhoneNumber: "240-555-1212 x12"},
			problems: []Problem{{"primaryPhoneNumber", `"240-555-1212 x12" ends with the extension "x12": put 12 in the extension column and keep only the number here`}},
		},
		{
			name:     "bad extension",
			in:       Fields{Email: "a@b.com", Extension: "5"},
			want:     Fields{Email: "a@b.com", Extension: "5"},
			problems: []Problem{{"extension", `extension "5" has 1 digit: an extension has 2 to 10`}},
		},
		{
			name:     "unknown package",
			in:       Fields{Email: "a@b.com", Package: "Gold"},
			want:     Fields{Email: "a@b.com", Package: "Gold"},
			problems: []Problem{{"package", `unknown package "Gold": use one of webex_calling, webex_meetings, webex_suite, webex_voice, cx_essentials, webex_calling_standard, attendant_console, cx_premium_agent, cx_standard_agent`}},
		},
		{
			name:  "attendant console cannot be sent alone",
			in:    Fields{Email: "a@b.com", Package: "Attendant Console", Extension: "12"},
			want:  Fields{Email: "a@b.com", Package: "attendant_console", Extension: "12"},
			notes: []string{`package attendant_console from "Attendant Console"`},
			problems: []Problem{{"package", "attendant_console is an add-on that needs one of the base packages webex_calling, webex_suite, cx_essentials, " +
				"and a row sends only one package: provision the base package first, then assign attendant_console separately"}},
		},
		{
			name:     "provisioning needs a customer",
			in:       Fields{Email: "a@b.com", Package: "webex_meetings"},
			opt:      Options{NeedCustomer: true},
			want:     Fields{Email: "a@b.com", Package: "webex_meetings"},
			problems: []Problem{{"customerId", "customerId is empty: provisioning needs the customer's id; fill the customerId column or give a default customer id"}},
		},
		{
			name:  "new-customer variant: provisioningId with customerPrimaryEmail",
			in:    Fields{Email: "a@b.com", ProvisioningID: "P1", CustomerPrimaryEmail: "Admin@Acme.com"},
			want:  Fields{Email: "a@b.com", ProvisioningID: "P1", CustomerPrimaryEmail: "admin@acme.com"},
			notes: []string{"customerPrimaryEmail lower-cased"},
		},
		{
			name: "new-customer variant without customerPrimaryEmail",
			in:   Fields{Email: "a@b.com", ProvisioningID: "P1"},
			want: Fields{Email: "a@b.com", ProvisioningID: "P1"},
			problems: []Problem{{"customerPrimaryEmail", "customerPrimaryEmail is empty: a row with provisioningId but no customerId is for a customer not created yet and needs the customer's primary email; " +
				"fill customerPrimaryEmail, or fill customerId if the customer already exists"}},
		},
		{
			name: "provisioningId with customerId: existing customer, no customer email needed",
			in:   Fields{Email: "a@b.com", ProvisioningID: "P1", CustomerID: "C1"},
			want: Fields{Email: "a@b.com", ProvisioningID: "P1", CustomerID: "C1"},
		},
		{
			name:     "bad customerPrimaryEmail",
			in:       Fields{Email: "a@b.com", CustomerPrimaryEmail: "admin@acme"},
			want:     Fields{Email: "a@b.com", CustomerPrimaryEmail: "admin@acme"},
			problems: []Problem{{"customerPrimaryEmail", `"admin@acme" has the domain "acme" without a dot: use the full domain, as in example.com`}},
		},
		{
			name:  "IDs and names are only trimmed",
			in:    Fields{Email: "a@b.com", CustomerID: " C1 ", LocationID: "\tL1", LastName: "Ó Briain ", ProvisioningID: "P1\u200b", CustomerPrimaryEmail: "c@d.com"},
			want:  Fields{Email: "a@b.com", CustomerID: "C1", LocationID: "L1", LastName: "Ó Briain", ProvisioningID: "P1", CustomerPrimaryEmail: "c@d.com"},
			notes: []string{"customerId trimmed", "lastName trimmed", "locationId trimmed", "provisioningId trimmed"},
		},
		{
			name: "everything wrong at once, problems in column order",
			in:   Fields{Email: "x", Package: "Standard", PrimaryPhoneNumber: "abc", Extension: "1", ProvisioningID: "P"},
			opt:  Options{NeedCustomer: true},
			want: Fields{Email: "x", Package: "Standard", PrimaryPhoneNumber: "abc", Extension: "1", ProvisioningID: "P"},
			problems: []Problem{
				{"email", `"x" has no @: an address looks like name@example.com`},
				{"package", `unknown package "Standard": use one of webex_calling, webex_meetings, webex_suite, webex_voice, cx_essentials, webex_calling_standard, attendant_console, cx_premium_agent, cx_standard_agent`},
				{"primaryPhoneNumber", `"abc" contains letters or '#': write the number with digits only (put an extension in the extension column)`},
				{"extension", `extension "1" has 1 digit: an extension has 2 to 10`},
				{"customerId", "customerId is empty: provisioning needs the customer's id; fill the customerId column or give a default customer id"},
				{"customerPrimaryEmail", "customerPrimaryEmail is empty: a row with provisioningId but no customerId is for a customer not created yet and needs the customer's primary email; " +
					"fill customerPrimaryEmail, or fill customerId if the customer already exists"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			clean, notes, problems := Row(tt.in, tt.opt)
			if in != tt.in {
				t.Errorf("Row modified its input")
			}
			if clean != tt.want {
				t.Errorf("clean = %+v\nwant    %+v", clean, tt.want)
			}
			if !reflect.DeepEqual(notes, tt.notes) {
				t.Errorf("notes = %q\nwant    %q", notes, tt.notes)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems = %q\nwant       %q", problems, tt.problems)
			}
		})
	}
}

// A cleaned valid row passes Row again with no notes: cleaning is idempotent.
func TestRowIdempotent(t *testing.T) {
	in := Fields{Email: " Mailto:John@Acme.com ", Package: "Webex Suite", PrimaryPhoneNumber: "+44 (0)20 7946 0958", Extension: "ext 12", CustomerID: "C"}
	clean, notes, problems := Row(in, Options{})
	if len(problems) > 0 || len(notes) == 0 {
		t.Fatalf("first pass: notes %q, problems %q", notes, problems)
	}
	again, notes, problems := Row(clean, Options{})
	if again != clean || notes != nil || problems != nil {
		t.Errorf("second pass: %+v, notes %q, problems %q", again, notes, problems)
	}
}

// Every problem names a canonical column and says something.
func TestRowProblemFields(t *testing.T) {
	names := map[string]bool{}
	for _, c := range column.Table {
		names[c.Name] = true
	}
	_, _, problems := Row(Fields{Email: "x", Package: "p", PrimaryPhoneNumber: "q", Extension: "r", CustomerPrimaryEmail: "s"}, Options{NeedCustomer: true})
	for _, p := range problems {
		if !names[p.Field] || strings.TrimSpace(p.Message) == "" {
			t.Errorf("problem %+v", p)
		}
	}
}

// BenchmarkRow: a typical row with paste damage in most fields.
func BenchmarkRow(b *testing.B) {
	f := Fields{Email: " John.Anderson@Acme.com", CustomerID: "C1", Package: "Webex Calling", FirstName: "John", LastName: "Anderson",
		PrimaryPhoneNumber: "(240) 555-1212", Extension: "51212", LocationID: "L1"}
	for b.Loop() {
		Row(f, Options{})
	}
}

// BenchmarkRowClean: a row that needs no change, the common case in a good sheet.
func BenchmarkRowClean(b *testing.B) {
	f := Fields{Email: "john.anderson@acme.com", CustomerID: "C1", Package: "webex_calling", FirstName: "John", LastName: "Anderson",
		PrimaryPhoneNumber: "+12405551212", Extension: "51212", LocationID: "L1"}
	for b.Loop() {
		Row(f, Options{})
	}
}
