package cli_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
)

// A ;-delimited sheet checked with --excel comes back ;-delimited (a
// German Excel opens it in columns), with the BOM and CRLF; the person's
// phone cells show as text without a quote in front; a cell that began
// with a carriage return keeps it (behind the formula guard).
func TestExcelResultSpeaksTheInputsDelimiter(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "de.csv", "E-Mail;Paket;Telefon;Notiz\n"+
		"ann@acme.example;webex_meetings;+49 (30) 123-4567;\"\rzweite Zeile\"\n"+
		"ben@acme.example;webex_meetings;+4930987654;ok\n")
	out := filepath.Join(t.TempDir(), "checked.csv")
	code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out, "--excel")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\ufeff")) {
		t.Error("no BOM")
	}
	body := strings.TrimPrefix(string(raw), "\ufeff")
	head, _, _ := strings.Cut(body, "\r\n")
	if !strings.HasPrefix(head, "precheck_result;message;E-Mail;") {
		t.Errorf("header %q: want ;-delimited, CRLF", head)
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d records, %v\n%s", len(recs), err, body)
	}
	col := func(name string) int { return slices.Index(recs[0], name) }
	if got := recs[1][col("Telefon")]; got != `="+49 (30) 123-4567"` {
		t.Errorf("phone cell %q, want it as text without a quote", got)
	}
	if got := recs[2][col("Telefon")]; got != `="+4930987654"` {
		t.Errorf("E.164 phone cell %q", got)
	}
	if got := recs[1][col("Notiz")]; got != "'\rzweite Zeile" {
		t.Errorf("a cell beginning with CR came back as %q, want the CR kept behind the guard", got)
	}
}

// validate's result holds the columns a person reads: ok for a row that
// would be sent, no column that validate never fills, and it reads back
// as input without a warning, its person's columns as they were.
func TestValidateResultIsForPeople(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "in.csv", "email,package,Team\nann@acme.example,webex_meetings,Sales\nnot-an-address,webex_meetings,Ops\n")
	out := filepath.Join(t.TempDir(), "checked.csv")
	if code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out); code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	raw, _ := os.ReadFile(out)
	head, _, _ := strings.Cut(string(raw), "\n")
	if head != "precheck_result,message,input_email,package,Team,line,email,notes" { // the outcome first, the technical ones last
		t.Errorf("header %q", head)
	}
	rows := readCSV(t, out)
	if rows[0]["precheck_result"] != "ok" || rows[1]["precheck_result"] != "invalid" {
		t.Errorf("outcomes %q, %q; want ok, invalid", rows[0]["precheck_result"], rows[1]["precheck_result"])
	}
	again := filepath.Join(t.TempDir(), "again.csv")
	code, _, stderr := run(t, nil, "validate", "--input", out, "--output", again)
	if code != cli.ExitPartial || strings.Contains(stderr, "not one we send") {
		t.Fatalf("the result read back: exit %d\n%s", code, stderr)
	}
	back, _ := os.ReadFile(again)
	head2, _, _ := strings.Cut(string(back), "\n")
	if head2 != head {
		t.Errorf("read back, the header is %q, want %q", head2, head)
	}
}
