package report_test

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// htmlResults is a run with every kind of row that does not pass, a
// hostile email, and a few passes.
func htmlResults() []pipeline.Result {
	row := func(line int, email string) *pipeline.Row {
		return &pipeline.Row{Line: line, Fields: pipeline.Fields{Email: email}}
	}
	exists := map[int]string{10022: "The email is already associated with another organization."}
	return []pipeline.Result{
		{Row: row(2, "ann@acme.example"), Precheck: pipeline.Passed, HTTPStatus: 200, InfoCodes: "100", TrackingID: "ROUTER_1", Attempts: 1, Final: true,
			Descriptions: map[int]string{100: "Provisioning preCheck validation successful."}},
		{Row: row(3, "ben@acme.example"), Precheck: pipeline.Failed, HTTPStatus: 409, ErrorCodes: "10022", Descriptions: exists,
			Message: "The email is already associated with another organization.", TrackingID: "ROUTER_2", Attempts: 1, Final: true},
		{Row: row(4, "cy@acme.example"), Precheck: pipeline.Failed, HTTPStatus: 400, ErrorCodes: "10022;10101", Descriptions: exists,
			Message: "Two problems & more", TrackingID: "ROUTER_3", Attempts: 1, Final: true},
		pipeline.Invalidated(&pipeline.Row{Line: 5, Fields: pipeline.Fields{Email: "<script>alert(1)</script>@evil.example"},
			Problems: []pipeline.Problem{{Field: "email", Message: `"<script>alert(1)</script>@evil.example" contains "<" before the @, which is not allowed in an address: remove it`}}}),
		{Row: row(6, "dee@acme.example"), Precheck: pipeline.Error, HTTPStatus: 503, Message: "Service Unavailable (after 6 attempts)",
			TrackingID: "ROUTER_4", Attempts: 6, Final: true},
		{Row: row(7, "eve@acme.example"), Precheck: pipeline.Error, HTTPStatus: 403, Message: "Forbidden", TrackingID: "ROUTER_5", Attempts: 1, Final: true},
		{Row: row(8, "fay@acme.example"), Precheck: pipeline.Error, Message: "interrupted before an answer", Attempts: 1, Final: false},
		{Row: row(9, "gus@acme.example"), Precheck: pipeline.Passed, HTTPStatus: 200, Attempts: 1, Final: true},
	}
}

var htmlInfo = report.RunInfo{Tool: "wholesale-batch", Version: "v0.1.0", Command: "precheck", Input: "/srv/onboarding/today.csv",
	Start: time.Date(2025, 6, 1, 2, 15, 0, 0, time.UTC), ExitCode: 1}

var htmlFacts = report.RunFacts{Elapsed: 83250 * time.Millisecond, Blank: 1, Requests: 14, Retries: 5, Throttled: 1,
	RateLimit: 10, RateNow: 10, Output: "results-2025-06-01.csv"}

func renderHTML(t *testing.T, results []pipeline.Result, max int, facts report.RunFacts) (string, *report.Failures) {
	t.Helper()
	return renderHTMLOf(t, command.Precheck, results, max, facts)
}

func renderHTMLOf(t *testing.T, cmd *command.Command, results []pipeline.Result, max int, facts report.RunFacts) (string, *report.Failures) {
	t.Helper()
	s := report.NewSummary(cmd)
	fails := report.NewFailures(cmd, max)
	for _, r := range results {
		s.Add(r)
		fails.Add(r)
	}
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, htmlInfo, s, facts, fails); err != nil {
		t.Fatal(err)
	}
	return buf.String(), fails
}

func TestHTMLGolden(t *testing.T) {
	page, _ := renderHTML(t, htmlResults(), 0, htmlFacts)
	golden(t, "html/report.html", []byte(page))
}

