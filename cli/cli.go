// Package cli is the wholesale-batch command line: it parses flags into a
// plain config, runs the job, and is the one place that maps outcomes to
// exit codes.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
)

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
//
// The commands are cobra's (see newRoot); help and --version print to
// env.Stdout with exit 0; a bad flag or an unknown command is one line on
// env.Stderr, "wholesale-batch: ...", naming the fix, with exit 2; no
// arguments at all print the main help on env.Stderr, exit 2.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	inv := newRoot(env)
	if len(args) == 0 {
		writeHelp(env.Stderr, inv.root)
		return ExitUsage
	}
	return inv.execute(ctx, args)
}
