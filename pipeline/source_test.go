package pipeline_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

func readAll(t *testing.T, in string) ([]pipeline.Row, *pipeline.Source) {
	t.Helper()
	src, err := pipeline.NewSource(strings.NewReader(in), pipeline.SourceOptions{})
	if err != nil {
		t.Fatalf("NewSource: %v", err)
	}
	var rows []pipeline.Row
	if err := src.Each(context.Background(), func(r pipeline.Row) error {
		rows = append(rows, r)
		return nil
	}); err != nil {
		t.Fatalf("Each: %v", err)
	}
	return rows, src
}

func TestSourceLinesAsASpreadsheetShowsThem(t *testing.T) {
	in := "Email,First Name,Notes\n" +
		"a@x.example,Ann,one\n" + // row 2
		"\n" + // row 3: an empty line is an empty row in a spreadsheet
		"b@x.example,Ben,\"two\nlines\"\n" + // row 4 spans two physical lines
		",,\n" + // row 5: blank cells only
		"c@x.example,Cy,three\n" // row 6
	rows, src := readAll(t, in)
	var got []int
	for _, r := range rows {
		got = append(got, r.Line)
	}
	if want := []int{2, 4, 6}; !slices.Equal(got, want) {
		t.Fatalf("lines = %v, want %v", got, want)
	}
	if src.Blank() != 2 {
		t.Errorf("blank = %d, want 2", src.Blank())
	}
	if rows[1].Fields.FirstName != "Ben" || rows[1].Raw[2] != "two\nlines" {
		t.Errorf("row 4 = %+v", rows[1])
	}
	for i, r := range rows {
		if r.Seq != i {
			t.Errorf("row %d seq = %d", i, r.Seq)
		}
	}
}

func TestSourceRaggedRowsBecomeProblems(t *testing.T) {
	rows, _ := readAll(t, "email,package\na@x.example\nb@x.example,webex_calling,extra\nc@x.example,webex_suite\n")
	if len(rows) != 3 {
		t.Fatalf("got %d rows", len(rows))
	}
	for i, want := range []string{"1 cells but the header has 2", "3 cells but the header has 2", ""} {
		got := pipeline.ProblemText(rows[i].Problems)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("row %d problems = %q, want %q", i, got, want)
		}
	}
	if rows[1].Fields.Package != "webex_calling" || len(rows[1].Raw) != 3 {
		t.Errorf("ragged row lost data: %+v", rows[1])
	}
}

func TestSourceHeaderErrors(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		// no column names the address
		{"no email", "name,phone\nann,1\n", `no email column: the header has "name", "phone"`},
		// an empty file has not even a header
		{"empty", "", "the file is empty"},
		// a delimiter that is not the comma is named
		{"no email, pipes", "Contact|Given name|Surname\nann|Ann|Lee\n", `no email column: the file looks |-delimited, and its header has "Contact", "Given name", "Surname"`},
		// two columns meaning the same thing would make one silently win
		{"duplicate", "email,E-Mail\n", "both mean email"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := pipeline.NewSource(strings.NewReader(c.in), pipeline.SourceOptions{})
			var ie *pipeline.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want InputError containing %q", err, c.want)
			}
		})
	}
}

func TestSourceHeaderMatchIgnoresCaseSpacesAndPunctuation(t *testing.T) {
	rows, _ := readAll(t, "\ufeffE_Mail,Customer-ID,first name,PRIMARY PHONE NUMBER\na@x.example,c1,Ann,+12405551212\n")
	f := rows[0].Fields
	if f.Email != "a@x.example" || f.CustomerID != "c1" || f.FirstName != "Ann" || f.PrimaryPhoneNumber != "+12405551212" {
		t.Fatalf("fields = %+v", f)
	}
}

