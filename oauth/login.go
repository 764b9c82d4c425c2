package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// DefaultScopes are the scopes a login asks for: the wholesale subscriber
// calls' (API-NOTES, Auth), and reading customers, which the look-up of an
// externalCustomerId column (waves) lists.
var DefaultScopes = []string{"spark-admin:wholesale_subscribers_read", "spark-admin:wholesale_subscribers_write", "spark-admin:wholesale_customers_read"}

// CallbackPath is the loopback redirect's path: the integration registers
// http://127.0.0.1:PORT/callback.
const CallbackPath = "/callback"

// Login is the first authorization of an integration: the OAuth
// authorization-code flow with PKCE (S256) and a loopback redirect, whose
// code is exchanged for the refresh token a credentials file keeps.
type Login struct {
	BaseURL      string // the API's, e.g. https://webexapis.com/v1: {base}/authorize and {base}/access_token
	ClientID     string
	ClientSecret string
	Scopes       []string // DefaultScopes if empty
	Port         int      // the loopback redirect's port; 0 takes a free one
	HTTP         *http.Client
	// Timeout bounds the code's exchange (DefaultTimeout if 0).
	Timeout time.Duration
}

// PortTakenError is a loopback port another program (or another login)
// listens on.
type PortTakenError struct{ Port int }

func (e *PortTakenError) Error() string {
	return fmt.Sprintf("port %d on 127.0.0.1 is taken (another auth login still waiting, or another program): stop it, or register another redirect http://127.0.0.1:PORT%s in the integration and pass --port PORT", e.Port, CallbackPath)
}

// Pending is a login waiting for the browser: its callback listens on
// loopback until Close.
type Pending struct {
	l            Login
	token        string // the token endpoint
	redirect     string // the loopback redirect URI
	state        string
	verifier     string // PKCE's, kept here: only its digest went to the browser
	authorizeURL string
	srv          *http.Server
	served       chan struct{} // closed when srv has stopped
	got          chan callback // the first callback only
	once         sync.Once
	done         chan struct{} // closed by Close: the browser's page may be written
	outcome      string        // what that page says; set before done is closed
	closeOnce    sync.Once
}

// callback is what the browser brought back.
type callback struct {
	code string
	err  error
}

// Start checks l, listens on the loopback port and returns the login
// waiting for its callback: the browser is to be sent to URL.
func (l Login) Start() (*Pending, error) {
	base := strings.TrimRight(l.BaseURL, "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("--base-url %q is not an http(s) URL such as %s", l.BaseURL, webex.DefaultBaseURL)
	}
	if u.Scheme == "http" && !webex.IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("--base-url %q is not HTTPS: the client secret would travel in clear text; use https:// (plain http is allowed only for loopback addresses)", l.BaseURL)
	}
	if l.ClientID == "" || l.ClientSecret == "" {
		return nil, errors.New("a login needs the integration's client id and client secret")
	}
	if len(l.Scopes) == 0 {
		l.Scopes = DefaultScopes
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(l.Port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, &PortTakenError{Port: l.Port}
		}
		return nil, fmt.Errorf("cannot listen on 127.0.0.1:%d for the browser's answer: %v", l.Port, errno(err))
	}
	p := &Pending{
		l: l, token: base + "/access_token",
		redirect: "http://" + ln.Addr().String() + CallbackPath,
		state:    random(16), verifier: random(32),
		served: make(chan struct{}), got: make(chan callback, 1), done: make(chan struct{}),
	}
	sum := sha256.Sum256([]byte(p.verifier))
	q := url.Values{
		"client_id":             {l.ClientID},
		"response_type":         {"code"},
		"redirect_uri":          {p.redirect},
		"scope":                 {strings.Join(l.Scopes, " ")},
		"state":                 {p.state},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	p.authorizeURL = base + "/authorize?" + q.Encode()
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln); close(p.served) }()
	return p, nil
}

// random is n random bytes in base64url: a state or a PKCE verifier (32
// bytes make the 43 characters RFC 7636 asks for at least).
func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// URL is the authorization page to open in a browser.
func (p *Pending) URL() string { return p.authorizeURL }

// RedirectURI is the loopback redirect the integration must have
// registered.
func (p *Pending) RedirectURI() string { return p.redirect }

// serve answers the browser's requests: the first /callback is the
// login's answer, and its page waits for the outcome (Close) so the
// person sees whether it worked.
func (p *Pending) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != CallbackPath {
		http.NotFound(w, r)
		return
	}
	first := false
	p.once.Do(func() {
		first = true
		p.got <- p.read(r.URL.Query())
	})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if !first {
		io.WriteString(w, page("This login has had its answer already: see the terminal."))
		return
	}
	t := time.NewTimer(2 * time.Minute) // the exchange's own timeout bounds it before
	defer t.Stop()
	select {
	case <-p.done:
		io.WriteString(w, page(p.outcome))
	case <-r.Context().Done():
	case <-t.C:
		io.WriteString(w, page("Still waiting for the token endpoint: see the terminal."))
	}
}

