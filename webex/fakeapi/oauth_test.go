package fakeapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

const (
	tokenURL       = "/v1/access_token"
	testClientID   = "C0ffee-client-id"
	testSecret     = "s3cret-of-the-client"
	testFirstToken = "first-refresh-token-from-the-portal"
)

// oauthServer returns a fake with OAuth on and cfg's zero fields filled in.
func oauthServer(opts Options, cfg OAuth) *Server {
	if cfg.ClientID == "" {
		cfg.ClientID = testClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = testSecret
	}
	if cfg.RefreshToken == "" {
		cfg.RefreshToken = testFirstToken
	}
	opts.OAuth = &cfg
	return New(opts)
}

// refreshForm is a complete refresh with form credentials.
func refreshForm(refreshToken string) url.Values {
	return url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {testClientID},
		"client_secret": {testSecret},
		"refresh_token": {refreshToken},
	}
}

// without returns form less the named fields.
func without(form url.Values, names ...string) url.Values {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	for _, n := range names {
		f.Del(n)
	}
	return f
}

// postForm sends form to the token endpoint, form-typed and without any
// Authorization unless a mod adds one.
func postForm(t *testing.T, h http.Handler, form url.Values, mods ...func(*http.Request) *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", tokenURL, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, m := range mods {
		r = m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// basic returns a mod that sets HTTP Basic credentials.
func basic(id, secret string) func(*http.Request) *http.Request {
	return func(r *http.Request) *http.Request {
		r.SetBasicAuth(id, secret)
		return r
	}
}

// decodeToken decodes a successful token answer, checking its shape.
func decodeToken(t *testing.T, w *httptest.ResponseRecorder) tokenAnswer {
	t.Helper()
	if w.Code != 200 {
		t.Fatalf("refresh: status %d: %s", w.Code, w.Body)
	}
	var raw map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	for _, k := range []string{"access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "token_type"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("answer lacks %s: %s", k, w.Body)
		}
	}
	var a tokenAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.AccessToken, "fake-access-") || !strings.HasPrefix(a.RefreshToken, "fake-refresh-") || a.TokenType != "Bearer" {
		t.Errorf("answer %+v", a)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	return a
}

// decodeOAuthError decodes an RFC 6749 error answer: exactly error and
// error_description, the latter non-empty.
func decodeOAuthError(t *testing.T, w *httptest.ResponseRecorder) oauthError {
	t.Helper()
	var raw map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil {
		t.Fatalf("status %d: body %q is not an OAuth error: %v", w.Code, w.Body, err)
	}
	if len(raw) != 2 || raw["error"] == "" || raw["error_description"] == "" {
		t.Errorf("not an RFC 6749 error body: %s", w.Body)
	}
	return oauthError{Error: raw["error"], Description: raw["error_description"]}
}

// noSecrets fails if body quotes a credential or token.
func noSecrets(t *testing.T, body string, secrets ...string) {
	t.Helper()
	for _, s := range append(secrets, testSecret, testClientID, testFirstToken, "fake-access-", "fake-refresh-") {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("body quotes %q: %s", s, body)
		}
	}
}

// api calls the list route with bearer token tok.
func api(t *testing.T, h http.Handler, tok string) *httptest.ResponseRecorder {
	t.Helper()
	return call(t, h, "GET", subsURL, nil, header("Authorization", "Bearer "+tok))
}

