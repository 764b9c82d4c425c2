//go:build contract

package contract

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// pathConsentMove is the consentMove path as the spec prints it: without
// /wholesale, and the spec has no servers entry, so Prism serves it at the
// root like every other path (and the client sends it under the same base).
const pathConsentMove = "/subscribers/{id}/emails/consentMove"

// exampleEmail is the email of the spec's example subscribers (the list's
// two items and the GET's one), so FindByEmail finds them in Prism's answer.
const exampleEmail = "johnandersen@acme.com"

// subscriberCall is one call of the real webex client beyond precheck and
// provision, and the request it must put on the wire.
type subscriberCall struct {
	name       string
	method     string
	path       string // escaped path the client must send, "{id}" standing for the id
	query      string // the query it must send, before onBehalfOfSubPartnerOrgId
	wantStatus int    // Prism's answer: the operation's first 2xx response
	intent     bool   // the call takes an intent callback, run once before sending
	do         func(ctx context.Context, c *webex.Client, id string, intent func() error) (webex.CallInfo, error)
}

func subscriberCalls() []subscriberCall {
	return []subscriberCall{
		{name: "GetSubscriber", method: "GET", path: pathCreate + "/{id}", wantStatus: 200,
			do: func(ctx context.Context, c *webex.Client, id string, _ func() error) (webex.CallInfo, error) {
				sub, info, err := c.GetSubscriber(ctx, id)
				if err == nil && sub.ID == "" {
					err = errors.New("the answer has no subscriber id")
				}
				return info, err
			}},
		{name: "FindByEmail", method: "GET", path: pathCreate, query: "email=johnandersen%40acme.com&max=100", wantStatus: 200,
			do: func(ctx context.Context, c *webex.Client, _ string, _ func() error) (webex.CallInfo, error) {
				found, info, err := c.FindByEmail(ctx, exampleEmail)
				if err == nil && len(found) == 0 {
					err = errors.New("found nothing")
				}
				return info, err
			}},
		{name: "RemoveSubscriber", method: "DELETE", path: pathCreate + "/{id}", wantStatus: 204, intent: true,
			do: func(ctx context.Context, c *webex.Client, id string, intent func() error) (webex.CallInfo, error) {
				return c.RemoveSubscriber(ctx, id, intent)
			}},
		{name: "ResendConsent", method: "POST", path: pathConsentMove, wantStatus: 204, intent: true,
			do: func(ctx context.Context, c *webex.Client, id string, intent func() error) (webex.CallInfo, error) {
				return c.ResendConsent(ctx, id, intent)
			}},
	}
}

// TestClientSubscriberCallsMatchContract sends each subscriber call of the
// real webex client (GetSubscriber, FindByEmail, RemoveSubscriber,
// ResendConsent), with and without onBehalfOfSubPartnerOrgId, to Prism
// serving the official spec: Prism must log no request violation, answer the
// operation's documented success (so the path, including consentMove's,
// resolves to the spec's operation and the method is the spec's), and the
// request must be exactly the one the spec describes: no body and no
// Content-Type on the GETs, the DELETE and the consentMove POST (the spec
// defines no request body for either).
func TestClientSubscriberCallsMatchContract(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	id := exampleSubscriberID(t)
	for _, obo := range []string{"", onBehalfOf} {
		name := "without onBehalfOf"
		if obo != "" {
			name = "with onBehalfOf"
		}
		t.Run(name, func(t *testing.T) {
			client, wire := recordingClient(t, baseURL, obo)
			for _, sc := range subscriberCalls() {
				t.Run(sc.name, func(t *testing.T) {
					intents := 0
					info, err := sc.do(context.Background(), client, id, func() error { intents++; return nil })
					if report := violationReport(violations()); report != nil {
						t.Errorf("%s %s: %v", sc.method, sc.path, report)
					}
					if err != nil {
						t.Fatalf("Prism's answer: %v (status %d)", err, info.Status)
					}
					if info.Status != sc.wantStatus || info.Attempts != 1 {
						t.Errorf("status %d after %d attempt(s), want %d at once", info.Status, info.Attempts, sc.wantStatus)
					}
					if sc.intent && intents != 1 {
						t.Errorf("intent ran %d times, want once", intents)
					}
					reqs := wire()
					if len(reqs) != 1 {
						t.Fatalf("%d requests on the wire, want 1: %+v", len(reqs), reqs)
					}
					got := reqs[0]
					wantPath := strings.ReplaceAll(sc.path, "{id}", id)
					wantQuery := sc.query
					if obo != "" {
						if wantQuery != "" {
							wantQuery += "&"
						}
						wantQuery += "onBehalfOfSubPartnerOrgId=" + strings.ReplaceAll(obo, "=", "%3D")
					}
					if got.method != sc.method || got.path != wantPath || !sameQuery(got.query, wantQuery) {
						t.Errorf("sent %s %s?%s, want %s %s?%s", got.method, got.path, got.query, sc.method, wantPath, wantQuery)
					}
					if len(got.body) != 0 || got.contentType != "" {
						t.Errorf("sent a body %q with Content-Type %q; the operation has none", got.body, got.contentType)
					}
					if got.auth != "Bearer "+contractToken {
						t.Errorf("Authorization %q", got.auth)
					}
					t.Logf("%s %s: Prism answered %d, no request violation", got.method, got.path, info.Status)
				})
			}
		})
	}
}

