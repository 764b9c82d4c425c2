package report

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// DefaultFailureRows is how many rows a Failures keeps in all when not
// told. The grouping keeps far fewer (maxKinds groups of rowsPerKind rows);
// this bound holds whatever the grouping does.
const DefaultFailureRows = 5000

// Bounds of the grouping: the page lists at most maxKinds kinds of problem
// and, under each, its first rowsPerKind rows and firstLines line numbers;
// the rest are counted, and the page points to the result CSV for them. So
// the page does not grow with the number of rows: 3,000 rows with one
// problem read as that problem, once, with its count.
const (
	maxKinds    = 50
	rowsPerKind = 20
	firstLines  = 5
)

// provisioned is the provision outcome that counts as a pass.
const provisioned = "provisioned"

// Cell limits for the rows a Failures keeps: an invalid row may hold a
// whole mangled line in its email cell, and the memory of the collector
// must stay bounded whatever the input holds.
const (
	maxEmailBytes   = 320
	maxMessageBytes = 1000
	maxKindBytes    = 400
)

// Failures collects the rows that did not pass, for the HTML report, in
// bounded memory: it groups them by kind of problem (see Issues), counts
// every row of each group, and keeps the first few rows of each, which the
// page lists under the group; it points to the result CSV for the others.
// Feed it every result, in the order written (from the sink, like Summary);
// it picks the rows itself. It is not safe for concurrent use.
type Failures struct {
	max    int // rows kept, over all groups
	kept   int
	total  int
	groups map[string]*group
	order  []*group // in order of first appearance
	other  *group   // the kinds beyond maxKinds
}

// group is one kind of problem and the rows that have it.
type group struct {
	Outcome, Label, Kind string
	own                  string // the first row's words, shown while every row has the same
	ownVaried            bool
	fix                  string // the first row's fix, likewise
	fixVaried            bool
	rows                 int
	lines                []int
	list                 []*failureRow
}

// failureRow is what the report shows of one row: copies of the few cells
// it needs, not the Result, so the rows' other data can be freed.
type failureRow struct {
	Line       int
	Email      string
	Customer   string // the partner's id of the customer, else its customerId; shown when the run has several
	Result     string // "failed", or "passed, provision failed"
	Outcome    string // the class of Result, for its colour
	HTTPStatus int
	Codes      string // "10022; 10101"
	Info       string // info codes, shown smaller
	Issues     []rowIssue
	TrackingID string
}

// rowIssue is one issue as a row of the page shows it.
type rowIssue struct {
	Column  string // the column at fault, for an invalid row
	Message string
	Fix     string
}

// NewFailures returns a collector that keeps at most max rows;
// DefaultFailureRows when max <= 0.
func NewFailures(max int) *Failures {
	if max <= 0 {
		max = DefaultFailureRows
	}
	return &Failures{max: max, groups: make(map[string]*group)}
}

// passed reports whether a result reached its goal: precheck passed (or,
// for validate, was not sent: "") and provisioning, if any, provisioned.
func passed(r pipeline.Result) bool {
	return (r.Precheck == "" || r.Precheck == pipeline.Passed) &&
		(r.Provision == "" || r.Provision == provisioned)
}

// Add counts r under each kind of problem it has, and keeps it under
// those that still have room, if it did not pass.
func (f *Failures) Add(r pipeline.Result) {
	if passed(r) {
		return
	}
	f.total++
	line := 0
	if r.Row != nil {
		line = r.Row.Line
	}
	is := Issues(r)
	var fr *failureRow
	counted := make([]*group, 0, 4) // a row's groups, to count it once in each
	for _, i := range is {
		g := f.group(i)
		if slices.Contains(counted, g) {
			continue
		}
		counted = append(counted, g)
		g.rows++
		if len(g.lines) < firstLines {
			g.lines = append(g.lines, line)
		}
		if own := ownWords(i); own != g.own && !g.ownVaried {
			g.ownVaried = true
		}
		if i.Fix != g.fix && !g.fixVaried {
			g.fixVaried = true
		}
		if len(g.list) >= rowsPerKind || fr == nil && f.kept >= f.max {
			continue
		}
		if fr == nil {
			fr = newFailureRow(r, is)
			f.kept++
		}
		g.list = append(g.list, fr)
	}
}

