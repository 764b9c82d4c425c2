package fakeapi

import (
	crand "crypto/rand"
	"crypto/subtle"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OAuth makes the fake a Webex OAuth server too (Options.OAuth): POST
// /v1/access_token refreshes, and API calls accept only the access tokens it
// issued and that have not expired, plus Options.Token if set, which never
// expires. See the package doc's OAuth section.
type OAuth struct {
	// ClientID and ClientSecret are the integration's credentials. Both
	// should be non-empty: an empty field in a request counts as missing,
	// so with an empty one every refresh fails (400 invalid_request).
	ClientID, ClientSecret string
	// RefreshToken is the first refresh token, as a person got it when
	// authorising the integration; "" makes one up (see LastRefreshToken).
	// It expires RefreshTTL after New.
	RefreshToken string
	// AccessTTL is the life of an issued access token; 0 (or less) means 14
	// days, as Webex (expires_in 1209599).
	AccessTTL time.Duration
	// RefreshTTL is the life of a refresh token from its issue; 0 (or less)
	// means 90 days, as Webex (refresh_token_expires_in 7775999).
	RefreshTTL time.Duration

	// FailFirst answers the first FailFirst refresh requests with FailStatus
	// (0 means 503) and, if FailRetryAfter is positive, a Retry-After of that
	// many whole seconds, changing no token: an outage of the token endpoint.
	FailFirst      int
	FailStatus     int
	FailRetryAfter time.Duration
	// LateFirst makes the first LateFirst successful refreshes answer only
	// LateBy after they rotated the tokens: a client that gives up sooner
	// has lost the new refresh token, and the one it sent is already used.
	LateFirst int
	LateBy    time.Duration

	// RedirectURIs are the integration's registered redirect URIs, which
	// GET /v1/authorize takes only exactly; nil takes any http loopback URI
	// (127.0.0.1, [::1] or localhost, any port), as --sandbox needs.
	RedirectURIs []string
	// Scopes are what RefreshToken (and every token it leads to) was
	// granted; nil grants every scope. A token lacking an API route's scope
	// gets 403 there (see the package doc's OAuth section).
	Scopes []string
	// DenyConsent makes GET /v1/authorize send the browser back with
	// error=access_denied, as when the person declines.
	DenyConsent bool
}

// Defaults and names of the OAuth part.
const (
	defaultAccessTTL  = 14 * 24 * time.Hour
	defaultRefreshTTL = 90 * 24 * time.Hour
	pathAccessToken   = "/access_token"
	accessPrefix      = "fake-access-"
	refreshPrefix     = "fake-refresh-"
	msgNoToken        = "The request requires a valid access token set in the Authorization request header."
	msgExpiredToken   = "The access token has expired; get a new one with the refresh token."
)

// oauthState is the token store. The pointer is set once by New; what it
// points to is guarded by Server.mu.
type oauthState struct {
	cfg     OAuth                   // defaults applied
	access  map[string]time.Time    // every issued access token: when it expires
	refresh map[string]refreshEntry // every refresh token ever valid
	last    string                  // the refresh token most recently issued
	failed  int                     // requests FailFirst has answered
	late    int                     // answers LateFirst has held
	codes   map[string]*codeEntry   // every authorization code issued (oauth_authorize.go)
	granted map[string][]string     // a token's scopes; a token not in it has every scope
}

// refreshEntry is one refresh token. Retired ones are kept so a refusal can
// say why (in words that never quote the token).
type refreshEntry struct {
	expires time.Time
	retired string // "" while usable, else retiredUsed or retiredRevoked
}

const (
	retiredUsed    = "used"
	retiredRevoked = "revoked"
)

// newOAuthState applies cfg's defaults and registers its first refresh token.
func newOAuthState(cfg OAuth, now time.Time) *oauthState {
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = defaultAccessTTL
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = defaultRefreshTTL
	}
	if cfg.RefreshToken == "" {
		cfg.RefreshToken = newToken(refreshPrefix)
	}
	o := &oauthState{
		cfg:     cfg,
		access:  map[string]time.Time{},
		refresh: map[string]refreshEntry{cfg.RefreshToken: {expires: now.Add(cfg.RefreshTTL)}},
		last:    cfg.RefreshToken,
		codes:   map[string]*codeEntry{},
		granted: map[string][]string{},
	}
	if cfg.Scopes != nil {
		o.granted[cfg.RefreshToken] = append([]string{}, cfg.Scopes...)
	}
	return o
}

// newToken returns prefix followed by 26 random base32 characters (130 bits).
func newToken(prefix string) string {
	return prefix + crand.Text()
}

// wholeSeconds renders a token's life as the expires_in of a token answer:
// whole seconds, rounded down as of a moment after issue (14 days gives
// 1209599, as Webex), and at least 1, because a client rightly reads 0 as no
// token at all. A sub-second TTL thus claims 1 s, which the token does not
// live: the client then meets the 401 of an expired token.
func wholeSeconds(ttl time.Duration) int64 {
	return max(1, int64((ttl-time.Nanosecond)/time.Second))
}

