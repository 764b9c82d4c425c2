package check

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// e164 is the shape of a result: libphonenumber's valid numbers run from 6
// digits (+49 and a 4-digit NSN) to 19 (+62 and 17), E.164's 15 aside.
var e164 = regexp.MustCompile(`^\+[1-9]\d{5,18}$`)

// phoneCase is a number Phone reads; why is the reason appended to the note.
type phoneCase struct{ in, country, want, why string }

// nationalExamples are national numbers of the countries as
// libphonenumber reads them, from documented fictional or example ranges
// where the country has one (Ofcom's drama numbers, ACMA's 5550 and 0491 570
// ranges, NANP 555-01xx).
var nationalExamples = []phoneCase{
	{"06 1234 5678", "IT", "+390612345678", ""},        // Rome: Italy keeps its 0
	{"02 1234 5678", "IT", "+390212345678", ""},        // Milan
	{"333 123 4567", "IT", "+393331234567", ""},        // Italian mobile
	{"912 345 678", "ES", "+34912345678", ""},          // Madrid: no trunk prefix
	{"612 345 678", "ES", "+34612345678", ""},          // Spanish mobile
	{"020 123 4567", "NL", "+31201234567", ""},         // Amsterdam
	{"06 12345678", "NL", "+31612345678", ""},          // Dutch mobile
	{"55 1234 5678", "MX", "+525512345678", ""},        // Mexico City: 10 digits, no prefix since 2019
	{"33 1234 5678", "MX", "+523312345678", ""},        // Guadalajara
	{"021 123 4567", "ZA", "+27211234567", ""},         // Cape Town
	{"071 234 5678", "ZA", "+27712345678", ""},         // South African mobile
	{"6123 4567", "SG", "+6561234567", ""},             // Singapore fixed
	{"9123 4567", "SG", "+6591234567", ""},             // Singapore mobile
	{"044 668 18 00", "CH", "+41446681800", ""},        // Zurich
	{"078 123 45 67", "CH", "+41781234567", ""},        // Swiss mobile
	{"011 4123-4567", "AR", "+541141234567", ""},       // Buenos Aires
	{"0351 412-3456", "AR", "+543514123456", ""},       // Córdoba
	{"011 15-2345-6789", "AR", "+5491123456789", ""},   // Argentine mobile dialled at home: 15 becomes the 9 of +54 9
	{"+54 9 11 2345 6789", "", "+5491123456789", ""},   // the same, international
	{"02 5550 1234", "AU", "+61255501234", ""},         // Sydney, ACMA fictional range
	{"0491 570 156", "AU", "+61491570156", ""},         // Australian mobile, ACMA fictional
	{"491570156", "AU", "+61491570156", ""},            // digits only without trunk: a lost 0 reads the same
	{"1300 975 707", "AU", "+611300975707", ""},        // 1300 number, ACMA fictional
	{"1800 160 401", "AU", "+611800160401", ""},        // 1800 freephone, ACMA fictional
	{"13 15 06", "AU", "+61131506", ""},                // 13 number: 6 digits
	{"98765 43210", "IN", "+919876543210", ""},         // Indian mobile without trunk 0
	{"9876543210", "IN", "+919876543210", ""},          // the same, digits only
	{"098765 43210", "IN", "+919876543210", ""},        // and with it
	{"011 2345 6789", "IN", "+911123456789", ""},       // Delhi
	{"(11) 91234-5678", "BR", "+5511912345678", ""},    // São Paulo mobile
	{"(21) 2123-4567", "BR", "+552121234567", ""},      // Rio de Janeiro fixed
	{"011 91234 5678", "BR", "+5511912345678", ""},     // with trunk 0
	{"0 21 11 91234 5678", "BR", "+5511912345678", ""}, // trunk 0 and carrier code 21, both dropped
	{"0800 123 4567", "BR", "+558001234567", ""},       // Brazilian freephone
	{"12 345 67 89", "PL", "+48123456789", ""},         // Kraków
	{"512 345 678", "PL", "+48512345678", ""},          // Polish mobile
	{"01 234 5678", "IE", "+35312345678", ""},          // Dublin
	{"021 123 4567", "IE", "+353211234567", ""},        // Cork
	{"085 123 4567", "IE", "+353851234567", ""},        // Irish mobile
	{"(202) 555-0143", "US", "+12025550143", ""},       // NANP fictional 555-01xx
}

