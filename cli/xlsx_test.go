package cli_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// bookStyles are the style ids a test sheet's cells refer to (s="N").
type bookStyles struct{ text, date, stamp, thousands, zeros int }

// workbook writes an .xlsx whose first sheet, "Sales", is the sheetData
// (and what follows it) that body returns, so a test controls every cell:
// types, cached formula values, error values, hidden rows, merges. The
// styles come from excelize; a second sheet "Other" holds one address.
func workbook(t *testing.T, body func(s bookStyles) string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Sales"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	f.SetSheetRow("Other", "A1", &[]any{"email"})
	f.SetSheetRow("Other", "A2", &[]any{"other@acme.example"})
	f.SetCellStr("Other", "A3", "0012") // shared string 2, which Sales!E4 shows
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	dmy, thousands, zeros := "dd/mm/yyyy", "#,##0", "00000"
	st := bookStyles{
		text:      style(&excelize.Style{NumFmt: 49}),
		date:      style(&excelize.Style{CustomNumFmt: &dmy}),
		stamp:     style(&excelize.Style{NumFmt: 22}),
		thousands: style(&excelize.Style{CustomNumFmt: &thousands}),
		zeros:     style(&excelize.Style{CustomNumFmt: &zeros}),
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	// Rewrite the archive with our own Sales sheet.
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sales.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, e := range zr.File {
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name == "xl/worksheets/sheet1.xml" {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+body(st)+`</worksheet>`)
			continue
		}
		r, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, r)
		r.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	return path
}

// is is an inline string cell; n a number cell with style s (0: none).
func is(ref, v string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, v)
}
func n(ref, v string, s int) string {
	return fmt.Sprintf(`<c r="%s" s="%d"><v>%s</v></c>`, ref, s, v)
}

// salesSheet has every cell case: a merged title and group heading above
// the header; text with leading zeros; long numbers, plain and with a
// thousands format; dates; formulas with cached values; an error value;
// a hidden row; an empty row; a vertically merged cell; a hidden column.
func salesSheet(s bookStyles) string {
	row := func(r int, attrs string, cells ...string) string {
		return fmt.Sprintf(`<row r="%d"%s>%s</row>`, r, attrs, strings.Join(cells, ""))
	}
	return `<cols><col min="8" max="8" width="9" hidden="1" customWidth="1"/></cols><sheetData>` +
		row(1, "", is("A1", "Q4 new subscribers")) +
		row(2, "", is("A2", "Contact"), is("D2", "Phone")) +
		row(3, "", is("A3", "E-mail"), is("B3", "First name"), is("C3", "Last name"), is("D3", "Telefon"), is("E3", "extension"), is("F3", "Start"), is("G3", "Team"), is("H3", "Internal")) +
		// 4: a long number (General), an extension typed as text, a date
		row(4, "", is("A4", "alice@acme.example"), is("B4", "Alice"), is("C4", "Anderson"), n("D4", "12405551201", 0), fmt.Sprintf(`<c r="E4" t="s" s="%d"><v>2</v></c>`, s.text), n("F4", "46360", s.date), is("G4", "Sales"), is("H4", "x")) +
		// 5: a long number in a thousands format, a zero-padded number,
		// a date and time, a formula's cached text, the merged team cell
		row(5, "", is("A5", "bob@acme.example"), `<c r="B5" t="str"><f>PROPER("bob")</f><v>Bob</v></c>`, is("C5", "Baker"), n("D5", "12405551202", s.thousands), n("E5", "42", s.zeros), n("F5", "46360.5", s.stamp)) +
		// 6 is empty; 7 is hidden
		row(7, ` hidden="1"`, is("A7", "carol@acme.example"), is("B7", "Carol"), is("D7", "+12405551203")) +
		// 8: a lookup that found nothing, in a column we send
		row(8, "", is("A8", "dan@acme.example"), is("B8", "Dan"), `<c r="D8" t="e"><f>VLOOKUP(A8,Phones!A:B,2,0)</f><v>#N/A</v></c>`) +
		// 9: a formula's cached number; an error in a column of the person's own
		row(9, "", is("A9", "erin@acme.example"), is("B9", "Erin"), `<c r="D9"><f>12405551200+5</f><v>12405551205</v></c>`, `<c r="G9" t="e"><v>#REF!</v></c>`) +
		`</sheetData><mergeCells count="3"><mergeCell ref="A1:H1"/><mergeCell ref="A2:C2"/><mergeCell ref="G4:G5"/></mergeCells>`
}

func salesBook(t *testing.T) string {
	t.Helper()
	return workbook(t, salesSheet)
}

