package report

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/column"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// Issue is one reason a row did not pass, as the HTML report shows it: an
// invalid row has one per problem the checks found, any other row one.
// Rows with the same Label, Kind and fix are one group on the page, so
// Kind leaves out what differs from row to row (the cell's value, a line
// number, a count).
type Issue struct {
	Outcome string // the row's outcome: invalid, failed, error, not_sent, or its provision outcome
	Label   string // the column at fault ("email"), the codes ("errorCode 10022") or the status ("HTTP 503"); "" for a whole row
	Kind    string // the problem in words, without the row's own values: `has the domain "…" without a dot`
	Message string // this row's words, values included, without the fix
	Fix     string // what to do about this row; "" when Message says it already
}

// knownFixes maps published Webex error codes to what to do about them.
var knownFixes = map[string]string{
	"10022": "The user already exists in Webex: remove the row, or move the existing user",
}

// Fixes that do not depend on the row.
const (
	fixToken     = "The token was rejected (missing, wrong or expired): get a fresh partner administrator token, then continue the run with --resume"
	fixInvalid   = "Nothing was sent: correct the row as the message says, then run it again"
	fixNotSent   = "Not sent: the run stopped before this row's turn; continue the run with --resume"
	fixInDoubt   = "Outcome unknown: continue the run with --resume, which looks the subscriber up before sending anything again"
	fixUnfinish  = "Not finished: the run stopped before an answer came; continue the run with --resume"
	fixThrottled = "Throttled until the retries ran out: rerun with the retry file (--retry-file) and a lower --rate"
	fixTransient = "Transient: rerun with the retry file (--retry-file)"
	fixNoCode    = "The API refused the row without an error code: read the message; give support the tracking id"
)

// SuggestedFix returns what to do about a result that did not pass, or ""
// for one that passed. For an invalid row it is the fix its own problems
// name ("" when their words say it already); for a refused one, the fix for
// its error codes; else the fix for its kind of failure. The rules go from
// the most certain cause to the least: a rejected token explains
// everything else on the row.
func SuggestedFix(cmd *command.Command, r pipeline.Result) string {
	is := Issues(cmd, r)
	switch len(is) {
	case 0:
		return ""
	case 1:
		return is[0].Fix
	}
	var b strings.Builder
	for _, i := range is {
		if i.Fix == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		if i.Label != "" {
			b.WriteString(i.Label + ": ")
		}
		b.WriteString(i.Fix)
	}
	return b.String()
}

// failing is the step of cmd where r fell short (the first whose outcome
// missed its aim) and that outcome; a row that passed every step gets the
// last step's.
func failing(cmd *command.Command, r pipeline.Result) (*command.Step, command.Outcome) {
	var last *command.Step
	for _, s := range cmd.Steps() {
		o := s.Of(r)
		if o == "" && s != cmd.Last() {
			continue
		}
		last = s
		if e, _ := s.Find(o); e.Goal != command.Reached || r.Capped && s == cmd.Last() {
			e.Name = o
			return s, e
		}
	}
	e, _ := last.Find(last.Of(r))
	return last, e
}

