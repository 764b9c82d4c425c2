package check

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// excelFix is the repair for every spreadsheet-damage error. The damage happens
// when a column of phone numbers is stored as numbers: the cell keeps digits
// only, so a leading '+' or '0' is gone and long values turn into
// 2.40555E+10. None of this can be undone reliably from the exported text.
const excelFix = "format the column as Text in Excel (or prefix with ') and re-export"

// Phone normalises s to E.164 ("+", country code and national number). A
// number without a country code is read as a national number of
// defaultCountry (ISO 3166 alpha-2, any region libphonenumber knows; ""
// means "US"). note is "+12405551212 from \"(240) 555-1212\"" when the value
// changed, with the reason when it is not obvious.
//
// Accepted: separators (spaces, '-', '.', '/', parentheses), "+CC", the "00"
// international prefix (and the country's own, as 011 in North America),
// "+44 (0)20 ..." whose "(0)" is dropped, national numbers as libphonenumber
// reads them (with or without the trunk prefix, carrier codes, Argentina's
// 15), a "tel:" prefix and a leading apostrophe. The result is a number
// libphonenumber calls valid: one it calls impossible or invalid is refused,
// with what is wrong in its digits.
//
// Rejected with the fix in the message: an extension in the cell, letters,
// several numbers in one cell, and the marks a spreadsheet leaves when the
// column was stored as numbers (scientific notation, a trailing ".0", a lost
// leading '+' or '0' that changes the number). Anything with two readings is
// an error, never a guess.
func Phone(s, defaultCountry string) (e164 string, note string, err error) {
	in := Trim(s)
	if in == "" {
		return "", "", errors.New("phone number is empty")
	}
	if f, why := foldDigits(in); why != "" {
		e164, _, err := Phone(f, defaultCountry)
		if err != nil {
			return "", "", err
		}
		return e164, changeNote(e164, in, why), nil
	}
	def := canonCountry(defaultCountry)
	if isPlusDigits(in) {
		// Already E.164, the form of a clean sheet: the front end has nothing
		// to repair, and the result is usually in itself.
		e164, why, err := phoneText{digits: in[1:], plus: true, paren0: -1}.international(in, in[1:], 0)
		if err != nil || e164 == in {
			return e164, "", err
		}
		return e164, changeNote(e164, in, why), nil
	}
	e164, why, err := parsePhone(in, def)
	if err != nil {
		return "", "", err
	}
	if e164 != in {
		note = changeNote(e164, in, why)
	}
	return e164, note, nil
}

func changeNote(e164, in, why string) string {
	note := fmt.Sprintf("%s from %q", e164, in)
	if why != "" {
		note += " (" + why + ")"
	}
	return note
}

