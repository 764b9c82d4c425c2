package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// TestGeneratedRowsAreValidAndDistinct: every generated row must take the
// whole precheck path, so none may be invalid or a duplicate of another,
// and the checks must leave it as generated (what is sent is what the load
// loop sends).
func TestGeneratedRowsAreValidAndDistinct(t *testing.T) {
	path := filepath.Join(t.TempDir(), "in.csv")
	const n = 25_000 // crosses the blocks that change the exchange
	if _, err := writeInput(path, n); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, err := pipeline.NewSource(f, pipeline.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	prep := &pipeline.Preparer{Check: check.Options{DefaultCountry: "US"}}
	rows := 0
	err = src.Each(context.Background(), func(r pipeline.Row) error {
		prep.Prepare(&r)
		if len(r.Problems) > 0 || len(r.Notes) > 0 {
			t.Fatalf("line %d: problems %v, notes %v", r.Line, r.Problems, r.Notes)
		}
		if r.Fields != genFields(r.Seq) {
			t.Fatalf("line %d: sent %+v, generated %+v", r.Line, r.Fields, genFields(r.Seq))
		}
		rows++
		return nil
	})
	if err != nil || rows != n {
		t.Fatalf("%d rows, err %v", rows, err)
	}
	// The largest inputs the bench generates stay valid too.
	for _, i := range []int{999_999, maxGenRows - 1} {
		f := genFields(i)
		if _, _, problems := check.Row(check.Fields(f), check.Options{DefaultCountry: "US"}); len(problems) > 0 {
			t.Errorf("row %d: %v", i, problems)
		}
	}
}