// TestFakeAgreesWithPrismOnSubscriberCalls: the fake (webex/fakeapi) serves
// the same four calls as Prism, where comparing them means something.
//
//   - The real client's calls: against Prism and against a fake seeded with
//     the spec's example subscriber (pending_user_migration, so consentMove
//     may be sent), each succeeds at once with the same status. The fake's
//     state-dependent answers (404 for an unknown id, 409 consentMove of a
//     subscriber not pending) have no counterpart in Prism, which answers
//     every id with the example; the fake's own tests cover them.
//   - Raw requests around the routes, to a fake seeded the same way: a body
//     on DELETE or consentMove (which define none), the wrong method,
//     consentMove under /wholesale (a path the spec does not have):
//     Prism and the fake answer the same status, and whenever Prism logs a
//     request violation the fake refuses (400/415) too.
func TestFakeAgreesWithPrismOnSubscriberCalls(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	id := exampleSubscriberID(t)
	newFake := func(t *testing.T) (*fakeapi.Server, string) {
		s := fakeapi.New(fakeapi.Options{Token: contractToken})
		s.AddSubscriber(fakeapi.Subscriber{ID: id, Email: exampleEmail, Status: fakeapi.StatusPendingUserMigration})
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		return s, srv.URL + "/v1"
	}

	for _, sc := range subscriberCalls() {
		t.Run("client/"+sc.name, func(t *testing.T) {
			pc, _ := recordingClient(t, baseURL, onBehalfOf)
			pInfo, pErr := sc.do(context.Background(), pc, id, nil)
			if report := violationReport(violations()); report != nil {
				t.Errorf("Prism: %v", report)
			}
			fake, fakeURL := newFake(t)
			fc, _ := recordingClient(t, fakeURL, onBehalfOf)
			fInfo, fErr := sc.do(context.Background(), fc, id, nil)
			if pErr != nil || fErr != nil || pInfo.Status != fInfo.Status {
				t.Errorf("DISAGREEMENT: Prism %d (%v), fake %d (%v)", pInfo.Status, pErr, fInfo.Status, fErr)
			}
			st := fake.Stats()
			switch sc.method {
			case "DELETE":
				if st.Removed[exampleEmail] != 1 || st.DeletesByID[id] != 1 || len(fake.Subscribers()) != 0 {
					t.Errorf("the fake did not remove the subscriber once: %+v", st)
				}
			case "POST":
				if st.ConsentsSent[exampleEmail] != 1 || st.ConsentMovesByID[id] != 1 {
					t.Errorf("the fake did not send one consent email: %+v", st)
				}
			}
			t.Logf("Prism %d, fake %d", pInfo.Status, fInfo.Status)
		})
	}

	consent := strings.ReplaceAll(pathConsentMove, "{id}", id)
	raw := []struct {
		name, method, path, body, contentType string
		want                                  int // both answer this
	}{
		{"DELETE subscriber", "DELETE", pathCreate + "/" + id, "", "", 204},
		{"DELETE subscriber onBehalfOf", "DELETE", pathCreate + "/" + id + "?onBehalfOfSubPartnerOrgId=Y2lz", "", "", 204},
		{"consentMove without body", "POST", consent, "", "", 204},
		{"consentMove onBehalfOf", "POST", consent + "?onBehalfOfSubPartnerOrgId=Y2lz", "", "", 204},
		{"consentMove with a Content-Type and no body", "POST", consent, "", jsonCT, 204},
		{"consentMove with a JSON body", "POST", consent, `{"email":"x@acme.com"}`, jsonCT, 400},
		{"consentMove with a text body", "POST", consent, "hello", "text/plain", 400},
		{"DELETE with a JSON body", "DELETE", pathCreate + "/" + id, `{}`, jsonCT, 415},
		{"consentMove with GET", "GET", consent, "", "", 405},
		{"consentMove with DELETE", "DELETE", consent, "", "", 405},
		{"consentMove under /wholesale", "POST", "/wholesale" + consent, "", "", 404},
		{"DELETE of the collection", "DELETE", pathCreate, "", "", 405},
	}
	client := &http.Client{Timeout: 10 * time.Second}
	send := func(t *testing.T, base, method, path, body, ct string) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, base+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+contractToken)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	for _, tc := range raw {
		t.Run("raw/"+tc.name, func(t *testing.T) {
			pStatus, pBody := send(t, baseURL, tc.method, tc.path, tc.body, tc.contentType)
			pViolations := violations()
			_, fakeURL := newFake(t)
			fStatus, fBody := send(t, fakeURL, tc.method, tc.path, tc.body, tc.contentType)
			fakeRefuses := fStatus == http.StatusBadRequest || fStatus == http.StatusUnsupportedMediaType
			if (len(pViolations) > 0) != fakeRefuses {
				t.Errorf("DISAGREEMENT: Prism violations %q, fake %d %s", pViolations, fStatus, fBody)
			}
			if pStatus != tc.want || fStatus != tc.want {
				t.Errorf("Prism %d (%.200s), fake %d (%.200s), want both %d", pStatus, pBody, fStatus, fBody, tc.want)
			}
			if tc.want == http.StatusNoContent && (len(pBody) != 0 || len(fBody) != 0) {
				t.Errorf("204 with a body: Prism %q, fake %q", pBody, fBody)
			}
		})
	}
}

