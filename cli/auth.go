package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wholesale-batch/wholesale-batch/oauth"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// DefaultLoginPort is the loopback port of auth login's redirect, which
// the integration registers as http://127.0.0.1:48123/callback.
const DefaultLoginPort = 48123

// The sandbox's integration: --sandbox needs no real one.
const (
	sandboxClientID     = "sandbox-client"
	sandboxClientSecret = "sandbox-secret"
)

// authLoginOptions are auth login's flags.
type authLoginOptions struct {
	credentials, clientID, scopes, secretFile, baseURL string
	port                                               int
	force, sandbox, noBrowser, scopesSet               bool
	timeout                                            time.Duration
}

// authCommand is "auth": login and status.
func (inv *invocation) authCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "authorize once (login), check the credentials (status)",
		Long: `Gets the credentials file that --credentials reads, and says whether it still works.
"auth login" runs the OAuth authorization in a browser once; "auth status" makes one
read-only call with the file and says whether a job would run.`,
		Annotations: map[string]string{annUsage: "wholesale-batch auth login|status --credentials FILE [flags]"},
		Example: `  wholesale-batch auth login --credentials ~/.config/wholesale-batch/creds.json --client-id ID
  wholesale-batch auth status --credentials ~/.config/wholesale-batch/creds.json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for auth: the commands are login and status (see wholesale-batch auth --help)", args[0])
			}
			writeHelp(inv.env.Stderr, cmd)
			inv.ran, inv.code = true, ExitUsage
			return nil
		},
	}
	cmd.AddCommand(inv.authLoginCommand(), inv.authStatusCommand())
	return cmd
}

// authFlag files a flag under a help group, with its value's name.
func authFlag(fs *pflag.FlagSet, name, group, placeholder string) {
	f := fs.Lookup(name)
	f.Annotations = map[string][]string{annGroup: {group}}
	if placeholder != "" {
		f.Annotations[annPlaceholder] = []string{placeholder}
	}
}

func (inv *invocation) authLoginCommand() *cobra.Command {
	o := &authLoginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "authorize an integration in a browser and write the credentials file",
		Long: `Runs the OAuth authorization-code flow (with PKCE) of a Webex integration and writes
the credentials file that --credentials reads (mode 0600): client id, client secret and the
refresh token, which a nightly job then keeps renewed.

