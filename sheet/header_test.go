package sheet

import (
	"testing"

	"github.com/wholesale-batch/wholesale-batch/column"
)

func TestKey(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"First Name", "firstname"},               // spaces and case
		{"first_name", "firstname"},               // underscore
		{"FIRST-NAME", "firstname"},               // hyphen
		{"First\u00a0Name", "firstname"},          // Excel's non-breaking space
		{"  Email  ", "email"},                    // surrounding spaces
		{"\ufeffEmail", "email"},                  // BOM glued to the first cell
		{"\"Email\"", "email"},                    // surrounding double quotes
		{"'Email'", "email"},                      // surrounding single quotes
		{"“Email”", "email"},                      // typographic quotes
		{" 'Email'_", "email"},                    // quotes inside dropped decoration
		{"O'Brien", "o'brien"},                    // inner quote kept
		{"Ext.", "ext"},                           // dot
		{"E–mail", "email"},                       // en dash from autocorrect
		{"Email*", "email"},                       // required marker
		{"Email:", "email"},                       // trailing colon
		{"Phone #", "phone"},                      // number sign
		{"Zero\u200bWidth", "zerowidth"},          // zero-width space
		{"E\tMAIL\r\n", "email"},                  // tabs and line endings
		{"ÉCOLE", "ecole"},                        // accents dropped after lower-casing
		{"Pre\u0301nom", "prenom"},                // decomposed accent (macOS NFD)
		{"Straße", "strasse"},                     // ß is two letters
		{"Œuvre", "oeuvre"},                       // ligature
		{"Łódź", "lodz"},                          // Latin Extended-A
		{"N° client", "noclient"},                 // degree sign as in French "N°"
		{"Nº de teléfono", "nodetelefono"},        // ordinal indicator as in Spanish "Nº"
		{"ID d’organisation", "idd'organisation"}, // typographic apostrophe
		{"Ελληνικά", "ελληνικά"},                  // other scripts only lower-cased
		{"Email (required)", "email(required)"},   // brackets kept; Canonical handles notes
		{"", ""},                                  // empty
		{"__--..", ""},                            // nothing left
		{"\xffx", "\uFFFDx"},                      // invalid UTF-8 becomes U+FFFD
	}
	for _, tc := range tests {
		if got := Key(tc.in); got != tc.want {
			t.Errorf("Key(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Key(Key(tc.in)); got != Key(tc.in) {
			t.Errorf("Key not idempotent on %q: %q then %q", tc.in, Key(tc.in), got)
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means ok=false
	}{
		// Canonical names themselves, in any case.
		{"email", "email"},
		{"customerId", "customerId"},
		{"CUSTOMERID", "customerId"},
		{"primaryPhoneNumber", "primaryPhoneNumber"},
		{"primary_phone_number", "primaryPhoneNumber"},
		{"customerPrimaryEmail", "customerPrimaryEmail"},
		{"provisioningId", "provisioningId"},
		// email wordings.
		{"E-mail", "email"},
		{"Email Address", "email"},
		{"Mail", "email"},
		{"User Email", "email"},
		{"E-Mail-Adresse", "email"}, // German
		{"Adresse électronique", "email"},
		{"ADRESSE ELECTRONIQUE", "email"}, // caps without accents
		{"Correo electrónico", "email"},
		// names.
		{"First Name", "firstName"},
		{"Given name", "firstName"},
		{"Forename", "firstName"},
		{"FName", "firstName"},
		{"Last Name", "lastName"},
		{"Surname", "lastName"},
		{"Family name", "lastName"},
		{"Vorname", "firstName"},
		{"Prénom", "firstName"},
		{"Prenom", "firstName"},
		{"PRÉNOM", "firstName"},
		{"Pre\u0301nom", "firstName"}, // decomposed
		{"Nom", "lastName"},           // French: the family name
		{"Nombre", ""},                // may be the full name
		{"Nome", ""},                  // same
		{"Naam", ""},                  // same
		{"Apelido", ""},               // surname in Portugal, nickname in Brazil
		// phone numbers.
		{"Phone", "primaryPhoneNumber"},
		{"Phone Number", "primaryPhoneNumber"},
		{"Phone #", "primaryPhoneNumber"},
		{"Telephone", "primaryPhoneNumber"},
		{"DID", "primaryPhoneNumber"},
		{"DDI", "primaryPhoneNumber"},
		{"Primary Phone", "primaryPhoneNumber"},
		{"Mobile", ""},        // a mobile is not the primary Webex number
		{"Mobile Number", ""}, // same
		{"Cell", ""},          // same
		{"Work Phone", ""},    // ambiguous; --map it
		{"Telefon", "primaryPhoneNumber"},
		{"Tel.-Nr.", "primaryPhoneNumber"},
		{"Tél.", "primaryPhoneNumber"},
		{"Handy", ""},              // German for mobile
		{"Téléphone portable", ""}, // same
		{"Telemóvel", ""},          // same
		// extension.
		{"Ext", "extension"},
		{"Extension", "extension"},
		{"Ext.", "extension"},
		{"Ext #", "extension"},
		{"Durchwahl", "extension"},
		{"Extensión", "extension"},
		{"Poste", ""}, // French: as often the job title
		// customer.
		{"Customer ID", "customerId"},
		{"Customer", "customerId"},
		{"Cust. ID", "customerId"},
		{"Org ID", ""},          // the Webex org ID is a different identifier
		{"Organization ID", ""}, // same
		{"Customer Name", ""},   // a name, not an ID
		{"Kunden-ID", "customerId"},
		{"Kundennummer", ""},   // the partner's own number, not the customerId
		{"Kunden-Nr.", ""},     // same
		{"N° client", ""},      // same
		{"Numero cliente", ""}, // same
		{"Klantnummer", ""},    // same
		// location.
		{"Location ID", "locationId"},
		{"Location", "locationId"},
		{"Site", ""}, // ambiguous
		// package.
		{"Package", "package"},
		{"Licence", "package"},
		{"License", "package"},
		{"Plan", "package"},
		// customer admin email.
		{"Customer Primary Email", "customerPrimaryEmail"},
		{"Customer Email", "customerPrimaryEmail"},
		{"Admin Email", "customerPrimaryEmail"},
		{"Primary Email", ""}, // whose? ambiguous
		// provisioning.
		{"Provisioning ID", "provisioningId"},
		{"Provisioning-Id", "provisioningId"},
		// decoration and notes.
		{"\ufeff\"E-mail\"", "email"},
		{"Email (required)", "email"},
		{"Extension [4 digits]", "extension"},
		{"Email*", "email"},
		{"(required)", ""},         // only a note
		{"Department (Sales)", ""}, // note stripped, still unknown
		// unknowns.
		{"Department", ""},
		{"", ""},
		{"Name", ""},
	}
	for _, tc := range tests {
		name, ok := Canonical(tc.in)
		if name != tc.want || ok != (tc.want != "") {
			t.Errorf("Canonical(%q) = %q, %v; want %q, %v", tc.in, name, ok, tc.want, tc.want != "")
		}
	}
}

// TestAliasTable checks that every wording of the column table really maps
// to its column.
func TestAliasTable(t *testing.T) {
	for _, c := range column.Table {
		for _, a := range append(append([]string{c.Name}, c.Aliases...), c.Abbrevs...) {
			if got, ok := Canonical(a); !ok || got != c.Name {
				t.Errorf("Canonical(%q) = %q, %v; want %q", a, got, ok, c.Name)
			}
		}
	}
}

func TestCanonicalDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		Canonical("Primary Phone Number (E.164)")
		Canonical("Department")
		Canonical("Numéro de téléphone") // folding accents
		Canonical("Pre\u0301nom")
	})
	if allocs != 0 {
		t.Errorf("Canonical allocates %v times per call", allocs)
	}
}
