package sheet

import (
	"bytes"
	"io"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// BenchmarkDecode reports decoding throughput (MB/s of input) for 4 MiB of
// each generated stream, read through a 32 KiB buffer as encoding/csv's
// bufio.Reader would.
func BenchmarkDecode(b *testing.B) {
	for _, sc := range streamCases {
		n := (4<<20)/len(sc.chunk) + 1
		in := append(append([]byte{}, sc.head...), bytes.Repeat(sc.chunk, n)...)
		b.Run(sc.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			buf := make([]byte, 32<<10)
			for b.Loop() {
				rd, _, err := Decode(bytes.NewReader(in))
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, err := rd.Read(buf)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

var benchHeaders = []string{
	"email", "E-mail Address", "First Name", "Surname", "Phone Number", "Ext.",
	"Customer ID", "Location", "Licence", "Admin Email", "Provisioning ID",
	"Primary Phone Number (E.164)", "Department", "Mobile",
}

// BenchmarkCanonical maps a realistic header row; it should not allocate.
func BenchmarkCanonical(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, h := range benchHeaders {
			Canonical(h)
		}
	}
}

// BenchmarkSuggest measures the typo path, which runs once per unknown column.
func BenchmarkSuggest(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Suggest("Emial")
		Suggest("custmer id")
		Suggest("Department")
	}
}

// BenchmarkXTextCharmap is the comparison behind byteDecoder's comment:
// x/text's own Windows-1252 decoder over the same input as
// BenchmarkDecode/windows-1252, without counting or line tracking.
func BenchmarkXTextCharmap(b *testing.B) {
	sc := streamCases[1]
	in := bytes.Repeat(sc.chunk, (4<<20)/len(sc.chunk)+1)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	buf := make([]byte, 32<<10)
	for b.Loop() {
		rd := charmap.Windows1252.NewDecoder().Reader(bytes.NewReader(in))
		for {
			_, err := rd.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkWeigh is the cost of deciding a code page: a 64 KiB prefix of
// Polish names in Windows-1250, weighed once.
func BenchmarkWeigh(b *testing.B) {
	row, _ := charmap.Windows1250.NewEncoder().String("lukasz.wisniewski@firma.example,Łukasz,Wiśniewski,+48221234567\r\n")
	in := bytes.Repeat([]byte(row), sniffLen/len(row))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if c, err := weigh(in, false, false, 1); err != nil || c.enc != Windows1250 {
			b.Fatal(c, err)
		}
	}
}

// BenchmarkXTextCounted is x/text's Windows-1252 decoder with the counting
// our Decoder must do (replacements and their line), as mbDecoder does it
// for the multi-byte code pages: what replacing byteDecoder would cost.
func BenchmarkXTextCounted(b *testing.B) {
	sc := streamCases[1]
	in := bytes.Repeat(sc.chunk, (4<<20)/len(sc.chunk)+1)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	buf := make([]byte, 32<<10)
	page := pageOf(Windows1252)
	for b.Loop() {
		st := &decodeState{line: 1}
		d := &mbDecoder{st: st, inner: page.cm.NewDecoder()}
		rd := transform.NewReader(bytes.NewReader(in), transform.Chain(d, crToLF{}))
		for {
			_, err := rd.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}