// accessOK looks a bearer token up among the issued access tokens.
func (s *Server) accessOK(token string, now time.Time) (ok, expired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, issued := s.oauth.access[token]
	if !issued {
		return false, false
	}
	return now.Before(exp), !now.Before(exp)
}

// RevokeRefreshTokens makes every refresh token issued so far (the first one
// included) stop working: the next refresh gets 400 invalid_grant. Access
// tokens already issued keep working until they expire. A no-op without
// Options.OAuth.
func (s *Server) RevokeRefreshTokens() {
	if s.oauth == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok, e := range s.oauth.refresh {
		if e.retired == "" {
			e.retired = retiredRevoked
			s.oauth.refresh[tok] = e
		}
	}
}

// ExpireAccessTokens makes every access token issued so far expire now: API
// calls with one get 401 saying the token expired. Options.Token, if set, is
// not affected, nor are refresh tokens. A no-op without Options.OAuth.
func (s *Server) ExpireAccessTokens() {
	if s.oauth == nil {
		return
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for tok, exp := range s.oauth.access {
		if exp.After(now) {
			s.oauth.access[tok] = now
		}
	}
}

// LastRefreshToken returns the refresh token most recently issued, or the
// first one (OAuth.RefreshToken, or the one made up for it) before any
// refresh, whether or not it still works. It returns "" without
// Options.OAuth.
func (s *Server) LastRefreshToken() string {
	if s.oauth == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oauth.last
}

// tokenAnswer is a successful token response (RFC 6749 section 5.1, with
// Webex's refresh_token_expires_in).
type tokenAnswer struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	TokenType             string `json:"token_type"`
	Scope                 string `json:"scope,omitempty"` // the authorization code grant's
}

// oauthError is a token error response (RFC 6749 section 5.2). Its
// description never quotes what the client sent: secrets and tokens stay
// out of logs.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// The token form's fields, of both grants.
var tokenFields = []string{"grant_type", "client_id", "client_secret", "refresh_token", "code", "redirect_uri", "code_verifier"}

// grantFields are the fields each grant needs besides the client's.
var grantFields = map[string][]string{
	"refresh_token":      {"refresh_token"},
	"authorization_code": {"code", "redirect_uri", "code_verifier"},
}

