package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// input is the opened, decoded input file.
type input struct {
	src   *pipeline.Source
	dec   *sheet.Decoder
	enc   sheet.Encoding
	delim rune
	total int // data rows for the ETA, -1 when unknown
	// regular: a file that can be read again (not standard input or a pipe)
	regular bool
	close   func()
	book    *sheet.XLSXRecords // an .xlsx input's reader, nil for a CSV
}

// openInput opens, decodes and reads the header of the input. Everything
// that can be wrong with the file as a whole is found here, before any
// request and before the output file exists.
func openInput(cfg *config, env Env) (*input, error) {
	var f io.Reader = env.Stdin
	closeFn := func() {}
	regular := false
	if cfg.input != "-" {
		file, err := os.Open(cfg.input)
		if err != nil {
			return nil, usagef("cannot read the input: %v", unwrapPath(err))
		}
		st, err := file.Stat()
		if err == nil && st.IsDir() {
			file.Close()
			return nil, usagef("cannot read the input: %s is a directory; give a CSV file", cfg.input)
		}
		regular = err == nil && st.Mode().IsRegular()
		f, closeFn = file, func() { file.Close() }
	}
	in, err := decodeInput(f, cfg)
	if err != nil {
		closeFn()
		return nil, err
	}
	in.total, in.regular, in.close = -1, regular, func() { in.closeBook(); closeFn() }
	return in, nil
}

func decodeInput(f io.Reader, cfg *config) (*input, error) {
	bf := bufio.NewReaderSize(f, 64<<10)
	if in, err := workbookInput(bf, cfg); in != nil || err != nil {
		return in, err
	}
	r, enc, err := sheet.DecodeWith(bf, sheet.Options{Encoding: cfg.encoding})
	var amb *sheet.AmbiguousError
	if errors.As(err, &amb) {
		return nil, usagef("%s: %s", cfg.input, strings.TrimPrefix(err.Error(), "sheet: "))
	}
	if err != nil {
		return nil, usagef("cannot read the input: %v", err)
	}
	dec := r.(*sheet.Decoder)
	br := bufio.NewReaderSize(dec, 64<<10)
	first := firstLine(br)
	delim := cfg.delimiter
	if d, ok := sheet.ExcelSepLine(first); ok {
		// Excel's "sep=;" line is an instruction, not the header.
		_, _ = br.Discard(len(first))
		if delim == 0 {
			delim = d
		}
	}
	src, err := pipeline.NewSource(br, pipeline.SourceOptions{
		Delimiter:     delim,
		Match:         cfg.matcher(),
		ResultColumns: report.AllColumns, // every column the tool writes: a result file of any command
		RenamePrefix:  report.RenamePrefix,
		LookupOnly:    cfg.cmd.FollowUp,
	})
	if err != nil {
		return nil, usagef("%s: %v", cfg.input, err)
	}
	return &input{src: src, dec: dec, enc: enc, delim: src.Header().Delimiter}, nil
}

// firstLine peeks at the first line without consuming it.
func firstLine(br *bufio.Reader) string {
	b, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	}
	return string(b)
}

// columnMap is one --map "Header=column".
type columnMap struct{ header, column string }

// mapFlag collects repeated --map flags.
type mapFlag struct{ maps *[]columnMap }

func (m mapFlag) String() string { return "" }

func (m mapFlag) Set(v string) error {
	h, c, err := sheet.ParseMap(v)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "sheet: "))
	}
	*m.maps = append(*m.maps, columnMap{h, c})
	return nil
}

// matcher maps a header cell: --map first, then our names and aliases.
func (c *config) matcher() func(string) (string, bool) {
	return func(h string) (string, bool) {
		for _, m := range c.maps {
			if sheet.Key(m.header) == sheet.Key(h) {
				return m.column, true
			}
		}
		return sheet.Canonical(h)
	}
}

// headerWarnings tells the user about columns we will not send, with a
// suggestion: they are kept in the output, never silently dropped.
//
// pkg is the run's default package: a calling package needs a number or an
// extension, and a file without either column may hold one under a name we
// do not know.
func headerWarnings(h pipeline.Header, pkg string) []string {
	var out []string
	switch {
	case h.Line == 0:
		out = append(out, "the file has no header line: it is read as a list of email addresses, one a line, from line 1")
	case h.Line == 2:
		out = append(out, "the header is on line 2: line 1 above it (a title or a heading) is not read")
	case h.Line > 2:
		out = append(out, fmt.Sprintf("the header is on line %d: lines 1-%d above it (titles, dates, headings, blank lines) are not read", h.Line, h.Line-1))
	}
	out = append(out, h.Notes...)
	data := h.Data()
	mapped := h.Canonical[h.First:]
	named := len(data)
	for named > 0 && strings.TrimSpace(data[named-1]) == "" {
		named-- // empty headings at the end: a trailing delimiter, no column
	}
	for i, col := range data[:named] {
		if h.Canonical[h.First+i] != "" {
			continue
		}
		if strings.TrimSpace(col) == "" {
			out = append(out, fmt.Sprintf("column %d has no heading; it is kept in the output as it is", i+1))
			continue
		}
		// A column of the person's own (a department, a note) is kept in
		// the output and needs no word; one that looks like ours does.
		msg := fmt.Sprintf("column %q is not one we send; it is kept in the output as it is", col)
		if to, why := sheet.SuggestMap(col, sampleOf(h, h.First+i), mapped...); to != "" {
			out = append(out, msg+fmt.Sprintf(". %s Rename it, or pass --map %q", why, col+"="+to))
		} else if why != "" {
			out = append(out, msg+". "+strings.ToUpper(why[:1])+why[1:])
		}
	}
	if pkg == "" {
		pkg = callingInFile(h)
	}
	if pkg != "" && check.IsCalling(pkg) {
		var samples [][]string
		if len(h.Samples) > h.First {
			samples = h.Samples[h.First:]
		}
		if i, to, why := sheet.NumberColumn(data, mapped, samples); i >= 0 {
			out = append(out, fmt.Sprintf("%s needs primaryPhoneNumber or extension and the file has neither; column %q is not read. %s Rename it, or pass --map %q",
				pkg, data[i], why, data[i]+"="+to))
		}
	}
	if h.TrailingEmpty {
		out = append(out, "the data rows end with an empty cell that the header does not have (a delimiter at the end of each line): it is ignored")
	}
	return out
}

// callingInFile is the first calling package named in the first values of
// the file's package column, "" when there is none.
func callingInFile(h pipeline.Header) string {
	for i, name := range h.Canonical {
		if name != "package" {
			continue
		}
		for _, v := range sampleOf(h, i) {
			if p, _, err := check.Package(v); err == nil && check.IsCalling(p) {
				return p
			}
		}
	}
	return ""
}

// sampleOf is the first values of column i, nil when not read.
func sampleOf(h pipeline.Header, i int) []string {
	if i < len(h.Samples) {
		return h.Samples[i]
	}
	return nil
}
