package sheet

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// The code pages Excel's plain "CSV (Comma delimited)" writes on Windows
// (the machine's ANSI code page), its "CSV (MS-DOS)" (the OEM code page),
// and Latin-9. Decode weighs them for a file that is not UTF-8 or UTF-16.
const (
	// Windows1250 is Central European: Polish, Czech, Slovak, Hungarian,
	// Slovenian, Croatian, Romanian.
	Windows1250 Encoding = "windows-1250"
	// Windows1251 is Cyrillic: Russian, Bulgarian, Ukrainian, Serbian.
	Windows1251 Encoding = "windows-1251"
	// Windows1253 is Greek.
	Windows1253 Encoding = "windows-1253"
	// Windows1254 is Turkish.
	Windows1254 Encoding = "windows-1254"
	// Windows1257 is Baltic: Lithuanian, Latvian, Estonian.
	Windows1257 Encoding = "windows-1257"
	// ShiftJIS is Japanese Windows' CP932.
	ShiftJIS Encoding = "shift_jis"
	// GB18030 is Simplified Chinese: Windows' CP936 (GBK), of which
	// GB18030 is a superset.
	GB18030 Encoding = "gb18030"
	// EUCKR is Korean Windows' CP949 (Unified Hangul Code, a superset of
	// EUC-KR).
	EUCKR Encoding = "euc-kr"
	// Big5 is Traditional Chinese (Taiwan, Hong Kong): CP950.
	Big5 Encoding = "big5"
	// CP850 is the MS-DOS code page of Western Europe: Excel's "CSV (MS-DOS)".
	CP850 Encoding = "cp850"
	// CP437 is the original IBM PC code page, MS-DOS in the US.
	CP437 Encoding = "cp437"
	// ISO885915 is Latin-9, ISO-8859-1 with € Š š Ž ž Œ œ Ÿ: some Unix exports.
	ISO885915 Encoding = "iso-8859-15"
)

// codePage is one legacy encoding Decode can read.
type codePage struct {
	enc   Encoding
	title string // as the summary names it
	// Exactly one of tab (a single-byte code page, decoded by byteDecoder)
	// and mb (a multi-byte one, decoded by x/text through mbDecoder).
	tab *[256]rune
	cm  *charmap.Charmap // the single-byte page's x/text charmap, for tests and encoders
	mb  encoding.Encoding
	// langs are the languages (bits of languages) a Latin code page is
	// for; script the one non-Latin script it is for ("" for Latin).
	langs  uint32
	script string
	// common are the letters its languages' names are full of (ł, ř, ė,
	// ı...), worth more than the rare ones: letter statistics, roughly.
	common string
}

// table builds a code page's byte table; undefined bytes are U+FFFD.
func table(cm *charmap.Charmap) *[256]rune {
	var t [256]rune
	for i := range t {
		t[i] = cm.DecodeByte(byte(i))
	}
	return &t
}

// languages are the alphabets of the languages the Latin code pages are
// for: the non-ASCII small letters each writes. A word whose letters all
// belong to one of its code page's languages reads as a name; "Dvoøák"
// (Dvořák in Windows-1252) belongs to none.
var languages = []string{
	"àâæçéèêëîïôœùûüÿ",  // 0 French
	"äöüß",              // 1 German
	"áéíñóúü",           // 2 Spanish
	"áâãàçéêíóôõú",      // 3 Portuguese
	"àèéìíîòóùú",        // 4 Italian
	"áéëíïóöúüè",        // 5 Dutch
	"æøåé",              // 6 Danish, Norwegian
	"åäöé",              // 7 Swedish
	"åäöšž",             // 8 Finnish
	"áéíóúýþæöð",        // 9 Icelandic
	"àçéèíïòóúü·",       // 10 Catalan
	"ąćęłńóśźż",         // 11 Polish
	"áčďéěíňóřšťúůýž",   // 12 Czech
	"áäčďéíĺľňóôŕšťúýž", // 13 Slovak
	"áéíóöőúüű",         // 14 Hungarian
	"čćđšž",             // 15 Croatian, Slovenian, Bosnian
	"ăâîşţșț",           // 16 Romanian
	"ąčęėįšųūž",         // 17 Lithuanian
	"āčēģīķļņšūž",       // 18 Latvian
	"äöõüšž",            // 19 Estonian
	"çğıöşüâîûİ",        // 20 Turkish
}

// The common letters of each Latin code page's names (see codePage.common).
const (
	commonWestern = "éèàçüöäñáóíßøåãêæôâ"
	commonCentral = "čřěšžůąęłśżńćőűáéíóúýöü"
	commonBaltic  = "ėąčęįšųūžāēīņļäöüõ"
	commonTurkish = "ışğçöüİéá"
)

// Which languages each Latin code page is for (bits of languages).
const (
	langsWestern = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5 | 1<<6 | 1<<7 | 1<<8 | 1<<9 | 1<<10
	langsCentral = 1<<1 | 1<<11 | 1<<12 | 1<<13 | 1<<14 | 1<<15 | 1<<16
	langsBaltic  = 1<<1 | 1<<17 | 1<<18 | 1<<19
	langsTurkish = 1<<20 | langsWestern
)

