package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestProvision(t *testing.T) {
	s := New(Options{})
	w := call(t, s, "POST", subsURL, provisionBody("Ada@Acme.com"))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	// The answer has the spec example's shape.
	var fields map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &fields)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range fields {
			if !yield(k) {
				return
			}
		}
	})
	want := []string{"created", "customerId", "email", "externalCustomerId", "id", "lastStatusChange", "package", "packages", "personId", "status"}
	if !slices.Equal(keys, want) {
		t.Errorf("fields %v, want %v", keys, want)
	}
	sub := decodeSub(t, w)
	if sub.Status != StatusProvisioned || sub.Email != "Ada@Acme.com" || sub.CustomerID != "cust-1" ||
		sub.Package != "webex_calling" || !slices.Equal(sub.Packages, []string{"webex_calling"}) {
		t.Errorf("got %+v", sub)
	}
	if loc := w.Header().Get("Location"); loc != "http://example.com/v1/wholesale/subscribers/"+sub.ID {
		t.Errorf("Location %q", loc)
	}
	// GET by id returns the same subscriber.
	if got := decodeSub(t, call(t, s, "GET", subsURL+"/"+sub.ID, nil)); got.ID != sub.ID || got.PersonID != sub.PersonID {
		t.Errorf("GET by id: %+v", got)
	}
	// A second POST of the same email, in any case, conflicts with 10022.
	w = call(t, s, "POST", subsURL, provisionBody("ada@ACME.com"))
	if w.Code != 409 || errorCode(t, w) != codeExists {
		t.Errorf("duplicate: %d %s", w.Code, w.Body)
	}
	// So does a precheck of a provisioned email.
	w = call(t, s, "POST", validateURL, precheckBody("ada@acme.com"))
	if w.Code != 409 || errorCode(t, w) != codeExists {
		t.Errorf("precheck of provisioned: %d %s", w.Code, w.Body)
	}
	st := s.Stats()
	if st.PostsByEmail["ada@acme.com"] != 2 || st.Provisions != 2 || st.Prechecks != 1 || st.Gets != 1 {
		t.Errorf("stats %+v", st)
	}
	if len(s.Subscribers()) != 1 {
		t.Errorf("state %+v", s.Subscribers())
	}
}

func TestProvisionPackages(t *testing.T) {
	cases := []struct {
		name     string
		send     map[string]any
		wantPkg  string
		wantPkgs []string
	}{
		{"legacy package", map[string]any{"package": "webex_suite"}, "webex_suite", []string{"webex_suite"}},                        // mirrored into packages
		{"packages in the legacy six", map[string]any{"packages": []string{"webex_voice"}}, "webex_voice", []string{"webex_voice"}}, // mirrored into package
		{"newer package", map[string]any{"packages": []string{"cx_premium_agent"}}, "", []string{"cx_premium_agent"}},               // package cannot hold it
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := provisionBody("a@acme.com")
			delete(body, "packages")
			for k, v := range c.send {
				body[k] = v
			}
			sub := decodeSub(t, call(t, New(Options{}), "POST", subsURL, body))
			if sub.Package != c.wantPkg || !slices.Equal(sub.Packages, c.wantPkgs) {
				t.Errorf("package %q packages %v", sub.Package, sub.Packages)
			}
		})
	}
}

func TestProvisionDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{ProvisionDelay: 10 * time.Second})
		w := call(t, s, "POST", subsURL, provisionBody("a@acme.com"))
		sub := decodeSub(t, w)
		if w.Code != 200 || sub.Status != StatusProvisioning || sub.PersonID != "" {
			t.Fatalf("at once: %d %+v", w.Code, sub)
		}
		created := sub.Created
		status := func() Subscriber { return decodeSub(t, call(t, s, "GET", subsURL+"/"+sub.ID, nil)) }
		time.Sleep(9 * time.Second)
		if got := status(); got.Status != StatusProvisioning {
			t.Errorf("after 9s: %+v", got)
		}
		time.Sleep(time.Second)
		got := status()
		if got.Status != StatusProvisioned || got.PersonID == "" || !got.LastStatusChange.Equal(created.Add(10*time.Second)) {
			t.Errorf("after 10s: %+v", got)
		}
		if subs := s.Subscribers(); subs[0].Status != StatusProvisioned {
			t.Errorf("snapshot: %+v", subs)
		}
		// The status filter sees the computed status.
		if items := decodeList(t, call(t, s, "GET", subsURL+"?status=provisioned", nil)); len(items) != 1 {
			t.Errorf("status filter: %+v", items)
		}
	})
}

