package check

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// extensionMarkers are the words people put before an extension. Longest first,
// so "ext" is not read as "e" + "xt".
var extensionMarkers = []string{"extension", "extn", "ext", "x", "#"}

// Extension checks an extension: 2 to 10 digits, the range Webex Calling
// accepts. A leading marker ("x1234", "ext. 1234", "#1234") is removed, since
// the column already says it is an extension and the digits have one reading;
// Row records that as a note by comparing the result with the input.
//
// A spreadsheet that stored the column as numbers may also have dropped leading
// zeros ("0123" exported as "123"); that cannot be seen in the text, so only the
// visible damage (a trailing ".0") is reported.
func Extension(s string) (norm string, err error) {
	in := Trim(s)
	if in == "" {
		return "", errors.New("extension is empty")
	}
	w, _ := foldDigits(in)
	lower := strings.ToLower(w)
	for _, m := range extensionMarkers {
		if strings.HasPrefix(lower, m) {
			w = Trim(strings.TrimLeft(w[len(m):], ".:"))
			break
		}
	}
	if what := excelDate(w); what != "" {
		return "", fmt.Errorf("extension %q is %s: Excel turned what was typed into a date; format the column as Text and retype the extensions", in, what)
	}
	if isScientific(w) || isExtensionDecimal(w) {
		return "", fmt.Errorf("extension %q was stored as a number in the spreadsheet: %s", in, excelFix)
	}
	for _, r := range w {
		if r >= utf8.RuneSelf || !isDigit(byte(r)) {
			if r == '+' {
				return "", fmt.Errorf("extension %q looks like a phone number: put it in the primaryPhoneNumber column", in)
			}
			return "", fmt.Errorf("extension %q contains %s: an extension is 2 to 10 digits only", in, showChar(r))
		}
	}
	switch n := len(w); {
	case n == 0:
		return "", fmt.Errorf("extension %q has no digits", in)
	case n < 2:
		return "", fmt.Errorf("extension %q has 1 digit: an extension has 2 to 10", in)
	case n > 10:
		return "", fmt.Errorf("extension %q has %d digits: an extension has 2 to 10; if it is a phone number, put it in the primaryPhoneNumber column", in, n)
	}
	return w, nil
}

// isExtensionDecimal reports whether w is digits with a zero decimal part
// ("1234.0", "1234,00"), the mark of a cell stored as a number.
func isExtensionDecimal(w string) bool {
	i := strings.IndexAny(w, ".,")
	if i <= 0 || i == len(w)-1 || strings.Trim(w[:i], "0123456789") != "" {
		return false
	}
	return strings.Trim(w[i+1:], "0") == ""
}

// excelDates are what Excel makes of an extension typed as "1-15" or
// "1/15": a date, shown as "15-Jan", "Jan-15", "1/15/2026", "15.01.2026"
// or "2026-01-15". English and German month names (Excel's own formats).
var excelDates = regexp.MustCompile(`(?i)^(\d{1,2}[-. ](jan|feb|mar|mär|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)[a-z]*\.?|(jan|feb|mar|mär|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)[a-z]*[-. ]\d{1,4}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$`)

// excelDate says "a date" when w is one of excelDates, else "". Most
// extensions are digits alone, which no regular expression needs to see.
func excelDate(w string) string {
	if strings.Trim(w, "0123456789") != "" && excelDates.MatchString(w) {
		return "a date"
	}
	return ""
}
