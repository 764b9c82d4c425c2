package check

import (
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/column"
)

// Every column we send has a stated limit, and a value over it is refused
// offline, on its own field, with its length where the check counts it.
func TestEveryColumnHasItsLimitChecked(t *testing.T) {
	over := map[column.Kind]func(max int) string{
		column.Text:      func(max int) string { return strings.Repeat("é", max+1) },
		column.ID:        func(max int) string { return strings.Repeat("Y", max+1) },
		column.Email:     func(max int) string { return strings.Repeat("a", 60) + "@" + strings.Repeat("b", max-60) + ".example" },
		column.Phone:     func(max int) string { return "+" + strings.Repeat("1", max) },
		column.Extension: func(max int) string { return strings.Repeat("1", max+1) },
		column.Package:   func(max int) string { return strings.Repeat("webex_", max/6+1) },
	}
	for _, c := range column.Table {
		if c.Max <= 0 {
			t.Errorf("%s has no limit", c.Name)
			continue
		}
		f := Fields{Email: "a@b.example", Package: "webex_meetings"}
		v := over[c.Kind](c.Max)
		*c.Field(&f) = v
		_, _, problems := Row(f, Options{})
		found := false
		for _, p := range problems {
			if p.Field == c.Name {
				found = true
				if (c.Kind == column.Text || c.Kind == column.ID) && !strings.Contains(p.Message, "characters long") {
					t.Errorf("%s: %q", c.Name, p.Message)
				}
			}
		}
		if !found {
			t.Errorf("%s: a value of %d characters passed: %v", c.Name, len([]rune(v)), problems)
		}
	}
}

// A name at the limit is sent; one character more is refused with its
// length, not trimmed.
func TestNameLength(t *testing.T) {
	max := column.Table[column.Index("firstName")].Max
	ok := strings.Repeat("Ł", max)
	clean, _, problems := Row(Fields{Email: "a@b.example", FirstName: ok}, Options{})
	if len(problems) != 0 || clean.FirstName != ok {
		t.Fatalf("a %d-character name: %v", max, problems)
	}
	_, _, problems = Row(Fields{Email: "a@b.example", LastName: ok + "x"}, Options{})
	if len(problems) != 1 || problems[0].Field != "lastName" || !strings.Contains(problems[0].Message, "65 characters long; at most 64") {
		t.Errorf("problems = %v", problems)
	}
}
