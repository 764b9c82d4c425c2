package sheet

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Emial", "email"},                    // transposition
		{"Emal", "email"},                     // deletion
		{"E-mial", "email"},                   // transposition behind punctuation
		{"frist name", "firstName"},           // transposition in a two-word heading
		{"Last Nmae", "lastName"},             // same
		{"extention", "extension"},            // common misspelling
		{"custmer id", "customerId"},          // missing letter
		{"Locaton", "locationId"},             // missing letter
		{"Pakage", "package"},                 // missing letter
		{"Licnese", "package"},                // transposition
		{"Phone Numbr", "primaryPhoneNumber"}, // missing letter
		{"Provisioning", "provisioningId"},    // two letters short, long key
		{"Emial (required)", "email"},         // note ignored
		{"Email", "email"},                    // a known heading suggests itself
		{"Department", ""},                    // unrelated
		{"Mobile", ""},                        // deliberately unmapped, and not close to anything
		{"Org ID", ""},                        // deliberately unmapped
		{"Customer Name", ""},                 // must not become customerPrimaryEmail
		{"Name", ""},                          // close only to the abbreviation FName: no guess
		{"Work Phone", ""},                    // deliberately unmapped
		{"Cell Phone", ""},                    // two edits from "Telephone", but deliberately unmapped
		{"Username", ""},                      // not close to "User Mail"
		{"ID", ""},                            // too short to guess
		{"", ""},                              // nothing
		{"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", ""}, // long junk
	}
	for _, tc := range tests {
		if got := Suggest(tc.in); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"email", "email", 0},
		{"emial", "email", 1},    // transposition counts once
		{"ca", "abc", 3},         // OSA, not Damerau: no edit after a transposition
		{"kitten", "sitting", 3}, // classic Levenshtein
		{"extention", "extension", 1},
		{"zoë", "zoe", 1}, // runes, not bytes
	}
	for _, tc := range tests {
		if got := osaDistance([]rune(tc.a), []rune(tc.b), 100); got != tc.want {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		// With a cap below the answer it reports "more than the cap".
		if tc.want > 0 {
			if got := osaDistance([]rune(tc.a), []rune(tc.b), tc.want-1); got != tc.want {
				if got <= tc.want-1 {
					t.Errorf("osaDistance(%q, %q, cap %d) = %d, want > cap", tc.a, tc.b, tc.want-1, got)
				}
			}
		}
	}
}

func TestWhyUnmapped(t *testing.T) {
	tests := []struct {
		in      string
		contain string // "" means no reason expected
	}{
		{"Mobile", "primary Webex Calling number"},     // the mobile trap
		{"Cell Phone", "primary Webex Calling number"}, // also two edits from "Telephone"
		{"work_phone", "primary Webex Calling number"}, // matched by Key
		{"Org ID", "organization ID"},                  // not the customerId
		{"Customer Name", "your own systems"},          // a name, not an ID
		{"Primary Email", "could be"},                  // ambiguous
		{"Full Name", "first and last"},                // cannot split
		{"Email", ""},                                  // mapped: nothing to explain
		{"Department", ""},                             // unrelated
	}
	for _, tc := range tests {
		got := WhyUnmapped(tc.in)
		if (tc.contain == "") != (got == "") || !strings.Contains(got, tc.contain) {
			t.Errorf("WhyUnmapped(%q) = %q, want it to contain %q", tc.in, got, tc.contain)
		}
		if got != "" {
			if _, ok := Canonical(tc.in); ok {
				t.Errorf("Canonical(%q) maps a heading WhyUnmapped explains", tc.in)
			}
			if s := Suggest(tc.in); s != "" {
				t.Errorf("Suggest(%q) = %q for a deliberately unmapped heading", tc.in, s)
			}
		}
	}
}
