package report_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// invalid is the result of a row as the source makes it: the checks'
// own problems, so these tests follow their wording.
func invalid(t *testing.T, line int, f check.Fields) pipeline.Result {
	t.Helper()
	if f.Package == "" {
		f.Package = "webex_meetings"
	}
	_, _, ps := check.Row(f, check.Options{})
	if len(ps) == 0 {
		t.Fatalf("line %d: %+v passes the checks", line, f)
	}
	return pipeline.Invalidated(&pipeline.Row{Line: line, Fields: f, Problems: ps})
}

// TestIssuesOfInvalidRows: each problem is split into this row's words
// and its fix, and its kind leaves the row's values out, so that rows with
// the same mistake share it.
func TestIssuesOfInvalidRows(t *testing.T) {
	cases := []struct {
		name       string
		a, b       check.Fields // two rows with the same kind of problem
		label      string
		kind       string
		msgA, fixA string // the first row's own words and fix
	}{
		// The value is dropped from the kind; the fix said once.
		{"domain without a dot", check.Fields{Email: "tara.turner@acme"}, check.Fields{Email: "ann@example"},
			"email", `has the domain "…" without a dot`,
			`"tara.turner@acme" has the domain "acme" without a dot`, "Use the full domain, as in example.com"},
		// A count in the first clause is the row's; the rule after it is not.
		{"extension too long", check.Fields{Email: "a@acme.example", Extension: "123456789012"},
			check.Fields{Email: "b@acme.example", Extension: "1234567890123"},
			"extension", `extension "…" has N digits`,
			`extension "123456789012" has 12 digits`, "An extension has 2 to 10; if it is a phone number, put it in the primaryPhoneNumber column"},
		// A character code and its position are the row's.
		{"invisible character", check.Fields{Email: "x\u200b@acme.example"}, check.Fields{Email: "yy\u00a0@acme.example"},
			"email", "contains an invisible character or odd space (U+…) at byte N",
			`"x\u200b@acme.example" contains an invisible character or odd space (U+200B zero width space) at byte 1`, "Retype the address"},
		// The fix names the row's own value: the kind does not.
		{"extension in the number", check.Fields{Email: "a@acme.example", Package: "webex_calling", PrimaryPhoneNumber: "+1 240 555 1212 x123"},
			check.Fields{Email: "b@acme.example", Package: "webex_calling", PrimaryPhoneNumber: "+1 240 555 1213 x4567"},
			"primaryPhoneNumber", `ends with the extension "…"`,
			`"+1 240 555 1212 x123" ends with the extension "x123"`, "Put 123 in the extension column and keep only the number here"},
		// A suggestion is the row's; the fix says it for this row.
		{"comma in the domain", check.Fields{Email: "x@acme,example"}, check.Fields{Email: "y@beta,example"},
			"email", "has a comma in the domain",
			`"x@acme,example" has a comma in the domain`, "Did you mean x@acme.example? Type a dot instead of the comma"},
		// Excel damage: the fix is the same whatever the number.
		{"scientific notation", check.Fields{Email: "a@acme.example", Package: "webex_calling", PrimaryPhoneNumber: "2.40555E+10"},
			check.Fields{Email: "b@acme.example", Package: "webex_calling", PrimaryPhoneNumber: "4.41632E+11"},
			"primaryPhoneNumber", "is in scientific notation, so its last digits are lost",
			`"2.40555E+10" is in scientific notation, so its last digits are lost`, "Format the column as Text in Excel (or prefix with ') and re-export"},
		// A message without ": " says its fix itself: the fix stays empty.
		{"calling without a number", check.Fields{Email: "a@acme.example", Package: "webex_calling"},
			check.Fields{Email: "b@acme.example", Package: "webex_calling"},
			"primaryPhoneNumber", "webex_calling needs primaryPhoneNumber or extension; or pass --existing-calling if these users already have calling",
			"webex_calling needs primaryPhoneNumber or extension; or pass --existing-calling if these users already have calling", ""},
		// A line that is no subscriber has no column.
		{"total line", check.Fields{Email: "Grand Total"}, check.Fields{Email: "Total"},
			"", "a total line, not a subscriber", "a total line, not a subscriber", "Delete it"},
	}
	for _, c := range cases {
		a, b := report.Issues(command.Provision, invalid(t, 2, c.a)), report.Issues(command.Provision, invalid(t, 3, c.b))
		if len(a) != 1 || len(b) != 1 {
			t.Errorf("%s: %d and %d issues, want one each: %+v %+v", c.name, len(a), len(b), a, b)
			continue
		}
		got := a[0]
		if got.Outcome != pipeline.Invalid || got.Label != c.label || got.Kind != c.kind || got.Message != c.msgA || got.Fix != c.fixA {
			t.Errorf("%s:\n got %+v\nwant label %q kind %q message %q fix %q", c.name, got, c.label, c.kind, c.msgA, c.fixA)
		}
		if b[0].Kind != got.Kind {
			t.Errorf("%s: the second row's kind is %q, not %q", c.name, b[0].Kind, got.Kind)
		}
		if got.Fix != "" && strings.Contains(got.Message, got.Fix) {
			t.Errorf("%s: the fix is said twice: %q / %q", c.name, got.Message, got.Fix)
		}
		if fix := report.SuggestedFix(command.Provision, invalid(t, 2, c.a)); fix != c.fixA {
			t.Errorf("%s: SuggestedFix = %q, want %q", c.name, fix, c.fixA)
		}
	}
}

