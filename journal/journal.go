// Package journal makes a run crash-safe. Every finished row is appended
// to a journal file beside the output, one JSON line written with a single
// write, as soon as it finishes (in completion order, before the ordered
// output gets it). A run killed at any instant loses at most the rows in
// flight; --resume reads the journal and sends none of the rows it holds.
//
// Entries are found again by their Key, the caller's identity of a row (what
// it sends), never by position: a row that moved or changed in the input
// does not inherit another row's entry. A damaged line is skipped and
// named (Index.Damaged); the caller decides how far to trust the rest.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Header is the first line of a journal: what run it belongs to.
type Header struct {
	// Format is the journal's layout version (FormatVersion when written).
	Format    int       `json:"format"`
	Tool      string    `json:"tool"`
	Command   string    `json:"command"` // precheck, provision
	Input     string    `json:"input"`
	InputSize int64     `json:"inputSize"`
	InputHash string    `json:"inputSha256"`
	Started   time.Time `json:"started"`
	// Unknown: this journal replaces one that was lost (empty), so what
	// the runs before it sent is unknown; a caller treats every row as
	// possibly sent, in every run that continues this one.
	Unknown bool `json:"unknownBefore,omitempty"`
}

// FormatVersion 2 added Entry.Key; older journals are refused.
const FormatVersion = 2

// Entry is one line after the header.
type Entry struct {
	Seq  int    `json:"seq"`  // position among the rows, for people reading the file
	Line int    `json:"line"` // spreadsheet line, likewise
	Kind string `json:"kind"` // KindResult, or KindIntent before a non-idempotent request
	// Key identifies the row (or, for intents, the subscriber) the entry
	// is about; Index looks entries up by it.
	Key string `json:"key"`
	// Data is the caller's record (a result, an intent), opaque here.
	Data json.RawMessage `json:"data"`
}

// Entry kinds.
const (
	KindResult   = "result"   // a row's final result
	KindIntent   = "intent"   // written (and synced) before a non-idempotent request
	KindPrecheck = "precheck" // the precheck pass of a provisioning run
)

// Path is where the journal of an output file lives.
func Path(output string) string { return output + ".journal" }

// Writer appends entries. It is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	f      *os.File
	buf    bytes.Buffer
	synced time.Time
	err    error
}

// syncEvery bounds what a power loss can take: the page cache survives a
// killed process, not a dead machine.
const syncEvery = time.Second

// Create starts a new journal, replacing any old one.
func Create(path string, h Header) (*Writer, error) {
	// The header is written beside it and renamed into place: a crash
	// leaves no journal or one with its header, never an empty one that
	// a resumed run cannot check (nothing is sent before Create returns).
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	w := &Writer{f: f}
	h.Format = FormatVersion
	if err := w.writeLine(h, Synced); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync() // the rename itself survives a power cut
		d.Close()
	}
	return w, nil
}

// Append reopens an existing journal to add to it (a resumed run). A torn
// last line left by a crash is cut off first, so it cannot glue itself to
// the next entry.
func Append(path string) (*Writer, error) {
	if err := cutTornTail(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return &Writer{f: f}, nil
}

func cutTornTail(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	// Entries are small: the last newline is within the last 1 MiB.
	size := st.Size()
	tail := min(size, 1<<20)
	b := make([]byte, tail)
	if _, err := f.ReadAt(b, size-tail); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if len(b) == 0 || b[len(b)-1] == '\n' {
		return nil
	}
	return os.Truncate(path, size-tail+int64(bytes.LastIndexByte(b, '\n')+1))
}

// Durability is how soon an added entry is on disk.
type Durability int

const (
	// Buffered entries reach the disk within a second or so (a result:
	// lost to a power cut, the row is done again, looked up first).
	Buffered Durability = iota
	// Synced entries are on disk before Add returns (an intent, which must
	// survive even a power loss before the request leaves).
	Synced
)

// Add appends one entry, on disk as d says.
//
// e.Data must be JSON as json.Marshal writes it (compact, one line): it is
// copied into the line as it is. Re-encoding it through the Entry would
// validate and compact it a second time, for a tenth of a run's CPU.
func (w *Writer) Add(e Entry, d Durability) error {
	if !plainKind(e.Kind) || !plainKey(e.Key) || bytes.IndexByte(e.Data, '\n') >= 0 {
		return w.writeLine(e, d) // not the usual shape: let encoding/json do it
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.buf.Reset()
	b := append(w.buf.AvailableBuffer(), `{"seq":`...)
	b = strconv.AppendInt(b, int64(e.Seq), 10)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(e.Line), 10)
	b = append(b, `,"kind":"`...)
	b = append(b, e.Kind...)
	b = append(b, `","key":"`...)
	b = append(b, e.Key...)
	b = append(b, `","data":`...)
	if len(e.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Data...)
	}
	b = append(b, "}\n"...)
	w.buf.Write(b)
	return w.flushLine(d)
}

// plainKind: a kind that needs no JSON escaping (all of ours).
func plainKind(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return k != ""
}

// plainKey: a key that needs no JSON escaping (printable ASCII but " and \).
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func (w *Writer) writeLine(v any, d Durability) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.buf.Reset()
	enc := json.NewEncoder(&w.buf)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return w.flushLine(d)
}

