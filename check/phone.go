package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// excelFix is the repair for every spreadsheet-damage error. The damage happens
// when a column of phone numbers is stored as numbers: the cell keeps digits
// only, so a leading '+' or '0' is gone and long values turn into
// 2.40555E+10. None of this can be undone reliably from the exported text.
const excelFix = "format the column as Text in Excel (or prefix with ') and re-export"

// country holds what the parser needs to know about one partner market.
type country struct {
	iso   string // ISO 3166 alpha-2
	cc    string // country calling code
	trunk string // national trunk prefix, dropped in E.164; "" when the country has none
	idd   string // international prefix besides "00", e.g. "011"; "" when "00" is the only one
	min   int    // national significant number (NSN) length, after cc, without trunk
	max   int
	// lead, when set, lists the digits a national-format NSN may start with.
	// It exists for countries without a trunk prefix whose numbers begin with a
	// zero or another fixed digit (Italy keeps its leading 0 in E.164): a number
	// that starts otherwise there is more likely a cell that lost its 0 than a
	// real number, so it is an error with guidance instead.
	lead string
}

// countries covers the common partner markets. Lengths are NSN lengths from the
// national numbering plans, kept generous on purpose: the API does the exact
// check, this table only has to catch clear damage without rejecting real
// numbers. Countries not listed are still accepted in +international form.
var countries = map[string]*country{
	"US": {iso: "US", cc: "1", trunk: "1", idd: "011", min: 10, max: 10},
	"CA": {iso: "CA", cc: "1", trunk: "1", idd: "011", min: 10, max: 10},
	"MX": {iso: "MX", cc: "52", min: 10, max: 10},
	"GB": {iso: "GB", cc: "44", trunk: "0", min: 9, max: 10},
	"IE": {iso: "IE", cc: "353", trunk: "0", min: 7, max: 9},
	"DE": {iso: "DE", cc: "49", trunk: "0", min: 6, max: 13},
	"AT": {iso: "AT", cc: "43", trunk: "0", min: 6, max: 13},
	"CH": {iso: "CH", cc: "41", trunk: "0", min: 9, max: 9},
	"FR": {iso: "FR", cc: "33", trunk: "0", min: 9, max: 9},
	"BE": {iso: "BE", cc: "32", trunk: "0", min: 8, max: 9},
	"NL": {iso: "NL", cc: "31", trunk: "0", min: 9, max: 9},
	"ES": {iso: "ES", cc: "34", min: 9, max: 9, lead: "6789"},
	"PT": {iso: "PT", cc: "351", min: 9, max: 9, lead: "23789"},
	"IT": {iso: "IT", cc: "39", min: 6, max: 11, lead: "03"},
	"SE": {iso: "SE", cc: "46", trunk: "0", min: 7, max: 9},
	"NO": {iso: "NO", cc: "47", min: 8, max: 8},
	"DK": {iso: "DK", cc: "45", min: 8, max: 8},
	"FI": {iso: "FI", cc: "358", trunk: "0", min: 5, max: 12},
	"PL": {iso: "PL", cc: "48", min: 9, max: 9},
	"AU": {iso: "AU", cc: "61", trunk: "0", idd: "0011", min: 9, max: 9},
	"NZ": {iso: "NZ", cc: "64", trunk: "0", min: 8, max: 10},
	"IN": {iso: "IN", cc: "91", trunk: "0", min: 10, max: 10},
	"JP": {iso: "JP", cc: "81", trunk: "0", idd: "010", min: 9, max: 10},
	"SG": {iso: "SG", cc: "65", min: 8, max: 8},
	"ZA": {iso: "ZA", cc: "27", trunk: "0", min: 9, max: 9},
}

// countryAliases are spellings of a default country that are not ISO codes but
// mean exactly one entry.
var countryAliases = map[string]string{"UK": "GB"}

// byCC finds a country by calling code. Calling codes form a prefix-free code,
// so at most one of the 1-, 2- and 3-digit prefixes of a number matches.
var byCC = func() map[string]*country {
	m := make(map[string]*country)
	for _, c := range countries {
		if c.iso != "CA" { // US and CA share +1 and its rules
			m[c.cc] = c
		}
	}
	return m
}()

// knownCountries is the sorted list of default countries, for messages.
var knownCountries = func() string {
	var l []string
	for iso := range countries {
		l = append(l, iso)
	}
	sort.Strings(l)
	return strings.Join(l, ", ")
}()

