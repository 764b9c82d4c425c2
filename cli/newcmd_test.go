package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/command"
)

// flagSetOf is the flags of a command of the table, as its file defines them.
func flagSetOf(c *command.Command) *pflag.FlagSet {
	inv := newRoot(Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard})
	for _, cmd := range inv.root.Commands() {
		if cmd.Name() == c.Name {
			return cmd.Flags()
		}
	}
	return nil
}

// Each command's flags parse into its own options, without running: the
// runF a test gives gets them checked.
func TestNewCmdParsesWithoutRunning(t *testing.T) {
	t.Parallel()
	// parse runs args through a root whose command of that name is the
	// one build makes.
	parse := func(build func(inv *invocation) *cobra.Command, args ...string) (int, error) {
		t.Helper()
		inv := newRoot(Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }})
		cmd := build(inv)
		for _, c := range inv.root.Commands() {
			if c.Name() == cmd.Name() {
				inv.root.RemoveCommand(c)
			}
		}
		inv.root.AddCommand(cmd)
		code := inv.execute(context.Background(), args)
		return code, inv.err
	}
	var remove *removeOptions
	code, err := parse(func(inv *invocation) *cobra.Command {
		return newCmdRemove(inv, func(_ context.Context, o *removeOptions, _ Env) (int, error) { remove = o; return 0, nil })
	}, "remove", "-i", "r.csv", "-o", "out.csv", "--max-remove", "7", "--yes", "--rate", "3")
	if code != 0 || err != nil || remove == nil || remove.max.n != 7 || !remove.yes || remove.rate != 3 || remove.input != "r.csv" {
		t.Errorf("remove: exit %d, %v, %+v", code, err, remove)
	}

	var prov *provisionOptions
	code, err = parse(func(inv *invocation) *cobra.Command {
		return newCmdProvision(inv, func(_ context.Context, o *provisionOptions, _ Env) (int, error) { prov = o; return 0, nil })
	}, "provision", "--plan", "plan.csv", "-o", "out.csv", "--plan-max-age", "1h", "--canary", "2", "--package", "Webex Calling")
	if code != 0 || err != nil || prov == nil || prov.input != "plan.csv" || prov.planMaxAge != time.Hour || prov.canary != 2 || prov.pkg != "webex_calling" || prov.needsResults == nil {
		t.Errorf("provision: exit %d, %v, %+v", code, err, prov)
	}
	// A check of its own refuses before runF.
	prov = nil
	code, _ = parse(func(inv *invocation) *cobra.Command {
		return newCmdProvision(inv, func(_ context.Context, o *provisionOptions, _ Env) (int, error) { prov = o; return 0, nil })
	}, "provision", "-i", "in.csv", "-o", "out.csv", "--max-provision", "-1")
	if code != ExitUsage || prov != nil {
		t.Errorf("provision --max-provision -1: exit %d, ran %v", code, prov != nil)
	}

	// validate has no API flags, status no --yes.
	if f := flagSetOf(command.Validate); f.Lookup("rate") != nil || f.Lookup("resume") != nil {
		t.Error("validate has --rate or --resume")
	}
	if f := flagSetOf(command.Status); f.Lookup("yes") != nil || f.Lookup("customer-id") != nil {
		t.Error("status has --yes or --customer-id")
	}
}
