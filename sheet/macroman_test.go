package sheet

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// macBytes encodes s in Mac Roman, as old Excel for Mac saved it.
func macBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Macintosh.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("Mac Roman cannot hold %q: %v", s, err)
	}
	return b
}

func winBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("Windows-1252 cannot hold %q: %v", s, err)
	}
	return b
}

// Names as sales sheets hold them, each read back in the encoding it was
// written in: Mac Roman and Windows-1252 give the same bytes other letters.
func TestDecodeMacRomanOrWindows1252(t *testing.T) {
	tests := []struct {
		name, text string
		mac        bool // written in Mac Roman, else Windows-1252
		eol        string
	}{
		{"mac, lone CR", "email,firstName,lastName\ranna@x.example,José,Müller\rfr@x.example,François,Ångström\rzoe@x.example,Zoë,Nuñez\r", true, ""},
		{"mac, CRLF, é and ç", "email,firstName\r\njose@x.example,José\r\nfr@x.example,François\r\n", true, ""},
		{"mac, LF, one é", "email,firstName\nrene@x.example,René\n", true, ""},
		{"mac, lone CR, only ë and ö", "email,firstName\rzoe@x.example,Zoë\rgo@x.example,Göran\r", true, ""},
		{"windows, CRLF", "email,firstName,lastName\r\nanna@x.example,José,Müller\r\nfr@x.example,François,Peña\r\n", false, ""},
		{"windows, smart apostrophes", "email,lastName,note\r\no@x.example,O’Brien,don’t “call”\r\n", false, ""},
		{"windows, caron and acute", "email,firstName,lastName\r\nd@x.example,Dušan,Novák\r\ns@x.example,Šimon,Müller\r\n", false, ""},
		{"windows, lone CR", "email,firstName\rrene@x.example,René\r", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, enc := winBytes(t, tc.text), Windows1252
			if tc.mac {
				in, enc = macBytes(t, tc.text), MacRoman
			}
			got, gotEnc, dec, err := decodeAll(t, bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(strings.ReplaceAll(tc.text, "\r\n", "\n"), "\r", "\n")
			if gotEnc != enc || strings.ReplaceAll(got, "\r\n", "\n") != want || dec.Replaced() != 0 {
				t.Errorf("read as %s: %q (%d replaced); want %s: %q", gotEnc, got, dec.Replaced(), enc, want)
			}
		})
	}
}

// A pure-ASCII prefix decides nothing; when its lines end in a lone CR, the
// first byte that is not UTF-8 switches to Mac Roman, not Windows-1252.
func TestDecodeLateMacRomanAfterASCIIPrefix(t *testing.T) {
	head := strings.ReplaceAll(rows("email,firstName,lastName,primaryPhoneNumber\n", sniffLen+100), "\n", "\r")
	in := append([]byte(head), macBytes(t, "jose@example.com,José,Müller,+1\r")...)
	got, enc, dec, err := decodeAll(t, bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if enc != UTF8 || dec.Encoding() != MacRoman {
		t.Errorf("encoding %q then %q; want utf-8 then mac-roman", enc, dec.Encoding())
	}
	if want := "jose@example.com,José,Müller,+1\n"; !strings.HasSuffix(got, want) {
		t.Errorf("tail = %q", got[len(got)-40:])
	}
}

// Apple's logo is a private-use character: counted as undecodable.
func TestDecodeMacRomanAppleLogo(t *testing.T) {
	rd, enc, err := DecodeWith(bytes.NewReader([]byte("name\rJos\x8e \xf0\r")), Options{Encoding: MacRoman})
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(rd)
	got, dec := string(out), rd.(*Decoder)
	if err != nil || enc != MacRoman || got != "name\nJosé \uFFFD\n" || dec.Replaced() != 1 || dec.FirstReplacedLine() != 2 {
		t.Errorf("%q %q %d %d %v", got, enc, dec.Replaced(), dec.FirstReplacedLine(), err)
	}
}

// An encoding the user names wins over detection; its own BOM is dropped.
func TestDecodeWithEncoding(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		enc  Encoding
		want string
		got  Encoding
	}{
		{"mac file detection reads as windows", []byte("name\nJos\x8e\n"), MacRoman, "name\nJosé\n", MacRoman},
		{"windows wins over a lone CR", []byte("name\rZo\x91\r"), Windows1252, "name\nZo‘\n", Windows1252},
		{"utf-8 with its BOM", []byte("\xef\xbb\xbfname\nRen\xe9\n"), UTF8, "name\nRen\uFFFD\n", UTF8BOM},
		{"utf-8 named in another case", []byte("a\n"), "UTF8", "a\n", UTF8},
		{"utf-16le without BOM", utf16Bytes("a,b\n", false, false), UTF16LE, "a,b\n", UTF16LE},
		{"utf-16be with BOM", utf16Bytes("a\n", true, true), "utf-16be", "a\n", UTF16BE},
		{"latin1 is windows-1252", []byte("\x80"), "Latin1", "€", Windows1252},
		{"cp1250 by its alias", []byte("\xa3ukasz"), "cp1250", "Łukasz", Windows1250},
		{"sjis by its alias", []byte("\x8eR\x93c"), "sjis", "山田", ShiftJIS},
		{"latin9 by its alias", []byte("\xa6alin"), "latin9", "Šalin", ISO885915},
		{"undefined windows-1252 bytes are counted", []byte("caf\xe9\n\x81x"), Windows1252, "café\n\uFFFDx", Windows1252},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rd, enc, err := DecodeWith(bytes.NewReader(tc.in), Options{Encoding: tc.enc})
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(rd)
			if string(out) != tc.want || enc != tc.got || rd.(*Decoder).Encoding() != tc.got {
				t.Errorf("%q as %q; want %q as %q", out, enc, tc.want, tc.got)
			}
		})
	}
	if _, _, err := DecodeWith(strings.NewReader("a"), Options{Encoding: "ebcdic"}); err == nil || !strings.Contains(err.Error(), "mac-roman") {
		t.Errorf("unknown encoding: %v", err)
	}
	for _, name := range []string{"utf-8", "UTF-16LE", "cp1252", " Macintosh ", "mac-roman"} {
		if _, err := ParseEncoding(name); err != nil {
			t.Errorf("ParseEncoding(%q): %v", name, err)
		}
	}
}
