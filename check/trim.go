package check

import (
	"strings"
	"unicode"
)

// Trim removes leading and trailing white space and invisible characters.
//
// Spreadsheet cells pasted from web pages, PDFs and mail clients carry more than
// ASCII blanks: non-breaking spaces (U+00A0, U+2007, U+202F), zero-width spaces
// and joiners (U+200B..U+200D, U+2060), byte-order marks (U+FEFF, often glued to
// the first cell of a UTF-8 CSV) and tabs. strings.TrimSpace misses the
// zero-width ones, and an email with an invisible U+200B at its end would fail
// at the API with no visible reason.
func Trim(s string) string {
	return strings.TrimFunc(s, isBlank)
}

// isBlank reports whether r is white space or a character that renders as
// nothing.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || isInvisible(r)
}

// isInvisible reports whether r is a zero-width character that
// unicode.IsSpace does not cover.
func isInvisible(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u180E':
		return true
	}
	return false
}