func TestHTMLStructure(t *testing.T) {
	page, fails := renderHTML(t, htmlResults(), 0, htmlFacts)
	if fails.Total() != 6 || fails.Dropped() != 0 {
		t.Errorf("Failures: %d rows, %d dropped; want 6 and 0", fails.Total(), fails.Dropped())
	}
	text := pageText(page)
	for _, want := range []string{
		"<!DOCTYPE html>",
		"<title>wholesale-batch precheck: today.csv</title>", // command and input name
		"2025-06-01 02:15:00 UTC",                            // run time
		`id="fix"`, `id="counts"`, `id="outcomes"`, `id="codes"`, `id="rows"`,
		`<style>`,
		"Rows that did not pass (6)",
		"&lt;script&gt;alert(1)&lt;/script&gt;@evil.example",  // escaped
		"The user already exists in Webex",                    // 10022
		"Look up errorCode 10101",                             // unknown code
		"Transient: rerun with the retry file (--retry-file)", // error
		"spark-admin:wholesale_subscribers_write",             // 403
		"Remove it",                      // invalid: the check's own fix
		"continue the run with --resume", // unfinished
		"results-2025-06-01.csv",
	} {
		if !strings.Contains(page, want) && !strings.Contains(text, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Self-contained and inert: no script, no external or linked asset.
	for _, bad := range []string{"<script", "http://", "https://", "src=", "href=", "url(", "@import", "<link", "<iframe", "<img"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	// Six kinds of problem, one row each: one line each in "What to fix",
	// then one table each, of one row with six cells.
	fix := section(t, page, "fix")
	if n := strings.Count(fix, "<tr>"); n != 1+6 {
		t.Errorf("%d rows in What to fix, want a heading and 6", n)
	}
	rows := section(t, page, "rows")
	if n := strings.Count(rows, "<tbody>"); n != 6 {
		t.Errorf("%d groups of rows, want 6", n)
	}
	for _, body := range regexp.MustCompile(`(?s)<tbody>.*?</tbody>`).FindAllString(rows, -1) {
		trs := regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(body, -1)
		if len(trs) != 1 {
			t.Errorf("%d rows in a table, want 1: %s", len(trs), body)
		}
		for _, tr := range trs {
			if n := strings.Count(tr, "<td"); n != 6 {
				t.Errorf("a row has %d cells, want 6: %s", n, tr)
			}
		}
	}
	if len(page) > 16<<10 {
		t.Errorf("the page is %d bytes for 8 rows; keep it small", len(page))
	}
}

// pageText is the page as a reader sees it: no tags, no escapes.
func pageText(page string) string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, ""))
}

