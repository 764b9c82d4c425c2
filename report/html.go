package report

import (
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// WriteHTML writes a one-page report of a run: self-contained (inline CSS,
// no script, no external asset, system fonts), so that it reads the same
// from an e-mail attachment, offline, and on paper. fails may be nil.
// Every value is escaped by html/template, so a hostile cell cannot inject
// markup.
func WriteHTML(w io.Writer, info RunInfo, s *Summary, f RunFacts, fails *Failures) error {
	if s == nil {
		cmd, ok := command.Lookup(info.Command)
		if !ok {
			return fmt.Errorf("report: no command %q in the table", info.Command)
		}
		s = NewSummary(cmd)
	}
	if fails == nil {
		fails = NewFailures(s.Command, 0)
	}
	return htmlPage.Execute(w, newHTMLData(info, s, f, fails))
}

// maxChartCodes bounds the code chart: beyond a dozen or so, the rest is a
// long tail that the result CSV serves better.
const maxChartCodes = 15

type htmlData struct {
	Title, Tool, Version, Command, Input, From, Output string
	Started, Elapsed                                   string
	ExitCode                                           int
	ExitMeaning, StopReason                            string
	Counts                                             []htmlCount
	Outcomes                                           []htmlBar
	Provision                                          []htmlBar // the command's own outcomes
	AllReached                                         string    // the headline when no row fell short
	Lead                                               string    // what was done, first: "16 provisioned, 9 did not pass."
	Codes                                              []htmlBar
	MoreCodes                                          int
	Customers                                          []htmlCustomer
	NoRows                                             bool
	Groups                                             []htmlGroup
	Failing, Dropped                                   int
	Overlap                                            bool // some row counts under several groups
	PerKind                                            int
}

// htmlGroup is one kind of problem: a line of the "What to fix" table,
// and a heading over its first rows.
type htmlGroup struct {
	Group
	Heading string // the sheet's heading of an invalid group's column, where it differs
	Lines   string // "2, 3, 4, 5, 6 and 2,995 more"
	More    int    // rows not listed
	List    []*failureRow
}

// htmlCustomer is one line of the per-customer table.
type htmlCustomer struct {
	ID, ExternalID                       string
	Codes                                []string // "10022 ×3", each kept on one line
	Rows, Passed, Failed, Invalid, Error int
	Provisioned, Pending, Skipped        int
}

type htmlCount struct {
	Label, Value string
}

type htmlBar struct {
	Label, Note, Class string
	N                  int
	Width              string // CSS width: a percentage of the widest bar's track
}

func newHTMLData(info RunInfo, s *Summary, f RunFacts, fails *Failures) htmlData {
	input := info.Input
	if input == "-" || input == "" {
		input = "standard input"
	}
	tool := info.Tool
	if tool == "" {
		tool = "wholesale-batch"
	}
	d := htmlData{
		Title:      fmt.Sprintf("%s %s: %s", tool, info.Command, filepath.Base(cmp.Or(info.From, input))),
		Tool:       tool,
		Version:    info.Version,
		Command:    info.Command,
		Input:      input,
		From:       info.From,
		Output:     f.Output,
		Started:    info.Start.Format("2006-01-02 15:04:05 MST"),
		Elapsed:    roundElapsed(f.Elapsed).String(),
		ExitCode:   info.ExitCode,
		StopReason: f.StopReason,
		NoRows:     s.Rows == 0,
		Failing:    fails.Total(),
		Dropped:    fails.Dropped(),
		PerKind:    rowsPerKind,
	}
	sum := 0
	for _, g := range fails.sorted() {
		pg := g.public()
		sum += pg.Rows
		d.Groups = append(d.Groups, htmlGroup{Group: pg, Lines: linesText(pg.Lines, pg.Rows), More: pg.Rows - pg.Listed, List: g.list})
	}
	d.Overlap = sum > d.Failing
	d.Lead = lead(s, d.Failing)
	if len(info.Headings) > 0 {
		for _, g := range d.Groups {
			for _, fr := range g.List {
				for n := range fr.Issues {
					fr.Issues[n].Heading = info.Headings[fr.Issues[n].Column]
				}
			}
		}
		for n := range d.Groups {
			if d.Groups[n].Outcome == pipeline.Invalid {
				d.Groups[n].Heading = info.Headings[d.Groups[n].Label]
			}
		}
	}
	d.ExitMeaning = exitMeanings[info.ExitCode]
	d.AllReached = s.Command.AllReached

	// In validate, rows that would be sent have no outcome: show them as
	// what they are rather than let the outcomes fall short of the rows.
	notSent := 0
	if s.Command.Offline {
		notSent = s.Rows - s.prechecked(true)
	}
	add := func(label string, n int) { d.Counts = append(d.Counts, htmlCount{label, thousands(n)}) }
	add("rows", s.Rows)
	for _, o := range outcomeOrder {
		if s.shows(o) {
			add(o, s.Outcomes[o])
		}
	}
	if notSent > 0 {
		add(validNotSent, notSent)
	}
	for _, o := range sortedKeys(s.Own) {
		add(s.ownLabel(o), s.Own[o])
	}
	if f.Blank > 0 {
		add("blank rows skipped", f.Blank)
	}
	if s.Unfinished > 0 {
		add("unfinished", s.Unfinished)
	}
	if s.Resumed > 0 {
		add("from the earlier run", s.Resumed)
	}
	if f.Requests > 0 {
		add("requests", int(f.Requests))
		add("retries", int(f.Retries))
		add("answered 429", int(f.Throttled))
	}

	// Outcome bars are shares of all rows, so their lengths add up to the
	// whole run; code bars are relative to the most frequent code, so a
	// rare code is still visible next to a common one.
	for _, o := range outcomeOrder {
		if !s.shows(o) {
			continue
		}
		d.Outcomes = append(d.Outcomes, htmlBar{Label: o, Class: o, N: s.Outcomes[o], Width: width(s.Outcomes[o], s.Rows)})
	}
	if notSent > 0 {
		d.Outcomes = append(d.Outcomes, htmlBar{Label: validNotSent, Class: pipeline.Passed, N: notSent, Width: width(notSent, s.Rows)})
	}
	for _, o := range sortedKeys(s.Own) {
		class := pipeline.Failed
		if e, _ := s.Command.Own.Find(o); e.Goal == command.Reached {
			class = pipeline.Passed
		}
		d.Provision = append(d.Provision, htmlBar{Label: s.ownLabel(o), Class: class, N: s.Own[o], Width: width(s.Own[o], s.Rows)})
	}
	if cs := s.Customers(); len(cs) > 1 {
		for _, c := range cs {
			d.Customers = append(d.Customers, htmlCustomer{ID: dash(c.ID), ExternalID: c.ExternalID, Codes: splitList(c.codesText()), Rows: c.Rows,
				Passed: c.Precheck[pipeline.Passed], Failed: c.Precheck[pipeline.Failed], Invalid: c.Precheck[pipeline.Invalid],
				Error: c.Precheck[pipeline.Error], Provisioned: c.Provision[pipeline.Provisioned], Pending: c.Provision[pipeline.Pending],
				Skipped: c.Provision[pipeline.Skipped]})
		}
	}
	codes := s.Codes()
	if len(codes) > maxChartCodes {
		d.MoreCodes = len(codes) - maxChartCodes
		codes = codes[:maxChartCodes]
	}
	top := 0
	if len(codes) > 0 {
		top = codes[0].Rows
	}
	for _, c := range codes {
		class := pipeline.Failed
		if c.Kind == "info" {
			class = "info"
		}
		d.Codes = append(d.Codes, htmlBar{Label: c.Kind + " " + c.Code, Note: c.Description, Class: class, N: c.Rows, Width: width(c.Rows, top)})
	}
	return d
}

// splitList splits a ", "-joined list; nil for "".
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ", ")
}

