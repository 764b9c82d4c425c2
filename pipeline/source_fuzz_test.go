package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// FuzzSource feeds arbitrary bytes through the whole reading path (decode,
// header, rows): it must never panic, lines must increase, and every row
// must keep its cells.
func FuzzSource(f *testing.F) {
	files, _ := filepath.Glob("../testdata/sheets/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, byte(0))
		}
	}
	f.Add([]byte("email\n\"a@b.c\n"), byte(';'))
	f.Add([]byte("line,email,precheck_result,x\n2,a@b.example,passed,'=1\n"), byte(','))
	// the order written now: the person's columns among the tool's; a short and a long row
	f.Add([]byte("precheck_result,x,input_email,line,email\npassed,'=1,a@b.example,2\nok,y,b@b.example,3,b@b.example,extra\n"), byte(','))
	f.Fuzz(func(t *testing.T, data []byte, delim byte) {
		r, _, err := sheet.Decode(bytesReader(data))
		if err != nil {
			return
		}
		opt := pipeline.SourceOptions{Match: sheet.Canonical, ResultColumns: []string{"line", "email", "precheck_result"}, RenamePrefix: "input_"}
		switch delim {
		case ';', '\t', ',', '|':
			opt.Delimiter = rune(delim)
		}
		src, err := pipeline.NewSource(r, opt)
		if err != nil {
			return // a header problem is reported, not a panic
		}
		last := src.Header().Line
		_ = src.Each(context.Background(), func(row pipeline.Row) error {
			if row.Line <= last {
				t.Fatalf("line %d after %d", row.Line, last)
			}
			last = row.Line
			if row.Raw == nil {
				t.Fatalf("line %d lost its cells", row.Line)
			}
			return nil
		})
	})
}
