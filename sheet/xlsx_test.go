package sheet

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestFormatKind classifies number format codes as Excel applies them.
func TestFormatKind(t *testing.T) {
	for _, c := range []struct {
		code string
		want kind
	}{
		{"General", kindNumber},
		{"@", kindKeep},                         // text
		{"00000", kindKeep},                     // a postcode's zeros
		{"#,##0", kindNumber},                   // thousands: the digits are read
		{"0.00E+00", kindNumber},                // scientific: the digits are read
		{`"Tel: "0`, kindNumber},                // quoted text is not a format letter
		{"dd/mm/yyyy", kindDate},                // a date
		{"[$-409]mmmm d, yyyy;@", kindDate},     // a locale prefix
		{"m/d/yy h:mm", kindStamp},              // a date and time
		{"[h]:mm:ss", kindClock},                // an elapsed time
		{`[Red]0.00;[Blue]-0.00`, kindNumber},   // colours
		{`"day "0`, kindNumber},                 // "d" inside quotes is no day
		{`\d0`, kindNumber},                     // an escaped letter neither
		{"yyyy-mm-dd;@", kindDate},              // sections past the first are not read
		{"_(* #,##0_);_(* (#,##0)", kindNumber}, // accounting padding
	} {
		if got := formatKind(c.code); got != c.want {
			t.Errorf("%q: %v, want %v", c.code, got, c.want)
		}
	}
}

// TestNumbersAsThePersonSeesThem: a number cell in each kind of style.
func TestNumbersAsThePersonSeesThem(t *testing.T) {
	x := &XLSXRecords{book: &book{strings: &stringTable{}}}
	x1904 := &XLSXRecords{book: &book{date1904: true, strings: &stringTable{}}}
	for _, c := range []struct {
		x    *XLSXRecords
		raw  string
		st   cellStyle
		want string
	}{
		{x, "24055512345", cellStyle{kind: kindNumber}, "24055512345"},                  // a phone number typed as a number
		{x, "1.2345678901234568E+16", cellStyle{kind: kindNumber}, "12345678901234568"}, // never E-notation
		{x, "2.40555E+10", cellStyle{kind: kindNumber}, "24055500000"},
		{x, "0.30000000000000004", cellStyle{kind: kindNumber}, "0.3"}, // Excel's 15 digits
		{x, "-12", cellStyle{kind: kindNumber}, "-12"},
		{x, "42", cellStyle{kind: kindKeep, pad: 5}, "00042"},        // "00000"
		{x, "1234567", cellStyle{kind: kindKeep, pad: 5}, "1234567"}, // wider than the pad
		{x, "46360", cellStyle{kind: kindDate}, "2026-12-04"},
		{x1904, "44898", cellStyle{kind: kindDate}, "2026-12-04"}, // the 1904 date system
		{x, "46360.75", cellStyle{kind: kindStamp}, "2026-12-04 18:00:00"},
		{x, "0.5", cellStyle{kind: kindClock}, "12:00:00"},
		{x, "not a number", cellStyle{kind: kindNumber}, "not a number"}, // kept as written
	} {
		if got := c.x.number(c.raw, c.st); got != c.want {
			t.Errorf("%s in %+v: %q, want %q", c.raw, c.st, got, c.want)
		}
	}
}

// TestSharedStrings: runs, phonetic guides, entities, CDATA, comments and
// Excel's _xHHHH_ escapes.
func TestSharedStrings(t *testing.T) {
	var st stringTable
	err := st.read(strings.NewReader(`<?xml version="1.0"?><!-- a comment > with a bracket --><sst xmlns="x" count="5">` +
		`<si><t>plain</t></si>` +
		`<si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space="preserve">text</t></r></si>` +
		`<si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh></si>` +
		`<si><t>A &amp; B &lt;c&gt; &#233;&#x20AC; &unknown;</t></si>` +
		`<si><t><![CDATA[<raw> & ]]></t></si>` +
		`<si><t>line_x000D_break _x005F_x0041_</t></si>` +
		`<si><t/></si>` +
		`</sst>`))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"plain", "rich text", "山田", "A & B <c> é€ &unknown;", "<raw> & ", "line\rbreak _x0041_", ""} {
		if got, ok := st.get(i); !ok || got != want {
			t.Errorf("string %d: %q, want %q", i, got, want)
		}
	}
	if _, ok := st.get(7); ok {
		t.Error("an index past the table reads")
	}
}

