package sheet

import "strings"

// SafeCell makes a value safe to open in a spreadsheet, and UnwrapCell is
// its inverse, for a result file given back as input; they live together so
// the two can never drift apart.
//
// A cell Excel or Sheets would run as a formula (=, +, -, @, tab or CR at
// the start) gets a leading quote, so a hostile or mangled value shows as
// text. A valid E.164 number is known safe (a plus and digits call nothing)
// and is left as it is, or, for Excel, written ="+12405551212", which Excel
// would otherwise turn into a number without its plus and last digits; for
// Excel a phone number with spaces or brackets is written the same way.
func SafeCell(s string, excel bool) string {
	if isE164(s) {
		if excel {
			return `="` + s + `"`
		}
		return s
	}
	if excel && phoneLike(s) {
		// "+49 30 1234567" calls nothing, but Excel would read it as a sum
		// (or #NAME?): written as text, without a quote the person sees.
		return `="` + s + `"`
	}
	if s != "" && formulaStart(s[0]) {
		return "'" + s
	}
	return s
}

// phoneLike is a number as people write it: a plus, then digits with
// spaces, dashes, dots, slashes or brackets, at least six digits. Nothing
// in it can call a function or name a cell.
func phoneLike(s string) bool {
	if len(s) < 7 || len(s) > 40 || s[0] != '+' {
		return false
	}
	digits := 0
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')':
		default:
			return false
		}
	}
	return digits >= 6
}

// UnwrapCell undoes SafeCell: the leading quote before a formula character,
// and ="..." around a value. A value that itself began with a quote before
// a formula character, or was written ="...", reads back without it: a
// cell cannot tell the two apart.
func UnwrapCell(c string) string {
	if len(c) >= 2 && c[0] == '\'' && formulaStart(c[1]) {
		return c[1:]
	}
	if len(c) >= 4 && strings.HasPrefix(c, "=\"") && strings.HasSuffix(c, "\"") && !strings.Contains(c[2:len(c)-1], "\"") {
		return c[2 : len(c)-1]
	}
	return c
}

func formulaStart(b byte) bool {
	switch b {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

func isE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
