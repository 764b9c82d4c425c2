//go:build contract

package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// specCustomerExamples returns, raw, the spec's example customer of GET
// /wholesale/customers (the list's one item) and of GET
// /wholesale/customers/{customerId}, which Prism answers for every request.
func specCustomerExamples(t *testing.T) (list, one json.RawMessage) {
	t.Helper()
	spec, err := findSpec()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Example json.RawMessage `json:"example"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("spec: %v", err)
	}
	example := func(path string) json.RawMessage {
		ex := doc.Paths[path]["get"].Responses["200"].Content["application/json"].Example
		if len(ex) == 0 {
			t.Fatalf("spec: no example in GET %s 200", path)
		}
		return ex
	}
	var items struct{ Items []json.RawMessage }
	if err := json.Unmarshal(example(pathCustomers), &items); err != nil || len(items.Items) != 1 {
		t.Fatalf("spec: the customer list example is not one item: %v", err)
	}
	return items.Items[0], example(pathCustomers + "/{customerId}")
}

// asCustomer decodes a spec example into fakeapi.Customer, refusing any
// member the type lacks, so the fake can answer the example's whole shape.
func asCustomer(t *testing.T, raw json.RawMessage) fakeapi.Customer {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c fakeapi.Customer
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("fakeapi.Customer cannot hold the spec's example: %v", err)
	}
	return c
}

// sameJSON compares two JSON texts as values.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

// findCustomersCases are the ways a sub-partner reaches FindCustomers: none,
// the call's own, and the client's Config.OnBehalfOf.
var findCustomersCases = []struct {
	name, config, arg string
}{
	{"without a sub-partner", "", ""},
	{"with a sub-partner", "", onBehalfOf},
	{"with the client's sub-partner", onBehalfOf, ""},
}

// TestClientFindCustomersMatchesContract sends the real webex client's
// FindCustomers, with and without a sub-partner, to Prism: no request
// violation, 200 at once, the example customer found by its externalId, and
// on the wire exactly GET /wholesale/customers?externalId=...&max=100 (plus
// onBehalfOfSubPartnerOrgId), with no body.
func TestClientFindCustomersMatchesContract(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	listRaw, _ := specCustomerExamples(t)
	example := asCustomer(t, listRaw)
	for _, fc := range findCustomersCases {
		t.Run(fc.name, func(t *testing.T) {
			client, wire := recordingClient(t, baseURL, fc.config)
			found, info, err := client.FindCustomers(context.Background(), example.ExternalID, fc.arg)
			if report := violationReport(violations()); report != nil {
				t.Errorf("GET %s: %v", pathCustomers, report)
			}
			if err != nil {
				t.Fatalf("Prism's answer: %v (status %d)", err, info.Status)
			}
			if info.Status != 200 || info.Attempts != 1 {
				t.Errorf("status %d after %d attempt(s), want 200 at once", info.Status, info.Attempts)
			}
			want := webex.Customer{ID: example.ID, OrgID: example.OrgID, ExternalID: example.ExternalID, Status: example.Status}
			if !slices.Equal(found, []webex.Customer{want}) {
				t.Errorf("found %+v, want the example %+v", found, want)
			}
			reqs := wire()
			if len(reqs) != 1 {
				t.Fatalf("%d requests on the wire, want 1 (the example is one short page): %+v", len(reqs), reqs)
			}
			got := reqs[0]
			wantQuery := url.Values{"externalId": {example.ExternalID}, "max": {"100"}}
			if obo := fc.arg + fc.config; obo != "" {
				wantQuery.Set("onBehalfOfSubPartnerOrgId", obo)
			}
			if got.method != "GET" || got.path != pathCustomers || !sameQuery(got.query, wantQuery.Encode()) {
				t.Errorf("sent %s %s?%s, want GET %s?%s", got.method, got.path, got.query, pathCustomers, wantQuery.Encode())
			}
			if len(got.body) != 0 || got.contentType != "" || got.auth != "Bearer "+contractToken {
				t.Errorf("sent body %q, Content-Type %q, Authorization %q", got.body, got.contentType, got.auth)
			}
			t.Logf("GET %s?%s: Prism answered %d, no request violation", got.path, got.query, info.Status)
		})
	}
}

// TestFakeAgreesWithPrismOnCustomerCalls: a fake seeded with the spec's
// example customer answers FindCustomers as Prism does (status and
// customers found, with and without a sub-partner), and its list and GET
// bodies are the spec's examples, value for value. The statuses of good and
// bad queries are in the verdict table (customers/...), which
// TestFakeAgreesWithPrism replays against both.
func TestFakeAgreesWithPrismOnCustomerCalls(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	listRaw, oneRaw := specCustomerExamples(t)
	listed, one := asCustomer(t, listRaw), asCustomer(t, oneRaw)
	if listed.ID != one.ID {
		t.Fatalf("the spec's two examples name different customers: %s, %s", listed.ID, one.ID)
	}
	fakeURL := func(t *testing.T, c fakeapi.Customer) string {
		srv := httptest.NewServer(fakeapi.New(fakeapi.Options{Token: contractToken, Customers: []fakeapi.Customer{c}}))
		t.Cleanup(srv.Close)
		return srv.URL + "/v1"
	}

	for _, fc := range findCustomersCases {
		t.Run("FindCustomers "+fc.name, func(t *testing.T) {
			pc, _ := recordingClient(t, baseURL, fc.config)
			pFound, pInfo, pErr := pc.FindCustomers(context.Background(), listed.ExternalID, fc.arg)
			if report := violationReport(violations()); report != nil {
				t.Errorf("Prism: %v", report)
			}
			fcl, _ := recordingClient(t, fakeURL(t, listed), fc.config)
			fFound, fInfo, fErr := fcl.FindCustomers(context.Background(), listed.ExternalID, fc.arg)
			if pErr != nil || fErr != nil || pInfo.Status != fInfo.Status || !slices.Equal(pFound, fFound) || len(fFound) != 1 {
				t.Errorf("DISAGREEMENT: Prism %d %+v (%v), fake %d %+v (%v)", pInfo.Status, pFound, pErr, fInfo.Status, fFound, fErr)
			}
		})
	}

	client := &http.Client{Timeout: 10 * time.Second}
	get := func(t *testing.T, target string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest("GET", target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+contractToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.Bytes()
	}
	withoutLicenses := func(c fakeapi.Customer) []byte {
		if c.ResourceDetails != nil {
			rd := *c.ResourceDetails
			rd.Packages = slices.Clone(rd.Packages)
			for i := range rd.Packages {
				rd.Packages[i].LicenseIDs = nil
			}
			c.ResourceDetails = &rd
		}
		b, _ := json.Marshal(c)
		return b
	}
	bodies := []struct {
		name, query string
		seed        fakeapi.Customer
		want        []byte // the fake's body
	}{
		{"list", "?externalId=" + url.QueryEscape(listed.ExternalID), listed, []byte(`{"items":[` + string(listRaw) + `]}`)},
		{"one with licenses", "/" + one.ID + "?includePackageLicenseInfo=true", one, oneRaw},
		{"one without licenses", "/" + one.ID, one, withoutLicenses(one)},
	}
	for _, b := range bodies {
		t.Run("body "+b.name, func(t *testing.T) {
			pStatus, _ := get(t, baseURL+pathCustomers+b.query)
			if report := violationReport(violations()); report != nil {
				t.Errorf("Prism: %v", report)
			}
			fStatus, fBody := get(t, fakeURL(t, b.seed)+pathCustomers+b.query)
			if pStatus != 200 || fStatus != 200 {
				t.Fatalf("Prism %d, fake %d %s", pStatus, fStatus, fBody)
			}
			if !sameJSON(t, fBody, b.want) {
				t.Errorf("the fake's body differs from the spec's example:\nfake %s\nwant %s", fBody, b.want)
			}
		})
	}
}

// TestClientFindCustomersAgainstFake: the real client against the fake's
// default (sandbox) customers and its paging. No Prism: it shows the fake
// gives the client what the Prism tests cannot (an ambiguous externalId,
// more than one page, one request per page) and what Stats counts.
func TestClientFindCustomersAgainstFake(t *testing.T) {
	var seed []fakeapi.Customer
	for i := range 150 {
		seed = append(seed, fakeapi.Customer{ID: fmt.Sprintf("big-%03d", i), ExternalID: "big"})
	}
	cases := []struct {
		name       string
		customers  []fakeapi.Customer // nil: the defaults
		externalID string
		found      int
		requests   int
	}{
		{"unique", nil, "acme-001", 1, 1},
		{"ambiguous", nil, "initech-003", 2, 1},
		{"not provisioned yet", nil, "globex-002", 1, 1},
		{"none", nil, "nobody", 0, 1},
		{"two pages", seed, "big", 150, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := fakeapi.New(fakeapi.Options{Token: contractToken, Customers: c.customers})
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			client, wire := recordingClient(t, srv.URL+"/v1", "")
			found, info, err := client.FindCustomers(context.Background(), c.externalID, onBehalfOf)
			if err != nil || info.Status != 200 || len(found) != c.found {
				t.Fatalf("found %d (%v), status %d, err %v; want %d", len(found), found, info.Status, err, c.found)
			}
			reqs := wire()
			st := s.Stats()
			if len(reqs) != c.requests || st.CustomerLists != c.requests || st.CustomerListsByExternalID[c.externalID] != c.requests {
				t.Errorf("%d requests, Stats %d lists %v; want %d", len(reqs), st.CustomerLists, st.CustomerListsByExternalID, c.requests)
			}
			for _, r := range reqs {
				if q, _ := url.ParseQuery(r.query); q.Get("onBehalfOfSubPartnerOrgId") != onBehalfOf || len(q["onBehalfOfSubPartnerOrgId"]) != 1 {
					t.Errorf("page request %s?%s lost or repeated the sub-partner", r.path, r.query)
				}
			}
		})
	}
}
