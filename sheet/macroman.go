package sheet

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// macRoman maps every Mac Roman byte to its character. 0xF0 is Apple's logo,
// a private-use character no sheet means: it counts as undecodable.
var macRoman = func() (t [256]rune) {
	for i := range t {
		t[i] = charmap.Macintosh.DecodeByte(byte(i))
	}
	t[0xF0] = utf8.RuneError
	return t
}()

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// loneCROnly reports line endings that are all a lone CR: p has a CR and no
// LF at all.
func loneCROnly(p []byte) bool {
	return bytes.IndexByte(p, '\r') >= 0 && bytes.IndexByte(p, '\n') < 0
}
