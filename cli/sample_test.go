package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wholesale-batch/wholesale-batch/cli"
)

// TestSalesSampleAsTheReadmeShowsIt runs the README's "Workbooks in and
// out" command on samples/sales.xlsx and holds the README to it: the
// printed lines (but the elapsed time), the exit code, and the outcome of
// every row, in the result workbook and in the report.
func TestSalesSampleAsTheReadmeShowsIt(t *testing.T) {
	t.Parallel()
	args, printed := readmeRun(t, "validate --input samples/sales.xlsx")
	dir := t.TempDir()
	// the README's relative paths, from the repository's root
	for i, a := range args {
		switch {
		case a == "samples/sales.xlsx":
			args[i] = "../" + a
		case strings.HasPrefix(args[max(i-1, 0)], "--") && (strings.HasSuffix(a, ".xlsx") || strings.HasSuffix(a, ".html")):
			args[i] = filepath.Join(dir, a)
		}
	}
	code, _, stderr := run(t, nil, args...)
	want := strings.Split(strings.TrimSpace(printed), "\n")
	if last := want[len(want)-1]; last == "exit status 1" { // go run's line
		want = want[:len(want)-1]
		if code != cli.ExitPartial {
			t.Errorf("exit %d, the README says 1", code)
		}
	}
	elapsed := regexp.MustCompile(`^elapsed +\S+$`)
	got := strings.Split(strings.TrimSpace(strings.ReplaceAll(stderr, dir+string(filepath.Separator), "")), "\n")
	if len(got) != len(want) {
		t.Fatalf("printed %d lines, the README shows %d:\n%s", len(got), len(want), stderr)
	}
	for i := range want {
		if elapsed.MatchString(want[i]) && elapsed.MatchString(got[i]) {
			continue
		}
		if got[i] != want[i] {
			t.Errorf("line %d printed\n\t%s\nthe README shows\n\t%s", i+1, got[i], want[i])
		}
	}

	// the rows, each as the README's walk-through tells them
	f, err := excelize.OpenFile(filepath.Join(dir, "checked.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Results")
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	cell := func(r []string, name string) string {
		if i, ok := col[name]; ok && i < len(r) {
			return r[i]
		}
		return ""
	}
	byLine := map[string][]string{}
	for _, r := range rows[1:] {
		byLine[cell(r, "line")] = r
	}
	for _, c := range []struct {
		line, outcome, col, want string
	}{
		{"4", "ok", "notes", "+12405551201"},               // a number read as its digits
		{"5", "invalid", "message", "scientific notation"}, // 2.40555E+10 as text
		{"6", "ok", "Phone", "12405551203"},                // shown as 1.24E+10, read whole
		{"7", "invalid", "message", "without a dot"},       // dana.ruiz@acme
		{"8", "invalid", "message", "cell D8 shows #N/A"},  // the VLOOKUP
		{"9", "ok", "Ext", "0042"},                         // text keeps its zeros
		{"10", "ok", "Start date", "2027-02-01"},           // a date in ISO form
	} {
		r, ok := byLine[c.line]
		if !ok {
			t.Errorf("no row for line %s", c.line)
			continue
		}
		if got := cell(r, "outcome"); got != c.outcome {
			t.Errorf("line %s is %q, the README says %q", c.line, got, c.outcome)
		}
		if got := cell(r, c.col); !strings.Contains(got, c.want) {
			t.Errorf("line %s: %s is %q, want %q in it", c.line, c.col, got, c.want)
		}
	}
	// line 5's message is read whole: it wraps, and its row (sheet row 3)
	// is as tall as its lines, as the README's picture shows
	style, err := f.GetCellStyle("Results", "B3")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := f.GetStyle(style); err != nil || st.Alignment == nil || !st.Alignment.WrapText {
		t.Errorf("line 5's message does not wrap: %+v %v", st, err)
	}
	if h, _ := f.GetRowHeight("Results", 3); h < 30 {
		t.Errorf("line 5's row is %g high: its message shows one line", h)
	}
	if len(rows)-1 != len(byLine) || len(byLine) != 7 {
		t.Errorf("%d result rows, the README says 7", len(rows)-1)
	}
	page, err := os.ReadFile(filepath.Join(dir, "checked.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "What to fix") {
		t.Error("the report has no What to fix")
	}
}

// readmeRun returns the arguments of the README's "go run ." command that
// holds marker (without "go run ."), and the text block after it: what it
// prints.
func readmeRun(t *testing.T, marker string) ([]string, string) {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(raw), "```")
	for i := 1; i+2 < len(blocks); i += 2 {
		for _, line := range strings.Split(blocks[i], "\n") {
			if rest, ok := strings.CutPrefix(line, "go run . "); ok && strings.Contains(line, marker) {
				return shellWords(t, rest), strings.TrimPrefix(blocks[i+2], "\n")
			}
		}
	}
	t.Fatalf("no go run . command in the README holds %q", marker)
	return nil, ""
}