// group returns the group of issue i, made on first sight; past maxKinds
// kinds, new ones share one group.
func (f *Failures) group(i Issue) *group {
	key := i.Outcome + "\x00" + i.Label + "\x00" + i.Kind + "\x00" + generic(i.Fix, false)
	if len(key) > maxKindBytes {
		key = key[:maxKindBytes]
	}
	if g := f.groups[key]; g != nil {
		return g
	}
	if len(f.groups) >= maxKinds {
		if f.other == nil {
			f.other = &group{Kind: "other kinds of problem: each row says its own", ownVaried: true, fixVaried: true}
			f.other.own = f.other.Kind
		}
		return f.other
	}
	g := &group{Outcome: i.Outcome, Label: truncate(i.Label, maxEmailBytes), Kind: truncate(i.Kind, maxKindBytes),
		own: truncate(ownWords(i), maxKindBytes), fix: truncate(i.Fix, maxMessageBytes)}
	f.groups[strings.Clone(key)] = g
	f.order = append(f.order, g)
	return g
}

// ownWords is what a group shows while all its rows agree: an invalid
// row's words without the cell's value, which may name the same domain or
// line on every row ("has the domain \"acme\" without a dot"); else the kind.
func ownWords(i Issue) string {
	if i.Outcome == pipeline.Invalid && i.Message != "" {
		return dropValue(i.Message)
	}
	return i.Kind
}

func newFailureRow(r pipeline.Result, is []Issue) *failureRow {
	fr := &failureRow{
		HTTPStatus: r.HTTPStatus,
		Result:     r.Precheck,
		Outcome:    r.Precheck,
		Codes:      strings.ReplaceAll(r.ErrorCodes, ";", "; "),
		Info:       strings.ReplaceAll(r.InfoCodes, ";", "; "),
		TrackingID: truncate(r.TrackingID, maxEmailBytes),
		Issues:     make([]rowIssue, len(is)),
	}
	for n, i := range is {
		msg := i.Message
		if r.Precheck == pipeline.Invalid && i.Label == "email" && r.Row != nil && msg != "" &&
			strings.HasPrefix(msg, `"`+r.Row.Fields.Email+`" `) && strconv.Quote(r.Row.Fields.Email) == `"`+r.Row.Fields.Email+`"` {
			// The email cell beside it shows the address; a quoted one that
			// reveals a hidden character is kept.
			msg = dropValue(msg)
		}
		ri := rowIssue{Message: truncate(msg, maxMessageBytes), Fix: truncate(i.Fix, maxMessageBytes)}
		if r.Precheck == pipeline.Invalid {
			ri.Column = i.Label
		}
		fr.Issues[n] = ri
	}
	if r.Row != nil {
		fr.Line = r.Row.Line
		fr.Email = truncate(r.Row.Fields.Email, maxEmailBytes)
		fr.Customer = truncate(cmp.Or(r.Row.Fields.ExternalCustomerID, r.Row.Fields.CustomerID), maxEmailBytes)
	}
	if r.Provision != "" {
		if fr.Result == "" || fr.Result == pipeline.Passed {
			fr.Outcome = r.Provision
		}
		if fr.Result == "" {
			fr.Result = "provision " + r.Provision
		} else {
			fr.Result += ", provision " + r.Provision
		}
	}
	if !r.Final {
		fr.Result += " (unfinished)"
	}
	return fr
}

// Total returns how many rows did not pass, kept or not.
func (f *Failures) Total() int { return f.total }

// Dropped returns how many rows did not pass but were only counted.
func (f *Failures) Dropped() int { return f.total - f.kept }

// Group is one kind of problem among the rows that did not pass: what the
// HTML report says once for all the rows that have it.
type Group struct {
	Outcome string // invalid, failed, error...
	Label   string // the column, codes or status, as in Issue
	Words   string // the problem: the rows' own words when they all agree, else the kind
	Fix     string // the rows' fix when they all agree, else its words without their values
	Rows    int    // rows with this problem
	Lines   []int  // the first few of their line numbers
	Listed  int    // rows the page lists under it
}

// Groups returns the kinds of problem seen, the most frequent first (the
// earliest first among equals); a last group with an empty Outcome holds
// the kinds beyond the page's limit.
func (f *Failures) Groups() []Group {
	gs := f.sorted()
	out := make([]Group, len(gs))
	for n, g := range gs {
		out[n] = g.public()
	}
	return out
}

func (f *Failures) sorted() []*group {
	gs := slices.Clone(f.order)
	slices.SortStableFunc(gs, func(a, b *group) int { return cmp.Compare(b.rows, a.rows) })
	if f.other != nil {
		gs = append(gs, f.other)
	}
	return gs
}