// Phone normalises s to E.164 ("+" and 8 to 15 digits). A number without a
// country code is read as a national number of defaultCountry (ISO 3166
// alpha-2; "" means "US"). note is "+12405551212 from \"(240) 555-1212\"" when
// the value changed, with the reason when it is not obvious.
//
// Accepted: separators (spaces, '-', '.', '/', parentheses), "+CC", the "00"
// international prefix (and the country's own, as 011 in North America),
// "+44 (0)20 ..." whose "(0)" is dropped, national numbers with their trunk
// prefix ("020 7946 0958" in GB), a "tel:" prefix and a leading apostrophe.
//
// Rejected with the fix in the message: an extension in the cell, letters,
// several numbers in one cell, and the marks a spreadsheet leaves when the
// column was stored as numbers (scientific notation, a trailing ".0", a lost
// leading '+' or '0'). Anything with two readings is an error, never a guess.
func Phone(s, defaultCountry string) (e164 string, note string, err error) {
	in := Trim(s)
	if in == "" {
		return "", "", errors.New("phone number is empty")
	}
	def := strings.ToUpper(Trim(defaultCountry))
	if def == "" {
		def = "US"
	}
	if a, ok := countryAliases[def]; ok {
		def = a
	}
	e164, why, err := parsePhone(in, def)
	if err != nil {
		return "", "", err
	}
	if e164 != in {
		note = fmt.Sprintf("%s from %q", e164, in)
		if why != "" {
			note += " (" + why + ")"
		}
	}
	return e164, note, nil
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
			return t, fmt.Errorf("%q contains %q, which does not belong in a phone number: remove it", in, r)
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
	home := countries[def]
	rest, prefix := "", 0
	switch {
	case t.plus:
		rest = t.digits
	case home != nil && home.idd != "" && strings.HasPrefix(t.digits, home.idd):
		rest, prefix = t.digits[len(home.idd):], len(home.idd)
	case strings.HasPrefix(t.digits, "00"):
		rest, prefix = t.digits[2:], 2
	default:
		return t.national(in, def, home)
	}
	return t.international(in, rest, prefix)
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
	c := lookupCC(rest)
	why := ""
	if t.hadParen0 {
		ccLen := t.paren0 - prefix
		switch {
		case c != nil && ccLen != len(c.cc), c == nil && (ccLen < 1 || ccLen > 3):
			return "", "", fmt.Errorf("%q has \"(0)\" somewhere other than right after the country code: write it as +<country code> (0)<number> or without the (0)", in)
		case c != nil && c.trunk != "0":
			return "", "", fmt.Errorf("%q has \"(0)\", but +%s numbers have no trunk 0 to drop, so it is unclear whether the 0 belongs to the number: write the number without \"(0)\", keeping the 0 only if it is part of the number", in, c.cc)
		}
	}
	if c == nil {
		// A country outside the table: only E.164's own limits apply; the API
		// does the rest.
		if n := len(rest); n < 8 || n > 15 {
			return "", "", fmt.Errorf("%q has %d digits after the '+'; an international number has 8 to 15: check for missing or extra digits", in, n)
		}
		return "+" + rest, "", nil
	}
	nsn := rest[len(c.cc):]
	if c.trunk == "0" && strings.HasPrefix(nsn, "0") && !t.hadParen0 {
		// "+44 020 ..." : numbers of trunk-0 countries never start with 0 after
		// the country code, so this 0 can only be the trunk prefix written by
		// mistake. One reading, so drop it and say so.
		nsn = nsn[1:]
		why = "dropped the trunk 0 after +" + c.cc
	}
	if msg := c.nsnProblem(nsn, false); msg != "" {
		return "", "", fmt.Errorf("%q is not a valid +%s number: %s", in, c.cc, msg)
	}
	return "+" + c.cc + nsn, why, nil
}

// national reads digits without an international prefix as a number of def,
// and when that fails tells spreadsheet damage apart from a plain mistake.
func (t phoneText) national(in, def string, c *country) (string, string, error) {
	if c == nil {
		return "", "", fmt.Errorf("%q has no country code and the default country %q is not one this tool knows (%s): write it as + followed by the country code", in, def, knownCountries)
	}
	d := t.digits
	if t.hadParen0 {
		if t.paren0 != 0 {
			return "", "", fmt.Errorf("%q has \"(0)\" but no leading '+': write it in international form, as in +44 (0)20 7946 0958 or +44 20 7946 0958", in)
		}
		d = "0" + d // "(0)20 7946 0958": the bracketed trunk prefix of a national number
	}
	nsn, msg := c.nationalNSN(d)
	if msg == "" {
		return "+" + c.cc + nsn, "", nil
	}
	if t.bare {
		if err := damaged(in, d, c); err != nil {
			return "", "", err
		}
	}
	return "", "", fmt.Errorf("%q is not a valid %s number: %s; for a number of another country write + and the country code", in, def, msg)
}

