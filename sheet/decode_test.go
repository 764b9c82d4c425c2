package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// decodeCases is the table for TestDecode; FuzzDecode seeds from it too.
var decodeCases = []struct {
	name     string
	in       []byte
	want     string
	enc      Encoding
	replaced int64
	line     int64 // FirstReplacedLine
}{
	// Nothing at all: empty UTF-8, not an error.
	{"empty", nil, "", UTF8, 0, 0},
	// Plain ASCII with LF passes through untouched.
	{"ascii lf", []byte("email,firstName\na@x.com,Ann\n"), "email,firstName\na@x.com,Ann\n", UTF8, 0, 0},
	// Excel "CSV UTF-8": BOM dropped, CRLF kept for encoding/csv to handle.
	{"utf8 bom crlf", []byte("\xEF\xBB\xBFemail,firstName\r\nzoe@x.com,Zoë\r\n"), "email,firstName\r\nzoe@x.com,Zoë\r\n", UTF8BOM, 0, 0},
	// A BOM alone is an empty UTF-8 file.
	{"utf8 bom only", []byte("\xEF\xBB\xBF"), "", UTF8BOM, 0, 0},
	// Google Sheets: UTF-8 without BOM, non-ASCII kept.
	{"utf8 no bom", []byte("firstName,lastName\nZoë,Müller\n"), "firstName,lastName\nZoë,Müller\n", UTF8, 0, 0},
	// Excel "Unicode text": UTF-16LE with BOM, tabs, CRLF and non-ASCII.
	{"utf16le bom", utf16Bytes("\ufeffemail\tname\r\nzoe@x.com\tZoë Müller\r\n", false, false), "email\tname\r\nzoe@x.com\tZoë Müller\r\n", UTF16LE, 0, 0},
	// Big-endian UTF-16 with BOM.
	{"utf16be bom", utf16Bytes("email\r\nZoë Müller\r\n", true, true), "email\r\nZoë Müller\r\n", UTF16BE, 0, 0},
	// A character outside the BMP arrives as a surrogate pair.
	{"utf16le surrogate pair", utf16Bytes("name\nAnn 😀\n", false, true), "name\nAnn 😀\n", UTF16LE, 0, 0},
	// Only a BOM: empty text.
	{"utf16le bom only", []byte{0xFF, 0xFE}, "", UTF16LE, 0, 0},
	// A lone high surrogate (truncated emoji) becomes U+FFFD on line 2.
	{"utf16le lone high surrogate", append(utf16Bytes("a\nb", false, true), 0x3D, 0xD8, 'c', 0), "a\nb\uFFFDc", UTF16LE, 1, 2},
	// A lone low surrogate is replaced too.
	{"utf16be lone low surrogate", append(utf16Bytes("a", true, true), 0xDE, 0x00), "a\uFFFD", UTF16BE, 1, 1},
	// Two unpaired low surrogates in a row are two replacements (x/text would
	// merge them into one; FuzzDecode found that difference).
	{"utf16le two lone low surrogates", append(utf16Bytes("a", false, true), 0x30, 0xDF, 0x30, 0xDF), "a\uFFFD\uFFFD", UTF16LE, 2, 1},
	// An odd trailing byte (truncated file) is replaced, not dropped.
	{"utf16le odd byte", append(utf16Bytes("ab", false, true), 'x'), "ab\uFFFD", UTF16LE, 1, 1},
	// U+FFFD written in the input is kept and not counted.
	{"utf16le real fffd", utf16Bytes("a\uFFFDb", false, true), "a\uFFFDb", UTF16LE, 0, 0},
	// BOM-less UTF-16LE of ASCII text is recognised by its NUL bytes.
	{"utf16le no bom", utf16Bytes("email,name\r\nzoe@x.com,Zoë\r\n", false, false), "email,name\r\nzoe@x.com,Zoë\r\n", UTF16LE, 0, 0},
	// BOM-less UTF-16BE likewise.
	{"utf16be no bom", utf16Bytes("email,name\nzoe@x.com,Zoë\n", true, false), "email,name\nzoe@x.com,Zoë\n", UTF16BE, 0, 0},
	// NUL padding on both sides is not UTF-16: stays UTF-8 (NULs kept).
	{"nul padded", []byte("ab\x00\x00\x00\x00\x00\x00"), "ab\x00\x00\x00\x00\x00\x00", UTF8, 0, 0},
	// Excel ANSI CSV: 0xE9 is é and 0x80 is € in Windows-1252.
	{"windows-1252", []byte("lastName,price\nRen\xe9,\x80 5\n"), "lastName,price\nRené,€ 5\n", Windows1252, 0, 0},
	// Windows-1252 typographic quotes and dashes.
	{"windows-1252 punctuation", []byte("\x93Hi\x94 \x96 O\x92Brien"), "“Hi” – O’Brien", Windows1252, 0, 0},
	// Classic Mac line endings: every lone CR becomes LF.
	{"lone cr", []byte("email,name\ra@x.com,Ann\rb@x.com,Bob\r"), "email,name\na@x.com,Ann\nb@x.com,Bob\n", UTF8, 0, 0},
	// Lone CR in UTF-16 is converted too.
	{"utf16le lone cr", utf16Bytes("a\rb\r", false, true), "a\nb\n", UTF16LE, 0, 0},
	// Lone CR in Windows-1252 as well.
	{"windows-1252 lone cr", []byte("Ren\xe9\rAnn\r"), "René\nAnn\n", Windows1252, 0, 0},
	// CR CR LF: lines end in CRLF, so the first CR is data, kept.
	{"cr cr lf", []byte("a\r\r\nb"), "a\r\r\nb", UTF8, 0, 0},
	// A cell that starts with a CR in a file of LF lines keeps it.
	{"lf file, cell starting with cr", []byte("email,name\nann@x.com,\"\rAnn\"\n"), "email,name\nann@x.com,\"\rAnn\"\n", UTF8, 0, 0},
	// CRLF inside a quoted cell is left alone; encoding/csv makes it "\n".
	{"quoted crlf", []byte("name,note\r\nAnn,\"line1\r\nline2\"\r\n"), "name,note\r\nAnn,\"line1\r\nline2\"\r\n", UTF8, 0, 0},
	// A lone CR inside a quoted cell becomes LF: still a line break in the cell.
	{"quoted lone cr", []byte("name,note\rAnn,\"line1\rline2\"\r"), "name,note\nAnn,\"line1\nline2\"\n", UTF8, 0, 0},
	// With a BOM the file is UTF-8 by declaration: invalid bytes are replaced.
	{"utf8 bom then invalid", []byte("\xEF\xBB\xBFname\r\nRen\xe9\r\n"), "name\r\nRen\uFFFD\r\n", UTF8BOM, 1, 2},
	// Lines count CRLF as one break; in a file of LF lines a lone CR is data.
	{"line counting", []byte("\xEF\xBB\xBFa\r\nb\rc\nd\xff"), "a\r\nb\rc\nd\uFFFD", UTF8BOM, 1, 3},
	// Lines count lone CRs where they end lines.
	{"line counting, lone cr", []byte("\xEF\xBB\xBFa\rb\rc\rd\xff"), "a\nb\nc\nd\uFFFD", UTF8BOM, 1, 4},
	// A U+FFFD encoded in the UTF-8 input is kept and not counted.
	{"utf8 real fffd", []byte("a\uFFFDb"), "a\uFFFDb", UTF8, 0, 0},
}

