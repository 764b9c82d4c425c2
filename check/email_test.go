package check

import (
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct {
		in, want, note string
		err            string // substring of the error; "" = valid
	}{
		// valid, unchanged
		{"john@acme.com", "john@acme.com", "", ""},                               // plain
		{"john.anderson@acme.co.uk", "john.anderson@acme.co.uk", "", ""},         // dots, multi-label domain
		{"j+sales@acme-corp.example", "j+sales@acme-corp.example", "", ""},       // plus tag, hyphen in label
		{"o'brien@acme.ie", "o'brien@acme.ie", "", ""},                           // apostrophe is atext
		{"user_1!#$%&*/=?^`{|}~-@a1.io", "user_1!#$%&*/=?^`{|}~-@a1.io", "", ""}, // every atext symbol
		{"a@b.xn--p1ai", "a@b.xn--p1ai", "", ""},                                 // punycode TLD
		{"  john@acme.com\u00a0", "john@acme.com", "", ""},                       // trimming is not a note here (Row notes it)
		// repaired with a note
		{"John@Acme.COM", "john@acme.com", "lower-cased", ""},                                                               // lower-cased
		{"mailto:john@acme.com", "john@acme.com", `removed "mailto:" prefix`, ""},                                           // mailto link
		{"MAILTO:John@acme.com", "john@acme.com", `removed "mailto:" prefix; lower-cased`, ""},                              // both, in order
		{"John Smith <john@acme.com>", "john@acme.com", `took the address out of "John Smith <john@acme.com>"`, ""},         // display-name form
		{`"Smith, John" <john@acme.com>`, "john@acme.com", `took the address out of "\"Smith, John\" <john@acme.com>"`, ""}, // quoted display name with comma
		{"<john@acme.com>", "john@acme.com", "removed the surrounding <>", ""},                                              // bare angle brackets
		{"john@acme.com>", "john@acme.com", "removed a trailing '>'", ""},                                                   // trailing '>' from a half copy
		{"<john@acme.com", "john@acme.com", "removed a leading '<'", ""},                                                    // leading '<' from a half copy
		{"<mailto:john@acme.com>", "john@acme.com", `removed the surrounding <>; removed "mailto:" prefix`, ""},             // link in brackets
		{"john@acme.com;", "john@acme.com", "removed a trailing ';'", ""},                                                   // Outlook list separator
		{"john@acme.com,", "john@acme.com", "removed a trailing ','", ""},                                                   // comma list separator
		// errors
		{"", "", "", "empty"},                                                    // empty
		{" \u200b ", "", "", "empty"},                                            // blanks only
		{"<>", "", "", "holds no address"},                                       // wrapper only
		{"john.acme.com", "", "", "has no @"},                                    // no @
		{"john@@acme.com", "", "", "2 @ signs"},                                  // two @
		{"a@b.com@c.com", "", "", "2 @ signs"},                                   // two @, glued
		{"@acme.com", "", "", "nothing before the @"},                            // empty local part
		{"john@", "", "", "nothing after the @"},                                 // empty domain
		{"john@acme", "", "", "without a dot"},                                   // no dot in domain
		{"john@acme,com", "", "", "did you mean john@acme.com?"},                 // comma for dot
		{"John@Acme,co,uk", "", "", "did you mean John@Acme.co.uk?"},             // several commas
		{"john smith@acme.com", "", "", "contains a space"},                      // space inside
		{"a@b.com b@c.com", "", "", "more than one address"},                     // two addresses in one cell
		{"a@b.com; b@c.com", "", "", "more than one address"},                    // two addresses with a separator
		{"john..smith@acme.com", "", "", "two dots in a row before"},             // consecutive dots, local
		{"john@acme..com", "", "", "two dots in a row in the domain"},            // consecutive dots, domain
		{".john@acme.com", "", "", "dot at the start or end"},                    // leading dot, local
		{"john.@acme.com", "", "", "dot at the start or end"},                    // trailing dot, local
		{"john@.acme.com", "", "", "dot at the start or end of the domain"},      // leading dot, domain
		{"john@acme.com.", "", "", "dot at the start or end of the domain"},      // trailing dot, domain
		{`"john smith"@acme.com`, "", "", "quoted part"},                         // quoted local part
		{"john(work)@acme.com", "", "", `contains "("`},                          // comment syntax
		{"john@acme.c", "", "", "too short"},                                     // one-letter TLD
		{"john@acme.c0m", "", "", "only letters"},                                // digit in TLD
		{"john@acme.123", "", "", "only letters"},                                // numeric TLD
		{"john@-acme.com", "", "", "starts or ends with '-'"},                    // hyphen at label start
		{"john@acme-.com", "", "", "starts or ends with '-'"},                    // hyphen at label end
		{"john@ac_me.com", "", "", `contains "_" in the domain`},                 // underscore in domain
		{"john@[10.0.0.1]", "", "", "IP address"},                                // IP literal
		{"jos\u00e9@acme.com", "", "", "not ASCII"},                              // non-ASCII local part
		{"john@b\u00fccher.de", "", "", "not ASCII"},                             // non-ASCII domain
		{"john\u200b@acme.com", "", "", "invisible character"},                   // zero-width space inside
		{"john\u00a0smith@acme.com", "", "", "invisible character or odd space"}, // NBSP inside
		{"\u212a@acme.com", "", "", "not ASCII"},                                 // Kelvin sign would lower-case to k: refused, not folded
		{long + "@acme.com", "", "", "65 characters before the @"},               // local part too long
		{"a@" + strings.Repeat("b", 64) + ".com", "", "", "label of 64"},         // label too long
		{"a@" + strings.Repeat("b.", 130) + "com", "", "", "at most 254"},        // address too long
		{"mailto:", "", "", "holds no address"},                                  // prefix only
		{"john@acme.com?subject=hi", "", "", `contains "?" in the domain`},       // mailto query left over
	}
	for _, tt := range tests {
		got, note, err := Email(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Email(%q) error = %v, want it to contain %q", tt.in, err, tt.err)
			}
			if got != "" || note != "" {
				t.Errorf("Email(%q) = %q, %q with an error, want empty results", tt.in, got, note)
			}
			continue
		}
		if err != nil || got != tt.want || note != tt.note {
			t.Errorf("Email(%q) = %q, %q, %v; want %q, %q, nil", tt.in, got, note, err, tt.want, tt.note)
		}
	}
}

