package sheet

import (
	"bytes"
	"io"
	"testing"
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
