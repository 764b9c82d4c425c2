package sheet

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// macRoman maps every Mac Roman byte to its character. 0xF0 is Apple's logo,
// a private-use character no sheet means: it counts as undecodable.
var macRoman = func() (t [256]rune) {
	for i := range t {
		t[i] = charmap.Macintosh.DecodeByte(byte(i))
	}
	t[0xF0] = utf8.RuneError
	return t
}()

// looksMacRoman tells Mac Roman (old Excel for Mac, "CSV (Macintosh)") from
// Windows-1252 in bytes that are not UTF-8. Both give every byte a meaning,
// so it reads each non-ASCII byte both ways and asks which reads like a
// name: Mac Roman's accented small letters are Windows-1252's punctuation
// and capitals (José is "JosŽ", François has an undefined byte), and
// Windows-1252's accented letters are Mac Roman's symbols (Müller is
// "M¸ller"). crOnly (lines end in a lone CR, as classic Mac OS wrote them)
// decides a tie.
func looksMacRoman(p []byte, crOnly bool) bool {
	var mac, win int
	for i, c := range p {
		if c < utf8.RuneSelf {
			continue
		}
		var prev, next byte = ' ', ' '
		if i > 0 {
			prev = p[i-1]
		}
		if i+1 < len(p) {
			next = p[i+1]
		}
		w := plausible(cp1252[c], prev, next)
		m := plausible(macRoman[c], prev, next)
		if w == 0 && unicode.IsPunct(cp1252[c]) {
			// Windows-1252's quotes and dashes are Mac Roman's ë í ì î ñ ó:
			// "don’t" reads as well as "donít", so it proves nothing.
			m = min(m, 0)
		}
		win += w
		mac += m
	}
	return mac > win && mac > 0 || crOnly && mac >= win
}

// plausible scores r read between the bytes prev and next: +1 for a letter
// in or at a word, -2 for what nobody writes (an undefined byte, a capital
// inside a small-letter word, a symbol between two letters), -1 for a small
// letter before a capital.
func plausible(r rune, prev, next byte) int {
	if r == utf8.RuneError {
		return -2
	}
	inWord := isASCIILetter(prev)
	if unicode.IsUpper(r) || unicode.IsLower(r) { // not Lm: Mac Roman's ˇ is a "letter"
		switch {
		case unicode.IsUpper(r) && inWord && (isASCIILower(prev) || isASCIILower(next)):
			return -2
		case unicode.IsLower(r) && 'A' <= next && next <= 'Z':
			return -1
		case inWord || isASCIILetter(next):
			return 1
		}
		return 0
	}
	if inWord && isASCIILetter(next) && !withinWord(r) {
		return -2
	}
	return 0
}

// withinWord lists the non-letters that do sit between two letters: an
// apostrophe, a dash, Catalan's middle dot.
func withinWord(r rune) bool {
	switch r {
	case '\u2018', '\u2019', '\u00B4', '\u2013', '\u2014', '\u2010', '\u2011', '\u00B7':
		return true
	}
	return false
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isASCIILower(c byte) bool { return 'a' <= c && c <= 'z' }

// loneCROnly reports line endings that are all a lone CR: p has a CR and no
// LF at all.
func loneCROnly(p []byte) bool {
	return bytes.IndexByte(p, '\r') >= 0 && bytes.IndexByte(p, '\n') < 0
}
