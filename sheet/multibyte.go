package sheet

import (
	"golang.org/x/text/transform"
)

// mbDecoder decodes a multi-byte code page (Shift-JIS, GB18030, CP949,
// Big5) with x/text's decoder and counts what that decoder does silently:
// every U+FFFD it writes is a replacement (none of these code pages can
// hold U+FFFD except GB18030, whose four bytes for it no sheet contains), and
// every line break moves the line count. It drops a Ctrl-Z at the very end,
// as byteDecoder does.
type mbDecoder struct {
	st    *decodeState
	inner transform.Transformer
}

func newMBDecoder(st *decodeState, page *codePage) *mbDecoder {
	return &mbDecoder{st: st, inner: page.mb.NewDecoder()}
}

func (d *mbDecoder) Reset() { d.inner.Reset() }

func (d *mbDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	s, final := src, atEOF
	z := len(s) > 0 && s[len(s)-1] == ctrlZ // never a trail byte: those are 0x40 and up
	if z {
		s, final = s[:len(s)-1], false
	}
	nDst, nSrc, err = d.inner.Transform(dst, s, final)
	d.count(dst[:nDst])
	if err == nil && z && nSrc == len(s) {
		if !atEOF {
			return nDst, nSrc, transform.ErrShortSrc // the end decides
		}
		d.st.ctrlZ = true
		nSrc++
	}
	if err == transform.ErrShortSrc && z && atEOF {
		// A lead byte cut by the Ctrl-Z: decode what is left as the end.
		n1, n2, err2 := d.inner.Transform(dst[nDst:], s[nSrc:], true)
		d.count(dst[nDst : nDst+n1])
		nDst, nSrc, err = nDst+n1, nSrc+n2, err2
		if err == nil {
			d.st.ctrlZ = true
			nSrc++
		}
	}
	return nDst, nSrc, err
}

// count updates the line count and the replacements for decoded text: a
// byte scan, since only CR, LF and U+FFFD (EF BF BD) matter.
func (d *mbDecoder) count(out []byte) {
	st := d.st
	for i := 0; i < len(out); i++ {
		switch c := out[i]; {
		case c == '\r' || c == '\n':
			st.note(rune(c))
		case c == 0xEF && i+2 < len(out) && out[i+1] == 0xBF && out[i+2] == 0xBD:
			st.replace()
			i += 2
		case c < 0x80 || c >= 0xC0:
			st.prevCR = false // the start of another character
		}
	}
}