// nationalNSN strips the trunk prefix of a national-format number d and checks
// the rest; msg says what is wrong, or is "" when nsn is good.
func (c *country) nationalNSN(d string) (nsn string, msg string) {
	switch {
	case c.cc == "1":
		if len(d) == 11 && d[0] == '1' {
			d = d[1:]
		}
		if len(d) != 10 {
			return "", fmt.Sprintf("it has %d digits; North American numbers have 10 (or 11 starting with 1)", len(d))
		}
	case c.trunk != "":
		if !strings.HasPrefix(d, c.trunk) {
			return "", fmt.Sprintf("a national number there starts with the trunk prefix %s (or write it as +%s ...)", c.trunk, c.cc)
		}
		d = d[len(c.trunk):]
	}
	return d, c.nsnProblem(d, true)
}

// nsnProblem checks a national significant number; national says whether it
// was written in national format, where the lead digits rule applies.
func (c *country) nsnProblem(nsn string, national bool) string {
	if c.cc == "1" {
		switch {
		case len(nsn) != 10:
			return fmt.Sprintf("it has %d digits after the 1; North American numbers have 10", len(nsn))
		case nsn[0] < '2' || nsn[3] < '2':
			return "the area code and the exchange (first and fourth digit) must start with 2-9"
		case nsn[1:3] == "11":
			return "N11 codes such as 911 are not area codes"
		}
		return ""
	}
	if len(nsn) < c.min || len(nsn) > c.max {
		if c.min == c.max {
			return fmt.Sprintf("it has %d digits after the country code %s; %s numbers have %d", len(nsn), c.cc, c.iso, c.min)
		}
		return fmt.Sprintf("it has %d digits after the country code %s; %s numbers have %d to %d", len(nsn), c.cc, c.iso, c.min, c.max)
	}
	if c.trunk == "0" && nsn[0] == '0' {
		return fmt.Sprintf("a 0 follows the country code or trunk prefix, where +%s numbers have none", c.cc)
	}
	if national && c.lead != "" && strings.IndexByte(c.lead, nsn[0]) < 0 {
		return fmt.Sprintf("national %s numbers start with %s", c.iso, strings.Join(strings.Split(c.lead, ""), " or "))
	}
	if len(c.cc)+len(nsn) < 8 || len(c.cc)+len(nsn) > 15 {
		return fmt.Sprintf("it would have %d digits with the country code; E.164 numbers have 8 to 15", len(c.cc)+len(nsn))
	}
	return ""
}

// damaged explains a digits-only cell that is not a valid national number but
// becomes one with the character a spreadsheet drops: the leading '+' of an
// international number, or the leading 0 of a national one. Both readings are
// listed when both fit; nil means neither fits.
func damaged(in, d string, home *country) error {
	var readings []string
	if c := lookupCC(d); c != nil && c.nsnProblem(d[len(c.cc):], false) == "" {
		readings = append(readings, fmt.Sprintf("+%s that lost its leading '+'", d))
	}
	if (home.trunk == "0" || strings.Contains(home.lead, "0")) && d[0] != '0' {
		if _, msg := home.nationalNSN("0" + d); msg == "" {
			readings = append(readings, fmt.Sprintf("the %s number 0%s that lost its leading 0", home.iso, d))
		}
	}
	if len(readings) == 0 {
		return nil
	}
	return fmt.Errorf("%q looks like %s (a spreadsheet stored it as a number): %s", in, strings.Join(readings, ", or "), excelFix)
}

// lookupCC finds the table entry whose calling code starts digits, or nil.
func lookupCC(digits string) *country {
	for n := 1; n <= 3 && n <= len(digits); n++ {
		if c, ok := byCC[digits[:n]]; ok {
			return c
		}
	}
	return nil
}

// KnownCountry reports whether national numbers of iso (ISO 3166 alpha-2,
// or UK) can be read: the CLI checks --default-country once at start-up
// instead of failing every national number of the file.
func KnownCountry(iso string) bool {
	iso = strings.ToUpper(Trim(iso))
	if a, ok := countryAliases[iso]; ok {
		iso = a
	}
	_, ok := countries[iso]
	return ok
}

// Countries lists the ISO codes KnownCountry accepts, sorted.
func Countries() []string {
	out := make([]string, 0, len(countries))
	for iso := range countries {
		out = append(out, iso)
	}
	sort.Strings(out)
	return out
}
