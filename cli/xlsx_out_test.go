package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wholesale-batch/wholesale-batch/cli"
)

// TestResultWorkbookForThePerson reads back the workbook precheck writes
// for a workbook: the column order, a row per input row in order, a fill
// per outcome, text cells that stay text (a formula in a cell of the
// person's is not one here), the frozen, filtered header, the Summary.
func TestResultWorkbookForThePerson(t *testing.T) {
	t.Parallel()
	in := workbook(t, func(s bookStyles) string {
		body := salesSheet(s)
		// a cell that would run in a CSV opened by Excel
		return strings.Replace(body, is("G4", "Sales"), is("G4", "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)"), 1)
	})
	out := filepath.Join(t.TempDir(), "checked.xlsx")
	code, _, stderr := run(t, nil, "precheck", "--sandbox", "--input", in, "--output", out, "--max-retries", "0")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 || got[0] != "Results" || got[1] != "Summary" {
		t.Fatalf("sheets %v, want Results, Summary", got)
	}
	rows, err := f.GetRows("Results")
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(rows[0], "|")
	if want := "outcome|message|E-mail|First name|Last name|Telefon|extension|Start|Team|Internal|line|email|precheck_result|"; !strings.HasPrefix(head, want) {
		t.Errorf("header %s\nwant it to start %s", head, want)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var lines, outcomes []string
	for _, r := range rows[1:] {
		lines = append(lines, r[col["line"]])
		outcomes = append(outcomes, r[col["outcome"]])
	}
	if got := strings.Join(lines, ","); got != "4,5,7,8,9" {
		t.Errorf("lines %s, want the sheet's rows in order", got)
	}
	if got := strings.Join(outcomes, ","); got != "passed,passed,passed,invalid,passed" {
		t.Errorf("outcomes %s", got)
	}
	fill := func(cell string) string {
		id, err := f.GetCellStyle("Results", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || len(st.Fill.Color) == 0 {
			return ""
		}
		return st.Fill.Color[0]
	}
	for cell, want := range map[string]string{"A2": "C6EFCE", "B2": "C6EFCE", "A5": "FFC7CE", "B5": "FFC7CE"} {
		if got := fill(cell); !strings.EqualFold(got, want) {
			t.Errorf("%s filled %q, want %q", cell, got, want)
		}
	}
	if got := fill("C2"); got != "" {
		t.Errorf("the person's cells are filled %q, want none", got)
	}
	team, _ := excelize.CoordinatesToCellName(col["Team"]+1, 2)
	phone, _ := excelize.CoordinatesToCellName(col["Telefon"]+1, 2)
	for _, cell := range []string{team, phone} {
		typ, _ := f.GetCellType("Results", cell)
		formula, _ := f.GetCellFormula("Results", cell)
		v, _ := f.GetCellValue("Results", cell)
		if typ != excelize.CellTypeInlineString || formula != "" {
			t.Errorf("%s (%q) is of type %v with formula %q: want a text cell", cell, v, typ, formula)
		}
	}
	if v, _ := f.GetCellValue("Results", team); !strings.HasPrefix(v, "=HYPERLINK") {
		t.Errorf("%s = %q, want the text as given", team, v)
	}
	panes, err := f.GetPanes("Results")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v: want the header frozen", panes, err)
	}
	if tables, err := f.GetTables("Results"); err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:") {
		t.Errorf("tables %+v %v: want one with filters over the results", tables, err)
	}
	if w, _ := f.GetColWidth("Results", "C"); w < 20 {
		t.Errorf("the E-mail column is %.0f wide: too narrow for its addresses", w)
	}
	sum, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range sum {
		if len(r) >= 2 {
			got[r[0]] = r[1]
		}
	}
	if got["passed"] != "4" || got["invalid"] != "1" || got["total"] != "5" {
		t.Errorf("summary %v, want passed 4, invalid 1, total 5", sum)
	}
}

// TestFormatFlag: --format xlsx writes a workbook whatever the name;
// a retry file named .xlsx and an unknown format are refused.
func TestFormatFlag(t *testing.T) {
	t.Parallel()
	in := emailsFile(t, 3)
	out := filepath.Join(t.TempDir(), "results.out")
	if code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out, "--format", "xlsx"); code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("--format xlsx did not write a workbook: %v", err)
	}
	rows, _ := f.GetRows("Results")
	f.Close()
	if len(rows) != 4 || rows[1][0] != "ok" {
		t.Errorf("rows %v, want 3 ok rows under the header", rows)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "ods"}, "--format must be csv or xlsx"},
		{[]string{"--retry-file", filepath.Join(t.TempDir(), "again.xlsx")}, "the retry file is a CSV"},
	} {
		args := append([]string{"precheck", "--sandbox", "--input", in, "--output", filepath.Join(t.TempDir(), "o.csv")}, c.args...)
		if code, _, stderr := run(t, nil, args...); code != cli.ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}
