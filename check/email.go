package check

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Email trims s, repairs the paste damage that has exactly one reading, checks
// the syntax and lower-cases the address. note lists the repairs ("lower-cased",
// "removed \"mailto:\" prefix"), joined by "; "; it is empty when nothing
// changed beyond trimming. err says what is wrong and how to fix it.
//
// The check is deliberately stricter than RFC 5322: quoted local parts, IP
// literals and non-ASCII addresses are legal on paper but are not what a sales
// sheet should hold, and the API's verdict on them is unknown; a clear message
// now beats a confusing 400 later. The address is lower-cased because Webex
// treats email addresses case-insensitively and duplicates are found on the
// lower-case form.
//
// A returned address passes Email again unchanged, with an empty note.
func Email(s string) (norm string, note string, err error) {
	in := Trim(s)
	if in == "" {
		return "", "", errors.New("email address is empty: fill in the address")
	}
	w, notes := unwrapEmail(in)
	if w == "" {
		return "", "", fmt.Errorf("%q holds no address once the wrapping is removed: fill in the address", in)
	}
	if msg := emailSyntax(w); msg != "" {
		return "", "", fmt.Errorf("%q %s", in, msg)
	}
	if lower := strings.ToLower(w); lower != w {
		w = lower
		notes = append(notes, "lower-cased")
	}
	return w, strings.Join(notes, "; "), nil
}

// unwrapEmail removes the wrappers that mail clients and web pages add around an
// address when it is copied: "Name <addr>", a stray "<" or ">", a "mailto:"
// link and a list separator at the end. Each has one reading, so it is repaired
// with a note rather than rejected.
func unwrapEmail(w string) (string, []string) {
	var notes []string
	orig := w
	if strings.HasSuffix(w, ">") {
		if i := strings.LastIndexByte(w, '<'); i >= 0 {
			w = Trim(w[i+1 : len(w)-1])
			if i > 0 {
				notes = append(notes, fmt.Sprintf("took the address out of %q", orig))
			} else {
				notes = append(notes, "removed the surrounding <>")
			}
		} else {
			w = Trim(w[:len(w)-1])
			notes = append(notes, "removed a trailing '>'")
		}
	} else if strings.HasPrefix(w, "<") && !strings.Contains(w, ">") {
		w = Trim(w[1:])
		notes = append(notes, "removed a leading '<'")
	}
	if len(w) >= 7 && strings.EqualFold(w[:7], "mailto:") {
		w = Trim(w[7:])
		notes = append(notes, `removed "mailto:" prefix`)
	}
	if n := len(w); n > 0 && (w[n-1] == ';' || w[n-1] == ',') {
		notes = append(notes, fmt.Sprintf("removed a trailing '%c'", w[n-1]))
		w = Trim(w[:n-1])
	}
	return w, notes
}

// emailSyntax returns why w is not an address we accept, or "" when it is. The
// messages are written for the person who fixes the sheet.
func emailSyntax(w string) string {
	if what, hint := controlIn(w); what != "" {
		if strings.Count(w, "@") > 1 {
			return fmt.Sprintf("holds more than one address, separated by %s%s: put one address per row", what, hint)
		}
		return fmt.Sprintf("holds %s%s, which an address cannot have: delete it", what, hint)
	}
	for i, r := range w {
		if r < utf8.RuneSelf {
			continue
		}
		if isBlank(r) || isInvisibleFormat(r) {
			return fmt.Sprintf("contains an invisible character or odd space (%s) at byte %d: retype the address", RuneName(r), i)
		}
		return fmt.Sprintf("contains %s, which is not ASCII: use the plain ASCII address", showRune(r))
	}
	if len(w) > 254 {
		return fmt.Sprintf("is %d characters long; an address has at most 254", len(w))
	}
	if strings.HasPrefix(w, `"`) && strings.Contains(w, `"@`) {
		// Checked before spaces: a quoted local part may hold them, and the
		// quoting is the thing to fix.
		return "has a quoted part before the @, which this tool does not accept: use a plain address"
	}
	if strings.ContainsAny(w, " \t\r\n") {
		switch strings.Count(w, "@") {
		case 0:
			return "is text, not an address (it has no @): fill in the address, or delete the line if it is not a subscriber (a title, a note, a footer)"
		case 1:
			if before, after, ok := besideAddress(w); ok {
				return fmt.Sprintf("has more than the address: delete %s", strings.Join(quoteAll(before, after), " and "))
			}
			return "contains a space: an address has no spaces, remove them"
		}
		return "holds more than one address: put one address per row"
	}
	switch n := strings.Count(w, "@"); {
	case n == 0:
		return "has no @: an address looks like name@example.com"
	case n > 1:
		return fmt.Sprintf("has %d @ signs: put exactly one address in the cell", n)
	}
	at := strings.IndexByte(w, '@')
	local, domain := w[:at], w[at+1:]
	if msg := localSyntax(local); msg != "" {
		return msg
	}
	return domainSyntax(local, domain)
}

