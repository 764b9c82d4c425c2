package check

import (
	"fmt"
	"hash/maphash"
	"math"
	"strings"
)

// Index finds rows that repeat an email, a phone number, or an extension within
// one customer and location, across a whole file. It keeps no strings: each
// key is a 64-bit hash stored next to the 32-bit line number of its first row,
// in one open-addressing table (12 bytes a slot, filled between 3/8 and 3/4),
// so a key costs 16 to 32 bytes however long its value: about 50 bytes a row
// with all three keys at a million rows. While the table doubles, the old one
// lives on until the copy is done, so the peak is 1.5 times that.
//
// Collisions. Two different keys that hash alike would make Add report a false
// duplicate. The hash is hash/maphash with a random seed per Index, so no input
// can be built to collide and a collision never repeats across runs; among n
// keys the chance of any collision is about n²/2⁶⁵: 2.4e-7 for a million rows
// with three keys each, 2.4e-13 for 1,000 rows. Storing the values to confirm a
// hit would multiply the memory for that. A reported duplicate always names the
// other line, so a person sees it before acting.
//
// That is for an input read once (standard input). A file can be read twice:
// a Scanner reads its keys first, and the Index it returns stores only the
// keys that repeat, so its size follows the duplicates instead of the rows.
//
// An Index is not safe for concurrent use: the reader that numbers the lines
// owns it.
type Index struct {
	seed  maphash.Seed
	keys  []uint64 // 0 marks an empty slot
	lines []uint32
	n     int // slots in use
	// only, when not nil, holds the keys that a Scanner found more than
	// once in the file: the only ones worth storing.
	only map[uint64]struct{}
}

// Key kinds, hashed in front of the value so an email never matches a phone.
const (
	kindEmail byte = iota + 1
	kindPhone
	kindExtension
)

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{seed: maphash.MakeSeed()}
}

// Add records the row at line (its number in the file, as shown to the user)
// and returns one Problem per key already seen, naming the first line that had
// it. Keys are clean.Email (case-insensitive), clean.PrimaryPhoneNumber and
// clean.Extension scoped by clean.CustomerID and clean.LocationID; empty values
// are skipped. Pass the cleaned fields from Row, so "(240) 555-1212" and
// "+12405551212" are the same number. Only the first occurrence is stored, so
// the third copy also points at the first. Line numbers above 4294967295 are
// stored as that value.
func (x *Index) Add(line int, clean Fields) []Problem {
	var problems []Problem
	k := keysOf(x.seed, clean)
	if first, dup := x.insert(k[kindEmail-1], line); dup {
		problems = append(problems, Problem{Field: "email",
			Message: fmt.Sprintf("duplicate of line %d: the same email is there; keep one of the two rows", first)})
	}
	if first, dup := x.insert(k[kindPhone-1], line); dup {
		problems = append(problems, Problem{Field: "primaryPhoneNumber",
			Message: fmt.Sprintf("duplicate of line %d: the same phone number is there; each subscriber needs their own number", first)})
	}
	if first, dup := x.insert(k[kindExtension-1], line); dup {
		problems = append(problems, Problem{Field: "extension",
			Message: fmt.Sprintf("duplicate of line %d: the same extension is there for the same customer and location; give each subscriber their own", first)})
	}
	return problems
}

// keysOf returns the hashes of a row's three keys, 0 where the value is empty.
func keysOf(seed maphash.Seed, clean Fields) [3]uint64 {
	var k [3]uint64
	if clean.Email != "" {
		email := clean.Email
		if hasUpper(email) {
			email = strings.ToLower(email)
		}
		k[kindEmail-1] = hashKey(seed, kindEmail, email)
	}
	if clean.PrimaryPhoneNumber != "" {
		k[kindPhone-1] = hashKey(seed, kindPhone, clean.PrimaryPhoneNumber)
	}
	if clean.Extension != "" {
		k[kindExtension-1] = hashKey(seed, kindExtension, clean.CustomerID, clean.LocationID, clean.Extension)
	}
	return k
}

// hash returns the non-zero hash of a key kind and its parts. Each part is
// written with its length so ("ab", "c") and ("a", "bc") differ.
func hashKey(seed maphash.Seed, kind byte, parts ...string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.WriteByte(kind)
	for _, p := range parts {
		n := uint32(len(p))
		h.Write([]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)})
		h.WriteString(p)
	}
	if k := h.Sum64(); k != 0 {
		return k
	}
	return 1 // 0 marks an empty slot; this merges two of 2⁶⁴ values
}

// insert stores key with line unless it is present; it returns the stored line
// and true when it was. Key 0 (no value) and, after a scan, keys that the
// whole file holds once are never stored: they cannot repeat.
func (x *Index) insert(key uint64, line int) (int, bool) {
	if key == 0 {
		return 0, false
	}
	if x.only != nil {
		if _, ok := x.only[key]; !ok {
			return 0, false
		}
	}
	if (x.n+1)*4 > len(x.keys)*3 {
		x.grow()
	}
	mask := uint64(len(x.keys) - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		switch x.keys[i] {
		case 0:
			x.keys[i], x.lines[i] = key, clampLine(line)
			x.n++
			return 0, false
		case key:
			return int(x.lines[i]), true
		}
	}
}

// grow doubles the table (linear probing needs free slots to stay fast).
func (x *Index) grow() {
	size := 2 * len(x.keys)
	if size == 0 {
		size = 256
	}
	oldKeys, oldLines := x.keys, x.lines
	x.keys, x.lines = make([]uint64, size), make([]uint32, size)
	mask := uint64(size - 1)
	for j, k := range oldKeys {
		if k == 0 {
			continue
		}
		i := k & mask
		for x.keys[i] != 0 {
			i = (i + 1) & mask
		}
		x.keys[i], x.lines[i] = k, oldLines[j]
	}
}

func clampLine(line int) uint32 {
	switch {
	case line < 0:
		return 0
	case line > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(line)
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

// Reset forgets every line seen, for a second reading of the same file; a
// scanned index keeps its list of the keys that repeat.
func (x *Index) Reset() {
	x.keys, x.lines, x.n = nil, nil, 0
}
