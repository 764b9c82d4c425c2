package sheet

import (
	"strings"
	"testing"
)

func TestParseMap(t *testing.T) {
	tests := []struct {
		spec      string
		header    string
		canonical string
		errHas    []string // substrings the error must contain; nil means no error
	}{
		// The documented example.
		{"Work Phone=primaryPhoneNumber", "Work Phone", "primaryPhoneNumber", nil},
		// Spaces around both sides are trimmed.
		{"  Mobile  =  primaryPhoneNumber ", "Mobile", "primaryPhoneNumber", nil},
		// The target matches canonical names by Key.
		{"Org ID=customer_id", "Org ID", "customerId", nil},
		{"Cell=PRIMARY-PHONE-NUMBER", "Cell", "primaryPhoneNumber", nil},
		// The header keeps its case and inner spelling.
		{"E-Mail-Adresse=email", "E-Mail-Adresse", "email", nil},
		// No '=' at all.
		{"Work Phone", "", "", []string{`"Work Phone"`, "Header=column"}},
		// Empty header.
		{"=email", "", "", []string{"header", "empty"}},
		{" _ =email", "", "", []string{"header", "empty"}},
		// Empty target: lists the allowed names.
		{"Work Phone=", "", "", []string{"empty", "email, customerId, package"}},
		// Unknown target with a close canonical name.
		{"Work Phone=primaryPhoneNumbr", "", "", []string{`unknown column "primaryPhoneNumbr"`, "did you mean primaryPhoneNumber?", "allowed: email, customerId"}},
		// Aliases are not targets, but the error points to the right name.
		{"Work Phone=phone", "", "", []string{`unknown column "phone"`, "did you mean primaryPhoneNumber?"}},
		// Unknown target with nothing close.
		{"Dept=department", "", "", []string{`unknown column "department"`, "allowed: email, customerId, package, firstName, lastName, primaryPhoneNumber, extension, locationId, customerPrimaryEmail, provisioningId"}},
		// Several pairs in one call are refused rather than half-applied.
		{"A=email,B=package", "", "", []string{"one"}},
		// A second '=' belongs to the target and is refused the same way.
		{"A=B=email", "", "", []string{"one"}},
	}
	for _, tc := range tests {
		h, c, err := ParseMap(tc.spec)
		if tc.errHas == nil {
			if err != nil || h != tc.header || c != tc.canonical {
				t.Errorf("ParseMap(%q) = %q, %q, %v; want %q, %q, nil", tc.spec, h, c, err, tc.header, tc.canonical)
			}
			continue
		}
		if err == nil {
			t.Errorf("ParseMap(%q) = %q, %q, nil; want an error", tc.spec, h, c)
			continue
		}
		if h != "" || c != "" {
			t.Errorf("ParseMap(%q) returned %q, %q with an error", tc.spec, h, c)
		}
		for _, s := range tc.errHas {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("ParseMap(%q) error %q lacks %q", tc.spec, err, s)
			}
		}
	}
}