Once, on the integration's page of the Webex developer portal: register the redirect URI
http://127.0.0.1:48123/callback (or the port given with --port) and the scopes
spark-admin:wholesale_subscribers_read, spark-admin:wholesale_subscribers_write and
spark-admin:wholesale_customers_read (for externalCustomerId columns). Then this
command asks for the client secret without showing it (or reads --client-secret-file), opens the
authorization page in a browser where it can and always prints its address: sign in as a partner
administrator and accept. An existing file is replaced only with --force (its client id and
secret are then used unless given).`,
		Annotations: map[string]string{
			annUsage:  "wholesale-batch auth login --credentials FILE [--client-id ID] [--client-secret-file FILE] [flags]",
			annFooter: "Exit codes: 0 authorized and saved, 2 usage error, an existing file, the port taken (nothing sent), 3 the authorization failed (declined, wrong state, code refused, no answer in time): no file written.",
		},
		Example: `  wholesale-batch auth login --credentials /etc/webex/credentials.json --client-id C1a2...
  # a server without a browser: open the address printed on a machine that
  # forwards the port to it (ssh -L 48123:127.0.0.1:48123 server)
  wholesale-batch auth login --credentials creds.json --client-id ID \
      --client-secret-file secret.txt
  # after invalid_grant (refresh token expired or revoked): the same integration
  wholesale-batch auth login --credentials creds.json --force`,
		Args: cobra.ArbitraryArgs, // refused below, naming the flag
		RunE: func(cmd *cobra.Command, args []string) error {
			inv.ran = true
			if len(args) > 0 {
				inv.code, inv.err = ExitUsage, usagef("unexpected argument %q: the file goes in --credentials FILE", args[0])
				return nil
			}
			o.scopesSet = cmd.Flags().Changed("scopes")
			inv.code, inv.err = runAuthLogin(cmd.Context(), o, inv.env)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.credentials, "credentials", "", "the credentials file to write (JSON, mode 0600), as --credentials reads it (required)")
	fs.StringVar(&o.clientID, "client-id", "", "the integration's client id (asked when not given)")
	fs.StringVar(&o.secretFile, "client-secret-file", "", "read the client secret from this file instead of asking for it; never given as a flag value")
	fs.StringVar(&o.scopes, "scopes", "", "the scopes to ask for, separated by spaces or commas; by default "+strings.Join(oauth.DefaultScopes, " and "))
	fs.IntVar(&o.port, "port", DefaultLoginPort, "the loopback port of the redirect http://127.0.0.1:PORT/callback registered in the integration")
	fs.BoolVar(&o.force, "force", false, "replace an existing credentials file")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long to wait for the browser's answer")
	fs.BoolVar(&o.noBrowser, "no-browser", false, "only print the authorization page's address; do not open a browser")
	fs.StringVar(&o.baseURL, "base-url", webex.DefaultBaseURL, "API base: the authorization page is {base}/authorize, the token endpoint {base}/access_token")
	fs.BoolVar(&o.sandbox, "sandbox", false, "authorize against the built-in fake API: a file for trying --sandbox --credentials, no real integration needed")
	for _, f := range []struct{ name, group, ph string }{
		{"credentials", "Login", "FILE"}, {"client-id", "Login", "ID"}, {"client-secret-file", "Login", "FILE"},
		{"scopes", "Login", "SCOPES"}, {"port", "Login", "N"}, {"force", "Login", ""}, {"timeout", "Login", "DURATION"},
		{"no-browser", "Login", ""}, {"base-url", "Connection", "URL"}, {"sandbox", "Connection", ""},
	} {
		authFlag(fs, f.name, f.group, f.ph)
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		var ne *pflag.NotExistError
		if errors.As(err, &ne) && strings.Contains(strings.ToLower(ne.GetSpecifiedName()), "secret") {
			return usagef("unknown flag --%s: the client secret is never given as a flag value (it would show in ps and shell history): type it when asked, or pass --client-secret-file FILE", ne.GetSpecifiedName())
		}
		return inv.flagError(c, err)
	})
	return cmd
}

// runAuthLogin is auth login: the file is made ready first (refused when it
// exists, or when its folder would refuse it), then the browser's answer
// is waited for and its code exchanged; only a login that worked leaves a
// file.
func runAuthLogin(ctx context.Context, o *authLoginOptions, env Env) (int, error) {
	if o.credentials == "" {
		return ExitUsage, usagef("auth login needs --credentials FILE: the file to write the client id, secret and refresh token to")
	}
	if o.timeout <= 0 {
		return ExitUsage, usagef("--timeout must be positive, e.g. 5m")
	}
	if o.port < 0 || o.port > 65535 {
		return ExitUsage, usagef("--port %d is not a port: the integration's redirect is http://127.0.0.1:PORT/callback, PORT from 1 to 65535", o.port)
	}
	scopes := strings.FieldsFunc(o.scopes, func(r rune) bool { return r == ' ' || r == ',' })
	if !o.scopesSet {
		scopes = oauth.DefaultScopes
	}
	if len(scopes) == 0 {
		return ExitUsage, usagef("--scopes is empty: give at least one, e.g. --scopes %q", strings.Join(oauth.DefaultScopes, " "))
	}
	id, secret, err := authLoginClient(ctx, o, env)
	if err != nil {
		return ExitUsage, err
	}
	file, err := oauth.PrepareNew(o.credentials, o.force)
	if err != nil {
		return ExitUsage, usagef("%v", err)
	}
	base := o.baseURL
	if o.sandbox {
		srv, err := fakeapi.Start(fakeapi.Options{OAuth: &fakeapi.OAuth{ClientID: id, ClientSecret: secret}})
		if err != nil {
			file.Abort()
			return ExitAborted, fmt.Errorf("starting the sandbox: %w", err)
		}
		defer srv.Close()
		base = srv.URL
	}
	p, err := oauth.Login{BaseURL: base, ClientID: id, ClientSecret: secret, Scopes: scopes, Port: o.port}.Start()
	if err != nil {
		file.Abort()
		return ExitUsage, usagef("%v", err)
	}
	fmt.Fprintf(env.Stderr, "wholesale-batch: open this page in a browser, sign in as a partner administrator and accept (waiting up to %v for the answer at %s):\n  %s\n",
		o.timeout, p.RedirectURI(), p.URL())
	if env.StderrTTY && !o.noBrowser {
		if err := openBrowser(p.URL(), env); err != nil {
			fmt.Fprintf(env.Stderr, "wholesale-batch: no browser could be opened (%v): open the page above yourself\n", err)
		}
	}
	f, err := p.Wait(ctx, o.timeout)
	if err == nil {
		err = file.Commit(f)
	} else {
		file.Abort()
	}
	p.Close(err)
	if err != nil {
		return ExitAborted, err
	}
	fmt.Fprintf(env.Stderr, "wholesale-batch: authorized: %s (mode 0600) holds the integration %s and its refresh token; the access token lasts until %s, the refresh token until %s, renewed at each refresh\n",
		o.credentials, shortID(id), when(f.ExpiresAt), when(f.RefreshExpiresAt))
	if o.sandbox {
		fmt.Fprintln(env.Stderr, "wholesale-batch: --sandbox: the tokens are the sandbox's: use the file with --sandbox --credentials only")
	}
	fmt.Fprintf(env.Stderr, "wholesale-batch: check it at any time with: wholesale-batch auth status --credentials %s\n", o.credentials)
	return ExitOK, nil
}

// authLoginClient is the integration's client id and secret: the flags, else
// the file being replaced (--force), else the sandbox's, else asked on the
// terminal, the secret without echo.
func authLoginClient(ctx context.Context, o *authLoginOptions, env Env) (id, secret string, err error) {
	id = strings.TrimSpace(o.clientID)
	var old oauth.File
	if o.force {
		if f, err := oauth.Load(o.credentials); err == nil && (id == "" || id == f.ClientID) {
			old = f
		}
	}
	if id == "" {
		id = old.ClientID
	}
	if id == "" && o.sandbox {
		id = sandboxClientID
	}
	if id == "" {
		if !env.StdinTTY {
			return "", "", usagef("auth login needs the integration's client id: pass --client-id ID (it is on the integration's page of the Webex developer portal)")
		}
		a, ok := ask(ctx, env, "Client ID of the integration: ")
		if id = strings.TrimSpace(a); !ok || id == "" {
			return "", "", usagef("no client id given: pass --client-id ID")
		}
	}
	switch {
	case o.secretFile != "":
		secret, err = readSecretFile(o.secretFile)
	case old.ClientSecret != "":
		secret = old.ClientSecret
	case o.sandbox:
		secret = sandboxClientSecret
	default:
		secret, err = askSecret(ctx, env, "Client secret of the integration (not shown): ")
	}
	return id, secret, err
}

// readSecretFile reads the client secret from a file that only its owner
// can read, as the credentials file.
func readSecretFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", usagef("cannot read --client-secret-file: %v", unwrapPath(err))
	}
	if st.Mode().Perm()&0o044 != 0 {
		return "", usagef("--client-secret-file %s is readable by other users of this machine (mode %v): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", usagef("cannot read --client-secret-file: %v", unwrapPath(err))
	}
	s := strings.TrimSpace(string(b))
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return "", usagef("--client-secret-file %s must hold the client secret alone, on one line", path)
	}
	return s, nil
}

// shortID shortens a client id for display: enough to tell integrations
// apart, not the whole id.
func shortID(id string) string {
	r := []rune(id)
	if len(r) <= 12 {
		return string(r[:min(len(r), 4)]) + "…"
	}
	return string(r[:6]) + "…" + string(r[len(r)-4:])
}

// when is a moment for a person: local time, and how far off.
func when(t time.Time) string {
	if t.IsZero() {
		return "an unknown time (not recorded in the file)"
	}
	d := time.Until(t)
	s := t.Local().Format("2006-01-02 15:04 MST")
	if d < 0 {
		return s + " (" + span(-d) + " ago)"
	}
	return s + " (in " + span(d) + ")"
}

// span is a duration in its largest whole unit or two.
func span(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}
