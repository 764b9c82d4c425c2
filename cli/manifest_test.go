package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/command"
)

// redactFlags is a flag set with secret-named flags of every kind: one
// with a shorthand, one boolean, and the tool's own --token-file.
func redactFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.StringP("input", "i", "", "")
	fs.BoolP("quiet", "q", false, "")
	fs.StringP("token", "t", "", "")
	fs.String("token-file", "", "")
	fs.String("client-secret", "", "")
	fs.String("customer-id", "", "")
	fs.Bool("keyless", false, "")
	fs.Float64("rate", 10, "")
	return fs
}

func TestRedactArgs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		in, want []string
	}{
		{"separate value", []string{"precheck", "--token", "abc", "--input", "x.csv"}, []string{"precheck", "--token", "REDACTED", "--input", "x.csv"}},
		{"equals", []string{"--client-secret=abc", "--rate=5"}, []string{"--client-secret=REDACTED", "--rate=5"}},
		{"token file path", []string{"--token-file", "/etc/t"}, []string{"--token-file", "REDACTED"}},
		{"empty value", []string{"--token="}, []string{"--token=REDACTED"}},
		// The value is taken whatever it looks like, as pflag does.
		{"value like a flag", []string{"--token", "--input", "x.csv"}, []string{"--token", "REDACTED", "x.csv"}},
		// ...and the value of another flag is not a flag.
		{"value of another flag", []string{"--customer-id", "--token", "x"}, []string{"--customer-id", "--token", "x"}},
		{"shorthand", []string{"-t", "abc", "-i", "x.csv"}, []string{"-t", "REDACTED", "-i", "x.csv"}},
		{"shorthand joined", []string{"-tabc"}, []string{"-tREDACTED"}},
		{"shorthand equals", []string{"-t=abc"}, []string{"-t=REDACTED"}},
		{"shorthand cluster", []string{"-qt", "abc"}, []string{"-qt", "REDACTED"}},
		{"shorthand cluster joined", []string{"-qtabc"}, []string{"-qtREDACTED"}},
		{"other shorthand's value", []string{"-i", "-t", "x"}, []string{"-i", "-t", "x"}},
		// A secret-named boolean has no value to hide: the next argument is positional.
		{"secret-named boolean", []string{"--keyless", "x.csv"}, []string{"--keyless", "x.csv"}},
		// Flags the set does not know, and Go flag syntax, are redacted all the same.
		{"unknown secret flag", []string{"--API_KEY", "k"}, []string{"--API_KEY", "REDACTED"}},
		{"single dash long name", []string{"-password", "p", "-api-key=k"}, []string{"-password", "REDACTED", "-api-key=REDACTED"}},
		{"flag last", []string{"precheck", "--token"}, []string{"precheck", "--token"}},
		{"after the terminator", []string{"--", "--token", "abc"}, []string{"--", "--token", "abc"}},
		{"positional untouched", []string{"precheck", "token", "-"}, []string{"precheck", "token", "-"}},
		{"nil", nil, []string{}},
	}
	fs := redactFlags()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			orig := slices.Clone(c.in)
			got := redactArgs(fs, c.in)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("redactArgs(%q) = %q, want %q", c.in, got, c.want)
			}
			if !reflect.DeepEqual(c.in, orig) {
				t.Errorf("redactArgs changed its argument to %q", c.in)
			}
			if again := redactArgs(fs, got); !reflect.DeepEqual(again, got) {
				t.Errorf("not idempotent: %q", again)
			}
		})
	}
}

