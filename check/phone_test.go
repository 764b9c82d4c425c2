package check

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var e164 = regexp.MustCompile(`^\+[1-9]\d{7,14}$`)

func TestPhoneValid(t *testing.T) {
	tests := []struct {
		in, country, want string
		why               string // reason appended to the note; "" = none
	}{
		// North America (default US)
		{"+12405551212", "", "+12405551212", ""},             // already E.164: no note
		{"(240) 555-1212", "", "+12405551212", ""},           // US punctuation
		{"240.555.1212", "US", "+12405551212", ""},           // dots
		{"240-555-1212", "us", "+12405551212", ""},           // lower-case country
		{"2405551212", "", "+12405551212", ""},               // digits only
		{"12405551212", "", "+12405551212", ""},              // 11 digits with the national 1
		{"1 (240) 555-1212", "", "+12405551212", ""},         // 1 + punctuation
		{"+1 240 555 1212", "", "+12405551212", ""},          // spaced international
		{"+1-240-555-1212", "GB", "+12405551212", ""},        // international ignores the default
		{"+1 (240) 555\u20111212", "", "+12405551212", ""},   // non-breaking hyphen
		{"240\u2013555\u20131212", "", "+12405551212", ""},   // en dashes from autocorrect
		{"240\u00a0555\u00a01212", "", "+12405551212", ""},   // non-breaking spaces inside
		{"240/555-1212", "", "+12405551212", ""},             // slash
		{"001 240 555 1212", "", "+12405551212", ""},         // 00 international prefix
		{"011 44 20 7946 0958", "US", "+442079460958", ""},   // North American international prefix
		{"011 44 20 7946 0958", "CA", "+442079460958", ""},   // same for Canada
		{"(416) 555-0100", "CA", "+14165550100", ""},         // Canadian number, default CA
		{"tel:+1-240-555-1212", "", "+12405551212", ""},      // tel: URI
		{"TEL:+12405551212", "", "+12405551212", ""},         // tel: in capitals
		{"'2405551212", "", "+12405551212", ""},              // Excel's text apostrophe kept by the export
		{"'+44 20 7946 0958", "", "+442079460958", ""},       // apostrophe before +
		{"\u200b+12405551212\u00a0", "", "+12405551212", ""}, // invisible paste damage around: trimmed, no note
		// United Kingdom
		{"+44 20 7946 0958", "", "+442079460958", ""},                               // London, international
		{"+44 (0)20 7946 0958", "", "+442079460958", ""},                            // bracketed trunk 0 dropped
		{"+44(0)2079460958", "", "+442079460958", ""},                               // bracketed trunk, no spaces
		{"0044 (0)20 7946 0958", "", "+442079460958", ""},                           // 00 prefix and bracketed trunk
		{"(+44) 20 7946 0958", "", "+442079460958", ""},                             // country code in brackets
		{"+44 020 7946 0958", "", "+442079460958", "dropped the trunk 0 after +44"}, // trunk written after +44
		{"020 7946 0958", "GB", "+442079460958", ""},                                // national with trunk 0
		{"020 7946 0958", "uk", "+442079460958", ""},                                // UK as an alias of GB
		{"(0)20 7946 0958", "GB", "+442079460958", ""},                              // bracketed trunk, national
		{"07700 900123", "GB", "+447700900123", ""},                                 // mobile
		{"02079460958", "GB", "+442079460958", ""},                                  // digits only, trunk kept (Text column)
		{"0044 20 7946 0958", "GB", "+442079460958", ""},                            // 00 prefix from GB
		// Europe
		{"+49 30 123456", "", "+4930123456", ""},         // Berlin, short subscriber number
		{"030 1234567", "DE", "+49301234567", ""},        // Germany national
		{"+49 (0)89 1234 5678", "", "+498912345678", ""}, // Munich with (0)
		{"01 42 68 53 00", "FR", "+33142685300", ""},     // France national
		{"+33 6 12 34 56 78", "", "+33612345678", ""},    // French mobile
		{"020 123 4567", "NL", "+31201234567", ""},       // Netherlands
		{"02 123 45 67", "BE", "+3221234567", ""},        // Belgium, 8-digit NSN
		{"0470 12 34 56", "BE", "+32470123456", ""},      // Belgian mobile, 9-digit NSN
		{"912 345 678", "ES", "+34912345678", ""},        // Spain: no trunk prefix
		{"+34 612 345 678", "", "+34612345678", ""},      // Spanish mobile
		{"06 1234 5678", "IT", "+390612345678", ""},      // Rome: Italy keeps its 0
		{"+39 06 1234 5678", "", "+390612345678", ""},    // Italy keeps its 0 after +39 too
		{"333 123 4567", "IT", "+393331234567", ""},      // Italian mobile
		{"01 234 5678", "IE", "+35312345678", ""},        // Dublin
		{"044 668 18 00", "CH", "+41446681800", ""},      // Zurich
		{"01 234567", "AT", "+431234567", ""},            // Vienna
		{"08-123 456 78", "SE", "+46812345678", ""},      // Stockholm
		{"22 12 34 56", "NO", "+4722123456", ""},         // Norway: 8 digits, no trunk
		{"32 12 34 56", "DK", "+4532123456", ""},         // Denmark
		{"09 1234 5678", "FI", "+358912345678", ""},      // Helsinki
		{"12 345 67 89", "PL", "+48123456789", ""},       // Poland
		{"21 123 4567", "PT", "+351211234567", ""},       // Lisbon
		// Asia-Pacific, Africa, Latin America
		{"(02) 9374 4000", "AU", "+61293744000", ""},        // Sydney
		{"0412 345 678", "AU", "+61412345678", ""},          // Australian mobile
		{"0011 44 20 7946 0958", "AU", "+442079460958", ""}, // Australian international prefix 0011
		{"00 44 20 7946 0958", "AU", "+442079460958", ""},   // 00 still read as international there
		{"09 123 4567", "NZ", "+6491234567", ""},            // Auckland
		{"098765 43210", "IN", "+919876543210", ""},         // Indian mobile
		{"03-1234-5678", "JP", "+81312345678", ""},          // Tokyo
		{"010 1 240 555 1212", "JP", "+12405551212", ""},    // Japanese international prefix 010
		{"6123 4567", "SG", "+6561234567", ""},              // Singapore
		{"021 123 4567", "ZA", "+27211234567", ""},          // Cape Town
		{"55 1234 5678", "MX", "+525512345678", ""},         // Mexico City
		// countries outside the table, international form
		{"+7 495 123-45-67", "", "+74951234567", ""},     // Russia
		{"+86 10 1234 5678", "US", "+861012345678", ""},  // China
		{"+55 11 91234 5678", "", "+5511912345678", ""},  // Brazil
		{"+971 4 123 4567", "", "+97141234567", ""},      // UAE
		{"+353 (0)1 234 5678", "", "+35312345678", ""},   // Ireland with (0), known
		{"+420 (0)2 1234 5678", "", "+420212345678", ""}, // (0) after an unknown 3-digit code: convention, dropped
		{"00 7 495 123 4567", "", "+74951234567", ""},    // 00 prefix, unknown code
	}
	for _, tt := range tests {
		got, note, err := Phone(tt.in, tt.country)
		if err != nil || got != tt.want {
			t.Errorf("Phone(%q, %q) = %q, %v; want %q", tt.in, tt.country, got, err, tt.want)
			continue
		}
		if !e164.MatchString(got) {
			t.Errorf("Phone(%q, %q) = %q, not E.164", tt.in, tt.country, got)
		}
		wantNote := ""
		if in := Trim(tt.in); in != got {
			wantNote = got + " from " + strconv.Quote(in)
			if tt.why != "" {
				wantNote += " (" + tt.why + ")"
			}
		}
		if note != wantNote {
			t.Errorf("Phone(%q, %q) note = %q, want %q", tt.in, tt.country, note, wantNote)
		}
	}
}