// read turns the callback's query into a code or the reason there is none.
// The state is checked first: an answer that is not for this login says
// nothing else that can be trusted.
func (p *Pending) read(q url.Values) callback {
	switch code := q.Get("error"); {
	case q.Get("state") != p.state:
		return callback{err: errors.New("the browser's answer has the wrong state: it is not the answer to this login (an old browser tab, or another program); run auth login again")}
	case code == "access_denied":
		return callback{err: errors.New("the browser reported error=access_denied: the authorization was declined (or this user may not authorize the integration); run auth login again and accept")}
	case code != "":
		return callback{err: fmt.Errorf("the authorization page reported error=%s; check the integration's redirect URI (%s) and scopes, and run auth login again", redact(code, File{ClientID: p.l.ClientID}), p.redirect)}
	case q.Get("code") == "":
		return callback{err: errors.New("the browser came back without an authorization code; run auth login again")}
	}
	return callback{code: q.Get("code")}
}

// page is the browser's answer: one sentence, escaped.
func page(msg string) string {
	return "<!doctype html><meta charset=utf-8><title>wholesale-batch</title><p>" + html.EscapeString(msg) + "</p>\n"
}

// Wait waits at most timeout for the browser's answer and exchanges its
// code at the token endpoint (grant_type=authorization_code, with the PKCE
// verifier and the same redirect URI) for the credentials. Nothing is
// written: the caller saves them, then Closes with the outcome.
func (p *Pending) Wait(ctx context.Context, timeout time.Duration) (File, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case cb := <-p.got:
		if cb.err != nil {
			return File{}, cb.err
		}
		return p.exchange(ctx, cb.code)
	case <-t.C:
		return File{}, fmt.Errorf("no answer from the browser within %v: open the URL printed above, sign in and accept, or run again with a longer --timeout", timeout)
	case <-ctx.Done():
		return File{}, fmt.Errorf("interrupted while waiting for the browser: %w", ctx.Err())
	}
}

// Close ends the login: the browser's page says whether it worked (err
// nil: saved), then the callback stops listening.
func (p *Pending) Close(err error) {
	p.closeOnce.Do(func() {
		p.outcome = "wholesale-batch is authorized; the credentials are saved. You can close this tab."
		if err != nil {
			p.outcome = "wholesale-batch is not authorized: " + err.Error()
		}
		close(p.done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = p.srv.Shutdown(ctx)
		<-p.served
	})
}

// exchange redeems code. Never repeated: a code works once, so a second
// try would only be refused.
func (p *Pending) exchange(ctx context.Context, code string) (File, error) {
	timeout := p.l.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {p.l.ClientID},
		"client_secret": {p.l.ClientSecret},
		"code":          {code},
		"redirect_uri":  {p.redirect},
		"code_verifier": {p.verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.token, strings.NewReader(form.Encode()))
	if err != nil {
		return File{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	hc := http.Client{}
	if p.l.HTTP != nil {
		hc = *p.l.HTTP
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %v", timeout)
		}
		return File{}, fmt.Errorf("the token endpoint %s: %v; run auth login again", p.token, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return File{}, fmt.Errorf("the token endpoint %s: reading its answer: %v; run auth login again", p.token, err)
	}
	// The code is a secret too: redact keeps it out of what is shown.
	known := File{ClientID: p.l.ClientID, ClientSecret: p.l.ClientSecret, AccessToken: code}
	return p.answer(resp.StatusCode, body, known)
}

// answer reads the token endpoint's answer to the code.
func (p *Pending) answer(status int, body []byte, known File) (File, error) {
	var t tokenAnswer
	jerr := json.Unmarshal(body, &t)
	code := redact(t.Error, known)
	switch {
	case code == "invalid_client" || status == http.StatusUnauthorized:
		return File{}, errors.New("the token endpoint refused the client id or secret (invalid_client): copy them again from the integration's page on the Webex developer portal")
	case code == "invalid_grant":
		return File{}, errors.New("the token endpoint refused the authorization code (invalid_grant): it was used already or has expired, or the redirect URI or PKCE verifier differ; run auth login again")
	case status != http.StatusOK:
		if code == "" {
			code = http.StatusText(status)
		}
		return File{}, fmt.Errorf("the token endpoint refused the authorization code (HTTP %d, %s); run auth login again", status, code)
	case jerr != nil || t.AccessToken == "" || t.ExpiresIn <= 0:
		return File{}, errors.New("the token endpoint answered HTTP 200 without an access token and its lifetime; run auth login again")
	case t.RefreshToken == "":
		return File{}, errors.New("the token endpoint gave no refresh token: log in with an integration's client id (a bot or a personal token has none)")
	}
	now := time.Now()
	f := File{ClientID: p.l.ClientID, ClientSecret: p.l.ClientSecret, RefreshToken: t.RefreshToken, AccessToken: t.AccessToken,
		Lifetime: t.ExpiresIn, ExpiresAt: now.Add(time.Duration(t.ExpiresIn) * time.Second).UTC()}
	if t.RefreshTokenExpiresIn > 0 {
		f.RefreshExpiresAt = now.Add(time.Duration(t.RefreshTokenExpiresIn) * time.Second).UTC()
	}
	return f, nil
}
