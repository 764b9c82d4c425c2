package fakeapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestPrecheckDefault(t *testing.T) {
	w := call(t, New(Options{}), "POST", validateURL, precheckBody("alice@acme.com"))
	want := `{"info":[{"infoCode":100,"description":"Provisioning preCheck validation successful."}],"message":"success"}`
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != want {
		t.Fatalf("got %d %s, want 200 %s", w.Code, w.Body, want)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestBehaviourTags(t *testing.T) {
	type check func(t *testing.T, ws []*httptest.ResponseRecorder)
	code := func(want int) check { // the first answer's errorCode
		return func(t *testing.T, ws []*httptest.ResponseRecorder) {
			if got := errorCode(t, ws[0]); got != want {
				t.Errorf("errorCode %d, want %d", got, want)
			}
		}
	}
	retryAfter := func(want string) check { // the first answer's Retry-After
		return func(t *testing.T, ws []*httptest.ResponseRecorder) {
			if got := ws[0].Header().Get("Retry-After"); got != want {
				t.Errorf("Retry-After %q, want %q", got, want)
			}
		}
	}
	emptyBody := func(t *testing.T, ws []*httptest.ResponseRecorder) {
		if ws[0].Body.Len() != 0 || ws[0].Header().Get("Retry-After") != "" && ws[0].Code == 503 {
			t.Errorf("want an empty body without Retry-After, got %q %v", ws[0].Body, ws[0].Header())
		}
	}
	cases := []struct {
		name  string
		email string
		op    string // validateURL or subsURL
		want  []int  // statuses of identical successive requests
		check check
	}{
		{"exists on precheck", "a+exists@acme.com", validateURL, []int{409, 409}, code(10022)}, // the published "already associated" code
		{"exists on provision", "a+exists@acme.com", subsURL, []int{409}, code(10022)},         // an existing user cannot be provisioned either
		{"info as object", "a+infoobj@acme.com", validateURL, []int{200}, func(t *testing.T, ws []*httptest.ResponseRecorder) {
			var r struct {
				Message string
				Info    map[string]any
			}
			if err := json.Unmarshal(ws[0].Body.Bytes(), &r); err != nil || r.Message != "success" || r.Info["infoCode"] != 100.0 {
				t.Errorf("want info as one object, got %s (%v)", ws[0].Body, err)
			}
		}}, // the schema's shape, not the example's array
		{"e500 always", "a+e500@acme.com", validateURL, []int{500, 500, 500}, func(t *testing.T, ws []*httptest.ResponseRecorder) { decodeError(t, ws[2]) }}, // retries never help
		{"e500 on provision", "a+e500@acme.com", subsURL, []int{500, 500}, nil},                                                                              // nothing is created
		{"flaky twice", "a+flaky@acme.com", validateURL, []int{503, 503, 200}, emptyBody},                                                                    // the third attempt succeeds
		{"flaky provision", "a+flaky@acme.com", subsURL, []int{503, 503, 200}, nil},                                                                          // the state is untouched by the 503s
		{"throttle once", "a+throttle@acme.com", validateURL, []int{429, 200}, retryAfter("1")},                                                              // then normal
		{"locked once", "a+locked@acme.com", validateURL, []int{423, 200}, func(t *testing.T, ws []*httptest.ResponseRecorder) {
			retryAfter("1")(t, ws)
			decodeError(t, ws[0])
		}}, // Retry-After plus a Webex body
		{"forbidden always", "a+forbidden@acme.com", validateURL, []int{403, 403}, func(t *testing.T, ws []*httptest.ResponseRecorder) { decodeError(t, ws[0]) }},
		{"html once", "a+html@acme.com", validateURL, []int{502, 200}, func(t *testing.T, ws []*httptest.ResponseRecorder) {
			if ct := ws[0].Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || json.Valid(ws[0].Body.Bytes()) {
				t.Errorf("want an HTML body, got %q %s", ct, ws[0].Body)
			}
		}},
		{"badrequest", "a+badrequest@acme.com", subsURL, []int{400, 400}, func(t *testing.T, ws []*httptest.ResponseRecorder) {
			e := decodeError(t, ws[0])
			if e.Message != "Invalid phone number" || !strings.Contains(e.Errors[0].Description, "fake") {
				t.Errorf("got %+v", e)
			}
			code(10101)(t, ws)
		}}, // a made-up code that says so
		{"pending", "a+pending@acme.com", subsURL, []int{202, 409}, func(t *testing.T, ws []*httptest.ResponseRecorder) {
			sub := decodeSub(t, ws[0])
			if sub.Status != StatusPendingUserMigration || sub.PersonID != "" || ws[0].Header().Get("Location") == "" {
				t.Errorf("got %+v, Location %q", sub, ws[0].Header().Get("Location"))
			}
		}}, // consent flow: no personId yet
		{"subfail", "a+subfail@acme.com", subsURL, []int{200}, func(t *testing.T, ws []*httptest.ResponseRecorder) {
			sub := decodeSub(t, ws[0])
			if sub.Status != StatusError || len(sub.Errors) != 1 || sub.Errors[0].ErrorCode != 10110 || !strings.Contains(sub.Errors[0].Description, "fake") {
				t.Errorf("got %+v", sub)
			}
		}}, // a 200 that is a failure
		{"pending precheck is normal", "a+pending@acme.com", validateURL, []int{200}, nil},                  // provisioning-only tag
		{"subfail precheck is normal", "a+subfail@acme.com", validateURL, []int{200}, nil},                  // provisioning-only tag
		{"tags combine in order", "a+flaky+throttle@acme.com", validateURL, []int{429, 503, 503, 200}, nil}, // throttle fires before flaky
		{"tags ignore case", "a+FLAKY@acme.com", validateURL, []int{503, 503, 200}, nil},                    // matched case-insensitively
		{"unknown words are aliases", "a+work@acme.com", validateURL, []int{200}, nil},                      // a real +alias behaves normally
		{"tag in the domain is not a tag", "a@e500.acme.com", validateURL, []int{200}, nil},                 // only the local part counts
		{"invalid email", "no-at-sign", validateURL, []int{400}, nil},                                       // not a schema rule, still refused
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{})
			body := precheckBody(c.email)
			if c.op == subsURL {
				body = provisionBody(c.email)
			}
			var ws []*httptest.ResponseRecorder
			for i, want := range c.want {
				w := call(t, s, "POST", c.op, body)
				ws = append(ws, w)
				if w.Code != want {
					t.Fatalf("request %d: status %d, want %d: %s", i+1, w.Code, want, w.Body)
				}
			}
			if c.check != nil {
				c.check(t, ws)
			}
		})
	}
}