func TestRefresh(t *testing.T) {
	cases := []struct {
		name string
		form url.Values
		mods []func(*http.Request) *http.Request
	}{
		{"form credentials", refreshForm(testFirstToken), nil},                                                    // as the Webex docs show it
		{"basic credentials", without(refreshForm(testFirstToken), "client_id", "client_secret"), nil},            // RFC 6749 2.3.1
		{"basic plus the same client_id in the body", without(refreshForm(testFirstToken), "client_secret"), nil}, // harmless repetition
		{"charset in the media type", refreshForm(testFirstToken), []func(*http.Request) *http.Request{
			header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")}},
	}
	cases[1].mods = append(cases[1].mods, basic(testClientID, testSecret))
	cases[2].mods = append(cases[2].mods, basic(testClientID, testSecret))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := oauthServer(Options{}, OAuth{})
			a := decodeToken(t, postForm(t, s, c.form, c.mods...))
			if a.ExpiresIn != 1209599 || a.RefreshTokenExpiresIn != 7775999 {
				t.Errorf("expires_in %d, refresh_token_expires_in %d; want Webex's 1209599 and 7775999", a.ExpiresIn, a.RefreshTokenExpiresIn)
			}
			if a.RefreshToken == testFirstToken {
				t.Error("the refresh token was not rotated")
			}
			if got := s.LastRefreshToken(); got != a.RefreshToken {
				t.Errorf("LastRefreshToken %q, want the one issued", got)
			}
			if w := api(t, s, a.AccessToken); w.Code != 200 {
				t.Errorf("API call with the new access token: %d %s", w.Code, w.Body)
			}
			st := s.Stats()
			if st.Refreshes != 1 || st.RefreshFailures != 0 || st.Unauthorized != 0 || st.Requests != 2 || st.Lists != 1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestBasicFormEncoded(t *testing.T) {
	// RFC 6749 2.3.1 form-encodes id and secret before Basic; clients that
	// do (Go's x/oauth2) and clients that do not both get through.
	const id, secret = "id with space", "pa+ss/wo:rd%"
	for _, enc := range []bool{true, false} {
		s := oauthServer(Options{}, OAuth{ClientID: id, ClientSecret: secret})
		u, p := id, secret
		if enc {
			u, p = url.QueryEscape(id), url.QueryEscape(secret)
		}
		decodeToken(t, postForm(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {testFirstToken}}, basic(u, p)))
	}
}

func TestRefreshErrors(t *testing.T) {
	good := refreshForm(testFirstToken)
	type mod = func(*http.Request) *http.Request
	cases := []struct {
		name   string
		method string // "" is POST
		form   url.Values
		mods   []mod
		status int
		code   string
	}{
		{"wrong secret", "", refreshFormWith("client_secret", "not-"+testSecret), nil, 401, "invalid_client"},
		{"wrong client id", "", refreshFormWith("client_id", "someone-else"), nil, 401, "invalid_client"},
		{"wrong basic secret", "", without(good, "client_id", "client_secret"), []mod{basic(testClientID, "nope")}, 401, "invalid_client"},
		{"missing grant_type", "", without(good, "grant_type"), nil, 400, "invalid_request"},
		{"missing client_id", "", without(good, "client_id"), nil, 400, "invalid_request"},
		{"missing client_secret", "", without(good, "client_secret"), nil, 400, "invalid_request"},
		{"missing refresh_token", "", without(good, "refresh_token"), nil, 400, "invalid_request"},
		{"empty refresh_token counts as missing", "", refreshFormWith("refresh_token", ""), nil, 400, "invalid_request"},
		{"repeated field", "", refreshFormWith("client_id", testClientID, testClientID), nil, 400, "invalid_request"},
		{"basic and form credentials", "", good, []mod{basic(testClientID, testSecret)}, 400, "invalid_request"},
		{"basic and another client_id in the body", "", without(good, "client_secret"), []mod{basic("other", testSecret)}, 400, "invalid_request"},
		{"malformed basic", "", without(good, "client_id", "client_secret"), []mod{header("Authorization", "Basic !!not-base64")}, 400, "invalid_request"},
		{"JSON body", "", nil, []mod{func(*http.Request) *http.Request {
			raw, _ := json.Marshal(map[string]string{"grant_type": "refresh_token", "client_id": testClientID, "client_secret": testSecret, "refresh_token": testFirstToken})
			r := httptest.NewRequest("POST", tokenURL, strings.NewReader(string(raw)))
			r.Header.Set("Content-Type", "application/json")
			return r
		}}, 400, "invalid_request"},
		{"form body typed as JSON", "", good, []mod{header("Content-Type", "application/json")}, 400, "invalid_request"},
		{"no content type", "", good, []mod{header("Content-Type", "")}, 400, "invalid_request"},
		{"malformed form", "", nil, []mod{func(*http.Request) *http.Request {
			r := httptest.NewRequest("POST", tokenURL, strings.NewReader("grant_type=refresh_token&refresh_token=%zz"+testFirstToken))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}}, 400, "invalid_request"},
		{"credentials in the query only", "", nil, []mod{func(*http.Request) *http.Request {
			r := httptest.NewRequest("POST", tokenURL+"?"+good.Encode(), http.NoBody)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}}, 400, "invalid_request"},
		{"authorization_code grant without its fields", "", refreshFormWith("grant_type", "authorization_code"), nil, 400, "invalid_request"},
		{"client_credentials grant", "", refreshFormWith("grant_type", "client_credentials"), nil, 400, "unsupported_grant_type"},
		{"unknown refresh token", "", refreshForm("fake-refresh-NOTISSUED"), nil, 400, "invalid_grant"},
		{"an access token as refresh token", "", refreshForm(testToken), nil, 400, "invalid_grant"},
		{"GET", "GET", good, nil, 405, "invalid_request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := oauthServer(Options{}, OAuth{})
			mods := c.mods
			if c.method != "" {
				mods = append(mods, func(r *http.Request) *http.Request { r.Method = c.method; return r })
			}
			w := postForm(t, s, c.form, mods...)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
			e := decodeOAuthError(t, w)
			if e.Error != c.code {
				t.Errorf("error %q, want %q: %s", e.Error, c.code, w.Body)
			}
			noSecrets(t, w.Body.String(), "not-"+testSecret, "someone-else", "NOTISSUED", "zz", testToken)
			if got := w.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q", got)
			}
			if c.status == 405 && w.Header().Get("Allow") != "POST" {
				t.Errorf("Allow %q", w.Header().Get("Allow"))
			}
			if c.name == "wrong basic secret" && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Basic") {
				t.Errorf("WWW-Authenticate %q after a Basic failure", w.Header().Get("WWW-Authenticate"))
			}
			st := s.Stats()
			if st.RefreshFailures != 1 || st.Refreshes != 0 || st.Unauthorized != 0 {
				t.Errorf("stats %+v", st)
			}
			// A refused request spends nothing: the first token still works.
			decodeToken(t, postForm(t, s, good))
		})
	}
}

