package pipeline

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
)

// reorder gives results back in input order. A row that is slow (in
// backoff, behind a long Retry-After) must not stop the rows after it, so
// results that finish early wait here instead of in the window: the first
// limit in memory, the rest in a temporary file, read back when their turn
// comes. A healthy run never spills; a run with a row stuck for a minute
// spills that minute's results, and memory stays what it was.
type reorder struct {
	next   int
	mem    map[int]Result
	memCap int
	dir    string
	file   *os.File       // created on the first spill
	end    int64          // bytes written to file
	spills map[int]extent // results in the file, by Seq
	buf    bytes.Buffer
}

type extent struct{ off, n int64 }

func newReorder(memCap int, dir string) *reorder {
	return &reorder{mem: map[int]Result{}, memCap: max(memCap, 1), dir: dir, spills: map[int]extent{}}
}

// add keeps res until its turn.
func (o *reorder) add(res Result) {
	if res.Row.Seq == o.next || len(o.mem) < o.memCap || o.spill(res) != nil {
		// A file that cannot be written costs memory, never a row.
		o.mem[res.Row.Seq] = res
	}
}

// pop returns the next result in input order, if it has arrived.
func (o *reorder) pop() (Result, bool, error) {
	if r, ok := o.mem[o.next]; ok {
		delete(o.mem, o.next)
		o.next++
		return r, true, nil
	}
	e, ok := o.spills[o.next]
	if !ok {
		return Result{}, false, nil
	}
	delete(o.spills, o.next)
	b := make([]byte, e.n)
	if _, err := o.file.ReadAt(b, e.off); err != nil {
		return Result{}, false, fmt.Errorf("reading back a finished row from %s: %w", o.file.Name(), err)
	}
	var r Result
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&r); err != nil {
		return Result{}, false, fmt.Errorf("reading back a finished row from %s: %w", o.file.Name(), err)
	}
	o.next++
	return r, true, nil
}

func (o *reorder) spill(res Result) error {
	if o.file == nil {
		f, err := os.CreateTemp(o.dir, "wholesale-batch-reorder-*") // 0600: it holds the rows
		if err != nil {
			return err
		}
		o.file = f
		// Unlinked at once where the system allows (not Windows): even a
		// process killed now leaves no copy of the rows behind.
		_ = os.Remove(f.Name())
	}
	o.buf.Reset()
	// gob, not the journal's JSON: it keeps the Row and Resumed, and every
	// byte of a string, where JSON would replace invalid UTF-8. One encoder
	// per record, so each can be decoded alone, in any order.
	r := res
	r.Fatal = nil // an interface gob cannot encode; it has stopped the run already
	if err := gob.NewEncoder(&o.buf).Encode(r); err != nil {
		return err
	}
	n, err := o.file.WriteAt(o.buf.Bytes(), o.end)
	if err != nil {
		return err
	}
	o.spills[res.Row.Seq] = extent{o.end, int64(n)}
	o.end += int64(n)
	return nil
}

// close removes the file.
func (o *reorder) close() {
	if o.file != nil {
		o.file.Close()
		_ = os.Remove(o.file.Name()) // where it could not be unlinked while open
		o.file = nil
	}
}
