package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	testRedirect = "http://127.0.0.1:48123/callback"
	testVerifier = "a-verifier-of-at-least-43-characters-0123456789"
)

// challengeOf is RFC 7636's S256 challenge of a verifier.
func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeQuery is a complete authorization request.
func authorizeQuery() url.Values {
	return url.Values{
		"client_id": {testClientID}, "response_type": {"code"}, "redirect_uri": {testRedirect},
		"scope": {scopeSubscribersRead + " " + scopeSubscribersWrite}, "state": {"st4te"},
		"code_challenge": {challengeOf(testVerifier)}, "code_challenge_method": {"S256"},
	}
}

// authorizeWith returns authorizeQuery with field set to value ("" deletes it).
func authorizeWith(field, value string) url.Values {
	q := authorizeQuery()
	if value == "" {
		q.Del(field)
	} else {
		q.Set(field, value)
	}
	return q
}

func getAuthorize(t *testing.T, s *Server, q url.Values) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/v1/authorize?"+q.Encode(), nil))
	return w
}

// redirected returns the query the browser is sent back with.
func redirected(t *testing.T, w *httptest.ResponseRecorder) url.Values {
	t.Helper()
	if w.Code != 302 {
		t.Fatalf("status %d, want 302: %s", w.Code, w.Body)
	}
	u, err := url.Parse(w.Header().Get("Location"))
	if err != nil || u.Scheme+"://"+u.Host+u.Path != testRedirect {
		t.Fatalf("Location %q, want under %s", w.Header().Get("Location"), testRedirect)
	}
	return u.Query()
}

// codeForm redeems code with the test's verifier and redirect.
func codeForm(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "client_id": {testClientID}, "client_secret": {testSecret},
		"code": {code}, "redirect_uri": {testRedirect}, "code_verifier": {testVerifier}}
}

// The browser comes back with a code and the state; the code, redeemed
// with the verifier, gives a token pair and the scopes granted, once.
func TestAuthorizeAndRedeem(t *testing.T) {
	s := oauthServer(Options{}, OAuth{})
	q := redirected(t, getAuthorize(t, s, authorizeQuery()))
	if q.Get("state") != "st4te" || !strings.HasPrefix(q.Get("code"), codePrefix) || q.Has("error") {
		t.Fatalf("callback %v", q)
	}
	w := postForm(t, s, codeForm(q.Get("code")))
	a := decodeToken(t, w)
	if a.Scope != scopeSubscribersRead+" "+scopeSubscribersWrite {
		t.Errorf("scope %q", a.Scope)
	}
	if got := api(t, s, a.AccessToken); got.Code != 200 {
		t.Errorf("API with the new access token: %d", got.Code)
	}
	if got := decodeToken(t, postForm(t, s, refreshForm(a.RefreshToken))); got.AccessToken == "" {
		t.Error("the new refresh token does not refresh")
	}
	again := postForm(t, s, codeForm(q.Get("code")))
	if e := decodeOAuthError(t, again); again.Code != 400 || e.Error != "invalid_grant" || !strings.Contains(e.Description, "already used") {
		t.Errorf("second redemption: %d %+v", again.Code, e)
	}
	noSecrets(t, again.Body.String(), q.Get("code"), testVerifier)
	if st := s.Stats(); st.Authorizations != 1 || st.CodeGrants != 1 {
		t.Errorf("stats %d authorizations, %d code grants", st.Authorizations, st.CodeGrants)
	}
}

// What /authorize refuses: with a page (no redirect) when the client or
// the redirect URI is unknown, else by sending the browser back with error.
func TestAuthorizeRefusals(t *testing.T) {
	for _, c := range []struct {
		name  string
		cfg   OAuth
		query url.Values
		page  bool   // answered 400 with a page, never redirected
		err   string // else the error the browser comes back with
	}{
		{"unknown client", OAuth{}, authorizeWith("client_id", "other"), true, ""},
		{"no redirect", OAuth{}, authorizeWith("redirect_uri", ""), true, ""},
		{"not loopback", OAuth{}, authorizeWith("redirect_uri", "http://evil.example/callback"), true, ""},
		{"https loopback is not what nil registers", OAuth{}, authorizeWith("redirect_uri", "https://127.0.0.1:1/callback"), true, ""},
		{"not the registered one", OAuth{RedirectURIs: []string{"http://127.0.0.1:9/callback"}}, authorizeQuery(), true, ""},
		{"repeated state", OAuth{}, func() url.Values { q := authorizeQuery(); q.Add("state", "x"); return q }(), true, ""},
		{"token flow", OAuth{}, authorizeWith("response_type", "token"), false, "unsupported_response_type"},
		{"no scope", OAuth{}, authorizeWith("scope", ""), false, "invalid_scope"},
		{"no PKCE", OAuth{}, authorizeWith("code_challenge", ""), false, "invalid_request"},
		{"plain PKCE", OAuth{}, authorizeWith("code_challenge_method", "plain"), false, "invalid_request"},
		{"challenge not a digest", OAuth{}, authorizeWith("code_challenge", "short"), false, "invalid_request"},
		{"person declines", OAuth{DenyConsent: true}, authorizeQuery(), false, "access_denied"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := oauthServer(Options{}, c.cfg)
			w := getAuthorize(t, s, c.query)
			if c.page {
				if w.Code != 400 || w.Header().Get("Location") != "" {
					t.Fatalf("status %d, Location %q; want 400 and no redirect", w.Code, w.Header().Get("Location"))
				}
				return
			}
			q := redirected(t, w)
			if q.Get("error") != c.err || q.Has("code") || q.Get("state") != "st4te" {
				t.Errorf("callback %v, want error=%s with the state and no code", q, c.err)
			}
			if st := s.Stats(); st.Authorizations != 0 {
				t.Errorf("%d codes issued", st.Authorizations)
			}
		})
	}
	if w := httptest.NewRecorder(); true {
		New(Options{}).ServeHTTP(w, httptest.NewRequest("GET", "/v1/authorize?"+authorizeQuery().Encode(), nil))
		if w.Code != 401 && w.Code != 404 {
			t.Errorf("without Options.OAuth /authorize answered %d", w.Code)
		}
	}
}

