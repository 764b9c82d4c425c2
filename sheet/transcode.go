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
	modeUTF8    mode = iota // validate, replace invalid bytes
	modeASCII               // only ASCII seen so far: the first non-ASCII byte picks UTF-8 or a code page
	modeTable               // a single-byte code page, one table lookup per byte
	modeUTF16LE             // UTF-16, little endian
	modeUTF16BE             // UTF-16, big endian
	modeMulti               // a multi-byte code page, through x/text (mbDecoder)
)

// ctrlZ is the end-of-file mark of MS-DOS programs, sometimes still written
// after the last line. One at the very end of the input is dropped.
const ctrlZ = 0x1A

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
	ctrlZ     bool  // a Ctrl-Z at the end of the input was dropped
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

// byteDecoder handles the byte-oriented encodings: UTF-8 and every
// single-byte code page (a table of 256 characters).
//
// Why by hand and not x/text's charmap decoders, which do the same table
// lookup: x/text replaces undefined bytes without telling anyone, and we
// count each replacement (Decoder.Replaced) with its line. Measured on the
// same Windows-1252 input (go test -bench 'Decode|XText' ./sheet): x/text
// alone decodes at about 780 MB/s but counts nothing; x/text followed by the
// counting pass that mbDecoder does (BenchmarkXTextCounted) at about 280
// MB/s; this single pass at about 425 MB/s (340 MB/s over 4 MiB with the
// one-off weighing of the code page, BenchmarkDecode/windows-1252). So the
// single-byte code pages stay here; the multi-byte ones (Shift-JIS, GBK,
// Big5, CP949) are x/text's behind mbDecoder: their tables are large and
// their files small.
type byteDecoder struct {
	st       *decodeState
	mode     mode
	initMode mode
	tab      *[256]rune
	// ahead returns the input after what the transformer has been given, at
	// most a peek buffer's worth: the sample of a late decision.
	ahead func() ([]byte, bool)
	multi *mbDecoder // after a late decision for a multi-byte code page
}

func (d *byteDecoder) Reset() {
	d.mode = d.initMode
	d.multi = nil
}

func (d *byteDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	if d.multi != nil {
		return d.multi.Transform(dst, src, atEOF)
	}
	st := d.st
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			if c < ' ' { // one compare for the printable bytes
				if c == ctrlZ && nSrc+1 == len(src) {
					if !atEOF {
						return nDst, nSrc, transform.ErrShortSrc // the end decides
					}
					st.ctrlZ = true
					nSrc++
					continue
				}
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
		case modeTable:
			r = d.tab[c]
		default: // modeUTF8, modeASCII
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, size = utf8.DecodeRune(src[nSrc:])
			if d.mode == modeASCII {
				// First non-ASCII byte: it decides for the rest of the input.
				if r == utf8.RuneError && size == 1 {
					page, err := d.late(src[:nSrc], src[nSrc:], atEOF)
					if err != nil {
						return nDst, nSrc, err
					}
					st.enc = page.enc
					if page.mb != nil {
						d.multi = newMBDecoder(st, page)
						n1, n2, err := d.multi.Transform(dst[nDst:], src[nSrc:], atEOF)
						return nDst + n1, nSrc + n2, err
					}
					d.mode, d.tab = modeTable, page.tab
					continue // decode this byte again in the code page
				}
				d.mode = modeUTF8
			}
		}

		// size 1: an invalid UTF-8 byte or an undefined code page byte. A real
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
		if d.mode == modeTable {
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

// late weighs the code pages for the first byte that is not UTF-8 after a
// pure-ASCII start: the sample is the line it is on (before is what came
// before it in src, all ASCII), the rest of src, and what the reader holds
// beyond: at most one peek buffer, so the decision costs the same however
// long the file. A tie is an *AmbiguousError from Read.
func (d *byteDecoder) late(before, rest []byte, atEOF bool) (*codePage, error) {
	if i := bytes.LastIndexAny(before, "\r\n"); i >= 0 {
		before = before[i+1:]
	}
	sample := append(append([]byte{}, before...), rest...)
	end := atEOF
	if d.ahead != nil && !atEOF {
		more, eof := d.ahead()
		sample = append(sample, more...)
		end = eof
	}
	// Lone CRs in the prefix or here earn Mac Roman its bonus.
	return weigh(sample, end, d.st.crOnly || loneCROnly(sample), d.st.line)
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
