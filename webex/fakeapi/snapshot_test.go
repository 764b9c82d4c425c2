package fakeapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSnapshotRoundTrip: a restored server answers as the saved one would
// have: its subscribers (pending, consented, removed), its customers, its
// bulk block with one item changed and one removed, the tags already spent
// and fresh ids that collide with none it gave.
func TestSnapshotRoundTrip(t *testing.T) {
	s := New(Options{Token: testToken})
	s.AddCustomer(Customer{ExternalID: "ACME-01"})
	for _, email := range []string{"ann@acme.example", "bob+pending@acme.example", "cy+pending@acme.example", "dee@acme.example", "eve+flaky@acme.example"} {
		w := call(t, s, "POST", subsURL, provisionBody(email))
		for w.Code == http.StatusServiceUnavailable { // +flaky: its first two
			w = call(t, s, "POST", subsURL, provisionBody(email))
		}
		if w.Code != http.StatusOK && w.Code != http.StatusAccepted {
			t.Fatalf("provision %s: %d %s", email, w.Code, w.Body)
		}
	}
	byEmail := map[string]Subscriber{}
	for _, sub := range s.Subscribers() {
		byEmail[sub.Email] = sub
	}
	if w := call(t, s, "DELETE", subsURL+"/"+byEmail["dee@acme.example"].ID, nil); w.Code != http.StatusNoContent {
		t.Fatalf("DELETE: %d", w.Code)
	}
	if w := call(t, s, "POST", "/v1/subscribers/"+byEmail["cy+pending@acme.example"].ID+"/emails/consentMove", nil); w.Code != http.StatusNoContent {
		t.Fatalf("consentMove: %d", w.Code)
	}
	b := s.AddBulk(Bulk{CustomerID: "big", N: 4, Package: "webex_calling"})
	bulk := decodeList(t, call(t, s, "GET", subsURL+"?customerId=big", nil))
	if w := call(t, s, "PUT", subsURL+"/"+bulk[1].ID, updateBody("webex_suite")); w.Code != http.StatusOK {
		t.Fatalf("PUT: %d %s", w.Code, w.Body)
	}
	if w := call(t, s, "DELETE", subsURL+"/"+bulk[2].ID, nil); w.Code != http.StatusNoContent {
		t.Fatalf("DELETE bulk: %d", w.Code)
	}

	var saved bytes.Buffer
	if err := s.Snapshot(&saved); err != nil {
		t.Fatal(err)
	}
	r := New(Options{Token: testToken, Customers: []Customer{}})
	if err := r.Restore(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatalf("Restore: %v\n%s", err, saved.Bytes())
	}

	if got, want := r.Subscribers(), s.Subscribers(); !reflect.DeepEqual(got, want) {
		t.Errorf("subscribers differ:\n got %+v\nwant %+v", got, want)
	}
	if got, want := r.Customers(), s.Customers(); !reflect.DeepEqual(got, want) {
		t.Errorf("customers differ:\n got %+v\nwant %+v", got, want)
	}
	for _, c := range []struct {
		name, method, target string
		want                 int
	}{
		{"a removed subscriber stays removed", "GET", subsURL + "/" + byEmail["dee@acme.example"].ID, http.StatusNotFound},
		{"a removed bulk item stays removed", "GET", subsURL + "/" + bulk[2].ID, http.StatusNotFound},
		{"a pending one is still pending", "POST", "/v1/subscribers/" + byEmail["bob+pending@acme.example"].ID + "/emails/consentMove", http.StatusNoContent},
		{"a provisioned email is still taken", "POST", subsURL, http.StatusConflict},
		{"+flaky spent its two 503s in the earlier run", "GET", subsURL + "/" + byEmail["eve+flaky@acme.example"].ID, http.StatusOK},
		{"the customer registered then is there", "GET", "/v1/wholesale/customers?externalId=ACME-01", http.StatusOK},
	} {
		var body any
		if c.method == "POST" && c.target == subsURL {
			body = provisionBody("ann@acme.example")
		}
		if w := call(t, r, c.method, c.target, body); w.Code != c.want {
			t.Errorf("%s: %s %s answered %d, want %d: %s", c.name, c.method, c.target, w.Code, c.want, w.Body)
		}
	}
	if got := decodeSub(t, call(t, r, "GET", subsURL+"/"+bulk[1].ID, nil)); got.Packages[0] != "webex_suite" {
		t.Errorf("the changed bulk item lost its change: %+v", got)
	}
	if got := decodeList(t, call(t, r, "GET", subsURL+"?email=user4@"+b.Domain, nil)); len(got) != 1 || got[0].ID != bulk[3].ID {
		t.Errorf("an untouched bulk item: %+v", got)
	}

	// New ids go on from the saved counters: none collides with one given.
	w := call(t, r, "POST", subsURL, provisionBody("dee@acme.example"))
	if w.Code != http.StatusOK {
		t.Fatalf("provision again: %d %s", w.Code, w.Body)
	}
	fresh := decodeSub(t, w)
	if bytes.Contains(saved.Bytes(), []byte(`"`+fresh.ID+`"`)) {
		t.Errorf("new id %s was already given before the snapshot", fresh.ID)
	}
	r.AddCustomer(Customer{ExternalID: "new"})
	cs := r.Customers()
	if last := cs[len(cs)-1]; bytes.Contains(saved.Bytes(), []byte(`"`+last.ID+`"`)) {
		t.Errorf("new customer id %s was already given", last.ID)
	}

	// A snapshot of the restored server, before any change, says the same.
	var again bytes.Buffer
	if err := New(Options{Customers: []Customer{}}).restoreAndSnapshot(t, saved.Bytes(), &again); err != nil {
		t.Fatal(err)
	}
	if a, b := withoutSaved(t, saved.Bytes()), withoutSaved(t, again.Bytes()); a != b {
		t.Errorf("snapshot after restore differs:\n%s\n%s", a, b)
	}
}