// refreshFormWith is a good refresh with one field's values replaced.
func refreshFormWith(field string, values ...string) url.Values {
	f := refreshForm(testFirstToken)
	f[field] = values
	return f
}

func TestRotation(t *testing.T) {
	s := oauthServer(Options{}, OAuth{})
	first := decodeToken(t, postForm(t, s, refreshForm(testFirstToken)))

	w := postForm(t, s, refreshForm(testFirstToken)) // replayed
	if e := decodeOAuthError(t, w); w.Code != 400 || e.Error != "invalid_grant" || !strings.Contains(e.Description, "already used") {
		t.Fatalf("replayed refresh token: %d %s", w.Code, w.Body)
	}
	noSecrets(t, w.Body.String(), first.AccessToken, first.RefreshToken)

	second := decodeToken(t, postForm(t, s, refreshForm(first.RefreshToken)))
	if second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
		t.Errorf("tokens repeat: %+v %+v", first, second)
	}
	if got := s.LastRefreshToken(); got != second.RefreshToken {
		t.Errorf("LastRefreshToken %q, want %q", got, second.RefreshToken)
	}
	// Earlier access tokens live out their life.
	for _, tok := range []string{first.AccessToken, second.AccessToken} {
		if w := api(t, s, tok); w.Code != 200 {
			t.Errorf("access token refused: %d %s", w.Code, w.Body)
		}
	}
	if w := postForm(t, s, refreshForm(first.RefreshToken)); w.Code != 400 {
		t.Errorf("second replay: %d", w.Code)
	}
	if st := s.Stats(); st.Refreshes != 2 || st.RefreshFailures != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestAccessExpiry(t *testing.T) {
	cases := []struct {
		name       string
		ttl        time.Duration // OAuth.AccessTTL
		life       time.Duration // what the token really lives
		expiresIn  int64
		refreshTTL time.Duration
	}{
		{"short", 200 * time.Millisecond, 200 * time.Millisecond, 1, 0}, // expires_in is at least 1
		{"seconds", 90 * time.Second, 90 * time.Second, 89, 0},
		{"default", 0, 14 * 24 * time.Hour, 1209599, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := oauthServer(Options{}, OAuth{AccessTTL: c.ttl})
				a := decodeToken(t, postForm(t, s, refreshForm(testFirstToken)))
				if a.ExpiresIn != c.expiresIn {
					t.Errorf("expires_in %d, want %d", a.ExpiresIn, c.expiresIn)
				}
				time.Sleep(c.life - time.Nanosecond)
				if w := api(t, s, a.AccessToken); w.Code != 200 {
					t.Fatalf("just before expiry: %d %s", w.Code, w.Body)
				}
				time.Sleep(time.Nanosecond)
				w := api(t, s, a.AccessToken)
				if w.Code != 401 {
					t.Fatalf("after expiry: %d %s", w.Code, w.Body)
				}
				if e := decodeError(t, w); !strings.Contains(e.Message, "expired") || !strings.Contains(e.Errors[0].Description, "expired") {
					t.Errorf("message does not say the token expired: %s", w.Body)
				}
				noSecrets(t, w.Body.String(), a.AccessToken)
				// A fresh access token works again.
				b := decodeToken(t, postForm(t, s, refreshForm(a.RefreshToken)))
				if w := api(t, s, b.AccessToken); w.Code != 200 {
					t.Errorf("after refresh: %d", w.Code)
				}
				if st := s.Stats(); st.Unauthorized != 1 || st.Refreshes != 2 {
					t.Errorf("stats %+v", st)
				}
			})
		})
	}
}

func TestRefreshExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := oauthServer(Options{}, OAuth{})
		time.Sleep(90*24*time.Hour - time.Nanosecond) // the first token lives 90 days from New
		a := decodeToken(t, postForm(t, s, refreshForm(testFirstToken)))
		time.Sleep(90 * 24 * time.Hour) // and each new one 90 days from its issue
		w := postForm(t, s, refreshForm(a.RefreshToken))
		if e := decodeOAuthError(t, w); w.Code != 400 || e.Error != "invalid_grant" || !strings.Contains(e.Description, "expired") {
			t.Errorf("expired refresh token: %d %s", w.Code, w.Body)
		}
		noSecrets(t, w.Body.String(), a.RefreshToken)

		s = oauthServer(Options{}, OAuth{RefreshTTL: time.Minute})
		if a := decodeToken(t, postForm(t, s, refreshForm(testFirstToken))); a.RefreshTokenExpiresIn != 59 {
			t.Errorf("refresh_token_expires_in %d, want 59", a.RefreshTokenExpiresIn)
		}
	})
}

func TestRevokeAndExpire(t *testing.T) {
	s := oauthServer(Options{Token: testToken}, OAuth{})
	a := decodeToken(t, postForm(t, s, refreshForm(testFirstToken)))

	s.RevokeRefreshTokens()
	for _, rt := range []string{a.RefreshToken, testFirstToken} {
		w := postForm(t, s, refreshForm(rt))
		if e := decodeOAuthError(t, w); w.Code != 400 || e.Error != "invalid_grant" {
			t.Errorf("revoked refresh token: %d %s", w.Code, w.Body)
		}
	}
	if got := s.LastRefreshToken(); got != a.RefreshToken {
		t.Errorf("LastRefreshToken %q after revocation, want the last one issued", got)
	}
	if w := api(t, s, a.AccessToken); w.Code != 200 {
		t.Errorf("revoking refresh tokens killed an access token: %d", w.Code)
	}

	s.ExpireAccessTokens()
	w := api(t, s, a.AccessToken)
	if w.Code != 401 || !strings.Contains(decodeError(t, w).Message, "expired") {
		t.Errorf("expired access token: %d %s", w.Code, w.Body)
	}
	if w := api(t, s, testToken); w.Code != 200 {
		t.Errorf("Options.Token after ExpireAccessTokens: %d", w.Code)
	}
	if st := s.Stats(); st.Unauthorized != 1 || st.RefreshFailures != 2 || st.Refreshes != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestOAuthBearer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cases := []struct {
			name  string
			token string // Options.Token
			auth  string
			want  int
		}{
			{"static token still works", testToken, "Bearer " + testToken, 200},
			{"any token no longer works", "", "Bearer whatever", 401},        // only issued ones
			{"unissued fake-looking token", "", "Bearer fake-access-X", 401}, // the prefix is no key
			{"no header", "", "", 401},
		}
		for _, c := range cases {
			s := oauthServer(Options{Token: c.token}, OAuth{AccessTTL: time.Second})
			time.Sleep(1000 * 24 * time.Hour) // Options.Token never expires
			w := call(t, s, "GET", subsURL, nil, header("Authorization", c.auth))
			if w.Code != c.want {
				t.Errorf("%s: status %d, want %d: %s", c.name, w.Code, c.want, w.Body)
			}
			if c.want == 401 && strings.Contains(decodeError(t, w).Message, "expired") {
				t.Errorf("%s: a token never issued is called expired: %s", c.name, w.Body)
			}
		}
	})
}

