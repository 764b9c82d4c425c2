package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/command"
)

// invocation is one Run: the command tree built for it and what the
// command that ran returned.
type invocation struct {
	env  Env
	root *cobra.Command
	raw  []string // the arguments after the command's name, as given
	ran  bool     // a command's RunE ran and set code and err
	code int
	err  error
}

// commandOrder is the order help lists commands in: the table's, then
// the tool's own.
var commandOrder = append(command.Names(), "auth", "completion", "version", "help")

// subcommandOrder is the order of a command's subcommands in its help:
// the first step first.
var subcommandOrder = []string{"login", "status"}

// newRoot builds the command tree of one invocation. Every output goes to
// env: cobra falls back to os.Stdout and os.Stderr only when a writer is
// nil.
func newRoot(env Env) *invocation {
	inv := &invocation{env: env}
	root := &cobra.Command{
		Use:   "wholesale-batch",
		Short: "bulk precheck and provisioning of Webex Wholesale subscribers from a CSV",
		Long:  "wholesale-batch prechecks and provisions Webex Wholesale subscribers from a CSV.",
		Example: `  # try it: no token, no network; the built-in sandbox API and the sample file
  wholesale-batch precheck --sandbox --input samples/subscribers.csv --output results.csv

  export WEBEX_TOKEN=...   # a partner admin token; or --token-file FILE (mode 600)
  wholesale-batch validate  --input sales.csv --output checked.csv       # offline: no token, no network
  wholesale-batch precheck  --input subscribers.csv --output results.csv --customer-id ID --package webex_calling
  wholesale-batch provision --input subscribers.csv --output results.csv --customer-id ID   # shows the plan, asks
  wholesale-batch precheck  --input - --output - < subscribers.csv > results.csv

  # completion of commands and flags (see wholesale-batch completion --help)
  source <(wholesale-batch completion bash)`,
		Annotations: map[string]string{
			annUsage: "wholesale-batch COMMAND --input FILE --output FILE [flags]",
			annFooter: `Run "wholesale-batch COMMAND --help" for a command's flags.

` + exitCodesHelp,
		},
		Version: Version,
		Args:    cobra.ArbitraryArgs,
		// Runnable so that a stray argument gets this one-line error, not
		// the help screen: Run catches a misspelt command before cobra.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return inv.unknownCommand(args[0])
			}
			writeHelp(env.Stderr, cmd)
			inv.ran, inv.code = true, ExitUsage
			return nil
		},
		SilenceErrors:              true, // Run prints them, on one line
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
	}
	inv.root = root
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetIn(env.Stdin)
	root.SetVersionTemplate("wholesale-batch {{.Version}}\n")
	root.Flags().SortFlags = false
	root.Flags().BoolP("version", "v", false, "print the version")
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) { writeHelp(cmd.OutOrStdout(), cmd) })
	root.SetUsageFunc(func(cmd *cobra.Command) error { writeHelp(cmd.OutOrStderr(), cmd); return nil })
	root.SetFlagErrorFunc(inv.flagError)

	for _, c := range command.Table {
		newCmd, ok := commandFiles[c]
		if !ok {
			panic("cli: command " + c.Name + " is in the table but has no newCmd in commandFiles")
		}
		root.AddCommand(newCmd(inv))
	}
	root.AddCommand(inv.authCommand())
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "print the version",
		Long: `Prints the version: the one stamped at build time with -ldflags, else the module's
version, else "dev" and the commit the binary was built from ("+dirty" for uncommitted
changes). The manifest (--summary-json) records the same.`,
		Example: `  wholesale-batch version
  wholesale-batch --version`,
		Annotations: map[string]string{annUsage: "wholesale-batch version"},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "wholesale-batch %s\n", Version)
			return nil
		},
	})
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [COMMAND]",
		Short: "help for any command",
		Long:  "Prints the help of a command: what it does, its flags by purpose, examples.",
		Example: `  wholesale-batch help provision
  wholesale-batch provision --help`,
		Annotations:       map[string]string{annUsage: "wholesale-batch help [COMMAND]"},
		ValidArgsFunction: inv.completeCommands,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return inv.unknownCommand(args[0])
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			writeHelp(cmd.OutOrStdout(), target)
			return nil
		},
	})
	root.InitDefaultHelpCmd() // now, not in Execute: Run's checks find it
	root.InitDefaultCompletionCmd()
	inv.tailorCompletion()
	return inv
}

