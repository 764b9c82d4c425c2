package fakeapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

const custURL = "/v1/wholesale/customers"

// decodeCustomers decodes a customer list answer, checking items is an array.
func decodeCustomers(t *testing.T, w *httptest.ResponseRecorder) []Customer {
	t.Helper()
	var l struct{ Items *[]Customer }
	if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil || l.Items == nil {
		t.Fatalf("status %d: body %q is not a customer list: %v", w.Code, w.Body, err)
	}
	return *l.Items
}

// labels lists the customers as "externalId/status", to compare compactly.
func labels(cs []Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ExternalID + "/" + c.Status
	}
	return out
}

func TestDefaultCustomers(t *testing.T) {
	// The ids the package doc lists, so a sandbox user can copy them.
	wantIDs := []string{
		"Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAx",
		"Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAy",
		"Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAz",
		"Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDA0",
		"Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDA1",
		"Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDA2",
	}
	wantLabels := []string{"acme-001/provisioned", "globex-002/provisioning", "initech-003/provisioned",
		"initech-003/provisioned", "umbrella-004/pending_rpl_review", "hooli-005/provisioned_with_errors"}
	s := New(Options{}) // nil Customers: the defaults
	got := s.Customers()
	if !slices.Equal(labels(got), wantLabels) {
		t.Fatalf("defaults %v, want %v", labels(got), wantLabels)
	}
	for i, c := range got {
		if c.ID != wantIDs[i] || url.PathEscape(c.ID) != c.ID {
			t.Errorf("customer %d id %q, want %q (path-safe)", i+1, c.ID, wantIDs[i])
		}
		if (c.OrgID != "") != orgIDShown(c.Status) {
			t.Errorf("%s: orgId %q with status %s", c.ExternalID, c.OrgID, c.Status)
		}
		if c.Address == nil || len(c.Packages) == 0 && c.Status != CustomerPendingRPLReview {
			t.Errorf("%s: not shaped as the spec's example: %+v", c.ExternalID, c)
		}
	}
	if !slices.Equal(labels(DefaultCustomers()), wantLabels) {
		t.Error("DefaultCustomers and a default Server differ")
	}
	// The list answers them all, in that order, without licenseIds.
	w := call(t, s, "GET", custURL, nil)
	if w.Code != 200 || !slices.Equal(labels(decodeCustomers(t, w)), wantLabels) || strings.Contains(w.Body.String(), "licenseIds") {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}
	// An empty non-nil slice means no customers.
	if w := call(t, New(Options{Customers: []Customer{}}), "GET", custURL, nil); w.Code != 200 || len(decodeCustomers(t, w)) != 0 {
		t.Errorf("empty registry: %d %s", w.Code, w.Body)
	}
}

// registry is the customers TestCustomerList filters: seven, shared
// externalIds and several statuses.
func registry() []Customer {
	return []Customer{
		{ID: "c1", ExternalID: "solo", OrgID: "org1"},                // provisioned by default
		{ID: "c2", ExternalID: "twin", Status: CustomerProvisioning}, // no orgId generated
		{ID: "c3", ExternalID: "twin", Status: CustomerProvisioned},  // the other twin
		{ID: "c4", ExternalID: "many", Status: CustomerError},
		{ID: "c5", ExternalID: "many", Status: CustomerPendingRPLReview},
		{ID: "c6", ExternalID: "many", Status: CustomerProvisioned},
		{ID: "c7", ExternalID: "Solo", Status: CustomerUpdating}, // externalIds are case-sensitive
	}
}

