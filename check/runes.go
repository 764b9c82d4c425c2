package check

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/runenames"
)

// RuneName names a character for a message by its code point and Unicode
// name, "U+202F narrow no-break space": an invisible character shown as
// itself, or as the bytes of its UTF-8 form, tells the reader nothing.
func RuneName(r rune) string {
	n := strings.ToLower(runenames.Name(r))
	if n == "" || strings.HasPrefix(n, "<") { // <control>, <private use>...
		return fmt.Sprintf("U+%04X", r)
	}
	return fmt.Sprintf("U+%04X %s", r, n)
}

// showRune shows a character found where it does not belong: a visible one
// quoted ('é'), a blank, invisible or control character by RuneName.
func showRune(r rune) string {
	if visible(r) {
		return strconv.QuoteRune(r)
	}
	return RuneName(r)
}

// showChar is showRune quoted as a string ("é"), as the extension's
// messages have it.
func showChar(r rune) string {
	if visible(r) {
		return strconv.Quote(string(r))
	}
	return RuneName(r)
}

// visible: ASCII from the space on, and graphic characters that are no
// blank, format character or combining mark.
func visible(r rune) bool {
	if r < 0x80 {
		return r >= ' ' && r != 0x7F
	}
	return unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.M, r)
}
