package check

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldDigits reads a number as libphonenumber does whatever keyboard typed
// it: the full-width forms of a Japanese or Chinese keyboard
// ("０６－６１２３－４５６７", "＋８１"), the ideographic space, the
// katakana long-vowel mark used as a dash, and the decimal digits of every
// script (Arabic-Indic "٠٦١٢", Devanagari...) become their ASCII
// counterparts. why says what was read, for the note; "" when s is
// unchanged.
func foldDigits(s string) (out, why string) {
	if !hasNonASCII(s) {
		return s, ""
	}
	var b strings.Builder
	wide, other := false, false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
		case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
			wide = true
		case r == '\u3000':
			r, wide = ' ', true
		case r == '\u30FC' || r == '\uFF70':
			r, wide = '-', true
		case unicode.Is(unicode.Nd, r):
			r, other = '0'+digitValue(r), true
		}
		b.WriteRune(r)
	}
	switch {
	case wide && other:
		return b.String(), "read the full-width characters and the digits of another script as 0-9"
	case wide:
		return b.String(), "read the full-width characters as 0-9"
	case other:
		return b.String(), "read the digits of another script as 0-9"
	}
	return s, ""
}

// digitValue is the value of a Unicode decimal digit: Unicode encodes each
// script's digits as a run from 0 to 9, and the ranges of unicode.Nd start
// at a zero.
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
			return (r - lo) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
			return (r - lo) % 10
		}
	}
	return 0
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
