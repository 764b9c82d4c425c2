package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXOptions choose what OpenXLSX reads.
type XLSXOptions struct {
	// Sheet is the worksheet to read by its tab's name (any case); ""
	// reads the first.
	Sheet string
}

// XLSXRecords streams the rows of one worksheet of an .xlsx workbook: one
// row in memory at a time, the sheet's XML read as it is unzipped (see
// xmlScanner: excelize's own iterator was five times the cost of a CSV
// run). It is a Records; Close it.
//
// Cells read as the person sees them in Excel, not as Excel stores them:
// text is as typed (leading zeros kept), a number is its digits (never
// 2.40555E+10, whatever its format; a format of only zeros, "00000", is
// applied, since it is how a postcode or an extension shows its leading
// zeros), a date is ISO 8601 (2026-12-04, with the time when its format
// has one), a formula is its cached value, TRUE and FALSE are words. A
// cell showing an error value (#N/A, #REF!...) keeps that text and is
// named in Record.Errors; a hidden row says so in Record.Notes. The rows
// below the first of a merged range show its value in its first column.
type XLSXRecords struct {
	zr     *zip.Reader
	zc     io.Closer // the archive, when opened from a path
	path   string
	book   *book
	sheet  string
	part   io.ReadCloser
	s      *xmlScanner
	row    int
	frame  frame
	spans  []openMerge
	done   bool
	text   []byte // the text of the element being read
	cells  []string
	errs   []CellError
	hidden bool
}

// openMerge is a merged range being read, with its first cell's value.
type openMerge struct {
	merge
	value string
}

// OpenXLSX opens the workbook at path, or read from r when path is ""
// (standard input: the whole file is then held in memory, since a zip
// archive is read from its end).
func OpenXLSX(path string, r io.Reader, opt XLSXOptions) (*XLSXRecords, error) {
	x := &XLSXRecords{}
	var err error
	if path != "" {
		var zf *zip.ReadCloser
		if zf, err = zip.OpenReader(path); err == nil {
			x.zr, x.zc = &zf.Reader, zf
			if abs, err := filepath.Abs(path); err == nil {
				x.path = abs
			}
		}
	} else {
		var b []byte
		if b, err = io.ReadAll(r); err == nil {
			x.zr, err = zip.NewReader(bytes.NewReader(b), int64(len(b)))
		}
	}
	if err == nil && !isWorkbook(x.zr) || errors.Is(err, zip.ErrFormat) {
		err = errNotWorkbook
	}
	if err == nil {
		err = x.open(opt.Sheet)
	}
	if err != nil {
		_ = x.Close()
		if errors.Is(err, errNotWorkbook) {
			return nil, err
		}
		return nil, fmt.Errorf("sheet: %w", err)
	}
	return x, nil
}

// isWorkbook reports a zip archive that holds a workbook part.
func isWorkbook(zr *zip.Reader) bool {
	_, err := fs.Stat(zr, "xl/workbook.xml")
	return err == nil
}

func (x *XLSXRecords) open(name string) error {
	var err error
	if x.book, err = readBook(x.zr, x.path); err != nil {
		return err
	}
	list := x.Sheets()
	if len(list) == 0 {
		return errors.New("the workbook has no worksheet")
	}
	part := x.book.sheets[0].part
	x.sheet = list[0]
	if name != "" {
		i := slices.IndexFunc(list, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(name)) })
		if i < 0 {
			return fmt.Errorf("the workbook has no sheet %q; its sheets are %s", name, quoted(list))
		}
		x.sheet, part = list[i], x.book.sheets[i].part
	}
	pr, err := x.zr.Open(part)
	if err != nil {
		return fmt.Errorf("reading sheet %q: %w", x.sheet, err)
	}
	x.frame, err = readFrame(pr)
	pr.Close()
	if err != nil {
		return fmt.Errorf("reading sheet %q: %w", x.sheet, err)
	}
	if x.part, err = x.zr.Open(part); err != nil {
		return fmt.Errorf("reading sheet %q: %w", x.sheet, err)
	}
	x.s = newXMLScanner(x.part)
	return nil
}

// Sheet is the name of the worksheet read.
func (x *XLSXRecords) Sheet() string { return x.sheet }

