package check

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math/bits"
	"os"
	"slices"
)

// Scanner reads the keys of a whole file before the run, so that the run's
// Index stores only the keys that repeat: memory then follows the number of
// duplicates, not the number of rows. It keeps up to scanBuffer hashes in
// memory and spills the rest to a temporary file, 8 bytes a key; Repeats then
// reads that file again in as many slices of the hash space as it takes for
// each slice to fit the buffer, sorts each slice and keeps the hashes seen
// twice.
//
// A Scanner is not safe for concurrent use.
type Scanner struct {
	seed  maphash.Seed
	dir   string
	limit int // hashes held in memory
	buf   []uint64
	spill *os.File
	w     *bufio.Writer
	n     int64 // hashes added
	err   error
}

// scanBuffer hashes (8 bytes each) are held in memory: 1 MiB. A million
// rows with three keys each then take 31 readings of a 24 MB file, about
// half a second; a bigger buffer would show in the peak memory instead.
const scanBuffer = 1 << 17

// NewScanner returns a Scanner that spills into dir ("" = the system's
// temporary directory) once the keys outgrow memory.
func NewScanner(dir string) *Scanner {
	return &Scanner{seed: maphash.MakeSeed(), dir: dir, limit: scanBuffer}
}

// Add records the keys of one row, with the same cleaned fields that the
// run will give Index.Add.
func (s *Scanner) Add(clean Fields) {
	for _, k := range keysOf(s.seed, clean) {
		if k != 0 {
			s.add(k)
		}
	}
}

func (s *Scanner) add(k uint64) {
	if s.err != nil {
		return
	}
	s.n++
	if s.spill == nil && len(s.buf) < s.limit {
		if s.buf == nil {
			// The whole buffer at once: growing it by doubling would leave
			// about as much again as garbage on a big file, and the pages a
			// small file never fills are never touched, so they cost no
			// resident memory.
			s.buf = make([]uint64, 0, s.limit)
		}
		s.buf = append(s.buf, k)
		return
	}
	if s.spill == nil {
		f, err := os.CreateTemp(s.dir, "wholesale-batch-keys-*")
		if err != nil {
			s.err = fmt.Errorf("duplicate check: %w", err)
			return
		}
		s.spill, s.w = f, bufio.NewWriterSize(f, 64<<10)
		for _, b := range s.buf {
			s.write(b)
		}
		s.buf = s.buf[:0]
	}
	s.write(k)
}

func (s *Scanner) write(k uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], k)
	if _, err := s.w.Write(b[:]); err != nil && s.err == nil {
		s.err = fmt.Errorf("duplicate check: %w", err)
	}
}

// Repeats ends the scan and returns an Index that stores only the keys seen
// more than once. The Scanner cannot be used afterwards.
func (s *Scanner) Repeats() (*Index, error) {
	defer s.Close()
	if s.err != nil {
		return nil, s.err
	}
	only := make(map[uint64]struct{})
	if s.spill == nil {
		collectRepeats(s.buf, only)
		return &Index{seed: s.seed, only: only}, nil
	}
	if err := s.w.Flush(); err != nil {
		return nil, fmt.Errorf("duplicate check: %w", err)
	}
	// Slices a quarter smaller than the buffer, so an unlucky slice
	// still fits without growing it.
	slice := max(int64(s.limit)*3/4, 1)
	parts := uint64((s.n + slice - 1) / slice)
	block := make([]byte, 64<<10)
	for p := range parts {
		if _, err := s.spill.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("duplicate check: %w", err)
		}
		buf := s.buf[:0]
		for {
			n, err := io.ReadFull(s.spill, block)
			for b := block[:n-n%8]; len(b) > 0; b = b[8:] {
				k := binary.LittleEndian.Uint64(b)
				// The high word of k*parts is k's slice, in [0, parts).
				if hi, _ := bits.Mul64(k, parts); hi == p {
					buf = append(buf, k)
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("duplicate check: %w", err)
			}
		}
		collectRepeats(buf, only)
		s.buf = buf
	}
	return &Index{seed: s.seed, only: only}, nil
}

// collectRepeats sorts ks and adds every value found twice or more to only.
func collectRepeats(ks []uint64, only map[uint64]struct{}) {
	slices.Sort(ks)
	for i := 1; i < len(ks); i++ {
		if ks[i] == ks[i-1] {
			only[ks[i]] = struct{}{}
		}
	}
}

// Close removes the spill file; Repeats calls it.
func (s *Scanner) Close() {
	if s.spill != nil {
		name := s.spill.Name()
		s.spill.Close()
		os.Remove(name)
		s.spill = nil
	}
	s.buf = nil
	if s.err == nil {
		s.err = errors.New("duplicate check: the scan is over")
	}
}
