package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// XLSXOptions choose what OpenXLSX reads.
type XLSXOptions struct {
	// Sheet is the worksheet to read by its tab's name; "" reads the first.
	Sheet string
}

// xmlInMemory bounds how much of a workbook's XML excelize keeps in memory:
// a larger part (the sheet of a big export, its shared strings) is
// unzipped to a temporary file and read from there, so memory stays flat.
const xmlInMemory = 1 << 20

// unreadID is a number format id no workbook defines: a style pointed at it
// makes excelize hand over a number's own digits (see patchFormats).
const unreadID = 0x7FF0

// XLSXRecords streams the rows of one worksheet of an .xlsx workbook with
// excelize's Rows iterator: one row in memory at a time. It is a Records;
// Close it (it removes excelize's temporary files).
//
// Cells read as the person sees them in Excel, not as Excel stores them:
// text is as typed (leading zeros kept), a number is its digits (never
// 2.40555E+10; a number format of only zeros, "00000", is applied, since it
// is how a postcode or an extension keeps its leading zeros), a date is
// ISO 8601 (2026-12-04, with the time when it has one), a formula is its
// cached value, TRUE and FALSE are words. A cell showing an error value
// (#N/A, #REF!...) keeps that text and is named in Record.Errors; a hidden
// row says so in Record.Notes.
type XLSXRecords struct {
	f      *excelize.File
	rows   *excelize.Rows
	sheet  string
	row    int
	zr     *zip.Reader
	sheets []string
	zc     io.Closer // the archive opened for readFrame, when from a path
	frame  frame
	// open are the merged ranges the last row is in: the value of each
	// one's first cell, shown in the rows below it.
	spans []openMerge
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
	o := excelize.Options{UnzipXMLSizeLimit: xmlInMemory}
	x := &XLSXRecords{}
	var err error
	if path != "" {
		var zf *zip.ReadCloser
		if zf, err = zip.OpenReader(path); err == nil {
			x.zr, x.zc = &zf.Reader, zf
			if isWorkbook(x.zr) {
				x.f, err = excelize.OpenFile(path, o)
			}
		}
	} else {
		var b []byte
		if b, err = io.ReadAll(r); err == nil {
			if x.zr, err = zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil && isWorkbook(x.zr) {
				x.f, err = excelize.OpenReader(bytes.NewReader(b), o)
			}
		}
	}
	if err == nil && x.f == nil {
		err = errNotWorkbook
	}
	if err != nil {
		if x.zc != nil {
			x.zc.Close()
		}
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || errors.Is(err, zip.ErrFormat) || strings.Contains(err.Error(), "zip:") {
			return nil, errNotWorkbook
		}
		return nil, fmt.Errorf("sheet: reading the workbook: %w", err)
	}
	if err := x.open(opt.Sheet); err != nil {
		_ = x.Close()
		return nil, err
	}
	return x, nil
}

// isWorkbook reports a zip archive that holds a workbook part.
func isWorkbook(zr *zip.Reader) bool {
	_, err := fs.Stat(zr, "xl/workbook.xml")
	return err == nil
}

func (x *XLSXRecords) open(name string) error {
	list := x.f.GetSheetList()
	x.sheets = list
	if len(list) == 0 {
		return errors.New("sheet: the workbook has no worksheet")
	}
	x.sheet = list[0]
	if name != "" {
		i := slices.IndexFunc(list, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(name)) })
		if i < 0 {
			return fmt.Errorf("sheet: the workbook has no sheet %q; its sheets are %s", name, quoted(list))
		}
		x.sheet = list[i]
	}
	part, err := sheetPart(x.zr, x.sheet)
	if err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	pr, err := x.zr.Open(part)
	if err != nil {
		return fmt.Errorf("sheet: reading sheet %q: %w", x.sheet, err)
	}
	x.frame, err = readFrame(pr)
	pr.Close()
	if err != nil {
		return fmt.Errorf("sheet: reading sheet %q: %w", x.sheet, err)
	}
	if err := x.patchFormats(); err != nil {
		return fmt.Errorf("sheet: reading the workbook's styles: %w", err)
	}
	rows, err := x.f.Rows(x.sheet)
	if err != nil {
		return fmt.Errorf("sheet: reading sheet %q: %w", x.sheet, err)
	}
	x.rows = rows
	return nil
}

