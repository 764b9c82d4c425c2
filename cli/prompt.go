package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ask prints question on stderr and reads one line of standard input. An
// interrupt (ctx ends) or the end of input before a whole line is "no":
// ok is false and nothing is taken from what is typed afterwards. The
// read runs apart, so an interrupt does not wait for a line that never
// comes.
func ask(ctx context.Context, env Env, question string) (answer string, ok bool) {
	fmt.Fprint(env.Stderr, question)
	type line struct {
		s   string
		err error
	}
	got := make(chan line, 1)
	go func() {
		s, err := bufio.NewReader(env.Stdin).ReadString('\n')
		got <- line{s, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(env.Stderr)
		fmt.Fprintln(env.Stderr, "wholesale-batch: interrupted at the prompt: taken as no")
		return "", false
	case l := <-got:
		if l.err != nil {
			fmt.Fprintln(env.Stderr)
			if l.err != io.EOF {
				fmt.Fprintf(env.Stderr, "wholesale-batch: reading the answer: %v: taken as no\n", l.err)
			} else {
				fmt.Fprintln(env.Stderr, "wholesale-batch: end of input at the prompt: taken as no")
			}
			return "", false
		}
		return strings.TrimSpace(l.s), true
	}
}

// confirmYes asks a yes/no question; only "y" or "yes" goes ahead.
func confirmYes(ctx context.Context, env Env, question string) bool {
	a, ok := ask(ctx, env, question)
	if !ok {
		return false
	}
	switch strings.ToLower(a) {
	case "y", "yes":
		return true
	}
	return false
}

// confirmCount asks the user to type n: removing takes typing the number of
// subscribers, so a reflexive "y" cannot undo a whole migration.
func confirmCount(ctx context.Context, env Env, question string, n int) bool {
	a, ok := ask(ctx, env, question)
	if !ok {
		return false
	}
	got, err := strconv.Atoi(a)
	return err == nil && got == n
}

// declined ends a run whose confirmation was not given: nothing was sent
// that changes anything, so it leaves no file behind (the journal of a run
// being resumed stays: it is that run's), says once what was not done, and
// exits 1.
func (j *job) declined(notDone string) (int, error) {
	kept := j.jr != nil && j.jr.resumed
	j.abandon()
	msg := "wholesale-batch: not confirmed: " + notDone + "; no file was written"
	if kept {
		msg += fmt.Sprintf(" (the journal %s of the run being resumed is kept: the same command with --resume continues it)", j.jr.path)
	}
	fmt.Fprintln(j.env.Stderr, msg)
	return ExitPartial, nil
}

// abandon ends a run that must leave nothing behind: it closes everything
// and removes the files this run created (the result and retry files,
// and its journal unless it continues an earlier run's).
func (j *job) abandon() {
	fresh := j.jr != nil && !j.jr.resumed
	if j.out != nil {
		_, _ = j.out.close()
		if j.cfg.output != "-" {
			_ = os.Remove(j.cfg.output)
		}
		if j.cfg.retryFile != "" {
			_ = os.Remove(j.cfg.retryFile)
		}
		j.out = nil
	}
	if j.jr != nil {
		_ = j.jr.close(fresh) // close(true) removes the journal
	}
	j.close()
}
