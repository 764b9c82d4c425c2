package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/check"
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

// commandOrder is the order help lists commands in.
var commandOrder = []string{"precheck", "validate", "provision", "status", "resend-consent", "remove", "completion", "version", "help"}

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

	for _, m := range []mode{modePrecheck, modeValidate, modeProvision, modeStatus, modeConsent, modeRemove} {
		root.AddCommand(inv.batchCommand(m))
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

// batchCommand is precheck, validate or provision.
func (inv *invocation) batchCommand(m mode) *cobra.Command {
	cmd := &cobra.Command{
		Use:     m.String(),
		Short:   commandHelp[m].short,
		Long:    commandHelp[m].long,
		Example: commandHelp[m].examples,
		Annotations: map[string]string{
			annUsage:  commandHelp[m].usage,
			annFooter: commandHelp[m].exit,
		},
		Args: cobra.ArbitraryArgs, // checked below, with a message that says where files go
	}
	// The command's flags are the run's config: cobra parses them once.
	cfg := &config{mode: m}
	fs := newFlagSet(m, cfg)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		inv.ran = true
		if len(args) > 0 {
			inv.code, inv.err = ExitUsage, usagef("unexpected argument %q: the input file goes in --input", args[0])
			return nil
		}
		cfg.args, cfg.flags = append([]string{m.String()}, inv.raw...), fs
		if err := cfg.check(); err != nil {
			inv.code, inv.err = ExitUsage, err
			return nil
		}
		switch {
		case m == modeProvision:
			inv.code, inv.err = runProvision(cmd.Context(), cfg, inv.env)
		case m.followUp():
			inv.code, inv.err = runFollowUp(cmd.Context(), cfg, inv.env)
		default:
			inv.code, inv.err = execute(cmd.Context(), cfg, inv.env)
		}
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

// commandHelp is the text of each run command's help. The long texts are
// reflowed (see writeHelp); examples are shown as they are.
var commandHelp = map[mode]struct{ short, long, usage, examples, exit string }{
	modePrecheck: {
		short: "ask the API whether each row would provision",
		long: `Asks the Webex API whether each row would provision (POST
/v1/wholesale/subscribers/validate), through one rate-limited pool, and writes one result row per
input row, in input order: outcome, HTTP status, info and error codes, the API's message and the
tracking id that Webex support asks for. Nothing is provisioned.

An interrupted or crashed run continues with the same command and --resume: rows already done
are not sent again.`,
		usage: "wholesale-batch precheck --input FILE --output FILE [flags]",
		examples: `  export WEBEX_TOKEN=...     # or --token-file ~/.webex-token
  wholesale-batch precheck --input subscribers.csv --output results.csv \
      --customer-id ID --package webex_calling

  # no token, no network: the built-in sandbox API and the sample file
  wholesale-batch precheck --sandbox --input samples/subscribers.csv --output results.csv

  # standard input to standard output; a slower rate, no progress bar
  wholesale-batch precheck -i - -o - < subscribers.csv > results.csv
  wholesale-batch precheck -i big.csv -o results.csv --rate 5 --no-progress

  # a long migration; after an interrupt or a crash, the same with --resume
  wholesale-batch precheck -i migration.csv -o migration-results.csv --retry-file retry.csv
  wholesale-batch precheck -i migration.csv -o migration-results.csv --retry-file retry.csv --resume

  # a plan for ops (provision --plan), with a page to send back to sales
  wholesale-batch precheck -i from-sales.csv -o plan.csv --customer-id ID --report plan.html`,
		exit: `Exit codes: 0 every row passed, 1 some rows did not (see the result file), 2 usage or
input error (nothing sent), 3 run stopped early (401, a burst of 403, the error-rate breaker, an
interrupt): finished rows are written and the resume command is printed.`,
	},
	modeValidate: {
		short: "check the file offline: no token, no network",
		long: `Checks the file offline (no token, no network) and writes the same result format:
precheck_result is "invalid" for rows that would be refused, with the column and the fix, and
empty for rows that would be sent.

Encodings, delimiters, header wordings, phone numbers damaged by Excel, duplicates and unknown
packages are checked; every change made to a value is listed in the notes column, and the
person's own columns come back beside the results.`,
		usage: "wholesale-batch validate --input FILE --output FILE [flags]",
		examples: `  wholesale-batch validate --input sales.csv --output checked.csv

  # a spreadsheet from sales: a page to send back, the result for Excel
  wholesale-batch validate -i from-sales.csv -o checked.csv --report checked.html --excel

  # semicolons, a column of ours under another name, UK numbers without +44
  wholesale-batch validate -i export.csv -o checked.csv --delimiter ";" \
      --map "Work Phone=primaryPhoneNumber" --default-country GB`,
		exit: `Exit codes: 0 every row is valid, 1 some rows are not (see the result file), 2 usage or
input error, 3 the result file could not be written.`,
	},
	modeProvision: {
		short: "precheck, then provision the rows that pass",
		long: `Prechecks every valid row, shows what will be provisioned (rows per customer and
package) and asks, then provisions the rows that passed, each exactly once: a request whose
answer is lost is never simply sent again; the subscriber is looked up first.

An interrupted or crashed run continues with the same command and --resume.`,
		usage: `wholesale-batch provision --input FILE --output FILE [flags]
wholesale-batch provision --plan FILE --output FILE [flags]`,
		examples: `  wholesale-batch provision -i subs.csv -o results.csv --customer-id ID   # asks to confirm
  wholesale-batch provision -i subs.csv -o results.csv --yes --wait       # unattended

  # Monday, sales: precheck into a plan; Tuesday, ops: provision the plan
  wholesale-batch precheck  --input subs.csv --output plan.csv
  wholesale-batch provision --plan plan.csv --output results.csv --yes

  # cron: only errors printed; the exit code and the manifest say what happened
  wholesale-batch provision --yes --quiet --token-file /etc/webex/token \
      --input today.csv --output results.csv --summary-json run.json --retry-file retry.csv

  # after an interrupt or a crash: only what is not done, never anyone twice
  wholesale-batch provision -i subs.csv -o results.csv --yes --resume`,
		exit: `Exit codes: 0 every row was provisioned (pending too with --accept-pending), 1 some rows
were not (see the result file), 2 usage or input error (nothing sent), 3 run stopped early (401,
a burst of 403, the error-rate breaker, an interrupt): finished rows are written and the resume
command is printed. A declined confirmation exits 1 and leaves no file.`,
	},
}

func init() {
	commandHelp[modeStatus] = struct{ short, long, usage, examples, exit string }{
		short: "look each subscriber up: who is provisioned, who is pending",
		long: `Read-only. Looks each row's subscriber up: by its subscriber_id when the input is a result
file of provision, else by email. Writes provision_result (provisioned, pending, not_found, error,
or an in-between status as the API gives it), subscriber_status, last_status_change and any errors
the subscriber carries. A nightly job runs it on yesterday's results to see who has consented.`,
		usage: "wholesale-batch status --input FILE --output FILE [flags]",
		examples: `  wholesale-batch status --input results.csv --output status.csv
  # any file with an email column works too
  wholesale-batch status -i people.csv -o status.csv --rate 5`,
		exit: `Exit codes: 0 every row is provisioned, 1 some are not (see the result file), 2 usage or
input error (nothing sent), 3 run stopped early: finished rows are written.`,
	}
	commandHelp[modeConsent] = struct{ short, long, usage, examples, exit string }{
		short: "send the consent email again to those still pending",
		long: `For each row whose subscriber is pending_user_migration (looked up first: the input's status
may be stale) and has been so for longer than --older-than, asks Webex to send the consent email
again (POST /subscribers/{id}/emails/consentMove), at most once a row a run, even across --resume.
Writes consent_result: sent, not_pending, too_recent, not_found, failed or error. Shows how many it
may send and asks first (--yes for cron).`,
		usage: "wholesale-batch resend-consent --input FILE --output FILE [flags]",
		examples: `  wholesale-batch status --input results.csv --output status.csv
  wholesale-batch resend-consent --input status.csv --output consent.csv --older-than 72h --yes`,
		exit: `Exit codes: 0 every row sent, not pending or too recent, 1 any other (not_found too; or the
confirmation declined: no file left), 2 usage or input error (nothing sent), 3 run stopped early:
finished rows are written and the resume command is printed.`,
	}
	commandHelp[modeRemove] = struct{ short, long, usage, examples, exit string }{
		short: "undo a provisioning run: remove the subscribers it made",
		long: `Removes (DELETE /wholesale/subscribers/{id}) each subscriber a provisioning run made: rows of
its result file with a subscriber_id and provision_result provisioned, pending or in between, and
rows in doubt (provision_result error), looked up by email in their customer first; the others are
skipped. In the API's words this "removes the mapping between Wholesale Subscriber and a Webex
user". First it shows what will go, per customer and package, and asks you to type the number of
subscribers (--yes for cron). Exactly once: the intent is journaled before each DELETE, and a
subscriber not found after an attempt whose answer was lost counts as removed. Writes
remove_result: removed, not_found, skipped, failed or error.`,
		usage: "wholesale-batch remove --input FILE --output FILE [flags]",
		examples: `  wholesale-batch remove --input results.csv --output removed.csv     # shows what will go, asks
  wholesale-batch remove -i results.csv -o removed.csv --yes --max-remove 10
  wholesale-batch remove -i results.csv -o removed.csv --yes --resume`,
		exit: `Exit codes: 0 every row removed or skipped as made by no run, 1 any other (not_found and
--max-remove's skips too; or the confirmation declined: no file left), 2 usage or input error, a file
that is not a result of provision or status (nothing sent), 3 run stopped early: finished rows are
written and the resume command is printed.`,
	}
}

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
	return usagef("unknown command %q: the commands are precheck, validate and provision (see wholesale-batch --help)", name)
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
		return fmt.Sprintf("flags go after the command: wholesale-batch %s --%s ...", owners[0], name)
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

// sortCommands orders commands as commandOrder, others after by name.
func sortCommands(cmds []*cobra.Command) {
	rank := func(c *cobra.Command) int {
		if i := slices.Index(commandOrder, c.Name()); i >= 0 {
			return i
		}
		return len(commandOrder)
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
