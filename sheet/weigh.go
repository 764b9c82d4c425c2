package sheet

import (
	"bytes"
	"errors"
	"hash/fnv"
	"slices"
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