func TestUnknownCustomer(t *testing.T) {
	for _, target := range []string{validateURL, subsURL} {
		s := New(Options{})
		body := provisionBody("a@acme.com")
		body["customerId"] = "unknown-123"
		w := call(t, s, "POST", target, body)
		if w.Code != 404 || decodeError(t, w).Message != "Customer not found" || errorCode(t, w) != codeNoCustomer {
			t.Errorf("%s: got %d %s", target, w.Code, w.Body)
		}
		if len(s.Subscribers()) != 0 {
			t.Errorf("%s: created a subscriber for an unknown customer", target)
		}
	}
}

func TestTagsOnOtherRoutes(t *testing.T) {
	s := New(Options{})
	// A first-requests tag is spent by whichever request comes first.
	if w := call(t, s, "POST", subsURL, provisionBody("bob+locked@acme.com")); w.Code != 423 {
		t.Fatalf("first provision: %d", w.Code)
	}
	w := call(t, s, "POST", subsURL, provisionBody("bob+locked@acme.com"))
	if w.Code != 200 {
		t.Fatalf("second provision: %d %s", w.Code, w.Body)
	}
	id := decodeSub(t, w).ID
	if w := call(t, s, "GET", subsURL+"/"+id, nil); w.Code != 200 {
		t.Errorf("GET by id after the tag was spent: %d", w.Code)
	}
	// A search filtering on a tagged email meets the tag too.
	if w := call(t, s, "GET", subsURL+"?email=carol%2Bforbidden@acme.com", nil); w.Code != 403 {
		t.Errorf("search of a +forbidden email: %d", w.Code)
	}
	// GET by id of a seeded +e500 subscriber fails like every request of that email.
	s.AddSubscriber(Subscriber{ID: "e", Email: "dan+e500@acme.com"})
	if w := call(t, s, "GET", subsURL+"/e", nil); w.Code != 500 {
		t.Errorf("GET by id of a +e500 subscriber: %d", w.Code)
	}
}

func TestSlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Latency: 100 * time.Millisecond})
		start := time.Now()
		if w := call(t, s, "POST", validateURL, precheckBody("a+slow@acme.com")); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
		if got := time.Since(start); got != 1600*time.Millisecond {
			t.Errorf("took %v, want 1.5s on top of the 100ms latency", got)
		}
	})
}

func TestLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		email := "a+lost@acme.com"
		// The client gives up after 5 s: it hears nothing, yet the subscriber exists.
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		w := call(t, s, "POST", subsURL, provisionBody(email), func(r *http.Request) *http.Request { return r.WithContext(ctx) })
		if got := time.Since(start); got != 5*time.Second || w.Body.Len() != 0 {
			t.Fatalf("after %v got %d %q, want no answer after 5s", got, w.Code, w.Body)
		}
		if subs := s.Subscribers(); len(subs) != 1 || subs[0].Email != email {
			t.Fatalf("state %+v", subs)
		}
		// The lookup a careful client makes finds it.
		w = call(t, s, "GET", subsURL+"?email=A%2BLOST@acme.com", nil)
		if items := decodeList(t, w); w.Code != 200 || len(items) != 1 || items[0].Email != email {
			t.Fatalf("lookup: %d %s", w.Code, w.Body)
		}
		// A blind re-send conflicts, and the stats show it.
		if w := call(t, s, "POST", subsURL, provisionBody(email)); w.Code != 409 {
			t.Errorf("re-send: %d", w.Code)
		}
		if got := s.Stats().PostsByEmail[email]; got != 2 {
			t.Errorf("PostsByEmail = %d, want 2", got)
		}
		// A client patient enough gets the answer after 30 s.
		start = time.Now()
		w = call(t, s, "POST", subsURL, provisionBody("b+lost@acme.com"))
		if got := time.Since(start); got != 30*time.Second || w.Code != 200 {
			t.Errorf("patient client: %d after %v", w.Code, got)
		}
	})
}

func TestThrottleFirstIsPerEmail(t *testing.T) {
	s := New(Options{ThrottleFirst: 2})
	for i, want := range []int{429, 429, 200, 200} {
		w := call(t, s, "POST", validateURL, precheckBody("alice@acme.com"))
		if w.Code != want {
			t.Fatalf("alice's request %d: %d, want %d", i+1, w.Code, want)
		}
		if want == 429 && (w.Header().Get("Retry-After") != "1" || w.Body.Len() != 0) {
			t.Errorf("429 with Retry-After %q and body %q; want 1 and none", w.Header().Get("Retry-After"), w.Body)
		}
	}
	// Another email has its own two, however fast it comes.
	if w := call(t, s, "POST", validateURL, precheckBody("Bob@acme.com")); w.Code != 429 {
		t.Errorf("bob's first request: %d, want 429", w.Code)
	}
	if st := s.Stats(); st.Throttled429 != 3 || st.RowThrottled429 != 3 {
		t.Errorf("Throttled429 = %d, RowThrottled429 = %d, want 3 and 3", st.Throttled429, st.RowThrottled429)
	}
}
