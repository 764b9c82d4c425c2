package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
)

// squash folds the summary's column padding into single spaces.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func corpusFile(name string) string {
	return filepath.Join("..", "testdata", "sheets", "codepages", name)
}

// A sheet in a code page is read in it, and the summary says which.
func TestValidateNamesTheCodePage(t *testing.T) {
	t.Parallel()
	for file, want := range map[string]string{
		"polish-windows-1250.csv":  "input read as Windows-1250 (Central European)",
		"japanese-shift_jis.csv":   "input read as Shift-JIS (Japanese, CP932)",
		"french-msdos-cp850.csv":   "input read as CP850 (MS-DOS Western European)",
		"russian-windows-1251.csv": "input read as Windows-1251 (Cyrillic)",
	} {
		out := filepath.Join(t.TempDir(), "out.csv")
		code, _, stderr := run(t, nil, "validate", "--input", corpusFile(file), "--output", out)
		if code != cli.ExitOK || !strings.Contains(squash(stderr), want) {
			t.Errorf("%s: exit %d, stderr:\n%s", file, code, stderr)
		}
	}
}

// A sheet two code pages read as names is refused before anything is
// written: both readings, the --encoding for each, and the sure fix.
// --encoding then reads it as told.
func TestValidateRefusesAnAmbiguousCodePage(t *testing.T) {
	t.Parallel()
	in := corpusFile("ambiguous-french-or-czech.csv")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out)
	for _, want := range []string{`"Hélène" as Windows-1252 (Western European): --encoding windows-1252`,
		`"Hélčne" as Windows-1250 (Central European): --encoding windows-1250`, `"CSV UTF-8 (Comma delimited)"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr)
		}
	}
	if code != cli.ExitUsage {
		t.Errorf("exit %d, want %d", code, cli.ExitUsage)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an output file was written")
	}
	for enc, name := range map[string]string{"windows-1252": "Hélène", "cp1250": "Hélčne", "LATIN1": "Hélène"} {
		code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out, "--overwrite", "--encoding", enc)
		rows := readCSV(t, out)
		if code != cli.ExitOK || len(rows) != 1 || rows[0]["firstName"] != name {
			t.Errorf("--encoding %s: exit %d, rows %v\n%s", enc, code, rows, stderr)
		}
	}
	code, _, stderr = run(t, nil, "validate", "--input", in, "--output", out, "--encoding", "klingon")
	if code != cli.ExitUsage || !strings.Contains(stderr, "shift_jis") || !strings.Contains(stderr, "windows-1257") {
		t.Errorf("unknown encoding: exit %d\n%s", code, stderr)
	}
}

// A Ctrl-Z after the last line (MS-DOS copy, old exporters) is dropped
// with a note, not read as a row.
func TestValidateDropsTrailingCtrlZ(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "dos.csv", "email,firstName\r\nann@acme.example,Ann\r\n\x1a")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out)
	if rows := readCSV(t, out); code != cli.ExitOK || len(rows) != 1 || !strings.Contains(stderr, "Ctrl-Z") {
		t.Errorf("exit %d, rows %v\n%s", code, rows, stderr)
	}
}

// A directory export without an email column but with addresses under
// another heading gets the exact --map in the refusal, and that --map works.
func TestValidateNoEmailColumnOffersTheMap(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ content, heading string }{
		{"User principal name,Display name\nann@acme.example,Ann Lee\nbob@acme.example,Bob Ode\ncy@acme.example,Cy Ng\n", "User principal name"}, // Microsoft 365
		{"Sign-in name;Vorname\nann@acme.example;Ann\n", "Sign-in name"},                                                                         // one row: the heading says it
		{"Login,First\nann@acme.example,Ann\nbob@acme.example,Bob\n", "Login"},                                                                   // Okta, Google Workspace
	} {
		in := writeFile(t, "export.csv", tc.content)
		out := filepath.Join(t.TempDir(), "out.csv")
		code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out)
		mapArg := tc.heading + "=email"
		if code != cli.ExitUsage || !strings.Contains(stderr, `--map "`+mapArg+`"`) {
			t.Errorf("%s: exit %d\n%s", tc.heading, code, stderr)
			continue
		}
		code, _, stderr = run(t, nil, "validate", "--input", in, "--output", out, "--map", mapArg)
		if code != cli.ExitOK {
			t.Errorf("%s: with the --map it offered: exit %d\n%s", tc.heading, code, stderr)
		}
	}
}

// validate --for provision checks what provision will require, so a sheet
// it calls clean does not turn invalid when provisioned.
func TestValidateForProvision(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "in.csv", "email,package,extension\nann@acme.example,webex_calling,1234\nbob@acme.example,,\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	if code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out); code != cli.ExitOK {
		t.Fatalf("plain validate: exit %d\n%s", code, stderr)
	}
	code, _, stderr := run(t, nil, "validate", "--for", "provision", "--input", in, "--output", out, "--overwrite")
	rows := readCSV(t, out)
	if code == cli.ExitOK || len(rows) != 2 {
		t.Fatalf("--for provision: exit %d, rows %v\n%s", code, rows, stderr)
	}
	if m := rows[0]["message"]; !strings.Contains(m, "customerId is empty") {
		t.Errorf("row 1: %q", m)
	}
	if m := rows[1]["message"]; !strings.Contains(m, "customerId is empty") || !strings.Contains(m, "needs a package") {
		t.Errorf("row 2: %q", m)
	}
	code, _, stderr = run(t, nil, "validate", "--for", "provision", "--customer-id", "cust-1", "--package", "webex_meetings", "--input", in, "--output", out, "--overwrite")
	if code != cli.ExitOK {
		t.Errorf("with a customer and a package: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "validate", "--for", "remove", "--input", in, "--output", out); code != cli.ExitUsage || !strings.Contains(stderr, "--for must be precheck or provision") {
		t.Errorf("--for remove: exit %d\n%s", code, stderr)
	}
}

// The manifest says how the input was read, as the summary does.
func TestManifestNamesTheCodePage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	manifest := filepath.Join(dir, "run.json")
	code, _, stderr := run(t, nil, "validate", "--input", corpusFile("czech-windows-1250.csv"), "--output", filepath.Join(dir, "out.csv"), "--summary-json", manifest)
	b, err := os.ReadFile(manifest)
	if code != cli.ExitOK || err != nil || !strings.Contains(string(b), `"inputEncoding": "read as Windows-1250 (Central European)"`) {
		t.Errorf("exit %d, %v, manifest:\n%s\n%s", code, err, b, stderr)
	}
}
