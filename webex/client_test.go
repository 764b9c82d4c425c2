package webex_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// seen is one request as the server received it.
type seen struct {
	method, path, query string
	header              http.Header
	body                string
}

// recorder is a handler that keeps every request and answers with answer(n),
// n counting from 1.
type recorder struct {
	mu     sync.Mutex
	reqs   []seen
	answer func(n int, w http.ResponseWriter)
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(b)})
	n := len(rc.reqs)
	rc.mu.Unlock()
	rc.answer(n, w)
}

func (rc *recorder) all() []seen {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.reqs)
}

// ok answers a successful precheck.
func ok(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Trackingid", "ROUTER_OK")
	io.WriteString(w, `{"message":"success","info":[{"infoCode":100,"description":"Provisioning preCheck validation successful."}]}`)
}

// status answers code with an empty body.
func status(code int) func(int, http.ResponseWriter) {
	return func(_ int, w http.ResponseWriter) { w.WriteHeader(code) }
}

// failFirst answers the first k requests with fail, then ok.
func failFirst(k int, fail func(w http.ResponseWriter)) func(int, http.ResponseWriter) {
	return func(n int, w http.ResponseWriter) {
		if n <= k {
			fail(w)
			return
		}
		ok(w)
	}
}

// reset closes the connection without answering, as a crashing proxy would.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, isTCP := conn.(*net.TCPConn); isTCP {
		tc.SetLinger(0) // RST rather than FIN
	}
	conn.Close()
}

var email = webex.PrecheckRequest{Email: "alice@acme.com"}

func TestRequestShape(t *testing.T) {
	cases := []struct {
		name      string
		suffix    string // appended to the server URL to form BaseURL
		ua        string // Config.UserAgent
		onBehalf  string
		wantUA    string
		wantQuery string
	}{
		{"defaults", "/v1", "", "", "wholesale-batch", ""},                                                   // default User-Agent, no query
		{"trailing slash", "/v1/", "", "", "wholesale-batch", ""},                                            // a trailing slash is not doubled
		{"user agent", "/v1", "wholesale-batch/1.2.3", "", "wholesale-batch/1.2.3", ""},                      // the caller's User-Agent
		{"sub-partner", "/v1", "", "org 1/ü", "wholesale-batch", "onBehalfOfSubPartnerOrgId=org+1%2F%C3%BC"}, // escaped query
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := &recorder{answer: func(_ int, w http.ResponseWriter) { ok(w) }}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			cl, p := newClient(t, srv.URL+c.suffix, func(cfg *webex.Config) {
				cfg.UserAgent, cfg.OnBehalfOf = c.ua, c.onBehalf
			})
			if _, _, err := cl.Precheck(context.Background(), email); err != nil {
				t.Fatal(err)
			}
			r := rc.all()[0]
			checks := []struct{ what, got, want string }{
				{"method", r.method, http.MethodPost},
				{"path", r.path, "/v1/wholesale/subscribers/validate"},
				{"query", r.query, c.wantQuery},
				{"Authorization", r.header.Get("Authorization"), "Bearer " + testToken},
				{"User-Agent", r.header.Get("User-Agent"), c.wantUA},
				{"Content-Type", r.header.Get("Content-Type"), "application/json"},
				{"Accept", r.header.Get("Accept"), "application/json"},
			}
			for _, ch := range checks {
				if ch.got != ch.want {
					t.Errorf("%s = %q, want %q", ch.what, ch.got, ch.want)
				}
			}
			if tid := r.header.Get("TrackingID"); !strings.HasPrefix(tid, "WHOLESALE-BATCH_") {
				t.Errorf("TrackingID = %q, want WHOLESALE-BATCH_...", tid)
			}
			if n := p.waits.Load(); n != 1 {
				t.Errorf("pacer waited %d times, want 1", n)
			}
		})
	}
}

func TestTrackingIDUniquePerAttempt(t *testing.T) {
	rc := &recorder{answer: failFirst(2, func(w http.ResponseWriter) { w.WriteHeader(503) })}
	cl, _ := newClient(t, serve(t, rc.ServeHTTP), nil)
	for range 3 { // a fresh id for each retry and for each call
		if _, _, err := cl.Precheck(context.Background(), email); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]bool{}
	for _, r := range rc.all() {
		ids[r.header.Get("TrackingID")] = true
	}
	if len(ids) != 5 || ids[""] {
		t.Errorf("5 attempts carried %d distinct tracking ids: %v", len(ids), ids)
	}
}