// Issues returns why r, a result of cmd, did not pass; nil for a result
// that passed. The general rules come first, from the most certain cause
// to the least; then what the command table says of the outcome.
func Issues(cmd *command.Command, r pipeline.Result) []Issue {
	if cmd.Passed(r) {
		return nil
	}
	step, oc := failing(cmd, r)
	out := oc.Name
	one := func(label, kind, fix string) []Issue {
		return []Issue{{Outcome: out, Label: label, Kind: kind, Message: r.Message, Fix: fix}}
	}
	switch r.HTTPStatus {
	case 401:
		return one("HTTP 401", "the token was rejected", fixToken)
	case 403:
		return one("HTTP 403", "the token lacks rights", "The token lacks rights: "+pipeline.ScopeHint)
	}
	if r.Precheck == pipeline.Invalid {
		return problemIssues(r)
	}
	if r.ErrorCodes != "" {
		return codeIssue(r, out)
	}
	switch out {
	case pipeline.NotSent:
		return one("not sent", "the run stopped before this row's turn", fixNotSent)
	case pipeline.Error:
		switch {
		case !r.Final && step.InDoubt != "":
			return one("in doubt", step.InDoubt, fixInDoubt)
		case !r.Final:
			return one("unfinished", "the run stopped before an answer came", fixUnfinish)
		case r.HTTPStatus == 429:
			return one("HTTP 429", "throttled until the retries ran out", fixThrottled)
		case r.HTTPStatus == 0:
			return one("no answer", "no HTTP answer after the retries (a timeout or a broken connection)", fixTransient)
		}
		return one("HTTP "+strconv.Itoa(r.HTTPStatus), statusWords(r.HTTPStatus)+" after the retries", fixTransient)
	}
	if i := oc.Issue; i.FromMessage {
		// The message says why (--max-provision, a failed canary) and what next.
		what, fix := splitFix(r.Message)
		return []Issue{{Outcome: out, Label: i.Label, Kind: generic(r.Message, true), Message: what, Fix: capitalise(fix)}}
	} else if i.Label != "" {
		return one(strings.ReplaceAll(i.Label, "{outcome}", out), strings.ReplaceAll(i.Kind, "{outcome}", out), i.Fix)
	}
	status := "no HTTP status"
	if r.HTTPStatus != 0 {
		status = "HTTP " + strconv.Itoa(r.HTTPStatus)
	}
	return one(status, "refused without an error code", fixNoCode)
}

// statusWords names an HTTP status for a person: "Service Unavailable".
func statusWords(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "status " + strconv.Itoa(code)
}