// linesText lists the first line numbers of a group's rows of n.
func linesText(lines []int, n int) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(l))
	}
	if n > len(lines) {
		b.WriteString(" and " + thousands(n-len(lines)) + " more")
	}
	return b.String()
}

// lead says first what the run did: the rows that reached the command's
// aim, by outcome, then those that did not ("16 provisioned, 9 did not
// pass."). Outcomes no row has are left out.
func lead(s *Summary, failing int) string {
	var parts []string
	step := s.Command.Last()
	for _, o := range step.Outcomes {
		if o.Goal != command.Reached {
			continue
		}
		n := s.Outcomes[o.Name]
		label := o.Name
		switch {
		case step == s.Command.Own:
			n = s.Own[o.Name]
		case o.Name == pipeline.OK:
			n, label = s.Ready, "ok to send"
		}
		if n > 0 {
			parts = append(parts, thousands(n)+" "+label)
		}
	}
	if failing > 0 {
		parts = append(parts, thousands(failing)+" did not pass")
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ", ") + "."
}

// forPerson is the part of a fix the person who fixes the sheet acts on:
// its sentences that name no command-line flag; forOperator the others,
// shown beneath in small print for whoever runs the tool.
func forPerson(fix string) string   { p, _ := splitOperator(fix); return p }
func forOperator(fix string) string { _, o := splitOperator(fix); return o }

