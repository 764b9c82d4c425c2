package fakeapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// consentURL is the consentMove path of a subscriber id, as a client sends it.
func consentURL(id string) string { return "/v1/subscribers/" + id + "/emails/consentMove" }

// wantNoContent checks a 204 carries neither a body nor a Content-Type.
func wantNoContent(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
		t.Errorf("want 204 with no body, got %d %q (Content-Type %q)", w.Code, w.Body, w.Header().Get("Content-Type"))
	}
	if w.Header().Get("Trackingid") == "" {
		t.Error("204 without a Trackingid")
	}
}

func TestRemove(t *testing.T) {
	type check func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder)
	gone := func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder) {
		wantNoContent(t, ws[len(ws)-1])
		if w := call(t, s, "GET", subsURL+"/sub1", nil); w.Code != 404 {
			t.Errorf("GET by id after DELETE: %d %s", w.Code, w.Body)
		}
		if len(s.Subscribers()) != 0 {
			t.Errorf("state after DELETE: %+v", s.Subscribers())
		}
	}
	kept := func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder) {
		decodeError(t, ws[0])
		if len(s.Subscribers()) != 1 || s.Stats().Removed[strings.ToLower(s.Subscribers()[0].Email)] != 0 {
			t.Errorf("the subscriber was removed: %+v %+v", s.Subscribers(), s.Stats().Removed)
		}
	}
	cases := []struct {
		name        string
		email       string // of the seeded subscriber "sub1"; "" seeds none
		status      string // its status; "" = provisioned
		id          string // the id deleted
		want        []int  // statuses of identical successive DELETEs
		removed     int    // Stats.Removed of the email at the end
		check       check
		wantMessage string // substring of the first answer's message
	}{
		{"known", "ada@acme.com", "", "sub1", []int{204}, 1, gone, ""},
		{"twice", "ada@acme.com", "", "sub1", []int{204, 404}, 1, func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder) {
			decodeError(t, ws[1])
		}, ""}, // the second finds nothing: "already removed" is the client's reading
		{"unknown id", "ada@acme.com", "", "nope", []int{404, 404}, 0, kept, "Subscriber not found"},
		{"nothing seeded", "", "", "sub1", []int{404}, 0, nil, "Subscriber not found"},
		{"pending", "ada+pending@acme.com", StatusPendingUserMigration, "sub1", []int{204}, 1, gone, ""},       // any status may be removed
		{"provisioning", "ada@acme.com", StatusProvisioning, "sub1", []int{204}, 1, gone, ""},                  // even before it is ready
		{"error status", "ada@acme.com", StatusError, "sub1", []int{204}, 1, gone, ""},                         // and after it failed
		{"case kept, key lower-cased", "Ada@ACME.com", "", "sub1", []int{204}, 1, gone, ""},                    // Removed is keyed like PostsByEmail
		{"e500", "ada+e500@acme.com", "", "sub1", []int{500, 500}, 0, kept, "fake +e500"},                      // never removed
		{"forbidden", "ada+forbidden@acme.com", "", "sub1", []int{403}, 0, kept, "fake +forbidden"},            // never removed
		{"flaky", "ada+flaky@acme.com", "", "sub1", []int{503, 503, 204}, 1, gone, ""},                         // a retrying client removes it once
		{"throttle", "ada+throttle@acme.com", "", "sub1", []int{429, 204}, 1, gone, ""},                        // Retry-After: 1, then normal
		{"locked", "ada+locked@acme.com", "", "sub1", []int{423, 204}, 1, gone, "fake +locked"},                // Retry-After: 1 and a Webex body
		{"html", "ada+html@acme.com", "", "sub1", []int{502, 204}, 1, gone, ""},                                // a gateway's HTML page, once
		{"provision-only tags do nothing", "ada+exists+subfail@acme.com", "", "sub1", []int{204}, 1, gone, ""}, // +exists is about creating
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{})
			if c.email != "" {
				s.AddSubscriber(Subscriber{ID: "sub1", Email: c.email, Status: c.status})
			}
			var ws []*httptest.ResponseRecorder
			for i, want := range c.want {
				w := call(t, s, "DELETE", subsURL+"/"+c.id, nil)
				ws = append(ws, w)
				if w.Code != want {
					t.Fatalf("DELETE %d: status %d, want %d: %s", i+1, w.Code, want, w.Body)
				}
			}
			if c.wantMessage != "" && !strings.Contains(decodeError(t, ws[0]).Message, c.wantMessage) {
				t.Errorf("message %s, want it to contain %q", ws[0].Body, c.wantMessage)
			}
			st := s.Stats()
			if st.Deletes != len(c.want) || st.DeletesByID[c.id] != len(c.want) || len(st.DeletesByID) != 1 {
				t.Errorf("Deletes %d, DeletesByID %v, want %d for %s", st.Deletes, st.DeletesByID, len(c.want), c.id)
			}
			if got := st.Removed[strings.ToLower(c.email)]; got != c.removed || len(st.Removed) > 1 {
				t.Errorf("Removed %v, want %d for %s", st.Removed, c.removed, strings.ToLower(c.email))
			}
			if st.Gets != 0 || st.ConsentMoves != 0 || len(st.ConsentMovesByID) != 0 || len(st.ConsentsSent) != 0 {
				t.Errorf("other counters moved: %+v", st)
			}
			if c.check != nil {
				c.check(t, s, ws)
			}
		})
	}
}

