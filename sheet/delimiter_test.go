package sheet

import "testing"

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		name string
		line string
		want rune
	}{
		{"comma", "email,firstName,lastName", ','},                           // Google Sheets
		{"semicolon", "email;firstName;lastName", ';'},                       // Excel with a European locale
		{"tab", "email\tfirstName\tlastName", '\t'},                          // Excel "Unicode text"
		{"single column", "email", ','},                                      // nothing to count: default
		{"empty", "", ','},                                                   // nothing at all
		{"quoted comma in semicolon file", `"Last, First";email;phone`, ';'}, // the comma is inside quotes
		{"quoted semicolons in comma file", `"a;b;c","d;e",email`, ','},      // 1 comma vs 0 unquoted semicolons
		{"escaped quote keeps quoting", `"say ""hi"", ok";x;y`, ';'},         // "" does not end the quoted cell
		{"quoted tab", "\"a\tb\",c,d", ','},                                  // tab inside quotes ignored
		{"trailing crlf", "email;name\r\n", ';'},                             // line ending is not a delimiter
		{"bom", "\ufeffemail;name", ';'},                                     // BOM does not disturb counting
		{"majority wins", "a,b,c;d", ','},                                    // 2 commas beat 1 semicolon
		{"tie semicolon over comma", "Email;Phone, mobile", ';'},             // tie: ';' is rarer inside headings
		{"tie tab over semicolon", "a;b\tc", '\t'},                           // tie: tab is rarer still
		{"unbalanced quote", `"email,name`, ','},                             // all quoted: none counted, default
		{"sep directive", "sep=;", ';'},                                      // Excel's directive sniffs right too
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SniffDelimiter(tc.line); got != tc.want {
				t.Errorf("SniffDelimiter(%q) = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}

func TestExcelSepLine(t *testing.T) {
	tests := []struct {
		line  string
		delim rune
		ok    bool
	}{
		{"sep=;", ';', true},          // the usual form
		{"sep=,", ',', true},          // comma
		{"sep=\t", '\t', true},        // tab
		{"sep=|\r\n", '|', true},      // line ending tolerated; any single rune
		{"SEP=;", ';', true},          // case-insensitive
		{`"sep=;"`, ';', true},        // some tools quote the whole line
		{"\ufeffsep=;", ';', true},    // BOM glued to it
		{"sep=", 0, false},            // no delimiter
		{"sep=;;", 0, false},          // more than one rune
		{"sep=\"", 0, false},          // a quote cannot be the delimiter
		{"email;sep=;", 0, false},     // not at the start
		{"separator=;", 0, false},     // different word
		{"email,firstName", 0, false}, // an ordinary header
		{"sep=\xff", 0, false},        // invalid UTF-8
		{"", 0, false},                // empty
	}
	for _, tc := range tests {
		d, ok := ExcelSepLine(tc.line)
		if d != tc.delim || ok != tc.ok {
			t.Errorf("ExcelSepLine(%q) = %q, %v; want %q, %v", tc.line, d, ok, tc.delim, tc.ok)
		}
	}
}