func (g *group) public() Group {
	words, fix := g.own, g.fix
	if g.ownVaried {
		words = g.Kind
	}
	if g.fixVaried {
		fix = generic(g.fix, false)
		if g.Outcome == "" {
			fix = "See the result CSV"
		}
	}
	return Group{Outcome: g.Outcome, Label: g.Label, Words: words, Fix: fix, Rows: g.rows, Lines: slices.Clone(g.lines), Listed: len(g.list)}
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	// strings.Clone: a slice of s would keep the whole original alive.
	return strings.Clone(s[:cut]) + "…"
}

// WriteHTML writes a one-page report of a run: self-contained (inline CSS,
// no script, no external asset, system fonts), so that it reads the same
// from an e-mail attachment, offline, and on paper. fails may be nil.
// Every value is escaped by html/template, so a hostile cell cannot inject
// markup.
func WriteHTML(w io.Writer, info RunInfo, s *Summary, f RunFacts, fails *Failures) error {
	if s == nil {
		s = NewSummary()
	}
	if fails == nil {
		fails = NewFailures(0)
	}
	return htmlPage.Execute(w, newHTMLData(info, s, f, fails))
}

// maxChartCodes bounds the code chart: beyond a dozen or so, the rest is a
// long tail that the result CSV serves better.
const maxChartCodes = 15

type htmlData struct {
	Title, Tool, Version, Command, Input, Output string
	Started, Elapsed                             string
	ExitCode                                     int
	ExitMeaning, StopReason                      string
	Counts                                       []htmlCount
	Outcomes                                     []htmlBar
	Provision                                    []htmlBar
	Codes                                        []htmlBar
	MoreCodes                                    int
	Customers                                    []htmlCustomer
	NoRows                                       bool
	Groups                                       []htmlGroup
	Failing, Dropped                             int
	Overlap                                      bool // some row counts under several groups
	PerKind                                      int
}

// htmlGroup is one kind of problem: a line of the "What to fix" table,
// and a heading over its first rows.
type htmlGroup struct {
	Group
	Lines string // "2, 3, 4, 5, 6 and 2,995 more"
	More  int    // rows not listed
	List  []*failureRow
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
		Title:      fmt.Sprintf("%s %s: %s", tool, info.Command, filepath.Base(input)),
		Tool:       tool,
		Version:    info.Version,
		Command:    info.Command,
		Input:      input,
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
	d.ExitMeaning = exitMeanings[info.ExitCode]

	// In validate, rows that would be sent have no outcome: show them as
	// what they are rather than let the outcomes fall short of the rows.
	notSent := s.Rows
	for _, n := range s.Outcomes {
		notSent -= n
	}
	add := func(label string, n int) { d.Counts = append(d.Counts, htmlCount{label, thousands(n)}) }
	add("rows", s.Rows)
	for _, o := range outcomeOrder {
		if o != pipeline.NotSent || s.Outcomes[o] > 0 { // only an interrupted run has it
			add(o, s.Outcomes[o])
		}
	}
	if notSent > 0 {
		add(validNotSent, notSent)
	}
	for _, o := range sortedKeys(s.Provision) {
		add("provision "+o, s.Provision[o])
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
		if o == pipeline.NotSent && s.Outcomes[o] == 0 {
			continue
		}
		d.Outcomes = append(d.Outcomes, htmlBar{Label: o, Class: o, N: s.Outcomes[o], Width: width(s.Outcomes[o], s.Rows)})
	}
	if notSent > 0 {
		d.Outcomes = append(d.Outcomes, htmlBar{Label: validNotSent, Class: pipeline.Passed, N: notSent, Width: width(notSent, s.Rows)})
	}
	for _, o := range sortedKeys(s.Provision) {
		class := pipeline.Failed
		if o == provisioned {
			class = pipeline.Passed
		}
		d.Provision = append(d.Provision, htmlBar{Label: o, Class: class, N: s.Provision[o], Width: width(s.Provision[o], s.Rows)})
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

// validNotSent labels validate's rows that passed the offline checks.
const validNotSent = "valid, not sent"

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
}).Parse(htmlTemplate))