// TestRowScanner reads a sheet's XML: rows by their numbers, cells by
// their references (or in order without), every cell type, a namespace
// prefix, an empty row.
func TestRowScanner(t *testing.T) {
	x := &XLSXRecords{book: &book{strings: &stringTable{}}, sheet: "S"}
	x.book.strings.add([]byte("shared"))
	x.s = newXMLScanner(strings.NewReader(`<x:worksheet xmlns:x="ns"><x:sheetData>` +
		`<x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c><x:c r="D2" t="b"><x:v>1</x:v></x:c></x:row>` +
		`<x:row r="3"/>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c t="str"><x:f>"b"&amp;""</x:f><x:v>b</x:v></x:c><x:c t="e"><x:v>#DIV/0!</x:v></x:c><x:c t="d"><x:v>2026-12-04T00:00:00Z</x:v></x:c></x:row>` +
		`</x:sheetData><x:mergeCells/></x:worksheet>`))
	var got []Record
	for {
		r, err := x.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 2 {
		t.Fatalf("%d records, want 2: %+v", len(got), got)
	}
	if r := got[0]; r.Row != 2 || strings.Join(r.Cells, "|") != "|shared||TRUE" {
		t.Errorf("row 2: %d %q", r.Row, r.Cells)
	}
	if r := got[1]; r.Row != 4 || strings.Join(r.Cells, "|") != "a|b|#DIV/0!|2026-12-04" || len(r.Errors) != 1 || r.Errors[0].Ref != "C4" {
		t.Errorf("row 4: %d %q %+v", r.Row, r.Cells, r.Errors)
	}
}

// TestFrame finds hidden columns before the rows and merges after them,
// across the chunks the sheet is read in.
func TestFrame(t *testing.T) {
	rows := strings.Repeat(`<row><c><v>1</v></c></row>`, 10000) // past one 64 KiB chunk
	fr, err := readFrame(strings.NewReader(`<worksheet><cols><col min="2" max="3" hidden="1"/><col min="5" max="5" hidden="true"/></cols><sheetData>` + rows +
		`</sheetData><mergeCells><mergeCell ref="A1:C1"/><mergeCell ref="D4:D9"/><mergeCell ref="B2:C3"/></mergeCells></worksheet>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := fr.hidden; len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 4 {
		t.Errorf("hidden %v, want [1 2 4]", got)
	}
	// A1:C1 spans one row: nothing below to fill.
	if got := fr.merges; len(got) != 2 || got[0] != (merge{col: 1, row1: 2, row2: 3}) || got[1] != (merge{col: 3, row1: 4, row2: 9}) {
		t.Errorf("merges %+v", got)
	}
}

// FuzzXLSXSheet: no sheet XML makes the row reader or the frame reader
// panic or loop, and rows come out in increasing order, no wider than a
// sheet.
func FuzzXLSXSheet(f *testing.F) {
	for _, s := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row></sheetData></worksheet>`,
		`<sheetData><row><c t="s"><v>0</v></c><c r="XFD1"><v>1.5E+300</v></c></row><row r="9" hidden="1"/></sheetData>`,
		`<cols><col min="1" max="99999999999" hidden="1"/></cols><sheetData/><mergeCells><mergeCell ref="A1:A1048576"/></mergeCells>`,
		`<![CDATA[x]]><!-- --><?pi?><row><c><v>&#xD800;&amp</v></c>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := readFrame(strings.NewReader(string(data))); err != nil {
			t.Fatal(err) // a strings.Reader cannot fail
		}
		var st stringTable
		_ = st.read(strings.NewReader(string(data)))
		x := &XLSXRecords{book: &book{strings: &st, styles: []cellStyle{{kind: kindDate}}}, sheet: "S", s: newXMLScanner(strings.NewReader(string(data)))}
		last := 0
		for range 100000 {
			r, err := x.Read()
			if err != nil {
				return
			}
			if r.Row <= last || len(r.Cells) > 16384 {
				t.Fatalf("row %d after %d, %d cells", r.Row, last, len(r.Cells))
			}
			last = r.Row
		}
		t.Fatal("no end after 100000 rows")
	})
}

// TestStringArenaChunks: strings across many chunks, and one longer than
// a chunk, come back whole.
func TestStringArenaChunks(t *testing.T) {
	var st stringTable
	long := strings.Repeat("x", 3*arenaChunk)
	var want []string
	for i := range 200000 {
		s := strings.Repeat("a", i%13) + "@" + strings.Repeat("b", i%7)
		if i == 1000 {
			s = long
		}
		want = append(want, s)
		st.add([]byte(s))
	}
	for i, w := range want {
		if got, _ := st.get(i); got != w {
			t.Fatalf("string %d: %d bytes, want %d", i, len(got), len(w))
		}
	}
}
