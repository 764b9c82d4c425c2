package sheet

import (
	"strings"
	"unicode/utf8"
)

// SniffDelimiter picks ',', ';' or '\t' from the header line: the one that
// occurs most often outside double quotes; ',' when none.
//
// Why: Excel writes ';' wherever the decimal separator is ',' (most of Europe),
// "Unicode text" is tab-separated, and Google Sheets writes ','; users rarely
// know which they have. The header line is the safest place to look because
// header cells are short and seldom contain the delimiter, and counting only
// outside quotes ignores a quoted "Last, First" heading.
//
// Ties go to the character least likely to appear inside an unquoted heading:
// '\t' before ';' before ','. So "Email;Phone, mobile" is read as
// semicolon-separated. An Excel "sep=;" directive line also sniffs correctly,
// but the caller should recognise and skip it with ExcelSepLine first.
func SniffDelimiter(headerLine string) rune {
	var comma, semi, tab int
	quoted := false
	for i := 0; i < len(headerLine); i++ { // all candidates are ASCII: bytes suffice
		switch headerLine[i] {
		case '"':
			quoted = !quoted // "" inside quotes toggles twice: still quoted
		case ',':
			if !quoted {
				comma++
			}
		case ';':
			if !quoted {
				semi++
			}
		case '\t':
			if !quoted {
				tab++
			}
		}
	}
	switch {
	case tab > 0 && tab >= semi && tab >= comma:
		return '\t'
	case semi > 0 && semi >= comma:
		return ';'
	}
	return ','
}

// ExcelSepLine reports whether line is Excel's delimiter directive, such as
// "sep=;" or "sep=\t", and which delimiter it names. Excel writes it as the
// very first line of some CSV exports and honours it when opening files; to
// encoding/csv it would look like a header with one odd column, so the caller
// should use the delimiter and skip the line. A surrounding pair of double
// quotes, a BOM and a trailing line ending are tolerated.
func ExcelSepLine(line string) (delim rune, ok bool) {
	line = strings.TrimPrefix(line, "\uFEFF")
	line = strings.TrimRight(line, "\r\n")
	if len(line) >= 2 && line[0] == '"' && line[len(line)-1] == '"' {
		line = line[1 : len(line)-1]
	}
	if len(line) < 4 || !strings.EqualFold(line[:4], "sep=") {
		return 0, false
	}
	r, size := utf8.DecodeRuneInString(line[4:])
	if size == 0 || 4+size != len(line) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
		return 0, false
	}
	return r, true
}
