package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// The manifest (--summary-json) records the command line and the
// effective configuration. Only the command line knows which arguments
// are flag values, so the redaction of secrets happens here, from the
// flag set that parsed them; report writes what it is given (and redacts
// the configuration's secret-named keys once more).

// redactArgs returns a copy of args (the command line after the program
// name) with the value of every secret-named flag (report.SecretName)
// replaced by report.Redacted, in every form pflag reads: --name value,
// --name=value, and shorthands (-t value, -tvalue, -t=value, in a cluster
// such as -qt value). A value is told from an argument as pflag tells it:
// a flag that takes a value takes the next argument, whatever it looks
// like; a boolean takes none. Arguments after "--" are positional. A
// secret-named flag fs does not know, or a long name after one dash
// (-token-file, Go flag syntax), is redacted too: an audit file missing a
// value is better than one that leaks a token. args is not modified.
func redactArgs(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i := 0; i < len(out); i++ {
		a := out[i]
		switch {
		case a == "--":
			return out
		case strings.HasPrefix(a, "--"):
			name, _, inline := strings.Cut(a[2:], "=")
			f := fs.Lookup(name)
			switch {
			case inline && report.SecretName(name):
				out[i] = "--" + name + "=" + report.Redacted
			case inline || !takesValue(f):
			case report.SecretName(name):
				if i+1 < len(out) {
					out[i+1] = report.Redacted
				}
				i++
			case f != nil:
				i++ // a value: not a flag, even if it looks like one
			}
		case len(a) > 1 && a[0] == '-':
			skip := redactShorthands(fs, out, i)
			// Also read as a long name after one dash: whichever reading
			// is right, nothing secret stays.
			if name, _, inline := strings.Cut(a[1:], "="); report.SecretName(name) {
				switch {
				case inline:
					out[i] = "-" + name + "=" + report.Redacted
				case i+1 < len(out):
					out[i+1] = report.Redacted
					skip = 1
				}
			}
			i += skip
		}
	}
	return out
}

// redactShorthands redacts the value of a secret flag in the shorthand
// cluster out[i] (-qt value, -tvalue, -t=value) and returns 1 when the
// cluster's value is the next argument.
func redactShorthands(fs *pflag.FlagSet, out []string, i int) int {
	cluster := out[i][1:]
	for j := 0; j < len(cluster); j++ {
		f := fs.ShorthandLookup(cluster[j : j+1])
		if f == nil {
			return 0 // pflag refuses it; nothing to read past
		}
		if !takesValue(f) {
			continue
		}
		rest := cluster[j+1:]
		switch {
		case rest != "" && report.SecretName(f.Name):
			prefix := "-" + cluster[:j+1]
			if strings.HasPrefix(rest, "=") {
				prefix += "="
			}
			out[i] = prefix + report.Redacted
		case rest != "":
		case report.SecretName(f.Name) && i+1 < len(out):
			out[i+1] = report.Redacted
			return 1
		default:
			return 1
		}
		return 0
	}
	return 0
}

// takesValue reports whether f reads a value; an unknown flag is taken to,
// so that its value is hidden rather than read as a flag.
func takesValue(f *pflag.Flag) bool { return f == nil || f.NoOptDefVal == "" }

// flagConfig returns every flag of fs, given or defaulted, by name: the
// effective configuration of the run, for the manifest. Values keep their
// type (numbers stay numbers in the JSON, --map is a list); secret-named
// ones are redacted and durations written as "30s" (report.RedactConfig).
// cobra's own flags (--help) are not configuration.
func flagConfig(fs *pflag.FlagSet) map[string]any {
	cfg := map[string]any{}
	fs.VisitAll(func(f *pflag.Flag) {
		if _, ok := f.Annotations[cobra.FlagSetByCobraAnnotation]; ok || f.Name == "help" {
			return
		}
		cfg[f.Name] = flagValue(fs, f)
	})
	return report.RedactConfig(cfg)
}

// flagValue is f's value with its Go type.
func flagValue(fs *pflag.FlagSet, f *pflag.Flag) any {
	if s, ok := f.Value.(interface{ GetSlice() []string }); ok {
		return s.GetSlice()
	}
	var v any
	var err error
	switch f.Value.Type() {
	case "bool":
		v, err = fs.GetBool(f.Name)
	case "int":
		v, err = fs.GetInt(f.Name)
	case "int64":
		v, err = fs.GetInt64(f.Name)
	case "float64":
		v, err = fs.GetFloat64(f.Name)
	case "duration":
		v, err = fs.GetDuration(f.Name)
	default:
		return f.Value.String()
	}
	if err != nil {
		return f.Value.String()
	}
	return v
}
