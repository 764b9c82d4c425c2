package fakeapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestToken(t *testing.T) {
	cases := []struct {
		name  string
		token string // Options.Token
		auth  string // Authorization header; "" sends none
		want  int
	}{
		{"right token", testToken, "Bearer " + testToken, 200},                    // the configured token passes
		{"scheme is case-insensitive", testToken, "bearer " + testToken, 200},     // RFC 7235 schemes ignore case
		{"wrong token", testToken, "Bearer nope", 401},                            // another token is refused
		{"no header", testToken, "", 401},                                         // missing credentials
		{"basic scheme", testToken, "Basic " + testToken, 401},                    // only bearer tokens exist here
		{"empty bearer", testToken, "Bearer ", 401},                               // a scheme without a token
		{"any token when unset", "", "Bearer whatever", 200},                      // Token "" accepts any non-empty token
		{"still needs a token when unset", "", "Bearer", 401},                     // ...but not none
		{"token with extra spaces", testToken, "Bearer  " + testToken + " ", 200}, // surrounding blanks are not part of it
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{Token: c.token})
			w := call(t, s, "POST", validateURL, precheckBody("a@acme.com"), header("Authorization", c.auth))
			if w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
			}
			if c.want == 401 {
				decodeError(t, w)
				if got := s.Stats().Unauthorized; got != 1 {
					t.Errorf("Unauthorized = %d, want 1", got)
				}
			}
		})
	}
}

func TestRouting(t *testing.T) {
	cases := []struct {
		method, target string
		want           int
		allow          string
	}{
		{"GET", validateURL, 405, "POST"},                                     // precheck is POST only
		{"PUT", subsURL, 405, "GET, POST"},                                    // the collection has no PUT
		{"DELETE", subsURL + "/abc", 404, ""},                                 // DELETE is served: an unknown subscriber
		{"PUT", subsURL + "/abc", 415, ""},                                    // PUT is served: its body is checked first
		{"POST", subsURL + "/abc", 405, "GET, PUT, DELETE"},                   // no POST to a subscriber
		{"DELETE", subsURL, 405, "GET, POST"},                                 // nor a DELETE of the collection
		{"POST", "/v1/subscribers/abc/emails/consentMove", 404, ""},           // unknown subscriber
		{"GET", "/v1/subscribers/abc/emails/consentMove", 405, "POST"},        // consentMove is POST only
		{"DELETE", "/v1/subscribers/abc/emails/consentMove", 405, "POST"},     // whatever the id
		{"POST", "/v1/subscribers//emails/consentMove", 404, ""},              // empty id
		{"POST", "/v1/subscribers/a/b/emails/consentMove", 404, ""},           // an id with a slash
		{"POST", "/v1/wholesale/subscribers/abc/emails/consentMove", 404, ""}, // the spec prints it without /wholesale
		{"POST", "/subscribers/abc/emails/consentMove", 404, ""},              // the /v1 prefix is required here too
		{"GET", "/v1/subscribers/abc", 404, ""},                               // nothing else lives under /v1/subscribers
		{"GET", subsURL + "/abc", 404, ""},                                    // unknown subscriber
		{"GET", subsURL + "/", 404, ""},                                       // empty id
		{"GET", subsURL + "/a/b", 404, ""},                                    // deeper paths do not exist
		{"GET", "/wholesale/subscribers", 404, ""},                            // the /v1 prefix is required
		{"GET", "/v2/wholesale/subscribers", 404, ""},                         // other versions do not exist
		{"GET", "/v1/wholesale/subPartners", 404, ""},                         // other resources do not exist
		{"POST", "/v1/wholesale/customers", 405, "GET"},                       // customers are only looked up
		{"DELETE", "/v1/wholesale/customers/abc", 405, "GET"},                 // the spec's PUT and DELETE are not faked
		{"GET", "/v1/wholesale/customers/abc", 404, ""},                       // unknown customer
		{"GET", "/v1/wholesale/customers/", 404, ""},                          // empty id
		{"GET", "/v1/wholesale/customers/a/b", 404, ""},                       // deeper paths do not exist
		{"GET", "/v1/wholesale/customers", 200, ""},                           // the customer list
		{"GET", subsURL, 200, ""},                                             // the list itself
		{"GET", subsURL + "?email=x%40acme.com", 200, ""},                     // with a filter
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			w := call(t, New(Options{}), c.method, c.target, nil)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
			}
			if c.want != 200 {
				decodeError(t, w)
			}
			if got := w.Header().Get("Allow"); got != c.allow {
				t.Errorf("Allow %q, want %q", got, c.allow)
			}
		})
	}
}

