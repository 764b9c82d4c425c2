package main

import (
	"testing"

	"github.com/wholesale-batch/wholesale-batch/check"
)

// Every generated row must pass the offline checks, or the scenarios would
// measure refusals: sample rows across every area code and exchange block.
func TestGeneratedRowsAreValid(t *testing.T) {
	for i := 0; i < maxGenRows; i += 9973 {
		f := genFields(i)
		if _, _, problems := check.Row(f, check.Options{DefaultCountry: "US"}); len(problems) > 0 {
			t.Fatalf("row %d (%s): %v", i, f.PrimaryPhoneNumber, problems)
		}
	}
}
