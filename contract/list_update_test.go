//go:build contract

package contract

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// examplePackage is the package of the spec's example subscriber, which
// Prism answers to every PUT: the client counts a PUT done only when the
// answer holds the package asked for, so the contract asks for this one.
const examplePackage = "webex_calling"

// listFilters are the filters the tool sends to GET /wholesale/subscribers
// (ListSubscribers), each as the query it must put on the wire (with max=100).
var listFilters = []struct {
	name   string
	filter webex.SubscriberFilter
	query  url.Values
}{
	{"customer", webex.SubscriberFilter{CustomerID: "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1"},
		url.Values{"customerId": {"Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1"}}},
	{"customer and status", webex.SubscriberFilter{CustomerID: "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1", Status: "pending_user_migration"},
		url.Values{"customerId": {"Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1"}, "status": {"pending_user_migration"}}},
	// The look-ups by the page (tasks.Directory): a probe far into a
	// customer's list, then the list itself (the "customer" filter).
	{"customer at an offset", webex.SubscriberFilter{CustomerID: "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1", Offset: 2900},
		url.Values{"customerId": {"Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1"}, "offset": {"2900"}}},
	{"external customer", webex.SubscriberFilter{ExternalCustomerID: "c1677a16"}, url.Values{"externalCustomerId": {"c1677a16"}}},
	{"external customer at an offset", webex.SubscriberFilter{ExternalCustomerID: "c1677a16", Offset: 100},
		url.Values{"externalCustomerId": {"c1677a16"}, "offset": {"100"}}},
	{"email", webex.SubscriberFilter{Email: exampleEmail}, url.Values{"email": {exampleEmail}}},
	{"every filter", webex.SubscriberFilter{CustomerID: "Y2lz", ExternalCustomerID: "c1677a16", Email: exampleEmail, PersonID: "Y2lzUEVPUExF",
		Status: "provisioned", After: "1579046400245", LastStatusChange: "2021-08-06T02:05:41.791Z"},
		url.Values{"customerId": {"Y2lz"}, "externalCustomerId": {"c1677a16"}, "email": {exampleEmail}, "personId": {"Y2lzUEVPUExF"},
			"status": {"provisioned"}, "after": {"1579046400245"}, "lastStatusChange": {"2021-08-06T02:05:41.791Z"}}},
}

// clientListCall is one of the client's list and update calls, run
// against a base URL; want is what it must put on the wire.
type clientListCall struct {
	name                string
	method, path, query string // path with "{id}" for the subscriber id
	body                string // the exact request body, "" for none
	do                  func(ctx context.Context, c *webex.Client, id string) (webex.CallInfo, error)
}

func clientListCalls(obo string) []clientListCall {
	var calls []clientListCall
	for _, lf := range listFilters {
		q := url.Values{"max": {"100"}}
		for k, v := range lf.query {
			q[k] = v
		}
		calls = append(calls, clientListCall{name: "ListSubscribers " + lf.name, method: "GET", path: pathCreate, query: q.Encode(),
			do: func(ctx context.Context, c *webex.Client, _ string) (webex.CallInfo, error) {
				n := 0
				info, err := c.ListSubscribers(ctx, lf.filter, webex.Each(func(webex.Subscriber) error { n++; return nil }))
				if err == nil && n == 0 {
					err = errors.New("listed nothing")
				}
				return info, err
			}})
	}
	calls = append(calls,
		clientListCall{name: "ListCustomers all", method: "GET", path: pathCustomers, query: "max=100",
			do: func(ctx context.Context, c *webex.Client, _ string) (webex.CallInfo, error) {
				return c.ListCustomers(ctx, webex.CustomerFilter{}, func(webex.Page[webex.Customer]) error { return nil })
			}},
		clientListCall{name: "ListCustomers filtered", method: "GET", path: pathCustomers,
			query: url.Values{"externalId": {"c1677a16"}, "orgId": {"Y2lz"}, "status": {"provisioned", "provisioned_with_errors"}, "max": {"100"}}.Encode(),
			do: func(ctx context.Context, c *webex.Client, _ string) (webex.CallInfo, error) {
				return c.ListCustomers(ctx, webex.CustomerFilter{ExternalID: "c1677a16", OrgID: "Y2lz", Status: []string{"provisioned", "provisioned_with_errors"}},
					func(webex.Page[webex.Customer]) error { return nil })
			}},
		clientListCall{name: "UpdateSubscriber", method: "PUT", path: pathCreate + "/{id}", body: `{"packages":["` + examplePackage + `"]}`,
			do: func(ctx context.Context, c *webex.Client, id string) (webex.CallInfo, error) {
				_, info, err := c.UpdateSubscriber(ctx, id, webex.UpdateRequest{Package: examplePackage}, nil)
				return info, err
			}},
		clientListCall{name: "UpdateSubscriber with calling details", method: "PUT", path: pathCreate + "/{id}",
			body: `{"packages":["` + examplePackage + `"],"provisioningParameters":{"primaryPhoneNumber":"+12405551212","extension":"5221","locationId":"Y2lzTE9D"}}`,
			do: func(ctx context.Context, c *webex.Client, id string) (webex.CallInfo, error) {
				_, info, err := c.UpdateSubscriber(ctx, id, webex.UpdateRequest{Package: examplePackage,
					ProvisioningParameters: &webex.UpdateParameters{PrimaryPhoneNumber: "+12405551212", Extension: "5221", LocationID: "Y2lzTE9D"}}, nil)
				return info, err
			}},
	)
	for i := range calls {
		if obo != "" {
			q, _ := url.ParseQuery(calls[i].query)
			q.Set("onBehalfOfSubPartnerOrgId", obo)
			calls[i].query = q.Encode()
		}
	}
	return calls
}