// restoreAndSnapshot restores raw into s and snapshots s into w.
func (s *Server) restoreAndSnapshot(t *testing.T, raw []byte, w *bytes.Buffer) error {
	t.Helper()
	if err := s.Restore(bytes.NewReader(raw)); err != nil {
		return err
	}
	return s.Snapshot(w)
}

var savedField = regexp.MustCompile(`"saved": "[^"]*"`)

func withoutSaved(t *testing.T, b []byte) string {
	t.Helper()
	return savedField.ReplaceAllString(string(b), `"saved": ""`)
}

// TestRestoreRefuses: every damaged or foreign snapshot is refused with
// ErrSnapshot and a reason, and the server keeps its state.
func TestRestoreRefuses(t *testing.T) {
	good := func() map[string]any {
		s := New(Options{Token: testToken})
		call(t, s, "POST", subsURL, provisionBody("ann@acme.example"))
		call(t, s, "POST", subsURL, provisionBody("bob@acme.example"))
		s.AddBulk(Bulk{CustomerID: "big", N: 3})
		var buf bytes.Buffer
		if err := s.Snapshot(&buf); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	subs := func(m map[string]any) []any { return m["subscribers"].([]any) }
	sub := func(m map[string]any, i int) map[string]any {
		return subs(m)[i].(map[string]any)["subscriber"].(map[string]any)
	}
	for _, c := range []struct {
		name string
		raw  string
		edit func(map[string]any)
		want string
	}{
		{name: "not JSON (a half-written file)", raw: `{"format": "wholesale-batch fakeapi st`, want: "unexpected EOF"},
		{name: "another JSON file", raw: `{"format": "something else", "version": 1}`, want: `format "something else"`},
		{name: "an empty file", raw: ``, want: "EOF"},
		{name: "trailing data", raw: `{"format": "wholesale-batch fakeapi state", "version": 1, "nextSeq": 0} {}`, want: "more after"},
		{name: "a later version", edit: func(m map[string]any) { m["version"] = 2 }, want: "version 2"},
		{name: "an unknown field", edit: func(m map[string]any) { m["extra"] = true }, want: `unknown field "extra"`},
		{name: "two subscribers, one email", edit: func(m map[string]any) { sub(m, 1)["email"] = "ANN@acme.example" }, want: "appears twice"},
		{name: "two subscribers, one id", edit: func(m map[string]any) { sub(m, 1)["id"] = sub(m, 0)["id"] }, want: "appears twice"},
		{name: "a subscriber without an id", edit: func(m map[string]any) { sub(m, 0)["id"] = "" }, want: "no id"},
		{name: "the id counter behind", edit: func(m map[string]any) { m["nextSeq"] = 1 }, want: "counter"},
		{name: "a bulk item out of range", edit: func(m map[string]any) {
			m["blocks"].([]any)[0].(map[string]any)["changed"] = []any{map[string]any{"item": 9, "record": subs(m)[0]}}
		}, want: "not in 1..3"},
		{name: "a bulk item with another id", edit: func(m map[string]any) {
			m["blocks"].([]any)[0].(map[string]any)["changed"] = []any{map[string]any{"item": 1, "record": subs(m)[0]}}
		}, want: "not its own"},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw := []byte(c.raw)
			if c.edit != nil {
				m := good()
				c.edit(m)
				var err error
				if raw, err = json.Marshal(m); err != nil {
					t.Fatal(err)
				}
			}
			s := New(Options{Token: testToken})
			s.AddSubscriber(Subscriber{Email: "kept@acme.example"})
			before := s.Subscribers()
			err := s.Restore(bytes.NewReader(raw))
			if !errors.Is(err, ErrSnapshot) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Restore: %v, want ErrSnapshot saying %q", err, c.want)
			}
			if !reflect.DeepEqual(s.Subscribers(), before) {
				t.Errorf("a refused snapshot changed the state")
			}
		})
	}
}

// TestSnapshotProvisioningBecomesReady: a subscriber still provisioning
// when saved is provisioned once its delay has passed after the restore.
func TestSnapshotProvisioningBecomesReady(t *testing.T) {
	s := New(Options{Token: testToken, ProvisionDelay: time.Hour})
	s.AddSubscriber(Subscriber{Email: "slow@acme.example", Status: StatusProvisioning, Created: time.Now().Add(-2 * time.Hour)})
	s.AddSubscriber(Subscriber{Email: "new@acme.example", Status: StatusProvisioning})
	var buf bytes.Buffer
	if err := s.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	r := New(Options{Token: testToken})
	if err := r.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, sub := range r.Subscribers() {
		got[sub.Email] = sub.Status
	}
	if got["slow@acme.example"] != StatusProvisioned || got["new@acme.example"] != StatusProvisioning {
		t.Errorf("statuses after restore: %v", got)
	}
}
