package sheet

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// This file holds the streaming transformers behind Decoder. They are written
// by hand rather than taken from x/text/encoding because x/text replaces bad
// input with U+FFFD without telling anyone, and we must count every
// replacement (see Decoder.Replaced).

// mode is how the first transformer turns input bytes into UTF-8.
type mode uint8

const (
	modeUTF8     mode = iota // validate, replace invalid bytes
	modeASCII                // only ASCII seen so far: the first non-ASCII byte picks UTF-8 or a code page
	modeCP1252               // Windows-1252, one byte per character
	modeUTF16LE              // UTF-16, little endian
	modeUTF16BE              // UTF-16, big endian
	modeMacRoman             // Mac Roman, one byte per character
)

// decodeState is shared by a Decoder and its transformer: what the transformer
// learns while streaming, the Decoder reports.
type decodeState struct {
	enc       Encoding
	crOnly    bool // the prefix ends its lines with a lone CR: a late code page is Mac Roman
	keepCR    bool // the prefix holds an LF: a lone CR is data, not a line break
	replaced  int64
	firstLine int64
	line      int64 // 1-based line of the next character written
	prevCR    bool  // last character written was CR, so an LF now ends no new line
}

// note updates line counting for a character about to be written.
func (s *decodeState) note(r rune) {
	switch r {
	case '\r':
		if s.keepCR {
			s.prevCR = false // data, or a CRLF whose LF counts
			return
		}
		s.line++
		s.prevCR = true
	case '\n':
		if !s.prevCR {
			s.line++
		}
		s.prevCR = false
	default:
		s.prevCR = false
	}
}

// replace records one U+FFFD substitution on the current line.
func (s *decodeState) replace() {
	s.replaced++
	if s.firstLine == 0 {
		s.firstLine = s.line
	}
	s.prevCR = false
}

// cp1252 maps every Windows-1252 byte to its character; the five undefined
// bytes map to U+FFFD, which counts as a replacement.
var cp1252 = func() (t [256]rune) {
	for i := range t {
		t[i] = charmap.Windows1252.DecodeByte(byte(i))
	}
	return t
}()

// byteDecoder handles the byte-oriented encodings: UTF-8, Windows-1252 and
// Mac Roman.
type byteDecoder struct {
	st       *decodeState
	mode     mode
	initMode mode
}

func (d *byteDecoder) Reset() {
	d.mode = d.initMode
}

func (d *byteDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	st := d.st
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			if c <= '\r' {
				st.note(rune(c))
			} else {
				st.prevCR = false
			}
			dst[nDst] = c
			nDst++
			nSrc++
			continue
		}

		r, size := utf8.RuneError, 1
		switch d.mode {
		case modeCP1252:
			r = cp1252[c]
		case modeMacRoman:
			r = macRoman[c]
		default: // modeUTF8, modeASCII
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, size = utf8.DecodeRune(src[nSrc:])
			if d.mode == modeASCII {
				// First non-ASCII byte: it decides for the rest of the input.
				if r == utf8.RuneError && size == 1 {
					d.mode, st.enc = modeCP1252, Windows1252
					if st.crOnly {
						d.mode, st.enc = modeMacRoman, MacRoman
					}
					continue // decode this byte again in the code page
				}
				d.mode = modeUTF8
			}
		}

		// size 1: an invalid UTF-8 byte or an undefined Windows-1252 byte. A real
		// U+FFFD in UTF-8 input has size 3 and is copied like any character.
		if r == utf8.RuneError && size == 1 {
			if len(dst)-nDst < utf8.RuneLen(utf8.RuneError) {
				return nDst, nSrc, transform.ErrShortDst
			}
			st.replace()
			nDst += utf8.EncodeRune(dst[nDst:], utf8.RuneError)
			nSrc += size
			continue
		}
		if d.mode == modeCP1252 || d.mode == modeMacRoman {
			if len(dst)-nDst < utf8.RuneLen(r) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += utf8.EncodeRune(dst[nDst:], r)
		} else {
			if len(dst)-nDst < size {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
		}
		st.prevCR = false
		nSrc += size
	}
	return nDst, nSrc, nil
}

// utf16Decoder turns UTF-16 code units into UTF-8, pairing surrogates.
type utf16Decoder struct {
	st        *decodeState
	bigEndian bool
}

func (d *utf16Decoder) Reset() {}

func (d *utf16Decoder) unit(b []byte) rune {
	if d.bigEndian {
		return rune(b[0])<<8 | rune(b[1])
	}
	return rune(b[1])<<8 | rune(b[0])
}

func (d *utf16Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	st := d.st
	for nSrc < len(src) {
		rest := len(src) - nSrc
		r, size := utf8.RuneError, 1 // an odd trailing byte
		if rest >= 2 {
			r, size = d.unit(src[nSrc:]), 2
			switch {
			case r < 0xD800 || r >= 0xE000:
				// a plain BMP character
			case r >= 0xDC00:
				r = utf8.RuneError // low surrogate without a high one
			case rest >= 4:
				if r2 := d.unit(src[nSrc+2:]); r2 >= 0xDC00 && r2 < 0xE000 {
					r, size = utf16.DecodeRune(r, r2), 4
				} else {
					r = utf8.RuneError // high surrogate without a low one
				}
			case !atEOF:
				return nDst, nSrc, transform.ErrShortSrc
			default:
				r = utf8.RuneError // input ends after a high surrogate
			}
		} else if !atEOF {
			return nDst, nSrc, transform.ErrShortSrc
		}

		// U+FFFD from a decoded pair or unit is only a replacement if the input
		// did not contain U+FFFD itself.
		bad := r == utf8.RuneError && (size != 2 || d.unit(src[nSrc:]) != utf8.RuneError)
		if len(dst)-nDst < utf8.RuneLen(r) {
			return nDst, nSrc, transform.ErrShortDst
		}
		if bad {
			st.replace()
		} else {
			st.note(r)
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc += size
	}
	return nDst, nSrc, nil
}

// crToLF turns a CR that is not followed by LF into LF and leaves everything
// else, including CRLF, as it is. See Decode for why it ignores quoting.
type crToLF struct{ transform.NopResetter }

func (crToLF) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		end := len(src)
		if i := bytes.IndexByte(src[nSrc:], '\r'); i >= 0 {
			end = nSrc + i
		}
		n := copy(dst[nDst:], src[nSrc:end])
		nDst += n
		nSrc += n
		if nSrc < end {
			return nDst, nSrc, transform.ErrShortDst
		}
		if nSrc == len(src) {
			break
		}
		// src[nSrc] is CR; what it becomes depends on the next byte.
		if nSrc+1 == len(src) && !atEOF {
			return nDst, nSrc, transform.ErrShortSrc
		}
		if nDst == len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		if nSrc+1 < len(src) && src[nSrc+1] == '\n' {
			dst[nDst] = '\r'
		} else {
			dst[nDst] = '\n'
		}
		nDst++
		nSrc++
	}
	return nDst, nSrc, nil
}