// TestClientListAndUpdateMatchContract sends the client's list calls
// (ListSubscribers with every filter the tool sends, ListCustomers) and
// UpdateSubscriber (PUT /wholesale/subscribers/{id}), with and without
// onBehalfOfSubPartnerOrgId, to Prism: no request violation, the
// documented 200 at once (the examples are one short page), and on the
// wire exactly the method, path, query and body the spec describes.
func TestClientListAndUpdateMatchContract(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	id := exampleSubscriberID(t)
	for _, obo := range []string{"", onBehalfOf} {
		for _, lc := range clientListCalls(obo) {
			t.Run(lc.name+map[bool]string{true: " onBehalfOf"}[obo != ""], func(t *testing.T) {
				client, wire := recordingClient(t, baseURL, obo)
				info, err := lc.do(context.Background(), client, id)
				if report := violationReport(violations()); report != nil {
					t.Errorf("%s %s: %v", lc.method, lc.path, report)
				}
				if err != nil || info.Status != 200 || info.Attempts != 1 {
					t.Fatalf("Prism's answer: status %d after %d attempts, %v; want 200 at once", info.Status, info.Attempts, err)
				}
				reqs := wire()
				if len(reqs) != 1 {
					t.Fatalf("%d requests, want 1", len(reqs))
				}
				got := reqs[0]
				wantPath := strings.ReplaceAll(lc.path, "{id}", id)
				if got.method != lc.method || got.path != wantPath || !sameQuery(got.query, lc.query) || string(got.body) != lc.body {
					t.Errorf("sent %s %s?%s %s\nwant %s %s?%s %s", got.method, got.path, got.query, got.body, lc.method, wantPath, lc.query, lc.body)
				}
				if wantCT := map[bool]string{true: "application/json"}[lc.body != ""]; got.contentType != wantCT {
					t.Errorf("Content-Type %q, want %q", got.contentType, wantCT)
				}
			})
		}
	}
}