func TestCustomerList(t *testing.T) {
	cases := []struct {
		query string
		want  string // ids joined by ",", or "400"
		link  bool   // a Link rel="next"
	}{
		{"", "c1,c2,c3,c4,c5,c6,c7", false},                         // registration order
		{"?externalId=solo", "c1", false},                           // a unique externalId
		{"?externalId=Solo", "c7", false},                           // matched exactly, case included
		{"?externalId=twin", "c2,c3", false},                        // ambiguous: both, whatever their status
		{"?externalId=nobody", "", false},                           // no match: an empty list, not 404
		{"?externalId=", "c1,c2,c3,c4,c5,c6,c7", false},             // empty: no filter
		{"?orgId=org1", "c1", false},                                // by orgId
		{"?status=provisioned", "c1,c3,c6", false},                  // one status
		{"?status=error&status=pending_rpl_review", "c4,c5", false}, // repeated (the spec's style form, explode)
		{"?status=error,pending_rpl_review", "c4,c5", false},        // comma-separated, split too
		{"?status=", "c1,c2,c3,c4,c5,c6,c7", false},                 // empty: no filter
		{"?status=bogus", "", false},                                // an unknown status matches nothing (Prism accepts it)
		{"?externalId=many&status=provisioned", "c6", false},        // filters combine
		{"?max=2", "c1,c2", true},                                   // one page of two
		{"?max=7", "c1,c2,c3,c4,c5,c6,c7", false},                   // exactly full: no next page
		{"?max=3&offset=6", "c7", false},                            // the short last page
		{"?offset=99", "", false},                                   // past the end: empty
		{"?externalId=many&max=1&offset=1", "c5", true},             // paging within a filter
		{"?bogus=1", "c1,c2,c3,c4,c5,c6,c7", false},                 // unknown parameters are ignored, as elsewhere
		{"?max=0", "400", false},                                    // below 1
		{"?max=101", "400", false},                                  // above 100
		{"?max=ten", "400", false},                                  // not a number
		{"?offset=-1", "400", false},                                // negative
		{"?offset=x", "400", false},                                 // not a number
		{"?externalId=a&externalId=b", "400", false},                // strings in the spec: once at most
		{"?orgId=a&orgId=b", "400", false},
		{"?max=1&max=2", "400", false},
		{"?offset=1&offset=2", "400", false},
		{"?onBehalfOfSubPartnerOrgId=", "400", false}, // the shared check
		{"?externalId=%zz", "400", false},             // unparsable
	}
	s := New(Options{Customers: registry()})
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			w := call(t, s, "GET", custURL+c.query, nil)
			if c.want == "400" {
				if w.Code != 400 {
					t.Fatalf("status %d, want 400: %s", w.Code, w.Body)
				}
				decodeError(t, w)
				return
			}
			if w.Code != 200 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var ids []string
			for _, cu := range decodeCustomers(t, w) {
				ids = append(ids, cu.ID)
			}
			if got := strings.Join(ids, ","); got != c.want || (nextLink(t, w) != "") != c.link {
				t.Errorf("got %q Link %q, want %q link=%v", got, w.Header().Get("Link"), c.want, c.link)
			}
		})
	}
}

func TestCustomerPaging(t *testing.T) {
	var seed []Customer
	for i := range 250 {
		ext := "big"
		if i%5 == 0 {
			ext = "other"
		}
		seed = append(seed, Customer{ID: fmt.Sprintf("c%03d", i), ExternalID: ext})
	}
	s := New(Options{Customers: seed})
	// Following Link rel="next" reads every match once, in order, and keeps
	// the filter and onBehalfOf; without max the page holds 100.
	target := custURL + "?externalId=big&onBehalfOfSubPartnerOrgId=org"
	var pages []int
	var ids []string
	for target != "" {
		w := call(t, s, "GET", target, nil)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		items := decodeCustomers(t, w)
		pages = append(pages, len(items))
		for _, c := range items {
			ids = append(ids, c.ID)
		}
		if target = nextLink(t, w); target != "" {
			u, err := url.Parse(target)
			if err != nil || u.Path != custURL || u.Query().Get("externalId") != "big" || u.Query().Get("onBehalfOfSubPartnerOrgId") != "org" {
				t.Fatalf("Link %q lost the path or the query", target)
			}
			target = u.RequestURI()
		}
	}
	if !slices.Equal(pages, []int{100, 100}) || len(ids) != 200 || ids[0] != "c001" || ids[199] != "c249" || slices.Contains(ids, "c005") {
		t.Errorf("pages %v, %d ids (%v...)", pages, len(ids), ids[:3])
	}
	// Offset paging without Link (as a client that ignores it) gives the
	// same: max=100 pages until one is short.
	var byOffset []string
	for off := 0; ; off += 100 {
		w := call(t, s, "GET", fmt.Sprintf("%s?externalId=big&max=100&offset=%d", custURL, off), nil)
		items := decodeCustomers(t, w)
		for _, c := range items {
			byOffset = append(byOffset, c.ID)
		}
		if len(items) < 100 {
			break
		}
	}
	if !slices.Equal(byOffset, ids) {
		t.Errorf("offset paging found %d, Link paging %d", len(byOffset), len(ids))
	}
	// Repeated status values survive in the Link.
	w := call(t, s, "GET", custURL+"?status=provisioned&status=error&max=10", nil)
	if u, _ := url.Parse(nextLink(t, w)); u == nil || !slices.Equal(u.Query()["status"], []string{"provisioned", "error"}) {
		t.Errorf("Link %q", w.Header().Get("Link"))
	}
}

