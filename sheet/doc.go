// Package sheet holds the low-level, pure pieces for reading subscriber
// sheets that sales teams export from Excel or Google Sheets: detecting the
// text encoding (Decode), guessing the delimiter (SniffDelimiter), and
// mapping the headers people actually write onto our canonical column names
// (Key, Canonical, Suggest, ParseMap, Columns). A workbook is recognised by
// its first bytes (SniffWorkbook) and an .xlsx read row by row as the
// person sees its cells (OpenXLSX, a Records like the CSV reader's).
//
// Nothing here prints or knows about flags beyond parsing one --map value;
// the only file it opens is the workbook it is given. The caller decides
// what to do with what this package reports. That keeps every function
// testable with plain strings and byte slices.
package sheet