func TestTokenEndpointExempt(t *testing.T) {
	// Every API request fails and the bucket holds one token, but the token
	// endpoint draws no failure, spends no token and needs no bearer.
	s := oauthServer(Options{FailureRate: 1, RateLimit: 0.001}, OAuth{})
	rt := testFirstToken
	for range 5 {
		rt = decodeToken(t, postForm(t, s, refreshForm(rt))).RefreshToken
	}
	if w := api(t, s, testToken); w.Code != 503 {
		t.Errorf("API call: %d, want the injected 503", w.Code)
	}
	s = oauthServer(Options{RateLimit: 0.001}, OAuth{})
	a := decodeToken(t, postForm(t, s, refreshForm(testFirstToken)))
	if w := api(t, s, a.AccessToken); w.Code != 200 {
		t.Errorf("first API call: %d, the bucket was spent by the refresh", w.Code)
	}
}

func TestWithoutOAuth(t *testing.T) {
	s := New(Options{Token: testToken})
	// The path is an unknown one, behind the bearer check, as before.
	if w := postForm(t, s, refreshForm(testFirstToken)); w.Code != 401 {
		t.Errorf("no bearer: %d", w.Code)
	}
	if w := postForm(t, s, refreshForm(testFirstToken), header("Authorization", "Bearer "+testToken)); w.Code != 404 {
		t.Errorf("with bearer: %d", w.Code)
	}
	s.RevokeRefreshTokens()
	s.ExpireAccessTokens()
	if s.LastRefreshToken() != "" {
		t.Error("LastRefreshToken without OAuth")
	}
	if w := api(t, s, testToken); w.Code != 200 {
		t.Errorf("Options.Token after ExpireAccessTokens: %d", w.Code)
	}
	if st := s.Stats(); st.Refreshes != 0 || st.RefreshFailures != 0 || st.Unauthorized != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestMadeUpFirstToken(t *testing.T) {
	cfg := OAuth{ClientID: testClientID, ClientSecret: testSecret}
	s := New(Options{OAuth: &cfg})
	cfg.ClientSecret = "changed later" // New took a copy
	first := s.LastRefreshToken()
	if !strings.HasPrefix(first, "fake-refresh-") || len(first) < len("fake-refresh-")+20 {
		t.Fatalf("made-up first refresh token %q", first)
	}
	if other := New(Options{OAuth: &OAuth{}}).LastRefreshToken(); other == first {
		t.Error("two servers made up the same token")
	}
	decodeToken(t, postForm(t, s, refreshForm(first)))
}

// TestConcurrentRefresh races refreshes of one refresh token over real
// HTTP, with API calls alongside, for -race: exactly one wins.
func TestConcurrentRefresh(t *testing.T) {
	run, err := Start(Options{OAuth: &OAuth{ClientID: testClientID, ClientSecret: testSecret, RefreshToken: testFirstToken}})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	const workers = 8
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		won    []tokenAnswer
		others []int
	)
	for range workers {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", run.URL+"/access_token", strings.NewReader(refreshForm(testFirstToken).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var a tokenAnswer
			_ = json.NewDecoder(resp.Body).Decode(&a)
			mu.Lock()
			defer mu.Unlock()
			if resp.StatusCode == 200 {
				won = append(won, a)
			} else {
				others = append(others, resp.StatusCode)
			}
			run.Server.ExpireAccessTokens()
			_ = run.Server.LastRefreshToken()
			_ = run.Server.Stats()
		})
		wg.Go(func() {
			req, _ := http.NewRequest("GET", run.URL+"/wholesale/subscribers", nil)
			req.Header.Set("Authorization", "Bearer "+run.Server.LastRefreshToken())
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d racing refreshes of one token won, want 1 (others: %v)", len(won), others)
	}
	for _, c := range others {
		if c != 400 {
			t.Errorf("a losing refresh got %d, want 400", c)
		}
	}
	if got := run.Server.LastRefreshToken(); got != won[0].RefreshToken {
		t.Errorf("LastRefreshToken %q, want the winner's", got)
	}
	if st := run.Server.Stats(); st.Refreshes != 1 || st.RefreshFailures != workers-1 || st.Unauthorized != workers {
		t.Errorf("stats %+v", st)
	}
}

