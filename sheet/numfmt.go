package sheet

import "strings"

// kind is what a number format shows.
type kind int

const (
	kindKeep   kind = iota // text (@), or zero padding ("00000"): applied as it is
	kindNumber             // a number: its own digits are read instead
	kindDate               // a calendar date
	kindStamp              // a date with a time of day
	kindClock              // a time of day, or a duration
)

// builtinFormat is the code of one of the number formats every workbook
// has without defining them (ECMA-376 18.8.30), "" for one it does not
// matter here (read as a number).
func builtinFormat(id int) string {
	switch {
	case id == 0:
		return "General"
	case id == 49:
		return "@"
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id >= 50 && id <= 58:
		return "yyyy-mm-dd" // dates, in whatever the locale shows
	case id == 22:
		return "yyyy-mm-dd hh:mm"
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id >= 45 && id <= 47:
		return "hh:mm:ss"
	}
	return "0"
}

// formatKind classifies a number format code by its first section (the
// one for positive numbers), with quoted text, escapes and [...] parts
// (colours, locales; not [h], an elapsed time) left out.
func formatKind(code string) kind {
	if i := strings.IndexByte(code, ';'); i >= 0 {
		code = code[:i]
	}
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				i = len(code)
			} else {
				i += j + 1
			}
		case '\\', '_', '*':
			i++ // the next character is literal (or padding)
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			if inner := strings.ToLower(code[i+1 : i+j]); strings.Trim(inner, "hms") == "" {
				b.WriteString(inner) // [h]:mm elapsed time
			}
			i += j
		default:
			b.WriteByte(c)
		}
	}
	f := strings.ToLower(b.String())
	switch {
	case f == "@" || strings.TrimSpace(f) == "":
		return kindKeep
	case f == "general":
		return kindNumber
	case len(f) > 1 && strings.Trim(f, "0") == "":
		return kindKeep // zero padding; "0" alone is a plain number
	}
	day := strings.ContainsAny(f, "yd") || strings.Contains(f, "mmm")
	clock := strings.ContainsAny(f, "hs")
	switch {
	case day && clock:
		return kindStamp
	case day:
		return kindDate
	case clock:
		return kindClock
	case strings.Contains(f, "e+") || strings.Contains(f, "e-") || strings.ContainsAny(f, "0#?"):
		return kindNumber
	}
	return kindKeep
}
