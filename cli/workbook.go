package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// workbookInput opens an .xlsx input, and refuses the workbooks not read
// (.xls, .ods) with the Save As of the program that wrote them; nil, nil
// for text, which the CSV reader takes.
func workbookInput(bf *bufio.Reader, cfg *config) (*input, error) {
	head, _ := bf.Peek(512)
	kind := sheet.SniffWorkbook(head)
	switch kind {
	case "":
		if cfg.sheet != "" {
			return nil, usagef("--sheet %s: %s is not an .xlsx workbook; --sheet chooses a worksheet of one", cfg.sheet, cfg.input)
		}
		return nil, nil
	case sheet.XLS, sheet.ODS:
		return nil, usagef("%s is a .%s workbook, which is not read: %s", cfg.input, kind, kind.SaveAs())
	}
	path := cfg.input
	if path == "-" {
		path = "" // read from standard input
	}
	book, err := sheet.OpenXLSX(path, bf, sheet.XLSXOptions{Sheet: cfg.sheet})
	if err != nil {
		return nil, usagef("%s: %s", cfg.input, strings.TrimPrefix(err.Error(), "sheet: "))
	}
	src, err := pipeline.NewRecordSource(book, pipeline.SourceOptions{
		Match:         cfg.matcher(),
		ResultColumns: report.Columns,
		RenamePrefix:  report.RenamePrefix,
		LookupOnly:    cfg.mode.followUp(),
	})
	if err != nil {
		book.Close()
		return nil, usagef("%s, sheet %q: %v", cfg.input, book.Sheet(), err)
	}
	// The retry file of a workbook is a CSV (see README, "Workbooks").
	return &input{src: src, delim: ',', book: book}, nil
}

// closeBook removes a workbook's temporary files; a no-op for a CSV.
func (in *input) closeBook() {
	if in != nil && in.book != nil {
		_ = in.book.Close()
	}
}

// workbookNote says which sheet of a workbook was read, for the summary.
func workbookNote(in *input) string {
	sheets := in.book.Sheets()
	if len(sheets) < 2 {
		return fmt.Sprintf("read from sheet %q of the workbook", in.book.Sheet())
	}
	return fmt.Sprintf("read from sheet %q of the workbook's %d sheets (--sheet NAME reads another)", in.book.Sheet(), len(sheets))
}