// TestIssuesOfOtherRows: a row the API refused is of the kind of its
// codes, one that failed otherwise of the kind of its failure.
func TestIssuesOfOtherRows(t *testing.T) {
	desc := map[int]string{10022: "The email is already associated with another organization."}
	cases := []struct {
		name              string
		r                 pipeline.Result
		label, kind, want string // want: a part of the fix
	}{
		{"known code", pipeline.Result{Precheck: pipeline.Failed, HTTPStatus: 409, ErrorCodes: "10022", Descriptions: desc, Final: true},
			"errorCode 10022", "The email is already associated with another organization.", "already exists in Webex"},
		{"two codes", pipeline.Result{Precheck: pipeline.Failed, HTTPStatus: 400, ErrorCodes: "10022;7", Descriptions: desc, Final: true},
			"errorCodes 10022; 7", "The email is already associated with another organization.", "Look up errorCode 7"},
		{"code without words", pipeline.Result{Precheck: pipeline.Failed, ErrorCodes: "7", Final: true}, "errorCode 7", "refused by the API", "Look up errorCode 7"},
		{"provision refused", pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Failed, ErrorCodes: "7", Final: true}, "errorCode 7", "refused by the API", "Look up"},
		{"5xx", pipeline.Result{Precheck: pipeline.Error, HTTPStatus: 503, Message: "Service Unavailable (after 6 attempts)", Final: true},
			"HTTP 503", "Service Unavailable after the retries", "Transient"},
		{"no answer", pipeline.Result{Precheck: pipeline.Error, Message: "read: connection reset by peer", Final: true},
			"no answer", "no HTTP answer after the retries (a timeout or a broken connection)", "--retry-file"},
		{"throttled", pipeline.Result{Precheck: pipeline.Error, HTTPStatus: 429, Final: true}, "HTTP 429", "throttled until the retries ran out", "lower --rate"},
		{"unfinished", pipeline.Result{Precheck: pipeline.Error}, "unfinished", "the run stopped before an answer came", "--resume"},
		{"in doubt", pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Error}, "in doubt", "provisioning stopped before an answer came: the subscriber may exist", "looks the subscriber up"},
		{"not sent", pipeline.Result{Precheck: pipeline.NotSent, Final: true}, "not sent", "the run stopped before this row's turn", "--resume"},
		{"token", pipeline.Result{Precheck: pipeline.Error, HTTPStatus: 401}, "HTTP 401", "the token was rejected", "fresh partner administrator token"},
		{"rights", pipeline.Result{Precheck: pipeline.Failed, HTTPStatus: 403, ErrorCodes: "1", Final: true}, "HTTP 403", "the token lacks rights", "scopes"},
		{"refused without code", pipeline.Result{Precheck: pipeline.Failed, HTTPStatus: 400, Final: true}, "HTTP 400", "refused without an error code", "read the message"},
		{"pending", pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Pending, Final: true}, "pending", "the consent email was sent; the user has not accepted yet", "Nothing to fix"},
		{"max-provision", pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Skipped, Message: "not provisioned: --max-provision 50 reached", Final: true},
			"skipped", "not provisioned: --max-provision 50 reached", "--max-provision 50 reached"},
		{"in between", pipeline.Result{Precheck: pipeline.Passed, Outcome: "provisioning", Final: true}, "provision provisioning", "the subscriber is still provisioning on the Webex side", "status command"},
		// Read back without its problems: the message is split as written.
		{"invalid, message only", pipeline.Result{Precheck: pipeline.Invalid, Message: `email: "a@acme" has no @: an address looks like name@example.com`, Final: true},
			"email", "has no @", "An address looks like name@example.com"},
		{"invalid, nothing said", pipeline.Result{Precheck: pipeline.Invalid, Final: true}, "", "found wrong before sending", "as the message says"},
	}
	for _, c := range cases {
		is := report.Issues(command.Provision, c.r)
		if len(is) != 1 {
			t.Errorf("%s: %d issues, want 1: %+v", c.name, len(is), is)
			continue
		}
		if i := is[0]; i.Label != c.label || i.Kind != c.kind || !strings.Contains(i.Fix, c.want) {
			t.Errorf("%s: got %+v\nwant label %q, kind %q, a fix with %q", c.name, i, c.label, c.kind, c.want)
		}
		if fix := report.SuggestedFix(command.Provision, c.r); fix != is[0].Fix {
			t.Errorf("%s: SuggestedFix = %q, the issue's fix is %q", c.name, fix, is[0].Fix)
		}
	}
	if is := report.Issues(command.Provision, pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Provisioned, Final: true}); is != nil {
		t.Errorf("a provisioned row has issues: %+v", is)
	}
}