// isPlusDigits reports whether s is '+' and digits only.
func isPlusDigits(s string) bool {
	if len(s) < 2 || s[0] != '+' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// phoneText is a phone cell broken into what the parser needs.
type phoneText struct {
	digits    string // every ASCII digit, except the 0 of a "(0)"
	plus      bool   // starts with '+'
	bare      bool   // the cell was digits only: what a spreadsheet number exports as
	paren0    int    // digits before "(0)", or -1 when there is none
	hadParen0 bool
}

// parsePhone does the work of Phone on a trimmed, non-empty value; why explains
// a change a reader might not expect.
func parsePhone(in, def string) (e164, why string, err error) {
	w := in
	quoted := false
	if strings.HasPrefix(w, "'") { // Excel's "store as text" mark, kept by some exports
		w, quoted = Trim(w[1:]), true
	}
	if len(w) >= 4 && strings.EqualFold(w[:4], "tel:") {
		w = Trim(w[4:])
		if i := strings.IndexByte(w, ';'); i >= 0 {
			params := strings.ToLower(w[i:])
			if j := strings.Index(params, ";ext="); j >= 0 {
				ext := params[j+5:]
				if k := strings.IndexByte(ext, ';'); k >= 0 {
					ext = ext[:k]
				}
				return "", "", fmt.Errorf("%q carries the extension %s: put %s in the extension column and keep only the number here", in, ext, ext)
			}
			return "", "", fmt.Errorf("%q has tel: parameters (%s): keep only the number", in, w[i:])
		}
	}
	if w == "" {
		return "", "", fmt.Errorf("%q holds no number", in)
	}
	if strings.Trim(w, "#") == "" {
		return "", "", fmt.Errorf("%q is what a spreadsheet shows when a column is too narrow: widen it, %s", in, excelFix)
	}
	if isScientific(w) {
		return "", "", fmt.Errorf("%q is in scientific notation, so its last digits are lost: %s", in, excelFix)
	}
	if isDecimalZero(w) {
		return "", "", fmt.Errorf("%q ends in a decimal part, so the cell was stored as a number: %s", in, excelFix)
	}
	if err := phoneLetters(in, w); err != nil {
		return "", "", err
	}
	t, err := splitPhone(in, w)
	if err != nil {
		return "", "", err
	}
	t.bare = t.bare && !quoted
	return t.parse(in, def)
}

// isScientific reports whether w looks like a number in scientific notation as
// a spreadsheet writes it: 2.40555E+10, 2,40555E+10 (decimal comma), 1.2E10.
func isScientific(w string) bool {
	i := 0
	if i < len(w) && (w[i] == '+' || w[i] == '-') {
		i++
	}
	i0 := i
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	if i == i0 {
		return false
	}
	if i < len(w) && (w[i] == '.' || w[i] == ',') {
		i++
		i1 := i
		for i < len(w) && isDigit(w[i]) {
			i++
		}
		if i == i1 {
			return false
		}
	}
	if i >= len(w) || (w[i] != 'e' && w[i] != 'E') {
		return false
	}
	i++
	if i < len(w) && (w[i] == '+' || w[i] == '-') {
		i++
	}
	i2 := i
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	return i > i2 && i == len(w)
}

// isDecimalZero reports whether w is a long digit run with a zero decimal part,
// as in 2405551212.0 or 2405551212,00: a phone number stored as a number. Six
// or more digits before the point keep "240.555.1210"-style grouping out.
func isDecimalZero(w string) bool {
	w = strings.TrimPrefix(w, "+")
	i := 0
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	if i < 6 || i+1 >= len(w) || (w[i] != '.' && w[i] != ',') {
		return false
	}
	return strings.Trim(w[i+1:], "0") == ""
}

// phoneLetters rejects letters and separators that mean something other than
// one plain number: an extension, a vanity number, several numbers in a cell.
func phoneLetters(in, w string) error {
	i := strings.IndexFunc(w, func(r rune) bool {
		return r == '#' || r < utf8.RuneSelf && isLetter(byte(r))
	})
	if i > 0 && strings.ContainsAny(w[:i], "0123456789") {
		rest := strings.ToLower(w[i:])
		for _, m := range []string{"extension", "extn", "ext", "x", "#"} {
			if strings.HasPrefix(rest, m) {
				ext := strings.TrimLeft(rest[len(m):], ".: ")
				if ext != "" && strings.Trim(ext, "0123456789") == "" {
					return fmt.Errorf("%q ends with the extension %q: put %s in the extension column and keep only the number here", in, w[i:], ext)
				}
				break
			}
		}
	}
	if i >= 0 {
		return fmt.Errorf("%q contains letters or '#': write the number with digits only (put an extension in the extension column)", in)
	}
	if strings.ContainsAny(w, ",;") {
		return fmt.Errorf("%q holds more than one number or a dial string: put exactly one number in the cell", in)
	}
	return nil
}

// isPhoneSeparator reports whether r may sit between the digits of a number:
// blanks, dots, slashes, parentheses and every kind of dash (office software
// turns '-' into en dashes).
func isPhoneSeparator(r rune) bool {
	switch r {
	case ' ', '-', '.', '/', '(', ')', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return true
	}
	return isBlank(r)
}

// splitPhone checks the characters of w and collects its digits.
func splitPhone(in, w string) (phoneText, error) {
	t := phoneText{paren0: -1, bare: true}
	var b strings.Builder
	b.Grow(len(w))
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRuneInString(w[i:])
		switch {
		case isDigit(w[i]):
			b.WriteByte(w[i])
		case r == '+':
			if b.Len() > 0 || t.plus {
				return t, fmt.Errorf("%q has a '+' that is not at the start: only the country code may follow a '+'", in)
			}
			t.plus = true
			t.bare = false
		case strings.HasPrefix(w[i:], "(0)"):
			if t.hadParen0 {
				return t, fmt.Errorf("%q has \"(0)\" twice: write the number once", in)
			}
			t.hadParen0, t.paren0 = true, b.Len()
			t.bare = false
			size = 3
		case isPhoneSeparator(r):
			t.bare = false
		default:
			return t, fmt.Errorf("%q contains %s, which does not belong in a phone number: remove it", in, showRune(r))
		}
		i += size
	}
	t.digits = b.String()
	if t.digits == "" {
		return t, fmt.Errorf("%q has no digits", in)
	}
	return t, nil
}

