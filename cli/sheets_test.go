package cli_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestSpreadsheetCorpus runs validate over every real-world-shaped file in
// testdata/sheets and compares exit code, warnings and result file with its
// golden copy in testdata/golden/sheets.
func TestSpreadsheetCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../testdata/sheets/*")
	if err != nil || len(files) < 10 {
		t.Fatalf("corpus: %v %v", files, err)
	}
	// The code-page corpus (sheet's TestCodePageCorpus) runs whole too.
	codePages, _ := filepath.Glob("../testdata/sheets/codepages/*.csv")
	for _, in := range append(files, codePages...) {
		if st, err := os.Stat(in); err == nil && st.IsDir() {
			continue
		}
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.csv")
			code, _, stderr := run(t, nil, "validate", "--input", in, "--output", out)
			got := render(t, code, stderr, out)
			path := filepath.Join("..", "testdata", "golden", "sheets", strings.TrimSuffix(name, filepath.Ext(name))+".txt")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				os.WriteFile(path, got, 0o644)
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./cli -run Corpus -update creates it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
			}
			if code == cli.ExitUsage {
				return // refused: nothing written to read again
			}

			// Read from standard input, the file cannot be scanned ahead, so
			// the duplicate check keeps every key: the results are the same.
			if code != cli.ExitUsage {
				raw, err := os.ReadFile(in)
				if err != nil {
					t.Fatal(err)
				}
				var stdout, stderr bytes.Buffer
				code3 := cli.Run(context.Background(), []string{"validate", "--input", "-", "--output", "-"}, cli.Env{
					Stdin: bytes.NewReader(raw), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
				file, _ := os.ReadFile(out)
				if code3 != code || !bytes.Equal(stdout.Bytes(), file) {
					t.Errorf("from standard input: exit %d (file: %d), output differs: %v\n%s", code3, code, !bytes.Equal(stdout.Bytes(), file), stderr.String())
				}
			}

			// The result file given back as input reads the same rows.
			again := filepath.Join(t.TempDir(), "again.csv")
			code2, _, stderr2 := run(t, nil, "validate", "--input", out, "--output", again)
			if code2 != code {
				t.Fatalf("result file as input: exit %d, first run %d\n%s", code2, code, stderr2)
			}
			a, b := readCSV(t, out), readCSV(t, again)
			if len(a) != len(b) {
				t.Fatalf("%d rows, then %d", len(a), len(b))
			}
			for i := range a {
				if strings.Contains(a[i]["message"], "cells but the header has") {
					continue // a ragged row comes back padded: no longer ragged
				}
				for k, v := range a[i] {
					if k == "notes" || k == "line" {
						continue // a second pass has less to normalise; lines are the new file's
					}
					if b[i][k] != v {
						t.Errorf("row %d column %s: %q then %q", i, k, v, b[i][k])
					}
				}
			}
		})
	}
}

// render is the golden form of a run: exit code, the warnings, the file.
func render(t *testing.T, code int, stderr, out string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "exit %d\n", code)
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "wholesale-batch:") || strings.HasPrefix(l, "input ") || strings.HasPrefix(l, "blank") {
			fmt.Fprintln(&b, strings.Join(strings.Fields(l), " "))
		}
	}
	data, err := os.ReadFile(out)
	if code == cli.ExitUsage && errors.Is(err, fs.ErrNotExist) {
		data, err = []byte("(refused: no output)\n"), nil
	}
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("---\n")
	b.Write(data)
	return b.Bytes()
}

func TestExcelOutput(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "out.csv")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"validate", "--input", "../testdata/sheets/bom-crlf-aliases.csv", "--output", out, "--excel"},
		cli.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	data, _ := os.ReadFile(out)
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbfprecheck_result,message,")) || !bytes.Contains(data, []byte("\r\n")) {
		t.Fatalf("no BOM or CRLF: %q", data[:40])
	}
}

// A column we do not send is named with the exact --map to use when its
// values say what it holds; a calling package without a number column is
// pointed to the column that has the numbers.
func TestHeaderSuggestionsFromValues(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "in.csv", "E-Mail;Vorname;Nachname;Rufnr intern;Kunden-ID\n"+
		"ann@acme.example;Ann;Ng;+49 30 1234567;c1\n"+
		"ben@acme.example;Ben;Ott;+49 30 1234568;c1\n"+
		"cy@acme.example;Cy;Wu;+49 30 1234569;c1\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	_, _, stderr := run(t, nil, "validate", "--input", in, "--output", out, "--package", "webex_calling", "--default-country", "DE")
	for _, want := range []string{
		`--map "Rufnr intern=primaryPhoneNumber"`,
		"webex_calling needs primaryPhoneNumber or extension and the file has neither",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
