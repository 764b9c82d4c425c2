package sheet

import (
	"unicode"
	"unicode/utf8"
)

// Key folds a header for matching: lower-case, drops spaces (incl. U+00A0),
// '_', '-', '.', and surrounding quotes/BOM.
//
// Why: the same heading arrives as "First Name", "first_name", "FIRST-NAME",
// "First\u00a0Name" (Excel's non-breaking space), "\ufeffEmail" (a BOM glued to
// the first cell by a tool that did not strip it) or "'Email'", and matching
// should not care. Precisely, Key:
//   - drops every white-space rune, BOM and zero-width character, '_', '.',
//     and dash (hyphen-minus and Unicode dashes such as the en dash Word
//     auto-corrects to);
//   - also drops '*', ':' and '#', which templates use as decoration
//     ("Email*" for required, "Email:", "Phone #");
//   - lower-cases the rest and drops accents: a Latin letter becomes its
//     base letter(s) ("é" → "e", "ß" → "ss", "æ" → "ae"), combining accents
//     (U+0300-U+036F, as macOS writes "é" decomposed) are dropped, and "º",
//     "ª", "°" become "o", "a", "o" ("Nº", "N°" and "No" are one abbreviation);
//   - turns typographic apostrophes into "'" ("l’ID" as autocorrect writes it);
//   - trims quotes (" ' and typographic quotes) from both ends of the result.
//
// Accents are dropped because the same export arrives as "Prénom", "Prenom"
// and "PRENOM" (ASCII-only systems, caps without accents), and no two
// headings we know differ only by an accent.
//
// Key is idempotent, and two headers with the same Key are the same column to
// this package.
func Key(header string) string {
	return string(appendKey(make([]byte, 0, len(header)), header))
}

// appendKey is Key appending to b, so Canonical can fold into a stack buffer.
func appendKey(b []byte, header string) []byte {
	start := len(b)
	for _, r := range header {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			switch {
			case c == '_' || c == '-' || c == '.' || c == '*' || c == ':' || c == '#' || c == ' ' ||
				c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
				continue
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			b = append(b, c)
		case isSpaceLike(r) || unicode.Is(unicode.Pd, r):
			continue
		default:
			r = unicode.ToLower(r)
			switch {
			case '\u0300' <= r && r <= '\u036F':
				continue
			case r == '\u2018' || r == '\u2019' || r == '\u02BC':
				b = append(b, '\'')
			default:
				if f := foldLatin(r); f != "" {
					b = append(b, f...)
				} else {
					b = utf8.AppendRune(b, r)
				}
			}
		}
	}
	// Trim quotes only now, after the dropping, so that "'Email' " and
	// "'Email'_" lose them too and Key stays idempotent.
	k := b[start:]
	for len(k) > 0 {
		r, size := utf8.DecodeRune(k)
		if !isQuote(r) {
			break
		}
		k = k[size:]
	}
	for len(k) > 0 {
		r, size := utf8.DecodeLastRune(k)
		if !isQuote(r) {
			break
		}
		k = k[:len(k)-size]
	}
	n := copy(b[start:], k)
	return b[:start+n]
}

// latin1Fold and latinExtAFold give the base letter of each rune of
// U+00E0-U+00FF and U+0100-U+017F; 0 marks a rune that is not a letter with
// an accent or folds to two letters (foldLatin handles those).
const (
	latin1Fold    = "aaaaaa\x00ceeeeiiiidnooooo\x00ouuuuy\x00y"
	latinExtAFold = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii\x00\x00jjkkk" +
		"llllllllllnnnnnnnnnoooooo\x00\x00rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"
	letters = "abcdefghijklmnopqrstuvwxyz"
)

// foldLatin returns the ASCII letters a lower-case Latin letter with an
// accent stands for, or "" to keep r as it is.
func foldLatin(r rune) string {
	var c byte
	switch {
	case r < 0xAA:
		return ""
	case r == 'ª':
		return "a"
	case r == 'º' || r == '°':
		return "o"
	case r == 'ß':
		return "ss"
	case r == 'æ':
		return "ae"
	case r == 'ĳ':
		return "ij"
	case r == 'œ':
		return "oe"
	case 0xE0 <= r && r <= 0xFF:
		c = latin1Fold[r-0xE0]
	case 0x100 <= r && r <= 0x17F:
		c = latinExtAFold[r-0x100]
	}
	if c == 0 {
		return ""
	}
	return letters[c-'a' : c-'a'+1] // a substring: no allocation
}

// isSpaceLike reports white space and the invisible characters spreadsheets
// and web copy-paste leave in headings.
func isSpaceLike(r rune) bool {
	switch r {
	case '\uFEFF', '\u200B', '\u200C', '\u200D', '\u2060':
		return true
	}
	return unicode.IsSpace(r)
}

func isQuote(r rune) bool {
	switch r {
	case '"', '\'', '\u2018', '\u2019', '\u201C', '\u201D':
		return true
	}
	return false
}

// Canonical maps a header as a person wrote it to our canonical column name,
// or ok=false.
//
// Canonical names: email, customerId, package, firstName, lastName,
// primaryPhoneNumber, extension, locationId, customerPrimaryEmail,
// provisioningId. Matching compares Keys, so it ignores case, spaces, '_', '-'
// and '.', and accepts the wordings listed by Aliases. A trailing note in
// brackets is ignored when the heading does not match with it, because
// templates say "Email (required)" or "Extension [4 digits]".
//
// Some common headings are deliberately not mapped, e.g. "Mobile" (not the
// primary Webex number) and "Org ID" (not the wholesale customer ID);
// WhyUnmapped gives the reason for each. Users can still map them with --map
// (ParseMap) when they mean it.
func Canonical(header string) (name string, ok bool) {
	var buf [64]byte
	k := appendKey(buf[:0], header)
	if name, ok := byKey[string(k)]; ok { // no allocation: the compiler special-cases map[string(bytes)]
		return name, true
	}
	if k, cut := trimNote(k); cut {
		name, ok := byKey[string(k)]
		return name, ok
	}
	return "", false
}

// trimNote drops one trailing "(...)" or "[...]" from a key.
func trimNote(k []byte) ([]byte, bool) {
	if len(k) == 0 {
		return k, false
	}
	var open byte
	switch k[len(k)-1] {
	case ')':
		open = '('
	case ']':
		open = '['
	default:
		return k, false
	}
	for i := len(k) - 2; i >= 0; i-- {
		if k[i] == open {
			return k[:i], true
		}
	}
	return k, false
}
