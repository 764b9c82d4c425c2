package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
)

// The report of a German sheet names its problems by the sheet's own
// headings (Telefon, with ours in small print), shows each row with the
// person's name, opens with what was done, says the fix in the person's
// words with the operator's flag beneath, and has no count box for an
// outcome validate cannot have. The page is compared with a golden file,
// the run's times and paths masked.
func TestReportSpeaksTheSheetsHeadings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "vertrieb.csv")
	sheet := "E-Mail;Vorname;Nachname;Telefon;Paket\n" +
		"anna.schmidt@acme.example;Anna;Schmidt;+49 30 1234567;webex_calling\n" +
		"bernd.bauer@acme.example;Bernd;Bauer;4,93012E+11;webex_calling\n" +
		"carla.klein@acme;Carla;Klein;+49 30 7654321;webex_calling\n" +
		"dora.wolf@acme.example;Dora;Wolf;+49 30 2345678;webex_meetings\n"
	if err := os.WriteFile(in, []byte(sheet), 0o600); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "geprüft.html")
	code, _, stderr := run(t, nil, "validate", "--input", in, "--output", filepath.Join(dir, "geprüft.csv"), "--report", page)
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	raw, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	got := regexp.MustCompile(`(?m)^<p class="meta">.*</p>$`).ReplaceAllString(string(raw), `<p class="meta">…</p>`)
	got = strings.ReplaceAll(got, dir, "DIR")
	for _, want := range []string{
		`<p class="lead">2 ok to send, 2 did not pass.</p>`,
		`<b>Telefon</b> <code class="small">primaryPhoneNumber</code>`,
		`<b>E-Mail</b> <code class="small">email</code>`,
		`<div class="name">Bernd Bauer</div>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, never := range []string{"<b>0</b>passed", "<b>0</b>failed", "<b>0</b>error"} {
		if strings.Contains(got, never) {
			t.Errorf("the page has a count box validate cannot fill: %s", never)
		}
	}
	golden(t, "html/report-de-validate.html", []byte(got))
}

// golden compares got with testdata/golden/<name>; -update rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "golden", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cli -run %s -update creates it)", err, t.Name())
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from %s (go test ./cli -run %s -update rewrites it)\n%s", t.Name(), path, t.Name(), got)
	}
}