// TestRemoveThenProvisionAgain: after a DELETE a search finds nothing and
// the email can be provisioned again, under a new id.
func TestRemoveThenProvisionAgain(t *testing.T) {
	s := New(Options{})
	email := "Ada@acme.com"
	w := call(t, s, "POST", subsURL, provisionBody(email))
	if w.Code != 200 {
		t.Fatalf("provision: %d %s", w.Code, w.Body)
	}
	first := decodeSub(t, w)
	wantNoContent(t, call(t, s, "DELETE", subsURL+"/"+first.ID, nil))
	if w := call(t, s, "GET", subsURL+"?email="+url.QueryEscape("ada@ACME.com")+"&max=100", nil); w.Code != 200 || len(decodeList(t, w)) != 0 {
		t.Errorf("search after DELETE: %d %s", w.Code, w.Body)
	}
	if w := call(t, s, "GET", subsURL, nil); len(decodeList(t, w)) != 0 {
		t.Errorf("unfiltered list after DELETE: %s", w.Body)
	}
	if w := call(t, s, "POST", validateURL, precheckBody(email)); w.Code != 200 {
		t.Errorf("precheck after DELETE: %d %s", w.Code, w.Body)
	}
	w = call(t, s, "POST", subsURL, provisionBody(email))
	if w.Code != 200 {
		t.Fatalf("provision again: %d %s", w.Code, w.Body)
	}
	second := decodeSub(t, w)
	if second.ID == first.ID {
		t.Errorf("the new subscriber reuses the removed id %s", first.ID)
	}
	if w := call(t, s, "GET", subsURL+"/"+first.ID, nil); w.Code != 404 {
		t.Errorf("GET of the removed id: %d", w.Code)
	}
	if w := call(t, s, "GET", subsURL+"/"+second.ID, nil); w.Code != 200 {
		t.Errorf("GET of the new id: %d", w.Code)
	}
	wantNoContent(t, call(t, s, "DELETE", subsURL+"/"+second.ID, nil))
	st := s.Stats()
	if st.Removed["ada@acme.com"] != 2 || st.DeletesByID[first.ID] != 1 || st.DeletesByID[second.ID] != 1 || st.PostsByEmail["ada@acme.com"] != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestRemoveLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		s.AddSubscriber(Subscriber{ID: "l1", Email: "a+lost@acme.com"})
		s.AddSubscriber(Subscriber{ID: "l2", Email: "b+lost@acme.com"})
		// The client gives up after 5 s: it hears nothing, yet the subscriber is gone.
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		w := call(t, s, "DELETE", subsURL+"/l1", nil, func(r *http.Request) *http.Request { return r.WithContext(ctx) })
		if got := time.Since(start); got != 5*time.Second || w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
			t.Fatalf("after %v got %d %q, want no answer after 5s", got, w.Code, w.Body)
		}
		if subs := s.Subscribers(); len(subs) != 1 || subs[0].ID != "l2" {
			t.Fatalf("state %+v", subs)
		}
		// The retry a client makes (DELETE is safe to repeat) finds nothing.
		if w := call(t, s, "DELETE", subsURL+"/l1", nil); w.Code != 404 {
			t.Errorf("retry: %d %s", w.Code, w.Body)
		}
		st := s.Stats()
		if st.Removed["a+lost@acme.com"] != 1 || st.DeletesByID["l1"] != 2 {
			t.Errorf("stats %+v", st)
		}
		// A client patient enough gets the 204 after 30 s.
		start = time.Now()
		w = call(t, s, "DELETE", subsURL+"/l2", nil)
		if got := time.Since(start); got != 30*time.Second {
			t.Errorf("patient client waited %v", got)
		}
		wantNoContent(t, w)
	})
}