// parse turns the collected digits into E.164, reading them as international
// when they start with '+' or an international prefix and as a national number
// of def otherwise.
func (t phoneText) parse(in, def string) (string, string, error) {
	home := phoneIndex().byID[def]
	if home != nil {
		home.load()
	}
	if t.plus {
		return t.international(in, t.digits, 0)
	}
	if home != nil {
		if rest, ok := home.iddRest(t.digits); ok {
			return t.international(in, rest, len(t.digits)-len(rest))
		}
	}
	if strings.HasPrefix(t.digits, "00") {
		// The most common international prefix, read as one everywhere: no
		// national number starts with 00.
		return t.international(in, t.digits[2:], 2)
	}
	return t.national(in, def, home)
}

// international reads digits that follow '+' or an international prefix (of
// prefix digits).
func (t phoneText) international(in, rest string, prefix int) (string, string, error) {
	if rest == "" {
		return "", "", fmt.Errorf("%q has no digits after the international prefix: add the country code and number", in)
	}
	if rest[0] == '0' {
		return "", "", fmt.Errorf("%q has a 0 where the country code belongs: country codes never start with 0; write + followed by the country code, as in +44 20 7946 0958", in)
	}
	cc, n := ccPrefix(rest)
	if cc == 0 {
		return "", "", fmt.Errorf("%q has no country's calling code after the '+' (no country has %s): check the first digits", in, ccCandidates(rest))
	}
	main := mainRegion(cc)
	raw := rest[n:]
	why := ""
	if t.hadParen0 {
		if t.paren0-prefix != n {
			return "", "", fmt.Errorf("%q has \"(0)\" somewhere other than right after the country code: write it as +<country code> (0)<number> or without the (0)", in)
		}
		if main.meta.nationalPrefix != "0" {
			// No trunk 0 to drop: the 0 may belong to the number (Italy keeps
			// it). Take the one reading that is a number, never a guess.
			kept, dropped := main.afterCC("0"+raw), main.afterCC(raw)
			okKept := kept != "" && validNumber(cc, kept)
			okDropped := dropped != "" && validNumber(cc, dropped)
			switch {
			case okKept && !okDropped:
				return "+" + main.ccStr + kept, "kept the 0 of (0): it is part of +" + main.ccStr + " numbers", nil
			case okDropped && !okKept:
				return "+" + main.ccStr + dropped, "dropped the (0): +" + main.ccStr + " numbers have no trunk 0", nil
			}
			return "", "", fmt.Errorf("%q has \"(0)\", but +%d numbers have no trunk 0 to drop, so it is unclear whether the 0 belongs to the number: write the number without \"(0)\", keeping the 0 only if it is part of the number", in, cc)
		}
	}
	nsn := main.afterCC(raw)
	if nsn == "" {
		return "", "", fmt.Errorf("%q is not a valid +%d number: %s", in, cc, whyInvalid(cc, raw, "after the country code "+main.ccStr))
	}
	if nsn != raw && !t.hadParen0 {
		why = prefixNote(main, raw, nsn)
	}
	if !validNumber(cc, nsn) {
		return "", "", fmt.Errorf("%q is not a valid +%d number: %s", in, cc, whyInvalid(cc, nsn, "after the country code "+main.ccStr))
	}
	if nsn == raw && prefix == 0 && t.digits == rest && len(in) == 1+len(rest) && in[0] == '+' && in[1:] == rest {
		return in, why, nil // no allocation for a cell already in E.164
	}
	return "+" + main.ccStr + nsn, why, nil
}

