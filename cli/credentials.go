package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// auth is how a run authenticates: a fixed token, or a source that
// refreshes one (--credentials).
type auth struct {
	token   string
	tokens  *oauth.Source
	baseURL string
	close   func()
}

// credentials returns the run's authentication and base URL. The token
// comes from --credentials, else --token-file, else $WEBEX_TOKEN, never
// from a flag value (it would show in ps and shell history). --sandbox
// starts the fake API with a token of its own, or, with --credentials, as
// an OAuth server that accepts the file's client and refresh token; the
// file is then read and checked but never written (nor locked): the
// sandbox's tokens are fake, and the file's real refresh token must
// survive trying the cron line there. --sandbox-state (sandbox.go) loads
// the sandbox's state at the start and saves it when the run closes.
func credentials(cfg *config, env Env) (auth, error) {
	a := auth{baseURL: cfg.baseURL, close: func() {}}
	var creds oauth.File
	if cfg.credentials != "" {
		var err error
		if creds, err = oauth.Load(cfg.credentials); err != nil {
			return a, usagef("--credentials: %v", err)
		}
	}
	if cfg.sandboxState != "" && !cfg.sandbox {
		return a, usagef("--sandbox-state %s keeps the sandbox's subscribers between runs: give it with --sandbox", cfg.sandboxState)
	}
	if cfg.sandbox {
		opts := fakeapi.Options{Customers: sandboxCustomers()}
		if cfg.credentials != "" {
			opts.OAuth = &fakeapi.OAuth{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, RefreshToken: creds.RefreshToken}
		} else {
			var b [16]byte
			_, _ = rand.Read(b[:])
			a.token = "sandbox-" + hex.EncodeToString(b[:])
			opts.Token = a.token
		}
		srv, err := fakeapi.Start(opts)
		if err != nil {
			return a, fmt.Errorf("starting the sandbox: %w", err)
		}
		state, err := loadSandboxState(cfg, env, srv.Server)
		if err != nil {
			_ = srv.Close()
			return a, err
		}
		// Closed first, so no request changes the state being saved.
		a.baseURL, a.close = srv.URL, func() { _ = srv.Close(); saveSandboxState(state, srv.Server, env.Stderr) }
	}
	switch {
	case cfg.credentials != "":
		a.tokens = oauth.NewSource(cfg.credentials, creds, a.baseURL, nil)
		// The token endpoint is retried as the API is, with a longer
		// timeout: an answer given up on may hold the new refresh token.
		a.tokens.Retry = webex.RetryPolicy{MaxAttempts: cfg.maxRetries + 1, RetryFor: cfg.retryFor, MaxRetryAfter: cfg.maxRetryAfter}
		a.tokens.Timeout = max(oauth.DefaultTimeout, 4*cfg.timeout)
		a.tokens.LockWait = max(oauth.DefaultLockWait, cfg.retryFor+2*a.tokens.Timeout) // outlast another run's refresh
		if cfg.sandbox {
			a.tokens.ReadOnly = true
			if !cfg.quiet {
				fmt.Fprintf(env.Stderr, "wholesale-batch: --sandbox: %s is read and checked but never written; the sandbox's tokens are fake and stay in memory\n", cfg.credentials)
			}
			break
		}
		// A run that must refresh at once proves first that the answer
		// could be saved: refused now (exit 2), nothing spent. A refresh
		// due later that would fail is said now, while there is time.
		var later *oauth.LaterError
		if err := a.tokens.Check(context.Background()); errors.As(err, &later) {
			if !cfg.quiet {
				fmt.Fprintf(env.Stderr, "wholesale-batch: warning: --credentials: %v\n", err)
			}
		} else if err != nil {
			return a, usagef("--credentials: %v", err)
		}
	case cfg.sandbox:
	default:
		tok, err := readToken(cfg.tokenFile, env)
		if err != nil {
			return a, err
		}
		a.token = tok
	}
	return a, nil
}

func readToken(file string, env Env) (string, error) {
	if file != "" {
		st, err := os.Stat(file)
		if err != nil {
			return "", usagef("cannot read --token-file: %v", unwrapPath(err))
		}
		if st.Mode().Perm()&0o004 != 0 {
			return "", usagef("--token-file %s is readable by every user of this machine; run: chmod 600 %s", file, file)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", usagef("cannot read --token-file: %v", unwrapPath(err))
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", usagef("--token-file %s is empty", file)
		}
		return tok, nil
	}
	tok := strings.TrimSpace(env.Getenv("WEBEX_TOKEN"))
	if tok == "" {
		return "", usagef("no API token: pass --credentials FILE (an integration's refresh token, renewed as it expires), --token-file FILE, or set WEBEX_TOKEN (or try --sandbox, which needs none)")
	}
	return tok, nil
}