// Sheets lists the workbook's worksheets, in tab order.
func (x *XLSXRecords) Sheets() []string {
	out := make([]string, len(x.book.sheets))
	for i, s := range x.book.sheets {
		out[i] = s.name
	}
	return out
}

// Read returns the next row that has a cell: io.EOF after the last. Row
// numbers are the sheet's, empty rows counted.
func (x *XLSXRecords) Read() (Record, error) {
	for !x.done {
		ok, err := x.readRow()
		if err != nil {
			return Record{}, fmt.Errorf("sheet %q, row %d: %w", x.sheet, x.row+1, err)
		}
		if !ok {
			break
		}
		cells := x.fill(x.cells)
		if len(cells) == 0 {
			continue // an empty row is no record, as an empty CSV line
		}
		rec := Record{Cells: cells, Row: x.row, Errors: x.errs}
		if x.hidden {
			rec.Notes = []string{fmt.Sprintf("row %d is hidden in the workbook", x.row)}
		}
		return rec, nil
	}
	x.done = true
	// The end: the archive is closed at once, whoever forgets Close.
	if err := x.Close(); err != nil {
		return Record{}, err
	}
	return Record{}, io.EOF
}

// readRow reads the next <row> into x.cells; false at </sheetData>.
func (x *XLSXRecords) readRow() (bool, error) {
	s := x.s
	// Up to the row's start tag.
	for {
		if err := s.next(&x.text, false); err != nil {
			if errors.Is(err, io.EOF) {
				return false, nil
			}
			return false, err
		}
		if string(s.name) == "sheetData" && (s.closing || s.empty) {
			return false, nil
		}
		if string(s.name) == "row" && !s.closing {
			break
		}
	}
	if r, err := strconv.Atoi(string(s.attr("r"))); err == nil && r > x.row && r <= excelize.TotalRows {
		x.row = r
	} else {
		x.row++
	}
	x.hidden = truthy(string(s.attr("hidden")))
	x.cells, x.errs = nil, nil // handed over with the record
	if s.empty {
		return true, nil
	}
	col := -1 // a cell without a reference is the one after the last
	var (
		style      cellStyle
		typ        string
		inV, inIS  bool
		inT, inPh  bool
		value, str []byte
	)
	for {
		keep := inV || inIS && inT && !inPh
		x.text = x.text[:0]
		if err := s.next(&x.text, keep); err != nil {
			return false, err
		}
		if inV {
			value = append(value, x.text...)
		} else if inIS && inT && !inPh {
			str = append(str, x.text...)
		}
		switch string(s.name) {
		case "row":
			if s.closing {
				return true, nil
			}
		case "c":
			if s.closing {
				x.put(col, typ, style, value, str)
				continue
			}
			if ref := s.attr("r"); len(ref) > 0 {
				if c, _, err := excelize.CellNameToCoordinates(string(ref)); err == nil {
					col = c - 1
				} else {
					col++
				}
			} else {
				col++
			}
			if col >= excelize.MaxColumns {
				return false, fmt.Errorf("cell %s: past the last column", s.attr("r"))
			}
			style, typ = x.book.style(s.attr("s")), string(s.attr("t"))
			value, str = value[:0], str[:0]
			if s.empty {
				x.put(col, typ, style, value, str)
			}
		case "v":
			inV = !s.closing && !s.empty
		case "is":
			inIS = !s.closing && !s.empty
		case "t":
			inT = !s.closing && !s.empty
		case "rPh":
			inPh = !s.closing && !s.empty
		}
	}
}

// put sets the cell at col from what its XML held.
func (x *XLSXRecords) put(col int, typ string, style cellStyle, value, str []byte) {
	if col < 0 {
		return // a </c> without its <c>
	}
	var v string
	switch typ {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(value)))
		if err == nil {
			v, _ = x.book.strings.get(i)
		}
	case "inlineStr":
		v = string(unescapeExcel(str))
	case "str", "e":
		v = string(unescapeExcel(value))
	case "b":
		if len(value) == 0 {
			return
		}
		v = "FALSE"
		if string(value) == "1" {
			v = "TRUE"
		}
	case "d":
		v = strings.TrimSuffix(strings.TrimSuffix(string(value), "Z"), "T00:00:00")
	default:
		v = x.number(string(value), style)
	}
	if v == "" {
		return
	}
	for len(x.cells) <= col {
		x.cells = append(x.cells, "")
	}
	x.cells[col] = v
	if IsErrorValue(v) {
		ref, _ := excelize.CoordinatesToCellName(col+1, x.row)
		x.errs = append(x.errs, CellError{Col: col, Ref: ref, Value: v})
	}
}