func TestPrecheckBody(t *testing.T) {
	cases := []struct {
		name string
		req  webex.PrecheckRequest
		want string
	}{
		{"email only", webex.PrecheckRequest{Email: "a@acme.com"}, // the minimal variant
			`{"email":"a@acme.com"}`},
		{"existing customer", webex.PrecheckRequest{Email: "a@acme.com", CustomerID: "Y2lzY29"}, // email + customerId
			`{"email":"a@acme.com","customerId":"Y2lzY29"}`},
		{"new customer", webex.PrecheckRequest{Email: "a@acme.com", ProvisioningID: "prov-1", // email + provisioningId + customerInfo
			CustomerInfo: &webex.CustomerInfo{PrimaryEmail: "boss@acme.com"}},
			`{"email":"a@acme.com","provisioningId":"prov-1","customerInfo":{"primaryEmail":"boss@acme.com"}}`},
		{"package and calling details", webex.PrecheckRequest{Email: "a@acme.com", CustomerID: "c", // packages is an array of one
			Packages:               []string{"webex_calling"},
			ProvisioningParameters: &webex.ProvisioningParameters{Extension: "1234", LastName: "Doe"}},
			`{"email":"a@acme.com","customerId":"c","packages":["webex_calling"],"provisioningParameters":{"lastName":"Doe","extension":"1234"}}`},
		{"empty packages omitted", webex.PrecheckRequest{Email: "a@acme.com", Packages: []string{}}, // never "packages":[]
			`{"email":"a@acme.com"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := &recorder{answer: func(_ int, w http.ResponseWriter) { ok(w) }}
			cl, _ := newClient(t, serve(t, rc.ServeHTTP), nil)
			if _, _, err := cl.Precheck(context.Background(), c.req); err != nil {
				t.Fatal(err)
			}
			got := rc.all()[0].body
			if got != c.want {
				t.Errorf("body\n got %s\nwant %s", got, c.want)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(got), &m); err != nil {
				t.Fatal(err)
			}
			if _, has := m["package"]; has {
				t.Errorf("body has the deprecated package field: %s", got)
			}
		})
	}
}

func TestPrecheckResponse(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		passed bool
		info   webex.InfoList
	}{
		{"info array", `{"message":"success","info":[{"infoCode":100,"description":"ok"}]}`, true, // what the API sends
			webex.InfoList{{InfoCode: 100, Description: "ok"}}},
		{"info object", `{"message":"success","info":{"infoCode":100,"description":"ok"}}`, true, // what the schema says
			webex.InfoList{{InfoCode: 100, Description: "ok"}}},
		{"two infos", `{"message":"success","info":[{"infoCode":100},{"infoCode":101}]}`, true, // all kept, in order
			webex.InfoList{{InfoCode: 100}, {InfoCode: 101}}},
		{"info null", `{"message":"success","info":null}`, true, nil},               // null is no info
		{"no info", `{"message":"SUCCESS"}`, true, nil},                             // the pass rule ignores case
		{"not success", `{"message":"failure","info":[]}`, false, webex.InfoList{}}, // a 2xx that is not a pass
		{"empty body", ``, false, nil},                                              // nothing to read is no pass, no error
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Trackingid", "ROUTER_X")
				io.WriteString(w, c.body)
			})
			cl, _ := newClient(t, base, nil)
			resp, info, err := cl.Precheck(context.Background(), email)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Passed() != c.passed {
				t.Errorf("Passed() = %v, want %v", resp.Passed(), c.passed)
			}
			if !slices.Equal(resp.Info, c.info) {
				t.Errorf("Info = %+v, want %+v", resp.Info, c.info)
			}
			if info.Attempts != 1 || info.Status != 200 || info.TrackingID != "ROUTER_X" {
				t.Errorf("CallInfo = %+v, want 1 attempt, 200, ROUTER_X", info)
			}
		})
	}
}

// TestPrecheckUnreadable2xx: a precheck answered 200 with a body that is
// not an answer, every time, ends after the retries with an error naming
// what came back and the tracking id.
func TestPrecheckUnreadable2xx(t *testing.T) {
	base := serve(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "<html>ok</html>") })
	cl, _ := newClient(t, base, nil)
	_, info, err := cl.Precheck(context.Background(), email)
	if err == nil || !strings.Contains(err.Error(), "HTTP 200 with an HTML page") || !strings.Contains(err.Error(), info.TrackingID) {
		t.Errorf("err = %v, want an HTTP 200 unreadable-body error naming the tracking id", err)
	}
	if info.Attempts != fastRetry.MaxAttempts {
		t.Errorf("%d attempts, want %d: an unreadable answer is retried like a 502", info.Attempts, fastRetry.MaxAttempts)
	}
}

func TestAPIError(t *testing.T) {
	const htmlPage = "<html><body><h1>502 Bad Gateway</h1></body></html>"
	cases := []struct {
		name    string
		status  int
		header  string // Trackingid response header
		body    string
		want    webex.APIError
		codes   string
		detail  string
		message string // of Error()
	}{
		{"full body", 409, "HDR_1", // body's trackingId wins over the header's
			`{"message":"User exists","errors":[{"description":"The email is already associated with an existing user.","errorCode":10022}],"trackingId":"ROUTER_1"}`,
			webex.APIError{Status: 409, Message: "User exists", TrackingID: "ROUTER_1",
				Errors: []webex.ErrorItem{{Description: "The email is already associated with an existing user.", ErrorCode: 10022}}},
			"10022", "The email is already associated with an existing user.",
			"HTTP 409: User exists (errorCode 10022) [trackingId ROUTER_1]"},
		{"no trackingId in body", 400, "HDR_2", // falls back to the Trackingid header
			`{"message":"Bad","errors":[{"description":"Invalid phone","errorCode":10101},{"description":"Bad ext","errorCode":10102}]}`,
			webex.APIError{Status: 400, Message: "Bad", TrackingID: "HDR_2",
				Errors: []webex.ErrorItem{{Description: "Invalid phone", ErrorCode: 10101}, {Description: "Bad ext", ErrorCode: 10102}}},
			"10101;10102", "Invalid phone; Bad ext",
			"HTTP 400: Bad (errorCode 10101;10102) [trackingId HDR_2]"},
		{"errors without codes", 403, "HDR_3", // platform errors often carry no errorCode
			`{"message":" Forbidden scope ","errors":[{"description":"Missing scope"}]}`,
			webex.APIError{Status: 403, Message: "Forbidden scope", TrackingID: "HDR_3",
				Errors: []webex.ErrorItem{{Description: "Missing scope"}}},
			"", "Missing scope", "HTTP 403: Forbidden scope [trackingId HDR_3]"},
		{"no message", 404, "HDR_4", `{"errors":[]}`, // the status text stands in
			webex.APIError{Status: 404, Message: "Not Found", TrackingID: "HDR_4", Errors: []webex.ErrorItem{}},
			"", "Not Found", "HTTP 404: Not Found [trackingId HDR_4]"},
		{"empty body", 410, "HDR_5", ``, // a bare status
			webex.APIError{Status: 410, Message: "Gone", TrackingID: "HDR_5"},
			"", "Gone", "HTTP 410: Gone [trackingId HDR_5]"},
		{"html body", 502, "", htmlPage, // a proxy's page is not parsed; our own tracking id remains in CallInfo
			webex.APIError{Status: 502, Message: "Bad Gateway"},
			"", "Bad Gateway", "HTTP 502: Bad Gateway"},
		{"json array body", 400, "HDR_7", `[1,2]`, // valid JSON of the wrong shape
			webex.APIError{Status: 400, Message: "Bad Request", TrackingID: "HDR_7"},
			"", "Bad Request", "HTTP 400: Bad Request [trackingId HDR_7]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				if c.header != "" {
					w.Header().Set("Trackingid", c.header)
				}
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			})
			cl, _ := newClient(t, base, func(cfg *webex.Config) { cfg.Retry.MaxAttempts = 1 })
			_, info, err := cl.Precheck(context.Background(), email)
			var ae *webex.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *webex.APIError", err, err)
			}
			if ae.Status != c.want.Status || ae.Message != c.want.Message || ae.TrackingID != c.want.TrackingID ||
				!slices.Equal(ae.Errors, c.want.Errors) || ae.HasRetryAfter {
				t.Errorf("APIError = %+v\n      want %+v", *ae, c.want)
			}
			if ae.Codes() != c.codes || ae.Detail() != c.detail || ae.Error() != c.message {
				t.Errorf("Codes %q Detail %q Error %q\nwant  %q       %q       %q", ae.Codes(), ae.Detail(), ae.Error(), c.codes, c.detail, c.message)
			}
			wantTID := c.want.TrackingID
			if wantTID == "" {
				wantTID = "WHOLESALE-BATCH_" // the id we sent
			}
			if info.Status != c.status || !strings.HasPrefix(info.TrackingID, wantTID) {
				t.Errorf("CallInfo = %+v, want status %d, tracking id %s...", info, c.status, wantTID)
			}
		})
	}
}

func TestUnauthorizedIsNotRetried(t *testing.T) {
	var hits atomic.Int64
	base := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"The request requires a valid access token set in the Authorization request header.","trackingId":"R"}`)
	})
	cl, _ := newClient(t, base, nil)
	_, info, err := cl.Precheck(context.Background(), email)
	if !errors.Is(err, webex.ErrUnauthorized) {
		t.Fatalf("err = %v, want errors.Is ErrUnauthorized", err)
	}
	if ae, isAPI := errors.AsType[*webex.APIError](err); !isAPI || ae.Status != 401 {
		t.Errorf("err = %#v, want a *APIError with status 401", err)
	}
	if hits.Load() != 1 || info.Attempts != 1 {
		t.Errorf("%d requests, %d attempts; want 1 and 1", hits.Load(), info.Attempts)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, code := range []int{400, 403, 404, 405, 409, 410, 415, 422} { // the row is wrong: a retry only costs rate budget
		t.Run(http.StatusText(code), func(t *testing.T) {
			rc := &recorder{answer: status(code)}
			cl, _ := newClient(t, serve(t, rc.ServeHTTP), nil)
			_, info, err := cl.Precheck(context.Background(), email)
			ae, isAPI := errors.AsType[*webex.APIError](err)
			if !isAPI || ae.Status != code {
				t.Fatalf("err = %v, want *APIError %d", err, code)
			}
			if errors.Is(err, webex.ErrUnauthorized) {
				t.Errorf("HTTP %d reported as unauthorized", code)
			}
			if n := len(rc.all()); n != 1 || info.Attempts != 1 {
				t.Errorf("%d requests, %d attempts; want 1 and 1", n, info.Attempts)
			}
		})
	}
}

