package sheet

import (
	"bytes"
	"errors"
	"hash/fnv"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// Weighing the code pages. Every legacy code page gives most bytes a
// meaning, so "which one decodes without error" rarely settles it: the
// question is which reading looks like the names a sheet holds. Each
// reading of the sample's non-ASCII lines is split into words (runs of
// letters and non-ASCII characters) and every word with a non-ASCII
// character is scored:
//
//   - a letter of the code page's languages or script earns a point, two
//     when its names are full of it (codePage.common: ł ř ė ı...); a kanji,
//     hanzi or hangul earns three in its standard's first (most common)
//     level, one in the second, and loses two beyond; kana earn two (one
//     half-width); a word that starts with a common family name of the
//     page's language earns three more (letter statistics, roughly);
//   - a word shaped like a name (all small, all capitals, or a capital and
//     then small letters, between apostrophes and hyphens) earns a point,
//     any other mix of cases costs four: "RenŽ", "OíBrien";
//   - a word whose accented letters fit one of the page's languages
//     earns a point, one that fits none costs three ("Dvoøák");
//   - letters of two scripts in one word ("Иванov", "M嶳ler") cost four;
//     a Latin word that is mostly accents, or piles four consonants around
//     one, costs three ("ÉÜÉEÉL", "Frčre");
//   - spelling rules a page's languages keep cost two to four when broken
//     (see context and greekSpelling: Polish "ńa", Greek σ at a word's end);
//   - a symbol touching a letter costs two, inside a word four ("£ukasz",
//     "Dvo½ák", "³ódŸ"); an apostrophe or dash inside a word earns two;
//   - a C1 control or an undefined byte costs eight.
//
// Readings that give the same text are one (Windows-1252 and Latin-9 agree
// on "José"), named by the more common code page unless another suits it
// clearly better. One reading is used when it scores above zero and at
// least weighMargin above every other; otherwise the file is refused with
// each plausible reading shown (AmbiguousError). A short sample that is
// valid UTF-8 is weighed too (see notUTF8): a few GBK characters can be
// valid UTF-8 by chance.
//
// The sample is bounded (the 64 KiB Decode peeks, or as much after the
// first non-ASCII byte of a late decision, and of that at most weighLen of
// non-ASCII lines), so weighing costs the same for any file size, about a
// millisecond (BenchmarkWeigh); a file that is UTF-8 from its first
// non-ASCII characters on, or UTF-16, is not weighed. TestCodePageCorpus
// and TestCodePagesNeverReadWrong hold it to "read right or refused".

// weighMargin is how far the best reading must score above the next.
const weighMargin = 3

// macCRBonus is what lines ending in a lone CR (classic Mac OS) add to the
// Mac Roman reading.
const macCRBonus = 2

// reading is one code page's reading of a sample.
type reading struct {
	page  *codePage
	sum   uint64 // hash of the text, to find code pages that read alike
	score int
}

// anyScript is the script of utf8Page.
const anyScript = "*"

// utf8Page scores a UTF-8 reading as weigh scores the code pages': every
// script and language is its own.
var utf8Page = &codePage{enc: UTF8, langs: 1<<len(languages) - 1, script: anyScript}

// fewRunes bounds the non-ASCII characters of a sample that is valid
// UTF-8 yet is weighed against the code pages: short Shift-JIS or GBK text
// can be valid UTF-8 by chance (GBK's 强 is UTF-8's ǿ), longer text
// practically never is.
const fewRunes = 32

// notUTF8 weighs sample, valid UTF-8 with at most fewRunes non-ASCII
// characters, against the code pages. UTF-8 stays (nil, nil) when its
// reading looks like names, or when no code page's does; a code page that
// reads it clearly better is returned; when code pages read it as names
// but none clearly, the file is refused with UTF-8 among the candidates.
func notUTF8(sample []byte, atEOF, crOnly bool) (*codePage, error) {
	n := 0
	for _, c := range sample {
		if c >= 0xC0 {
			n++ // a lead byte
		}
	}
	if n > fewRunes {
		return nil, nil
	}
	lines := nonASCIILines(sample, weighLen)
	u := scoreText(utf8Page, lines)
	if u > 0 {
		return nil, nil
	}
	page, err := weigh(sample, atEOF, crOnly, 1)
	var amb *AmbiguousError
	if errors.As(err, &amb) {
		if amb.best < weighMargin {
			return nil, nil // nothing reads clearly as names: "½" is as good in UTF-8
		}
		amb.Readings = append([]Reading{{Encoding: UTF8, Text: string(amb.token)}}, amb.Readings...)
		return nil, amb
	}
	if scoreText(page, decodeInto(nil, page, lines)) < u+weighMargin {
		return nil, nil
	}
	return page, nil
}

// weighLen bounds the lines weighed: those with a non-ASCII byte, up to
// this many bytes. Weighing reads each 14 times; this keeps it to a few
// milliseconds and one buffer of memory.
const weighLen = 8 << 10

// weigh picks the code page of sample, text that is neither UTF-8 nor
// UTF-16. atEOF says the sample is the whole rest of the input; otherwise
// a line cut at its end is left out. line is the line sample starts on, for
// the error. It returns *AmbiguousError when no reading is clearly best.
func weigh(sample []byte, atEOF, crOnly bool, line int64) (*codePage, error) {
	if !atEOF {
		if i := bytes.LastIndexAny(sample, "\r\n"); i > 0 {
			sample = sample[:i+1]
		}
	}
	lines := nonASCIILines(sample, weighLen)
	var rs []*reading
	buf := make([]byte, 0, 2*len(lines)+16)
	for _, c := range codePages {
		buf = decodeInto(buf[:0], c, lines)
		sum := hashOf(buf)
		s := scoreText(c, buf)
		if crOnly && c.enc == MacRoman {
			s += macCRBonus
		}
		// Code pages that read the sample alike are one reading, named by
		// the more common one unless another suits it clearly better, by
		// the margin and a quarter (Estonian "Õunapuu" is Windows-1257's,
		// not Windows-1252's).
		if i := slices.IndexFunc(rs, func(r *reading) bool { return r.sum == sum }); i >= 0 {
			if s >= rs[i].score+weighMargin && 4*s >= 5*rs[i].score {
				rs[i].page, rs[i].score = c, s
			}
			continue
		}
		rs = append(rs, &reading{page: c, sum: sum, score: s})
	}
	slices.SortStableFunc(rs, func(a, b *reading) int { return b.score - a.score })
	best := rs[0]
	if best.score > 0 && (len(rs) == 1 || rs[1].score <= best.score-weighMargin) {
		return best.page, nil
	}
	return nil, ambiguity(sample, rs, line)
}

// nonASCIILines returns the lines of sample that hold a non-ASCII byte, at
// most max bytes of them (at least one line); the others read alike in
// every code page.
func nonASCIILines(sample []byte, max int) []byte {
	var out []byte
	for len(sample) > 0 && len(out) < max {
		i := bytes.IndexByte(sample, '\n')
		if i < 0 {
			i = len(sample) - 1
		}
		if l := sample[:i+1]; hasHighByte(l) {
			out = append(out, l...)
		}
		sample = sample[i+1:]
	}
	return out
}

func hashOf(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

// decodeInto appends sample read in c to dst; undefined bytes and invalid
// sequences become U+FFFD.
func decodeInto(dst []byte, c *codePage, sample []byte) []byte {
	if c.tab != nil {
		for _, x := range sample {
			if x < utf8.RuneSelf {
				dst = append(dst, x)
			} else {
				dst = utf8.AppendRune(dst, c.tab[x])
			}
		}
		return dst
	}
	out, _, err := transform.Append(c.mb.NewDecoder(), dst, sample)
	if err != nil {
		return append(dst, replacement...) // cannot happen: x/text decoders replace
	}
	return out
}

// decodeSample is decodeInto for one word of an error message.
func decodeSample(c *codePage, sample []byte) string {
	return string(decodeInto(nil, c, sample))
}

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

// Letter statistics of CJK names: the most common family names, which a
// sheet's lastName column (or the start of a full name) is full of. Hangul
// read as GBK, or hanzi read as CP949, gives first-level characters as
// often as the real thing; it rarely gives these.
const (
	surnamesKorean      = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
	surnamesSimplified  = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
	surnamesTraditional = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘於蔣蔡余杜葉程蘇魏呂丁任沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋方白鄒孟熊秦邱江尹薛段雷侯龍史陶黎賀顧毛郝龔邵萬錢嚴武戴莫孔向湯"
	surnamesJapanese    = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤"
)

// surname reports a CJK word that starts with a common family name of the
// page's language.
func (sc *scorer) surname(w []rune) bool {
	var list string
	switch sc.page.enc {
	case EUCKR:
		list = surnamesKorean
	case GB18030:
		list = surnamesSimplified
	case Big5:
		list = surnamesTraditional
	case ShiftJIS:
		for f := range strings.FieldsSeq(surnamesJapanese) {
			if strings.HasPrefix(string(w), f) {
				return true
			}
		}
		return false
	default:
		return false
	}
	return strings.ContainsRune(list, w[0])
}

// nameShaped: every part between apostrophes, hyphens and dots is all
// small letters, all capitals, or a capital and small letters.
func nameShaped(w []rune) bool {
	start := 0
	for i := 0; i <= len(w); i++ {
		if i < len(w) && unicode.IsLetter(w[i]) {
			continue
		}
		if !partShaped(w[start:i]) {
			return false
		}
		start = i + 1
	}
	return true
}

func partShaped(p []rune) bool {
	upper := 0
	for i, r := range p {
		if unicode.IsUpper(r) {
			if i > 0 && upper != i {
				return false // a capital after a small letter
			}
			upper++
		}
	}
	// All capitals, all small, or one capital first; "MÜLler" is not.
	return upper <= 1 || upper == len(p)
}

// macPunct are the Mac Roman letters whose bytes are Windows-1252's
// quotes, dashes and ellipsis: "don’t" in Windows-1252 is "donít" in Mac
// Roman, which reads as well, so those letters earn Mac Roman nothing.
var macPunct = func() map[rune]bool {
	m := map[rune]bool{}
	for b := 0x80; b < 0x100; b++ {
		if w := cp1252[b]; isInWordMark(w) || isQuoteMark(w) || w == '…' || w == '‚' || w == '—' {
			m[macRoman[b]] = true
		}
	}
	return m
}()

// context is what the letter w[i] costs beside its neighbours, by rules of
// spelling that one code page's languages keep and another's bytes break:
// Polish writes "si", "ni" before a vowel, never "śa" ("Peńa" is Peña in
// Windows-1250); Portuguese õ comes before e or s ("Szõke" is Szőke in
// Windows-1252); Nordic å touches no vowel ("Benoåt" is Benoît, CP850's
// î, in Mac Roman); the Baltic long vowels and ė do not touch another vowel
// ("Franēois", "Noėl" are François and Noël in Windows-1257).
func (sc *scorer) context(w []rune, i int) int {
	r := unicode.ToLower(w[i])
	var next, prev rune
	if i+1 < len(w) {
		next = unicode.ToLower(w[i+1])
	}
	if i > 0 {
		prev = unicode.ToLower(w[i-1])
	}
	isVowel := func(x rune) bool { return x != 0 && strings.ContainsRune(vowels, x) }
	switch sc.page.enc {
	case Windows1250:
		if strings.ContainsRune("śćńź", r) && isVowel(next) {
			return 3
		}
		if r == 'ř' && (next == 'r' || prev == 'r') {
			return 3 // Czech has no "řr" or "rř": "Sřren" is Søren
		}
	case Windows1252, ISO885915, CP850, CP437, MacRoman:
		if r == 'õ' && next != 'e' && next != 's' {
			return 2
		}
		if r == 'å' && (isVowel(prev) || isVowel(next)) {
			return 2 // Nordic å does not touch a vowel: "Benoåt" is Benoît in Mac Roman
		}
	case Windows1257:
		if strings.ContainsRune("āēīūė", r) && (isVowel(next) || isVowel(prev)) {
			return 2
		}
	}
	return 0
}

// greekSpelling is what a Greek word costs for breaking the rules every
// Greek word keeps, and Cyrillic read as Greek does not ("Οξοξβΰ" is
// Попова): a word of more than one syllable written in small letters
// carries exactly one accent; final sigma ς ends a word and σ never does;
// ΐ and ΰ are rare.
func greekSpelling(w []rune) int {
	cost, accents, upper := 0, 0, 0
	for i, r := range w {
		switch {
		case strings.ContainsRune("άέήίόύώΐΰΆΈΉΊΌΎΏ", r):
			accents++
		case r == 'ς' && i+1 < len(w):
			cost += 4
		case r == 'σ' && i+1 == len(w):
			cost += 3
		}
		if r == 'ΐ' || r == 'ΰ' {
			cost += 2
		}
		if unicode.IsUpper(r) {
			upper++
		}
	}
	if upper < len(w) && len(w) >= 4 && accents != 1 {
		cost += 3
	}
	return cost
}

func nonASCIILetters(w []rune) int {
	n := 0
	for _, r := range w {
		if r >= utf8.RuneSelf && unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// consonantRun is the longest run of Latin consonants in w that holds a
// non-ASCII one: names rarely pile four consonants up around an accented
// letter, and a vowel read as a consonant does.
func consonantRun(w []rune) int {
	longest, run, accented := 0, 0, false
	for _, r := range w {
		if !unicode.IsLetter(r) || strings.ContainsRune(vowels, unicode.ToLower(r)) {
			run, accented = 0, false
			continue
		}
		run++
		accented = accented || r >= utf8.RuneSelf
		if accented && run > longest {
			longest = run
		}
	}
	return longest
}

// vowels are the Latin vowels, with y, as small letters.
const vowels = "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿąęėįųūāēīōőűůěœı"

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
