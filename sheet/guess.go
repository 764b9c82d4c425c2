package sheet

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
)

// Looks is what most values of a column look like, as Sniff sees them.
type Looks uint8

const (
	LooksUnknown   Looks = iota // too few values, a mix, or nothing below
	LooksEmail                  // name@example.com
	LooksPhone                  // "+49 221 1234567", "0221 1234567", "(240) 555-1201"
	LooksExtension              // an extension with its marker: "x1234", "ext. 1234"
	LooksDigits                 // 2 to 10 bare digits: an extension, or a postcode, a count, an id...
	LooksPackage                // a Webex package: "webex_calling", "Webex Calling", "cx_essentials"
	LooksWord                   // one word of letters: a first name, or a surname, a city...
)

func (l Looks) String() string {
	switch l {
	case LooksEmail:
		return "email addresses"
	case LooksPhone:
		return "phone numbers"
	case LooksExtension:
		return "extensions"
	case LooksDigits:
		return "short numbers"
	case LooksPackage:
		return "package names"
	case LooksWord:
		return "single words"
	}
	return "unknown"
}

const (
	sniffMax = 100 // values Sniff reads at most: it runs per unknown column
	sniffMin = 3   // non-empty values Sniff needs: one number says nothing
)

// Sniff says what most of samples (a column's first values) look like. It is
// cheap (a pass over at most 100 values, no allocation) and conservative: it
// needs at least 3 non-empty values, 80% of them alike; empty cells do not
// count. A phone number must look like one on its own: a '+', or 9 digits or
// more with a leading 0 or separators, because bare digits are as often ids
// and dates have 8. LooksDigits and LooksWord say little without a heading
// that points the same way; SuggestMap uses them only so.
func Sniff(samples []string) Looks {
	if len(samples) > sniffMax {
		samples = samples[:sniffMax]
	}
	var count [LooksWord + 1]int
	n := 0
	for _, s := range samples {
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "'")) // Excel's text marker
		if s == "" {
			continue
		}
		n++
		count[looksOf(s)]++
	}
	if n < sniffMin {
		return LooksUnknown
	}
	need := (4*n + 4) / 5 // 80%, rounded up
	// Marked extensions and bare digits together make a column of
	// extensions when at least one carries the marker.
	if count[LooksExtension] > 0 && count[LooksExtension]+count[LooksDigits] >= need {
		return LooksExtension
	}
	for l := LooksEmail; l <= LooksWord; l++ {
		if count[l] >= need {
			return l
		}
	}
	return LooksUnknown
}

// looksOf classifies one trimmed, non-empty value.
func looksOf(s string) Looks {
	switch {
	case strings.ContainsRune(s, '@'):
		if isEmailLike(s) {
			return LooksEmail
		}
	case isPackageLike(s):
		return LooksPackage
	case isPhoneLike(s):
		return LooksPhone
	case isMarkedExtension(s):
		return LooksExtension
	case isDigits(s, 2, 10):
		return LooksDigits
	case isWord(s):
		return LooksWord
	}
	return LooksUnknown
}

// isEmailLike: one '@', something before it, a dot inside the domain, no
// blanks or list separators. check.Email does the real check once mapped.
func isEmailLike(s string) bool {
	s = strings.TrimPrefix(s, "mailto:")
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(s, " \t,;<>\"") || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1
}

// isPackageLike: a Webex or Cisco product wording ("webex_calling", "Cisco
// Webex Suite", "cx_essentials") or "attendant_console". Bare words such as
// "Calling" or "Suite" are left out: alone in a column they could be
// anything. check.Package does the real check once mapped.
func isPackageLike(s string) bool {
	var buf [64]byte
	k := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '_' || c == '-':
		case 'a' <= c && c <= 'z':
			k = append(k, c)
		case 'A' <= c && c <= 'Z':
			k = append(k, c+'a'-'A')
		default:
			return false
		}
		if len(k) == cap(buf) {
			return false
		}
	}
	k = bytes.TrimPrefix(k, []byte("cisco"))
	if rest, ok := bytes.CutPrefix(k, []byte("webex")); ok {
		return len(rest) >= 4
	}
	if rest, ok := bytes.CutPrefix(k, []byte("cx")); ok {
		return len(rest) >= 5
	}
	return string(k) == "attendantconsole"
}

// isPhoneLike: digits with phone separators, 7 to 15 digits, and a sign that
// it is a number to dial (see Sniff).
func isPhoneLike(s string) bool {
	s = strings.TrimPrefix(s, "tel:")
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	digits, seps := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')':
			seps++
		default:
			return false
		}
	}
	if digits < 7 || digits > 15 || s == "" || !isDigit(s[0]) && s[0] != '(' {
		return false
	}
	return plus || digits >= 9 && (seps > 0 || strings.HasPrefix(strings.TrimLeft(s, "("), "0"))
}

// isMarkedExtension: "x1234", "ext. 1234", "extn 1234", "#1234".
func isMarkedExtension(s string) bool {
	for _, m := range [...]string{"extension", "extn", "ext", "x", "#"} {
		if len(s) > len(m) && strings.EqualFold(s[:len(m)], m) {
			return isDigits(strings.TrimSpace(strings.TrimLeft(s[len(m):], ".:")), 2, 10)
		}
	}
	return false
}

func isDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isWord: letters, with hyphens or apostrophes ("Anne-Marie", "O'Neil"), and
// no blank: a full name has one.
func isWord(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			n++
		case r == '-' || r == '\'' || r == '\u2019':
		default:
			return false
		}
	}
	return n >= 2
}