// TestFakeAgreesWithPrismOnListAndUpdate: a fake seeded with the spec's
// example subscriber (provisioned, webex_calling) and example customer
// answers the same calls as Prism does (status, success), and its PUT
// answer is the spec's example subscriber, value for value.
func TestFakeAgreesWithPrismOnListAndUpdate(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	id := exampleSubscriberID(t)
	example := specPutExample(t)
	var seed fakeapi.Subscriber
	if err := json.Unmarshal(example, &seed); err != nil {
		t.Fatal(err)
	}
	listRaw, _ := specCustomerExamples(t)
	customer := asCustomer(t, listRaw)
	newFake := func(t *testing.T) string {
		s := fakeapi.New(fakeapi.Options{Token: contractToken, Customers: []fakeapi.Customer{customer}})
		s.AddSubscriber(seed)
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		return srv.URL + "/v1"
	}
	// The calls whose filters the examples meet: to the others Prism
	// answers its example regardless, the fake (rightly) nothing.
	comparable := map[string]bool{"ListSubscribers email": true, "ListCustomers all": true,
		"UpdateSubscriber": true, "UpdateSubscriber with calling details": true}
	for _, lc := range clientListCalls(onBehalfOf) {
		if !comparable[lc.name] {
			continue
		}
		t.Run(lc.name, func(t *testing.T) {
			pc, _ := recordingClient(t, baseURL, onBehalfOf)
			pInfo, pErr := lc.do(context.Background(), pc, id)
			if report := violationReport(violations()); report != nil {
				t.Errorf("Prism: %v", report)
			}
			fc, _ := recordingClient(t, newFake(t), onBehalfOf)
			fInfo, fErr := lc.do(context.Background(), fc, id)
			if pErr != nil || fErr != nil || pInfo.Status != fInfo.Status {
				t.Errorf("DISAGREEMENT: Prism %d (%v), fake %d (%v)", pInfo.Status, pErr, fInfo.Status, fErr)
			}
		})
	}
	t.Run("PUT body is the spec's example", func(t *testing.T) {
		req, _ := http.NewRequest("PUT", newFake(t)+pathCreate+"/"+id, strings.NewReader(`{"packages":["`+examplePackage+`"]}`))
		req.Header.Set("Authorization", "Bearer "+contractToken)
		req.Header.Set("Content-Type", jsonCT)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !sameJSON(t, body, example) || resp.Header.Get("Location") == "" {
			t.Errorf("fake: %d (Location %q) %s\nwant 200 %s", resp.StatusCode, resp.Header.Get("Location"), body, example)
		}
	})
	t.Run("paged by Link, 100 a page", func(t *testing.T) {
		s := fakeapi.New(fakeapi.Options{Token: contractToken, Bulk: []fakeapi.Bulk{{CustomerID: "big", N: 250}}})
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		c, wire := recordingClient(t, srv.URL+"/v1", "")
		n := 0
		if _, err := c.ListSubscribers(context.Background(), webex.SubscriberFilter{CustomerID: "big", Status: "provisioned"},
			webex.Each(func(webex.Subscriber) error { n++; return nil })); err != nil || n != 250 {
			t.Fatalf("%d listed, %v", n, err)
		}
		reqs := wire()
		if len(reqs) != 3 {
			t.Fatalf("%d requests, want 3", len(reqs))
		}
		for i, r := range reqs {
			q, _ := url.ParseQuery(r.query)
			if q.Get("max") != "100" || q.Get("customerId") != "big" || q.Get("status") != "provisioned" || (i > 0 && q.Get("offset") != []string{"", "100", "200"}[i]) {
				t.Errorf("page %d asked %s", i, r.query)
			}
		}
	})
}

// specPutExample is the spec's example answer of PUT
// /wholesale/subscribers/{subscriberId}, raw.
func specPutExample(t *testing.T) json.RawMessage {
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
		t.Fatal(err)
	}
	ex := doc.Paths[pathCreate+"/{subscriberId}"]["put"].Responses["200"].Content["application/json"].Example
	if len(ex) == 0 {
		t.Fatal("spec: no example in PUT 200")
	}
	return ex
}

