package check

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"testing"
)

func TestIndexAdd(t *testing.T) {
	x := NewIndex()
	steps := []struct {
		line int
		f    Fields
		want []Problem
	}{
		// first rows: nothing seen yet
		{2, Fields{Email: "a@acme.com", PrimaryPhoneNumber: "+12405551212", Extension: "100", CustomerID: "C1", LocationID: "L1"}, nil},
		{3, Fields{Email: "b@acme.com", PrimaryPhoneNumber: "+12405551213", Extension: "101", CustomerID: "C1", LocationID: "L1"}, nil},
		// same email, other case
		{4, Fields{Email: "A@Acme.COM"}, []Problem{{"email", "duplicate of line 2: the same email is there; keep one of the two rows"}}},
		// same phone
		{5, Fields{Email: "c@acme.com", PrimaryPhoneNumber: "+12405551213"}, []Problem{{"primaryPhoneNumber", "duplicate of line 3: the same phone number is there; each subscriber needs their own number"}}},
		// same extension, same customer and location
		{6, Fields{Email: "d@acme.com", Extension: "100", CustomerID: "C1", LocationID: "L1"}, []Problem{{"extension", "duplicate of line 2: the same extension is there for the same customer and location; give each subscriber their own"}}},
		// same extension, other location: fine
		{7, Fields{Email: "e@acme.com", Extension: "100", CustomerID: "C1", LocationID: "L2"}, nil},
		// same extension, other customer: fine
		{8, Fields{Email: "f@acme.com", Extension: "100", CustomerID: "C2", LocationID: "L1"}, nil},
		// scope parts are length-delimited: ("C1L", "1") is not ("C1", "L1")
		{9, Fields{Email: "g@acme.com", Extension: "100", CustomerID: "C1L", LocationID: "1"}, nil},
		// all three at once, each naming its own first line
		{10, Fields{Email: "b@acme.com", PrimaryPhoneNumber: "+12405551212", Extension: "101", CustomerID: "C1", LocationID: "L1"}, []Problem{
			{"email", "duplicate of line 3: the same email is there; keep one of the two rows"},
			{"primaryPhoneNumber", "duplicate of line 2: the same phone number is there; each subscriber needs their own number"},
			{"extension", "duplicate of line 3: the same extension is there for the same customer and location; give each subscriber their own"},
		}},
		// a third copy still points at the first, not the second
		{11, Fields{Email: "a@acme.com"}, []Problem{{"email", "duplicate of line 2: the same email is there; keep one of the two rows"}}},
		// empty values are never duplicates
		{12, Fields{}, nil},
		{13, Fields{}, nil},
		// kinds do not mix: a phone equal to an earlier extension's text
		{14, Fields{Email: "h@acme.com", PrimaryPhoneNumber: "100"}, nil},
		// extension without customer or location: its own scope, checked like any other
		{15, Fields{Email: "i@acme.com", Extension: "300"}, nil},
		{16, Fields{Email: "j@acme.com", Extension: "300"}, []Problem{{"extension", "duplicate of line 15: the same extension is there for the same customer and location; give each subscriber their own"}}},
		// non-ASCII upper case is folded too
		{17, Fields{Email: "\u00c9@x.com"}, nil},
		{18, Fields{Email: "\u00e9@x.com"}, []Problem{{"email", "duplicate of line 17: the same email is there; keep one of the two rows"}}},
	}
	for _, s := range steps {
		got := x.Add(s.line, s.f)
		if fmt.Sprint(got) != fmt.Sprint(s.want) {
			t.Errorf("line %d: Add = %v\nwant %v", s.line, got, s.want)
		}
	}
}

// Growing the table keeps every key and its first line.
func TestIndexGrow(t *testing.T) {
	x := NewIndex()
	const n = 20000
	for i := range n {
		if p := x.Add(i+1, rowFor(i)); p != nil {
			t.Fatalf("line %d: unexpected %v", i+1, p)
		}
	}
	for i := range n {
		p := x.Add(n+i+1, rowFor(i))
		if len(p) != 3 {
			t.Fatalf("copy of line %d: %d problems, want 3: %v", i+1, len(p), p)
		}
		want := "duplicate of line " + strconv.Itoa(i+1) + ":"
		for _, q := range p {
			if q.Message[:len(want)] != want {
				t.Fatalf("copy of line %d: %q, want prefix %q", i+1, q.Message, want)
			}
		}
	}
}

func TestClampLine(t *testing.T) {
	tests := []struct {
		in   int
		want uint32
	}{
		{-1, 0},                              // negative: stored as 0
		{0, 0},                               // zero
		{7, 7},                               // ordinary
		{math.MaxUint32, math.MaxUint32},     // largest storable
		{math.MaxUint32 + 1, math.MaxUint32}, // beyond: clamped
	}
	for _, tt := range tests {
		if got := clampLine(tt.in); got != tt.want {
			t.Errorf("clampLine(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// The index stays compact: a guard against replacing it with string maps.
// Memory, not time, so it is stable across machines.
func TestIndexBytesPerRow(t *testing.T) {
	if testing.Short() {
		t.Skip("fills an index with 100,000 rows")
	}
	if perRow := indexBytesPerRow(100_000); perRow > 100 {
		t.Errorf("index uses %.1f bytes per row, want at most 100", perRow)
	}
}

// indexBytesPerRow fills an index with n distinct rows that each have all three
// keys and returns the heap it holds per row.
func indexBytesPerRow(n int) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x := NewIndex()
	for i := range n {
		x.Add(i+1, rowFor(i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(x)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// rowFor makes the i-th distinct row with email, phone and extension.
func rowFor(i int) Fields {
	return Fields{
		Email:              "user" + strconv.Itoa(i) + "@acme.com",
		PrimaryPhoneNumber: "+1240" + strconv.Itoa(1000000+i),
		Extension:          strconv.Itoa(100000 + i),
		CustomerID:         "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi9jdXN0b21lcg",
		LocationID:         "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2xvY2F0aW9u",
	}
}

// BenchmarkIndexAdd: one new row with all three keys, table growth included
// (a fresh index every 65,536 rows keeps every row new).
func BenchmarkIndexAdd(b *testing.B) {
	rows := make([]Fields, 1<<16)
	for i := range rows {
		rows[i] = rowFor(i)
	}
	var x *Index
	i := 0
	for b.Loop() {
		j := i & (len(rows) - 1)
		if j == 0 {
			x = NewIndex()
		}
		x.Add(i+1, rows[j])
		i++
	}
}

// BenchmarkIndexAddDuplicate: a row whose three keys are all seen, the cost of
// building the three messages.
func BenchmarkIndexAddDuplicate(b *testing.B) {
	x := NewIndex()
	row := rowFor(1)
	x.Add(1, row)
	for b.Loop() {
		x.Add(2, row)
	}
}

// BenchmarkIndexMemory: heap held by an index of 1,000,000 rows, each with
// email, phone and extension, reported as bytes/row.
func BenchmarkIndexMemory(b *testing.B) {
	var perRow float64
	for b.Loop() {
		perRow = indexBytesPerRow(1_000_000)
	}
	b.ReportMetric(perRow, "bytes/row")
}
