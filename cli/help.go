package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Annotations of a command for its help screen.
const (
	annUsage  = "wholesale-batch/usage"  // the usage lines, one a line
	annFooter = "wholesale-batch/footer" // the text after the examples
)

const (
	helpWidth   = 80 // columns the help text is wrapped to
	helpMaxLeft = 32 // a flag column wider than this puts its text on the next line
)

// writeHelp renders a command's help: what it does, usage, subcommands,
// flags by group (required ones first), examples, and a footer. cobra has
// no flag groups, so this replaces its template.
func writeHelp(w io.Writer, cmd *cobra.Command) {
	var b strings.Builder
	about := cmd.Long
	if about == "" {
		about = cmd.Short
	}
	if about != "" {
		writeParagraphs(&b, about)
		b.WriteString("\n")
	}
	b.WriteString("Usage:\n")
	usage := cmd.Annotations[annUsage]
	if usage == "" {
		usage = cmd.UseLine()
		if cmd.HasAvailableSubCommands() {
			usage = cmd.CommandPath() + " COMMAND"
		}
	}
	for line := range strings.SplitSeq(usage, "\n") {
		b.WriteString("  " + line + "\n")
	}
	writeCommands(&b, cmd)
	writeFlags(&b, cmd)
	if ex := strings.TrimRight(cmd.Example, "\n "); ex != "" {
		b.WriteString("\nExamples:\n" + ex + "\n")
	}
	if footer := cmd.Annotations[annFooter]; footer != "" {
		b.WriteString("\n")
		writeParagraphs(&b, footer)
	}
	io.WriteString(w, b.String())
}

// writeParagraphs reflows text to helpWidth: the texts need no line
// breaks of their own; a blank line separates paragraphs. A paragraph with
// a line that starts with a space, a tab or "#" (a command to copy, a
// heading: cobra's completion help has both) is written as it is.
func writeParagraphs(b *strings.Builder, text string) {
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		preformatted := false
		for line := range strings.SplitSeq(para, "\n") {
			preformatted = preformatted || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "#")
		}
		if preformatted {
			b.WriteString(strings.Trim(para, "\n") + "\n")
			continue
		}
		b.WriteString(strings.Join(wrap(para, helpWidth), "\n") + "\n")
	}
}

func writeCommands(b *strings.Builder, cmd *cobra.Command) {
	var cmds []*cobra.Command
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" && !c.Hidden {
			cmds = append(cmds, c)
		}
	}
	if len(cmds) == 0 {
		return
	}
	sortCommands(cmds)
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.Name()))
	}
	b.WriteString("\nCommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(b, "  %-*s   %s\n", width, c.Name(), c.Short)
	}
}

// flagGroup is the flags help shows under one title.
type flagGroup struct {
	title string
	flags []*pflag.Flag
}

// groups splits fs by annGroup, in the order the groups first appear; the
// flags of no group (help, version) come last, as "Flags" when alone.
func groups(fs *pflag.FlagSet) []flagGroup {
	var out []flagGroup
	var other []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		title := ""
		if g := f.Annotations[annGroup]; len(g) > 0 {
			title = g[0]
		}
		if title == "" {
			other = append(other, f)
			return
		}
		for i := range out {
			if out[i].title == title {
				out[i].flags = append(out[i].flags, f)
				return
			}
		}
		out = append(out, flagGroup{title, []*pflag.Flag{f}})
	})
	if len(other) > 0 {
		title := "Other"
		if len(out) == 0 {
			title = "Flags"
		}
		out = append(out, flagGroup{title, other})
	}
	return out
}

func writeFlags(b *strings.Builder, cmd *cobra.Command) {
	gs := groups(cmd.Flags())
	left := func(f *pflag.Flag) string {
		s := "    --" + f.Name
		if f.Shorthand != "" {
			s = "-" + f.Shorthand + ", --" + f.Name
		}
		if p := placeholder(f); p != "" {
			s += " " + p
		}
		return s
	}
	width := 0
	for _, g := range gs {
		for _, f := range g.flags {
			if n := len(left(f)); n <= helpMaxLeft {
				width = max(width, n)
			}
		}
	}
	indent := 2 + width + 3
	for _, g := range gs {
		b.WriteString("\n" + g.title + ":\n")
		for _, f := range g.flags {
			l := left(f)
			text := f.Usage
			if d := shownDefault(f); strings.HasPrefix(d, shownRequired) {
				text += " (" + d + ")"
			} else if d != "" {
				text += " (default " + d + ")"
			}
			lines := wrap(text, helpWidth-indent)
			if len(l) > width {
				b.WriteString("  " + l + "\n")
			} else {
				b.WriteString("  " + l + strings.Repeat(" ", indent-2-len(l)) + lines[0] + "\n")
				lines = lines[1:]
			}
			for _, line := range lines {
				b.WriteString(strings.Repeat(" ", indent) + line + "\n")
			}
		}
	}
}

// placeholder is what a flag's value is called in help and errors:
// --input FILE. Flags defined elsewhere (cobra's) fall back to pflag's
// name for the type; booleans have none.
func placeholder(f *pflag.Flag) string {
	if p := f.Annotations[annPlaceholder]; len(p) > 0 {
		return p[0]
	}
	if f.NoOptDefVal != "" {
		return ""
	}
	name, _ := pflag.UnquoteUsage(f)
	return strings.ToUpper(name)
}

// shownDefault is a flag's default as help shows it: its words ("auto",
// "required") if it has some, else its value unless that is the zero value
// (a boolean's false, an empty string, 0), durations without zero units.
func shownDefault(f *pflag.Flag) string {
	if d := f.Annotations[annDefault]; len(d) > 0 {
		return d[0]
	}
	switch f.DefValue {
	case "", "0", "false", "[]", "0s":
		return ""
	}
	if f.Value.Type() == "duration" {
		if d, err := time.ParseDuration(f.DefValue); err == nil {
			return shortDuration(d)
		}
	}
	return f.DefValue
}

// shortDuration writes d without zero units: 168h, 5m, 30s, 1m30s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// wrap breaks text into lines of at most width columns at spaces (a
// longer word has a line of its own); "(default 30s)" and a quoted
// example such as "Work Phone=primaryPhoneNumber" are kept on one line.
func wrap(text string, width int) []string {
	words := strings.Fields(text)
	var joined []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "(default" && i+1 < len(words):
			w += " " + words[i+1]
			i++
		case strings.HasPrefix(w, `"`) && strings.Count(w, `"`) == 1:
			for n := 0; n < 4 && i+1 < len(words) && !strings.Contains(w[1:], `"`); n++ {
				w += " " + words[i+1]
				i++
			}
		}
		joined = append(joined, w)
	}
	var lines []string
	line := ""
	for _, w := range joined {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	return append(lines, line)
}