// TestSuggestedFixSeveralProblems: a row with two problems gets both
// fixes, each naming its column.
func TestSuggestedFixSeveralProblems(t *testing.T) {
	r := invalid(t, 2, check.Fields{Email: "a@acme", Package: "webex_calling", Extension: "1"})
	got := report.SuggestedFix(command.Provision, r)
	want := "email: Use the full domain, as in example.com; extension: An extension has 2 to 10"
	if got != want {
		t.Errorf("SuggestedFix = %q, want %q", got, want)
	}
}

// TestFailuresGroups: rows are counted under their kinds, the most
// frequent first; a group keeps its first lines and rows; its words and
// fix are the rows' own while they agree, the kind's once they differ.
func TestFailuresGroups(t *testing.T) {
	f := report.NewFailures(command.Precheck, 0)
	line := 1
	add := func(r pipeline.Result) {
		line++
		if r.Row == nil {
			r.Row = &pipeline.Row{}
		}
		r.Row.Line = line
		f.Add(r)
	}
	for i := range 30 { // one domain on every row: its name stays in the words
		add(invalid(t, 0, check.Fields{Email: fmt.Sprintf("user%d@acme", i)}))
	}
	add(pipeline.Result{Precheck: pipeline.Failed, ErrorCodes: "10022", Final: true})
	add(pipeline.Result{Precheck: pipeline.Passed, Final: true})
	for _, ext := range []string{"+1 240 555 1212 x123", "+1 240 555 1213 x4567"} { // the fix names each row's extension
		add(invalid(t, 0, check.Fields{Email: "a@acme.example", Package: "webex_calling", PrimaryPhoneNumber: ext}))
	}
	add(invalid(t, 0, check.Fields{Email: "b@beta", Extension: "1"})) // two problems: counted under both
	add(pipeline.Result{Precheck: pipeline.Failed, ErrorCodes: "10022", Final: true})

	got := f.Groups()
	want := []report.Group{
		{Outcome: "invalid", Label: "email", Words: `has the domain "…" without a dot`, Fix: "Use the full domain, as in example.com",
			Rows: 31, Lines: []int{2, 3, 4, 5, 6}, Listed: 20},
		{Outcome: "failed", Label: "errorCode 10022", Words: "refused by the API", Fix: knownFix, Rows: 2, Lines: []int{32, 37}, Listed: 2},
		{Outcome: "invalid", Label: "primaryPhoneNumber", Words: `ends with the extension "…"`,
			Fix: "Put N in the extension column and keep only the number here", Rows: 2, Lines: []int{34, 35}, Listed: 2},
		{Outcome: "invalid", Label: "extension", Words: `extension "1" has 1 digit`, Fix: "An extension has 2 to 10", Rows: 1, Lines: []int{36}, Listed: 1},
	}
	if !slices.EqualFunc(got, want, func(a, b report.Group) bool {
		return a.Outcome == b.Outcome && a.Label == b.Label && a.Words == b.Words && a.Fix == b.Fix && a.Rows == b.Rows &&
			slices.Equal(a.Lines, b.Lines) && a.Listed == b.Listed
	}) {
		t.Errorf("Groups:\n got %+v\nwant %+v", got, want)
	}
	if f.Total() != 35 || f.Dropped() != 35-(20+1+2+2) {
		t.Errorf("Total %d, Dropped %d; want 35 and 10", f.Total(), f.Dropped())
	}

	// Words agree while every row names the same domain.
	same := report.NewFailures(command.Precheck, 0)
	for i := range 3 {
		same.Add(invalid(t, i+2, check.Fields{Email: fmt.Sprintf("user%d@acme", i)}))
	}
	if g := same.Groups(); len(g) != 1 || g[0].Words != `has the domain "acme" without a dot` {
		t.Errorf("one domain on every row: %+v", g)
	}
}

