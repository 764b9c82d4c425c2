package report

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// DefaultFailureRows is how many rows a Failures keeps when not told: a
// page of 5,000 rows is still quick to open and to mail (about 2 MB), and
// beyond that people work from the result CSV anyway.
const DefaultFailureRows = 5000

// provisioned is the provision outcome that counts as a pass.
const provisioned = "provisioned"

// Cell limits for the rows a Failures keeps: an invalid row may hold a
// whole mangled line in its email cell, and the memory of the collector
// must stay bounded whatever the input holds.
const (
	maxEmailBytes   = 320
	maxMessageBytes = 1000
)

// Failures collects the rows that did not pass, for the HTML report, in
// bounded memory: it keeps the first max rows and only counts the rest,
// which the page then points to the result CSV for. Feed it every result,
// in the order written (from the sink, like Summary); it picks the rows
// itself. It is not safe for concurrent use.
type Failures struct {
	max  int
	rows []failureRow
	more int
}

// failureRow is what the report shows of one row: copies of the few cells
// it needs, not the Result, so the rows' other data can be freed.
type failureRow struct {
	Line       int
	Email      string
	Customer   string // the partner's id of the customer, else its customerId
	Result     string // "failed", or "passed, provision failed"
	HTTPStatus int
	Codes      string // "10022; 10101"
	Info       string // info codes, shown smaller
	Message    string
	TrackingID string
	Fix        string
}

// NewFailures returns a collector that keeps at most max rows;
// DefaultFailureRows when max <= 0.
func NewFailures(max int) *Failures {
	if max <= 0 {
		max = DefaultFailureRows
	}
	return &Failures{max: max}
}

// passed reports whether a result reached its goal: precheck passed (or,
// for validate, was not sent: "") and provisioning, if any, provisioned.
func passed(r pipeline.Result) bool {
	return (r.Precheck == "" || r.Precheck == pipeline.Passed) &&
		(r.Provision == "" || r.Provision == provisioned)
}

// Add keeps r if it did not pass and there is room, and counts it if not.
func (f *Failures) Add(r pipeline.Result) {
	if passed(r) {
		return
	}
	if len(f.rows) >= f.max {
		f.more++
		return
	}
	fr := failureRow{
		HTTPStatus: r.HTTPStatus,
		Result:     r.Precheck,
		Codes:      strings.ReplaceAll(r.ErrorCodes, ";", "; "),
		Info:       strings.ReplaceAll(r.InfoCodes, ";", "; "),
		Message:    truncate(r.Message, maxMessageBytes),
		TrackingID: truncate(r.TrackingID, maxEmailBytes),
		Fix:        SuggestedFix(r),
	}
	if r.Row != nil {
		fr.Line = r.Row.Line
		fr.Email = truncate(r.Row.Fields.Email, maxEmailBytes)
		fr.Customer = truncate(cmp.Or(r.Row.Fields.ExternalCustomerID, r.Row.Fields.CustomerID), maxEmailBytes)
	}
	if r.Provision != "" {
		if fr.Result == "" {
			fr.Result = "provision " + r.Provision
		} else {
			fr.Result += ", provision " + r.Provision
		}
	}
	if !r.Final {
		fr.Result += " (unfinished)"
	}
	f.rows = append(f.rows, fr)
}

// Total returns how many rows did not pass, kept or not.
func (f *Failures) Total() int { return len(f.rows) + f.more }

// Dropped returns how many rows did not pass but were only counted.
func (f *Failures) Dropped() int { return f.more }

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

// knownFixes maps published Webex error codes to what to do about them.
var knownFixes = map[string]string{
	"10022": "The user already exists in Webex: remove the row, or move the existing user",
}

// SuggestedFix returns what to do about a result that did not pass, in one
// sentence, or "" for one that passed. The rules go from the most certain
// cause to the least: a rejected token explains everything else on the row.
func SuggestedFix(r pipeline.Result) string {
	if passed(r) {
		return ""
	}
	switch r.HTTPStatus {
	case 401:
		return "The token was rejected (missing, wrong or expired): get a fresh partner administrator token, then continue the run with --resume"
	case 403:
		return "The token lacks rights: " + pipeline.ScopeHint
	}
	if r.Precheck == pipeline.Invalid {
		return "Nothing was sent: correct the row as the message says, then run it again"
	}
	if r.ErrorCodes != "" {
		var fixes, unknown []string
		for _, c := range strings.Split(r.ErrorCodes, ";") {
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
		return strings.Join(fixes, ". ")
	}
	if r.Precheck == pipeline.NotSent || r.Provision == pipeline.NotSent {
		return "Not sent: the run stopped before this row's turn; continue the run with --resume"
	}
	if r.Precheck == pipeline.Error || r.Provision == pipeline.Error {
		switch {
		case !r.Final && r.Provision == pipeline.Error:
			return "Outcome unknown: continue the run with --resume, which looks the subscriber up before sending anything again"
		case !r.Final:
			return "Not finished: the run stopped before an answer came; continue the run with --resume"
		case r.HTTPStatus == 429:
			return "Throttled until the retries ran out: rerun with the retry file (--retry-file) and a lower --rate"
		}
		return "Transient: rerun with the retry file (--retry-file)"
	}
	return "The API refused the row without an error code: read the message; give support the tracking id"
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
	Rows                                         []failureRow
	Failing, Dropped                             int
}

// htmlCustomer is one line of the per-customer table.
type htmlCustomer struct {
	ID, ExternalID, Codes                string
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
		Rows:       fails.rows,
		Failing:    fails.Total(),
		Dropped:    fails.Dropped(),
	}
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
			d.Customers = append(d.Customers, htmlCustomer{ID: dash(c.ID), ExternalID: c.ExternalID, Codes: c.codesText(), Rows: c.Rows,
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

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"thousands": thousands,
	"css":       func(s string) template.CSS { return template.CSS(s) }, // only for widths built by width()
}).Parse(htmlTemplate))

