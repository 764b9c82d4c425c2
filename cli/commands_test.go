package cli

import (
	"bytes"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/command"
)

func TestBuildVersion(t *testing.T) {
	t.Parallel()
	info := func(version string, settings ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/wholesale-batch/wholesale-batch", Version: version}}
			for i := 0; i+1 < len(settings); i += 2 {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
			}
			return bi, true
		}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	cases := []struct {
		name, stamped string
		read          func() (*debug.BuildInfo, bool)
		want          string
	}{
		{"stamped wins", "v0.1.0", info("v9.9.9"), "v0.1.0"},
		{"module version", "", info("v1.2.3", "vcs.revision", rev), "v1.2.3"},
		{"devel with revision", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "false"), "dev-0123456789ab"},
		{"devel dirty", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "dev-0123456789ab+dirty"},
		{"short revision", "", info("(devel)", "vcs.revision", "abc"), "dev-abc"},
		{"devel, nothing known", "", info("(devel)"), "dev"},
		{"no build info", "", func() (*debug.BuildInfo, bool) { return nil, false }, "dev"},
	}
	for _, c := range cases {
		if got := buildVersion(c.stamped, c.read); got != c.want {
			t.Errorf("%s: buildVersion = %q, want %q", c.name, got, c.want)
		}
	}
	// The binary's own: a test binary has no stamp and no VCS information.
	if Version == "" || strings.ContainsAny(Version, " \n") {
		t.Errorf("Version = %q", Version)
	}
}

func TestClosestFlag(t *testing.T) {
	t.Parallel()
	fs := flagSetOf(command.Provision)
	for name, want := range map[string]string{
		"inptu":         "input",  // adjacent letters swapped
		"Input":         "input",  // case
		"outptu":        "output", //
		"customer_id":   "customer-id",
		"max-retrie":    "max-retries",
		"yse":           "yes",
		"ratee":         "rate",
		"summary":       "summary-json", // the one flag it begins
		"frobnicate":    "",
		"x":             "",
		"plan-max-agee": "plan-max-age",
	} {
		if got := closestFlag(fs, name); got != want {
			t.Errorf("closestFlag(%q) = %q, want %q", name, got, want)
		}
	}
	if d := editDistance("inptu", "input"); d != 1 {
		t.Errorf("editDistance(inptu, input) = %d, want 1", d)
	}
}

// runCommands are the commands of a run, with what each README table
// covers.
var runCommands = map[string]*command.Command{"precheck": command.Precheck, "validate": command.Validate, "provision": command.Provision}

var readmeTables = map[string][]string{
	"Common to every command:": {"precheck", "validate", "provision"},
	"precheck and provision:":  {"precheck", "provision"},
	"provision only:":          {"provision"},
	"validate only:":           {"validate"},
}

// readmeFlag is one row of the README's flag tables.
type readmeFlag struct {
	name, short, placeholder, def string
	commands                      []string
}

func readmeFlags(t *testing.T) map[string]readmeFlag {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "### Flags")
	end := strings.Index(text[start+1:], "\n### ")
	if start < 0 || end < 0 {
		t.Fatal("README has no Flags section")
	}
	out := map[string]readmeFlag{}
	var commands []string
	code := regexp.MustCompile("`([^`]*)`")
	for line := range strings.SplitSeq(text[start:start+1+end], "\n") {
		if c, ok := readmeTables[line]; ok {
			commands = c
			continue
		}
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "¦"), "|")
		var f readmeFlag
		for _, m := range code.FindAllStringSubmatch(cells[1], -1) {
			name, ph, _ := strings.Cut(m[1], " ")
			if strings.HasPrefix(name, "--") {
				f.name, f.placeholder = name[2:], ph
			} else {
				f.short = strings.TrimPrefix(name, "-")
			}
		}
		f.def = strings.Trim(strings.TrimSpace(cells[2]), "`")
		f.commands = commands
		if f.name == "" || commands == nil {
			t.Fatalf("README flag row not understood: %s", line)
		}
		out[f.name] = f
	}
	return out
}

