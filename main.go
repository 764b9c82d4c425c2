// Command wholesale-batch prechecks and provisions Webex Wholesale
// subscribers in bulk from a CSV file.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"golang.org/x/term"
)

func main() {
	// First interrupt: stop taking rows, finish and write. Second: quit now.
	ctx, interrupt := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		interrupt()
		<-sigs
		fmt.Fprintln(os.Stderr, "wholesale-batch: second interrupt: quitting at once")
		os.Exit(cli.ExitAborted)
	}()
	os.Exit(cli.Run(ctx, os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
	}))
}