func TestGetCustomer(t *testing.T) {
	def := DefaultCustomers()
	acme := def[0]
	cases := []struct {
		name, target string
		want         int
		licenses     bool
	}{
		{"registered", "/" + acme.ID, 200, false},
		{"with licenses", "/" + acme.ID + "?includePackageLicenseInfo=true", 200, true},
		{"without licenses", "/" + acme.ID + "?includePackageLicenseInfo=false", 200, false},
		{"empty flag", "/" + acme.ID + "?includePackageLicenseInfo=", 200, false}, // Prism takes it as absent
		{"onBehalfOf", "/" + acme.ID + "?onBehalfOfSubPartnerOrgId=org", 200, false},
		{"flag not boolean", "/" + acme.ID + "?includePackageLicenseInfo=yes", 400, false},
		{"flag upper case", "/" + acme.ID + "?includePackageLicenseInfo=TRUE", 400, false}, // Prism refuses it too
		{"flag twice", "/" + acme.ID + "?includePackageLicenseInfo=true&includePackageLicenseInfo=true", 400, false},
		{"unknown", "/nope", 404, false},
		{"bad flag of an unknown one", "/nope?includePackageLicenseInfo=x", 400, false}, // the query first
		{"a subscriber's customerId is not registered", "/cust-1", 404, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{})
			w := call(t, s, "GET", custURL+c.target, nil)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
			}
			if c.want != 200 {
				if e := decodeError(t, w); c.want == 404 && (e.Message != "Customer not found" || errorCode(t, w) != codeNoCustomer) {
					t.Errorf("404 body %s", w.Body)
				}
				return
			}
			var got Customer
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.ID != acme.ID || got.ExternalID != "acme-001" || got.OrgID != acme.OrgID || got.Status != CustomerProvisioned {
				t.Errorf("got %+v", got)
			}
			if has := strings.Contains(w.Body.String(), `"licenseIds":[`); has != c.licenses {
				t.Errorf("licenseIds shown=%v, want %v: %s", has, c.licenses, w.Body)
			}
			if st := s.Stats(); st.CustomerGets != 1 || st.CustomerLists != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestAddCustomer(t *testing.T) {
	s := New(Options{Customers: []Customer{}})
	s.AddCustomer(Customer{ExternalID: "a"})                                   // all generated
	s.AddCustomer(Customer{ExternalID: "b", Status: CustomerPendingRPLReview}) // no orgId
	s.AddCustomer(Customer{ID: "fixed", ExternalID: "c", Packages: []string{"webex_calling"}})
	s.AddCustomer(Customer{ID: "fixed", ExternalID: "c2", Status: CustomerDeleting}) // replaces, in place
	got := s.Customers()
	if !slices.Equal(labels(got), []string{"a/provisioned", "b/pending_rpl_review", "c2/deleting"}) {
		t.Fatalf("registry %v", labels(got))
	}
	if got[0].ID == "" || got[0].OrgID == "" || got[1].ID == "" || got[1].ID == got[0].ID || got[1].OrgID != "" ||
		got[2].ID != "fixed" || got[2].OrgID != "" || got[2].Packages != nil {
		t.Errorf("filled in wrongly: %+v", got)
	}
	// Snapshots and seeds are copies.
	seed := []Customer{{ID: "x", Packages: []string{"webex_calling"}, Address: &Address{City: "Oslo"}}}
	s = New(Options{Customers: seed})
	seed[0].Packages[0], seed[0].Address.City = "changed", "changed"
	snap := s.Customers()
	snap[0].Packages[0] = "changed"
	if c := s.Customers()[0]; c.Packages[0] != "webex_calling" || c.Address.City != "Oslo" {
		t.Errorf("the registry aliases a caller's slice: %+v", c)
	}
}

func TestCustomerStats(t *testing.T) {
	s := New(Options{})
	for _, q := range []string{"?externalId=acme-001", "?externalId=initech-003&max=100", "?externalId=acme-001", "", "?externalId=x&max=0", "?status=provisioned"} {
		call(t, s, "GET", custURL+q, nil)
	}
	call(t, s, "GET", custURL+"/nope", nil)
	call(t, s, "POST", custURL, nil) // 405: not routed to an operation
	st := s.Stats()
	want := map[string]int{"acme-001": 2, "initech-003": 1, "x": 1} // refusals count too
	if st.CustomerLists != 6 || st.CustomerGets != 1 || !maps.Equal(st.CustomerListsByExternalID, want) || st.Lists != 0 {
		t.Errorf("CustomerLists %d CustomerGets %d ByExternalID %v", st.CustomerLists, st.CustomerGets, st.CustomerListsByExternalID)
	}
	st.CustomerListsByExternalID["acme-001"] = 99
	if s.Stats().CustomerListsByExternalID["acme-001"] != 2 {
		t.Error("Stats aliases the live map")
	}
}

func TestCustomerTags(t *testing.T) {
	cases := []struct {
		name, externalID string
		get              bool // GET by id of a customer with that externalId, rather than the list
		want             []int
	}{
		{"e500 list", "acme+e500", false, []int{500, 500}},
		{"flaky list", "acme+flaky", false, []int{503, 503, 200}},
		{"throttle list", "acme+throttle", false, []int{429, 200}},
		{"locked list", "acme+locked", false, []int{423, 200}},
		{"html list", "acme+html", false, []int{502, 200}},
		{"forbidden list", "acme+forbidden", false, []int{403, 403}},
		{"combined", "acme+throttle+flaky", false, []int{429, 503, 503, 200}},
		{"plain plus", "acme+work", false, []int{200, 200}}, // unknown words are aliases
		{"e500 get", "acme+e500", true, []int{500}},
		{"flaky get", "acme+flaky", true, []int{503, 503, 200}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{Customers: []Customer{{ID: "tagged", ExternalID: c.externalID}}})
			target := custURL + "?externalId=" + url.QueryEscape(c.externalID)
			if c.get {
				target = custURL + "/tagged"
			}
			var got []int
			for range c.want {
				w := call(t, s, "GET", target, nil)
				got = append(got, w.Code)
				if w.Code == 200 && !c.get && len(decodeCustomers(t, w)) != 1 {
					t.Errorf("the tagged customer was not found: %s", w.Body)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("statuses %v, want %v", got, c.want)
			}
		})
	}
	// An externalId's counts are its own: an email spelled the same still
	// meets its first +throttle.
	s := New(Options{})
	if w := call(t, s, "GET", custURL+"?externalId="+url.QueryEscape("a+throttle@acme.com"), nil); w.Code != 429 {
		t.Fatalf("list: %d", w.Code)
	}
	if w := call(t, s, "POST", validateURL, precheckBody("a+throttle@acme.com")); w.Code != 429 {
		t.Errorf("precheck after the list: %d, want its own 429", w.Code)
	}
}