func TestPhoneInvalid(t *testing.T) {
	tests := []struct {
		in, country string
		err         string // substring of the error
		excel       bool   // spreadsheet damage: the message must carry the Text-column fix
	}{
		// spreadsheet damage
		{"2.40555E+10", "", "scientific notation", true},                                                  // Excel's display of 24055512120
		{"2,40555E+10", "", "scientific notation", true},                                                  // same with a decimal comma
		{"1.2E10", "", "scientific notation", true},                                                       // short mantissa, no sign
		{"4.42079E+11", "GB", "scientific notation", true},                                                // a lost-+ GB number, too
		{"2.40555e+10", "", "scientific notation", true},                                                  // lower-case e
		{"24055E10", "", "scientific notation", true},                                                     // no decimal part
		{"2405551212.0", "", "decimal part", true},                                                        // stored as number, then exported with .0
		{"2405551212,00", "", "decimal part", true},                                                       // decimal comma
		{"+442079460958.0", "", "decimal part", true},                                                     // even with a +
		{"442079460958", "US", "+442079460958 that lost its leading '+'", true},                           // GB number without + under US
		{"4930123456", "US", "+4930123456 that lost its leading '+'", true},                               // 10 digits but not valid NANP (exchange 012)
		{"12405551212", "GB", "+12405551212 that lost its leading '+'", true},                             // US number without + under GB
		{"33142685300", "FR", "+33142685300 that lost its leading '+'", true},                             // French number, 11 digits
		{"393331234567", "IT", "+393331234567 that lost its leading '+'", true},                           // Italian mobile with its code
		{"2079460958", "GB", "GB number 02079460958 that lost its leading 0", true},                       // GB national without trunk
		{"612345678", "IT", "IT number 0612345678 that lost its leading 0", true},                         // Rome without its 0
		{"412345678", "AU", "AU number 0412345678 that lost its leading 0", true},                         // Australian mobile without trunk
		{"4930123456", "DE", "+4930123456 that lost its leading '+', or the DE number 04930123456", true}, // two readings, both named
		{"#######", "", "too narrow", true},                                                               // the cell was shown, not exported
		// extensions and other content
		{"240-555-1212 x123", "", `put 123 in the extension column`, false},            // x
		{"240-555-1212 ext. 123", "", `put 123 in the extension column`, false},        // ext.
		{"240-555-1212 Ext 45", "", `put 45 in the extension column`, false},           // Ext
		{"+1 240 555 1212 extension 9", "", `put 9 in the extension column`, false},    // extension
		{"240-555-1212#77", "", `put 77 in the extension column`, false},               // #
		{"tel:+12405551212;ext=33", "", `put 33 in the extension column`, false},       // RFC 3966 extension
		{"tel:+12405551212;phone-context=x", "", "tel: parameters", false},             // other URI parameter
		{"1-800-FLOWERS", "", "contains letters", false},                               // vanity number
		{"n/a", "", "contains letters", false},                                         // placeholder text
		{"240-555-1212, 240-555-1213", "", "more than one number", false},              // two numbers
		{"240-555-1212; 301-555-1212", "", "more than one number", false},              // two numbers, semicolon
		{"+1 240 555 1212 +1 301 555 1212", "", "'+' that is not at the start", false}, // two numbers, two +
		{"240*555*1212", "", `contains '*'`, false},                                    // stray symbol
		{"２４０５５５１２１２", "", "does not belong", false},                                   // full-width digits
		{"+", "", "no digits", false},                                                  // sign only
		{"()", "", "no digits", false},                                                 // brackets only
		{"tel:", "", "holds no number", false},                                         // empty URI
		{"", "", "empty", false},                                                       // empty
		// invalid numbers
		{"555-1212", "", "7 digits", false},                                             // US local number without area code
		{"240-555-121", "", "9 digits", false},                                          // one digit short
		{"140-555-1212", "", "must start with 2-9", false},                              // area code starting with 1
		{"240-155-1212", "", "must start with 2-9", false},                              // exchange starting with 1
		{"911-555-1212", "", "N11", false},                                              // N11 service code as area code
		{"+1 240 555 12123", "", "11 digits after the 1", false},                        // too long after +1
		{"20 7946 0958", "GB", "trunk prefix 0", false},                                 // GB national without trunk, formatted: not Excel
		{"+44 20 7946 09", "", "8 digits after the country code 44", false},             // too short
		{"+44 (0)20 7946 0958 (0)", "", "twice", false},                                 // (0) twice
		{"+442 (0)0 7946 0958", "", "other than right after the country code", false},   // (0) in the wrong place
		{"+39 (0)6 1234 5678", "", "no trunk 0 to drop", false},                         // Italy keeps its 0: ambiguous
		{"+1 (0)240 555 1212", "", "no trunk 0 to drop", false},                         // NANP has no trunk 0
		{"44 (0)20 7946 0958", "US", "no leading '+'", false},                           // (0) without +
		{"+44 (0)020 7946 0958", "", "11 digits after the country code 44", false},      // trunk twice: one digit too many
		{"+44 (0)0 7946 0958", "", "+44 numbers have none", false},                      // a second 0 after the bracketed trunk
		{"+0 123 456 789", "", "country codes never start with 0", false},               // no such code
		{"000 44 20 7946 0958", "", "country codes never start with 0", false},          // 000 prefix
		{"00", "", "no digits after the international prefix", false},                   // prefix only
		{"+7 495 12", "", "6 digits after the '+'", false},                              // unknown code: too short for E.164
		{"+7 495 123 4567 8901 234", "", "18 digits after the '+'", false},              // unknown code: too long
		{"912 345 678", "ZZ", "not one this tool knows", false},                         // unknown default country
		{"412 345 678", "ES", "national ES numbers start with 6 or 7 or 8 or 9", false}, // formatted, bad lead
		{"33 123 4567", "GB", "trunk prefix 0", false},                                  // formatted, no trunk
		{"0 240 555 1212", "US", "11 digits", false},                                    // trunk 0 under US
		{"2345 678", "IT", "national IT numbers start with 0 or 3", false},              // formatted, bad lead: not called damage
		{"98765", "IN", "trunk prefix 0", false},                                        // too short, digits only, no damage reading
	}
	for _, tt := range tests {
		got, note, err := Phone(tt.in, tt.country)
		if err == nil {
			t.Errorf("Phone(%q, %q) = %q, %q; want an error containing %q", tt.in, tt.country, got, note, tt.err)
			continue
		}
		if got != "" || note != "" {
			t.Errorf("Phone(%q, %q) = %q, %q with an error", tt.in, tt.country, got, note)
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.err) {
			t.Errorf("Phone(%q, %q) error = %q, want it to contain %q", tt.in, tt.country, msg, tt.err)
		}
		if hasFix := strings.Contains(msg, excelFix); hasFix != tt.excel {
			t.Errorf("Phone(%q, %q) error = %q: Excel fix present = %v, want %v", tt.in, tt.country, msg, hasFix, tt.excel)
		}
	}
}