func TestAddSubscriber(t *testing.T) {
	s := New(Options{})
	s.AddSubscriber(Subscriber{Email: "Zed@acme.com", CustomerID: "c2"})
	s.AddSubscriber(Subscriber{Email: "amy@acme.com", Status: StatusPendingUserMigration})
	subs := s.Subscribers()
	if len(subs) != 2 || subs[0].Email != "amy@acme.com" || subs[1].Email != "Zed@acme.com" {
		t.Fatalf("not sorted by email: %+v", subs)
	}
	// Defaults are filled in: a seeded subscriber looks provisioned, with ids.
	z := subs[1]
	if z.ID == "" || z.PersonID == "" || z.Status != StatusProvisioned || z.Created.IsZero() || !z.LastStatusChange.Equal(z.Created) {
		t.Errorf("defaults: %+v", z)
	}
	if subs[0].PersonID != "" {
		t.Errorf("pending subscriber shows a personId: %+v", subs[0])
	}
	// An existing user conflicts on precheck, case-insensitively.
	if w := call(t, s, "POST", validateURL, precheckBody("zed@ACME.com")); w.Code != 409 {
		t.Errorf("precheck of seeded user: %d", w.Code)
	}
	// Snapshots are copies.
	subs[1].Packages = append(subs[1].Packages, "x")
	if len(s.Subscribers()[1].Packages) != 0 {
		t.Error("snapshot aliases the state")
	}
}

func TestList(t *testing.T) {
	s := New(Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 7 {
		cust := "c1"
		if i%2 == 1 {
			cust = "c2"
		}
		s.AddSubscriber(Subscriber{Email: fmt.Sprintf("u%d@acme.com", 7-i), CustomerID: cust, Created: base.Add(time.Duration(i) * time.Minute)})
	}
	// Paging follows Link rel="next" until it is gone, in creation order.
	var emails []string
	target := subsURL + "?max=3&onBehalfOfSubPartnerOrgId=org"
	var pages []int
	for target != "" {
		w := call(t, s, "GET", target, nil)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		items := decodeList(t, w)
		pages = append(pages, len(items))
		for _, it := range items {
			emails = append(emails, it.Email)
		}
		target = nextLink(t, w)
		if target != "" {
			u, err := url.Parse(target)
			if err != nil || u.Host != "example.com" || u.Path != subsURL || u.Query().Get("onBehalfOfSubPartnerOrgId") != "org" {
				t.Fatalf("Link %q lost the base or the query", target)
			}
			target = u.RequestURI()
		}
	}
	if !slices.Equal(pages, []int{3, 3, 1}) || strings.Join(emails, ",") != "u7@acme.com,u6@acme.com,u5@acme.com,u4@acme.com,u3@acme.com,u2@acme.com,u1@acme.com" {
		t.Errorf("pages %v emails %v", pages, emails)
	}
	cases := []struct {
		query string
		want  int // items, or -400 for a refusal
		link  bool
	}{
		{"", 7, false},                    // default max 50 holds all
		{"?max=7", 7, false},              // exactly full: no next page
		{"?max=6", 6, true},               // one more exists
		{"?max=3&offset=6", 1, false},     // the short last page
		{"?offset=99", 0, false},          // past the end: empty, not an error
		{"?customerId=c2", 3, false},      // filter by customer
		{"?email=U3@ACME.COM", 1, false},  // email matches case-insensitively
		{"?status=provisioned", 7, false}, // seeded subscribers are provisioned
		{"?status=pending_user_migration", 0, false},
		{"?max=0", -400, false},     // below 1
		{"?max=101", -400, false},   // above the documented 100
		{"?max=ten", -400, false},   // not a number
		{"?offset=-1", -400, false}, // negative offset
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			w := call(t, s, "GET", subsURL+c.query, nil)
			if c.want == -400 {
				if w.Code != 400 {
					t.Errorf("status %d, want 400", w.Code)
				}
				decodeError(t, w)
				return
			}
			if items := decodeList(t, w); len(items) != c.want || (nextLink(t, w) != "") != c.link {
				t.Errorf("%d items, Link %q", len(items), w.Header().Get("Link"))
			}
			if !strings.Contains(w.Body.String(), `"items":[`) {
				t.Errorf("items is not an array: %s", w.Body)
			}
		})
	}
}

func TestListDefaultMax(t *testing.T) {
	s := New(Options{})
	for i := range 51 {
		s.AddSubscriber(Subscriber{Email: fmt.Sprintf("u%02d@acme.com", i)})
	}
	w := call(t, s, "GET", subsURL, nil)
	u, _ := url.Parse(nextLink(t, w))
	if n := len(decodeList(t, w)); n != 50 || u == nil || u.Query().Get("offset") != "50" || u.Query().Get("max") != "50" {
		t.Errorf("%d items, Link %q", n, w.Header().Get("Link"))
	}
}