func TestTransientFailuresAreRetried(t *testing.T) {
	withHeader := func(code int, k, v string) func(http.ResponseWriter) {
		return func(w http.ResponseWriter) { w.Header().Set(k, v); w.WriteHeader(code) }
	}
	code := func(c int) func(http.ResponseWriter) { return func(w http.ResponseWriter) { w.WriteHeader(c) } }
	cases := []struct {
		name      string
		failures  int
		fail      func(http.ResponseWriter)
		throttles int // Pacer.Throttle calls expected
	}{
		{"503 then ok", 1, code(503), 0},                           // the basic case
		{"500 twice then ok", 2, code(500), 0},                     // several retries
		{"502 then ok", 1, code(502), 0},                           // bad gateway
		{"504 then ok", 1, code(504), 0},                           // gateway timeout
		{"423 then ok", 1, withHeader(423, "Retry-After", "0"), 1}, // locked with Retry-After: a shared pause
		{"429 without Retry-After", 1, code(429), 1},               // still slows the whole pool
		{"connection reset then ok", 2, reset, 0},                  // the connection dropped before an answer
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := &recorder{answer: failFirst(c.failures, c.fail)}
			var attempts []webex.Attempt
			var mu sync.Mutex
			cl, p := newClient(t, serve(t, rc.ServeHTTP), func(cfg *webex.Config) {
				cfg.OnAttempt = func(a webex.Attempt) { mu.Lock(); attempts = append(attempts, a); mu.Unlock() }
			})
			resp, info, err := cl.Precheck(context.Background(), webex.PrecheckRequest{Email: "a@acme.com", CustomerID: "c"})
			if err != nil || !resp.Passed() {
				t.Fatalf("err = %v, passed = %v; want a pass after retries", err, resp.Passed())
			}
			want := c.failures + 1
			reqs := rc.all()
			if len(reqs) != want || info.Attempts != want || info.Status != 200 || info.TrackingID != "ROUTER_OK" {
				t.Errorf("%d requests, CallInfo %+v; want %d attempts ending 200 ROUTER_OK", len(reqs), info, want)
			}
			if got := p.waits.Load(); got != int64(want) {
				t.Errorf("pacer waited %d times, want one per attempt (%d)", got, want)
			}
			if got := len(p.throttled()); got != c.throttles {
				t.Errorf("pacer throttled %d times, want %d", got, c.throttles)
			}
			for i, r := range reqs { // the body is sent whole on every attempt
				if r.body != reqs[0].body || r.body == "" {
					t.Errorf("attempt %d body %q, first %q", i+1, r.body, reqs[0].body)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for i, a := range attempts {
				last := i == len(attempts)-1
				if a.N != i+1 || a.Retry == last || a.Path != "/wholesale/subscribers/validate" || a.Method != "POST" {
					t.Errorf("attempt %d = %+v", i+1, a)
				}
			}
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	cases := []struct {
		name   string
		answer func(int, http.ResponseWriter)
		status int
	}{
		{"always 503", status(503), 503}, // the last answer is reported
		{"503 then 500s", func(n int, w http.ResponseWriter) { // the LAST answer, not the first
			if n == 1 {
				w.WriteHeader(503)
				return
			}
			w.Header().Set("Trackingid", "LAST")
			w.WriteHeader(500)
		}, 500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := &recorder{answer: c.answer}
			cl, _ := newClient(t, serve(t, rc.ServeHTTP), func(cfg *webex.Config) { cfg.Retry.MaxAttempts = 4 })
			_, info, err := cl.Precheck(context.Background(), email)
			ae, isAPI := errors.AsType[*webex.APIError](err)
			if !isAPI || ae.Status != c.status {
				t.Fatalf("err = %v, want *APIError %d", err, c.status)
			}
			if n := len(rc.all()); n != 4 || info.Attempts != 4 || info.Status != c.status {
				t.Errorf("%d requests, CallInfo %+v; want 4 attempts (MaxAttempts), status %d", n, info, c.status)
			}
		})
	}
}

func TestRetryAfterThrottlesPacer(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name   string
		status int
		value  string
		want   time.Duration
	}{
		{"429 seconds", 429, "7", 7 * time.Second},                                                // the shared pause is the server's
		{"429 capped", 429, "3600", 60 * time.Second},                                             // bounded by MaxRetryAfter
		{"429 date", 429, now.Add(2 * time.Hour).UTC().Format(http.TimeFormat), 60 * time.Second}, // a date, capped too
		{"503 with Retry-After", 503, "2", 2 * time.Second},                                       // any Retry-After is about the client
		{"423 with Retry-After", 423, "1", time.Second},                                           // locked: wait as told
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc := &recorder{answer: failFirst(1, func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", c.value)
				w.WriteHeader(c.status)
			})}
			cl, p := newClient(t, serve(t, rc.ServeHTTP), nil)
			if _, _, err := cl.Precheck(context.Background(), email); err != nil {
				t.Fatal(err)
			}
			got := p.throttled()
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("Throttle calls %v, want [%v]", got, c.want)
			}
			if p.successes.Load() < 1 {
				t.Error("the final 200 was not reported as a success")
			}
		})
	}
}