// codePages are the legacy encodings in the order that wins when two read
// a sample the same way: the most common first.
var codePages = []*codePage{
	{enc: Windows1252, title: "Windows-1252 (Western European)", tab: &cp1252, cm: charmap.Windows1252, langs: langsWestern, common: commonWestern},
	{enc: Windows1250, title: "Windows-1250 (Central European)", tab: table(charmap.Windows1250), cm: charmap.Windows1250, langs: langsCentral, common: commonCentral},
	{enc: Windows1251, title: "Windows-1251 (Cyrillic)", tab: table(charmap.Windows1251), cm: charmap.Windows1251, script: "Cyrillic"},
	{enc: Windows1253, title: "Windows-1253 (Greek)", tab: table(charmap.Windows1253), cm: charmap.Windows1253, script: "Greek"},
	{enc: Windows1254, title: "Windows-1254 (Turkish)", tab: table(charmap.Windows1254), cm: charmap.Windows1254, langs: langsTurkish, common: commonTurkish},
	{enc: Windows1257, title: "Windows-1257 (Baltic)", tab: table(charmap.Windows1257), cm: charmap.Windows1257, langs: langsBaltic, common: commonBaltic},
	{enc: ShiftJIS, title: "Shift-JIS (Japanese, CP932)", mb: japanese.ShiftJIS, script: "Japanese"},
	{enc: GB18030, title: "GB18030 (Simplified Chinese, CP936/GBK)", mb: simplifiedchinese.GB18030, script: "Chinese"},
	{enc: EUCKR, title: "EUC-KR (Korean, CP949)", mb: korean.EUCKR, script: "Korean"},
	{enc: Big5, title: "Big5 (Traditional Chinese, CP950)", mb: traditionalchinese.Big5, script: "Chinese"},
	{enc: CP850, title: "CP850 (MS-DOS Western European)", tab: table(charmap.CodePage850), cm: charmap.CodePage850, langs: langsWestern, common: commonWestern},
	{enc: CP437, title: "CP437 (MS-DOS US)", tab: table(charmap.CodePage437), cm: charmap.CodePage437, langs: langsWestern, common: commonWestern},
	{enc: ISO885915, title: "ISO-8859-15 (Latin-9)", tab: table(charmap.ISO8859_15), cm: charmap.ISO8859_15, langs: langsWestern, common: commonWestern},
	{enc: MacRoman, title: "Mac Roman (old Excel for Mac)", tab: &macRoman, cm: charmap.Macintosh, langs: langsWestern, common: commonWestern},
}

// pageOf returns the code page of enc, nil for UTF-8 and UTF-16.
func pageOf(enc Encoding) *codePage {
	for _, c := range codePages {
		if c.enc == enc {
			return c
		}
	}
	return nil
}

// encodingNames are the names ParseEncoding accepts, folded to lower case.
var encodingNames = map[string]Encoding{
	"utf-8": UTF8, "utf8": UTF8,
	"utf-16le": UTF16LE, "utf16le": UTF16LE, "utf-16": UTF16LE, "utf16": UTF16LE, "unicode": UTF16LE,
	"utf-16be": UTF16BE, "utf16be": UTF16BE,
	// Latin-1 as browsers read it: Windows-1252 only adds characters where
	// ISO-8859-1 has invisible controls.
	"windows-1252": Windows1252, "cp1252": Windows1252, "ansi": Windows1252, "latin1": Windows1252,
	"latin-1": Windows1252, "iso-8859-1": Windows1252,
	"mac-roman": MacRoman, "macroman": MacRoman, "macintosh": MacRoman, "mac": MacRoman,
	"windows-1250": Windows1250, "cp1250": Windows1250,
	"windows-1251": Windows1251, "cp1251": Windows1251,
	"windows-1253": Windows1253, "cp1253": Windows1253,
	"windows-1254": Windows1254, "cp1254": Windows1254,
	"windows-1257": Windows1257, "cp1257": Windows1257,
	"shift_jis": ShiftJIS, "shift-jis": ShiftJIS, "sjis": ShiftJIS, "cp932": ShiftJIS, "windows-31j": ShiftJIS,
	"gb18030": GB18030, "gbk": GB18030, "cp936": GB18030, "gb2312": GB18030,
	"euc-kr": EUCKR, "euckr": EUCKR, "cp949": EUCKR, "uhc": EUCKR,
	"big5": Big5, "cp950": Big5,
	"cp850": CP850, "ibm850": CP850,
	"cp437": CP437, "ibm437": CP437,
	"iso-8859-15": ISO885915, "latin9": ISO885915, "latin-9": ISO885915,
}

// EncodingNames lists the names --encoding documents, one per encoding.
const EncodingNames = "utf-8, utf-16le, utf-16be, windows-1250, windows-1251, windows-1252, windows-1253, windows-1254, windows-1257, " +
	"shift_jis, gb18030 (gbk), euc-kr (cp949), big5, cp850, cp437, iso-8859-15 (latin9) or mac-roman"

// ParseEncoding reads an encoding's name as a person gives it (any case):
// one of EncodingNames or a common alias (cp1250, sjis, gbk, cp949, latin1,
// latin9, macintosh...).
func ParseEncoding(name string) (Encoding, error) {
	if enc, ok := encodingNames[strings.ToLower(strings.TrimSpace(name))]; ok {
		return enc, nil
	}
	return "", fmt.Errorf("sheet: %q is not an encoding we read: use %s", name, EncodingNames)
}

// Title names an encoding for a person: "Windows-1250 (Central European)".
func (e Encoding) Title() string {
	switch e {
	case UTF8, UTF8BOM:
		return "UTF-8"
	}
	if c := pageOf(e); c != nil {
		return c.title
	}
	return string(e)
}

// replacement is U+FFFD as bytes, for counting x/text's substitutions.
var replacement = []byte(string(utf8.RuneError))
