package sheet

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// A pure-ASCII prefix, then Shift-JIS: the late decision hands the rest of
// the stream to the multi-byte decoder, and Encoding says so.
func TestDecodeLateShiftJISAfterASCIIPrefix(t *testing.T) {
	head := rows("email,lastName,firstName,primaryPhoneNumber\n", sniffLen+100)
	tail := "t.yamada@kaisha.example,山田,太郎,+1\nh.sato@kaisha.example,佐藤,花子,+1\ni.suzuki@kaisha.example,鈴木,一郎,+1\n"
	sj, err := japanese.ShiftJIS.NewEncoder().String(tail)
	if err != nil {
		t.Fatal(err)
	}
	got, enc, dec, err := decodeAll(t, strings.NewReader(head+sj))
	if err != nil {
		t.Fatal(err)
	}
	if enc != UTF8 || dec.Encoding() != ShiftJIS || dec.Replaced() != 0 || got != head+tail {
		t.Errorf("encoding %q then %q, %d replaced, tail %q", enc, dec.Encoding(), dec.Replaced(), got[len(head):])
	}
}

// A late decision that cannot be made fails the Read, with the readings:
// nothing after the ASCII rows is read as a guess.
func TestDecodeLateAmbiguousFailsRead(t *testing.T) {
	head := rows("email,firstName,lastName,primaryPhoneNumber\n", sniffLen+100)
	_, _, _, err := decodeAll(t, strings.NewReader(head+"helene@x.example,H\xe9l\xe8ne,P\xe9rez,+1\n"))
	var amb *AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("ReadAll error = %v, want *AmbiguousError", err)
	}
	if want := int64(strings.Count(head, "\n") + 1); amb.Line != want {
		t.Errorf("line %d, want %d", amb.Line, want)
	}
	if !strings.Contains(err.Error(), `"Hélène" as Windows-1252 (Western European): --encoding windows-1252`) || !strings.Contains(err.Error(), `"Hélčne" as Windows-1250 (Central European): --encoding windows-1250`) {
		t.Errorf("error lacks the readings:\n%v", err)
	}
}

// A Ctrl-Z (MS-DOS end of file) after the last line is dropped and
// reported; one inside the text is kept for the row checks to name.
func TestDecodeCtrlZ(t *testing.T) {
	tests := []struct {
		name, in, want string
		dropped        bool
	}{
		{"ascii", "email\r\na@x.example\r\n\x1a", "email\r\na@x.example\r\n", true},            // DOS copy /a
		{"code page", "n;m\r\nH\x82l\x8ane;Fr\x8are\r\n\x1a", "n;m\r\nHélène;Frère\r\n", true}, // CP850 from MS-DOS
		{"shift-jis", "n\r\n\x8eR\x93c\r\n\x1a", "n\r\n山田\r\n", true},                          // Shift-JIS
		{"inside", "a\x1ab\n", "a\x1ab\n", false},                                              // not the end
		{"no mark", "email\na@x.example\n", "email\na@x.example\n", false},                     // nothing to drop
	}
	for _, tc := range tests {
		for shape, mk := range readerShapes([]byte(tc.in)) {
			t.Run(tc.name+"/"+shape, func(t *testing.T) {
				got, _, dec, err := decodeAll(t, mk())
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want || dec.CtrlZ() != tc.dropped {
					t.Errorf("%q, CtrlZ %v; want %q, %v", got, dec.CtrlZ(), tc.want, tc.dropped)
				}
			})
		}
	}
}

// Every code page has a title and every documented alias parses to it.
func TestEncodingNames(t *testing.T) {
	for _, name := range []string{"cp1250", "windows-1250", "shift_jis", "sjis", "gbk", "gb18030", "big5", "euc-kr", "cp949", "cp850", "cp437", "iso-8859-15", "latin9", "cp1251", "cp1253", "cp1254", "cp1257"} {
		enc, err := ParseEncoding(name)
		if err != nil || pageOf(enc) == nil {
			t.Errorf("ParseEncoding(%q) = %q, %v", name, enc, err)
		}
	}
	for _, c := range codePages {
		if c.enc.Title() == string(c.enc) || !bytes.Contains([]byte(EncodingNames), []byte(string(c.enc))) {
			t.Errorf("%s: title %q, or not in EncodingNames", c.enc, c.enc.Title())
		}
	}
}