func TestThrottleOnLastAttempt(t *testing.T) {
	// A 429 that ends a call still tells the pool to pause: the other
	// workers would otherwise walk straight into the same limit.
	base := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(429)
	})
	cl, p := newClient(t, base, func(cfg *webex.Config) { cfg.Retry.MaxAttempts = 2 })
	_, info, err := cl.Precheck(context.Background(), email)
	ae, isAPI := errors.AsType[*webex.APIError](err)
	if !isAPI || ae.Status != 429 || ae.RetryAfter != 5*time.Second || !ae.HasRetryAfter || info.Attempts != 2 {
		t.Fatalf("err = %v, info %+v; want a 429 with Retry-After 5s after 2 attempts", err, info)
	}
	if got := p.throttled(); len(got) != 2 {
		t.Errorf("Throttle calls %v, want one per 429", got)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	var attempts atomic.Int64
	cl, _ := newClient(t, "http://"+addr+"/v1", func(cfg *webex.Config) {
		cfg.OnAttempt = func(webex.Attempt) { attempts.Add(1) }
	})
	_, info, err := cl.Precheck(context.Background(), email)
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v, want connection refused", err)
	}
	if _, isAPI := errors.AsType[*webex.APIError](err); isAPI {
		t.Errorf("a transport failure reported as an APIError: %v", err)
	}
	if info.Attempts != fastRetry.MaxAttempts || attempts.Load() != int64(fastRetry.MaxAttempts) || info.Status != 0 {
		t.Errorf("CallInfo %+v, %d attempts observed; want %d attempts, status 0", info, attempts.Load(), fastRetry.MaxAttempts)
	}
	if !strings.HasPrefix(info.TrackingID, "WHOLESALE-BATCH_") {
		t.Errorf("TrackingID %q, want the one we sent", info.TrackingID)
	}
}