func TestOnBehalfOfSubPartnerOrgId(t *testing.T) {
	s := New(Options{})
	s.AddSubscriber(Subscriber{ID: "known", Email: "known@acme.com"})
	routes := []struct {
		method, path string
		body         any
	}{
		{"POST", validateURL, precheckBody("a@acme.com")},
		{"POST", subsURL, provisionBody("b@acme.com")},
		{"GET", subsURL + "/known", nil},
		{"GET", subsURL, nil},
		{"DELETE", subsURL + "/known", nil},
		{"POST", "/v1/subscribers/pending/emails/consentMove", nil},
		{"GET", "/v1/wholesale/customers", nil},
		{"GET", "/v1/wholesale/customers/" + DefaultCustomers()[0].ID, nil},
	}
	cases := []struct {
		name, query string
		want        int
	}{
		{"absent", "", 0}, // optional everywhere
		{"present", "?onBehalfOfSubPartnerOrgId=org1", 0},                                    // a sub-partner org id is accepted
		{"empty", "?onBehalfOfSubPartnerOrgId=", 400},                                        // present but empty is refused
		{"one of two empty", "?onBehalfOfSubPartnerOrgId=o&onBehalfOfSubPartnerOrgId=", 400}, // every value must be non-empty
		{"twice", "?onBehalfOfSubPartnerOrgId=o&onBehalfOfSubPartnerOrgId=p", 400},           // a string, not an array (Prism agrees)
		{"bad escape", "?onBehalfOfSubPartnerOrgId=%zz", 400},                                // an unparsable query is refused, not ignored
	}
	for _, c := range cases {
		for _, r := range routes {
			t.Run(c.name+" "+r.method+" "+r.path, func(t *testing.T) {
				s := New(Options{})
				s.AddSubscriber(Subscriber{ID: "known", Email: "known@acme.com"})
				s.AddSubscriber(Subscriber{ID: "pending", Email: "pending@acme.com", Status: StatusPendingUserMigration})
				w := call(t, s, r.method, r.path+c.query, r.body)
				if c.want == 0 && w.Code/100 != 2 || c.want != 0 && w.Code != c.want {
					t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
				}
				if c.want == 400 && !strings.Contains(decodeError(t, w).Message, "onBehalfOfSubPartnerOrgId") &&
					!strings.Contains(w.Body.String(), "query") {
					t.Errorf("message does not name the parameter: %s", w.Body)
				}
			})
		}
	}
}

func TestTrackingID(t *testing.T) {
	s := New(Options{})
	// Generated ids are FAKE_<n>, one per request, on success and error alike.
	for i, want := range []string{"FAKE_1", "FAKE_2", "FAKE_3"} {
		target := validateURL
		if i == 1 {
			target = "/nowhere"
		}
		w := call(t, s, "POST", target, precheckBody("a@acme.com"))
		if got := w.Header().Get("Trackingid"); got != want {
			t.Errorf("request %d: Trackingid %q, want %q", i+1, got, want)
		}
		if i == 1 && decodeError(t, w).TrackingID != want {
			t.Errorf("error body trackingId differs from %q", want)
		}
	}
	// A client's TrackingID is echoed in the header and the error body.
	w := call(t, s, "GET", subsURL+"/missing", nil, header("TrackingID", "CLIENT_42"))
	if got := w.Header().Get("Trackingid"); got != "CLIENT_42" {
		t.Errorf("Trackingid %q, want CLIENT_42", got)
	}
	if got := decodeError(t, w).TrackingID; got != "CLIENT_42" {
		t.Errorf("body trackingId %q, want CLIENT_42", got)
	}
	// Even gateway-style answers (429) carry one.
	s = New(Options{RateLimit: 0.001})
	call(t, s, "GET", subsURL, nil)
	if w := call(t, s, "GET", subsURL, nil); w.Code != 429 || w.Header().Get("Trackingid") != "FAKE_2" {
		t.Errorf("429: status %d Trackingid %q", w.Code, w.Header().Get("Trackingid"))
	}
}

func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Latency: 250 * time.Millisecond})
		start := time.Now()
		if w := call(t, s, "GET", subsURL, nil); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
		if got := time.Since(start); got != 250*time.Millisecond {
			t.Errorf("took %v, want 250ms", got)
		}
		// A client that gives up during the wait gets nothing, at once.
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start = time.Now()
		w := call(t, s, "GET", subsURL, nil, func(r *http.Request) *http.Request { return r.WithContext(ctx) })
		if got := time.Since(start); got != 100*time.Millisecond {
			t.Errorf("abandoned request took %v, want 100ms", got)
		}
		if w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
			t.Errorf("abandoned request was answered: %d %s", w.Code, w.Body)
		}
	})
}

func TestStart(t *testing.T) {
	run, err := Start(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if !strings.HasPrefix(run.URL, "http://127.0.0.1:") || !strings.HasSuffix(run.URL, "/v1") {
		t.Errorf("URL %q, want http://127.0.0.1:PORT/v1", run.URL)
	}
	body, _ := json.Marshal(provisionBody("net@acme.com"))
	req, _ := http.NewRequest("POST", run.URL+"/wholesale/subscribers", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var sub Subscriber
	if err := json.Unmarshal(raw, &sub); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d body %s: %v", resp.StatusCode, raw, err)
	}
	// The Location header points back at the fake, under the client's base URL.
	if got, want := resp.Header.Get("Location"), run.URL+"/wholesale/subscribers/"+sub.ID; got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	if got := run.Server.Subscribers(); len(got) != 1 || got[0].Email != "net@acme.com" {
		t.Errorf("state %+v", got)
	}
	if err := run.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := run.Close(); err != nil { // idempotent, so a deferred Close is safe
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Get(run.URL + "/wholesale/subscribers"); err == nil {
		t.Error("server still answers after Close")
	}
}