// refusedCases are too short, or too damaged, to tell their code page:
// Decode refuses them with *AmbiguousError rather than guess.
var refusedCases = []struct {
	name string
	in   []byte
}{
	// Invalid UTF-8 within the 64 KiB prefix: "Zoë" is valid UTF-8, the rest
	// is not; no code page reads the whole as names.
	{"mixed within prefix", []byte("name\nZoë\nA\xff\xfeB\n")},
	// A truncated multi-byte rune at EOF: "abÃ", "ab├", "ab√"... all alike.
	{"truncated rune at eof", []byte("ab\xc3")},
	// An undefined Windows-1252 byte (0x81) beside one accented letter.
	{"windows-1252 undefined", []byte("caf\xe9\n\x81x")},
	// Symbols only: "€ 5 – paid…" in Windows-1252 is "Ç 5 û paidà" in CP850.
	{"symbols only", []byte("email,note\r\na@x.example,\x80 5 \x96 paid\x85\r\n")},
}

func TestDecodeRefuses(t *testing.T) {
	for _, tc := range refusedCases {
		t.Run(tc.name, func(t *testing.T) {
			rd, _, err := Decode(bytes.NewReader(tc.in))
			var amb *AmbiguousError
			if !errors.As(err, &amb) || rd != nil {
				t.Fatalf("Decode = %v, %v; want nil, *AmbiguousError", rd, err)
			}
			if len(amb.Readings) < 2 || !strings.Contains(err.Error(), "--encoding "+string(amb.Readings[1].Encoding)) || !strings.Contains(err.Error(), "CSV UTF-8") {
				t.Errorf("error does not show the candidates and the fix:\n%v", err)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range decodeCases {
		for shape, mk := range readerShapes(tc.in) {
			t.Run(tc.name+"/"+shape, func(t *testing.T) {
				got, enc, dec, err := decodeAll(t, mk())
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				if got != tc.want {
					t.Errorf("text = %q, want %q", got, tc.want)
				}
				if enc != tc.enc || dec.Encoding() != tc.enc {
					t.Errorf("encoding = %q (Decoder says %q), want %q", enc, dec.Encoding(), tc.enc)
				}
				if dec.Replaced() != tc.replaced || dec.FirstReplacedLine() != tc.line {
					t.Errorf("Replaced, FirstReplacedLine = %d, %d; want %d, %d", dec.Replaced(), dec.FirstReplacedLine(), tc.replaced, tc.line)
				}
				if !utf8.ValidString(got) {
					t.Errorf("output is not valid UTF-8")
				}
			})
		}
	}
}

// TestDecodeOneByteReads reads the output one byte at a time, so a multi-byte
// rune never fits the caller's buffer.
func TestDecodeOneByteReads(t *testing.T) {
	in := utf16Bytes("Zoë Müller 😀\r\nx\ry", false, true)
	rd, _, err := Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(iotest.OneByteReader(rd))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Zoë Müller 😀\r\nx\ry"; string(got) != want { // CRLF lines: the lone CR is data
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestDecodeCSVQuotedLineBreaks documents what encoding/csv ends up with for
// line breaks inside quoted cells: "\n" in all three spellings.
func TestDecodeCSVQuotedLineBreaks(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"crlf file, crlf in cell", "name,note\r\nAnn,\"a\r\nb\"\r\n"}, // Excel on Windows
		{"lone cr file, lone cr in cell", "name,note\rAnn,\"a\rb\"\r"}, // classic Mac export
		{"lf file, lf in cell", "name,note\nAnn,\"a\nb\"\n"},           // Google Sheets, Alt+Enter
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rd, _, err := Decode(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(rd).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 || recs[1][1] != "a\nb" {
				t.Errorf("records = %q, want 2 records with note \"a\\nb\"", recs)
			}
		})
	}
	// In a file of CRLF (or LF) lines a lone CR is the cell's own: kept, so a
	// cell starting with one comes back as it was.
	for _, in := range []string{"name,note\r\nAnn,\"a\rb\"\r\n", "name,note\nAnn,\"\rAnn\"\n"} {
		rd, _, err := Decode(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(rd).ReadAll()
		if err != nil || len(recs) != 2 || !strings.Contains(recs[1][1], "\r") || strings.Contains(recs[1][1], "\n") {
			t.Errorf("%q: records = %q (%v), want the lone CR kept in the cell", in, recs, err)
		}
	}
}

// bigUTF8 builds n bytes (at least) of ASCII rows after a first row that holds
// non-ASCII text, so the 64 KiB prefix is decided as real UTF-8.
func rows(first string, minLen int) string {
	var b strings.Builder
	b.WriteString(first)
	for i := 0; b.Len() < minLen; i++ {
		b.WriteString("user@example.com,Ann,Lee,+14085551234\n")
	}
	return b.String()
}

func TestDecodeInvalidAfterPrefix(t *testing.T) {
	// The prefix holds "Zoë" in UTF-8; a damaged row comes after 64 KiB.
	head := rows("email,firstName,lastName,primaryPhoneNumber\nzoe@example.com,Zoë,Lee,+1\n", sniffLen+100)
	line := int64(strings.Count(head, "\n") + 1)
	in := head + "bad@example.com,Ren\xe9,\xff,+1\nok@example.com,Ok,Ok,+1\n"
	got, enc, dec, err := decodeAll(t, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if enc != UTF8 || dec.Encoding() != UTF8 {
		t.Errorf("encoding = %q then %q, want utf-8 throughout", enc, dec.Encoding())
	}
	if dec.Replaced() != 2 || dec.FirstReplacedLine() != line {
		t.Errorf("Replaced, FirstReplacedLine = %d, %d; want 2, %d", dec.Replaced(), dec.FirstReplacedLine(), line)
	}
	if want := head + "bad@example.com,Ren\uFFFD,\uFFFD,+1\nok@example.com,Ok,Ok,+1\n"; got != want {
		t.Errorf("damaged tail = %q", got[len(head):])
	}
}

func TestDecodeLateWindows1252AfterASCIIPrefix(t *testing.T) {
	// 64 KiB of pure ASCII decides nothing; the first accented name does.
	head := rows("email,firstName,lastName,primaryPhoneNumber\n", sniffLen+100)
	in := head + "rene@example.com,Ren\xe9,D\x9alo,+1\n"
	got, enc, dec, err := decodeAll(t, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if enc != UTF8 {
		t.Errorf("Decode encoding = %q, want provisional utf-8", enc)
	}
	if dec.Encoding() != Windows1252 || dec.Replaced() != 0 {
		t.Errorf("after reading: Encoding %q Replaced %d; want windows-1252, 0", dec.Encoding(), dec.Replaced())
	}
	if want := head + "rene@example.com,René,Dšlo,+1\n"; got != want {
		t.Errorf("tail = %q", got[len(head):])
	}
}

func TestDecodeLateUTF8AfterASCIIPrefix(t *testing.T) {
	// The same, but the late non-ASCII is UTF-8: it stays UTF-8 for good, so a
	// later 0xE9 is damage, not a reason to switch again.
	head := rows("email\n", sniffLen+100)
	got, _, dec, err := decodeAll(t, strings.NewReader(head+"Zoë\nRen\xe9\n"))
	if err != nil {
		t.Fatal(err)
	}
	if dec.Encoding() != UTF8 || dec.Replaced() != 1 || got[len(head):] != "Zoë\nRen\uFFFD\n" {
		t.Errorf("Encoding %q Replaced %d tail %q", dec.Encoding(), dec.Replaced(), got[len(head):])
	}
}

func TestDecodeRuneAcrossPeekBoundary(t *testing.T) {
	// "é" straddles byte 65536: the cut rune must not make the prefix look
	// invalid (which would wrongly pick Windows-1252).
	first := "name\nZoë\n"
	pad := strings.Repeat("a", sniffLen-1-len(first))
	in := first + pad + "é\n"
	if in[sniffLen-1] != 0xC3 {
		t.Fatalf("test setup: byte %d is %x, want the first byte of é", sniffLen-1, in[sniffLen-1])
	}
	got, enc, dec, err := decodeAll(t, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if enc != UTF8 || dec.Replaced() != 0 || got != in {
		t.Errorf("enc %q Replaced %d, output equal: %v", enc, dec.Replaced(), got == in)
	}
}

func TestDecodeErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	tests := []struct {
		name string
		in   io.Reader
		want error
	}{
		// An .xlsx (zip) attached instead of a CSV.
		{"xlsx", strings.NewReader("PK\x03\x04\x14\x00\x06\x00rest of zip"), ErrWorkbook},
		// A legacy .xls (OLE2 compound file).
		{"xls", bytes.NewReader([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}), ErrWorkbook},
		// A read error within the first 64 KiB surfaces from Decode itself.
		{"read error", iotest.ErrReader(boom), boom},
		// Even after some data.
		{"read error after data", io.MultiReader(strings.NewReader("email\n"), iotest.ErrReader(boom)), boom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rd, _, err := Decode(tc.in)
			if !errors.Is(err, tc.want) || rd != nil {
				t.Errorf("Decode = %v, %v; want nil, %v", rd, err, tc.want)
			}
		})
	}

	// After the prefix, read errors come from Read, with the text before them.
	boomLate := io.MultiReader(strings.NewReader(rows("email\n", sniffLen+10)), iotest.ErrReader(boom))
	rd, _, err := Decode(boomLate)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if _, err := io.ReadAll(rd); !errors.Is(err, boom) {
		t.Errorf("ReadAll error = %v, want %v", err, boom)
	}
}

func TestTrimPartialRune(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},             // nothing to trim
		{"abc", "abc"},       // ASCII end
		{"ab\xc3", "ab"},     // first byte of a 2-byte rune
		{"ab\xe2\x82", "ab"}, // 2 of 3 bytes of €
		{"ab€", "ab€"},       // complete rune
		{"ab\xff", "ab\xff"}, // invalid byte stays for Valid to reject
		{"ab\x82", "ab\x82"}, // stray continuation byte stays too
	}
	for _, tc := range tests {
		if got := string(trimPartialRune([]byte(tc.in))); got != tc.want {
			t.Errorf("trimPartialRune(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