// updateVerdictCases and listVerdictCases join the verdict table
// (prism_verdicts_test.go): what Prism says of PUT bodies and of the list
// queries the tool sends, replayed against the fake by TestFakeAgreesWithPrism.
func updateVerdictCases() []verdictCase {
	u := func(name, body, want string, status int) verdictCase {
		return verdictCase{name: "update/" + name, method: "PUT", path: pathCreate + "/abc123", body: body, contentType: jsonCT, wantViolation: want, wantStatus: status}
	}
	rule := func(vc verdictCase, r string) verdictCase { vc.specProse = r; vc.fake = fakeRule; return vc }
	cases := []verdictCase{
		u("packages", `{"packages":["webex_suite"]}`, "", 200),
		u("with provisioningParameters", `{"packages":["webex_calling"],"provisioningParameters":{"primaryPhoneNumber":"+12405551212","extension":"5221","locationId":"Y2lz"}}`, "", 200),
		u("deprecated package", `{"package":"webex_meetings"}`, "", 200),
		u("deprecated package takes cx_premium_agent", `{"package":"cx_premium_agent"}`, "", 200),
		u("packages bad item", `{"packages":["webex_gold"]}`, "request.body.packages.0 Request body property packages.0 must be equal to one of the allowed values", 400),
		u("package not in enum", `{"package":"webex_gold"}`, "request.body.package Request body property package must be equal to one of the allowed values", 400),
		u("packages as string", `{"packages":"webex_suite"}`, "request.body.packages Request body property packages must be array", 400),
		u("extension number", `{"packages":["webex_calling"],"provisioningParameters":{"extension":5221}}`, "request.body.provisioningParameters.extension Request body property provisioningParameters.extension must be string", 400),
		u("provisioningParameters as string", `{"packages":["webex_calling"],"provisioningParameters":"x"}`, "request.body.provisioningParameters Request body property provisioningParameters must be object", 400),
		u("body is array", `[]`, "request.body Request body must be object", 400),
		rule(u("package and packages", `{"package":"webex_suite","packages":["webex_suite"]}`, "", 200), "either packages or package, not both"),
		rule(u("two packages", `{"packages":["webex_suite","webex_calling"]}`, "", 200), "packages: currently accepts only one package in the list"),
		rule(u("packages empty", `{"packages":[]}`, "", 200), "packages: currently accepts only one package in the list"),
		rule(u("no package", `{"provisioningParameters":{"extension":"5221"}}`, "", 200), "either packages or package field is required"),
		rule(u("attendant_console alone", `{"packages":["attendant_console"]}`, "", 200), "attendant_console is dependent on webex_calling, webex_suite or cx_essentials"),
		rule(u("package attendant_console alone", `{"package":"attendant_console"}`, "", 200), "attendant_console is dependent on webex_calling, webex_suite or cx_essentials"),
		{name: "update/text/plain", method: "PUT", path: pathCreate + "/abc123", body: `{"packages":["webex_suite"]}`, contentType: "text/plain",
			wantViolation: "request Supported content types: application/json", wantStatus: 415},
		{name: "update/onBehalfOf", method: "PUT", path: pathCreate + "/abc123?onBehalfOfSubPartnerOrgId=Y2lz", body: `{"packages":["webex_suite"]}`, contentType: jsonCT, wantStatus: 200},
		{name: "update/unknown field", method: "PUT", path: pathCreate + "/abc123", body: `{"packages":["webex_suite"],"email":"x@y.com"}`, contentType: jsonCT, wantStatus: 200,
			specProse: "no additionalProperties:false in the schema; unknown fields pass"},
		{name: "update/empty body", method: "PUT", path: pathCreate + "/abc123", contentType: jsonCT, wantStatus: 200, fake: fakeStricter,
			specProse: "requestBody is not marked required", fakeNote: "the fake refuses an empty body (400 malformed JSON): a PUT without a package changes nothing"},
	}
	return cases
}

func listVerdictCases() []verdictCase {
	stricter := func(vc verdictCase, why string) verdictCase { vc.fake = fakeStricter; vc.fakeNote = why; return vc }
	return []verdictCase{
		{name: "list/customerId status max offset", method: "GET", path: pathCreate + "?customerId=Y2lz&status=provisioned&max=100&offset=100", wantStatus: 200},
		{name: "list/every filter the tool sends", method: "GET", path: pathCreate + "?customerId=Y2lz&externalCustomerId=c1677a16&email=a%40b.com&personId=Y2lzUA&status=pending_user_migration" +
			"&after=1579046400245&lastStatusChange=2021-08-06T02%3A05%3A41.791Z&max=100&offset=0&onBehalfOfSubPartnerOrgId=Y2lz", wantStatus: 200},
		{name: "list/after ISO date", method: "GET", path: pathCreate + "?after=2021-08-06", wantStatus: 200},
		stricter(verdictCase{name: "list/max=101", method: "GET", path: pathCreate + "?max=101", wantStatus: 200},
			"the spec says up to 100 per page but sets no maximum; the fake refuses more"),
		stricter(verdictCase{name: "list/max=0", method: "GET", path: pathCreate + "?max=0", wantStatus: 200},
			"the fake holds max to 1..100"),
		stricter(verdictCase{name: "list/after not a moment", method: "GET", path: pathCreate + "?after=yesterday", wantStatus: 200},
			"after is a string in the spec (epoch milliseconds or ISO 8601 in its prose); the fake refuses anything else"),
		{name: "customers/every filter the tool sends", method: "GET", path: pathCustomers + "?externalId=c1677a16&orgId=Y2lz&status=provisioned&status=error&max=100&offset=100&onBehalfOfSubPartnerOrgId=Y2lz", wantStatus: 200},
	}
}
