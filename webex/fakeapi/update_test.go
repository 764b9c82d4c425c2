package fakeapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// updateBody is a PUT giving the one package pkg.
func updateBody(pkg string) map[string]any { return map[string]any{"packages": []string{pkg}} }

func TestUpdate(t *testing.T) {
	past := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
	cases := []struct {
		name    string
		email   string // of the seeded subscriber "u1"
		status  string // "" = provisioned
		pkg     string // its package
		id      string // the id updated
		body    any
		ctype   string // "" = application/json
		want    []int  // statuses of identical successive PUTs
		changed bool   // the state holds the new package
		say     string // in the first answer's message
	}{
		{name: "provisioned", email: "ann@acme.com", pkg: "webex_calling", id: "u1", body: updateBody("webex_suite"),
			want: []int{200}, changed: true},
		{name: "same package changes nothing", email: "ann@acme.com", pkg: "webex_suite", id: "u1", body: updateBody("webex_suite"),
			want: []int{200, 200}},
		{name: "deprecated package field", email: "ann@acme.com", pkg: "webex_calling", id: "u1", body: map[string]any{"package": "webex_calling_standard"},
			want: []int{200}, changed: true},
		{name: "pending is refused", email: "ann+pending@acme.com", status: StatusPendingUserMigration, pkg: "webex_calling", id: "u1",
			body: updateBody("webex_suite"), want: []int{409}, say: `not provisioned (status \"pending_user_migration\")`},
		{name: "provisioning is refused", email: "ann@acme.com", status: StatusProvisioning, pkg: "webex_calling", id: "u1",
			body: updateBody("webex_suite"), want: []int{409}, say: "not provisioned"},
		{name: "unknown id", email: "ann@acme.com", pkg: "webex_calling", id: "nope", body: updateBody("webex_suite"),
			want: []int{404}, say: "Subscriber not found"},
		{name: "+updatefail", email: "ann+updatefail@acme.com", pkg: "webex_calling", id: "u1", body: updateBody("webex_suite"),
			want: []int{400, 400}, say: "could not be changed"},
		{name: "+flaky then done", email: "ann+flaky@acme.com", pkg: "webex_calling", id: "u1", body: updateBody("webex_suite"),
			want: []int{503, 503, 200}, changed: true},
		{name: "+signin answers a page, does nothing", email: "ann+signin@acme.com", pkg: "webex_calling", id: "u1", body: updateBody("webex_suite"),
			want: []int{200}},
		{name: "+ok200 answers {}, does nothing", email: "ann+ok200@acme.com", pkg: "webex_calling", id: "u1", body: updateBody("webex_suite"),
			want: []int{200}},
		{name: "meetings to calling needs a phone", email: "ann@acme.com", pkg: "webex_meetings", id: "u1", body: updateBody("webex_calling"),
			want: []int{400}, say: "primary phone number or an extension"},
		{name: "meetings to calling with an extension", email: "ann@acme.com", pkg: "webex_meetings", id: "u1",
			body: map[string]any{"packages": []string{"webex_calling"}, "provisioningParameters": map[string]any{"extension": "5221"}},
			want: []int{200}, changed: true},
		{name: "package and packages", email: "ann@acme.com", pkg: "webex_calling", id: "u1",
			body: map[string]any{"package": "webex_suite", "packages": []string{"webex_suite"}}, want: []int{400}, say: "not both"},
		{name: "two packages", email: "ann@acme.com", pkg: "webex_calling", id: "u1",
			body: map[string]any{"packages": []string{"webex_suite", "webex_calling"}}, want: []int{400}, say: "exactly one"},
		{name: "no package", email: "ann@acme.com", pkg: "webex_calling", id: "u1", body: map[string]any{}, want: []int{400}, say: "required"},
		{name: "package not in the enum", email: "ann@acme.com", pkg: "webex_calling", id: "u1", body: updateBody("webex_gold"),
			want: []int{400}, say: "Invalid request body: packages[0]"},
		{name: "not JSON", email: "ann@acme.com", pkg: "webex_calling", id: "u1", body: updateBody("webex_suite"), ctype: "text/plain",
			want: []int{415}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{ProvisionDelay: 2 * time.Hour}) // a seeded "provisioning" stays so
			s.AddSubscriber(Subscriber{ID: "u1", Email: c.email, Status: c.status, Packages: []string{c.pkg}, Created: past})
			before := s.Subscribers()[0]
			var first string
			for i, want := range c.want {
				w := call(t, s, "PUT", subsURL+"/"+c.id, c.body, func(r *http.Request) *http.Request {
					if c.ctype != "" {
						r.Header.Set("Content-Type", c.ctype)
					}
					return r
				})
				if i == 0 {
					first = w.Body.String()
				}
				if w.Code != want {
					t.Fatalf("PUT %d: status %d, want %d: %s", i+1, w.Code, want, w.Body)
				}
				if want == 200 && !strings.Contains(c.email, "+signin") && !strings.Contains(c.email, "+ok200") {
					got := decodeSub(t, w)
					if got.ID != "u1" || w.Header().Get("Location") != "http://example.com/v1/wholesale/subscribers/u1" {
						t.Errorf("answer %+v, Location %q", got, w.Header().Get("Location"))
					}
				}
			}
			if !strings.Contains(first, c.say) {
				t.Errorf("first answer %s, want it to say %q", first, c.say)
			}
			after := s.Subscribers()[0]
			newPkg := "webex_suite"
			switch b := c.body.(type) {
			case map[string]any:
				if p, ok := b["package"].(string); ok {
					newPkg = p
				} else if ps, ok := b["packages"].([]string); ok && len(ps) == 1 {
					newPkg = ps[0]
				}
			}
			changed := slices.Equal(after.Packages, []string{newPkg}) && newPkg != c.pkg
			if changed != c.changed {
				t.Errorf("packages %v → %v; want changed=%v", before.Packages, after.Packages, c.changed)
			}
			if moved := after.LastStatusChange.After(before.LastStatusChange); moved != c.changed {
				t.Errorf("lastStatusChange %v → %v; want moved=%v", before.LastStatusChange, after.LastStatusChange, c.changed)
			}
			st := s.Stats()
			if want := map[bool]int{true: 1}[c.changed]; st.Updated[strings.ToLower(c.email)] != want || st.Updates != len(c.want) || st.UpdatesByID[c.id] != len(c.want) {
				t.Errorf("Updated %v, Updates %d, UpdatesByID %v", st.Updated, st.Updates, st.UpdatesByID)
			}
		})
	}
}

