package sheet

// Record is one row of an input file as a spreadsheet shows it, whatever
// the file's format.
type Record struct {
	// Cells are the row's values as the person sees them.
	Cells []string
	// Row is the spreadsheet row it is on (1-based): empty rows before it
	// are counted, and a quoted CSV cell spanning lines is one row.
	Row int
	// Notes are remarks about the row as read (a hidden row or column),
	// for the result's notes column; nil for a plain CSV row.
	Notes []string
	// Errors are cells holding a spreadsheet error value (#N/A, #REF!...),
	// by position; nil for a CSV row.
	Errors []CellError
}

// CellError is a cell showing one of Excel's error values: a formula that
// could not compute, whose text is not data.
type CellError struct {
	Col   int    // 0-based position in Cells
	Ref   string // the cell's name, "C12"
	Value string // "#N/A"
}

// Records is a stream of records, one format's reader (CSV, .xlsx) behind
// one shape, so the row builder need not know which it reads (vegeta's
// DecoderFor). Read returns io.EOF after the last record.
type Records interface {
	Read() (Record, error)
}