func TestPhoneValid(t *testing.T) {
	tests := []phoneCase{
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
		{"07700 123456", "GB", "+447700123456", ""},                                 // mobile
		{"0113 496 0000", "GB", "+441134960000", ""},                                // Leeds, Ofcom drama range
		{"20 7946 0958", "GB", "+442079460958", ""},                                 // without the trunk 0: the library reads it so
		{"2079460958", "GB", "+442079460958", ""},                                   // digits only without trunk: a lost 0 reads the same
		{"+44 (0)020 7946 0958", "", "+442079460958", ""},                           // trunk twice: the library drops the second too
		{"02079460958", "GB", "+442079460958", ""},                                  // digits only, trunk kept (Text column)
		{"0044 20 7946 0958", "GB", "+442079460958", ""},                            // 00 prefix from GB
		// Europe
		{"+49 30 123456", "", "+4930123456", ""},         // Berlin, short subscriber number
		{"030 1234567", "DE", "+49301234567", ""},        // Germany national
		{"+49 (0)89 1234 5678", "", "+498912345678", ""}, // Munich with (0)
		{"01 42 68 53 00", "FR", "+33142685300", ""},     // France national
		{"+33 6 12 34 56 78", "", "+33612345678", ""},    // French mobile
		{"020 123 4567", "NL", "+31201234567", ""},       // Netherlands
		{"02 555 12 12", "BE", "+3225551212", ""},        // Belgium, 8-digit NSN
		{"0470 12 34 56", "BE", "+32470123456", ""},      // Belgian mobile, 9-digit NSN
		{"+34 612 345 678", "", "+34612345678", ""},      // Spanish mobile
		{"+39 06 1234 5678", "", "+390612345678", ""},    // Italy keeps its 0 after +39 too
		{"01 234567", "AT", "+431234567", ""},            // Vienna
		{"08-123 456 78", "SE", "+46812345678", ""},      // Stockholm
		{"22 12 34 56", "NO", "+4722123456", ""},         // Norway: 8 digits, no trunk
		{"32 12 34 56", "DK", "+4532123456", ""},         // Denmark
		{"09 1234 5678", "FI", "+358912345678", ""},      // Helsinki
		{"21 123 4567", "PT", "+351211234567", ""},       // Lisbon
		// Asia-Pacific, Africa, Latin America
		{"(02) 9374 4000", "AU", "+61293744000", ""},        // Sydney
		{"0011 44 20 7946 0958", "AU", "+442079460958", ""}, // Australian international prefix 0011
		{"00 44 20 7946 0958", "AU", "+442079460958", ""},   // 00 still read as international there
		{"09 555 0123", "NZ", "+6495550123", ""},            // Auckland
		{"03-1234-5678", "JP", "+81312345678", ""},          // Tokyo
		{"010 1 240 555 1212", "JP", "+12405551212", ""},    // Japanese international prefix 010
		// other countries, international form
		{"+7 495 123-45-67", "", "+74951234567", ""},    // Russia
		{"+86 10 1234 5678", "US", "+861012345678", ""}, // China
		{"+55 11 91234 5678", "", "+5511912345678", ""}, // Brazil
		{"+971 4 312 3456", "", "+97143123456", ""},     // UAE
		{"+353 (0)1 234 5678", "", "+35312345678", ""},  // Ireland with (0)
		{"00 7 495 123 4567", "", "+74951234567", ""},   // 00 prefix
		{"+683 4002", "", "+6834002", ""},               // Niue: 4-digit numbers, 7 digits in all
		{"+1 268 464 1234", "", "+12684641234", ""},     // Antigua, a +1 region with leading digits 268
		// (0) where the country has no trunk 0: the one reading that is a number
		{"+420 (0)2 1234 5678", "", "+420212345678", "dropped the (0): +420 numbers have no trunk 0"},
		{"+1 (0)240 555 1212", "", "+12405551212", "dropped the (0): +1 numbers have no trunk 0"},
		{"+39 (0)6 1234 5678", "", "+390612345678", "kept the 0 of (0): it is part of +39 numbers"},
		// the country code written without '+' (a lost '+' in a digits-only cell)
		{"44 20 7946 0958", "GB", "+442079460958", "read the leading 44 as the country code"},
		{"33142685300", "FR", "+33142685300", "read the leading 33 as the country code"},
		{"393331234567", "IT", "+393331234567", "read the leading 39 as the country code"},
		{"4930123456", "DE", "+4930123456", "read the leading 49 as the country code"},
		// +1 written as the trunk 1 after +1
		{"+1 1 240 555 1212", "", "+12405551212", "dropped the trunk 1 after +1"},
	}
	tests = append(tests, nationalExamples...)
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
		{"2.40555E+10", "", "scientific notation", true},                                                     // Excel's display of 24055512120
		{"2,40555E+10", "", "scientific notation", true},                                                     // same with a decimal comma
		{"1.2E10", "", "scientific notation", true},                                                          // short mantissa, no sign
		{"4.42079E+11", "GB", "scientific notation", true},                                                   // a lost-+ GB number, too
		{"2.40555e+10", "", "scientific notation", true},                                                     // lower-case e
		{"24055E10", "", "scientific notation", true},                                                        // no decimal part
		{"2405551212.0", "", "decimal part", true},                                                           // stored as number, then exported with .0
		{"2405551212,00", "", "decimal part", true},                                                          // decimal comma
		{"+442079460958.0", "", "decimal part", true},                                                        // even with a +
		{"442079460958", "US", "+442079460958 that lost its leading '+'", true},                              // GB number without + under US
		{"4930123456", "US", "+4930123456 that lost its leading '+'", true},                                  // 10 digits but not valid NANP (exchange 012)
		{"12405551212", "GB", "+12405551212 that lost its leading '+'", true},                                // US number without + under GB
		{"612345678", "IT", "IT number 0612345678 that lost its leading 0", true},                            // Rome without its 0
		{"97122345678", "DE", "+97122345678 that lost its leading '+', or the DE number 097122345678", true}, // Dubai, or Bad Kissingen: both named
		{"#######", "", "too narrow", true},                                                                  // the cell was shown, not exported
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
		{"+", "", "no digits", false},                                                  // sign only
		{"()", "", "no digits", false},                                                 // brackets only
		{"tel:", "", "holds no number", false},                                         // empty URI
		{"", "", "empty", false},                                                       // empty
		// invalid numbers
		{"555-1212", "", "7 digits", false},                                                                 // US local number without area code
		{"240-555-121", "", "9 digits", false},                                                              // one digit short
		{"140-555-1212", "", "must start with 2-9", false},                                                  // area code starting with 1
		{"240-155-1212", "", "must start with 2-9", false},                                                  // exchange starting with 1
		{"911-555-1212", "", "N11", false},                                                                  // N11 service code as area code
		{"+1 240 555 12123", "", "11 digits after the country code 1", false},                               // too long after +1
		{"+44 20 7946 09", "", "8 digits after the country code 44", false},                                 // too short
		{"020 7946 095", "GB", "GB numbers starting with 2 have 10", false},                                 // London, one digit short: a possible length, but not there
		{"+44 20 7946 095", "", "GB numbers starting with 2 have 10", false},                                // the same in international form
		{"07700 900123", "GB", "no GB number starts with 77009", false},                                     // Ofcom's drama range for mobiles: libphonenumber calls it invalid
		{"02 123 45 67", "BE", "no BE number starts with 21", false},                                        // no such Belgian range
		{"+971 4 123 4567", "", "no AE number starts with 41", false},                                       // nor in Dubai
		{"044 55 1234 5678", "MX", "13 digits; MX numbers have 10", false},                                  // Mexico's old mobile prefix, gone since 2019
		{"+999 1234 5678", "", "no country has +9, +99 or +999", false},                                     // no such calling code
		{"+44 (0)20 7946 0958 (0)", "", "twice", false},                                                     // (0) twice
		{"+442 (0)0 7946 0958", "", "other than right after the country code", false},                       // (0) in the wrong place
		{"+39 (0)331 234 5678", "", "no trunk 0 to drop", false},                                            // +39 0331... and +39 331... are both numbers
		{"44 (0)20 7946 0958", "US", "no leading '+'", false},                                               // (0) without +
		{"+44 (0)0 7946 0958", "", "no GB number starts with 0", false},                                     // a second 0 after the bracketed trunk
		{"+0 123 456 789", "", "country codes never start with 0", false},                                   // no such code
		{"000 44 20 7946 0958", "", "country codes never start with 0", false},                              // 000 prefix
		{"00", "", "no digits after the international prefix", false},                                       // prefix only
		{"+7 495 12", "", "5 digits after the country code 7; RU numbers have", false},                      // too short
		{"+7 495 123 4567 8901 234", "", "17 digits after the country code 7", false},                       // too long
		{"912 345 678", "ZZ", "not a region code", false},                                                   // unknown default country
		{"412 345 678", "ES", "no ES number starts with 4; 9-digit ones start with 5, 6, 7, 8 or 9", false}, // formatted, bad lead
		{"33 123 4567", "GB", "GB numbers starting with 3 have 10", false},                                  // formatted, no trunk, one digit short
		{"0 240 555 1212", "US", "11 digits", false},                                                        // trunk 0 under US
		{"2345 678", "IT", "no IT number starts with 2", false},                                             // formatted, bad lead: not called damage
		{"98765", "IN", "5 digits not counting the trunk prefix 0", false},                                  // too short, digits only, no damage reading
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

// Every region of the library is a default country; the list is sorted and
// the hint short.
func TestCountries(t *testing.T) {
	cs := Countries()
	if len(cs) < 240 || !sort.StringsAreSorted(cs) {
		t.Fatalf("Countries() = %d codes, sorted %v", len(cs), sort.StringsAreSorted(cs))
	}
	for _, c := range cs {
		if !KnownCountry(c) || !KnownCountry(strings.ToLower(c)) {
			t.Errorf("KnownCountry(%q) = false", c)
		}
	}
	for _, c := range []string{"BR", "uk", " gb ", "AR", "PL", "IE"} {
		if !KnownCountry(c) {
			t.Errorf("KnownCountry(%q) = false", c)
		}
	}
	for _, c := range []string{"", "ZZ", "001", "XX", "EU", "USA"} {
		if KnownCountry(c) {
			t.Errorf("KnownCountry(%q) = true", c)
		}
	}
	if h := CountryHint(); len(h) > 100 || !strings.Contains(h, "US") {
		t.Errorf("CountryHint() = %q", h)
	}
}

// FuzzPhone: never panics; a returned number is E.164, valid to
// libphonenumber, and is returned again unchanged, with no note, when fed
// back in.
func FuzzPhone(f *testing.F) {
	for _, s := range []string{
		"(240) 555-1212", "+44 (0)20 7946 0958", "020 7946 0958", "2.40555E+10", "2405551212.0",
		"442079460958", "tel:+1;ext=1", "001 240 555 1212", "+39 06 1234 5678", "x", "(0)", "0011 44",
		"'+", "##", "+44 020 7946 0958", "１２", "1-800-FLOWERS", "240-555-1212 x1",
		"011 15-2345-6789", "0 21 11 91234 5678", "13 15 06", "97122345678", "+39 (0)331 234 5678",
		"０６－６１２３－４５６７", "＋８１　６　６１２３　４５６７", "٠٢٠ ٧٩٤٦ ٠٩٥٨", "12\u202f34",
	} {
		for _, c := range []string{"", "GB", "IT", "AU", "DE", "ZZ", "AR", "BR", "IN", "AG"} {
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
		if _, ok := libRead(got, "ZZ"); !ok {
			t.Fatalf("Phone(%q, %q) = %q, which libphonenumber calls invalid", s, country, got)
		}
		again, note, err := Phone(got, country)
		if err != nil || again != got || note != "" {
			t.Fatalf("Phone(%q, %q) = %q, but Phone(%q) = %q, %q, %v", s, country, got, got, again, note, err)
		}
	})
}