// exitCodesHelp ends the help of the root and of each run command.
const exitCodesHelp = `Exit codes: 0 every row passed, 1 some rows did not, 2 usage or input error (nothing sent),
3 run stopped early (401, interrupt): finished rows are written.`

// commandFiles maps each command of the table to the constructor in its
// file (precheck.go, validate.go, provision.go, status.go,
// resendconsent.go, remove.go), each run for real.
var commandFiles = map[*command.Command]func(*invocation) *cobra.Command{
	command.Precheck:      func(inv *invocation) *cobra.Command { return newCmdPrecheck(inv, nil) },
	command.Validate:      func(inv *invocation) *cobra.Command { return newCmdValidate(inv, nil) },
	command.Provision:     func(inv *invocation) *cobra.Command { return newCmdProvision(inv, nil) },
	command.Status:        func(inv *invocation) *cobra.Command { return newCmdStatus(inv, nil) },
	command.ResendConsent: func(inv *invocation) *cobra.Command { return newCmdResendConsent(inv, nil) },
	command.Remove:        func(inv *invocation) *cobra.Command { return newCmdRemove(inv, nil) },
	command.Export:        func(inv *invocation) *cobra.Command { return newCmdExport(inv, nil) },
	command.Update:        func(inv *invocation) *cobra.Command { return newCmdUpdate(inv, nil) },
	command.Sync:          func(inv *invocation) *cobra.Command { return newCmdSync(inv, nil) },
}

// runCommand is the cobra command of one table entry: its help text, the flags
// define adds into cfg (shared groups with cfg.use, and its own), and a
// RunE that checks them (own, then the groups') and calls run.
func (inv *invocation) runCommand(cfg *config, text commandText, define func(*flagDefs), own func() error, run func(context.Context) (int, error)) *cobra.Command {
	m := cfg.cmd
	cmd := &cobra.Command{
		Use:     m.Name,
		Short:   text.short,
		Long:    text.long,
		Example: text.examples,
		Annotations: map[string]string{
			annUsage:  text.usage,
			annFooter: text.exit,
		},
		Args: cobra.ArbitraryArgs, // checked below, with a message that says where files go
	}
	// The command's flags are the run's options: cobra parses them once.
	fs := pflag.NewFlagSet(m.Name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false // help shows them grouped, in this order
	define(&flagDefs{fs: fs})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		inv.ran = true
		if len(args) > 0 {
			inv.code, inv.err = ExitUsage, usagef("unexpected argument %q: the input file goes in --input", args[0])
			return nil
		}
		cfg.args, cfg.flags = append([]string{m.Name}, inv.raw...), fs
		var err error
		if own != nil {
			err = own()
		}
		if err == nil {
			err = cfg.check()
		}
		if err != nil {
			inv.code, inv.err = ExitUsage, err
			return nil
		}
		inv.code, inv.err = run(cmd.Context())
		return nil
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().AddFlagSet(fs)
	complete := func(name string, values ...string) {
		if cmd.Flags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	complete("delimiter", ",", ";", "tab", "|")
	complete("log-format", "auto", "text", "json")
	complete("log-level", "debug", "info", "warn", "error")
	complete("default-country", check.Countries()...)
	complete("package", check.Packages...)
	return cmd
}

// commandText is the text of a command's help. The long texts are
// reflowed (see writeHelp); examples are shown as they are. Each command's
// is in its file.
type commandText struct{ short, long, usage, examples, exit string }

// tailorCompletion gives cobra's completion command and its shells this
// tool's help: usage line and examples.
func (inv *invocation) tailorCompletion() {
	var comp *cobra.Command
	for _, c := range inv.root.Commands() {
		if c.Name() == "completion" {
			comp = c
		}
	}
	if comp == nil {
		return
	}
	comp.Short = "shell completion script: bash, zsh, fish or powershell"
	comp.Args = cobra.ArbitraryArgs
	comp.RunE = func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("completion needs the shell: wholesale-batch completion bash|zsh|fish|powershell")
		}
		return usagef("no completion script for %q: the shells are bash, zsh, fish and powershell", args[0])
	}
	comp.Annotations = map[string]string{annUsage: "wholesale-batch completion bash|zsh|fish|powershell [--no-descriptions]"}
	comp.Example = `  source <(wholesale-batch completion bash)        # this bash session
  wholesale-batch completion bash > /etc/bash_completion.d/wholesale-batch
  wholesale-batch completion zsh > "${fpath[1]}/_wholesale-batch"
  wholesale-batch completion fish > ~/.config/fish/completions/wholesale-batch.fish
  wholesale-batch completion powershell | Out-String | Invoke-Expression`
	examples := map[string]string{
		"bash": `  source <(wholesale-batch completion bash)
  wholesale-batch completion bash > /etc/bash_completion.d/wholesale-batch`,
		"zsh": `  source <(wholesale-batch completion zsh)
  wholesale-batch completion zsh > "${fpath[1]}/_wholesale-batch"`,
		"fish": `  wholesale-batch completion fish | source
  wholesale-batch completion fish > ~/.config/fish/completions/wholesale-batch.fish`,
		"powershell": `  wholesale-batch completion powershell | Out-String | Invoke-Expression`,
	}
	for _, c := range comp.Commands() {
		c.Short = "print the completion script for " + c.Name()
		c.Example = examples[c.Name()]
		c.Annotations = map[string]string{annUsage: "wholesale-batch completion " + c.Name() + " [--no-descriptions]"}
	}
}

