package sheet

// FindLayoutRecords is FindLayout for a format whose cells come already
// split (a workbook's rows): recs are its first records, empty rows left
// out, and the delimiter is not a question. The header is found as in a
// CSV: below titles and merged group headings.
func FindLayoutRecords(recs [][]string, match func(string) (string, bool)) Layout {
	if match == nil {
		match = Canonical
	}
	recs = recs[:min(len(recs), layoutRecords)]
	l := findLayout([]rune{','}, ',', func(rune) [][]string { return recs }, match)
	return l
}