// TestREADMEFlagsAreTheHelp: every flag in the README's tables is in the
// help of exactly the commands its table names, with the same shorthand,
// placeholder and default, and every flag of a command is in the README.
func TestREADMEFlagsAreTheHelp(t *testing.T) {
	t.Parallel()
	flags := readmeFlags(t)
	if len(flags) < 30 {
		t.Fatalf("only %d flags read from the README", len(flags))
	}
	root := newRoot(Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}).root
	for name, m := range runCommands {
		cmd, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		var help bytes.Buffer
		cmd.InitDefaultHelpFlag()
		writeHelp(&help, cmd)
		for _, rf := range flags {
			f := cmd.Flags().Lookup(rf.name)
			if want := slices.Contains(rf.commands, name); (f != nil) != want {
				t.Errorf("%s --%s: defined %v, README says %v", name, rf.name, f != nil, want)
				continue
			}
			if f == nil {
				continue
			}
			if f.Shorthand != rf.short || placeholder(f) != rf.placeholder {
				t.Errorf("%s: help has -%s --%s %s, README -%s --%s %s", name, f.Shorthand, f.Name, placeholder(f), rf.short, rf.name, rf.placeholder)
			}
			shown := shownDefault(f)
			if shown != rf.def && !(rf.def == shownRequired && strings.HasPrefix(shown, shownRequired)) {
				t.Errorf("%s --%s: help shows the default %q, README %q", name, rf.name, shown, rf.def)
			}
			left := "--" + f.Name
			if p := placeholder(f); p != "" {
				left += " " + p
			}
			if !strings.Contains(help.String(), left) {
				t.Errorf("%s --help lacks %q", name, left)
			}
		}
		flagSetOf(m).VisitAll(func(f *pflag.Flag) {
			if _, ok := flags[f.Name]; !ok {
				t.Errorf("%s --%s is not in the README's flag tables", name, f.Name)
			}
		})
	}
}

// TestEveryHelpScreen renders the help of every command: flags grouped
// with real placeholders (none named after a Go type), examples, lines
// that fit the width except example commands.
func TestEveryHelpScreen(t *testing.T) {
	t.Parallel()
	root := newRoot(Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}).root
	goType := regexp.MustCompile(`--[a-z-]+ (value|string|int|int64|float|float64|duration|stringArray)\b`)
	var visit func(cmd *cobra.Command)
	visit = func(cmd *cobra.Command) {
		if cmd.Hidden {
			return
		}
		cmd.InitDefaultHelpFlag()
		cmd.InitDefaultVersionFlag()
		var b bytes.Buffer
		writeHelp(&b, cmd)
		help := b.String()
		path := cmd.CommandPath()
		if !strings.Contains(help, "Usage:\n  wholesale-batch") || !strings.Contains(help, "\nExamples:\n  ") {
			t.Errorf("%s: help lacks usage or examples:\n%s", path, help)
		}
		if m := goType.FindString(help); m != "" {
			t.Errorf("%s: placeholder named after a type: %q", path, m)
		}
		// Text fits the width; commands to copy (examples, usage, cobra's
		// tab-indented ones) may not, but the comments among them do.
		inExamples := false
		for line := range strings.SplitSeq(help, "\n") {
			switch {
			case line == "Examples:":
				inExamples = true
			case line != "" && !strings.HasPrefix(line, " "):
				inExamples = false
			}
			command := inExamples && !strings.HasPrefix(strings.TrimSpace(line), "#") ||
				strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "  wholesale-batch ")
			if len(line) > helpWidth && !command {
				t.Errorf("%s: line longer than %d: %q", path, helpWidth, line)
			}
		}
		if _, ok := runCommands[cmd.Name()]; ok {
			for _, group := range []string{groupIO + ":", groupRows + ":", groupReports + ":"} {
				if !strings.Contains(help, "\n"+group+"\n") {
					t.Errorf("%s: no group %q", path, group)
				}
			}
			// Required flags first.
			first := strings.Index(help, "\n"+groupIO+":\n")
			if !strings.HasPrefix(help[first:], "\n"+groupIO+":\n  -i, --input FILE ") {
				t.Errorf("%s: --input is not the first flag:\n%s", path, help[first:first+200])
			}
		}
		for _, c := range cmd.Commands() {
			visit(c)
		}
	}
	visit(root)
}