func TestCustomerWeather(t *testing.T) {
	// FailureRate and RateLimit reach the customer routes as any other.
	s := New(Options{FailureRate: 1})
	if w := call(t, s, "GET", custURL+"?externalId=acme-001", nil); w.Code != 503 || w.Body.Len() != 0 {
		t.Errorf("FailureRate 1: %d %q", w.Code, w.Body)
	}
	if st := s.Stats(); st.Injected503 != 1 || st.CustomerLists != 0 || len(st.CustomerListsByExternalID) != 0 {
		t.Errorf("an injected 503 is not routed: %+v", st)
	}
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 1})
		var got []int
		for range 2 {
			got = append(got, call(t, s, "GET", custURL+"/"+DefaultCustomers()[0].ID, nil).Code)
		}
		time.Sleep(time.Second)
		got = append(got, call(t, s, "GET", custURL+"?externalId=acme-001", nil).Code)
		if !slices.Equal(got, []int{200, 429, 200}) {
			t.Errorf("RateLimit 1: %v", got)
		}
	})
}

func TestProvisionKnowsRegisteredCustomers(t *testing.T) {
	acme := DefaultCustomers()[0]
	cases := []struct {
		customerID, want string
		status           int
	}{
		{acme.ID, "acme-001", 200},                    // registered: its externalId
		{"cust-1", "ext-cust-1", 200},                 // not registered: works as before
		{"unknown-1", "", 404},                        // still refused
		{DefaultCustomers()[1].ID, "globex-002", 200}, // a provisioning customer is not refused either
	}
	for _, c := range cases {
		t.Run(c.customerID, func(t *testing.T) {
			s := New(Options{})
			body := provisionBody("ada@acme.com")
			body["customerId"] = c.customerID
			if w := call(t, s, "POST", validateURL, precheckBody("ada@acme.com")); w.Code != 200 {
				t.Fatalf("precheck %d", w.Code)
			}
			w := call(t, s, "POST", subsURL, body)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
			}
			if c.status == 200 {
				if got := decodeSub(t, w).ExternalCustomerID; got != c.want {
					t.Errorf("externalCustomerId %q, want %q", got, c.want)
				}
			}
		})
	}
}