// codeIssue is the one issue of a row the API refused with error codes: the
// codes are its kind, their descriptions its words.
func codeIssue(r pipeline.Result, out string) []Issue {
	codes := strings.Split(r.ErrorCodes, ";")
	label := "errorCode " + strings.Join(codes, "; ")
	if len(codes) > 1 {
		label = "errorCodes " + strings.Join(codes, "; ")
	}
	var words, fixes, unknown []string
	for _, c := range codes {
		if n, err := strconv.Atoi(c); err == nil && r.Descriptions[n] != "" {
			words = append(words, r.Descriptions[n])
		}
		if fix, ok := knownFixes[c]; ok {
			fixes = append(fixes, fix)
		} else {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		word := "errorCode "
		if len(unknown) > 1 {
			word = "errorCodes "
		}
		fixes = append(fixes, "Look up "+word+strings.Join(unknown, ", ")+" in the Webex for Wholesale guide; give support the tracking id")
	}
	kind := strings.Join(words, " ")
	if kind == "" {
		kind = "refused by the API"
	}
	return []Issue{{Outcome: out, Label: label, Kind: kind, Message: r.Message, Fix: strings.Join(fixes, ". ")}}
}

// problemIssues turns an invalid row's problems into issues: the checks
// write each as "what is wrong: what to do", so the two are split rather
// than said twice.
func problemIssues(r pipeline.Result) []Issue {
	var ps []pipeline.Problem
	if r.Row != nil {
		ps = r.Row.Problems
	}
	if len(ps) == 0 {
		// A result read back without its problems: its message is what is left.
		if r.Message == "" {
			return []Issue{{Outcome: pipeline.Invalid, Kind: "found wrong before sending", Fix: fixInvalid}}
		}
		ps = []pipeline.Problem{problemOf(r.Message)}
	}
	is := make([]Issue, len(ps))
	for n, p := range ps {
		what, fix := splitFix(p.Message)
		is[n] = Issue{Outcome: pipeline.Invalid, Label: p.Field, Kind: generic(dropValue(what), true), Message: what, Fix: capitalise(fix)}
	}
	return is
}

// problemOf reads a message written by pipeline.ProblemText back into a
// problem, naming its column when it starts with one.
func problemOf(msg string) pipeline.Problem {
	if name, rest, ok := strings.Cut(msg, ": "); ok {
		for _, c := range column.Table {
			if c.Name == name {
				return pipeline.Problem{Field: name, Message: rest}
			}
		}
	}
	return pipeline.Problem{Message: msg}
}

// splitFix splits a check's message at its first ": " outside a quoted
// value: `"x@acme" has the domain "acme" without a dot: use the full
// domain` says what is wrong, then what to do. A message without one is
// all "what".
func splitFix(msg string) (what, fix string) {
	for i := 0; i < len(msg); i++ {
		switch msg[i] {
		case '"':
			i = closingQuote(msg, i)
		case ':':
			if i+1 < len(msg) && msg[i+1] == ' ' && i > 0 {
				return msg[:i], strings.TrimSpace(msg[i+2:])
			}
		}
	}
	return msg, ""
}

// closingQuote returns the index of the quote that closes the Go-quoted
// string opening at s[i], or len(s)-1 when it is not closed.
func closingQuote(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(s) - 1
}

// dropValue removes the quoted cell value a check's message starts with:
// `"x@acme" has no @` becomes `has no @`.
func dropValue(what string) string {
	if !strings.HasPrefix(what, `"`) {
		return what
	}
	j := closingQuote(what, 0)
	if rest := strings.TrimLeft(what[j+1:], " "); rest != "" && j < len(what)-1 {
		return rest
	}
	return what
}

// capitalise upper-cases an ASCII first letter: a fix stands alone in its
// cell, as a sentence.
func capitalise(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// charName is the length of the Unicode name after a character code
// (check.RuneName: " zero width space", " left-to-right mark"): small
// letters, digits, blanks and hyphens, up to the punctuation that ends it.
func charName(s string) int {
	if len(s) < 2 || s[0] != ' ' || s[1] < 'a' || s[1] > 'z' {
		return 0
	}
	n := 1
	for n < len(s) && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= '0' && s[n] <= '9' || s[n] == '-' || s[n] == ' ' && n+1 < len(s) && s[n+1] >= 'a' && s[n+1] <= 'z') {
		n++
	}
	return n
}

// quotedWords are quoted in the checks' own words, not values.
var quotedWords = map[string]bool{`"(0)"`: true, `"CSV UTF-8"`: true}

// generic takes the row's own values out of a message, so that rows with
// the same problem share one text: a quoted value becomes "…", as do a
// character code (U+00A0), an id (letters and digits, 8 or more) and a
// "did you mean" suggestion; a number of 3 or more digits becomes N, and so
// does any number in the first clause (a line, a count, a position) when
// counts is set. A country code (+44) and a 0 stay: they name the kind.
func generic(s string, counts bool) string {
	var b strings.Builder
	b.Grow(len(s))
	first := counts // still in the first clause
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := closingQuote(s, i)
			if q := s[i : j+1]; quotedWords[q] {
				b.WriteString(q)
			} else {
				b.WriteString(`"…"`)
			}
			i = j + 1
			continue
		case (c == ':' || c == ';') && i+1 < len(s) && s[i+1] == ' ':
			first = false
		case c == 'U' && strings.HasPrefix(s[i:], "U+") && hexRun(s[i+2:]) >= 4:
			b.WriteString("U+…")
			i += 2 + hexRun(s[i+2:])
			i += charName(s[i:]) // "U+200B zero width space": the name is the row's too
			continue
		case c == 'd' && strings.HasPrefix(s[i:], "did you mean "):
			if q := strings.IndexByte(s[i:], '?'); q > 0 {
				b.WriteString("did you mean …?")
				i += q + 1
				continue
			}
		case isWord(c) && (i == 0 || !isWord(s[i-1])):
			j := i
			digits, letters := 0, 0
			for ; j < len(s) && isWord(s[j]); j++ {
				if s[j] >= '0' && s[j] <= '9' {
					digits++
				} else {
					letters++
				}
			}
			w := s[i:j]
			plus := i > 0 && s[i-1] == '+'
			switch {
			case digits > 0 && letters > 0 && len(w) >= 8:
				b.WriteString("…")
			case letters > 0 || w == "0" || plus && len(w) <= 3:
				b.WriteString(w)
			case len(w) >= 3 || first:
				b.WriteString("N")
			default:
				b.WriteString(w)
			}
			i = j
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

func isWord(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// hexRun returns how many upper-case hex digits s starts with, at most 6.
func hexRun(s string) int {
	n := 0
	for n < len(s) && n < 6 && (s[n] >= '0' && s[n] <= '9' || s[n] >= 'A' && s[n] <= 'F') {
		n++
	}
	return n
}
