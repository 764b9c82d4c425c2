package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/ratelimit"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// authStatusOptions are auth status's flags.
type authStatusOptions struct {
	credentials, baseURL string
	sandbox              bool
	timeout              time.Duration
}

func (inv *invocation) authStatusCommand() *cobra.Command {
	o := &authStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "say whether the credentials work: expiries, one read-only call",
		Long: `Reads the credentials file, refreshes the access token if it is due (saving the file as a
job does), makes one read-only call (GET /wholesale/subscribers?max=1) and says which integration
the file holds, when its access token and refresh token expire, and whether the wholesale calls are
allowed. No secret is shown. For the morning check before a nightly job, or in the job itself.`,
		Annotations: map[string]string{
			annUsage:  "wholesale-batch auth status --credentials FILE [flags]",
			annFooter: "Exit codes: 0 a job with this file would run, 2 usage error, 3 it would not (the file, the refresh or the API refused): the last line says why and the fix.",
		},
		Example: `  wholesale-batch auth status --credentials ~/.config/wholesale-batch/creds.json
  # cron, before the job: mails the line saying why, only when it would not run
  0 1 * * *  wholesale-batch auth status --credentials /etc/webex/credentials.json >/dev/null`,
		Args: cobra.ArbitraryArgs, // refused below, naming the flag
		RunE: func(cmd *cobra.Command, args []string) error {
			inv.ran = true
			if len(args) > 0 {
				inv.code, inv.err = ExitUsage, usagef("unexpected argument %q: the file goes in --credentials FILE", args[0])
				return nil
			}
			inv.code, inv.err = runAuthStatus(cmd.Context(), o, inv.env)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.credentials, "credentials", "", "the credentials file to check (required)")
	fs.StringVar(&o.baseURL, "base-url", webex.DefaultBaseURL, "API base: the call goes to {base}/wholesale/subscribers, a refresh to {base}/access_token")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "how long the API call may take")
	fs.BoolVar(&o.sandbox, "sandbox", false, "check against the built-in fake API (the file is read, never written)")
	authFlag(fs, "credentials", "Status", "FILE")
	authFlag(fs, "base-url", "Connection", "URL")
	authFlag(fs, "timeout", "Connection", "DURATION")
	authFlag(fs, "sandbox", "Connection", "")
	return cmd
}

// runAuthStatus is auth status: exit 0 when a job would run with the file, 3
// when it would not. The report goes to standard output, the reason a job
// would not run to standard error as the last line.
func runAuthStatus(ctx context.Context, o *authStatusOptions, env Env) (int, error) {
	if o.credentials == "" {
		return ExitUsage, usagef("auth status needs --credentials FILE: the file auth login wrote")
	}
	out := env.Stdout
	row := func(label, text string) { fmt.Fprintf(out, "%-14s %s\n", label, text) }
	row("credentials", o.credentials)
	f, err := oauth.Load(o.credentials)
	if err != nil {
		return ExitAborted, fmt.Errorf("not ready: %v", err)
	}
	row("integration", "client id "+shortID(f.ClientID))
	base := o.baseURL
	if o.sandbox {
		srv, err := fakeapi.Start(fakeapi.Options{OAuth: &fakeapi.OAuth{ClientID: f.ClientID, ClientSecret: f.ClientSecret, RefreshToken: f.RefreshToken}})
		if err != nil {
			return ExitAborted, fmt.Errorf("starting the sandbox: %w", err)
		}
		defer srv.Close()
		base = srv.URL
	}
	src := oauth.NewSource(o.credentials, f, base, nil)
	src.Retry = webex.RetryPolicy{MaxAttempts: 3}
	src.ReadOnly = o.sandbox
	refreshed := false
	src.OnRefresh = func(time.Duration) { refreshed = true }
	// The base URL is checked (HTTPS but for loopback) before any token goes to it.
	client, err := webex.New(webex.Config{BaseURL: base, Tokens: src, Timeout: o.timeout, UserAgent: "wholesale-batch/" + Version,
		Retry: webex.RetryPolicy{MaxAttempts: 3}, Pacer: ratelimit.New(5)})
	if err != nil {
		return ExitUsage, usagef("%v", err)
	}
	var warning error
	var later *oauth.LaterError
	if err := src.Check(ctx); errors.As(err, &later) {
		warning = err // a job runs, and says the same at its start
	} else if err != nil {
		return ExitAborted, fmt.Errorf("not ready: %v", err)
	}
	info, probeErr := client.Probe(ctx)
	access, refresh := src.Expiry()
	note := ""
	if refreshed {
		note = "; refreshed just now, the file saved"
		if o.sandbox {
			note = "; refreshed just now, in memory only (--sandbox)"
		}
	}
	row("access token", "expires "+when(access)+note)
	row("refresh token", "expires "+when(refresh)+" unless used; each refresh renews it")
	if probeErr != nil {
		row("wholesale API", "not allowed")
		return ExitAborted, fmt.Errorf("not ready: %s", probeProblem(probeErr, o.credentials))
	}
	row("wholesale API", fmt.Sprintf("allowed: GET /wholesale/subscribers?max=1 answered %d [trackingId %s]", info.Status, info.TrackingID))
	if warning != nil {
		fmt.Fprintf(env.Stderr, "wholesale-batch: warning: %v\n", warning)
	}
	fmt.Fprintln(out, "ready: a job with these credentials would run")
	return ExitOK, nil
}

// probeProblem says why the read-only call failed, and the fix.
func probeProblem(err error, path string) string {
	var ae *webex.APIError
	var te *webex.TokenError
	switch {
	case errors.As(err, &te):
		if msg := te.Err.Error(); strings.Contains(msg, "auth login") {
			return msg
		}
		return fmt.Sprintf("%v (%s)", te.Err, oauth.Relogin(path))
	case errors.As(err, &ae) && ae.Status == 403:
		return fmt.Sprintf("the API refused the wholesale calls (%v): the token needs the scopes %s, and the person who authorized must be an administrator of a Webex Wholesale partner; add the scopes to the integration and run %s",
			ae, strings.Join(oauth.DefaultScopes, " and "), oauth.Relogin(path))
	case errors.Is(err, webex.ErrUnauthorized):
		return fmt.Sprintf("the API refused the access token (HTTP 401) even after a refresh; run %s", oauth.Relogin(path))
	}
	return fmt.Sprintf("the read-only call failed: %v", err)
}
