package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wholesale-batch/wholesale-batch/column"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// Fields is one input row's values by column (all strings as read); the
// column table says how each is checked. Problem and the notes use the
// columns' names, so a message points at one column.
type Fields = column.Fields

// Options are the run-wide settings that change what a valid row is.
type Options struct {
	DefaultCountry  string // ISO 3166 alpha-2 for numbers without a country code; "" = "US"
	ExistingCalling bool   // users already have calling: calling packages need no phone/extension
	NeedCustomer    bool   // provisioning: a customerId is required (column or default)
}

// Problem is one reason a row is invalid. Field names the canonical column;
// Message says what is wrong and how to fix it, because the reader is the person
// editing the sheet, not the one who wrote the tool.
type Problem struct {
	Field   string
	Message string
}

// Row cleans one row and says whether it may be sent. f is not modified; clean
// is a copy with every field trimmed and, where valid, normalised (lower-case
// email, canonical package, E.164 phone, bare extension digits). A field that
// fails its check keeps its trimmed value in clean, so reports show what was
// read. notes describe every change, one per field ("email lower-cased",
// "primaryPhoneNumber +12405551212 from \"(240) 555-1212\""); problems empty
// means the row may be sent.
//
// An empty package is allowed: the caller fills a default package before
// calling Row when it has one. Duplicates across rows are Index's job.
func Row(f Fields, opt Options) (clean Fields, notes []string, problems []Problem) {
	clean = f
	note := func(field, n string) {
		if n != "" {
			notes = append(notes, field+" "+n)
		}
	}
	problem := func(field string, err error) {
		problems = append(problems, Problem{Field: field, Message: err.Error()})
	}
	for _, c := range column.Table {
		v := c.Field(&clean)
		if t := Trim(*v); t != *v {
			*v = t
			notes = append(notes, c.Name+" trimmed")
		}
	}
	// A total or a repeated header is not a subscriber: saying so beats
	// advice about the spaces in its "address".
	if what := notSubscriber(clean); what != "" {
		return clean, nil, []Problem{{Message: what}}
	}
	// Invisible characters (bidi marks around a number pasted from a
	// contact card, zero-width spaces) are removed where that has one
	// reading: around any value, and inside a number.
	for _, c := range column.Table {
		v := c.Field(&clean)
		if !mayHoldInvisible(*v) {
			continue
		}
		inside := c.Kind == column.Phone || c.Kind == column.Extension
		s, removed := dropInvisible(*v, inside)
		if s != *v {
			notes = append(notes, fmt.Sprintf("%s removed the invisible %s", c.Name, removed))
			*v = s
		}
		if i := strings.IndexFunc(s, isInvisibleFormat); i >= 0 && c.Kind == column.ID {
			r, _ := utf8.DecodeRuneInString(s[i:])
			problems = append(problems, Problem{Field: c.Name, Message: fmt.Sprintf("%q holds an invisible character (%s) inside, which an id cannot have: retype it", s, RuneName(r))})
		}
	}
	if clean.Email == "" {
		problems = append(problems, Problem{Field: "email", Message: "empty: every row needs the subscriber's email address"})
	}
	// A line break typed in a cell (Alt+Enter) must not reach the API: text
	// gets a space instead, a number or id is refused (the email check says
	// it for addresses).
	var broken uint32 // bit i: Table[i] holds a control character and is refused
	for i, c := range column.Table {
		v := c.Field(&clean)
		what, hint := controlIn(*v)
		if what == "" {
			continue
		}
		switch c.Kind {
		case column.Text, column.Package:
			s := oneLine(*v)
			notes = append(notes, fmt.Sprintf("%s %q from %q (%s in the cell became a space)", c.Name, s, *v, what))
			*v = s
		case column.Email:
		default:
			broken |= 1 << i
			noun := "a number"
			if c.Kind == column.ID {
				noun = "an id"
			}
			problems = append(problems, Problem{Field: c.Name, Message: fmt.Sprintf("%q holds %s%s, which %s cannot have: delete it", *v, what, hint, noun)})
		}
	}
	// Each value by its kind, in table order; a value that fails keeps its
	// trimmed form, so reports show what was read.
	for i, c := range column.Table {
		v := c.Field(&clean)
		if *v == "" || broken&(1<<i) != 0 {
			continue
		}
		switch c.Kind {
		case column.Email:
			if e, n, err := Email(*v); err != nil {
				problem(c.Name, err)
			} else {
				*v = e
				note(c.Name, n)
			}
		case column.Package:
			if p, n, err := Package(*v); err != nil {
				problem(c.Name, err)
			} else {
				*v = p
				note(c.Name, n)
				if p == "attendant_console" {
					problem(c.Name, errAttendantAlone)
				}
			}
		case column.Phone:
			if p, n, err := Phone(*v, opt.DefaultCountry); err != nil {
				problem(c.Name, err)
			} else {
				*v = p
				note(c.Name, n)
			}
		case column.Extension:
			if e, err := Extension(*v); err != nil {
				problem(c.Name, err)
			} else {
				if e != *v {
					n := fmt.Sprintf("%s from %q", e, *v)
					if _, why := foldDigits(*v); why != "" {
						n += " (" + why + ")"
					}
					note(c.Name, n)
				}
				*v = e
			}
		}
	}

	// Text and ids go as they are: one longer than the column's limit is
	// refused with its length, never trimmed. The other kinds' own checks
	// bound them (an address, a number, a package name).
	for i, c := range column.Table {
		v := c.Field(&clean)
		if c.Kind != column.Text && c.Kind != column.ID || broken&(1<<i) != 0 {
			continue
		}
		if n := utf8.RuneCountInString(*v); n > c.Max {
			broken |= 1 << i
			problems = append(problems, Problem{Field: c.Name, Message: fmt.Sprintf("%d characters long; at most %d are sent: shorten it (is it the whole value, or text pasted into the cell?)", n, c.Max)})
		}
	}
	// Rules across columns. clean keeps an invalid value, so these test
	// presence: a number that is present but invalid has its own problem
	// already, and a second would mislead.
	if IsCalling(clean.Package) && !opt.ExistingCalling && clean.PrimaryPhoneNumber == "" && clean.Extension == "" {
		problems = append(problems, Problem{Field: "primaryPhoneNumber", Message: clean.Package +
			" needs primaryPhoneNumber or extension; or pass --existing-calling if these users already have calling"})
	}
	if opt.NeedCustomer && clean.CustomerID == "" && clean.ExternalCustomerID == "" {
		problems = append(problems, Problem{Field: "customerId", Message: "customerId is empty: provisioning needs the customer's id; fill the customerId column or give a default customer id"})
	}
	if clean.CustomerPrimaryEmail == "" && clean.ProvisioningID != "" && clean.CustomerID == "" {
		// The precheck variant for a customer that does not exist yet is email +
		// provisioningId + customerInfo.primaryEmail; without the customer's
		// email the API cannot tell which customer the subscriber is for.
		problems = append(problems, Problem{Field: "customerPrimaryEmail", Message: "customerPrimaryEmail is empty: " +
			"a row with provisioningId but no customerId is for a customer not created yet and needs the customer's primary email; " +
			"fill customerPrimaryEmail, or fill customerId if the customer already exists"})
	}
	return clean, notes, problems
}

