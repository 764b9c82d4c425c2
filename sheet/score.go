package sheet

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// This file scores one code page's reading of a sample: the rules are
// described where weigh uses them, at the top of weigh.go.

// scoreText sums the scores of text's words.
func scoreText(c *codePage, text []byte) int {
	sc := scorer{page: c}
	if c.mb != nil {
		sc.enc = c.mb.NewEncoder()
	}
	total := 0
	word := make([]rune, 0, 32)
	flush := func() {
		if len(word) > 0 {
			total += sc.word(word)
			word = word[:0]
		}
	}
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		text = text[size:]
		if isWordBreak(r) {
			flush()
			continue
		}
		word = append(word, r)
	}
	flush()
	return total
}

// isWordBreak: ASCII that is not a letter (delimiters, digits, blanks,
// '@', quotes), and any blank.
func isWordBreak(r rune) bool {
	if r < utf8.RuneSelf {
		return !isASCIILetter(byte(r))
	}
	return unicode.IsSpace(r) || r == '\u3000'
}

// scorer scores the words of one code page's reading.
type scorer struct {
	page     *codePage
	enc      transform.Transformer // the multi-byte page's encoder, for levels
	fits     [32]int               // words that fit each language (bits of languages)
	accented int                   // words with a non-ASCII Latin letter
}

// Script classes, for "one script per word".
const (
	classLatin = 1 << iota
	classCyrillic
	classGreek
	classCJK // han and kana
	classHangul
	classOther
)

// word scores one word; a word of ASCII letters only scores 0.
func (sc *scorer) word(w []rune) int {
	ascii := true
	for _, r := range w {
		if r >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return 0
	}
	if len(w) == 1 && unicode.IsLetter(w[0]) && !unicode.In(w[0], unicode.Han, unicode.Hangul) {
		return -1 // one accented letter alone is no name: "Ç 5" for "€ 5"
	}
	s, classes, letters, run := 0, 0, 0, 0
	fit := sc.page.langs // the languages every non-ASCII Latin letter so far is in
	accented := false
	for i, r := range w {
		if sc.page.enc == MacRoman && macPunct[r] {
			continue // proves nothing: see macPunct
		}
		if r >= utf8.RuneSelf && unicode.Is(unicode.Latin, r) {
			accented = true
			fit &= langsOf(r)
			if run++; run > 2 {
				s -= 2 // "Èâàíîâ": accented letters are a minority in Latin words
			}
		} else {
			run = 0
		}
		prevLetter := i > 0 && unicode.IsLetter(w[i-1])
		nextLetter := i+1 < len(w) && unicode.IsLetter(w[i+1])
		switch {
		case r < utf8.RuneSelf:
			classes |= classLatin
			letters++
		case r == utf8.RuneError && sc.page == utf8Page:
			// a U+FFFD written in UTF-8 input is a character like any other
		case r == utf8.RuneError || unicode.IsControl(r):
			s -= 8
		case isKana(r):
			classes |= classCJK
			letters++
			if sc.page.script == "Japanese" || sc.page.script == anyScript {
				// Katakana names are as common as kanji ones; half-width
				// kana are a legacy form, and any byte A1-DF is one.
				s += 2
				if r >= 0xFF61 {
					s--
				}
				if i == 0 && isSmallKana(r) {
					s -= 4 // no word starts with a small kana or a mark: "ｫﾘｧｻ"
				}
			} else {
				s -= 2
			}
		case unicode.IsLetter(r):
			class, pts := sc.letter(r)
			classes |= class
			letters++
			s += pts
			s -= sc.context(w, i)
		case r == '·':
			if i > 0 && i+1 < len(w) && unicode.ToLower(w[i-1]) == 'l' && unicode.ToLower(w[i+1]) == 'l' {
				s += 2 // Catalan "Gal·la"
			} else if prevLetter && nextLetter {
				s -= 4
			}
		case isInWordMark(r):
			if prevLetter && nextLetter {
				s += 2 // "O’Brien", "don’t"
			}
		case isQuoteMark(r) || r == '…':
			// Opening quotes before a word, closing ones and an ellipsis
			// after it: Windows' typographic punctuation used as it is.
			if i == 0 && nextLetter && r != '…' && r != '\u201D' || i == len(w)-1 && prevLetter && r != '\u201C' && r != '\u201E' {
				s++
			}
		case isCJKPunct(r) && sc.page.mb != nil:
			// the ideographic comma and full stop touch words
		case prevLetter && nextLetter:
			s -= 4 // "Dvo½ák", "Gr¸n"
		case prevLetter || nextLetter:
			s -= 2 // "£ukasz", "Müller¹"
		}
	}
	if sc.page.script == "Greek" && classes == classGreek {
		s -= greekSpelling(w)
	}
	if accented && sc.page.langs&langsBaltic == langsBaltic && strings.ContainsAny(strings.ToLower(string(w)), "qwx") {
		s -= 3 // Lithuanian and Latvian write no q, w or x: "Pāquerette"
	}
	if accented && letters == len(w) && !slices.ContainsFunc(w, func(r rune) bool { return r < utf8.RuneSelf }) {
		s -= 3 // "Ñó", "ÀÚ": Latin names are not all accents (GBK's 杨 in Windows-1252)
	}
	if accented && 5*nonASCIILetters(w) > 3*len(w) {
		s -= 3 // "ÉÜÉEÉL": Latin names are mostly plain letters (ユウキ in Mac Roman)
	}
	if accented && consonantRun(w) >= 4 {
		s -= 3 // "Frčre", "Bjřrn": Frère and Bjørn in Windows-1250
	}
	if accented && sc.page.langs != 0 {
		sc.accented++
		if fit != 0 {
			s++
			for l := range languages {
				if fit&(1<<l) != 0 {
					sc.fits[l]++
				}
			}
		} else {
			s -= 3
		}
	}
	if classes&(classCJK|classHangul) != 0 && len(w) <= 4 && sc.surname(w) {
		s += 3
	}
	if n := bitsSet(classes); n > 1 {
		s -= 4 * (n - 1)
	}
	if classes&(classLatin|classCyrillic|classGreek) != 0 && letters > 2 {
		if nameShaped(w) {
			s++
		} else {
			s -= 4
		}
	}
	return s
}