// TestValidateReadsAWorkbookAsThePersonSeesIt reads every cell case of
// salesSheet through validate: the values, the rows' numbers, the notes.
func TestValidateReadsAWorkbookAsThePersonSeesIt(t *testing.T) {
	t.Parallel()
	in := salesBook(t)
	out := filepath.Join(t.TempDir(), "checked.csv")
	code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out, "--default-country", "US")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d, want %d (one row is invalid)\n%s", code, cli.ExitPartial, stderr)
	}
	for _, want := range []string{"the header is on line 3", `column H ("Internal") is hidden in the workbook`, `read from sheet "Sales" of the workbook's 2 sheets`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	rows := readCSV(t, out)
	byLine := map[string]map[string]string{}
	for _, r := range rows {
		byLine[r["line"]] = r
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 5: %v", len(rows), rows)
	}
	for _, c := range []struct {
		line, col, want string
	}{
		{"4", "Telefon", "12405551201"},       // a long number is its digits
		{"4", "extension", "0012"},            // text keeps its leading zeros
		{"4", "Start", "2026-12-04"},          // a date in ISO form
		{"5", "Telefon", "12405551202"},       // the thousands format is not the value
		{"5", "extension", "00042"},           // a zero-padded number as shown
		{"5", "Start", "2026-12-04 12:00:00"}, // a date and time
		{"5", "First name", "Bob"},            // a formula's cached text
		{"5", "Team", "Sales"},                // a merged cell's first value
		{"9", "Telefon", "12405551205"},       // a formula's cached number
		{"8", "precheck_result", "invalid"},   // the #N/A is not sent
		{"7", "First name", "Carol"},          // a hidden row is read
		{"4", "Internal", "x"},                // a hidden column is read
		{"4", "precheck_result", "ok"},        // validate: nothing against it
	} {
		r, ok := byLine[c.line]
		if !ok {
			t.Errorf("no result for line %s", c.line)
			continue
		}
		if r[c.col] != c.want {
			t.Errorf("line %s, %s = %q, want %q", c.line, c.col, r[c.col], c.want)
		}
	}
	if m := byLine["8"]["message"]; strings.Count(m, "primaryPhoneNumber") != 1 {
		t.Errorf("line 8 says %q: the #N/A is one problem, named once", m)
	}
	for line, want := range map[string]string{
		"8": "cell D8 shows #N/A",
		"7": "row 7 is hidden",
		"9": "cell G9 shows #REF!",
	} {
		if got := byLine[line]["message"] + " " + byLine[line]["notes"]; !strings.Contains(got, want) {
			t.Errorf("line %s says %q, want %q in it", line, got, want)
		}
	}
}

// TestWorkbooksNotReadAreRefusedWithTheirSaveAs: each workbook that is not
// an .xlsx, and each --sheet that cannot be read, is a usage error that
// says what to do, before any output exists.
func TestWorkbooksNotReadAreRefusedWithTheirSaveAs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ods := filepath.Join(dir, "sales.ods")
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
		io.WriteString(w, "application/vnd.oasis.opendocument.spreadsheet")
		w, _ = zw.Create("content.xml")
		io.WriteString(w, "<office:document-content/>")
		zw.Close()
		os.WriteFile(ods, buf.Bytes(), 0o600)
	}
	notBook := filepath.Join(dir, "photos.zip")
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("a.txt")
		io.WriteString(w, "hello")
		zw.Close()
		os.WriteFile(notBook, buf.Bytes(), 0o600)
	}
	xls := writeFile(t, "sales.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"+strings.Repeat("\x00", 504))
	locked := writeFile(t, "locked.xlsx", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"+strings.Repeat("\x00", 504))
	book := salesBook(t)
	csvIn := writeFile(t, "in.csv", "email\na@acme.example\n")
	for _, c := range []struct {
		name  string
		args  []string
		wants []string
	}{
		// .ods: LibreOffice's own menu
		{"ods", []string{"--input", ods}, []string{".ods workbook", "LibreOffice Calc", "File > Save As", "Text CSV (.csv)"}},
		// .xls: Excel's Save As to a format read
		{"xls", []string{"--input", xls}, []string{".xls workbook", `"Excel Workbook (.xlsx)"`, "CSV UTF-8"}},
		// an .xlsx with a password is an OLE2 file: not an .xls to save again
		{"password", []string{"--input", locked}, []string{"a workbook with a password", "Encrypt with Password"}},
		// a zip that is no workbook
		{"zip", []string{"--input", notBook}, []string{"not an Excel workbook"}},
		// a sheet the workbook does not have: its sheets are named
		{"no such sheet", []string{"--input", book, "--sheet", "Leads"}, []string{`no sheet "Leads"`, `"Sales", "Other"`}},
		// --sheet on a CSV
		{"sheet of a csv", []string{"--input", csvIn, "--sheet", "Sales"}, []string{"--sheet Sales", "is not an .xlsx workbook"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.csv")
			code, _, stderr := run(t, nil, append([]string{"validate", "--output", out}, c.args...)...)
			if code != cli.ExitUsage {
				t.Fatalf("exit %d, want %d\n%s", code, cli.ExitUsage, stderr)
			}
			for _, w := range c.wants {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a refused run left a result file")
			}
		})
	}
}