func TestNewBaseURL(t *testing.T) {
	cases := []struct {
		name string
		url  string
		ok   bool
	}{
		{"https", "https://webexapis.com/v1", true},                             // the real API
		{"https any host", "https://10.1.2.3:8443/v1", true},                    // TLS protects the token anywhere
		{"http 127.0.0.1", "http://127.0.0.1:8080/v1", true},                    // a local mock
		{"http 127.x", "http://127.8.9.10/v1", true},                            // all of 127/8 is loopback
		{"http localhost", "http://localhost:8080/v1", true},                    // by name
		{"http LOCALHOST", "http://LOCALHOST/v1", true},                         // host names ignore case
		{"http ::1", "http://[::1]:8080/v1", true},                              // IPv6 loopback
		{"http remote", "http://webexapis.com/v1", false},                       // the token would travel in clear
		{"http private ip", "http://10.0.0.1/v1", false},                        // not loopback either
		{"http unspecified", "http://0.0.0.0:8080/v1", false},                   // not loopback
		{"http localhost lookalike", "http://localhost.evil.example/v1", false}, // a suffix is not localhost
		{"http 127 as a name", "http://127.0.0.1.evil.example/v1", false},       // nor a prefix
		{"no scheme", "webexapis.com/v1", false},                                // not a URL with a host
		{"other scheme", "ftp://127.0.0.1/v1", false},                           // not http(s)
		{"empty", "", false},                                                    // nothing
		{"bad escape", "https://webexapis.com/%zz", false},                      // unparseable
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := webex.New(webex.Config{BaseURL: c.url, Token: testToken, Pacer: &recPacer{}})
			if (err == nil) != c.ok {
				t.Errorf("New(%q) err = %v, want ok=%v", c.url, err, c.ok)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
	if _, err := webex.New(webex.Config{BaseURL: "https://webexapis.com/v1", Token: testToken}); err == nil {
		t.Error("New without a Pacer succeeded")
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	// Each kind of failure the client can report, checked in the final
	// error and in every attempt's error.
	echo := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			json.NewEncoder(w).Encode(map[string]any{"message": "denied",
				"errors": []map[string]any{{"description": "bad request", "errorCode": 1}}})
		}
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + ln.Addr().String() + "/v1"
	ln.Close()
	cases := []struct {
		name  string
		base  func(t *testing.T) string
		token string
		ctx   func() context.Context
	}{
		{"401", func(t *testing.T) string { return serve(t, echo(401)) }, testToken, context.Background},           // unauthorized
		{"400", func(t *testing.T) string { return serve(t, echo(400)) }, testToken, context.Background},           // a row failure
		{"503 exhausted", func(t *testing.T) string { return serve(t, echo(503)) }, testToken, context.Background}, // retries exhausted
		{"html", func(t *testing.T) string {
			return serve(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(502); io.WriteString(w, "<html/>") })
		}, testToken, context.Background}, // a proxy page
		{"refused", func(*testing.T) string { return refused }, testToken, context.Background}, // no server
		{"reset", func(t *testing.T) string {
			return serve(t, func(w http.ResponseWriter, _ *http.Request) { reset(w) })
		}, testToken, context.Background}, // dropped connections
		{"canceled", func(t *testing.T) string { return serve(t, echo(200)) }, testToken, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}}, // stopped before sending
		{"token with newline", func(t *testing.T) string { return serve(t, echo(200)) }, testToken + "\n", context.Background}, // a token file's trailing newline: an invalid header
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var attemptErrs []string
			var mu sync.Mutex
			cl, _ := newClient(t, c.base(t), func(cfg *webex.Config) {
				cfg.Token = c.token
				cfg.OnAttempt = func(a webex.Attempt) {
					if a.Err != nil {
						mu.Lock()
						attemptErrs = append(attemptErrs, a.Err.Error())
						mu.Unlock()
					}
				}
			})
			_, _, err := cl.Precheck(c.ctx(), email)
			if err == nil {
				t.Fatal("no error")
			}
			mu.Lock()
			defer mu.Unlock()
			for _, s := range append(attemptErrs, err.Error()) {
				if strings.Contains(s, testToken) || strings.Contains(s, "SECRET") {
					t.Errorf("error shows the token: %s", s)
				}
			}
		})
	}
}

