package sheet

import (
	"bytes"
	"errors"
	"fmt"
)

// Workbook names a binary spreadsheet format.
type Workbook string

// The workbook formats recognised by their first bytes.
const (
	// XLSX is Office Open XML (.xlsx, .xlsm): a zip archive. It is read
	// (see OpenXLSX).
	XLSX Workbook = "xlsx"
	// XLS is Excel 97-2003 (BIFF in an OLE2 compound file). Not read.
	XLS Workbook = "xls"
	// ODS is OpenDocument (LibreOffice Calc): a zip archive whose first
	// entry is its mimetype. Not read.
	ODS Workbook = "ods"
)

// odsMime is what an OpenDocument spreadsheet's first zip entry, stored
// uncompressed, holds: it lies in the first bytes of the file.
var odsMime = []byte("application/vnd.oasis.opendocument.spreadsheet")

// SniffWorkbook names the workbook format p starts with, "" for text.
func SniffWorkbook(p []byte) Workbook {
	switch {
	case bytes.HasPrefix(p, magicOLE2):
		return XLS
	case bytes.HasPrefix(p, magicZip):
		if bytes.Contains(p[:min(len(p), 512)], odsMime) {
			return ODS
		}
		return XLSX
	}
	return ""
}

// WorkbookError is Decode's answer to a binary workbook: it is not text.
// errors.Is(err, ErrWorkbook) holds for every kind.
type WorkbookError struct{ Kind Workbook }

func (e *WorkbookError) Error() string {
	return fmt.Sprintf("sheet: input is a .%s workbook, not a CSV export; %s", e.Kind, e.Kind.SaveAs())
}

// Is makes every WorkbookError match ErrWorkbook.
func (e *WorkbookError) Is(target error) bool { return target == ErrWorkbook }

// SaveAs is the advice for a format not read: how that program saves the
// sheet as something that is.
func (w Workbook) SaveAs() string {
	switch w {
	case ODS:
		return `in LibreOffice Calc use File > Save As..., file type "Text CSV (.csv)", character set "Unicode (UTF-8)" (or "Excel 2007-365 (.xlsx)", which is read too)`
	case XLS:
		return `in Excel use File > Save As > "Excel Workbook (.xlsx)" (read as it is) or "CSV UTF-8 (Comma delimited)"`
	}
	return `in Excel use File > Save As > "CSV UTF-8 (Comma delimited)"`
}

// errNotWorkbook: a zip archive that excelize cannot open as a workbook.
var errNotWorkbook = errors.New("sheet: the file is a zip archive but not an Excel workbook (.xlsx)")