// completeCommands completes the argument of help.
func (inv *invocation) completeCommands(_ *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, c := range inv.root.Commands() {
		if c.IsAvailableCommand() && strings.HasPrefix(c.Name(), prefix) {
			out = append(out, cobra.CompletionWithDesc(c.Name(), c.Short))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// checkArgs catches, before cobra parses, what it would get wrong or
// explain badly: a misspelt command (cobra would parse its flags as the
// root's) and a long flag with one dash (pflag reads -input as -i nput).
// It also keeps the arguments after the command's name for the run.
func (inv *invocation) checkArgs(args []string) error {
	first := args[0]
	if first == cobra.ShellCompRequestCmd || first == cobra.ShellCompNoDescRequestCmd {
		return nil // the shell completing a partial line
	}
	cmd, rest, err := inv.root.Find(args)
	if !strings.HasPrefix(first, "-") && (err != nil || cmd == inv.root) {
		return inv.unknownCommand(first)
	}
	if err != nil {
		return nil // cobra reports it
	}
	inv.raw = rest
	cmd.InitDefaultHelpFlag()
	cmd.InitDefaultVersionFlag()
	return singleDashLong(cmd, rest)
}

// unknownCommand names the closest command, or lists them.
func (inv *invocation) unknownCommand(name string) error {
	if s := inv.root.SuggestionsFor(name); len(s) > 0 {
		return usagef("unknown command %q: did you mean %s? (see wholesale-batch --help)", name, s[0])
	}
	if strings.ContainsAny(name, "./\\") {
		return usagef("unknown command %q: the command comes first and the file goes in --input, e.g. wholesale-batch precheck --input %s --output results.csv", name, name)
	}
	names := append(command.Names(), "auth")
	return usagef("unknown command %q: the commands are %s and %s (see wholesale-batch --help)", name, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// singleDashLong refuses -input and -rate=5: Go's flag package read them
// as --input and --rate, pflag as shorthands (-i with the value "nput").
func singleDashLong(cmd *cobra.Command, args []string) error {
	fs := cmd.Flags()
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return nil
		case strings.HasPrefix(a, "--"):
			if f := fs.Lookup(strings.TrimPrefix(a, "--")); f != nil && f.NoOptDefVal == "" {
				i++ // its value, whatever it looks like
			}
		case len(a) > 2 && a[0] == '-':
			name, value, _ := strings.Cut(a[1:], "=")
			if fs.Lookup(name) != nil {
				return usagef("%s: long flags take two dashes: --%s (see %s --help)", a, strings.TrimPrefix(a, "-"), cmd.CommandPath())
			}
			// -inptu: a misspelt long flag, which pflag would read as -i nptu.
			if len(name) > 2 && value == "" && !strings.ContainsAny(name, "./\\") {
				if s := closestFlag(fs, name); s != "" {
					return usagef("unknown flag %s: did you mean --%s? (see %s --help)", a, s, cmd.CommandPath())
				}
			}
		case len(a) == 2 && a[0] == '-':
			if f := fs.ShorthandLookup(a[1:]); f != nil && f.NoOptDefVal == "" {
				i++
			}
		}
	}
	return nil
}

// flagError is cobra's FlagErrorFunc: one line that names the fix.
func (inv *invocation) flagError(cmd *cobra.Command, err error) error {
	msg := flagProblem(cmd.Flags(), err)
	var ne *pflag.NotExistError
	if errors.As(err, &ne) && !strings.Contains(msg, "did you mean") {
		name := ne.GetSpecifiedName()
		if short := ne.GetSpecifiedShortnames(); short != "" {
			name, _, _ = strings.Cut(short, "=") // -version: a long name after one dash
		}
		if where := inv.flagOwners(cmd, name); where != "" && len(name) > 1 {
			msg += ": " + where
		}
	}
	return usagef("%s (see %s --help)", msg, cmd.CommandPath())
}

// flagOwners says which other commands have the flag name, for a flag
// given to the wrong command ("validate --rate").
func (inv *invocation) flagOwners(cmd *cobra.Command, name string) string {
	if cmd != inv.root && inv.root.Flags().Lookup(name) != nil {
		return fmt.Sprintf("it goes before any command: wholesale-batch --%s", name)
	}
	var owners []string
	for _, c := range inv.root.Commands() {
		if c != cmd && c.Flags().Lookup(name) != nil {
			owners = append(owners, c.Name())
		}
	}
	switch {
	case len(owners) == 0:
		return ""
	case cmd == inv.root:
		// The example names the command most runs use: the first in help's order.
		first := slices.MinFunc(owners, func(a, b string) int { return rankOf(a) - rankOf(b) })
		return fmt.Sprintf("flags go after the command: wholesale-batch %s --%s ...", first, name)
	}
	list := owners[0]
	if n := len(owners); n > 1 {
		list = strings.Join(owners[:n-1], ", ") + " and " + owners[n-1]
	}
	return fmt.Sprintf("--%s is a flag of %s, not of %s", name, list, cmd.Name())
}

// flagProblem says what is wrong with a flag pflag refused, and the fix
// where there is one: the closest flag for an unknown name, the
// placeholder for a missing value, the expected kind for a bad value.
func flagProblem(fs *pflag.FlagSet, err error) string {
	var (
		ne  *pflag.NotExistError
		ve  *pflag.ValueRequiredError
		ive *pflag.InvalidValueError
	)
	switch {
	case errors.As(err, &ne) && ne.GetSpecifiedShortnames() != "":
		short := ne.GetSpecifiedShortnames()
		name, _, _ := strings.Cut(short, "=")
		if len(name) > 1 && (fs.Lookup(name) != nil || closestFlag(fs, name) != "") {
			long := name
			if fs.Lookup(name) == nil {
				long = closestFlag(fs, name)
			}
			return fmt.Sprintf("unknown flag -%s: long flags take two dashes: did you mean --%s?", short, long)
		}
		if len(name) > 1 {
			return fmt.Sprintf("unknown flag -%s", short)
		}
		return fmt.Sprintf("unknown flag -%s", ne.GetSpecifiedName())
	case errors.As(err, &ne):
		name := ne.GetSpecifiedName()
		if strings.Contains(strings.ToLower(name), "token") && fs.Lookup("token-file") != nil {
			return fmt.Sprintf("unknown flag --%s: the token is never given as a flag value (it would show in ps and shell history): set WEBEX_TOKEN or use --token-file FILE", name)
		}
		if s := closestFlag(fs, name); s != "" {
			return fmt.Sprintf("unknown flag --%s: did you mean --%s?", name, s)
		}
		return fmt.Sprintf("unknown flag --%s", name)
	case errors.As(err, &ve):
		f := ve.GetFlag()
		given := "--" + f.Name
		if ve.GetSpecifiedShortnames() != "" {
			given = "-" + f.Shorthand
		}
		return fmt.Sprintf("%s needs a value: %s %s", given, given, placeholder(f))
	case errors.As(err, &ive):
		f := ive.GetFlag()
		return fmt.Sprintf("invalid value %q for --%s: %s", ive.GetValue(), f.Name, valueProblem(f, errors.Unwrap(err)))
	}
	return err.Error()
}

// valueProblem says what a flag of f's type takes.
func valueProblem(f *pflag.Flag, cause error) string {
	switch f.Value.Type() {
	case "int", "int64":
		return "want a whole number"
	case "float64":
		return "want a number, e.g. 5 or 0.5"
	case "duration":
		return "want a duration, e.g. 30s, 5m or 2h"
	case "bool":
		return "want true or false"
	}
	if cause != nil {
		return cause.Error()
	}
	return "not a value it takes"
}

// closestFlag is the flag name nearest to name: within an edit distance of
// 2 (1 for names of 3 letters or fewer), adjacent swaps counting 1, case
// ignored; else the one flag that name begins. "" when none is close.
func closestFlag(fs *pflag.FlagSet, name string) string {
	name = strings.ToLower(name)
	limit := 2
	if len(name) <= 3 {
		limit = 1
	}
	best, bestDist := "", limit+1
	var prefixed []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := editDistance(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
		if len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			prefixed = append(prefixed, f.Name)
		}
	})
	if best == "" && len(prefixed) == 1 {
		best = prefixed[0]
	}
	return best
}

// editDistance is the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and swaps of adjacent letters
// ("inptu" is 1 from "input").
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// rankOf is a root command's place in commandOrder (others after).
func rankOf(name string) int {
	if i := slices.Index(commandOrder, name); i >= 0 {
		return i
	}
	return len(commandOrder)
}

// sortCommands orders the root's commands as commandOrder, a command's
// subcommands as subcommandOrder, others after by name.
func sortCommands(cmds []*cobra.Command) {
	rank := func(c *cobra.Command) int {
		order := commandOrder
		if c.HasParent() && c.Parent().HasParent() {
			order = subcommandOrder
		}
		if i := slices.Index(order, c.Name()); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(cmds, func(a, b *cobra.Command) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Name(), b.Name())
	})
}

// execute runs the invocation and returns the exit code.
func (inv *invocation) execute(ctx context.Context, args []string) int {
	env := inv.env
	if err := inv.checkArgs(args); err != nil {
		return inv.fail(err)
	}
	inv.root.SetArgs(args)
	if _, err := inv.root.ExecuteContextC(ctx); err != nil {
		return inv.fail(err)
	}
	if !inv.ran {
		return ExitOK // help, --version, version, completion
	}
	code, err := inv.code, inv.err
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			return inv.fail(err)
		}
		fmt.Fprintf(env.Stderr, "wholesale-batch: %s\n", err)
		if code == ExitOK {
			code = ExitAborted
		}
	}
	return code
}

// fail prints a usage error on one line: exit 2. An error of cobra's own
// (an argument count) is cut to its first line and pointed to help.
func (inv *invocation) fail(err error) int {
	var ue *usageError
	msg := err.Error()
	if !errors.As(err, &ue) {
		msg, _, _ = strings.Cut(msg, "\n")
		msg += " (see wholesale-batch --help)"
	}
	fmt.Fprintf(inv.env.Stderr, "wholesale-batch: %s\n", msg)
	return ExitUsage
}
