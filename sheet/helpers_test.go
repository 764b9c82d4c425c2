package sheet

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16 with an optional BOM, as Excel's "Unicode
// text" does.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

// decodeAll decodes in fully and returns the text and the Decoder.
func decodeAll(t testing.TB, r io.Reader) (string, Encoding, *Decoder, error) {
	t.Helper()
	rd, enc, err := Decode(r)
	if err != nil {
		return "", enc, nil, err
	}
	dec, ok := rd.(*Decoder)
	if !ok {
		t.Fatalf("Decode returned %T, want *Decoder", rd)
	}
	out, err := io.ReadAll(dec)
	return string(out), enc, dec, err
}

// readerShapes returns the ways a test feeds the same bytes to Decode, so
// that every case also exercises chunk boundaries inside BOMs, runes, surrogate
// pairs and CRLF pairs.
func readerShapes(b []byte) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(b) },
		"one-byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
	}
}

// repeatReader yields chunk n times without holding more than chunk, so
// streaming tests can feed many megabytes without allocating them.
type repeatReader struct {
	chunk []byte
	n     int // chunks left
	off   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	c := copy(p, r.chunk[r.off:])
	r.off += c
	if r.off == len(r.chunk) {
		r.off = 0
		r.n--
	}
	return c, nil
}