// htmlTemplate is the page. Bars are drawn with a top border rather than a
// background, because browsers print borders but drop backgrounds unless
// told otherwise; every bar also says its number, so nothing relies on
// colour alone. Words never break inside: a table too wide for a phone
// scrolls in its .scroll box, the "What to fix" table stacks its cells, and
// only opaque ids (.id) and mangled cells (.long) may break anywhere.
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;margin:2em auto;max-width:72em;padding:0 1em}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc}h3{font-size:1em;margin:1.2em 0 .3em}
.meta{color:#555;margin:0}.stop{border-left:4px solid #b42318;padding:.4em .8em;background:#fef3f2}
.counts{display:flex;flex-wrap:wrap;gap:.5em;padding:0;list-style:none}
.counts li{border:1px solid #ccc;border-radius:4px;padding:.3em .8em}.counts b{display:block;font-size:1.3em}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.3em .5em;border-bottom:1px solid #e2e2e2}
th{background:#f4f4f4;white-space:nowrap}td{overflow-wrap:break-word}.n{text-align:right;white-space:nowrap}.small{color:#555;font-size:.85em}
.msg{min-width:14em}.lines{min-width:12em}.id,.long{overflow-wrap:anywhere;white-space:normal}
.chart td{border:0;padding:.15em .5em}.chart .track{width:60%}
.bar{height:0;border-top:1em solid #888;min-width:1px}
.tag{display:inline-block;white-space:nowrap;font-size:.8em;line-height:1.3;padding:0 .4em;border:1px solid #888;border-left-width:.5em;border-radius:3px;color:#333}
.passed{border-color:#2e7d32}.failed{border-color:#c62828}.invalid{border-color:#b26a00}.error{border-color:#6a1b9a}.not_sent{border-color:#757575}.info{border-color:#1565c0}
code,.status{white-space:nowrap}.unit{display:none}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.who{white-space:nowrap}.who div{white-space:normal}
.rows .kind th{background:none;white-space:normal;padding:1.2em 0 .3em;border-bottom:1px solid #ccc}.rows .kind h3{margin:0}.rows tbody:first-of-type .kind th{padding-top:.4em}
.more td{color:#555;font-style:italic}
@media (max-width:40em){body{margin:1em auto}.chart .track{width:40%}
.stack thead{display:none}.stack,.stack tbody,.stack tr,.stack td{display:block}.stack tr{border-bottom:1px solid #e2e2e2;padding:.4em 0}
.stack td,.stack th{border:0;padding:.1em 0;text-align:left;min-width:0}.stack .kind th{display:block;padding-top:1.2em}.stack tr.kind{border:0;padding:0}.stack td:empty{display:none}.stack .unit{display:inline}.stack td.n{font-weight:bold}
.stack td.st{display:inline-block;margin-right:1em}.stack td.st div{display:inline;margin-left:.5em}.stack .fix>div:first-child::before{content:"Fix: ";font-weight:bold}}
@media print{body{margin:0;max-width:none;font-size:10pt}.scroll{overflow:visible}tr{break-inside:avoid}h2,h3,.kind{break-after:avoid}}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{.Tool}}{{with .Version}} {{.}}{{end}} · started {{.Started}} · took {{.Elapsed}} · input {{.Input}}{{with .Output}} · results {{.}}{{end}}</p>
<p class="meta">Exit code {{.ExitCode}}{{with .ExitMeaning}}: {{.}}{{end}}</p>
{{with .StopReason}}<p class="stop">Stopped: {{.}}</p>{{end}}
</header>
<section id="fix">
<h2>What to fix</h2>
{{if .Groups}}<p>{{thousands .Failing}} {{if eq .Failing 1}}row{{else}}rows{{end}} did not pass{{if eq (len .Groups) 1}}, for one problem.{{else}}: {{len .Groups}} kinds of problem, the most frequent first.{{end}}{{if .Overlap}} A row with several problems counts under each.{{end}}</p>
<div class="scroll"><table class="groups stack">
<thead><tr><th class="n">rows</th><th>problem</th><th>fix</th><th>lines</th></tr></thead>
<tbody>{{range .Groups}}
<tr><td class="n">{{thousands .Rows}}<span class="unit"> {{if eq .Rows 1}}row{{else}}rows{{end}}</span></td><td class="msg">{{template "kind" .}}</td><td class="msg fix">{{with .Fix}}<div>{{flags .}}</div>{{end}}</td><td class="lines"><span class="unit">{{if eq .Rows 1}}line{{else}}lines{{end}} </span>{{.Lines}}</td></tr>{{end}}
</tbody>
</table></div>{{else if .NoRows}}<p>The input had no data rows.</p>{{else}}<p>Every row passed.</p>{{end}}
</section>
<section id="counts">
<h2>Counts</h2>
<ul class="counts">{{range .Counts}}<li><b>{{.Value}}</b>{{.Label}}</li>{{end}}</ul>
</section>
<section id="outcomes">
<h2>Outcomes</h2>
<table class="chart">{{range .Outcomes}}
<tr><td class="status">{{.Label}}</td><td class="track">{{if .N}}<div class="bar {{.Class}}" style="width:{{css .Width}}"></div>{{end}}</td><td class="n">{{thousands .N}}</td></tr>{{end}}
{{range .Provision}}<tr><td class="status">provision {{.Label}}</td><td class="track"><div class="bar {{.Class}}" style="width:{{css .Width}}"></div></td><td class="n">{{thousands .N}}</td></tr>
{{end}}</table>
</section>
{{if .Customers}}<section id="customers">
<h2>Per customer</h2>
<div class="scroll"><table>
<thead><tr><th>customerId</th><th>externalId</th><th class="n">rows</th><th class="n">passed</th><th class="n">failed</th><th class="n">invalid</th><th class="n">error</th><th class="n">provisioned</th><th class="n">pending</th><th class="n">skipped</th><th>error codes</th></tr></thead>
<tbody>{{range .Customers}}
<tr><td><code class="id">{{.ID}}</code></td><td class="id">{{.ExternalID}}</td><td class="n">{{thousands .Rows}}</td><td class="n">{{thousands .Passed}}</td><td class="n">{{thousands .Failed}}</td><td class="n">{{thousands .Invalid}}</td><td class="n">{{thousands .Error}}</td><td class="n">{{thousands .Provisioned}}</td><td class="n">{{thousands .Pending}}</td><td class="n">{{thousands .Skipped}}</td><td>{{range $i, $c := .Codes}}{{if $i}}, {{end}}<code>{{$c}}</code>{{end}}</td></tr>{{end}}
</tbody>
</table></div>
</section>
{{end}}{{if or .Codes (ne .Command "validate")}}<section id="codes">
<h2>Codes</h2>
{{if .Codes}}<div class="scroll"><table class="chart">{{range .Codes}}
<tr><td><code>{{.Label}}</code></td><td class="track"><div class="bar {{.Class}}" style="width:{{css .Width}}"></div></td><td class="n">{{thousands .N}}</td><td class="small msg">{{.Note}}</td></tr>{{end}}
</table></div>{{if .MoreCodes}}
<p class="small">and {{thousands .MoreCodes}} more codes: see the result CSV.</p>{{end}}{{else}}<p>No codes were returned.</p>{{end}}
</section>
{{end}}{{if .Groups}}<section id="rows">
<h2>Rows that did not pass ({{thousands .Failing}})</h2>
<p class="small">Under each problem, its first {{.PerKind}} rows; every row is in the result CSV{{with .Output}} ({{.}}){{end}}.</p>
<div class="scroll"><table class="rows stack">
<thead><tr><th class="n">line</th><th>email</th><th>result</th><th>codes</th><th>message</th><th>suggested fix</th></tr></thead>
{{range .Groups}}<tbody>
<tr class="kind"><th colspan="6"><h3>{{template "kind" .}} <span class="small">· {{thousands .Rows}} {{if eq .Rows 1}}row{{else}}rows{{end}}</span></h3></th></tr>{{range .List}}
<tr><td class="n"><span class="unit">line </span>{{.Line}}</td><td class="{{if gt (len .Email) 64}}long{{else}}who{{end}}">{{.Email}}{{if $.Customers}}{{with .Customer}}<div class="small id">customer {{.}}</div>{{end}}{{end}}</td><td class="st"><span class="status">{{.Result}}</span>{{with .HTTPStatus}}<div class="small status">HTTP {{.}}</div>{{end}}</td><td class="st">{{with .Codes}}<code>{{.}}</code>{{end}}{{with .Info}}<div class="small status">info {{.}}</div>{{end}}</td><td class="msg">{{range .Issues}}<div>{{with .Column}}<code>{{.}}</code> {{end}}{{flags .Message}}</div>{{end}}{{with .TrackingID}}<div class="small">tracking id <code class="id">{{.}}</code></div>{{end}}</td><td class="msg fix">{{$multi := gt (len .Issues) 1}}{{range .Issues}}{{if .Fix}}<div>{{if and $multi .Column}}<code>{{.Column}}</code> {{end}}{{flags .Fix}}</div>{{end}}{{end}}</td></tr>{{end}}{{if .More}}
<tr class="more"><td colspan="6">and {{thousands .More}} more {{if eq .More 1}}row{{else}}rows{{end}}: see the result CSV{{with $.Output}} ({{.}}){{end}}.</td></tr>{{end}}
</tbody>
{{end}}</table></div>
</section>
{{end}}</body>
</html>
{{define "kind"}}{{with .Outcome}}<span class="tag {{.}}">{{.}}</span> {{end}}{{with .Label}}<code>{{.}}</code> {{end}}{{flags .Words}}{{end}}`
