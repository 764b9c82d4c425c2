// Package sheet holds the low-level, pure pieces for reading subscriber
// sheets that sales teams export from Excel or Google Sheets: detecting the
// text encoding (Decode), guessing the delimiter (SniffDelimiter), and
// mapping the headers people actually write onto our canonical column names
// (Key, Canonical, Suggest, ParseMap, Columns).
//
// Nothing here opens files, prints, or knows about flags beyond parsing one
// --map value; the caller decides what to do with what this package reports.
// That keeps every function testable with plain strings and byte slices.
package sheet
