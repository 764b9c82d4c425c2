package column_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/column"
)

// Every field of Fields has exactly one entry in Table, and each entry
// points at its own field: a column added to one and not the other fails here.
func TestTableCoversFields(t *testing.T) {
	var f column.Fields
	seen := map[*string]string{}
	names := map[string]bool{}
	for _, c := range column.Table {
		if c.Name == "" || c.Desc == "" || c.Field == nil {
			t.Errorf("entry %+v lacks a name, description or field", c.Name)
			continue
		}
		if names[c.Name] {
			t.Errorf("%s twice", c.Name)
		}
		names[c.Name] = true
		p := c.Field(&f)
		if other, dup := seen[p]; dup {
			t.Errorf("%s and %s point at the same field", c.Name, other)
		}
		seen[p] = c.Name
		if column.Index(c.Name) < 0 {
			t.Errorf("Index(%s) = -1", c.Name)
		}
	}
	if n := reflect.TypeOf(f).NumField(); n != len(column.Table) {
		t.Errorf("Fields has %d fields, Table %d entries", n, len(column.Table))
	}
	if column.Index("nope") != -1 {
		t.Error("Index of an unknown name")
	}
}

// An alias written twice is harmless to the matcher but says the table was
// edited without reading it; an empty one would match an empty heading.
func TestAliasesOnce(t *testing.T) {
	seen := map[string]string{}
	for _, c := range column.Table {
		for _, a := range append(append([]string{}, c.Aliases...), c.Abbrevs...) {
			if a == "" {
				t.Errorf("%s has an empty alias", c.Name)
			}
			if other, dup := seen[a]; dup {
				t.Errorf("alias %q of %s is also listed for %s", a, c.Name, other)
			}
			seen[a] = c.Name
		}
	}
}

func ExampleTable() {
	for _, c := range column.Table[:3] {
		fmt.Printf("%-10s %s\n", c.Name, c.Desc)
	}
	// Output:
	// email      Subscriber's email address; their Webex sign-in.
	// customerId Wholesale customer ID the subscriber belongs to (from the wholesale customers API; not the Webex org ID).
	// package    Wholesale package to assign, e.g. webex_calling, webex_meetings, webex_suite, webex_voice, common_area_calling.
}