// letter scores a non-ASCII letter that is not kana in the page's reading.
func (sc *scorer) letter(r rune) (class, pts int) {
	p := sc.page
	switch {
	case unicode.Is(unicode.Latin, r):
		if p.langs&langsOf(r) == 0 {
			return classLatin, 0
		}
		if strings.ContainsRune(p.common, unicode.ToLower(r)) || strings.ContainsRune(p.common, r) {
			return classLatin, 2
		}
		return classLatin, 1
	case unicode.Is(unicode.Cyrillic, r):
		if p.script == "Cyrillic" || p.script == anyScript {
			return classCyrillic, 1
		}
		return classCyrillic, -1
	case unicode.Is(unicode.Greek, r):
		if p.script == "Greek" || p.script == anyScript {
			return classGreek, 1
		}
		return classGreek, -1
	case unicode.Is(unicode.Han, r):
		return classCJK, sc.level(r, false)
	case unicode.Is(unicode.Hangul, r):
		return classHangul, sc.level(r, true)
	}
	return classOther, -2
}

// level scores a han or hangul character by where its code sits in the
// page's standard: +3 in the first level (the characters names are written
// with), +1 in the second, -2 elsewhere (extensions, vendor additions,
// compatibility blocks: what other code pages' bytes turn into).
func (sc *scorer) level(r rune, hangul bool) int {
	if sc.page.script == anyScript {
		return 2 // UTF-8 holds every character: no level to judge by
	}
	if sc.enc == nil {
		return -2
	}
	var src [utf8.UTFMax]byte
	var dst [8]byte
	n := utf8.EncodeRune(src[:], r)
	sc.enc.Reset()
	m, _, err := sc.enc.Transform(dst[:], src[:n], true)
	if err != nil || m != 2 {
		return -2 // unencodable, or GB18030's four-byte codes
	}
	code := int(dst[0])<<8 | int(dst[1])
	in := func(lo, hi int) bool { return lo <= code && code <= hi }
	trail := int(dst[1])
	switch sc.page.enc {
	case ShiftJIS:
		switch {
		case in(0x889F, 0x9872):
			return 3
		case in(0x989F, 0x9FFC), in(0xE040, 0xEAA4):
			return 1
		}
	case GB18030:
		switch {
		case in(0xB0A1, 0xD7FE) && trail >= 0xA1:
			return 3
		case in(0xD8A1, 0xF7FE) && trail >= 0xA1:
			return 1
		}
	case Big5:
		switch {
		case in(0xA440, 0xC67E):
			return 3
		case in(0xC940, 0xF9D5):
			return 1
		}
	case EUCKR:
		switch {
		case hangul && in(0xB0A1, 0xC8FE) && trail >= 0xA1:
			return 3
		case !hangul && in(0xCAA1, 0xFDFE) && trail >= 0xA1:
			return 0 // hanja: rare in names written today
		}
	}
	return -2
}

// langsOf is the set of languages (bits of languages) that write r.
func langsOf(r rune) uint32 {
	if r < rune(len(latinLangs)) {
		return latinLangs[r]
	}
	return 0
}

// latinLangs is langsOf for Latin-1 and Latin Extended-A and -B, where
// every letter of languages is.
var latinLangs = func() (t [0x250]uint32) {
	for i, l := range languages {
		for _, r := range l {
			t[r] |= 1 << i
			if u := unicode.ToUpper(r); u < rune(len(t)) {
				t[u] |= 1 << i
			}
		}
	}
	return t
}()

func bitsSet(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// isKana: hiragana, katakana (also half-width), the prolonged sound mark
// and the half-width voicing marks.
func isKana(r rune) bool {
	return 0x3041 <= r && r <= 0x30FF || 0xFF66 <= r && r <= 0xFF9F
}

// isSmallKana: the small kana, the long-vowel mark and the voicing
// marks, which follow another kana.
func isSmallKana(r rune) bool {
	return strings.ContainsRune("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮーｧｨｩｪｫｬｭｮｯｰﾞﾟ", r)
}

// isInWordMark: what sits inside a name between letters: apostrophes,
// dashes, Catalan's middle dot.
func isInWordMark(r rune) bool {
	switch r {
	case '\u2018', '\u2019', '\u2010', '\u2011', '\u2013', '\u2014', '\u00B7', '\u30FB', '\uFF65':
		return true
	}
	return false
}

func isQuoteMark(r rune) bool {
	switch r {
	case '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB', '\u2039', '\u203A':
		return true
	}
	return false
}

// isCJKPunct: CJK symbols and punctuation, and full-width forms.
func isCJKPunct(r rune) bool {
	return 0x3000 <= r && r <= 0x303F || 0xFF01 <= r && r <= 0xFF65
}