// section returns the HTML of the page's section with that id.
func section(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<section id="`+id+`">`)
	if i < 0 {
		t.Fatalf("the page has no section %q", id)
	}
	j := strings.Index(page[i:], "</section>")
	return page[i : i+j]
}

// TestHTMLBounded: the table keeps the first rows and points to the CSV
// for the rest, whatever the number of rows.
func TestHTMLBounded(t *testing.T) {
	var results []pipeline.Result
	for i := range 12348 {
		results = append(results, pipeline.Result{Row: &pipeline.Row{Line: i + 2, Fields: pipeline.Fields{Email: "x@acme.example"}},
			Precheck: pipeline.Failed, ErrorCodes: "10022", Final: true})
	}
	results = append(results, pipeline.Result{Row: &pipeline.Row{Line: 99999}, Precheck: pipeline.Passed, Final: true})
	page, fails := renderHTML(t, results, 3, htmlFacts)
	if fails.Total() != 12348 || fails.Dropped() != 12345 {
		t.Errorf("Failures: %d rows, %d dropped; want 12348 and 12345", fails.Total(), fails.Dropped())
	}
	if !strings.Contains(page, "and 12,345 more rows: see the result file (results-2025-06-01.csv).") {
		t.Error("the page does not say how many rows it left out")
	}
	if n := strings.Count(page, "<td class=\"n\">"); n != 1+3+4+1 { // 1 kind, 3 rows, 4 outcome bars, 1 code bar
		t.Errorf("%d numeric cells, want 9", n)
	}
}

func TestHTMLEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	info := report.RunInfo{Command: "validate", Input: "-", ExitCode: 3}
	if err := report.WriteHTML(&buf, info, nil, report.RunFacts{StopReason: "interrupted <now>"}, nil); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"wholesale-batch validate: standard input", "The input had no data rows.",
		"Exit code 3: the run stopped early", "Stopped: interrupted &lt;now&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// validate sends nothing: no section for the API's codes.
	if strings.Contains(page, `id="codes"`) {
		t.Error("a validate page has a Codes section")
	}
	info.Command = "precheck"
	buf.Reset()
	if err := report.WriteHTML(&buf, info, nil, report.RunFacts{}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "No codes were returned.") {
		t.Error("a precheck page without codes does not say so")
	}
}

func TestHTMLValidate(t *testing.T) {
	results := []pipeline.Result{
		{Row: &pipeline.Row{Line: 2, Fields: pipeline.Fields{Email: "a@acme.example"}}, Precheck: pipeline.OK, Final: true},
		{Row: &pipeline.Row{Line: 3, Fields: pipeline.Fields{Email: "b@acme.example"}}, Precheck: pipeline.OK, Final: true},
	}
	page, fails := renderHTMLOf(t, command.Validate, results, 0, report.RunFacts{})
	if fails.Total() != 0 || !strings.Contains(page, "Every row passed.") || !strings.Contains(page, "ok to send") {
		t.Errorf("validate run: %d failures; page:\n%s", fails.Total(), page)
	}
}

func TestSuggestedFix(t *testing.T) {
	cases := []struct {
		name string
		r    pipeline.Result
		want string // a part of the fix; "" for none
	}{
		{"passed", pipeline.Result{Precheck: pipeline.Passed, Final: true}, ""},
		{"validate", pipeline.Result{Precheck: pipeline.OK, Final: true}, ""},
		{"provisioned", pipeline.Result{Precheck: pipeline.Passed, Outcome: "provisioned", Final: true}, ""},
		{"exists", pipeline.Result{Precheck: pipeline.Failed, HTTPStatus: 409, ErrorCodes: "10022", Final: true}, "already exists in Webex"},
		{"unknown code", pipeline.Result{Precheck: pipeline.Failed, ErrorCodes: "10101", Final: true}, "Look up errorCode 10101 in the Webex for Wholesale guide; give support the tracking id"},
		{"unknown codes", pipeline.Result{Precheck: pipeline.Failed, ErrorCodes: "1;2", Final: true}, "Look up errorCodes 1, 2"},
		{"known and unknown", pipeline.Result{Precheck: pipeline.Failed, ErrorCodes: "10022;7", Final: true}, "move the existing user. Look up errorCode 7"},
		{"invalid", pipeline.Result{Precheck: pipeline.Invalid, Final: true}, "as the message says"},
		{"transient", pipeline.Result{Precheck: pipeline.Error, HTTPStatus: 503, Final: true}, "Transient: rerun with the retry file (--retry-file)"},
		{"throttled", pipeline.Result{Precheck: pipeline.Error, HTTPStatus: 429, Final: true}, "lower --rate"},
		{"unfinished", pipeline.Result{Precheck: pipeline.Error, Final: false}, "--resume"},
		{"401", pipeline.Result{Precheck: pipeline.Error, HTTPStatus: 401}, "fresh partner administrator token"},
		{"403 with a code", pipeline.Result{Precheck: pipeline.Failed, HTTPStatus: 403, ErrorCodes: "1", Final: true}, "scopes"},
		{"refused without code", pipeline.Result{Precheck: pipeline.Failed, HTTPStatus: 400, Final: true}, "without an error code"},
		{"provision error", pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Error, Final: true}, "Transient"},
	}
	for _, c := range cases {
		cmd := command.Provision
		switch c.name {
		case "passed":
			cmd = command.Precheck
		case "validate":
			cmd = command.Validate
		}
		got := report.SuggestedFix(cmd, c.r)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%s: SuggestedFix = %q, want it to contain %q", c.name, got, c.want)
		}
	}
}

// TestFailuresBoundsCells: a mangled line in one cell does not make the
// collector's memory or the page grow with it.
func TestFailuresBoundsCells(t *testing.T) {
	huge := strings.Repeat("é", 5000) // two bytes each: the cut must not split one
	r := pipeline.Result{Row: &pipeline.Row{Line: 2, Fields: pipeline.Fields{Email: huge}}, Precheck: pipeline.Invalid, Message: huge, Final: true}
	page, _ := renderHTML(t, []pipeline.Result{r}, 0, report.RunFacts{})
	if strings.Contains(page, huge[:2000]) {
		t.Error("a 10,000-byte cell reached the page whole")
	}
	if !strings.Contains(page, strings.Repeat("é", 160)+"…") {
		t.Error("the cut email is not marked")
	}
	if !utf8.ValidString(page) {
		t.Error("the page is not valid UTF-8")
	}
}
