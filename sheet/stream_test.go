package sheet

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"unicode/utf8"
)

// streamCase describes a generated input: an optional head (BOM) followed by
// chunk repeated, and what one chunk decodes to.
type streamCase struct {
	name    string
	head    []byte
	chunk   []byte
	decoded string
	enc     Encoding
}

var streamCases = []streamCase{
	{"utf-8", nil, []byte("zoe@example.com,Zoë,Müller,+14085551234,1234\n"), "zoe@example.com,Zoë,Müller,+14085551234,1234\n", UTF8},
	{"windows-1252", nil, []byte("rene@example.com,Ren\xe9,D\x9alo,+14085551234,\x80\r\n"), "rene@example.com,René,Dšlo,+14085551234,€\r\n", Windows1252},
	{"utf-16le", []byte{0xFF, 0xFE}, utf16Bytes("zoe@example.com\tZoë\tMüller\t+14085551234\t1234\r\n", false, false), "zoe@example.com\tZoë\tMüller\t+14085551234\t1234\r\n", UTF16LE},
	{"lone-cr", nil, []byte("zoe@example.com,Zoë,Müller,+14085551234,1234\r"), "zoe@example.com,Zoë,Müller,+14085551234,1234\n", UTF8},
}

// drain decodes sc.head + n chunks through a 512-byte buffer and checks the
// result without keeping it: a running comparison against the expected chunk.
func drain(tb testing.TB, sc streamCase, n int) {
	rd, enc, err := Decode(io.MultiReader(bytes.NewReader(sc.head), &repeatReader{chunk: sc.chunk, n: n}))
	if err != nil {
		tb.Fatal(err)
	}
	if enc != sc.enc {
		tb.Fatalf("encoding %q, want %q", enc, sc.enc)
	}
	var buf [512]byte
	want := sc.decoded
	// window holds enough repetitions that any read starting at pos fits.
	window := bytes.Repeat([]byte(want), len(buf)/len(want)+2)
	pos, total := 0, 0
	for {
		k, err := rd.Read(buf[:])
		if !bytes.Equal(buf[:k], window[pos:pos+k]) {
			tb.Fatalf("bytes %d..%d: got %q, want %q", total, total+k, buf[:k], window[pos:pos+k])
		}
		pos = (pos + k) % len(want)
		total += k
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if total != n*len(want) {
		tb.Fatalf("decoded %d bytes, want %d", total, n*len(want))
	}
	if r := rd.(*Decoder).Replaced(); r != 0 {
		tb.Fatalf("Replaced = %d", r)
	}
}

// TestDecodeStreams shows that memory does not grow with the input: decoding
// 32 times more data (4 MiB) costs the same number of allocations and about the same
// bytes, all of it well under a megabyte (the 64 KiB peek buffer dominates).
func TestDecodeStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("generates megabytes")
	}
	const small, big = 128 << 10, 4 << 20
	for _, sc := range streamCases {
		t.Run(sc.name, func(t *testing.T) {
			measure := func(size int) (allocs float64, bytes uint64) {
				n := size/len(sc.chunk) + 1
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				allocs = testing.AllocsPerRun(1, func() { drain(t, sc, n) }) // runs twice: warm-up + 1
				runtime.ReadMemStats(&after)
				return allocs, (after.TotalAlloc - before.TotalAlloc) / 2
			}
			sAllocs, sBytes := measure(small)
			bAllocs, bBytes := measure(big)
			t.Logf("%d KiB: %.0f allocs, %d B; %d KiB: %.0f allocs, %d B", small>>10, sAllocs, sBytes, big>>10, bAllocs, bBytes)
			if bAllocs > sAllocs+2 {
				t.Errorf("allocations grow with input: %.0f for %d KiB, %.0f for %d KiB", sAllocs, small>>10, bAllocs, big>>10)
			}
			if bBytes > sBytes+16<<10 || bBytes > 256<<10 {
				t.Errorf("allocated bytes grow with input: %d for %d KiB, %d for %d KiB", sBytes, small>>10, bBytes, big>>10)
			}
		})
	}
}

// TestDecodeStreamsValidUTF8 spot-checks that the generated streams decode to
// valid UTF-8 at every read boundary, with reads of awkward sizes.
func TestDecodeStreamsValidUTF8(t *testing.T) {
	for _, sc := range streamCases {
		rd, _, err := Decode(io.MultiReader(bytes.NewReader(sc.head), &repeatReader{chunk: sc.chunk, n: 3000}))
		if err != nil {
			t.Fatal(err)
		}
		var all []byte
		buf := make([]byte, 7)
		for {
			k, err := rd.Read(buf)
			all = append(all, buf[:k]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !utf8.Valid(all) || !bytes.Equal(all, bytes.Repeat([]byte(sc.decoded), 3000)) {
			t.Errorf("%s: output differs from the expected repetition", sc.name)
		}
	}
}