// FailFirst: the first requests get the outage's status and Retry-After
// and rotate nothing; the refresh token still works after them.
func TestTokenOutage(t *testing.T) {
	cases := []struct {
		name   string
		cfg    OAuth
		status int
		after  string
	}{
		{"503 by default, no Retry-After", OAuth{FailFirst: 2}, 503, ""},
		{"429 with Retry-After", OAuth{FailFirst: 2, FailStatus: 429, FailRetryAfter: 5 * time.Second}, 429, "5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := oauthServer(Options{}, c.cfg)
			for range 2 {
				w := postForm(t, s, refreshForm(testFirstToken))
				if w.Code != c.status || w.Header().Get("Retry-After") != c.after || decodeOAuthError(t, w).Error != "temporarily_unavailable" {
					t.Fatalf("%d Retry-After %q: %s", w.Code, w.Header().Get("Retry-After"), w.Body)
				}
			}
			if got := decodeToken(t, postForm(t, s, refreshForm(testFirstToken))); got.RefreshToken == "" {
				t.Fatal("the first refresh token was spent by the outage")
			}
			if st := s.Stats(); st.Refreshes != 1 || st.RefreshFailures != 2 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// LateFirst: the refresh rotates at once and answers LateBy later; a
// client that gives up first has spent its refresh token for nothing.
func TestLateAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := oauthServer(Options{}, OAuth{LateFirst: 1, LateBy: 40 * time.Second})
		start := time.Now()
		got := decodeToken(t, postForm(t, s, refreshForm(testFirstToken)))
		if d := time.Since(start); d != 40*time.Second {
			t.Errorf("answered after %v, want 40s", d)
		}
		if s.LastRefreshToken() != got.RefreshToken {
			t.Error("the late answer is not the last issued token")
		}
		// The second answer is on time.
		start = time.Now()
		decodeToken(t, postForm(t, s, refreshForm(got.RefreshToken)))
		if d := time.Since(start); d != 0 {
			t.Errorf("second answer after %v", d)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		s := oauthServer(Options{}, OAuth{LateFirst: 1, LateBy: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // the client's timeout
		defer cancel()
		r := httptest.NewRequestWithContext(ctx, "POST", tokenURL, strings.NewReader(refreshForm(testFirstToken).Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Body.Len() != 0 {
			t.Errorf("an answer to a client that left: %s", w.Body)
		}
		if w := postForm(t, s, refreshForm(testFirstToken)); w.Code != 400 || decodeOAuthError(t, w).Error != "invalid_grant" {
			t.Errorf("the lost refresh's token still works: %d %s", w.Code, w.Body)
		}
	})
}