// TestSheetFlagReadsAnotherSheet: --sheet reads the named tab, whatever
// its case.
func TestSheetFlagReadsAnotherSheet(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, nil, "validate", "--input", salesBook(t), "--sheet", "other", "--output", out)
	if code != cli.ExitPartial { // its "0012" is no address
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	if len(rows) != 2 || rows[0]["email"] != "other@acme.example" || rows[0]["line"] != "2" || rows[1]["email"] != "0012" {
		t.Errorf("rows %v, want other@acme.example on line 2", rows)
	}
}

// TestPrecheckSandboxReadsAWorkbook: the rows of a workbook go to the API
// like a CSV's, the #N/A row never does, a duplicate is caught, and the
// retry file is a CSV of the person's header (see README, "Workbooks").
func TestPrecheckSandboxReadsAWorkbook(t *testing.T) {
	t.Parallel()
	in := workbook(t, func(s bookStyles) string {
		return salesSheet(s)[:strings.Index(salesSheet(s), "</sheetData>")] +
			`<row r="10"><c r="A10" t="inlineStr"><is><t>ALICE@acme.example</t></is></c></row></sheetData>`
	})
	dir := t.TempDir()
	out, retry := filepath.Join(dir, "out.csv"), filepath.Join(dir, "retry.csv")
	code, _, stderr := run(t, nil, "precheck", "--sandbox", "--input", in, "--output", out, "--retry-file", retry, "--max-retries", "0")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := map[string]string{}
	for _, r := range readCSV(t, out) {
		got[r["line"]] = r["precheck_result"]
		if r["line"] == "10" && !strings.Contains(r["message"], "line 4") {
			t.Errorf("the duplicate on line 10 says %q, want line 4 named", r["message"])
		}
	}
	want := map[string]string{"4": "passed", "5": "passed", "7": "passed", "8": "invalid", "9": "passed", "10": "invalid"}
	for line, w := range want {
		if got[line] != w {
			t.Errorf("line %s: %q, want %q (all: %v)", line, got[line], w, got)
		}
	}
	raw, err := os.ReadFile(retry)
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(string(raw), "\n"); first != "E-mail,First name,Last name,Telefon,extension,Start,Team,Internal" {
		t.Errorf("retry file starts %q, want the sheet's header as CSV", first)
	}
}

// TestWorkbookFromStandardInput: "-" reads a workbook too.
func TestWorkbookFromStandardInput(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(salesBook(t))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Run(t.Context(), []string{"validate", "--input", "-", "--output", "-"}, cli.Env{
		Stdin: bytes.NewReader(raw), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
	})
	if code != cli.ExitPartial || !strings.Contains(stdout.String(), "2026-12-04") || strings.Count(stdout.String(), "\n") != 6 {
		t.Errorf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
}

// TestResumeOfAWorkbook: an unfinished run over a workbook resumes into its
// result workbook, and a workbook changed in between is refused (the
// input's hash is of the file's bytes).
func TestResumeOfAWorkbook(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := salesBook(t)
	out := filepath.Join(t.TempDir(), "checked.xlsx")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": "expired"}, "precheck", "--base-url", srv.URL, "--input", in, "--output", out)
	if code != 3 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("exit %d, want 3 with a resume hint:\n%s", code, stderr)
	}
	env := map[string]string{"WEBEX_TOKEN": token}
	saved, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	changed := workbook(t, func(s bookStyles) string { return strings.Replace(salesSheet(s), "Alice", "Alicia", 1) })
	raw, _ := os.ReadFile(changed)
	os.WriteFile(in, raw, 0o600)
	if code, _, stderr = run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--resume"); code != 2 || !strings.Contains(stderr, "changed") {
		t.Fatalf("changed workbook: exit %d\n%s", code, stderr)
	}
	os.WriteFile(in, saved, 0o600)
	if code, _, stderr = run(t, env, "precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--resume"); code != cli.ExitPartial {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Results")
	var outcomes []string
	for _, r := range rows[1:] {
		outcomes = append(outcomes, r[0])
	}
	if got := strings.Join(outcomes, ","); got != "passed,passed,passed,invalid,passed" {
		t.Errorf("outcomes after resume %s", got)
	}
}
