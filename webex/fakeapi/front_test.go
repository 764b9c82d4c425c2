package fakeapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFrontTags: the tags that answer what the API never does, each with
// what it leaves behind in the state.
func TestFrontTags(t *testing.T) {
	t.Run("html200 and cut200 spoil one request", func(t *testing.T) {
		s := New(Options{Token: testToken})
		for _, email := range []string{"ada+html200@acme.com", "bob+cut200@acme.com"} {
			w := call(t, s, "POST", validateURL, precheckBody(email))
			var v any
			if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &v) == nil {
				t.Errorf("%s first: %d %q, want 200 with an unreadable body", email, w.Code, w.Body)
			}
			if w := call(t, s, "POST", validateURL, precheckBody(email)); w.Code != 200 || !strings.Contains(w.Body.String(), `"success"`) {
				t.Errorf("%s second: %d %s, want the real answer", email, w.Code, w.Body)
			}
		}
	})
	t.Run("signin and ok200 do nothing", func(t *testing.T) {
		s := New(Options{Token: testToken})
		s.AddSubscriber(Subscriber{ID: "s1", Email: "ada+signin@acme.com", CustomerID: "c1", Status: StatusPendingUserMigration})
		s.AddSubscriber(Subscriber{ID: "s2", Email: "bob+ok200@acme.com", CustomerID: "c1", Status: StatusPendingUserMigration})
		for _, id := range []string{"s1", "s2"} {
			for _, w := range []*httptest.ResponseRecorder{call(t, s, "DELETE", subsURL+"/"+id, nil), call(t, s, "POST", consentURL(id), nil)} {
				if w.Code != http.StatusOK {
					t.Errorf("%s: %d, want 200", id, w.Code)
				}
			}
		}
		if w := call(t, s, "POST", subsURL, provisionBody("cy+signin@acme.com")); w.Code != 200 || !strings.Contains(w.Body.String(), "Sign in") {
			t.Errorf("provision +signin: %d %s", w.Code, w.Body)
		}
		st := s.Stats()
		if n := len(s.Subscribers()); n != 2 || len(st.Removed) != 0 || len(st.ConsentsSent) != 0 {
			t.Errorf("%d subscribers, removed %v, consents %v: a front answered, nothing may be done", n, st.Removed, st.ConsentsSent)
		}
	})
	t.Run("noitems", func(t *testing.T) {
		s := New(Options{Token: testToken})
		s.AddSubscriber(Subscriber{Email: "ada+noitems@acme.com", CustomerID: "c1"})
		for _, target := range []string{subsURL + "?email=ada%2Bnoitems%40acme.com", "/v1/wholesale/customers?externalId=acme%2Bnoitems"} {
			if w := call(t, s, "GET", target, nil); w.Code != 200 || strings.TrimSpace(w.Body.String()) != "{}" {
				t.Errorf("%s: %d %s, want 200 {}", target, w.Code, w.Body)
			}
		}
	})
	t.Run("nochange", func(t *testing.T) {
		s := New(Options{Token: testToken})
		s.AddSubscriber(Subscriber{ID: "s1", Email: "ada+nochange@acme.com", CustomerID: "c1"})
		if w := call(t, s, "GET", subsURL+"/s1", nil); w.Code != 200 || strings.Contains(w.Body.String(), "lastStatusChange") {
			t.Errorf("%d %s, want a subscriber without lastStatusChange", w.Code, w.Body)
		}
	})
	t.Run("consented", func(t *testing.T) {
		s := New(Options{Token: testToken})
		s.AddSubscriber(Subscriber{ID: "s1", Email: "ada+consented@acme.com", CustomerID: "c1", Status: StatusPendingUserMigration})
		w := call(t, s, "POST", consentURL("s1"), nil)
		if w.Code != 400 || !strings.Contains(decodeError(t, w).Message, `status "provisioned"`) {
			t.Errorf("%d %s, want 400 saying provisioned", w.Code, w.Body)
		}
		if sub := decodeSub(t, call(t, s, "GET", subsURL+"/s1", nil)); sub.Status != StatusProvisioned || len(s.Stats().ConsentsSent) != 0 {
			t.Errorf("status %s, consents %v: want provisioned, none sent", sub.Status, s.Stats().ConsentsSent)
		}
	})
	t.Run("twin", func(t *testing.T) {
		s := New(Options{Token: testToken})
		s.AddSubscriber(Subscriber{ID: "s1", Email: "ada+twin@acme.com", CustomerID: "c1"})
		got := decodeList(t, call(t, s, "GET", subsURL+"?email=ada%2Btwin%40acme.com", nil))
		if len(got) != 2 || got[0].CustomerID != "c1" || got[1].CustomerID != "twin-c1" || got[1].Status != StatusPendingUserMigration {
			t.Errorf("search: %+v, want the subscriber and its twin in twin-c1", got)
		}
		if got := decodeList(t, call(t, s, "GET", subsURL+"?email=ada%2Btwin%40acme.com&customerId=c1", nil)); len(got) != 1 {
			t.Errorf("search in c1: %+v, want one", got)
		}
	})
}