// flushLine writes the line in w.buf; w.mu is held.
func (w *Writer) flushLine(d Durability) error {
	// One write per line: a crash leaves whole lines, or one torn last line
	// that Load ignores.
	if _, err := w.f.Write(w.buf.Bytes()); err != nil {
		w.err = fmt.Errorf("journal: %w", err)
		return w.err
	}
	if d == Synced || time.Since(w.synced) > syncEvery {
		if err := w.f.Sync(); err != nil {
			w.err = fmt.Errorf("journal: %w", err)
			return w.err
		}
		w.synced = time.Now()
	}
	return nil
}

// Close syncs and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return w.err
	}
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.f = nil
	if w.err != nil {
		return w.err
	}
	return err
}

// Index is what a journal holds, by entry kind and key: where the last
// entry of each lies in the file, so resuming costs a few dozen bytes per
// row instead of a copy of every result.
type Index struct {
	Header Header
	// Damaged lists the journal's line numbers that could not be read (1
	// is the header); their entries are lost, and a caller must treat the
	// rows they may have recorded as unknown.
	Damaged []int
	f       *os.File
	seed    maphash.Seed
	kinds   map[string]map[uint64]loc
}

type loc struct {
	off  int64
	size int
}

// ErrNoJournal reports that there is nothing to resume.
var ErrNoJournal = errors.New("no journal")

// ErrEmpty reports a journal of 0 bytes: a run killed before its header
// reached the disk. Which run it was is unknown, and so is what it sent.
var ErrEmpty = errors.New("the journal is empty")

// Load reads the journal at path. A torn last line (a crash mid-write) is
// ignored; a damaged line elsewhere is skipped and listed in Damaged.
func Load(path string) (*Index, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoJournal
	}
	if err != nil {
		return nil, err
	}
	ix := &Index{f: f, seed: maphash.MakeSeed(), kinds: map[string]map[uint64]loc{}}
	if err := ix.scan(path); err != nil {
		f.Close()
		return nil, err
	}
	return ix, nil
}

// Close releases the journal file.
func (ix *Index) Close() error { return ix.f.Close() }

// entryHead is what scan reads of each entry: everything but the data.
type entryHead struct {
	Seq  int    `json:"seq"`
	Line int    `json:"line"`
	Kind string `json:"kind"`
	Key  string `json:"key"`
}

func (ix *Index) scan(path string) error {
	r := bufio.NewReaderSize(ix.f, 64<<10)
	var off int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			switch {
			case n == 1 && len(line) == 0:
				return fmt.Errorf("%w: %s", ErrEmpty, path)
			case n == 1:
				ix.Damaged = append(ix.Damaged, 1) // even the header is torn
			}
			break // a torn last line: that row was in flight
		}
		if err != nil {
			return err
		}
		if n == 1 {
			if json.Unmarshal(line, &ix.Header) != nil || ix.Header.Command == "" {
				ix.Header = Header{}
				ix.Damaged = append(ix.Damaged, 1)
			} else if ix.Header.Format != FormatVersion {
				return fmt.Errorf("journal %s was written by an older wholesale-batch (format %d, this one reads %d): finish that run with the version that started it, or delete the journal and run again (provision: check in Control Hub which rows exist)",
					path, ix.Header.Format, FormatVersion)
			}
		} else {
			var e entryHead
			if json.Unmarshal(line, &e) != nil || e.Kind == "" || e.Key == "" {
				ix.Damaged = append(ix.Damaged, n)
			} else {
				m := ix.kinds[e.Kind]
				if m == nil {
					m = map[uint64]loc{}
					ix.kinds[e.Kind] = m
				}
				m[maphash.String(ix.seed, e.Key)] = loc{off: off, size: len(line)}
			}
		}
		off += int64(len(line))
	}
	return nil
}

// Each calls fn with the last entry of every key of kind, in no order,
// until fn returns an error.
func (ix *Index) Each(kind string, fn func(Entry) error) error {
	for _, l := range ix.kinds[kind] {
		b := make([]byte, l.size)
		if _, err := ix.f.ReadAt(b, l.off); err != nil {
			return err
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// Count is the number of keys with an entry of kind.
func (ix *Index) Count(kind string) int { return len(ix.kinds[kind]) }

// Has reports whether key has an entry of kind, without reading it. (Two
// keys sharing a 64-bit hash may both answer true for one entry: callers
// use Has only where a false "yes" costs a look-up, never a wrong result.)
func (ix *Index) Has(kind, key string) bool {
	_, ok := ix.kinds[kind][maphash.String(ix.seed, key)]
	return ok
}

// Get returns the last entry of kind for key, if any.
func (ix *Index) Get(kind, key string) (Entry, bool, error) {
	l, ok := ix.kinds[kind][maphash.String(ix.seed, key)]
	if !ok {
		return Entry{}, false, nil
	}
	b := make([]byte, l.size)
	if _, err := ix.f.ReadAt(b, l.off); err != nil {
		return Entry{}, false, err
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return Entry{}, false, err
	}
	if e.Key != key || e.Kind != kind {
		return Entry{}, false, nil // another key with the same hash
	}
	return e, true, nil
}
