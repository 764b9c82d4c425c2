package report

import "io"

// crlfWriter ends the CSV writer's records with CRLF, as Excel expects,
// and passes everything inside quotes through as it is. encoding/csv's own
// UseCRLF drops a lone CR inside a cell (a cell that began with one came
// back without it), so the line ends are changed here instead: a newline
// outside quotes is a record's end, one inside is the cell's.
type crlfWriter struct {
	w      io.Writer
	quoted bool // inside a quoted cell ("" toggles twice: still inside)
	buf    []byte
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	c.buf = c.buf[:0]
	for _, b := range p {
		switch {
		case b == '"':
			c.quoted = !c.quoted
		case b == '\n' && !c.quoted:
			c.buf = append(c.buf, '\r')
		}
		c.buf = append(c.buf, b)
	}
	if _, err := c.w.Write(c.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}