func TestConsentMove(t *testing.T) {
	type check func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder)
	stillPending := func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder) {
		wantNoContent(t, ws[len(ws)-1])
		if w := call(t, s, "GET", subsURL+"/sub1", nil); w.Code != 200 || decodeSub(t, w).Status != StatusPendingUserMigration {
			t.Errorf("GET after consentMove: %d %s", w.Code, w.Body)
		}
	}
	notPending := func(status string) check {
		return func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder) {
			e := decodeError(t, ws[len(ws)-1])
			if !strings.Contains(e.Message, "not pending user migration") || !strings.Contains(e.Message, `"`+status+`"`) {
				t.Errorf("message %q does not say the subscriber is not pending (%s)", e.Message, status)
			}
		}
	}
	jsonType := header("Content-Type", "application/json")
	cases := []struct {
		name   string
		email  string // of the seeded subscriber "sub1"; "" seeds none
		status string // its status
		id     string // the id in the path
		body   any    // request body; nil sends none and no Content-Type
		mod    func(*http.Request) *http.Request
		want   []int // statuses of identical successive requests
		sent   int   // Stats.ConsentsSent of the email at the end
		check  check
	}{
		{"pending", "ada@acme.com", StatusPendingUserMigration, "sub1", nil, nil, []int{204}, 1, stillPending},
		{"pending, three times", "ada@acme.com", StatusPendingUserMigration, "sub1", nil, nil, []int{204, 204, 204}, 3, stillPending},   // not idempotent: three emails
		{"Content-Type without a body", "ada@acme.com", StatusPendingUserMigration, "sub1", nil, jsonType, []int{204}, 1, stillPending}, // an empty body passes whatever its type
		{"provisioned", "ada@acme.com", StatusProvisioned, "sub1", nil, nil, []int{409, 409}, 0, notPending(StatusProvisioned)},
		{"provisioning", "ada@acme.com", StatusProvisioning, "sub1", nil, nil, []int{409}, 0, notPending(StatusProvisioned)}, // ProvisionDelay 0: provisioned on read
		{"error", "ada@acme.com", StatusError, "sub1", nil, nil, []int{409}, 0, notPending(StatusError)},
		{"unknown id", "ada@acme.com", StatusPendingUserMigration, "nope", nil, nil, []int{404}, 0, func(t *testing.T, s *Server, ws []*httptest.ResponseRecorder) {
			if e := decodeError(t, ws[0]); e.Message != "Subscriber not found." {
				t.Errorf("message %q", e.Message)
			}
		}},
		{"e500", "ada+e500@acme.com", StatusPendingUserMigration, "sub1", nil, nil, []int{500, 500}, 0, nil}, // never sent
		{"forbidden", "ada+forbidden@acme.com", StatusPendingUserMigration, "sub1", nil, nil, []int{403}, 0, nil},
		{"throttle", "ada+throttle@acme.com", StatusPendingUserMigration, "sub1", nil, nil, []int{429, 204}, 1, stillPending}, // a 429 sends nothing
		{"flaky", "ada+flaky@acme.com", StatusPendingUserMigration, "sub1", nil, nil, []int{503, 503, 204}, 1, stillPending},
		{"tag on a provisioned one", "ada+flaky@acme.com", StatusProvisioned, "sub1", nil, nil, []int{503, 503, 409}, 0, notPending(StatusProvisioned)}, // tags come before the status
		{"case kept, key lower-cased", "Ada@ACME.com", StatusPendingUserMigration, "sub1", nil, nil, []int{204}, 1, stillPending},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{})
			if c.email != "" {
				s.AddSubscriber(Subscriber{ID: "sub1", Email: c.email, Status: c.status})
			}
			var mods []func(*http.Request) *http.Request
			if c.mod != nil {
				mods = append(mods, c.mod)
			}
			var ws []*httptest.ResponseRecorder
			for i, want := range c.want {
				w := call(t, s, "POST", consentURL(c.id), c.body, mods...)
				ws = append(ws, w)
				if w.Code != want {
					t.Fatalf("request %d: status %d, want %d: %s", i+1, w.Code, want, w.Body)
				}
			}
			st := s.Stats()
			if st.ConsentMoves != len(c.want) || st.ConsentMovesByID[c.id] != len(c.want) || len(st.ConsentMovesByID) != 1 {
				t.Errorf("ConsentMoves %d, ConsentMovesByID %v, want %d for %s", st.ConsentMoves, st.ConsentMovesByID, len(c.want), c.id)
			}
			if got := st.ConsentsSent[strings.ToLower(c.email)]; got != c.sent || len(st.ConsentsSent) > 1 {
				t.Errorf("ConsentsSent %v, want %d for %s", st.ConsentsSent, c.sent, strings.ToLower(c.email))
			}
			if st.Rejected != 0 || st.Deletes != 0 || len(st.Removed) != 0 {
				t.Errorf("other counters moved: %+v", st)
			}
			if c.check != nil {
				c.check(t, s, ws)
			}
		})
	}
}