// TestRedirectsAreNeverFollowed: the Webex API does not redirect its calls.
// A followed redirect sent the token to another port, the subscriber's data
// to another host, and turned a POST into a GET whose 200 was misread. No
// redirect is followed, whatever http.Client the caller gives, and the
// error names where the server pointed.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the token reached %s", r.Host)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"items":[],"id":"sub-1","status":"provisioned","message":"success"}`))
	}))
	defer other.Close()
	otherHost := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) // another host name, same machine

	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, target := range []struct{ name, url string }{
			{"same origin", "/v1/wholesale/subscribers"},
			{"another port", other.URL + "/v1/wholesale/subscribers"},
			{"another host", otherHost + "/v1/wholesale/subscribers?email=x"},
		} {
			for _, followingClient := range []bool{false, true} {
				name := fmt.Sprintf("%d to %s, caller's client follows=%v", status, target.name, followingClient)
				t.Run(name, func(t *testing.T) {
					elsewhere.Store(0)
					var hits atomic.Int64
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						hits.Add(1)
						if r.Method != http.MethodPost {
							ok(w) // only a followed redirect would GET here
							return
						}
						w.Header().Set("Location", target.url)
						w.WriteHeader(status)
					}))
					defer srv.Close()
					cl, _ := newClient(t, srv.URL+"/v1", func(cfg *webex.Config) {
						if followingClient {
							cfg.HTTP = &http.Client{} // Go's default: follows 10 redirects
						}
					})
					_, _, perr := cl.Precheck(context.Background(), email)
					_, _, verr := cl.Provision(context.Background(), webex.ProvisionRequest{CustomerID: "c", Email: "ann@acme.example"}, nil)
					var re *webex.RedirectError
					var doubt *webex.InDoubtError
					if !errors.As(perr, &re) || re.Status != status || !strings.Contains(perr.Error(), "not followed") {
						t.Errorf("precheck: %v, want a RedirectError %d", perr, status)
					}
					if !errors.As(verr, &doubt) || !doubt.Answered || !errors.As(verr, &re) {
						t.Errorf("provision: %v, want in doubt (answered) with the redirect", verr)
					}
					wantLoc := strings.SplitN(target.url, "?", 2)[0]
					if !strings.HasPrefix(wantLoc, "http") {
						wantLoc = srv.URL + wantLoc
					}
					for _, err := range []error{perr, verr} {
						if err != nil && (!strings.Contains(err.Error(), wantLoc) || strings.Contains(err.Error(), testToken)) {
							t.Errorf("error %q: want it to name %s, without the token", err, wantLoc)
						}
					}
					if hits.Load() != 2 || elsewhere.Load() != 0 {
						t.Errorf("%d requests to the API, %d elsewhere; want 2 and 0 (nothing followed, nothing retried)", hits.Load(), elsewhere.Load())
					}
				})
			}
		}
	}
}

