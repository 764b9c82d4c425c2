package cli

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
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
	case sheet.XLS:
		if ext := strings.ToLower(filepath.Ext(cfg.input)); ext == ".xlsx" || ext == ".xlsm" {
			// An .xlsx with a password is kept in the old container.
			return nil, usagef("%s is a workbook with a password, which cannot be read: in Excel open it, clear the password (File > Info > Protect Workbook > Encrypt with Password) and save it", cfg.input)
		}
		return nil, usagef("%s is a .%s workbook, which is not read: %s", cfg.input, kind, kind.SaveAs())
	case sheet.ODS:
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
		LookupOnly:    cfg.cmd.FollowUp,
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

// rowWriter is a result file's writer: CSV or workbook.
type rowWriter interface {
	Write(pipeline.Result) error
	Flush() error
}

// resultWriter starts the result file in the format asked for: --format,
// else by --output's extension.
func resultWriter(out io.Writer, cfg *config, in *input) (rowWriter, error) {
	if cfg.resultFormat() == "xlsx" {
		return report.NewXLSXWriter(out, report.XLSXOptions{InputHeader: in.src.Header().Data(), Command: cfg.cmd})
	}
	return report.NewCSVWriter(out, report.CSVOptions{InputHeader: in.src.Header().Data(), Excel: cfg.excel, Delimiter: in.delim, Command: cfg.cmd})
}

func (cfg *config) resultFormat() string {
	if cfg.format != "" {
		return strings.ToLower(cfg.format)
	}
	if strings.EqualFold(filepath.Ext(cfg.output), ".xlsx") {
		return "xlsx"
	}
	return "csv"
}

// checkWorkbook checks the workbook flags.
func (cfg *config) checkWorkbook() error {
	switch strings.ToLower(cfg.format) {
	case "", "csv", "xlsx":
	default:
		return usagef("--format must be csv or xlsx, got %q", cfg.format)
	}
	if strings.EqualFold(filepath.Ext(cfg.retryFile), ".xlsx") {
		return usagef("--retry-file %s: the retry file is a CSV (the rows to send again, as read), even for a workbook input; name it .csv", cfg.retryFile)
	}
	return nil
}