// TestBodyless: DELETE and consentMove take no request body in the spec,
// and the fake refuses one as Prism does (415 where the operation lists 415,
// DELETE; else 400), before looking the subscriber up: nothing is removed or
// sent, and Stats.Rejected counts it. An empty body passes whatever its
// Content-Type.
func TestBodyless(t *testing.T) {
	cases := []struct {
		name, method, target string
		body, contentType    string // "" sends none
		want                 int
	}{
		{"DELETE with JSON", "DELETE", subsURL + "/sub1", "{}", "application/json", 415},
		{"DELETE with text", "DELETE", subsURL + "/sub1", "x", "text/plain", 415},
		{"DELETE with a body and no type", "DELETE", subsURL + "/sub1", "x", "", 415},
		{"DELETE of an unknown id with a body", "DELETE", subsURL + "/nope", "{}", "application/json", 415}, // the body is checked first
		{"DELETE with a type and no body", "DELETE", subsURL + "/sub1", "", "application/json", 204},
		{"consentMove with JSON", "POST", consentURL("sub1"), "{}", "application/json", 400},
		{"consentMove with text", "POST", consentURL("sub1"), "hello", "text/plain", 400},
		{"consentMove of an unknown id with a body", "POST", consentURL("nope"), "{}", "application/json", 400},
		{"consentMove with a type and no body", "POST", consentURL("sub1"), "", "text/plain", 204},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{})
			s.AddSubscriber(Subscriber{ID: "sub1", Email: "ada@acme.com", Status: StatusPendingUserMigration})
			var body any
			if c.body != "" {
				body = c.body
			}
			w := call(t, s, c.method, c.target, body, header("Content-Type", c.contentType))
			st := s.Stats()
			if c.want == 204 {
				if w.Code != 204 || st.Rejected != 0 {
					t.Errorf("got %d %s, Rejected %d; want it accepted", w.Code, w.Body, st.Rejected)
				}
				return
			}
			if w.Code != c.want || decodeError(t, w).Message != "This operation takes no request body." {
				t.Fatalf("got %d %s, want %d", w.Code, w.Body, c.want)
			}
			if st.Rejected != 1 || len(st.Removed) != 0 || len(st.ConsentsSent) != 0 || len(s.Subscribers()) != 1 {
				t.Errorf("stats %+v, state %+v", st, s.Subscribers())
			}
		})
	}
}