// controlIn names the first line break or other control character in s as a
// person would call it ("" when there is none); hint says where it came from.
func controlIn(s string) (what, hint string) {
	if !mayHoldControl(s) {
		return "", ""
	}
	for _, r := range s {
		switch {
		case isLineBreak(r):
			return "a line break", " (Alt+Enter in the cell)"
		case r == '\t':
			return "a tab", ""
		case unicode.IsControl(r):
			return "the invisible control character " + RuneName(r), ""
		}
	}
	return "", ""
}

// mayHoldControl is a fast byte test: false means s has no control
// character and no Unicode line separator.
func mayHoldControl(s string) bool {
	for i := 0; i < len(s); i++ {
		// 0xC2 leads U+0080..U+00BF (C1 controls), 0xE2 leads U+2028/U+2029.
		if c := s[i]; c < 0x20 || c == 0x7F || c == 0xC2 || c == 0xE2 {
			return true
		}
	}
	return false
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// oneLine replaces each run of control characters (line breaks, tabs), with
// the spaces around it, by one space.
func oneLine(s string) string {
	b := make([]byte, 0, len(s))
	pending := false
	for _, r := range s {
		switch {
		case isLineBreak(r) || unicode.IsControl(r):
			for len(b) > 0 && b[len(b)-1] == ' ' {
				b = b[:len(b)-1]
			}
			pending = true
			continue
		case r == ' ' && pending:
			continue
		case pending:
			b = append(b, ' ')
			pending = false
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// isInvisibleFormat reports a character that renders as nothing: Unicode's
// format characters (bidi marks and embeddings, zero-width spaces and
// joiners, the BOM, the soft hyphen).
func isInvisibleFormat(r rune) bool { return unicode.Is(unicode.Cf, r) }

// mayHoldInvisible is a fast byte test: false means s is ASCII or Latin-1
// letters only, none of them a format character.
func mayHoldInvisible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xC2 {
			return true
		}
	}
	return false
}

// dropInvisible removes invisible characters (and the blanks they hid) from
// both ends of s, and from inside when inside is set; removed names them.
func dropInvisible(s string, inside bool) (out, removed string) {
	var seen []rune
	note := func(r rune) bool {
		if isInvisibleFormat(r) && !slices.Contains(seen, r) {
			seen = append(seen, r)
		}
		return true
	}
	out = strings.TrimFunc(s, func(r rune) bool { return (isInvisibleFormat(r) || isBlank(r)) && note(r) })
	if inside {
		out = strings.Map(func(r rune) rune {
			if isInvisibleFormat(r) && note(r) {
				return -1
			}
			return r
		}, out)
	}
	if len(seen) == 0 {
		return out, ""
	}
	names := make([]string, len(seen))
	for i, r := range seen {
		names[i] = RuneName(r)
	}
	if len(names) == 1 {
		return out, "character " + names[0]
	}
	return out, "characters " + strings.Join(names, ", ")
}

// notSubscriber says what a row that is no subscriber is (a total line, a
// repeated header), or returns "". Its email cell holds no address.
func notSubscriber(f Fields) string {
	if f.Email == "" || strings.Contains(f.Email, "@") {
		return ""
	}
	if IsTotal(f.Email) {
		return "a total line, not a subscriber: delete it"
	}
	if name, ok := sheet.Canonical(f.Email); ok && name == "email" {
		return "a repeated header line: delete it"
	}
	headings := 0 // with --map the email heading may be one of the user's own
	for _, c := range column.Table {
		if v := *c.Field(&f); v != "" {
			if name, ok := sheet.Canonical(v); ok && name == c.Name {
				headings++
			}
		}
	}
	if headings >= 2 {
		return "a repeated header line: delete it"
	}
	return ""
}

// totalLabel matches the labels of total lines: a report's "Grand Totals (4
// records)", Excel's subtotals ("webex_calling Count", German "Gesamtergebnis",
// French "Total général").
var totalLabel = regexp.MustCompile(`(?i)^(grand[ -]?totals?|sub-?totals?|totals?|totaux|sum|summe|gesamt|gesamtergebnis|gesamtsumme|ergebnis|count|record count)(\s|[:(0-9]|$)|\s(totals?|count|sum|summe|ergebnis|anzahl)$`)

// IsTotal reports a cell that labels a total line of a report rather than
// a subscriber.
func IsTotal(cell string) bool {
	return totalLabel.MatchString(Trim(cell))
}
