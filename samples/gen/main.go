// Command gen writes samples/sales.xlsx, the workbook a salesperson sends
// that the README's "Workbooks in and out" starts from: go generate
// ./samples/gen. Each row shows one thing the tool does with a workbook
// (see rows). The file is the same bytes on every run, and
// TestSampleIsGenerated keeps the committed copy equal to what this
// program writes.
package main

//go:generate go run . -out ../sales.xlsx

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheet is the tab's name, as the README's output prints it.
const sheet = "Q4 onboarding"

var header = []any{"E-mail", "First name", "Last name", "Phone", "Ext", "Licence", "Start date", "Sales rep"}

// lookup is the formula of the row whose number a VLOOKUP did not find.
const lookup = `VLOOKUP(A8,Numbers!A:B,2,FALSE)`

// cell kinds, styled in build.
type (
	text   string  // a cell formatted as Text (@): kept as typed
	number float64 // a number in General format
	sci    float64 // a number shown in E-notation (format 0.00E+00)
	date   string  // a date, yyyy-mm-dd, shown as dd/mm/yyyy
)

// rows are the sales sheet's rows from line 4, one case each.
var rows = [][]any{
	// a good row: the phone typed as a number (General)
	{"anna.berg@acme.example", "Anna", "Berg", number(12405551201), text("0101"), "webex_calling", date("2027-01-04"), "Tom"},
	// a phone that came through an earlier CSV as Excel showed it: its digits are lost
	{"ben.okafor@acme.example", "Ben", "Okafor", "2.40555E+10", text("0102"), "webex_calling", date("2027-01-04"), "Tom"},
	// a number Excel shows as 1.24E+10 is still read as its digits
	{"chen.li@acme.example", "Chen", "Li", sci(12405551203), text("0103"), "webex_calling", date("2027-01-11"), "Priya"},
	// a domain without a dot
	{"dana.ruiz@acme", "Dana", "Ruiz", number(12405551204), text("0104"), "webex_calling", date("2027-01-11"), "Priya"},
	// the VLOOKUP that found no number: #N/A in a column we send
	{"erik.holm@acme.example", "Erik", "Holm", nil, text("0105"), "webex_calling", date("2027-01-18"), "Tom"},
	// an extension typed as text with its leading zeros, no phone
	{"fatima.nour@acme.example", "Fatima", "Nour", nil, text("0042"), "webex_calling", date("2027-01-18"), "Priya"},
	// meetings only: no number needed
	{"georg.weber@acme.example", "Georg", "Weber", nil, nil, "webex_meetings", date("2027-02-01"), "Tom"},
}

func main() {
	out := flag.String("out", "sales.xlsx", "the workbook to write")
	flag.Parse()
	b, err := build()
	if err == nil {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// build returns the workbook's bytes.
func build() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	dmy, sciFmt := "dd/mm/yyyy", "0.00E+00"
	// in a fixed order, so the style ids and the bytes are the same each run
	styles := []struct {
		name string
		*excelize.Style
	}{
		{"title", &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{"head", &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}},
		{"text", &excelize.Style{NumFmt: 49}},
		{"date", &excelize.Style{CustomNumFmt: &dmy}},
		{"sci", &excelize.Style{CustomNumFmt: &sciFmt}},
	}
	id := map[string]int{}
	for _, s := range styles {
		n, err := f.NewStyle(s.Style)
		if err != nil {
			return nil, err
		}
		id[s.name] = n
	}
	set := func(ref string, v any) error {
		switch v := v.(type) {
		case text:
			if err := f.SetCellStr(sheet, ref, string(v)); err != nil {
				return err
			}
			return f.SetCellStyle(sheet, ref, ref, id["text"])
		case number:
			return f.SetCellValue(sheet, ref, int64(v))
		case sci:
			if err := f.SetCellValue(sheet, ref, int64(v)); err != nil {
				return err
			}
			return f.SetCellStyle(sheet, ref, ref, id["sci"])
		case date:
			t, err := time.Parse(time.DateOnly, string(v))
			if err != nil {
				return err
			}
			if err := f.SetCellValue(sheet, ref, t); err != nil {
				return err
			}
			return f.SetCellStyle(sheet, ref, ref, id["date"])
		case nil:
			return nil
		default:
			return f.SetCellValue(sheet, ref, v)
		}
	}
	if err := f.SetCellStr(sheet, "A1", "Q4 onboarding: new Webex users for ACME (from Sales, 4 Dec)"); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", id["title"]); err != nil {
		return nil, err
	}
	if err := f.SetSheetRow(sheet, "A3", &header); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, "A3", "H3", id["head"]); err != nil {
		return nil, err
	}
	for i, r := range rows {
		for j, v := range r {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+4)
			if err := set(ref, v); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetCellFormula(sheet, "D8", lookup); err != nil {
		return nil, err
	}
	for i, w := range []float64{28, 12, 12, 14, 7, 16, 12, 11} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return cacheError(buf.Bytes())
}

// cacheError gives the VLOOKUP cell the value Excel saves with it, #N/A:
// excelize writes a formula without a computed value, and the tool reads
// a formula's last computed value, as Excel shows it.
func cacheError(book []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		r, err := e.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		if e.Name == "xl/worksheets/sheet1.xml" {
			start := bytes.Index(b, []byte(`<c r="D8"`))
			end := bytes.Index(b[max(start, 0):], []byte(`</c>`))
			if start < 0 || end < 0 {
				return nil, fmt.Errorf("no cell D8 in the sheet")
			}
			b = slices.Concat(b[:start], []byte(`<c r="D8" t="e"><f>`+lookup+`</f><v>#N/A</v></c>`), b[start+end+len(`</c>`):])
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
