package pipeline_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// TestResultFileKnownByItsColumnNames: a result file given back as input
// is known by the tool's column names wherever they stand, so files
// written with the person's columns in front and files written before,
// with the tool's first, are both read from their own columns.
func TestResultFileKnownByItsColumnNames(t *testing.T) {
	result := []string{"line", "email", "precheck_result", "provision_result", "message", "notes", "subscriber_id"}
	for _, c := range []struct {
		name, in string
		data     string // the input's own header, |-joined
		raw      string // the first row's own cells
		prior    string // its subscriber_id and precheck_result as read back
		email    string
		short    bool // the row is said to be short
	}{
		// as written now: outcome and message, the person's, the rest
		{"person's in the middle", "provision_result,message,Name,input_email,line,email,precheck_result,subscriber_id\n" +
			"provisioned,,Ann,Ann@X.example,2,ann@x.example,passed,S1\n",
			"Name|input_email", "Ann|Ann@X.example", "S1 passed", "Ann@X.example", false},
		// as written before: the tool's columns first
		{"tool's first", "line,email,precheck_result,provision_result,subscriber_id,input_email,Name\n" +
			"2,ann@x.example,passed,provisioned,S1,Ann@X.example,Ann\n",
			"input_email|Name", "Ann@X.example|Ann", "S1 passed", "Ann@X.example", false},
		// a short row: its missing cells are empty, and it is said to be short
		{"short row", "provision_result,message,Name,input_email,line,email,precheck_result,subscriber_id\n" +
			"provisioned,,Ann,Ann@X.example,2\n",
			"Name|input_email", "Ann|Ann@X.example", " ", "Ann@X.example", true},
		// the result workbook's columns: for people, read as a new sheet
		{"outcome column", "outcome,message,Name,line,email,precheck_result\n" +
			"ok,,Ann,2,ann@x.example,ok\n",
			"outcome|message|Name|line|email|precheck_result", "ok||Ann|2|ann@x.example|ok", " ", "ann@x.example", false},
		// a person's sheet that has line and email but no result
		{"no precheck_result", "line,email,Name\n2,ann@x.example,Ann\n",
			"line|email|Name", "2|ann@x.example|Ann", " ", "ann@x.example", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, err := pipeline.NewSource(strings.NewReader(c.in), pipeline.SourceOptions{ResultColumns: result, RenamePrefix: "input_"})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(src.Header().Data(), "|"); got != c.data {
				t.Errorf("own columns %q, want %q", got, c.data)
			}
			var rows []pipeline.Row
			if err := src.Each(context.Background(), func(r pipeline.Row) error { rows = append(rows, r); return nil }); err != nil {
				t.Fatal(err)
			}
			r := rows[0]
			if got := strings.Join(r.Raw, "|"); got != c.raw {
				t.Errorf("row's own cells %q, want %q", got, c.raw)
			}
			if got := r.Prior["subscriber_id"] + " " + r.Prior["precheck_result"]; got != c.prior {
				t.Errorf("read back %q, want %q", got, c.prior)
			}
			if r.Fields.Email != c.email {
				t.Errorf("email %q, want %q", r.Fields.Email, c.email)
			}
			short := len(r.Problems) > 0 && strings.Contains(r.Problems[0].Message, "cells but the header has")
			if short != c.short {
				t.Errorf("problems %v, want a short row: %v", r.Problems, c.short)
			}
		})
	}
}