// accessToken serves POST /v1/access_token: the refresh_token grant and the
// authorization_code grant (see redeem). Checks go from the request's shape
// (405, then 400 invalid_request and unsupported_grant_type) to the client
// (401 invalid_client) to the grant (400 invalid_grant). A refused request
// changes no state.
func (s *Server) accessToken(x *exchange) {
	h := x.w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	fail := func(status int, code, description string) {
		s.count(func(st *Stats) { st.RefreshFailures++ })
		x.json(status, oauthError{Error: code, Description: description})
	}
	if x.r.Method != http.MethodPost {
		h.Set("Allow", http.MethodPost)
		fail(http.StatusMethodNotAllowed, "invalid_request", "The token endpoint takes POST only.")
		return
	}
	if status, wait, ok := s.tokenOutage(); ok {
		if wait > 0 {
			h.Set("Retry-After", strconv.FormatInt(int64(wait/time.Second), 10))
		}
		fail(status, "temporarily_unavailable", "The token service is briefly unavailable.")
		return
	}
	mt, _, err := mime.ParseMediaType(x.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		fail(http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(x.r.Body, maxBody+1))
	switch {
	case err != nil:
		fail(http.StatusBadRequest, "invalid_request", "Could not read the request body.")
		return
	case len(raw) > maxBody:
		fail(http.StatusBadRequest, "invalid_request", "Request body too large.")
		return
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil { // the parser's words may quote the body: not shown
		fail(http.StatusBadRequest, "invalid_request", "The body is not valid form encoding.")
		return
	}
	for _, f := range tokenFields {
		if len(form[f]) > 1 {
			fail(http.StatusBadRequest, "invalid_request", "Parameter "+f+" is repeated.")
			return
		}
	}
	grant := form.Get("grant_type")
	needs, known := grantFields[grant]
	switch {
	case grant == "":
		fail(http.StatusBadRequest, "invalid_request", "Missing grant_type.")
		return
	case !known:
		fail(http.StatusBadRequest, "unsupported_grant_type", "Only grant_type refresh_token and authorization_code are supported.")
		return
	}

	// Client credentials: HTTP Basic or the form, not both. Per RFC 6749
	// section 2.3.1 Basic carries them form-encoded; for clients that skip
	// that step, the raw value is accepted too.
	id, secret := form.Get("client_id"), form.Get("client_secret")
	scheme, _, _ := strings.Cut(x.r.Header.Get("Authorization"), " ")
	basic := strings.EqualFold(scheme, "Basic")
	if basic {
		bid, bsecret, ok := x.r.BasicAuth()
		switch {
		case !ok:
			fail(http.StatusBadRequest, "invalid_request", "Malformed Basic credentials in the Authorization header.")
			return
		case form.Has("client_secret"):
			fail(http.StatusBadRequest, "invalid_request", "Client credentials were sent both in the Authorization header and in the body; use one.")
			return
		case id != "" && !sameCredential(bid, id):
			fail(http.StatusBadRequest, "invalid_request", "client_id in the body differs from the one in the Authorization header.")
			return
		}
		id, secret = bid, bsecret
	}
	fields := []struct{ name, value string }{{"client_id", id}, {"client_secret", secret}}
	for _, n := range needs {
		fields = append(fields, struct{ name, value string }{n, form.Get(n)})
	}
	for _, f := range fields {
		if f.value == "" {
			fail(http.StatusBadRequest, "invalid_request", "Missing "+f.name+".")
			return
		}
	}
	cfg := s.oauth.cfg // never written after New
	if !sameCredential(id, cfg.ClientID) || !sameCredential(secret, cfg.ClientSecret) {
		if basic {
			h.Set("WWW-Authenticate", `Basic realm="fakeapi"`)
		}
		fail(http.StatusUnauthorized, "invalid_client", "Client authentication failed: unknown client id or wrong secret.")
		return
	}

	access, refresh := newToken(accessPrefix), newToken(refreshPrefix)
	if grant == "authorization_code" {
		scopes, why := s.redeem(form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier"), access, refresh, time.Now())
		if why != "" {
			fail(http.StatusBadRequest, "invalid_grant", why)
			return
		}
		s.count(func(st *Stats) { st.CodeGrants++ })
		x.json(http.StatusOK, tokenAnswer{
			AccessToken:           access,
			ExpiresIn:             wholeSeconds(cfg.AccessTTL),
			RefreshToken:          refresh,
			RefreshTokenExpiresIn: wholeSeconds(cfg.RefreshTTL),
			TokenType:             "Bearer",
			Scope:                 strings.Join(scopes, " "),
		})
		return
	}
	if why := s.rotate(form.Get("refresh_token"), access, refresh, time.Now()); why != "" {
		fail(http.StatusBadRequest, "invalid_grant", why)
		return
	}
	s.count(func(st *Stats) { st.Refreshes++ })
	if d := s.lateAnswer(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-x.r.Context().Done(): // the client gave up: its answer is lost
			t.Stop()
			return
		}
	}
	x.json(http.StatusOK, tokenAnswer{
		AccessToken:           access,
		ExpiresIn:             wholeSeconds(cfg.AccessTTL),
		RefreshToken:          refresh,
		RefreshTokenExpiresIn: wholeSeconds(cfg.RefreshTTL),
		TokenType:             "Bearer",
	})
}

// rotate spends the refresh token old for the new pair, atomically, so of
// two racing refreshes with one token exactly one wins. It returns why old
// was refused, "" if it was not.
func (s *Server) rotate(old, access, refresh string, now time.Time) (refused string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.oauth
	e, known := o.refresh[old]
	switch {
	case !known:
		return "The refresh token is not one this server issued."
	case e.retired == retiredUsed:
		return "The refresh token was already used; use the one issued with it."
	case e.retired == retiredRevoked:
		return "The refresh token was revoked."
	case !now.Before(e.expires):
		return "The refresh token has expired."
	}
	e.retired = retiredUsed
	o.refresh[old] = e
	o.issue(access, refresh, now)
	if scopes, limited := o.granted[old]; limited { // the new pair has the old one's scopes
		o.granted[access], o.granted[refresh] = scopes, scopes
	}
	return ""
}

// issue registers a new access and refresh token; Server.mu is held.
func (o *oauthState) issue(access, refresh string, now time.Time) {
	o.refresh[refresh] = refreshEntry{expires: now.Add(o.cfg.RefreshTTL)}
	o.access[access] = now.Add(o.cfg.AccessTTL)
	o.last = refresh
}

// tokenOutage reports whether this refresh request is one of OAuth.FailFirst,
// and how to answer it.
func (s *Server) tokenOutage() (status int, retryAfter time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.oauth
	if o.failed >= o.cfg.FailFirst {
		return 0, 0, false
	}
	o.failed++
	status = o.cfg.FailStatus
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	return status, o.cfg.FailRetryAfter, true
}

// lateAnswer returns how long to hold this successful refresh's answer:
// OAuth.LateBy for the first OAuth.LateFirst, else 0.
func (s *Server) lateAnswer() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.oauth
	if o.late >= o.cfg.LateFirst || o.cfg.LateBy <= 0 {
		return 0
	}
	o.late++
	return o.cfg.LateBy
}

// sameCredential compares a credential a client sent with the configured
// one in constant time, accepting the form-decoded value too (see the Basic
// note in accessToken).
func sameCredential(got, want string) bool {
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return true
	}
	dec, err := url.QueryUnescape(got)
	return err == nil && dec != got && subtle.ConstantTimeCompare([]byte(dec), []byte(want)) == 1
}