// number shows a number cell as the person sees it (see XLSXRecords).
func (x *XLSXRecords) number(raw string, st cellStyle) string {
	raw = strings.TrimSpace(raw)
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return raw
	}
	switch st.kind {
	case kindDate, kindStamp, kindClock:
		t, err := excelize.ExcelDateToTime(f, x.book.date1904)
		if err != nil {
			return raw
		}
		switch st.kind {
		case kindDate:
			return t.Format("2006-01-02")
		case kindStamp:
			return t.Format("2006-01-02 15:04:05")
		}
		return t.Format("15:04:05")
	case kindKeep:
		if st.pad > 0 && f >= 0 && f == math.Trunc(f) && f < 1e15 {
			d := strconv.FormatInt(int64(f), 10)
			if len(d) < st.pad {
				return strings.Repeat("0", st.pad-len(d)) + d
			}
			return d
		}
	}
	return digits(raw, f)
}

// digits is a number in plain digits: an integer as written (Excel keeps
// 15 significant digits; a longer one comes back as written, not as
// E-notation), a fraction rounded to Excel's 15 significant digits.
func digits(raw string, f float64) string {
	if strings.Trim(strings.TrimPrefix(raw, "-"), "0123456789") == "" {
		return raw
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// fill gives the cells below the first of a merged range its value, in
// the range's first column: the person sees one cell spanning the rows.
// A merge across columns leaves the cells to its right empty, as Excel
// shows them (the value once).
func (x *XLSXRecords) fill(cells []string) []string {
	keep := x.spans[:0]
	for _, m := range x.spans {
		if m.row2 >= x.row {
			keep = append(keep, m)
		}
	}
	x.spans = keep
	for len(x.frame.merges) > 0 && x.frame.merges[0].row1 <= x.row {
		m := x.frame.merges[0]
		x.frame.merges = x.frame.merges[1:]
		if m.row1 == x.row && m.col < len(cells) && cells[m.col] != "" {
			x.spans = append(x.spans, openMerge{merge: m, value: cells[m.col]})
		}
	}
	for _, m := range x.spans {
		if m.row1 == x.row {
			continue
		}
		for len(cells) <= m.col {
			cells = append(cells, "")
		}
		if cells[m.col] == "" {
			cells[m.col] = m.value
		}
	}
	return cells
}

// HiddenColumns says which of the header's columns the workbook hides:
// they are read like the others, and the person may not know they are
// there.
func (x *XLSXRecords) HiddenColumns(header []string) []string {
	var out []string
	for _, c := range x.frame.hidden {
		if c >= len(header) {
			break
		}
		name, _ := excelize.ColumnNumberToName(c + 1)
		out = append(out, fmt.Sprintf("column %s (%q) is hidden in the workbook: it is read like the others", name, header[c]))
	}
	return out
}

// Close ends the reading; it may be called again.
func (x *XLSXRecords) Close() error {
	var errs []error
	if x.part != nil {
		errs = append(errs, x.part.Close())
		x.part = nil
	}
	if x.zc != nil {
		errs = append(errs, x.zc.Close())
		x.zc = nil
	}
	x.done = true
	return errors.Join(errs...)
}

// errorValues are the error values a cell can show.
var errorValues = []string{"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}

// IsErrorValue reports a cell that shows one of Excel's error values.
func IsErrorValue(c string) bool {
	return len(c) > 2 && c[0] == '#' && slices.Contains(errorValues, strings.ToUpper(c))
}

// ErrorMeaning says in words what an error value means.
func ErrorMeaning(v string) string {
	switch strings.ToUpper(v) {
	case "#N/A":
		return "a lookup (VLOOKUP, XLOOKUP, MATCH) found nothing"
	case "#REF!":
		return "a formula points at cells that were deleted"
	case "#VALUE!":
		return "a formula got text where it needed a number, or the reverse"
	case "#NAME?":
		return "a formula names a function or range that does not exist"
	}
	return "a formula could not compute its value"
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