// The brief's wording of the fix is what support will search for.
func TestExcelFixWording(t *testing.T) {
	if !strings.Contains(excelFix, "format the column as Text in Excel (or prefix with ') and re-export") {
		t.Errorf("excelFix = %q", excelFix)
	}
}

// Every table entry is self-consistent: cc digits, trunk, lengths inside E.164.
func TestCountryTable(t *testing.T) {
	if len(countries) < 20 {
		t.Errorf("only %d countries", len(countries))
	}
	for iso, c := range countries {
		if c.iso != iso || c.cc == "" || c.cc[0] == '0' || c.min > c.max || len(c.cc)+c.max > 15 {
			t.Errorf("bad entry %s: %+v", iso, *c)
		}
		if got := lookupCC(c.cc + strings.Repeat("5", c.max)); got == nil || got.cc != c.cc {
			t.Errorf("lookupCC does not find %s by +%s", iso, c.cc)
		}
	}
}

// FuzzPhone: never panics; a returned number is E.164 and is returned again
// unchanged, with no note, when fed back in.
func FuzzPhone(f *testing.F) {
	for _, s := range []string{
		"(240) 555-1212", "+44 (0)20 7946 0958", "020 7946 0958", "2.40555E+10", "2405551212.0",
		"442079460958", "tel:+1;ext=1", "001 240 555 1212", "+39 06 1234 5678", "x", "(0)", "0011 44",
		"'+", "##", "+44 020 7946 0958", "１２", "1-800-FLOWERS", "240-555-1212 x1",
	} {
		for _, c := range []string{"", "GB", "IT", "AU", "DE", "ZZ"} {
			f.Add(s, c)
		}
	}
	f.Fuzz(func(t *testing.T, s, country string) {
		got, _, err := Phone(s, country)
		if err != nil {
			if got != "" {
				t.Fatalf("Phone(%q, %q) returned %q with error %v", s, country, got, err)
			}
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("Phone(%q, %q) = %q, not E.164", s, country, got)
		}
		again, note, err := Phone(got, country)
		if err != nil || again != got || note != "" {
			t.Fatalf("Phone(%q, %q) = %q, but Phone(%q) = %q, %q, %v", s, country, got, got, again, note, err)
		}
	})
}
