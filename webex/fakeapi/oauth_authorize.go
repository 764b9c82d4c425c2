package fakeapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The authorization code part of the OAuth server: GET /v1/authorize and
// the authorization_code grant at /v1/access_token, with PKCE (S256)
// required, and the scopes an API route needs. See the package doc.

const (
	pathAuthorize = "/authorize"
	codePrefix    = "fake-code-"
	codeTTL       = 10 * time.Minute // RFC 6749 section 4.1.2 recommends at most 10 minutes
	// The Webex wholesale scopes the fake's routes need.
	scopeSubscribersRead  = "spark-admin:wholesale_subscribers_read"
	scopeSubscribersWrite = "spark-admin:wholesale_subscribers_write"
	scopeCustomersRead    = "spark-admin:wholesale_customers_read"
	msgScope              = "The server understood the request, but refused to fulfill it because the access token is missing required scopes or the user is missing required roles or licenses."
)

// codeEntry is one authorization code: what it was issued for, and
// whether it was spent.
type codeEntry struct {
	redirectURI string
	challenge   string // the S256 code_challenge
	scopes      []string
	expires     time.Time
	used        bool
}

// authorizeFields are the query parameters of GET /v1/authorize.
var authorizeFields = []string{"client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}

// authorize serves GET /v1/authorize as a person who signs in and accepts
// at once: the browser is sent back (302) to redirect_uri with code and
// state, or with error (and state) when the request is wrong for the
// client or OAuth.DenyConsent is set. A request that names an unknown
// client or a redirect URI not registered is answered with a page, never
// a redirect (RFC 6749 section 4.1.2.1): it could send the browser anywhere.
func (s *Server) authorize(x *exchange) {
	x.w.Header().Set("Cache-Control", "no-store")
	if x.r.Method != http.MethodGet {
		x.w.Header().Set("Allow", http.MethodGet)
		x.html(http.StatusMethodNotAllowed, "<p>The authorization page takes GET only.</p>")
		return
	}
	q, err := url.ParseQuery(x.r.URL.RawQuery)
	if err != nil {
		x.html(http.StatusBadRequest, "<p>The query string is not valid.</p>")
		return
	}
	for _, f := range authorizeFields {
		if len(q[f]) > 1 {
			x.html(http.StatusBadRequest, "<p>Parameter "+f+" is repeated.</p>")
			return
		}
	}
	cfg := s.oauth.cfg
	if !sameCredential(q.Get("client_id"), cfg.ClientID) {
		x.html(http.StatusBadRequest, "<p>Unknown client_id: no integration has it.</p>")
		return
	}
	redirect := q.Get("redirect_uri")
	back, ok := registeredRedirect(redirect, cfg.RedirectURIs)
	if !ok {
		x.html(http.StatusBadRequest, "<p>The redirect_uri is not one registered for this integration.</p>")
		return
	}
	send := func(params url.Values) {
		if st := q.Get("state"); st != "" {
			params.Set("state", st)
		}
		v := back.Query()
		for k, vs := range params {
			v[k] = vs
		}
		back.RawQuery = v.Encode()
		x.w.Header().Set("Location", back.String())
		x.w.WriteHeader(http.StatusFound)
	}
	refuse := func(code, description string) {
		send(url.Values{"error": {code}, "error_description": {description}})
	}
	scopes := strings.Fields(q.Get("scope"))
	challenge := q.Get("code_challenge")
	switch {
	case q.Get("response_type") != "code":
		refuse("unsupported_response_type", "Only response_type code is supported.")
	case len(scopes) == 0:
		refuse("invalid_scope", "No scope was requested.")
	case challenge == "":
		refuse("invalid_request", "PKCE is required: code_challenge is missing.")
	case q.Get("code_challenge_method") != "S256":
		refuse("invalid_request", "code_challenge_method must be S256.")
	case len(challenge) != 43 || strings.Trim(challenge, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "":
		refuse("invalid_request", "code_challenge must be 43 characters of base64url (a SHA-256 digest).")
	case cfg.DenyConsent:
		refuse("access_denied", "The user declined the integration's request.")
	default:
		code := newToken(codePrefix)
		s.mu.Lock()
		s.oauth.codes[code] = &codeEntry{redirectURI: redirect, challenge: challenge, scopes: scopes, expires: time.Now().Add(codeTTL)}
		s.stats.Authorizations++
		s.mu.Unlock()
		send(url.Values{"code": {code}})
	}
}

// registeredRedirect parses redirect and reports whether it is registered:
// one of uris exactly, or with uris nil an http URI on a loopback host.
func registeredRedirect(redirect string, uris []string) (*url.URL, bool) {
	u, err := url.Parse(redirect)
	if err != nil || redirect == "" || u.Fragment != "" || u.Host == "" {
		return nil, false
	}
	if uris != nil {
		return u, slices.Contains(uris, redirect)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return u, u.Scheme == "http" && (strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback())
}

// redeem spends the authorization code for a new access and refresh
// token, atomically, so a code works once. It checks that redirectURI is
// the one the code was issued for and that verifier matches its
// challenge (RFC 7636: BASE64URL(SHA256(verifier))). It returns the scopes
// granted, or why the code was refused; a refusal spends nothing.
func (s *Server) redeem(code, redirectURI, verifier, access, refresh string, now time.Time) (scopes []string, refused string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.oauth
	e, known := o.codes[code]
	switch {
	case !known:
		return nil, "The authorization code is not one this server issued."
	case e.used:
		return nil, "The authorization code was already used."
	case !now.Before(e.expires):
		return nil, "The authorization code has expired."
	case e.redirectURI != redirectURI:
		return nil, "The redirect_uri differs from the one the code was issued for."
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(e.challenge)) != 1 {
		return nil, "The code_verifier does not match the code_challenge."
	}
	e.used = true
	o.issue(access, refresh, now)
	o.granted[access], o.granted[refresh] = e.scopes, e.scopes
	return e.scopes, ""
}

// neededScope is the scope an API call needs: the wholesale customers'
// read scope on the customer routes, else the subscribers' read scope for
// a GET and write scope for the rest (precheck included).
func neededScope(r *http.Request) string {
	rest := strings.TrimPrefix(r.URL.Path, apiPrefix)
	switch {
	case rest == pathCustomers || strings.HasPrefix(rest, pathCustomers+"/"):
		return scopeCustomersRead
	case r.Method == http.MethodGet:
		return scopeSubscribersRead
	}
	return scopeSubscribersWrite
}

// scopeOK reports whether the request's bearer token (already found
// valid) has the scope its route needs. Options.Token and tokens from a
// refresh token of every scope have them all.
func (s *Server) scopeOK(r *http.Request) bool {
	if s.oauth == nil {
		return true
	}
	_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	scopes, limited := s.oauth.granted[token]
	return !limited || slices.Contains(scopes, neededScope(r))
}
