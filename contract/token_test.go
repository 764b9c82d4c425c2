//go:build contract

package contract

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/oauth"
)

// TestTokenRequestMatchesWebexDocs: the token endpoint is not in the
// OpenAPI file, so the refresh request is checked against what the Webex
// integration docs say: POST {base}/access_token, a form body
// (application/x-www-form-urlencoded) with grant_type=refresh_token,
// client_id, client_secret and refresh_token, nothing in the query, no
// bearer token; and the documented answer (access_token, expires_in,
// refresh_token, refresh_token_expires_in, token_type) is read, including
// the rotated refresh token.
func TestTokenRequestMatchesWebexDocs(t *testing.T) {
	var got *http.Request
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = r
		form, _ = url.ParseQuery(string(body))
		w.Header().Set("Content-Type", "application/json")
		// The documented answer, values shortened.
		io.WriteString(w, `{"access_token":"ZDI3MGEyYzQtNmFl","expires_in":1209599,"refresh_token":"MDEyMzQ1Njc4OTAx","refresh_token_expires_in":7775999,"token_type":"Bearer"}`)
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "creds.json")
	os.WriteFile(path, []byte(`{"client_id":"C1","client_secret":"S1","refresh_token":"R1"}`), 0o600)
	f, err := oauth.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := oauth.NewSource(path, f, srv.URL+"/v1", nil).Token(context.Background())
	if err != nil || tok != "ZDI3MGEyYzQtNmFl" {
		t.Fatalf("token %q, %v", tok, err)
	}
	if got.Method != http.MethodPost || got.URL.Path != "/v1/access_token" || got.URL.RawQuery != "" {
		t.Errorf("%s %s?%s, want POST /v1/access_token and no query", got.Method, got.URL.Path, got.URL.RawQuery)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", ct)
	}
	if a := got.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization %q: the refresh request carries its credentials in the form", a)
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"client_id", "client_secret", "grant_type", "refresh_token"}) ||
		form.Get("grant_type") != "refresh_token" || form.Get("client_id") != "C1" || form.Get("client_secret") != "S1" || form.Get("refresh_token") != "R1" {
		t.Errorf("form %v", form)
	}
	saved, err := oauth.Load(path)
	if err != nil || saved.RefreshToken != "MDEyMzQ1Njc4OTAx" || saved.Lifetime != 1209599 ||
		time.Until(saved.ExpiresAt) < 1209500*time.Second {
		t.Errorf("saved %+v, %v: want the rotated refresh token and the access token's expiry", saved, err)
	}
}
