package check

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A scanned Index reports exactly what a plain Index reports, row for row,
// whether the keys stayed in memory or spilled over many slices.
func TestScannerMatchesIndex(t *testing.T) {
	cases := []struct {
		name  string
		rows  int
		limit int // hashes in memory before spilling
	}{
		{"in memory", 3000, scanBuffer},
		{"spilled, one slice", 3000, 8000},
		{"spilled, many slices", 3000, 64},
		{"spilled, a slice per key", 200, 1},
		{"no rows", 0, 16},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows := dupeRows(c.rows, rand.New(rand.NewPCG(1, uint64(c.rows))))
			dir := t.TempDir()
			s := NewScanner(dir)
			s.limit = c.limit
			for _, f := range rows {
				s.Add(f)
			}
			scanned, err := s.Repeats()
			if err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("spill file left behind: %v", left)
			}
			plain := NewIndex()
			dupes := 0
			for i, f := range rows {
				want, got := plain.Add(i+2, f), scanned.Add(i+2, f)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("line %d: scanned index says %v, plain index %v", i+2, got, want)
				}
				dupes += len(want)
			}
			if c.rows > 0 && dupes == 0 {
				t.Fatal("the test rows have no duplicates: the comparison proves nothing")
			}
			// Only repeated keys are stored: at most one per duplicate.
			if scanned.n > dupes {
				t.Errorf("scanned index holds %d keys for %d duplicates", scanned.n, dupes)
			}
		})
	}
}

// dupeRows makes n rows drawn from a small pool of values, so emails, phones
// and extensions repeat, some with other case or in other scopes.
func dupeRows(n int, rng *rand.Rand) []Fields {
	rows := make([]Fields, n)
	for i := range rows {
		f := Fields{Email: fmt.Sprintf("user%d@acme.com", rng.IntN(4*n+1))}
		if rng.IntN(3) == 0 {
			f.Email = fmt.Sprintf("USER%d@Acme.com", rng.IntN(4*n+1))
		}
		if rng.IntN(2) == 0 {
			f.PrimaryPhoneNumber = fmt.Sprintf("+1240555%04d", rng.IntN(3*n+1))
		}
		if rng.IntN(2) == 0 {
			f.Extension = fmt.Sprint(100 + rng.IntN(2*n+1))
			f.CustomerID = fmt.Sprint("C", rng.IntN(2))
			f.LocationID = fmt.Sprint("L", rng.IntN(2))
		}
		rows[i] = f
	}
	return rows
}

// A spill directory that cannot be written is an error, not a silent miss.
func TestScannerSpillError(t *testing.T) {
	s := NewScanner(filepath.Join(t.TempDir(), "missing"))
	s.limit = 2
	for i := range 10 {
		s.Add(rowFor(i))
	}
	if _, err := s.Repeats(); err == nil {
		t.Fatal("Repeats succeeded with an unwritable spill directory")
	}
}

// The point of the scan: an index of distinct rows holds next to nothing.
func TestScannedIndexIsSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 100,000 rows")
	}
	if perRow := scannedBytesPerRow(t.TempDir(), 100_000); perRow > 1 {
		t.Errorf("scanned index of distinct rows uses %.2f bytes per row, want under 1", perRow)
	}
}

// scannedBytesPerRow scans n distinct rows, then adds them to the returned
// index, and reports the heap that index holds per row.
func scannedBytesPerRow(dir string, n int) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := NewScanner(dir)
	for i := range n {
		s.Add(rowFor(i))
	}
	x, err := s.Repeats()
	if err != nil {
		panic(err)
	}
	for i := range n {
		x.Add(i+1, rowFor(i))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(x)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// BenchmarkScan: one row's three keys into a Scanner, spilling and the
// search for repeats included (1,000,000 rows per Repeats).
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	const per = 1_000_000
	rows := make([]Fields, 1<<16)
	for i := range rows {
		rows[i] = rowFor(i)
	}
	s := NewScanner(dir)
	i := 0
	for b.Loop() {
		// distinct keys: vary the email beyond the row pool
		f := rows[i&(len(rows)-1)]
		f.Email = fmt.Sprint(i, f.Email)
		s.Add(f)
		i++
		if i%per == 0 {
			if _, err := s.Repeats(); err != nil {
				b.Fatal(err)
			}
			s = NewScanner(dir)
		}
	}
	if _, err := s.Repeats(); err != nil {
		b.Fatal(err)
	}
}