// TestUpdateLost: a +lost PUT changes the package, then holds the answer
// until the client gives up; a look-up shows the change.
func TestUpdateLost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		s.AddSubscriber(Subscriber{ID: "l1", Email: "a+lost@acme.com", Packages: []string{"webex_calling"}})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		w := call(t, s, "PUT", subsURL+"/l1", updateBody("webex_suite"), func(r *http.Request) *http.Request { return r.WithContext(ctx) })
		if w.Body.Len() != 0 {
			t.Fatalf("got %d %q, want no answer", w.Code, w.Body)
		}
		got := decodeSub(t, call(t, s, "GET", subsURL+"/l1", nil))
		if !slices.Equal(got.Packages, []string{"webex_suite"}) || s.Stats().Updated["a+lost@acme.com"] != 1 {
			t.Errorf("after a lost PUT: %+v, %+v", got, s.Stats().Updated)
		}
	})
}

// TestUpdateBulk: a bulk subscriber changed by a PUT keeps its place in
// the list and id, and shows the change everywhere; the rest of its block
// does not.
func TestUpdateBulk(t *testing.T) {
	s := New(Options{})
	b := s.AddBulk(Bulk{CustomerID: "big", N: 5, Package: "webex_calling"})
	list := decodeList(t, call(t, s, "GET", subsURL+"?customerId=big", nil))
	if len(list) != 5 {
		t.Fatalf("%d listed", len(list))
	}
	id := list[2].ID
	if w := call(t, s, "PUT", subsURL+"/"+id, updateBody("webex_suite")); w.Code != 200 {
		t.Fatalf("PUT: %d %s", w.Code, w.Body)
	}
	after := decodeList(t, call(t, s, "GET", subsURL+"?customerId=big", nil))
	for i, sub := range after {
		want := "webex_calling"
		if i == 2 {
			want = "webex_suite"
		}
		if sub.ID != list[i].ID || !slices.Equal(sub.Packages, []string{want}) {
			t.Errorf("item %d: %+v, want id %s with %s", i, sub, list[i].ID, want)
		}
	}
	byEmail := decodeList(t, call(t, s, "GET", subsURL+"?email=USER3@"+strings.ToUpper(b.Domain), nil))
	if len(byEmail) != 1 || byEmail[0].ID != id || byEmail[0].Package != "webex_suite" || byEmail[0].Packages[0] != "webex_suite" {
		t.Errorf("by email: %+v", byEmail)
	}
	if got := decodeSub(t, call(t, s, "GET", subsURL+"/"+id, nil)); got.Packages[0] != "webex_suite" {
		t.Errorf("by id: %+v", got)
	}
}