// A redemption refused spends nothing: the right one still works after a
// wrong verifier, another redirect URI, a wrong secret.
func TestRedeemRefusals(t *testing.T) {
	for _, c := range []struct {
		name   string
		form   func(code string) url.Values
		status int
		err    string
		why    string
	}{
		{"wrong verifier", func(c string) url.Values { f := codeForm(c); f.Set("code_verifier", testVerifier+"x"); return f }, 400, "invalid_grant", "code_verifier"},
		{"no verifier", func(c string) url.Values { return without(codeForm(c), "code_verifier") }, 400, "invalid_request", "code_verifier"},
		{"other redirect", func(c string) url.Values {
			f := codeForm(c)
			f.Set("redirect_uri", "http://127.0.0.1:1/callback")
			return f
		}, 400, "invalid_grant", "redirect_uri"},
		{"unknown code", func(string) url.Values { return codeForm("fake-code-NOPE") }, 400, "invalid_grant", "not one this server issued"},
		{"wrong secret", func(c string) url.Values { f := codeForm(c); f.Set("client_secret", "nope"); return f }, 401, "invalid_client", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := oauthServer(Options{}, OAuth{})
			code := redirected(t, getAuthorize(t, s, authorizeQuery())).Get("code")
			w := postForm(t, s, c.form(code))
			if e := decodeOAuthError(t, w); w.Code != c.status || e.Error != c.err || !strings.Contains(e.Description, c.why) {
				t.Errorf("%d %+v, want %d %s (%s)", w.Code, e, c.status, c.err, c.why)
			}
			noSecrets(t, w.Body.String(), code, testVerifier)
			decodeToken(t, postForm(t, s, codeForm(code)))
		})
	}
}

// A code lives codeTTL.
func TestCodeExpiry(t *testing.T) {
	s := oauthServer(Options{}, OAuth{})
	code := redirected(t, getAuthorize(t, s, authorizeQuery())).Get("code")
	s.mu.Lock()
	s.oauth.codes[code].expires = time.Now().Add(-time.Second)
	s.mu.Unlock()
	w := postForm(t, s, codeForm(code))
	if e := decodeOAuthError(t, w); e.Error != "invalid_grant" || !strings.Contains(e.Description, "expired") {
		t.Errorf("%d %+v", w.Code, e)
	}
}

// A token has the scopes it was authorized for, through refreshes: the
// routes it lacks them for answer 403; Options.Token and a first refresh
// token without OAuth.Scopes have every scope.
func TestScopes(t *testing.T) {
	s := oauthServer(Options{Token: testToken}, OAuth{})
	code := redirected(t, getAuthorize(t, s, authorizeWith("scope", scopeSubscribersRead))).Get("code")
	a := decodeToken(t, postForm(t, s, codeForm(code)))
	a = decodeToken(t, postForm(t, s, refreshForm(a.RefreshToken))) // the scopes carry over
	bearer := header("Authorization", "Bearer "+a.AccessToken)
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", subsURL, nil, 200},
		{"POST", validateURL, precheckBody("ann@acme.example"), 403},
		{"POST", subsURL, provisionBody("ann@acme.example"), 403},
		{"GET", "/v1/wholesale/customers", nil, 403},
	} {
		if w := call(t, s, c.method, c.path, c.body, bearer); w.Code != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, w.Code, c.want, w.Body)
		}
	}
	if w := call(t, s, "POST", validateURL, precheckBody("ann@acme.example")); w.Code != 200 {
		t.Errorf("Options.Token: %d", w.Code)
	}
	if st := s.Stats(); st.ScopeRefusals != 3 {
		t.Errorf("%d scope refusals, want 3", st.ScopeRefusals)
	}

	limited := oauthServer(Options{}, OAuth{Scopes: []string{"spark:people_read"}})
	tok := decodeToken(t, postForm(t, limited, refreshForm(testFirstToken))).AccessToken
	if w := api(t, limited, tok); w.Code != 403 {
		t.Errorf("OAuth.Scopes without the read scope: GET answered %d", w.Code)
	}
	full := oauthServer(Options{}, OAuth{})
	tok = decodeToken(t, postForm(t, full, refreshForm(testFirstToken))).AccessToken
	if w := call(t, full, "GET", "/v1/wholesale/customers", nil, header("Authorization", "Bearer "+tok)); w.Code != 200 {
		t.Errorf("first refresh token of every scope: customers answered %d", w.Code)
	}
}
