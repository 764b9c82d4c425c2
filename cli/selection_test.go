package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// --rows, --match and --skip pick rows by spreadsheet line and by cell;
// rows not picked are neither sent nor written, and are counted; the
// duplicate check still sees the whole file; provision applies the same
// selection to both its passes.
func TestRowSelection(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,Customer Name,customerId\n"+
		"ann@acme.example,ACME,c-acme\n"+ // line 2
		"ben@acme.example,ACME,c-acme\n"+ // 3
		"cy@globex.example,Globex,c-globex\n"+ // 4
		"dee@globex.example,Globex,c-globex\n"+ // 5
		"ann@acme.example,ACME,c-acme\n") // 6: a duplicate of line 2
	env := map[string]string{"WEBEX_TOKEN": token}
	cases := []struct {
		name      string
		args      []string
		lines     string // written, in order
		sent      int
		unchosen  int
		duplicate bool // line 6 written invalid as a duplicate
	}{
		{"rows", []string{"--rows", "2-4"}, "2,3,4", 3, 2, false},
		{"rows and a single line", []string{"--rows", "3,6"}, "3,6", 1, 3, true},
		{"match by heading", []string{"--match", "Customer Name=^Globex$"}, "4,5", 2, 3, false},
		{"match by our column name, and skip", []string{"--match", "customerId=acme", "--skip", "email=^ben"}, "2,6", 1, 3, true},
		{"open-ended range", []string{"--rows", "5-"}, "5,6", 1, 3, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := srv.Server.Stats().Prechecks
			dir := t.TempDir()
			out, m := filepath.Join(dir, "out.csv"), filepath.Join(dir, "m.json")
			args := append([]string{"precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0", "--summary-json", m}, c.args...)
			code, _, stderr := run(t, env, args...)
			if code == cli.ExitUsage || code == cli.ExitAborted {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			var lines []string
			for _, r := range readCSV(t, out) {
				lines = append(lines, r["line"])
				if r["line"] == "6" && c.duplicate != strings.Contains(r["message"], "duplicate") {
					t.Errorf("line 6: %s %q", r["precheck_result"], r["message"])
				}
			}
			if got := strings.Join(lines, ","); got != c.lines {
				t.Errorf("written lines %s, want %s", got, c.lines)
			}
			if sent := srv.Server.Stats().Prechecks - before; sent != c.sent {
				t.Errorf("%d sent, want %d", sent, c.sent)
			}
			var man struct {
				Counts struct {
					NotSelected int `json:"notSelected"`
				} `json:"counts"`
			}
			b, _ := os.ReadFile(m)
			json.Unmarshal(b, &man)
			if man.Counts.NotSelected != c.unchosen || !strings.Contains(stderr, "not selected") {
				t.Errorf("manifest notSelected %d, want %d\n%s", man.Counts.NotSelected, c.unchosen, stderr)
			}
		})
	}
	// Provision: both passes take the same rows; only they are POSTed.
	out := filepath.Join(t.TempDir(), "prov.csv")
	code, _, stderr := run(t, env, append(provisionArgs(srv, in, out), "--match", "Customer Name=Globex")...)
	if code != cli.ExitOK || len(readCSV(t, out)) != 2 {
		t.Fatalf("provision: exit %d, %d rows\n%s", code, len(readCSV(t, out)), stderr)
	}
	if posts := srv.Server.Stats().PostsByEmail; len(posts) != 2 || posts["cy@globex.example"] != 1 {
		t.Errorf("POSTs %v", posts)
	}
	// Mistakes are refused before anything is sent.
	for _, bad := range [][]string{{"--rows", "1-3"}, {"--rows", "5-2"}, {"--match", "Nope=x"}, {"--match", "email"}, {"--skip", "email=("}} {
		code, _, stderr := run(t, env, append([]string{"precheck", "--base-url", srv.URL, "--input", in, "--output", filepath.Join(t.TempDir(), "o.csv")}, bad...)...)
		if code != cli.ExitUsage {
			t.Errorf("%v: exit %d\n%s", bad, code, stderr)
		}
	}
}

// A selection holds across --resume: the resumed run takes the same rows,
// sends only those not done, and writes the selected rows once each.
func TestRowSelectionResumes(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := emailsFile(t, 300)
	out := filepath.Join(t.TempDir(), "out.csv")
	args := []string{"precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "100", "--rows", "52-251"}
	ctx, interrupt := context.WithCancel(context.Background())
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		for srv.Server.Stats().Prechecks < 30 && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		interrupt()
	}()
	if code := cli.Run(ctx, args, cli.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return token }}); code != cli.ExitAborted {
		t.Fatalf("interrupted run: exit %d", code)
	}
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, append(args, "--resume")...)
	if code != cli.ExitOK {
		t.Fatalf("resume: exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	if len(rows) != 200 || rows[0]["line"] != "52" || rows[199]["line"] != "251" {
		t.Fatalf("%d rows, lines %s..%s", len(rows), rows[0]["line"], rows[len(rows)-1]["line"])
	}
	if sent := srv.Server.Stats().Prechecks; sent != 200 {
		t.Errorf("%d prechecks over both runs, want 200", sent)
	}
}
