package cli

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/term"
)

// openBrowser starts the system's browser on url, best effort, without
// waiting for it: $BROWSER if set, else open (macOS), rundll32
// (Windows) or xdg-open. auth login calls it only when standard error is
// a terminal, so never in tests, and always prints the address too.
func openBrowser(url string, env Env) error {
	var cmd *exec.Cmd
	switch b := strings.TrimSpace(env.Getenv("BROWSER")); {
	case b != "":
		cmd = exec.Command(b, url)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", url)
	case runtime.GOOS == "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reaped; its outcome is the browser's business
	return nil
}

// askSecret asks for a secret on the terminal without echo. Only a real
// terminal has echo to turn off; an Env that says standard input is a
// terminal without being one (a test's) is read as a line. An interrupt
// gives the terminal back as it was.
func askSecret(ctx context.Context, env Env, prompt string) (string, error) {
	noSecret := usagef("no client secret: type it when asked (standard input must be a terminal), or pass --client-secret-file FILE")
	fd := -1
	if f, ok := env.Stdin.(interface{ Fd() uintptr }); ok && term.IsTerminal(int(f.Fd())) {
		fd = int(f.Fd())
	}
	if fd < 0 {
		if !env.StdinTTY {
			return "", noSecret
		}
		s, ok := ask(ctx, env, prompt)
		if s = strings.TrimSpace(s); !ok || s == "" {
			return "", noSecret
		}
		return s, nil
	}
	state, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("reading the client secret: %w", err)
	}
	fmt.Fprint(env.Stderr, prompt)
	type answer struct {
		b   []byte
		err error
	}
	got := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		got <- answer{b, err}
	}()
	select {
	case <-ctx.Done():
		_ = term.Restore(fd, state) // echo back on; the read is abandoned
		fmt.Fprintln(env.Stderr)
		return "", errors.New("interrupted at the client secret's prompt")
	case a := <-got:
		fmt.Fprintln(env.Stderr)
		s := strings.TrimSpace(string(a.b))
		if a.err != nil {
			return "", fmt.Errorf("reading the client secret: %w", a.err)
		}
		if s == "" {
			return "", noSecret
		}
		return s, nil
	}
}
