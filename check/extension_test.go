package check

import (
	"strings"
	"testing"
)

func TestExtension(t *testing.T) {
	tests := []struct {
		in, want string
		err      string // substring of the error; "" = valid
	}{
		{"51212", "51212", ""},                            // the spec's example
		{"12", "12", ""},                                  // shortest
		{"1234567890", "1234567890", ""},                  // longest
		{"0123", "0123", ""},                              // leading zero kept (a Text column)
		{" 5221\u00a0", "5221", ""},                       // trimmed
		{"x1234", "1234", ""},                             // x marker removed
		{"X 1234", "1234", ""},                            // capital X and a space
		{"ext1234", "1234", ""},                           // ext
		{"Ext. 1234", "1234", ""},                         // Ext.
		{"ext:1234", "1234", ""},                          // ext:
		{"extn 77", "77", ""},                             // extn
		{"Extension 5221", "5221", ""},                    // the full word
		{"#5221", "5221", ""},                             // hash
		{"", "", "empty"},                                 // empty
		{"x", "", "no digits"},                            // marker only
		{"7", "", "has 1 digit"},                          // too short
		{"12345678901", "", "11 digits"},                  // too long: a phone number?
		{"+12405551212", "", "looks like a phone number"}, // phone in the wrong column
		{"12 34", "", `contains " "`},                     // inner space: two values?
		{"12-34", "", `contains "-"`},                     // punctuation
		{"1234.0", "", "stored as a number"},              // Excel number export
		{"1234,00", "", "stored as a number"},             // decimal comma
		{"1.2E+11", "", "stored as a number"},             // scientific notation
		{"12.34", "", `contains "."`},                     // a decimal that is not .0
		{"abc", "", `contains "a"`},                       // text
		{"xyz", "", `contains "y"`},                       // an x that is not a marker
	}
	for _, tt := range tests {
		got, err := Extension(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Extension(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Extension(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