const knownFix = "The user already exists in Webex: remove the row, or move the existing user"

// TestFailuresBoundsKinds: past the page's limit of kinds, the others
// share one last group, so neither memory nor the page grows with them.
func TestFailuresBoundsKinds(t *testing.T) {
	f := report.NewFailures(command.Precheck, 0)
	for i := range 500 {
		f.Add(pipeline.Result{Row: &pipeline.Row{Line: i + 2}, Precheck: pipeline.Failed, ErrorCodes: fmt.Sprint(20000 + i), Final: true})
	}
	g := f.Groups()
	last := g[len(g)-1]
	if len(g) > 51 || last.Outcome != "" || last.Rows != 500-(len(g)-1) || last.Listed > 20 {
		t.Errorf("%d groups, the last %+v; want at most 50 and one for the rest", len(g), last)
	}
	if f.Total() != 500 {
		t.Errorf("Total %d, want 500", f.Total())
	}
}

// TestHTMLSameProblem: 3,000 rows with one mistake make a small page that
// names the mistake once, with its count, and lists only the first rows.
func TestHTMLSameProblem(t *testing.T) {
	var results []pipeline.Result
	for i := range 3000 {
		results = append(results, invalid(t, i+2, check.Fields{Email: fmt.Sprintf("user%05d@acme", i+1),
			CustomerID: "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU"}))
	}
	page, fails := renderHTML(t, results, 0, htmlFacts)
	if len(page) > 100<<10 {
		t.Errorf("the page is %d bytes for 3,000 rows with one problem; want under 100 KB", len(page))
	}
	if fails.Total() != 3000 {
		t.Errorf("Total = %d, want 3000", fails.Total())
	}
	fix := pageText(section(t, page, "fix"))
	for _, want := range []string{
		"3,000 rows did not pass, for one problem.",
		"3,000 rows",
		`invalid email has the domain "acme" without a dot`,
		"Use the full domain, as in example.com",
		"2, 3, 4, 5, 6 and 2,995 more",
	} {
		if !strings.Contains(fix, want) {
			t.Errorf("What to fix lacks %q:\n%s", want, fix)
		}
	}
	if n := strings.Count(fix, "without a dot"); n != 1 {
		t.Errorf("What to fix names the problem %d times, want once", n)
	}
	rows := section(t, page, "rows")
	if n := strings.Count(rows, "<tr><td"); n != 20 {
		t.Errorf("%d rows listed, want the first 20", n)
	}
	if !strings.Contains(rows, "and 2,980 more rows: see the result file (results-2025-06-01.csv).") {
		t.Error("the page does not say how many rows it left out")
	}
	// The page opens with what to fix, before the counts and charts.
	if strings.Index(page, `id="fix"`) > strings.Index(page, `id="counts"`) {
		t.Error("What to fix is not the first section")
	}
}

// TestHTMLNoBrokenWords: words break only where a browser may break them;
// only opaque ids may break anywhere, and labels stay on one line.
func TestHTMLNoBrokenWords(t *testing.T) {
	page, _ := renderHTML(t, htmlResults(), 0, htmlFacts)
	style := page[strings.Index(page, "<style>"):strings.Index(page, "</style>")]
	if strings.Contains(style, "break-all") {
		t.Error("the page breaks words with word-break: break-all")
	}
	for _, rule := range regexp.MustCompile(`[^{}]*\{[^}]*overflow-wrap:anywhere[^}]*\}`).FindAllString(style, -1) {
		if sel := rule[:strings.Index(rule, "{")]; sel != ".id,.long" {
			t.Errorf("overflow-wrap:anywhere on %q; only ids and mangled cells may break anywhere", sel)
		}
	}
	for _, want := range []string{"code,.status{white-space:nowrap}", ".scroll{overflow-x:auto}", `<div class="scroll"><table class="rows stack">`} {
		if !strings.Contains(style, want) && !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