func TestSourceStopsWhenContextEnds(t *testing.T) {
	var b strings.Builder
	b.WriteString("email\n")
	for range 1000 {
		b.WriteString("a@x.example\n")
	}
	src, err := pipeline.NewSource(strings.NewReader(b.String()), pipeline.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err = src.Each(ctx, func(pipeline.Row) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > 12 {
		t.Fatalf("err = %v after %d rows, want context.Canceled soon after 10", err, n)
	}
}

func bytesReader(b []byte) *strings.Reader { return strings.NewReader(string(b)) }

// A delimiter at the end of every data row, or of the header only, adds an
// empty cell that shifts nothing: the rows are read, not refused.
func TestSourceTrailingDelimiter(t *testing.T) {
	for name, in := range map[string]string{
		"data rows":  "email,package\na@x.example,webex_meetings,\nb@x.example,webex_suite,,\n",
		"header":     "email,package,\na@x.example,webex_meetings\nb@x.example,webex_suite\n",
		"both":       "email,package,\na@x.example,webex_meetings,\nb@x.example,webex_suite,\n",
		"semicolons": "email;package\na@x.example;webex_meetings;\nb@x.example;webex_suite;\n",
	} {
		t.Run(name, func(t *testing.T) {
			var opt pipeline.SourceOptions
			if name == "semicolons" {
				opt.Delimiter = ';'
			}
			src, err := pipeline.NewSource(strings.NewReader(in), opt)
			if err != nil {
				t.Fatal(err)
			}
			if want := name == "data rows" || name == "semicolons"; src.Header().TrailingEmpty != want {
				t.Errorf("TrailingEmpty = %v, want %v", src.Header().TrailingEmpty, want)
			}
			var rows []pipeline.Row
			_ = src.Each(context.Background(), func(r pipeline.Row) error { rows = append(rows, r); return nil })
			if len(rows) != 2 {
				t.Fatalf("%d rows", len(rows))
			}
			for _, r := range rows {
				if len(r.Problems) > 0 || len(r.Raw) != len(src.Header().Raw) || r.Fields.Package == "" {
					t.Errorf("line %d: %+v", r.Line, r)
				}
			}
		})
	}
	// A cell with something in it after the last column is still refused.
	rows, _ := readAll(t, "email,package\na@x.example,webex_meetings,x\n")
	if !strings.Contains(pipeline.ProblemText(rows[0].Problems), "3 cells but the header has 2") {
		t.Errorf("problems = %v", rows[0].Problems)
	}
}

// A character the decoder could not read (U+FFFD) is never sent: the row is
// invalid, naming the column; columns we do not send are left alone.
func TestSourceUndecodableCharacter(t *testing.T) {
	rows, _ := readAll(t, "email,firstName,Notes\na@x.example,Ren\uFFFD,fine\nb@x.example,Ben,caf\uFFFD\n")
	if p := rows[0].Problems; len(p) != 1 || p[0].Field != "firstName" || !strings.Contains(p[0].Message, "could not be read") {
		t.Errorf("line 2: %+v", p)
	}
	if p := rows[1].Problems; len(p) != 0 {
		t.Errorf("line 3 (only a pass-through column): %+v", p)
	}
}

// The header may sit below a report's title lines: rows keep the numbers a
// spreadsheet shows, and the lines above are not rows.
func TestSourceHeaderBelowTitleLines(t *testing.T) {
	rows, src := readAll(t, "Subscribers\n\"Generated: 2026-11-30\"\n\nemail;package\na@x.example;webex_meetings\n\nb@x.example;webex_suite\n")
	h := src.Header()
	if h.Line != 4 || h.Delimiter != ';' || h.Canonical[0] != "email" {
		t.Fatalf("header = %+v", h)
	}
	if len(rows) != 2 || rows[0].Line != 5 || rows[1].Line != 7 || rows[1].Fields.Package != "webex_suite" {
		t.Fatalf("rows = %+v", rows)
	}
	if src.Blank() != 1 {
		t.Errorf("blank = %d: lines above the header are not blank rows", src.Blank())
	}
}

// A bare list of addresses: no header, and its first line is the first row.
func TestSourceBareListOfAddresses(t *testing.T) {
	rows, src := readAll(t, "ann@x.example\n\nben@x.example\n")
	if h := src.Header(); h.Line != 0 || len(h.Raw) != 1 || h.Canonical[0] != "email" {
		t.Fatalf("header = %+v", h)
	}
	if len(rows) != 2 || rows[0].Line != 1 || rows[0].Fields.Email != "ann@x.example" || rows[1].Line != 3 {
		t.Fatalf("rows = %+v", rows)
	}
}

// A delimiter given that splits nothing: the message names the one the
// header holds.
func TestSourceWrongDelimiterGiven(t *testing.T) {
	_, err := pipeline.NewSource(strings.NewReader("Mail Adr|Name\nann|Ann\n"), pipeline.SourceOptions{Delimiter: ','})
	if err == nil || !strings.Contains(err.Error(), `the header is one cell, "Mail Adr|Name": the file looks |-delimited, not ,-delimited (--delimiter)`) {
		t.Fatalf("err = %v", err)
	}
}

// A report's total and footer lines hold no address: their text goes where
// the checks look for one (so they can say what the line is) and no shape
// problem is added; other rows are left alone.
func TestSourceTotalAndFooterLines(t *testing.T) {
	rows, _ := readAll(t, "First Name,Email,Package\n"+
		"Ann,ann@x.example,webex_meetings\n"+
		"\"Grand Totals (4 records)\"\n"+ // row 3: the label in the first column, not the email one
		",,webex_meetings Count\n"+ // row 4: an Excel subtotal in the column grouped by
		"\"Confidential Information - Do Not Distribute\"\n"+ // row 5
		"Ben\n") // row 6: one word, a row missing cells
	want := []struct {
		email, problems string
	}{
		{"ann@x.example", ""},
		{"Grand Totals (4 records)", ""},
		{"webex_meetings Count", ""},
		{"Confidential Information - Do Not Distribute", ""},
		{"", "this row has 1 cells but the header has 3"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for i, w := range want {
		if got := pipeline.ProblemText(rows[i].Problems); rows[i].Fields.Email != w.email || !strings.Contains(got, w.problems) || w.problems == "" && got != "" {
			t.Errorf("line %d: email %q, problems %q; want %q, %q", rows[i].Line, rows[i].Fields.Email, got, w.email, w.problems)
		}
	}
}

// For the commands that only look subscribers up, a footer's text is not
// made an address to look up.
func TestSourceFooterLookupOnly(t *testing.T) {
	src, err := pipeline.NewSource(strings.NewReader("First Name,Email\nAnn,ann@x.example\n\"Grand Totals (1 record)\"\n"), pipeline.SourceOptions{LookupOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var rows []pipeline.Row
	_ = src.Each(context.Background(), func(r pipeline.Row) error { rows = append(rows, r); return nil })
	if len(rows) != 2 || rows[1].Fields.Email != "" {
		t.Fatalf("rows = %+v", rows)
	}
}
