package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// DefaultFailureRows is how many rows a Failures keeps in all when not
// told. The grouping keeps far fewer (maxKinds groups of rowsPerKind rows);
// this bound holds whatever the grouping does.
const DefaultFailureRows = 5000

// Bounds of the grouping: the page lists at most maxKinds kinds of problem
// and, under each, its first rowsPerKind rows and firstLines line numbers;
// the rest are counted, and the page points to the result file for them. So
// the page does not grow with the number of rows: 3,000 rows with one
// problem read as that problem, once, with its count.
const (
	maxKinds    = 50
	rowsPerKind = 20
	firstLines  = 5
)

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
// page lists under the group; it points to the result file for the others.
// Feed it every result, in the order written (from the sink, like Summary);
// it picks the rows itself. It is not safe for concurrent use.
type Failures struct {
	cmd    *command.Command
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
	Name       string // the person's first and last name, as the sheet gives them
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
	Heading string // the sheet's heading of Column, where it differs (set when the page is made)
	Message string
	Fix     string
}

// NewFailures returns a collector of cmd's results that keeps at most max
// rows; DefaultFailureRows when max <= 0.
func NewFailures(cmd *command.Command, max int) *Failures {
	if max <= 0 {
		max = DefaultFailureRows
	}
	return &Failures{cmd: cmd, max: max, groups: make(map[string]*group)}
}

// Add counts r under each kind of problem it has, and keeps it under
// those that still have room, if it did not pass.
func (f *Failures) Add(r pipeline.Result) {
	if f.cmd.Passed(r) {
		return
	}
	f.total++
	line := 0
	if r.Row != nil {
		line = r.Row.Line
	}
	is := Issues(f.cmd, r)
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
			fr = newFailureRow(f.cmd, r, is)
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

func newFailureRow(cmd *command.Command, r pipeline.Result, is []Issue) *failureRow {
	_, short := failing(cmd, r)
	fr := &failureRow{
		HTTPStatus: r.HTTPStatus,
		Result:     resultWords(cmd, r),
		Outcome:    short.Name,
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
		fr.Name = truncate(strings.TrimSpace(r.Row.Fields.FirstName+" "+r.Row.Fields.LastName), maxEmailBytes)
		fr.Customer = truncate(cmp.Or(r.Row.Fields.ExternalCustomerID, r.Row.Fields.CustomerID), maxEmailBytes)
	}
	if !r.Final {
		fr.Result += " (unfinished)"
	}
	return fr
}

// resultWords are r's outcomes, step by step: "passed, provision failed".
func resultWords(cmd *command.Command, r pipeline.Result) string {
	var parts []string
	for _, s := range cmd.Steps() {
		if o := s.Of(r); o != "" {
			parts = append(parts, strings.TrimSpace(s.Label+" "+o))
		}
	}
	return strings.Join(parts, ", ")
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
			fix = "See the result file"
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
