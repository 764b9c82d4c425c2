package cli

import (
	"regexp"
)

// Outcomes in the summary get a colour in a terminal, so that a failed
// count stands out from a page of figures. Colour is added after the
// table is laid out (tabwriter counts escape bytes as width), and only
// when standard error is a terminal and NO_COLOR (no-color.org) is unset.

var outcomeLine = regexp.MustCompile(`(?m)^(  (?:provision |consent |remove )?)([a-z_ ]+?)(  +[0-9])`)

// outcomeColour is the SGR colour of each outcome: green for the aim
// reached, yellow for "not yet, nothing wrong", red for what needs a look.
var outcomeColour = map[string]string{
	"passed": "32", "provisioned": "32", "removed": "32", "sent": "32", "ok to send": "32",
	"pending": "33", "skipped": "33", "not_sent": "33", "too_recent": "33", "not_pending": "33", "unchanged": "33",
	"failed": "31", "invalid": "31", "error": "31", "not_found": "31", "unfinished": "31",
}

// colourOutcomes returns the summary text with its outcome labels coloured.
func colourOutcomes(s string) string {
	return outcomeLine.ReplaceAllStringFunc(s, func(m string) string {
		p := outcomeLine.FindStringSubmatch(m)
		c, ok := outcomeColour[p[2]]
		if !ok {
			return m
		}
		return p[1] + "\x1b[" + c + "m" + p[2] + "\x1b[0m" + p[3]
	})
}

// colourWanted is true when the summary goes to a person's terminal that
// has not asked for no colour.
func colourWanted(env Env) bool {
	return env.StderrTTY && env.Getenv("NO_COLOR") == ""
}