// prefixNote says what the national prefix rules did to raw.
func prefixNote(r *region, raw, nsn string) string {
	if np := r.meta.nationalPrefix; np != "" && raw == np+nsn {
		return "dropped the trunk " + np + " after +" + r.ccStr
	}
	return fmt.Sprintf("read %s as %s by the national prefix rules of %s", raw, nsn, r.id)
}

// ccCandidates says "9, 99 or 999": the codes the first digits could be.
func ccCandidates(rest string) string {
	var cs []string
	for n := 1; n <= 3 && n <= len(rest); n++ {
		cs = append(cs, "+"+rest[:n])
	}
	if len(cs) == 1 {
		return cs[0]
	}
	return strings.Join(cs[:len(cs)-1], ", ") + " or " + cs[len(cs)-1]
}

// reading is one way to understand the digits of a cell.
type reading struct {
	cc    *region // main region of the calling code; nil when none
	nsn   string  // "" when its length is out of bounds
	viaCC bool    // a national number that started with its own calling code
}

// e164 is built only for the reading returned or named: it allocates.
func (rd reading) e164() string {
	if rd.cc == nil {
		return ""
	}
	return "+" + rd.cc.ccStr + rd.nsn
}

func (rd reading) valid() bool { return rd.cc != nil && rd.nsn != "" && validNumber(rd.cc.cc, rd.nsn) }

// readNational reads d, without an international prefix, in r's rules.
func (r *region) readNational(d string) reading {
	if rest, ok := r.nationalCC(d); ok {
		main := mainRegion(r.cc)
		return reading{cc: main, nsn: main.afterCC(rest), viaCC: true}
	}
	return reading{cc: mainRegion(r.cc), nsn: r.afterCC(d)}
}

// readPlus reads d as an international number whose '+' was lost.
func readPlus(d string) reading {
	if d == "" || d[0] == '0' {
		return reading{}
	}
	cc, n := ccPrefix(d)
	if cc == 0 {
		return reading{}
	}
	main := mainRegion(cc)
	return reading{cc: main, nsn: main.afterCC(d[n:])}
}

// national reads digits without an international prefix as a number of def,
// and when that fails tells spreadsheet damage apart from a plain mistake.
func (t phoneText) national(in, def string, home *region) (string, string, error) {
	if home == nil {
		return "", "", fmt.Errorf("%q has no country code and the default country %q is not a region code (%s): write it as + followed by the country code", in, def, CountryHint())
	}
	d := t.digits
	if t.hadParen0 {
		if t.paren0 != 0 {
			return "", "", fmt.Errorf("%q has \"(0)\" but no leading '+': write it in international form, as in +44 (0)20 7946 0958 or +44 20 7946 0958", in)
		}
		d = "0" + d // "(0)20 7946 0958": the bracketed trunk prefix of a national number
	}
	rd := home.readNational(d)
	np := home.meta.nationalPrefix
	if rd.valid() {
		if t.bare && home.cc != 1 && (rd.viaCC || np != "" && !strings.HasPrefix(d, np)) {
			// A digits-only cell that lacks the trunk prefix its country
			// writes, or starts with the country code: the spreadsheet
			// dropped a leading 0 or a leading '+'. Often both read the same;
			// when they are two different numbers, that is a guess.
			if err := ambiguous(in, d, def, home, rd); err != nil {
				return "", "", err
			}
		}
		why := ""
		if rd.viaCC && home.cc != 1 {
			why = "read the leading " + home.ccStr + " as the country code"
		}
		return rd.e164(), why, nil
	}
	if t.bare {
		if err := damaged(in, d, def, home); err != nil {
			return "", "", err
		}
	}
	where := ""
	if np != "" && home.cc != 1 {
		where = "not counting the trunk prefix " + np
	}
	nsn := rd.nsn
	if nsn == "" {
		nsn = strings.TrimPrefix(d, np)
	}
	return "", "", fmt.Errorf("%q is not a valid %s number: %s; for a number of another country write + and the country code, or give the file's country with --default-country", in, def, whyInvalid(home.cc, nsn, where))
}

