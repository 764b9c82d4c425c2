package sheet_test

import (
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/sheet"
)

func TestSafeCell(t *testing.T) {
	cases := []struct{ in, plain, excel string }{
		{"=1+2", "'=1+2", "'=1+2"},                                          // formula
		{"+1 240 555", "'+1 240 555", `="+1 240 555"`},                      // a leading plus is a formula to Excel: quoted; for Excel a phone, as text
		{"+49 (30) 123-4567", "'+49 (30) 123-4567", `="+49 (30) 123-4567"`}, // a phone as people write it: text, no quote, for Excel
		{"+49 30 12345+1", "'+49 30 12345+1", "'+49 30 12345+1"},            // a sum is no phone
		{"+12405551212", "+12405551212", `="+12405551212"`},                 // E.164: safe, kept as text for Excel
		{"-5", "'-5", "'-5"},                                                // minus
		{"@SUM(A1)", "'@SUM(A1)", "'@SUM(A1)"},                              // at
		{"\tx", "'\tx", "'\tx"},                                             // tab
		{"\rx", "'\rx", "'\rx"},                                             // carriage return
		{"ann@acme.example", "ann@acme.example", "ann@acme.example"},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := sheet.SafeCell(c.in, false); got != c.plain {
			t.Errorf("SafeCell(%q) = %q, want %q", c.in, got, c.plain)
		}
		if got := sheet.SafeCell(c.in, true); got != c.excel {
			t.Errorf("SafeCell(%q, excel) = %q, want %q", c.in, got, c.excel)
		}
	}
}

// FuzzCellRoundTrip: what SafeCell writes, UnwrapCell reads back as it
// was, for every value that is not itself in an escaped form.
func FuzzCellRoundTrip(f *testing.F) {
	for _, s := range []string{"=1+2", "+12405551212", "-", "@", "\tx", "ann", "", `="x"`, "'=x", "+0123456789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		escaped := (len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1]))) ||
			(strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`))
		if escaped {
			return
		}
		for _, excel := range []bool{false, true} {
			if got := sheet.UnwrapCell(sheet.SafeCell(s, excel)); got != s {
				t.Fatalf("excel=%v: %q -> %q -> %q", excel, s, sheet.SafeCell(s, excel), got)
			}
		}
	})
}