// TestConsentMoveFlow: a +pending provision makes a subscriber consentMove
// accepts, until it is removed.
func TestConsentMoveFlow(t *testing.T) {
	s := New(Options{})
	w := call(t, s, "POST", subsURL, provisionBody("eve+pending@acme.com"))
	if w.Code != 202 {
		t.Fatalf("provision: %d %s", w.Code, w.Body)
	}
	id := decodeSub(t, w).ID
	wantNoContent(t, call(t, s, "POST", consentURL(id), nil))
	// Under the /wholesale prefix the path does not exist: the spec prints it without.
	if w := call(t, s, "POST", "/v1/wholesale/subscribers/"+id+"/emails/consentMove", nil); w.Code != 404 {
		t.Errorf("consentMove under /wholesale: %d", w.Code)
	}
	wantNoContent(t, call(t, s, "DELETE", subsURL+"/"+id, nil))
	if w := call(t, s, "POST", consentURL(id), nil); w.Code != 404 {
		t.Errorf("consentMove after DELETE: %d %s", w.Code, w.Body)
	}
	st := s.Stats()
	if st.ConsentsSent["eve+pending@acme.com"] != 1 || st.ConsentMovesByID[id] != 2 || st.ConsentMoves != 2 || st.Removed["eve+pending@acme.com"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestConsentMoveLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		s.AddSubscriber(Subscriber{ID: "p1", Email: "a+lost@acme.com", Status: StatusPendingUserMigration})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		w := call(t, s, "POST", consentURL("p1"), nil, func(r *http.Request) *http.Request { return r.WithContext(ctx) })
		if got := time.Since(start); got != 5*time.Second || w.Body.Len() != 0 {
			t.Fatalf("after %v got %d %q, want no answer after 5s", got, w.Code, w.Body)
		}
		// Sent all the same: the POST is in doubt, and a blind re-send would send a second email.
		if got := s.Stats().ConsentsSent["a+lost@acme.com"]; got != 1 {
			t.Errorf("ConsentsSent = %d, want 1", got)
		}
		start = time.Now()
		w = call(t, s, "POST", consentURL("p1"), nil)
		if got := time.Since(start); got != 30*time.Second {
			t.Errorf("patient client waited %v", got)
		}
		wantNoContent(t, w)
		if got := s.Stats().ConsentsSent["a+lost@acme.com"]; got != 2 {
			t.Errorf("ConsentsSent = %d, want 2", got)
		}
	})
}

// TestConcurrentRemoveAndConsent races DELETEs and consentMoves of the same
// subscribers over real HTTP, for -race: each is removed exactly once, and
// no consent is counted for a subscriber after a 404.
func TestConcurrentRemoveAndConsent(t *testing.T) {
	run, err := Start(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	const subs, workers = 4, 6
	for i := range subs {
		run.Server.AddSubscriber(Subscriber{ID: fmt.Sprintf("id%d", i), Email: fmt.Sprintf("p%d@acme.com", i), Status: StatusPendingUserMigration})
	}
	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, path string) int {
		req, _ := http.NewRequest(method, run.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	var mu sync.Mutex
	deleted, consented := map[string]int{}, map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range subs {
				id := fmt.Sprintf("id%d", (i+w)%subs)
				c := do("POST", "/subscribers/"+id+"/emails/consentMove")
				d := do("DELETE", "/wholesale/subscribers/"+id)
				mu.Lock()
				if c == 204 {
					consented[id]++
				} else if c != 404 {
					t.Errorf("consentMove %s: %d", id, c)
				}
				if d == 204 {
					deleted[id]++
				} else if d != 404 {
					t.Errorf("DELETE %s: %d", id, d)
				}
				mu.Unlock()
				_ = run.Server.Stats()
			}
		})
	}
	wg.Wait()
	st := run.Server.Stats()
	for i := range subs {
		id, email := fmt.Sprintf("id%d", i), fmt.Sprintf("p%d@acme.com", i)
		if deleted[id] != 1 || st.Removed[email] != 1 || st.DeletesByID[id] != workers {
			t.Errorf("%s: %d DELETEs answered 204, Removed %d, DeletesByID %d", id, deleted[id], st.Removed[email], st.DeletesByID[id])
		}
		if consented[id] < 1 || st.ConsentsSent[email] != consented[id] || st.ConsentMovesByID[id] != workers {
			t.Errorf("%s: %d consentMoves answered 204, ConsentsSent %d, ConsentMovesByID %d", id, consented[id], st.ConsentsSent[email], st.ConsentMovesByID[id])
		}
	}
	if len(run.Server.Subscribers()) != 0 || st.Deletes != subs*workers || st.ConsentMoves != subs*workers {
		t.Errorf("state %+v, stats %+v", run.Server.Subscribers(), st)
	}
}