// localSyntax checks the part before the @ as an RFC 5322 dot-atom.
func localSyntax(local string) string {
	switch {
	case local == "":
		return "has nothing before the @: add the mailbox name"
	case len(local) > 64:
		return fmt.Sprintf("has %d characters before the @; at most 64 are allowed", len(local))
	case local[0] == '.' || local[len(local)-1] == '.':
		return "has a dot at the start or end of the part before the @: remove it"
	case strings.Contains(local, ".."):
		return "has two dots in a row before the @: remove one"
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; !isAtext(c) && c != '.' {
			return fmt.Sprintf("contains %q before the @, which is not allowed in an address: remove it", string(c))
		}
	}
	return ""
}

// domainSyntax checks the part after the @ as a DNS name with a real top-level
// domain; local is only used to suggest the repaired address.
func domainSyntax(local, domain string) string {
	switch {
	case domain == "":
		return "has nothing after the @: add the domain, as in name@example.com"
	case strings.Contains(domain, ","):
		return fmt.Sprintf("has a comma in the domain: did you mean %s@%s? Type a dot instead of the comma",
			local, strings.ReplaceAll(domain, ",", "."))
	case strings.HasPrefix(domain, "["):
		return "has an IP address as its domain, which this tool does not accept: use the mail domain"
	case !strings.Contains(domain, "."):
		return fmt.Sprintf("has the domain %q without a dot: use the full domain, as in example.com", domain)
	case strings.Contains(domain, ".."):
		return "has two dots in a row in the domain: remove one"
	case domain[0] == '.' || domain[len(domain)-1] == '.':
		return "has a dot at the start or end of the domain: remove it"
	}
	tld := domain
	for rest := domain; rest != ""; {
		l := rest
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			rest, tld = "", l
		}
		if len(l) > 63 {
			return fmt.Sprintf("has a domain label of %d characters; at most 63 are allowed", len(l))
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Sprintf("has the domain label %q, which starts or ends with '-': fix the domain", l)
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isLetter(c) && !isDigit(c) && c != '-' {
				return fmt.Sprintf("contains %q in the domain; a domain has only letters, digits, '-' and dots", string(c))
			}
		}
	}
	if strings.HasPrefix(strings.ToLower(tld), "xn--") {
		return "" // an internationalised top-level domain in its ASCII form
	}
	if len(tld) < 2 {
		return fmt.Sprintf("ends in the top-level domain %q, which is too short: check the end of the domain", tld)
	}
	for i := 0; i < len(tld); i++ {
		if !isLetter(tld[i]) {
			return fmt.Sprintf("ends in the top-level domain %q; a top-level domain has only letters", tld)
		}
	}
	return ""
}

// isAtext reports whether c may appear in a dot-atom (RFC 5322 section 3.2.3).
func isAtext(c byte) bool {
	return isLetter(c) || isDigit(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// besideAddress finds a whole address among the words of w, as in
// "carl@acme.example (Carl Jr)", and returns the text before and after it.
func besideAddress(w string) (before, after string, ok bool) {
	for _, word := range strings.Fields(w) {
		if !strings.Contains(word, "@") {
			continue
		}
		addr := strings.TrimRight(strings.TrimLeft(word, `<(["'`), `>)]"',;:.`)
		if addr == "" || strings.ContainsAny(addr, " \t\r\n") || emailSyntax(addr) != "" {
			return "", "", false
		}
		i := strings.Index(w, addr)
		before, after = Trim(w[:i]), Trim(w[i+len(addr):])
		// Only text set apart is surely not part of the address: "john
		// smith@acme.com" may be john.smith.
		wrapped := word[0] == '(' || word[0] == '[' || word[0] == '<'
		return before, after, wrapped || isAside(before) && isAside(after)
	}
	return "", "", false
}

// isAside reports text in brackets or quotes, or none.
func isAside(s string) bool {
	if s == "" {
		return true
	}
	closing := map[byte]byte{'(': ')', '[': ']', '"': '"', '\'': '\''}
	c, ok := closing[s[0]]
	return ok && len(s) >= 2 && s[len(s)-1] == c
}

func quoteAll(parts ...string) []string {
	var q []string
	for _, p := range parts {
		if p != "" {
			q = append(q, fmt.Sprintf("%q", p))
		}
	}
	return q
}
