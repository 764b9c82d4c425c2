package pipeline_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// Scan reads a file ahead of the run: it counts the rows the run will see
// (blank lines are not rows) and leaves a duplicate index that reports what
// a plain one does, with the defaults and normalisation applied first.
func TestPreparerScan(t *testing.T) {
	const in = "email,primaryPhoneNumber,extension,customerId\n" +
		"a@acme.com,(240) 555-1212,100,\n" + // 2
		"\n" + // blank: skipped, not counted
		"b@acme.com,+12405551212,101,\n" + // 4: same phone once normalised
		"A@ACME.com,,100,C1\n" + // 5: same email; ext 100 in C1, which line 2 got by default
		"c@acme.com,,100,\n" + // 6: ext 100 in C1 again
		"ragged@acme.com,,,,extra\n" + // 7: ragged, never indexed
		"d@acme.com,,102,C2\n" + // 8
		"ragged@acme.com,,,\n" // 9: not a duplicate of the ragged row
	newPrep := func() *pipeline.Preparer {
		return &pipeline.Preparer{Defaults: pipeline.Defaults{CustomerID: "C1"}, Check: check.Options{DefaultCountry: "US", ExistingCalling: true}}
	}
	results := func(p *pipeline.Preparer) []string {
		src, err := pipeline.NewSource(strings.NewReader(in), pipeline.SourceOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		err = src.Each(context.Background(), func(r pipeline.Row) error {
			p.Prepare(&r)
			out = append(out, fmt.Sprint(r.Line, r.Problems))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	scanned := newPrep()
	src, err := pipeline.NewSource(strings.NewReader(in), pipeline.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := scanned.Scan(context.Background(), src, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if rows != 7 {
		t.Errorf("Scan counted %d rows, want 7", rows)
	}
	got, want := results(scanned), results(newPrep())
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("scanned:\n%s\nplain:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{"duplicate of line 2: the same phone", "duplicate of line 2: the same email", "duplicate of line 2: the same extension"} {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("no %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if strings.Contains(got[len(got)-1], "duplicate") {
		t.Errorf("last row is no duplicate: %s", got[len(got)-1])
	}
}
