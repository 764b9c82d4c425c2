package cli

import (
	"bytes"
	"io"
	"sync"
)

// console is standard error shared by the progress bar and everything else
// a run prints (log lines, warnings, the summary). The bar redraws its line
// in place with a carriage return; a line written between two frames would
// land in the middle of it ("…[0s:0s]t" / "ime=…"), and the frame cut by
// it would stay on screen. So the console takes the bar's frame off its
// line before any other write and draws it again below.
type console struct {
	mu    sync.Mutex
	w     io.Writer
	frame []byte // the bar as last drawn, without its carriage returns; nil when none shows
}

func newConsole(w io.Writer) *console { return &console{w: w} }

// Write prints p, which is anything but the bar, above the bar.
func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frame == nil {
		return c.w.Write(p)
	}
	if _, err := io.WriteString(c.w, "\r\x1b[2K"); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	if err != nil {
		return n, err
	}
	// Redraw only after a whole line: a prompt or a partial line waits for
	// its end, and the bar would otherwise be drawn behind the cursor.
	if bytes.HasSuffix(p, []byte("\n")) {
		_, err = c.w.Write(append([]byte{'\r'}, c.frame...))
	}
	return n, err
}

// bar is the writer the progress bar draws with.
func (c *console) bar() io.Writer { return barWriter{c} }

type barWriter struct{ c *console }

// Write draws one frame (or the blank that clears it) and remembers what
// stays on the line.
func (b barWriter) Write(p []byte) (int, error) {
	c := b.c
	c.mu.Lock()
	defer c.mu.Unlock()
	last := p
	if i := bytes.LastIndexByte(p, '\r'); i >= 0 {
		last = p[i+1:]
	}
	if len(bytes.TrimSpace(last)) == 0 && bytes.IndexByte(p, '\r') >= 0 {
		c.frame = nil // cleared: spaces then a return, or an erase sequence
	} else {
		c.frame = append(c.frame[:0], bytes.TrimPrefix(last, []byte("\x1b[2K"))...)
	}
	return c.w.Write(p)
}
