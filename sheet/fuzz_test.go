package sheet

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/wholesale-batch/wholesale-batch/column"
)

// loneCRToLF is the reference for Decode's line-ending rule; keep (the
// prefix holds an LF) leaves lone CRs as data.
func loneCRToLF(b []byte, keep bool) []byte {
	out := bytes.Clone(b)
	if keep {
		return out
	}
	for i, c := range out {
		if c == '\r' && (i+1 == len(out) || out[i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}

// reference decodes data the slow, obvious way for the encoding the Decoder
// ended up using, and counts the substitutions it should have reported. The
// references are independent implementations (unicode/utf8, unicode/utf16,
// x/text's Windows-1252 decoder), so this is a differential test.
func reference(t *testing.T, data []byte, enc Encoding, peek int) (text []byte, replaced int64) {
	t.Helper()
	keep := keepsCR(data, peek)
	if enc != UTF16LE && enc != UTF16BE && len(data) > 0 && data[len(data)-1] == ctrlZ {
		data = data[:len(data)-1] // the MS-DOS end-of-file mark is dropped
	}
	switch enc {
	case UTF8, UTF8BOM:
		if enc == UTF8BOM {
			data = data[3:]
		}
		var b []byte
		for len(data) > 0 {
			r, size := utf8.DecodeRune(data)
			if r == utf8.RuneError && size == 1 {
				replaced++
			}
			b = utf8.AppendRune(b, r)
			data = data[size:]
		}
		return loneCRToLF(b, keep), replaced
	case Windows1252:
		b, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			t.Fatalf("x/text windows-1252: %v", err)
		}
		for _, c := range data {
			if charmap.Windows1252.DecodeByte(c) == utf8.RuneError {
				replaced++
			}
		}
		return loneCRToLF(b, keep), replaced
	case MacRoman:
		// x/text's table, but its Apple logo (0xF0) is a replacement here.
		var b []byte
		for _, c := range data {
			r := charmap.Macintosh.DecodeByte(c)
			if c == 0xF0 {
				r = utf8.RuneError
				replaced++
			}
			b = utf8.AppendRune(b, r)
		}
		return loneCRToLF(b, keep), replaced
	case Windows1250, Windows1251, Windows1253, Windows1254, Windows1257, CP850, CP437, ISO885915:
		c := pageOf(enc)
		b, err := c.cm.NewDecoder().Bytes(data)
		if err != nil {
			t.Fatalf("x/text %s: %v", enc, err)
		}
		for _, x := range data {
			if c.cm.DecodeByte(x) == utf8.RuneError {
				replaced++
			}
		}
		return loneCRToLF(b, keep), replaced
	case ShiftJIS, GB18030, EUCKR, Big5:
		b, err := pageOf(enc).mb.NewDecoder().Bytes(data)
		if err != nil {
			t.Fatalf("x/text %s: %v", enc, err)
		}
		return loneCRToLF(b, keep), int64(bytes.Count(b, []byte("\uFFFD")))
	case UTF16LE, UTF16BE:
		// Not x/text here: it turns two consecutive unpaired low surrogates into
		// a single U+FFFD (found by this fuzz test), while unicode/utf16, WHATWG
		// and our decoder replace each unpaired code unit.
		bom := []byte{0xFF, 0xFE}
		if enc == UTF16BE {
			bom = []byte{0xFE, 0xFF}
		}
		data = bytes.TrimPrefix(data, bom)
		units := make([]uint16, 0, len(data)/2)
		genuine := 0 // U+FFFD code units present in the input
		for i := 0; i+1 < len(data); i += 2 {
			u := uint16(data[i]) | uint16(data[i+1])<<8
			if enc == UTF16BE {
				u = uint16(data[i])<<8 | uint16(data[i+1])
			}
			if u == 0xFFFD {
				genuine++
			}
			units = append(units, u)
		}
		runes := utf16.Decode(units)
		if len(data)%2 == 1 {
			runes = append(runes, utf8.RuneError) // odd trailing byte
		}
		b := []byte(string(runes))
		return loneCRToLF(b, keep), int64(bytes.Count(b, []byte("\uFFFD")) - genuine)
	}
	t.Fatalf("unknown encoding %q", enc)
	return nil, 0
}

func FuzzDecode(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add(tc.in)
	}
	for _, sc := range streamCases {
		f.Add(append(append([]byte{}, sc.head...), bytes.Repeat(sc.chunk, 3)...))
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("email,name\rjose@x.example,Jos\x8e M\x9fller\rfr@x.example,Fran\x8dois \xf0\r"))
	f.Add([]byte("email,name\r\njose@x.example,Jos\x8e\r\n"))
	for _, tc := range refusedCases {
		f.Add(tc.in)
	}
	for _, tc := range codePageCorpus {
		if b, err := os.ReadFile(filepath.Join("..", "testdata", "sheets", "codepages", tc.file)); err == nil {
			f.Add(b)
			f.Add(append([]byte("email\n"), b...)) // a late decision with a 16-byte prefix
		}
	}
	f.Add([]byte("name\r\nRen\xe9\r\n\x1a"))
	f.Add([]byte("email,a,b\r\nu0@x.example,\xce\xb0,\xce\xb0\r\n"))         // GBK 伟 is valid UTF-8
	f.Add([]byte("email,a,b\r\nu0@x.example,\xc7\xbf,\xd6\xbe\xc7\xbf\r\n")) // GBK 强, 志强 too
	f.Fuzz(func(t *testing.T, data []byte) {
		var amb *AmbiguousError
		rd, enc, err := Decode(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrWorkbook) && !errors.As(err, &amb) {
				t.Fatalf("Decode error %v on in-memory input", err)
			}
			return
		}
		dec := rd.(*Decoder)
		out, err := io.ReadAll(dec)
		if errors.As(err, &amb) {
			return // a late decision found no clear code page
		}
		if err != nil {
			t.Fatalf("ReadAll: %v", err)
		}
		if !utf8.Valid(out) {
			t.Fatalf("output is not valid UTF-8: %q", out)
		}
		for i, c := range out {
			if c == '\r' && (i+1 == len(out) || out[i+1] != '\n') && !keepsCR(data, sniffLen) {
				t.Fatalf("lone CR left at %d in %q", i, out)
			}
		}
		final := dec.Encoding()
		if final != enc && !(enc == UTF8 && pageOf(final) != nil) {
			t.Fatalf("encoding changed from %q to %q", enc, final)
		}

		// The same bytes one at a time must give the same result.
		rd1, enc1, err := Decode(iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil || enc1 != enc {
			t.Fatalf("one-byte reader: Decode = %v, %q; want nil, %q", err, enc1, enc)
		}
		out1, err := io.ReadAll(iotest.OneByteReader(rd1))
		dec1 := rd1.(*Decoder)
		if err != nil || !bytes.Equal(out1, out) || dec1.Encoding() != final ||
			dec1.Replaced() != dec.Replaced() || dec1.FirstReplacedLine() != dec.FirstReplacedLine() {
			t.Fatalf("one-byte reader differs: %q %q %d %d (err %v); want %q %q %d %d",
				out1, dec1.Encoding(), dec1.Replaced(), dec1.FirstReplacedLine(), err,
				out, final, dec.Replaced(), dec.FirstReplacedLine())
		}

		checkReference(t, data, dec, out, sniffLen)

		// A 16-byte prefix makes most inputs reach the paths that normally need
		// more than 64 KiB: a late switch to Windows-1252, late invalid UTF-8.
		dec16, _, err := decode(bytes.NewReader(data), 16, "")
		if errors.As(err, &amb) {
			return // the 16-byte prefix ends on a line that is not clear
		}
		if err != nil {
			t.Fatalf("decode with a 16-byte prefix: %v", err)
		}
		out16, err := io.ReadAll(dec16)
		if errors.As(err, &amb) {
			return
		}
		if err != nil {
			t.Fatalf("ReadAll (16-byte prefix): %v", err)
		}
		checkReference(t, data, dec16, out16, 16)
	})
}

// checkReference compares a Decoder's output and counters with reference.
func checkReference(t *testing.T, data []byte, dec *Decoder, out []byte, peek int) {
	t.Helper()
	final := dec.Encoding()
	want, replaced := reference(t, data, final, peek)
	if !bytes.Equal(out, want) {
		t.Fatalf("%s: output %q, reference %q", final, out, want)
	}
	if dec.Replaced() != replaced {
		t.Fatalf("%s: Replaced = %d, reference %d", final, dec.Replaced(), replaced)
	}
	// When every U+FFFD in the output is a replacement, the first one is the
	// first replacement; its line is one past the LFs before it.
	if replaced > 0 && int64(bytes.Count(out, []byte("\uFFFD"))) == replaced {
		i := bytes.Index(out, []byte("\uFFFD"))
		if line := int64(bytes.Count(out[:i], []byte("\n")) + 1); dec.FirstReplacedLine() != line {
			t.Fatalf("FirstReplacedLine = %d, want %d", dec.FirstReplacedLine(), line)
		}
	}
	if replaced == 0 && dec.FirstReplacedLine() != 0 {
		t.Fatalf("FirstReplacedLine = %d without replacements", dec.FirstReplacedLine())
	}
}

func FuzzCanonical(f *testing.F) {
	for _, c := range column.Table {
		f.Add(c.Name)
		for _, a := range append(c.Aliases, c.Abbrevs...) {
			f.Add(a)
		}
	}
	for _, s := range []string{"Emial", "frist name", "extention", "custmer id", "Department", "Mobile",
		"Org ID", "\ufeff\"E-mail\"", "Email (required)", "Extension [4 digits]", " 'Email'_", "E–mail",
		"\xffx", "sep=;", `"Last, First";email`, "A=email,B=package"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		k := Key(h)
		if Key(k) != k {
			t.Fatalf("Key not idempotent: %q -> %q -> %q", h, k, Key(k))
		}
		if strings.ContainsAny(k, " _-.*:#\t\r\n") || strings.ToLower(k) != k && strings.ContainsAny(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			t.Fatalf("Key(%q) = %q keeps characters it should drop or fold", h, k)
		}
		name, ok := Canonical(h)
		if ok != slices.Contains(column.Names(), name) || (!ok && name != "") {
			t.Fatalf("Canonical(%q) = %q, %v", h, name, ok)
		}
		if n2, ok2 := Canonical(k); n2 != name || ok2 != ok {
			t.Fatalf("Canonical(%q) = %q, %v but Canonical(Key) = %q, %v", h, name, ok, n2, ok2)
		}
		s := Suggest(h)
		if s != "" && !slices.Contains(column.Names(), s) {
			t.Fatalf("Suggest(%q) = %q, not a column", h, s)
		}
		if ok && s != name {
			t.Fatalf("Suggest(%q) = %q, but Canonical says %q", h, s, name)
		}
		if WhyUnmapped(h) != "" && (ok || s != "") {
			t.Fatalf("%q is explained as unmapped but Canonical/Suggest = %q/%q", h, name, s)
		}
		if d := SniffDelimiter(h); d != ',' && d != ';' && d != '\t' {
			t.Fatalf("SniffDelimiter(%q) = %q", h, d)
		}
		ExcelSepLine(h)
		hdr, col, err := ParseMap(h + "=email")
		if !strings.Contains(h, "=") && Key(h) != "" {
			if err != nil || col != "email" || hdr != strings.TrimSpace(h) {
				t.Fatalf("ParseMap(%q) = %q, %q, %v", h+"=email", hdr, col, err)
			}
		} else if err == nil && (col == "" || !slices.Contains(column.Names(), col)) {
			t.Fatalf("ParseMap(%q) = %q, %q, nil", h+"=email", hdr, col)
		}
	})
}

// keepsCR is the reference for when lone CRs are data: the first peek bytes
// hold an LF.
func keepsCR(data []byte, peek int) bool {
	return bytes.IndexByte(data[:min(len(data), peek)], '\n') >= 0
}