// htmlTemplate is the page. Bars are drawn with a top border rather than a
// background, because browsers print borders but drop backgrounds unless
// told otherwise; every bar also says its number, so nothing relies on
// colour alone.
const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;margin:2em auto;max-width:72em;padding:0 1em}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc}
.meta{color:#555;margin:0}.stop{border-left:4px solid #b42318;padding:.4em .8em;background:#fef3f2}
.counts{display:flex;flex-wrap:wrap;gap:.5em;padding:0;list-style:none}
.counts li{border:1px solid #ccc;border-radius:4px;padding:.3em .8em}.counts b{display:block;font-size:1.3em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.3em .5em;border-bottom:1px solid #e2e2e2}
th{background:#f4f4f4}td{overflow-wrap:anywhere}.n{text-align:right;white-space:nowrap}.small{color:#555;font-size:.85em}
.chart td{border:0;padding:.15em .5em}.chart .track{width:60%}
.bar{height:0;border-top:1em solid #888;min-width:1px}
.passed{border-color:#2e7d32}.failed{border-color:#c62828}.invalid{border-color:#b26a00}.error{border-color:#6a1b9a}.not_sent{border-color:#757575}.info{border-color:#1565c0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@media print{body{margin:0;max-width:none;font-size:10pt}tr{break-inside:avoid}h2{break-after:avoid}}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{.Tool}}{{with .Version}} {{.}}{{end}} · started {{.Started}} · took {{.Elapsed}} · input {{.Input}}{{with .Output}} · results {{.}}{{end}}</p>
<p class="meta">Exit code {{.ExitCode}}{{with .ExitMeaning}}: {{.}}{{end}}</p>
{{with .StopReason}}<p class="stop">Stopped: {{.}}</p>{{end}}
</header>
<section id="counts">
<h2>Counts</h2>
<ul class="counts">{{range .Counts}}<li><b>{{.Value}}</b>{{.Label}}</li>{{end}}</ul>
</section>
<section id="outcomes">
<h2>Outcomes</h2>
<table class="chart">{{range .Outcomes}}
<tr><td>{{.Label}}</td><td class="track">{{if .N}}<div class="bar {{.Class}}" style="width:{{css .Width}}"></div>{{end}}</td><td class="n">{{thousands .N}}</td></tr>{{end}}
{{range .Provision}}<tr><td>provision {{.Label}}</td><td class="track"><div class="bar {{.Class}}" style="width:{{css .Width}}"></div></td><td class="n">{{thousands .N}}</td></tr>
{{end}}</table>
</section>
{{if .Customers}}<section id="customers">
<h2>Per customer</h2>
<table>
<thead><tr><th>customerId</th><th>externalId</th><th class="n">rows</th><th class="n">passed</th><th class="n">failed</th><th class="n">invalid</th><th class="n">error</th><th class="n">provisioned</th><th class="n">pending</th><th class="n">skipped</th><th>error codes</th></tr></thead>
<tbody>{{range .Customers}}
<tr><td><code>{{.ID}}</code></td><td>{{.ExternalID}}</td><td class="n">{{thousands .Rows}}</td><td class="n">{{thousands .Passed}}</td><td class="n">{{thousands .Failed}}</td><td class="n">{{thousands .Invalid}}</td><td class="n">{{thousands .Error}}</td><td class="n">{{thousands .Provisioned}}</td><td class="n">{{thousands .Pending}}</td><td class="n">{{thousands .Skipped}}</td><td><code>{{.Codes}}</code></td></tr>{{end}}
</tbody>
</table>
</section>
{{end}}<section id="codes">
<h2>Codes</h2>
{{if .Codes}}<table class="chart">{{range .Codes}}
<tr><td><code>{{.Label}}</code></td><td class="track"><div class="bar {{.Class}}" style="width:{{css .Width}}"></div></td><td class="n">{{thousands .N}}</td><td class="small">{{.Note}}</td></tr>{{end}}
</table>{{if .MoreCodes}}
<p class="small">and {{thousands .MoreCodes}} more codes: see the result CSV.</p>{{end}}{{else}}<p>No codes were returned.</p>{{end}}
</section>
<section id="rows">
<h2>Rows that did not pass ({{thousands .Failing}})</h2>
{{if .Rows}}<table>
<thead><tr><th class="n">line</th><th>email</th><th>result</th><th>codes</th><th>message</th><th>suggested fix</th></tr></thead>
<tbody>{{range .Rows}}
<tr><td class="n">{{.Line}}</td><td>{{.Email}}{{with .Customer}}<div class="small">customer {{.}}</div>{{end}}</td><td>{{.Result}}{{with .HTTPStatus}}<div class="small">HTTP {{.}}</div>{{end}}</td><td>{{with .Codes}}<code>{{.}}</code>{{end}}{{with .Info}}<div class="small">info {{.}}</div>{{end}}</td><td>{{.Message}}{{with .TrackingID}}<div class="small">tracking id <code>{{.}}</code></div>{{end}}</td><td>{{.Fix}}</td></tr>{{end}}
</tbody>
</table>{{if .Dropped}}
<p>and {{thousands .Dropped}} more rows: see the result CSV{{with .Output}} ({{.}}){{end}}.</p>{{end}}{{else if .NoRows}}<p>The input had no data rows.</p>{{else}}<p>Every row passed.</p>{{end}}
</section>
</body>
</html>
`