// Every error names the value, so a message copied into a report still makes sense.
func TestEmailErrorQuotesInput(t *testing.T) {
	for _, in := range []string{"john@acme,com", "a b@c.com", "x@y"} {
		if _, _, err := Email(in); err == nil || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("Email(%q) error = %v, want the quoted input in it", in, err)
		}
	}
}

// FuzzEmail: never panics; a returned address is ASCII lower-case and passes
// Email again unchanged with no note (idempotent).
func FuzzEmail(f *testing.F) {
	for _, s := range []string{
		"john@acme.com", "John Smith <John@Acme.COM>", "mailto:a@b.co", "a@b,com", "a..b@c.com",
		"<x@y.io>;", "\"q\"@x.com", "a@b.xn--p1ai", "\u212a@x.com", "a@b.c", "@", "<>", "a@b.com>,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _, err := Email(s)
		if err != nil {
			if got != "" {
				t.Fatalf("Email(%q) returned %q with error %v", s, got, err)
			}
			return
		}
		if got != strings.ToLower(got) || strings.ContainsFunc(got, func(r rune) bool { return r > 127 || r <= ' ' }) {
			t.Fatalf("Email(%q) = %q: not lower-case printable ASCII", s, got)
		}
		again, note, err := Email(got)
		if err != nil || again != got || note != "" {
			t.Fatalf("Email(%q) = %q, but Email(%q) = %q, %q, %v", s, got, got, again, note, err)
		}
	})
}
