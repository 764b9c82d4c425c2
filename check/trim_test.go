package check

import "testing"

func TestTrim(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},                                           // empty stays empty
		{"abc", "abc"},                                     // nothing to trim
		{"  abc  ", "abc"},                                 // ASCII spaces
		{"\tabc\t", "abc"},                                 // tabs
		{"\r\nabc\r\n", "abc"},                             // line ends from multi-line cells
		{"\u00a0abc\u00a0", "abc"},                         // non-breaking space (web pages)
		{"\u2007abc\u202f", "abc"},                         // figure space, narrow no-break space
		{"\u200babc\u200b", "abc"},                         // zero-width space
		{"\ufeffabc", "abc"},                               // byte-order mark on the first cell
		{"\u200c\u200d\u2060abc\u180e", "abc"},             // zero-width joiners, word joiner, Mongolian vowel separator
		{"\u3000abc\u2003", "abc"},                         // ideographic and em spaces
		{"a b\u00a0c", "a b\u00a0c"},                       // inner blanks are kept
		{" \u200b\u00a0 ", ""},                             // blanks only
		{"\u00a0 \ufeff x \u200b\t", "x"},                  // mixed runs
		{"Jos\u00e9", "Jos\u00e9"},                         // non-ASCII letters untouched
		{"\u200b+1 240 555 1212\u00a0", "+1 240 555 1212"}, // a pasted phone number
	}
	for _, tt := range tests {
		if got := Trim(tt.in); got != tt.want {
			t.Errorf("Trim(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