func splitOperator(fix string) (person, operator string) {
	var p, o []string
	for _, s := range strings.Split(fix, ". ") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if flagPattern.MatchString(s) {
			o = append(o, strings.TrimSuffix(s, "."))
		} else {
			p = append(p, strings.TrimSuffix(s, "."))
		}
	}
	join := func(ss []string) string {
		if len(ss) == 0 {
			return ""
		}
		return strings.Join(ss, ". ") + "."
	}
	return join(p), join(o)
}

// validNotSent labels validate's rows that passed the offline checks, in
// the words of its summary and its lead.
const validNotSent = "ok to send"

// exitMeanings follow the README's exit code table.
var exitMeanings = map[int]string{
	0: "every row passed",
	1: "the run finished, but some rows did not pass",
	2: "the run could not start: nothing was sent",
	3: "the run stopped early: every finished row is written",
}

// width is n as a share of total, as a CSS percentage; a row that exists
// gets a sliver even when its share rounds to nothing.
func width(n, total int) string {
	if n <= 0 || total <= 0 {
		return "0%"
	}
	p := float64(n) * 100 / float64(total)
	p = max(p, 0.5)
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

func roundElapsed(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// thousands writes n with comma separators: counts in a report are read,
// not parsed.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// flagPattern matches a command-line flag in a fix: "--retry-file".
var flagPattern = regexp.MustCompile(`--[a-z][a-z0-9-]*[a-z0-9]`)

// flags escapes a message or fix and sets its flags as code, which keeps each on one
// line: a browser would otherwise break "--retry-file" after its dashes.
func flags(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range flagPattern.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		b.WriteString("<code>" + template.HTMLEscapeString(s[m[0]:m[1]]) + "</code>")
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String())
}

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"thousands": thousands,
	"css":       func(s string) template.CSS { return template.CSS(s) }, // only for widths built by width()
	"flags":     flags,
	"person":    forPerson,
	"operator":  forOperator,
}).Parse(htmlTemplate))

// htmlTemplate is the page (report.html.tmpl). Bars are drawn with a top border rather than a
// background, because browsers print borders but drop backgrounds unless
// told otherwise; every bar also says its number, so nothing relies on
// colour alone. Words never break inside: a table too wide for a phone
// scrolls in its .scroll box, the "What to fix" table stacks its cells, and
// only opaque ids (.id) and mangled cells (.long) may break anywhere.
//
//go:embed report.html.tmpl
var htmlTemplate string
