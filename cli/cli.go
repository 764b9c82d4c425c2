// Package cli is the wholesale-batch command line: it parses flags into a
// plain config, runs the job, and is the one place that maps outcomes to
// exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3".
var Version = "dev"

// Exit codes, documented in the README.
const (
	ExitOK      = 0 // every row passed (or was provisioned)
	ExitPartial = 1 // the run finished, some rows did not pass
	ExitUsage   = 2 // bad flag, unreadable input, no token: nothing was sent
	ExitAborted = 3 // the run stopped early (401, interrupt); finished rows are written
)

// Env is the outside world of one invocation, so tests can run the whole
// tool in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StderrTTY turns the progress bar on; StdinTTY allows confirmation prompts.
	StderrTTY, StdinTTY bool
}

// usageError is a problem the user fixes before anything is sent (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// Run executes one invocation and returns its exit code. Cancelling ctx is
// an interrupt: no new rows are taken, requests in flight finish, rows
// still waiting for their turn at the rate limit are not sent.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, mainUsage)
		return ExitUsage
	}
	var err error
	var code int
	switch args[0] {
	case "precheck":
		code, err = runBatch(ctx, modePrecheck, args[1:], env)
	case "validate":
		code, err = runBatch(ctx, modeValidate, args[1:], env)
	case "provision":
		code, err = runProvision(ctx, args[1:], env)
	case "version", "--version", "-version":
		fmt.Fprintf(env.Stdout, "wholesale-batch %s\n", Version)
		return ExitOK
	case "help", "--help", "-help", "-h":
		fmt.Fprint(env.Stdout, mainUsage)
		return ExitOK
	default:
		fmt.Fprintf(env.Stderr, "wholesale-batch: unknown command %q\n\n%s", args[0], mainUsage)
		return ExitUsage
	}
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(env.Stderr, "wholesale-batch: %s\n", ue.msg)
			return ExitUsage
		}
		fmt.Fprintf(env.Stderr, "wholesale-batch: %s\n", err)
		if code == ExitOK {
			code = ExitAborted
		}
	}
	return code
}

const mainUsage = `wholesale-batch: bulk precheck and provisioning of Webex Wholesale subscribers from a CSV.

Usage:
  wholesale-batch precheck  --input FILE --output FILE [flags]   ask the API whether each row would provision
  wholesale-batch validate  --input FILE --output FILE [flags]   check the file offline: no token, no network
  wholesale-batch provision --input FILE --output FILE [flags]   precheck, then provision the rows that pass
  wholesale-batch --version

Try it with no token and no network:
  wholesale-batch precheck --sandbox --input samples/subscribers.csv --output results.csv

Run "wholesale-batch COMMAND --help" for a command's flags.
Exit codes: 0 every row passed, 1 some rows did not, 2 usage or input error (nothing sent),
3 run stopped early (401, interrupt): finished rows are written.
`