func TestFlagConfig(t *testing.T) {
	t.Parallel()
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("token-file", "", "")
	fs.String("client-secret", "", "")
	fs.String("input", "", "")
	fs.Int("max-retries", 5, "")
	fs.Int64("max-provision", 0, "")
	fs.Float64("rate", 10, "")
	fs.Bool("excel", false, "")
	fs.Duration("timeout", time.Second, "")
	var maps []columnMap
	var delim rune
	fs.Var(&mapValue{maps: &maps}, "map", "")
	fs.Var(&delimiterValue{r: &delim}, "delimiter", "")
	fs.Bool("help", false, "") // cobra's: not configuration
	if err := fs.Parse([]string{"--token-file=/etc/t", "--input=a.csv", "--map", "Work Phone=primaryPhoneNumber", "--delimiter", ";"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"token-file": "REDACTED", "client-secret": "", "input": "a.csv", "max-retries": 5, "max-provision": int64(0),
		"rate": 10.0, "excel": false, "timeout": "1s", "map": []string{"Work Phone=primaryPhoneNumber"}, "delimiter": ";",
	}
	if got := flagConfig(fs); !reflect.DeepEqual(got, want) {
		t.Errorf("flagConfig = %#v, want %#v", got, want)
	}
}

// TestManifestRedactsARun runs the tool and reads its manifest: the token
// file's path is hidden in the command line and the config, a
// secret-named flag not given is "" in the config, every flag is there.
func TestManifestRedactsARun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("email\nann@acme.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "secret-token-path")
	if err := os.WriteFile(tokenFile, []byte("tok"), 0o600); err != nil {
		t.Fatal(err)
	}
	read := func(t *testing.T, args ...string) map[string]any {
		t.Helper()
		manifest := filepath.Join(t.TempDir(), "m.json")
		args = append(args, "-i", in, "-o", filepath.Join(t.TempDir(), "out.csv"), "--summary-json", manifest, "--map", "E-mail=email")
		var stderr bytes.Buffer
		code := Run(context.Background(), args, Env{Stdout: &bytes.Buffer{}, Stderr: &stderr, Getenv: func(string) string { return "" }})
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		raw, err := os.ReadFile(manifest)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("secret-token-path")) {
			t.Errorf("the manifest holds the token file's path:\n%s", raw)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	m := read(t, "precheck", "--sandbox", "--token-file", tokenFile, "--rate", "0")
	line := strings.Join(toStrings(m["commandLine"]), " ")
	if !strings.HasPrefix(line, "precheck --sandbox --token-file REDACTED --rate 0 -i ") {
		t.Errorf("commandLine = %s", line)
	}
	conf := m["config"].(map[string]any)
	if conf["token-file"] != "REDACTED" || conf["rate"] != 0.0 || conf["timeout"] != "30s" || conf["sandbox"] != true {
		t.Errorf("config = %v", conf)
	}
	if got := toStrings(conf["map"]); !reflect.DeepEqual(got, []string{"E-mail=email"}) {
		t.Errorf("config.map = %v", conf["map"])
	}
	fs := flagSetOf(command.Precheck)
	fs.VisitAll(func(f *pflag.Flag) {
		if _, ok := conf[f.Name]; !ok {
			t.Errorf("config lacks --%s", f.Name)
		}
	})
	if _, ok := conf["help"]; ok || len(conf) != countFlags(fs) {
		t.Errorf("config has %d keys for %d flags: %v", len(conf), countFlags(fs), conf)
	}

	// Not given: nothing to hide, and "REDACTED" would say it was given.
	m = read(t, "precheck", "--sandbox")
	if v := m["config"].(map[string]any)["token-file"]; v != "" {
		t.Errorf("token-file not given: config has %q, want \"\"", v)
	}
	if v := m["config"].(map[string]any)["retry-for"]; v != "2m0s" {
		t.Errorf("retry-for by default: config has %q, want 2m0s", v)
	}

	// --max-retries alone is a hard count: no retries past it; with
	// --retry-for as well, both as given. The manifest says what applied.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-retries", "3"}, "0s"},
		{[]string{"--max-retries", "3", "--retry-for", "30s"}, "30s"},
	} {
		m = read(t, append([]string{"precheck", "--sandbox"}, c.args...)...)
		if v := m["config"].(map[string]any)["retry-for"]; v != c.want {
			t.Errorf("%v: config has retry-for %q, want %s", c.args, v, c.want)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func countFlags(fs *pflag.FlagSet) int {
	n := 0
	fs.VisitAll(func(*pflag.Flag) { n++ })
	return n
}
