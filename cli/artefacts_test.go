package cli_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	stdhtml "html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// TestTokenAppearsInNoOutput runs with failures, retries, 429s, debug
// logging and every artefact, then searches every byte written for the token.
func TestTokenAppearsInNoOutput(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-T0KEN-value-9f8e7d"
	srv := fake(t, fakeapi.Options{Token: secret})
	in := writeFile(t, "in.csv", "email,package,primaryPhoneNumber\n"+
		"ann@acme.example,webex_meetings,\n"+
		"ben+exists@acme.example,webex_meetings,\n"+
		"cy+flaky@acme.example,webex_meetings,\n"+
		"dee+throttle@acme.example,webex_meetings,\n"+
		"eve+e500@acme.example,webex_meetings,\n"+
		"fay@acme.example,webex_calling,2.40555E+10\n")
	dir := t.TempDir()
	out, html, manifest, retry := filepath.Join(dir, "out.csv"), filepath.Join(dir, "r.html"), filepath.Join(dir, "m.json"), filepath.Join(dir, "retry.csv")
	tokenFile := writeFile(t, "token", secret)
	for _, args := range [][]string{
		{"--token-file", tokenFile, "--log-level", "debug"},
		{"--log-format", "json", "--log-level", "debug"},
	} {
		os.Remove(out + ".journal")
		code, stdout, stderr := run(t, map[string]string{"WEBEX_TOKEN": secret}, append([]string{"precheck", "--base-url", srv.URL,
			"--input", in, "--output", out, "--report", html, "--summary-json", manifest, "--retry-file", retry,
			"--max-retries", "2", "--rate", "0", "--overwrite"}, args...)...)
		if code != cli.ExitPartial {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if !strings.Contains(stderr, "precheck request") || !strings.Contains(stderr, "retrying") {
			t.Errorf("debug log lacks request bodies or retries:\n%s", stderr)
		}
		for name, text := range map[string]string{"stdout": stdout, "stderr": stderr} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows the token", name)
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds the token", f)
			}
		}
	}
}

func TestManifestRetryFileAndReport(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "Email Address;Department;package\n"+
		"ann@acme.example;Sales;webex_meetings\n"+
		"ben+exists@acme.example;Ops;webex_meetings\n"+
		"eve+e500@acme.example;\"R;D\";webex_meetings\n")
	dir := t.TempDir()
	out, html, manifest, retry := filepath.Join(dir, "out.csv"), filepath.Join(dir, "r.html"), filepath.Join(dir, "m.json"), filepath.Join(dir, "retry.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL, "--input", in, "--output", out,
		"--report", html, "--summary-json", manifest, "--retry-file", retry, "--max-retries", "1", "--rate", "0")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var m map[string]any
	b, _ := os.ReadFile(manifest)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schemaVersion", "tool", "command", "startTime", "endTime", "commandLine", "input", "config", "counts", "codes", "rate", "exitCode"} {
		if _, ok := m[k]; !ok {
			t.Errorf("manifest lacks %q", k)
		}
	}
	if m["exitCode"].(float64) != 1 || m["input"].(map[string]any)["sha256"] == "" {
		t.Errorf("manifest: exit %v input %v", m["exitCode"], m["input"])
	}
	inBytes, _ := os.ReadFile(in)
	sum := sha256.Sum256(inBytes)
	if mi := m["input"].(map[string]any); mi["sha256"] != hex.EncodeToString(sum[:]) || mi["sizeBytes"] != float64(len(inBytes)) {
		t.Errorf("manifest input %v, want sha256 %x and %d bytes", mi, sum, len(inBytes))
	}
	// The retry file is the input's own format: same header, delimiter, cells.
	rb, _ := os.ReadFile(retry)
	if want := "Email Address;Department;package\neve+e500@acme.example;\"R;D\";webex_meetings\n"; string(rb) != want {
		t.Fatalf("retry file:\n%q\nwant\n%q", rb, want)
	}
	// ...and runs as it is.
	out2 := filepath.Join(dir, "out2.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL, "--input", retry, "--output", out2, "--max-retries", "0"); code != cli.ExitPartial || len(readCSV(t, out2)) != 1 {
		t.Fatalf("retry file as input: exit %d\n%s", code, stderr)
	}
	raw, _ := os.ReadFile(html)
	page := stdhtml.UnescapeString(string(raw))
	for _, want := range []string{"<html", "ben+exists@acme.example", "10022", "eve+e500@acme.example"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, ">ann@acme.example<") {
		t.Errorf("report lists a row that passed")
	}
}

func TestQuietPrintsOnlyErrors(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,Frist Name\nann@acme.example,Ann\n")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL, "--input", in,
		"--output", filepath.Join(t.TempDir(), "o.csv"), "--quiet")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// The manifest names the input by size and SHA-256 whichever reading hashed
// it: the journal's fingerprint (precheck into a file) or the read-ahead
// (validate keeps no journal).
func TestManifestInputDigest(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email\nann@acme.example\nben@acme.example\n\n")
	raw, _ := os.ReadFile(in)
	sum := sha256.Sum256(raw)
	for _, args := range [][]string{
		{"validate"},
		{"precheck", "--base-url", srv.URL},
	} {
		t.Run(args[0], func(t *testing.T) {
			dir := t.TempDir()
			manifest := filepath.Join(dir, "m.json")
			args = append(args, "--input", in, "--output", filepath.Join(dir, "out.csv"), "--summary-json", manifest)
			if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...); code != cli.ExitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			var m struct {
				Input struct {
					SHA256    string `json:"sha256"`
					SizeBytes int    `json:"sizeBytes"`
				} `json:"input"`
			}
			b, _ := os.ReadFile(manifest)
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m.Input.SHA256 != hex.EncodeToString(sum[:]) || m.Input.SizeBytes != len(raw) {
				t.Errorf("manifest input %+v, want sha256 %x and %d bytes", m.Input, sum, len(raw))
			}
		})
	}
}