// TestProvisionAnswersThatAreNotASubscriber: a 2xx without a subscriber id
// is never a provisioned subscriber: the call is in doubt, answered.
func TestProvisionAnswersThatAreNotASubscriber(t *testing.T) {
	cases := []struct {
		name, body, want string
		status           int
	}{
		{"empty object", `{}`, "HTTP 200 without a subscriber id: body {}", 200},
		{"empty body", ``, "HTTP 200 with a body that is not a subscriber", 200},
		{"a list page", `{"items":[{"id":"x"}]}`, "without a subscriber id", 200},
		{"html", `<html>ok</html>`, "not a subscriber", 200},
		{"201, not a documented status", `{"id":"x","status":"provisioned"}`, "HTTP 201 with body {\"id\":\"x\",\"status\":\"provisioned\"}, not the documented 200 or 202", 201},
		{"204", ``, "HTTP 204 with an empty body, not the documented 200 or 202", 204},
		{"status but no id", `{"status":"provisioned"}`, "without a subscriber id", 202},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			})
			cl, _ := newClient(t, srv, nil)
			sub, _, err := cl.Provision(context.Background(), webex.ProvisionRequest{CustomerID: "c", Email: "ann@acme.example"}, nil)
			var doubt *webex.InDoubtError
			if !errors.As(err, &doubt) || !doubt.Answered || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %+v, %v; want in doubt (answered) saying %q", sub, err, c.want)
			}
		})
	}
}

