package sheet

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// AmbiguousError is Decode's answer for a file that is not UTF-8 or UTF-16
// and that two or more code pages read as plausible names: guessing would
// send one of them garbled ("Dvoøák" for "Dvořák"), so nothing is read. It
// shows one name as each plausible code page reads it, with the --encoding
// that picks it. Read returns it too when the decision comes after a
// pure-ASCII start (see Decoder.Encoding).
type AmbiguousError struct {
	Line     int64     // the line the name is on, 1-based
	Readings []Reading // the plausible readings, the best first
	best     int       // the best reading's score: above 0, one reads as names
	token    []byte    // the name's bytes
}

// Reading is the name of an AmbiguousError as one code page reads it.
type Reading struct {
	Encoding Encoding
	Text     string
}

// maxReadings bounds the readings an AmbiguousError shows.
const maxReadings = 4

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sheet: the file is not UTF-8, and more than one code page reads it as names; line %d reads", e.Line)
	for _, r := range e.Readings {
		fmt.Fprintf(&b, "\n  %q as %s: --encoding %s", r.Text, r.Encoding.Title(), r.Encoding)
	}
	b.WriteString("\ngive the --encoding that shows the name right, or save the sheet in Excel as \"CSV UTF-8 (Comma delimited)\" and use that file")
	return b.String()
}

// ambiguity builds the error for the readings rs of sample (sorted, best
// first): the plausible ones are those within weighMargin of the best, or
// the best few when none scores above zero.
func ambiguity(sample []byte, rs []*reading, line int64) *AmbiguousError {
	cut := rs[0].score - weighMargin
	n := 1
	for n < len(rs) && n < maxReadings && (rs[n].score > cut || rs[0].score <= 0 && n < 3) {
		n++
	}
	if n < 2 && len(rs) > 1 {
		n = 2
	}
	rs = rs[:n]
	tok, tokLine := differingToken(sample, rs)
	e := &AmbiguousError{Line: line + tokLine, best: rs[0].score, token: tok}
	for _, r := range rs {
		e.Readings = append(e.Readings, Reading{Encoding: r.page.enc, Text: decodeSample(r.page, tok)})
	}
	return e
}

// differingToken finds the first word (bytes between delimiters and blanks)
// with a non-ASCII byte that the readings rs do not all read alike, and the
// number of line breaks before it. Delimiters are never the second byte of
// a multi-byte character, so the word decodes alone as it does in the file.
func differingToken(sample []byte, rs []*reading) (tok []byte, lines int64) {
	var first []byte
	var firstLines int64
	for len(sample) > 0 {
		i := bytes.IndexAny(sample, ",;\t \"\r\n")
		if i < 0 {
			i = len(sample)
		}
		w := sample[:i]
		if hasHighByte(w) {
			if first == nil {
				first, firstLines = w, lines
			}
			seen := decodeSample(rs[0].page, w)
			for _, r := range rs[1:] {
				if decodeSample(r.page, w) != seen {
					return w, lines
				}
			}
		}
		if i < len(sample) && sample[i] == '\n' || i < len(sample) && sample[i] == '\r' && (i+1 == len(sample) || sample[i+1] != '\n') {
			lines++
		}
		if i == len(sample) {
			break
		}
		sample = sample[i+1:]
	}
	return first, firstLines
}

func hasHighByte(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
