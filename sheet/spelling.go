package sheet

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The letter statistics and spelling rules of the weighing (see weigh.go):
// what names in each code page's languages are made of, and what they
// never hold.

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