// TestFailureSayingSuccessDoesNotSaySuccess: a 500 whose body's message is
// "success" must not put "success" in a row's message.
func TestFailureSayingSuccessDoesNotSaySuccess(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte(`{"message":"success"}`))
	})
	cl, _ := newClient(t, srv, func(c *webex.Config) { c.Retry.MaxAttempts = 1 })
	_, _, err := cl.Precheck(context.Background(), email)
	var ae *webex.APIError
	if !errors.As(err, &ae) || strings.Contains(strings.ToLower(ae.Detail()), "success") || ae.Detail() != "Internal Server Error" {
		t.Fatalf("%v (detail %q): want the status text, not \"success\"", err, ae.Detail())
	}
}

// tokens is a TokenSource handing out tok-1, tok-2... one per Rejected.
type tokens struct {
	mu   sync.Mutex
	n    int
	err  error
	seen []string
}

func (s *tokens) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return "", s.err
	}
	return fmt.Sprintf("tok-%d", s.n+1), nil
}

func (s *tokens) Rejected(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, tok)
	s.n++
}

// With a token source, a 401 gets one fresh token and one more attempt,
// for a POST too (a 401 proves nothing was done); a second 401 is final;
// no token at all sends nothing.
func TestTokenSourceRenewsOnceAfter401(t *testing.T) {
	var accepted atomic.Value
	accepted.Store("tok-2")
	var auths []string
	var mu sync.Mutex
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+accepted.Load().(string) {
			w.WriteHeader(401)
			return
		}
		w.Write([]byte(`{"id":"s1","status":"provisioned","email":"a@b.c"}`))
	})
	src := &tokens{}
	cl, _ := newClient(t, srv, func(c *webex.Config) { c.Token = ""; c.Tokens = src })
	sub, info, err := cl.Provision(context.Background(), webex.ProvisionRequest{CustomerID: "c", Email: "a@b.c"}, nil)
	if err != nil || sub.ID != "s1" || info.Attempts != 2 || fmt.Sprint(auths) != "[Bearer tok-1 Bearer tok-2]" {
		t.Fatalf("%v, %d attempts, sent %v", err, info.Attempts, auths)
	}
	accepted.Store("never")
	_, info, err = cl.Provision(context.Background(), webex.ProvisionRequest{CustomerID: "c", Email: "a@b.c"}, nil)
	var doubt *webex.InDoubtError
	// Each fresh token gets its one retry, up to 3 in a call (the source
	// itself bounds refreshes of refused tokens).
	if !errors.Is(err, webex.ErrUnauthorized) || errors.As(err, &doubt) || info.Attempts != 4 {
		t.Fatalf("401 after 401: %v (%d attempts), want ErrUnauthorized after 4, not in doubt", err, info.Attempts)
	}
	src.err = errors.New("refused")
	auths = nil
	_, info, err = cl.Provision(context.Background(), webex.ProvisionRequest{CustomerID: "c", Email: "a@b.c"}, nil)
	var te *webex.TokenError
	if !errors.As(err, &te) || errors.As(err, &doubt) || len(auths) != 0 || info.Attempts != 0 {
		t.Fatalf("no token: %v, %d sent", err, len(auths))
	}
}