// wireRequest is what a client put on the wire.
type wireRequest struct {
	method, path, query, contentType, auth string
	body                                   []byte
}

// recordingClient is a real webex client (one attempt, no pacing) whose
// transport records every request; wire returns those made since its last
// call.
func recordingClient(t *testing.T, baseURL, obo string) (*webex.Client, func() []wireRequest) {
	t.Helper()
	rt := &recordingTransport{next: http.DefaultTransport}
	c, err := webex.New(webex.Config{
		BaseURL:    baseURL,
		Token:      contractToken,
		OnBehalfOf: obo,
		Pacer:      noPacer{},
		Timeout:    10 * time.Second,
		Retry:      webex.RetryPolicy{MaxAttempts: 1},
		HTTP:       &http.Client{Transport: rt},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, rt.take
}

type recordingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []wireRequest
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	w := wireRequest{method: req.Method, path: req.URL.EscapedPath(), query: req.URL.RawQuery,
		contentType: req.Header.Get("Content-Type"), auth: req.Header.Get("Authorization")}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		w.body = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, w)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func (r *recordingTransport) take() []wireRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// sameQuery compares two raw queries as sets of parameters.
func sameQuery(a, b string) bool {
	split := func(q string) map[string]bool {
		m := map[string]bool{}
		for _, p := range strings.Split(q, "&") {
			if p != "" {
				m[p] = true
			}
		}
		return m
	}
	ma, mb := split(a), split(b)
	if len(ma) != len(mb) {
		return false
	}
	for k := range ma {
		if !mb[k] {
			return false
		}
	}
	return true
}