// ambiguous reports a digits-only cell whose lost '+' and lost 0 readings are
// both numbers, and different ones.
func ambiguous(in, d, def string, home *region, rd reading) error {
	var readings []string
	seen := map[string]bool{}
	if p := readPlus(d); p.valid() {
		readings = append(readings, fmt.Sprintf("%s that lost its leading '+'", p.e164()))
		seen[p.e164()] = true
	}
	if np := home.meta.nationalPrefix; (np == "0" || np == "") && d[0] != '0' {
		if z := home.readNational("0" + d); z.valid() && !seen[z.e164()] {
			readings = append(readings, fmt.Sprintf("the %s number 0%s that lost its leading 0", def, d))
			seen[z.e164()] = true
		}
	}
	if len(seen) < 2 && (len(seen) == 0 || seen[rd.e164()]) {
		return nil
	}
	if !seen[rd.e164()] {
		readings = append(readings, "the "+def+" number "+rd.e164())
	}
	return excelReadings(in, readings)
}

// damaged explains a digits-only cell that is not a valid national number but
// becomes one with the character a spreadsheet drops: the leading '+' of an
// international number, or the leading 0 of a national one. Both readings are
// listed when both fit; nil means neither fits.
func damaged(in, d, def string, home *region) error {
	var readings []string
	if p := readPlus(d); p.valid() {
		readings = append(readings, fmt.Sprintf("%s that lost its leading '+'", p.e164()))
	}
	if np := home.meta.nationalPrefix; (np == "0" || np == "") && d[0] != '0' {
		if home.readNational("0" + d).valid() {
			readings = append(readings, fmt.Sprintf("the %s number 0%s that lost its leading 0", def, d))
		}
	}
	if len(readings) == 0 {
		return nil
	}
	return excelReadings(in, readings)
}

func excelReadings(in string, readings []string) error {
	return fmt.Errorf("%q looks like %s (a spreadsheet stored it as a number): %s", in, strings.Join(readings, ", or "), excelFix)
}

// countryAliases are spellings of a default country that are not ISO codes but
// mean exactly one region.
var countryAliases = map[string]string{"UK": "GB"}

func canonCountry(iso string) string {
	iso = strings.ToUpper(Trim(iso))
	if iso == "" {
		return "US"
	}
	if a, ok := countryAliases[iso]; ok {
		return a
	}
	return iso
}

// KnownCountry reports whether national numbers of iso (ISO 3166 alpha-2,
// or UK) can be read: every region libphonenumber has data for. The CLI
// checks --default-country once at start-up instead of failing every
// national number of the file.
func KnownCountry(iso string) bool {
	if strings.TrimSpace(iso) == "" {
		return false
	}
	_, ok := phoneIndex().byID[canonCountry(iso)]
	return ok
}

// Countries lists the ISO codes KnownCountry accepts, sorted: all of
// libphonenumber's regions (about 245). For a message, CountryHint is shorter.
func Countries() []string {
	return append([]string(nil), phoneIndex().isos...)
}

// CountryHint describes the accepted default countries in one short line,
// for messages where the full list of Countries would be noise.
func CountryHint() string {
	return fmt.Sprintf("an ISO 3166 region code such as US, CA, GB, DE, FR, AU, IN or BR; %d regions are known", len(phoneIndex().isos))
}