// Sheet is the name of the worksheet read.
func (x *XLSXRecords) Sheet() string { return x.sheet }

// Sheets lists the workbook's worksheets, in tab order.
func (x *XLSXRecords) Sheets() []string { return x.sheets }

// Read returns the next row that has a cell: io.EOF after the last. Row
// numbers are the sheet's, empty rows counted.
func (x *XLSXRecords) Read() (Record, error) {
	if x.rows == nil {
		return Record{}, io.EOF // closed
	}
	var cells []string
	for len(cells) == 0 { // an empty row is no record, as an empty CSV line
		if !x.rows.Next() {
			if err := x.rows.Error(); err != nil {
				return Record{}, fmt.Errorf("sheet %q, row %d: %w", x.sheet, x.row+1, err)
			}
			// The end: the temporary files go at once, whoever forgets Close.
			if err := x.Close(); err != nil {
				return Record{}, err
			}
			return Record{}, io.EOF
		}
		x.row++
		var err error
		if cells, err = x.rows.Columns(); err != nil {
			return Record{}, fmt.Errorf("sheet %q, row %d: %w", x.sheet, x.row, err)
		}
	}
	cells = x.fill(cells)
	rec := Record{Cells: cells, Row: x.row}
	if x.rows.GetRowOpts().Hidden {
		rec.Notes = append(rec.Notes, fmt.Sprintf("row %d is hidden in the workbook", x.row))
	}
	for i, c := range cells {
		if IsErrorValue(c) {
			ref, _ := excelize.CoordinatesToCellName(i+1, x.row)
			rec.Errors = append(rec.Errors, CellError{Col: i, Ref: ref, Value: c})
		}
	}
	return rec, nil
}

// fill gives the cells below the first of a merged range its value, in
// the range's first column: the person sees one cell spanning the rows.
// A merge across columns only leaves the cells to its right empty, as
// Excel shows them (the value once).
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

// Close ends the reading and removes the workbook's temporary files; it
// may be called again.
func (x *XLSXRecords) Close() error {
	var errs []error
	if x.rows != nil {
		errs = append(errs, x.rows.Close())
		x.rows = nil
	}
	if x.f != nil {
		errs = append(errs, x.f.Close())
		x.f = nil
	}
	if x.zc != nil {
		errs = append(errs, x.zc.Close())
		x.zc = nil
	}
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

// patchFormats makes excelize hand over cells as this package promises:
// each style with a date format is pointed at an ISO one, each other
// number format (General, #,##0, 0.00E+00...) at none, so the number's
// own digits come out; text (@) and zero-padding formats ("00000") stay.
// Only the in-memory copy of the styles changes; the file is never saved.
func (x *XLSXRecords) patchFormats() error {
	date, err := x.isoFormat("yyyy-mm-dd")
	if err != nil {
		return err
	}
	stamp, err := x.isoFormat("yyyy-mm-dd hh:mm:ss")
	if err != nil {
		return err
	}
	clock, err := x.isoFormat("hh:mm:ss")
	if err != nil {
		return err
	}
	st := x.f.Styles
	if st == nil || st.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	unread := unreadID
	for i := range st.CellXfs.Xf {
		xf := &st.CellXfs.Xf[i]
		if xf.NumFmtID == nil || *xf.NumFmtID == date || *xf.NumFmtID == stamp || *xf.NumFmtID == clock {
			continue
		}
		id := *xf.NumFmtID
		code, ok := custom[id]
		if !ok {
			code = builtinFormat(id)
		}
		switch formatKind(code) {
		case kindDate:
			xf.NumFmtID = &date
		case kindStamp:
			xf.NumFmtID = &stamp
		case kindClock:
			xf.NumFmtID = &clock
		case kindNumber:
			xf.NumFmtID = &unread
		}
	}
	return nil
}

// isoFormat registers a custom number format and returns its id.
func (x *XLSXRecords) isoFormat(code string) (int, error) {
	id, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		return 0, err
	}
	return *x.f.Styles.CellXfs.Xf[id].NumFmtID, nil
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