// SuggestMap says which --map to offer for an input column that maps to no
// column: header is its heading, samples a few of its values (the first rows;
// nil when only the header is known), mapped the canonical names the file's
// other columns already have (Header.Canonical; "" entries are ignored).
//
// mapTo is the column to offer, never one in mapped (a second column for it
// would stop the run). why then ends in '.' or '?', so a message can go on
// with "Rename it, or pass --map ..."; it is "Did you mean firstName?" when
// the heading is close to one of ours (as Suggest), or says what the values
// look like. With mapTo == "", why is WhyUnmapped's reason for a heading
// deliberately not mapped, or "". With samples nil, SuggestMap says what
// Suggest and WhyUnmapped say.
//
// The values change the answer only when they are clear (see Sniff): phone
// numbers, addresses, package names or marked extensions in a column with an
// unknown heading; or what a deliberately unmapped heading needs to be
// settled ("Handy" with phone numbers, "Nombre" with single words, "Poste"
// with digits), the why then saying what to make sure of. A heading we
// accept returns "", "": there is nothing to map.
func SuggestMap(header string, samples []string, mapped ...string) (mapTo, why string) {
	if _, ok := Canonical(header); ok {
		return "", ""
	}
	free := func(name string) bool { return name != "" && !slices.Contains(mapped, name) }
	looks := Sniff(samples)
	if i, ok := unmappedByKey[Key(header)]; ok {
		u := &unmapped[i]
		// Marked extensions settle a "Poste" as well as bare digits do.
		settled := looks == u.ifLooks || u.ifLooks == LooksDigits && looks == LooksExtension
		if u.ifLooks != LooksUnknown && settled && free(u.mapTo) {
			return u.mapTo, u.why
		}
		return "", u.reason
	}
	named := Suggest(header)
	byValues := ""
	switch looks {
	case LooksEmail:
		byValues = "email" // customerPrimaryEmail is never guessed from values alone
	case LooksPhone:
		byValues = "primaryPhoneNumber"
	case LooksExtension:
		byValues = "extension"
	case LooksPackage:
		byValues = "package"
	}
	if free(named) && (byValues == "" || fits(looks, named)) {
		return named, "Did you mean " + named + "?"
	}
	if free(byValues) {
		return byValues, "Its values look like " + looks.String() + "."
	}
	return "", ""
}

// fits reports whether values that look like l suit the column name.
func fits(l Looks, name string) bool {
	switch l {
	case LooksEmail:
		return name == "email" || name == "customerPrimaryEmail"
	case LooksPhone:
		return name == "primaryPhoneNumber"
	case LooksExtension:
		return name == "extension"
	case LooksPackage:
		return name == "package"
	}
	return true
}

// NumberColumn finds the column to offer when a calling package needs
// primaryPhoneNumber or extension and the file has neither: the first column
// mapped to nothing for which SuggestMap offers one of them. cells and
// canonical are the input's own header cells and their canonical names
// (Header.Data() and Header.Canonical[Header.First:]), samples[i] the first
// values of cells[i] (shorter or nil when not read). It returns i = -1 when
// the file has either column or no other column looks like one.
func NumberColumn(cells, canonical []string, samples [][]string) (i int, mapTo, why string) {
	if slices.Contains(canonical, "primaryPhoneNumber") || slices.Contains(canonical, "extension") {
		return -1, "", ""
	}
	for i, cell := range cells {
		if i < len(canonical) && canonical[i] != "" {
			continue
		}
		var s []string
		if i < len(samples) {
			s = samples[i]
		}
		if to, why := SuggestMap(cell, s, canonical...); to == "primaryPhoneNumber" || to == "extension" {
			return i, to, why
		}
	}
	return -1, "", ""
}

// addressHeadings are headings of directory exports whose column holds
// sign-in addresses: Microsoft 365 and Entra ID ("User principal name",
// "UPN"), Google Workspace and Okta ("Login", "Username"), LDAP ("uid" is
// not one: it is no address). Matched by Key.
var addressHeadings = map[string]bool{}

func init() {
	for _, h := range []string{"User principal name", "UserPrincipalName", "UPN", "Principal name",
		"Sign-in name", "Sign in name", "Sign-in address", "Sign-in", "Login", "Login name", "Logon name",
		"Login email", "Username", "User name", "User ID", "Primary SMTP address", "SMTP address",
		"Benutzerprinzipalname", "Anmeldename", "Benutzername", "Identifiant", "Nom d'utilisateur",
		"Nombre de usuario", "Nome utente", "Nome de usuário", "Gebruikersnaam"} {
		addressHeadings[Key(h)] = true
	}
}

// EmailColumn finds, in a file that has no email column, the column that
// holds the subscribers' addresses, so the refusal can give the exact
// --map. cells are the input's header cells, samples[i] the first values
// of cells[i]. A column qualifies when its values are addresses (see
// Sniff), or when its heading is a directory's sign-in heading ("User
// principal name", "UPN", "Sign-in name") and a value has an '@'. why ends
// the sentence "column X ...". It returns i = -1 when none qualifies.
func EmailColumn(cells []string, samples [][]string) (i int, why string) {
	for i, cell := range cells {
		var s []string
		if i < len(samples) {
			s = samples[i]
		}
		if Sniff(s) == LooksEmail {
			return i, "holds email addresses"
		}
		if addressHeadings[Key(cell)] && slices.ContainsFunc(s, func(v string) bool { return strings.Contains(v, "@") }) {
			return i, "holds sign-in addresses (a directory's user principal name)"
		}
	}
	return -1, ""
}
