//go:build contract

package contract

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// verdictCase is one request and what Prism 5.16.0 (serving the official
// spec) says about it. TestFakeAgreesWithPrism replays the same table against
// our own fake (fakeapi): where specProse is set, the rule lives only in the
// spec's prose and Prism lets the request through; fake says what the fake
// does with it.
type verdictCase struct {
	name        string
	method      string
	path        string // with query
	body        string // "" = no body
	contentType string // "" = no Content-Type header
	header      map[string]string

	wantViolation string // substring of the violation; "" = Prism must log none
	wantStatus    int
	specProse     string // a rule Prism can't check (prose only in the spec)

	fake     fakeExpect // what our fake does compared with Prism
	fakeNote string     // why, for fakeStricter
}

// fakeExpect is how the fake's verdict on a case relates to Prism's.
type fakeExpect int

const (
	// fakeSame: the fake accepts or rejects exactly when Prism does (every
	// schema-level case; unknown fields, which neither checks, included).
	fakeSame fakeExpect = iota
	// fakeRule: Prism accepts, the fake rejects by a rule of the spec's prose
	// (*fakeapi.FieldError with Rule=true); the schema alone accepts it.
	fakeRule
	// fakeStricter: a deliberate, documented difference outside the body
	// schema (fakeNote says which).
	fakeStricter
)

const (
	pathValidate = "/wholesale/subscribers/validate"
	pathCreate   = "/wholesale/subscribers"
	jsonCT       = "application/json"

	// pathConsent is consentMove for the id abc123, as the spec prints the
	// path (without /wholesale).
	pathConsent = "/subscribers/abc123/emails/consentMove"
	// violationBodyless is Prism's violation for a body sent to an
	// operation that defines none.
	violationBodyless = "request No supported content types, but request included a non-empty body"

	// pathCustomers is the customer list; /{id} is one customer.
	pathCustomers = "/wholesale/customers"
	// customersMaxNote is why the fake refuses max and offset values Prism
	// takes.
	customersMaxNote = "the spec types the customer list's max and offset as strings; the fake holds them to integers, max 1..100 as the subscriber list's"

	custID = `"customerId":"Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1"`
	pp     = `"provisioningParameters":{"firstName":"John","lastName":"Doe","primaryPhoneNumber":"+12405551212","extension":"51212","locationId":"Y2lzY29"}`
)

func verdictCases() []verdictCase {
	v := func(name, body, want string, status int) verdictCase {
		return verdictCase{name: "validate/" + name, method: "POST", path: pathValidate, body: body, contentType: jsonCT, wantViolation: want, wantStatus: status}
	}
	c := func(name, body, want string, status int) verdictCase {
		return verdictCase{name: "create/" + name, method: "POST", path: pathCreate, body: body, contentType: jsonCT, wantViolation: want, wantStatus: status}
	}
	prose := func(vc verdictCase, rule string) verdictCase { vc.specProse = rule; return vc }
	// rule: a prose rule that our fake enforces (FieldError.Rule).
	rule := func(vc verdictCase, r string) verdictCase { vc.specProse = r; vc.fake = fakeRule; return vc }
	stricter := func(vc verdictCase, why string) verdictCase { vc.fake = fakeStricter; vc.fakeNote = why; return vc }
	withCT := func(vc verdictCase, ct string) verdictCase { vc.contentType = ct; return vc }
	withQuery := func(vc verdictCase, q string) verdictCase { vc.path += q; return vc }
	withHeader := func(vc verdictCase, k, val string) verdictCase { vc.header = map[string]string{k: val}; return vc }

	cases := []verdictCase{
		// POST /wholesale/subscribers/validate (precheck): only email is required.
		v("valid packages", `{"email":"a@b.com","customerId":"x","packages":["webex_calling"]}`, "", 200),
		v("valid package", `{"email":"a@b.com","package":"webex_calling"}`, "", 200),
		v("valid customerInfo", `{"email":"a@b.com","customerInfo":{"primaryEmail":"admin@acme.com"}}`, "", 200),
		v("valid provisioningId variant", `{"email":"a@b.com","provisioningId":"ZjViMzYx","customerInfo":{"primaryEmail":"admin@acme.com","name":"Acme"}}`, "", 200),
		v("valid every field", `{"email":"a@b.com","customerId":"x","provisioningId":"p","packages":["webex_calling"],`+pp+`,"customerInfo":{"primaryEmail":"admin@acme.com"}}`, "", 200),
		v("missing email", `{"customerId":"x"}`, "request.body Request body must have required property 'email'", 400),
		v("email number", `{"email":42}`, "request.body.email Request body property email must be string", 400),
		v("email null", `{"email":null}`, "request.body.email Request body property email must be string", 400),
		v("customerId number", `{"email":"a@b.com","customerId":7}`, "request.body.customerId Request body property customerId must be string", 400),
		v("provisioningId boolean", `{"email":"a@b.com","provisioningId":true}`, "request.body.provisioningId Request body property provisioningId must be string", 400),
		v("package not in enum", `{"email":"a@b.com","package":"webex_gold"}`, "request.body.package Request body property package must be equal to one of the allowed values", 400),
		v("package attendant_console (packages-only value)", `{"email":"a@b.com","package":"attendant_console"}`, "request.body.package Request body property package must be equal to one of the allowed values", 400),
		v("package cx_premium_agent (packages-only value)", `{"email":"a@b.com","package":"cx_premium_agent"}`, "request.body.package Request body property package must be equal to one of the allowed values", 400),
		v("package wrong case", `{"email":"a@b.com","package":"Webex_Calling"}`, "request.body.package Request body property package must be equal to one of the allowed values", 400),
		v("packages as string", `{"email":"a@b.com","packages":"webex_calling"}`, "request.body.packages Request body property packages must be array", 400),
		v("packages null", `{"email":"a@b.com","packages":null}`, "request.body.packages Request body property packages must be array", 400),
		v("packages bad item", `{"email":"a@b.com","packages":["webex_gold"]}`, "request.body.packages.0 Request body property packages.0 must be equal to one of the allowed values", 400),
		v("packages number item", `{"email":"a@b.com","packages":[7]}`, "request.body.packages.0 Request body property packages.0 must be string", 400),
		v("customerInfo without primaryEmail", `{"email":"a@b.com","customerInfo":{"name":"Acme"}}`, "request.body.customerInfo Request body property customerInfo must have required property 'primaryEmail'", 400),
		v("customerInfo primaryEmail number", `{"email":"a@b.com","customerInfo":{"primaryEmail":1}}`, "request.body.customerInfo.primaryEmail Request body property customerInfo.primaryEmail must be string", 400),
		v("customerInfo as string", `{"email":"a@b.com","customerInfo":"admin@acme.com"}`, "request.body.customerInfo Request body property customerInfo must be object", 400),
		v("provisioningParameters as string", `{"email":"a@b.com","provisioningParameters":"x"}`, "request.body.provisioningParameters Request body property provisioningParameters must be object", 400),
		v("extension number", `{"email":"a@b.com","provisioningParameters":{"extension":51212}}`, "request.body.provisioningParameters.extension Request body property provisioningParameters.extension must be string", 400),
		v("primaryPhoneNumber number", `{"email":"a@b.com","provisioningParameters":{"primaryPhoneNumber":12405551212}}`, "request.body.provisioningParameters.primaryPhoneNumber Request body property provisioningParameters.primaryPhoneNumber must be string", 400),
		v("firstName null", `{"email":"a@b.com","provisioningParameters":{"firstName":null}}`, "request.body.provisioningParameters.firstName Request body property provisioningParameters.firstName must be string", 400),
		v("locationId array", `{"email":"a@b.com","provisioningParameters":{"locationId":["x"]}}`, "request.body.provisioningParameters.locationId Request body property provisioningParameters.locationId must be string", 400),
		v("body is array", `[]`, "request.body Request body must be object", 400),
		v("body is a string", `"a@b.com"`, "request.body Request body must be object", 400),
		// Without Content-Type Prism reads the body as text, then finds a string where an object is due.
		withCT(v("no Content-Type", `{"email":"a@b.com"}`, "request.body Request body must be object", 400), ""),
		// curl -d sends this one by default.
		withCT(v("form-urlencoded", `{"email":"a@b.com"}`, "request Supported content types: application/json", 415), "application/x-www-form-urlencoded"),
		withCT(v("text/plain", `{"email":"a@b.com"}`, "request Supported content types: application/json", 415), "text/plain"),
		withCT(v("charset param", `{"email":"a@b.com"}`, "", 200), "application/json; charset=utf-8"),
		withQuery(v("onBehalfOfSubPartnerOrgId", `{"email":"a@b.com"}`, "", 200), "?onBehalfOfSubPartnerOrgId=Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8w"),
		withQuery(v("unknown query param", `{"email":"a@b.com"}`, "", 200), "?bogus=1"),
		stricter(withHeader(v("Authorization Basic (not checked)", `{"email":"a@b.com"}`, "", 200), "Authorization", "Basic Zm9vOmJhcg=="),
			"Prism does not check Authorization; the fake answers 401 to anything but its bearer token"),
		// Blind spots: allowed by the schema, forbidden (or pointless) by prose.
		rule(v("package and packages", `{"email":"a@b.com","package":"webex_calling","packages":["webex_calling"]}`, "", 200),
			"package is deprecated in favour of packages; send one, not both"),
		rule(v("package and packages disagreeing", `{"email":"a@b.com","package":"webex_meetings","packages":["webex_calling"]}`, "", 200),
			"package is deprecated in favour of packages; send one, not both"),
		rule(v("two packages", `{"email":"a@b.com","packages":["webex_calling","webex_meetings"]}`, "", 200),
			"packages: currently accepts only one package in the list"),
		rule(v("packages empty", `{"email":"a@b.com","packages":[]}`, "", 200),
			"packages: currently accepts only one package in the list (no minItems in the schema)"),
		rule(v("attendant_console alone", `{"email":"a@b.com","packages":["attendant_console"]}`, "", 200),
			"attendant_console is dependent on webex_calling, webex_suite or cx_essentials"),
		prose(v("unknown field", `{"email":"a@b.com","foo":1}`, "", 200),
			"no additionalProperties:false in the schema; unknown fields pass"),
		rule(v("email not an address", `{"email":"not-an-email","packages":[]}`, "", 200),
			"email has no format; empty packages has no minItems"),
		stricter(prose(v("empty body", "", "", 200),
			"requestBody is not marked required, so an empty body passes even though email is required"),
			"the fake refuses an empty body (400 malformed JSON): email is required, and no real client means to send nothing"),

		// POST /wholesale/subscribers (create): customerId, email, provisioningParameters required.
		c("valid", `{`+custID+`,"email":"a@b.com","packages":["webex_calling"],`+pp+`}`, "", 200),
		c("valid deprecated package", `{`+custID+`,"email":"a@b.com","package":"webex_meetings","provisioningParameters":{}}`, "", 200),
		c("missing email", `{`+custID+`,"packages":["webex_calling"],`+pp+`}`, "request.body Request body must have required property 'email'", 400),
		c("missing customerId", `{"email":"a@b.com","packages":["webex_calling"],`+pp+`}`, "request.body Request body must have required property 'customerId'", 400),
		c("missing provisioningParameters", `{`+custID+`,"email":"a@b.com","packages":["webex_calling"]}`, "request.body Request body must have required property 'provisioningParameters'", 400),
		c("provisioningParameters null", `{`+custID+`,"email":"a@b.com","packages":["webex_calling"],"provisioningParameters":null}`, "request.body.provisioningParameters Request body property provisioningParameters must be object", 400),
		c("email number", `{`+custID+`,"email":42,`+pp+`}`, "request.body.email Request body property email must be string", 400),
		c("customerId number", `{"customerId":7,"email":"a@b.com","packages":["webex_calling"],`+pp+`}`, "request.body.customerId Request body property customerId must be string", 400),
		c("package not in enum", `{`+custID+`,"email":"a@b.com","package":"webex_gold",`+pp+`}`, "request.body.package Request body property package must be equal to one of the allowed values", 400),
		c("package cx_standard_agent (packages-only value)", `{`+custID+`,"email":"a@b.com","package":"cx_standard_agent",`+pp+`}`, "request.body.package Request body property package must be equal to one of the allowed values", 400),
		c("packages as string", `{`+custID+`,"email":"a@b.com","packages":"webex_calling",`+pp+`}`, "request.body.packages Request body property packages must be array", 400),
		c("packages bad item", `{`+custID+`,"email":"a@b.com","packages":["webex_gold"],`+pp+`}`, "request.body.packages.0 Request body property packages.0 must be equal to one of the allowed values", 400),
		c("extension number", `{`+custID+`,"email":"a@b.com","provisioningParameters":{"extension":51212}}`, "request.body.provisioningParameters.extension Request body property provisioningParameters.extension must be string", 400),
		c("lastName number", `{`+custID+`,"email":"a@b.com","packages":["webex_meetings"],"provisioningParameters":{"lastName":1}}`, "request.body.provisioningParameters.lastName Request body property provisioningParameters.lastName must be string", 400),
		withCT(c("no Content-Type", `{`+custID+`,"email":"a@b.com",`+pp+`}`, "request.body Request body must be object", 400), ""),
		withCT(c("text/plain", `{`+custID+`,"email":"a@b.com",`+pp+`}`, "request Supported content types: application/json", 415), "text/plain"),
		withQuery(c("onBehalfOfSubPartnerOrgId", `{`+custID+`,"email":"a@b.com","packages":["webex_calling"],`+pp+`}`, "", 200), "?onBehalfOfSubPartnerOrgId=Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8w"),
		rule(c("package and packages", `{`+custID+`,"email":"a@b.com","package":"webex_calling","packages":["webex_calling"],`+pp+`}`, "", 200),
			"package is deprecated in favour of packages; send one, not both"),
		rule(c("two packages", `{`+custID+`,"email":"a@b.com","packages":["webex_calling","webex_meetings"],`+pp+`}`, "", 200),
			"packages: currently accepts only one package in the list"),
		rule(c("attendant_console alone", `{`+custID+`,"email":"a@b.com","packages":["attendant_console"],`+pp+`}`, "", 200),
			"attendant_console is dependent on webex_calling, webex_suite or cx_essentials"),
		rule(c("no package", `{`+custID+`,"email":"a@b.com",`+pp+`}`, "", 200),
			"either packages or package field is required but not both"),
		prose(c("customerInfo (not in create schema)", `{`+custID+`,"email":"a@b.com","packages":["webex_meetings"],"customerInfo":{"name":"x"},`+pp+`}`, "", 200),
			"customerInfo exists only on precheck; unknown fields pass"),
		prose(c("unknown field", `{`+custID+`,"email":"a@b.com","packages":["webex_calling"],"foo":1,`+pp+`}`, "", 200),
			"no additionalProperties:false in the schema; unknown fields pass"),
		rule(c("empty provisioningParameters", `{`+custID+`,"email":"a@b.com","provisioningParameters":{}}`, "", 200),
			"an extension, primary phone number or both must be supplied for calling packages (and a package is required)"),

		// GETs: static examples, no filtering; query parameters are type-checked.
		{name: "list/email=x", method: "GET", path: pathCreate + "?email=x", wantStatus: 200},
		{name: "list/max not integer", method: "GET", path: pathCreate + "?max=abc", wantViolation: "request.query.max Request query parameter max must be integer", wantStatus: 400},
		{name: "list/offset not integer", method: "GET", path: pathCreate + "?offset=x", wantViolation: "request.query.offset Request query parameter offset must be integer", wantStatus: 400},
		{name: "get/by id", method: "GET", path: pathCreate + "/abc123", wantStatus: 200},
		{name: "get/by id onBehalfOf", method: "GET", path: pathCreate + "/abc123?onBehalfOfSubPartnerOrgId=Y2lz", wantStatus: 200},

		// DELETE /wholesale/subscribers/{subscriberId} and POST
		// /subscribers/{subscriberId}/emails/consentMove (no /wholesale: the
		// spec has no servers entry, so Prism serves every path at its root)
		// define no request body. A Content-Type alone passes; a non-empty
		// body is a violation, answered 415 where the operation lists 415
		// (DELETE) and 400 where it does not (consentMove).
		{name: "delete/by id", method: "DELETE", path: pathCreate + "/abc123", wantStatus: 204},
		{name: "delete/by id onBehalfOf", method: "DELETE", path: pathCreate + "/abc123?onBehalfOfSubPartnerOrgId=Y2lz", wantStatus: 204},
		{name: "delete/Content-Type without body", method: "DELETE", path: pathCreate + "/abc123", contentType: jsonCT, wantStatus: 204},
		{name: "delete/with a body", method: "DELETE", path: pathCreate + "/abc123", body: `{}`, contentType: jsonCT, wantViolation: violationBodyless, wantStatus: 415},
		{name: "consentMove/no body", method: "POST", path: pathConsent, wantStatus: 204},
		{name: "consentMove/onBehalfOf", method: "POST", path: pathConsent + "?onBehalfOfSubPartnerOrgId=Y2lz", wantStatus: 204},
		{name: "consentMove/Content-Type without body", method: "POST", path: pathConsent, contentType: jsonCT, wantStatus: 204},
		{name: "consentMove/JSON body", method: "POST", path: pathConsent, body: `{"email":"a@b.com"}`, contentType: jsonCT, wantViolation: violationBodyless, wantStatus: 400},
		{name: "consentMove/text body", method: "POST", path: pathConsent, body: "hello", contentType: "text/plain", wantViolation: violationBodyless, wantStatus: 400},

		// A parameter the spec types as a string (or boolean) given twice is
		// an array to Prism, refused on every route; the fake agrees.
		{name: "list/onBehalfOf twice", method: "GET", path: pathCreate + "?onBehalfOfSubPartnerOrgId=a&onBehalfOfSubPartnerOrgId=b",
			wantViolation: "request.query.onbehalfofsubpartnerorgid Request query parameter onbehalfofsubpartnerorgid must be string", wantStatus: 400},

		// GET /wholesale/customers: every parameter is a string but status
		// (an array, style form exploded: repeated; "a,b" is one item), so
		// Prism checks nothing else; unknown parameters pass. max and offset
		// are strings in the spec: Prism takes any value, the fake integers
		// (max 1..100), a deliberate difference. GET by id: Prism answers
		// the example for any id, the fake 404 for an unregistered one
		// (business logic, not a refusal); includePackageLicenseInfo is a
		// boolean ("", true or false).
		{name: "customers/list", method: "GET", path: pathCustomers, wantStatus: 200},
		{name: "customers/externalId", method: "GET", path: pathCustomers + "?externalId=acme-001&max=100", wantStatus: 200},
		{name: "customers/onBehalfOf", method: "GET", path: pathCustomers + "?externalId=acme-001&max=100&onBehalfOfSubPartnerOrgId=Y2lz", wantStatus: 200},
		{name: "customers/orgId and offset", method: "GET", path: pathCustomers + "?orgId=Y2lz&offset=100", wantStatus: 200},
		{name: "customers/status repeated", method: "GET", path: pathCustomers + "?status=provisioned&status=error", wantStatus: 200},
		{name: "customers/status comma-separated", method: "GET", path: pathCustomers + "?status=provisioned,error", wantStatus: 200},
		{name: "customers/status unknown", method: "GET", path: pathCustomers + "?status=bogus", wantStatus: 200},
		{name: "customers/empty values", method: "GET", path: pathCustomers + "?externalId=&max=&offset=&status=", wantStatus: 200},
		{name: "customers/unknown query param", method: "GET", path: pathCustomers + "?bogus=1", wantStatus: 200},
		stricter(verdictCase{name: "customers/max=0", method: "GET", path: pathCustomers + "?max=0", wantStatus: 200}, customersMaxNote),
		stricter(verdictCase{name: "customers/max=101", method: "GET", path: pathCustomers + "?max=101", wantStatus: 200}, customersMaxNote),
		stricter(verdictCase{name: "customers/max not integer", method: "GET", path: pathCustomers + "?max=abc", wantStatus: 200}, customersMaxNote),
		stricter(verdictCase{name: "customers/offset=-1", method: "GET", path: pathCustomers + "?offset=-1", wantStatus: 200}, customersMaxNote),
		stricter(verdictCase{name: "customers/offset not integer", method: "GET", path: pathCustomers + "?offset=x", wantStatus: 200}, customersMaxNote),
		{name: "customers/externalId twice", method: "GET", path: pathCustomers + "?externalId=a&externalId=b",
			wantViolation: "request.query.externalid Request query parameter externalid must be string", wantStatus: 400},
		{name: "customers/max twice", method: "GET", path: pathCustomers + "?max=1&max=2",
			wantViolation: "request.query.max Request query parameter max must be string", wantStatus: 400},
		{name: "customers/onBehalfOf twice", method: "GET", path: pathCustomers + "?onBehalfOfSubPartnerOrgId=a&onBehalfOfSubPartnerOrgId=b",
			wantViolation: "request.query.onbehalfofsubpartnerorgid Request query parameter onbehalfofsubpartnerorgid must be string", wantStatus: 400},
		{name: "customer/by id", method: "GET", path: pathCustomers + "/abc123", wantStatus: 200},
		{name: "customer/includePackageLicenseInfo=true", method: "GET", path: pathCustomers + "/abc123?includePackageLicenseInfo=true&onBehalfOfSubPartnerOrgId=Y2lz", wantStatus: 200},
		{name: "customer/includePackageLicenseInfo empty", method: "GET", path: pathCustomers + "/abc123?includePackageLicenseInfo=", wantStatus: 200},
		{name: "customer/includePackageLicenseInfo=yes", method: "GET", path: pathCustomers + "/abc123?includePackageLicenseInfo=yes",
			wantViolation: "request.query.includepackagelicenseinfo Request query parameter includepackagelicenseinfo must be boolean", wantStatus: 400},
		{name: "customer/includePackageLicenseInfo=TRUE", method: "GET", path: pathCustomers + "/abc123?includePackageLicenseInfo=TRUE",
			wantViolation: "request.query.includepackagelicenseinfo Request query parameter includepackagelicenseinfo must be boolean", wantStatus: 400},
		{name: "customer/includePackageLicenseInfo twice", method: "GET", path: pathCustomers + "/abc123?includePackageLicenseInfo=true&includePackageLicenseInfo=false",
			wantViolation: "request.query.includepackagelicenseinfo Request query parameter includepackagelicenseinfo must be boolean", wantStatus: 400},
	}

	cases = append(cases, updateVerdictCases()...) // PUT and the list queries:
	cases = append(cases, listVerdictCases()...)   // list_update_test.go

	// Every package value, in the field that takes it, on both operations:
	// the enums are what the tool's check.Packages must stay within.
	for _, p := range []string{"webex_calling", "webex_meetings", "webex_suite", "webex_voice", "cx_essentials",
		"webex_calling_standard", "cx_premium_agent", "cx_standard_agent"} {
		cases = append(cases,
			v("packages enum/"+p, `{"email":"a@b.com","packages":["`+p+`"]}`, "", 200),
			c("packages enum/"+p, `{`+custID+`,"email":"a@b.com","packages":["`+p+`"],`+pp+`}`, "", 200))
	}
	for _, p := range []string{"webex_calling", "webex_meetings", "webex_suite", "webex_voice", "cx_essentials", "webex_calling_standard"} {
		cases = append(cases, v("package enum/"+p, `{"email":"a@b.com","package":"`+p+`"}`, "", 200))
	}
	return cases
}

// slViolation is one entry of Prism's `sl-violations` response header.
type slViolation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Code     any      `json:"code"` // a string ("type", "enum", "required") or a number (415)
	Message  string   `json:"message"`
}

func TestPrismAcceptsAndRejects(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	client := &http.Client{Timeout: 10 * time.Second}
	if got := violations(); len(got) != 0 {
		t.Fatalf("violations before any request: %q", got)
	}

	for _, tc := range verdictCases() {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, baseURL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			respBody, _ := io.ReadAll(resp.Body)
			resp.Body.Close()

			got := violations()
			if tc.wantViolation == "" {
				if len(got) != 0 {
					t.Errorf("Prism logged violations for a request it should accept: %q", got)
				}
			} else {
				found := false
				for _, g := range got {
					if strings.Contains(g, tc.wantViolation) {
						found = true
					}
				}
				if !found {
					t.Errorf("want a violation containing %q, Prism logged %q", tc.wantViolation, got)
				}
			}
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d (body %.200s)", resp.StatusCode, tc.wantStatus, respBody)
			}

			// The sl-violations header carries the same request violations as
			// the log, synchronously and per request.
			var hdr []slViolation
			if h := resp.Header.Get("sl-violations"); h != "" {
				if err := json.Unmarshal([]byte(h), &hdr); err != nil {
					t.Errorf("sl-violations header not JSON: %v: %.300s", err, h)
				}
			}
			nReq := 0
			for _, v := range hdr {
				if len(v.Location) > 0 && v.Location[0] == "request" {
					nReq++
				}
			}
			if nReq != len(got) {
				t.Errorf("sl-violations has %d request violations, log has %d (%q)", nReq, len(got), got)
			}
			for _, g := range got {
				if !strings.HasPrefix(g, tc.method+" "+strings.SplitN(tc.path, "?", 2)[0]+": ") {
					t.Errorf("violation not attributed to this request: %q", g)
				}
			}
			if tc.specProse != "" {
				t.Logf("Prism blind spot (prose-only rule): %s", tc.specProse)
			}
		})
	}

	t.Run("precheck answers the example info array", func(t *testing.T) {
		resp, err := client.Post(baseURL+pathValidate, jsonCT, strings.NewReader(`{"email":"a@b.com"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Message string            `json:"message"`
			Info    []json.RawMessage `json:"info"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("precheck body: %v", err)
		}
		if out.Message != "success" || len(out.Info) != 1 {
			t.Errorf("precheck example: %+v", out)
		}
		// The schema says info is an object, so Prism flags its own example
		// as a response violation (a log line, and in sl-violations).
		if h := resp.Header.Get("sl-violations"); !strings.Contains(h, `"response","body","info"`) {
			t.Errorf("expected the info response violation in sl-violations, got %q", h)
		}
	})

	t.Run("malformed JSON gets no answer", func(t *testing.T) {
		// Prism 5.16.0 never answers a request whose JSON body doesn't parse,
		// and logs nothing for it. A client timeout is the only signal.
		c := &http.Client{Timeout: 1500 * time.Millisecond}
		resp, err := c.Post(baseURL+pathValidate, jsonCT, strings.NewReader(`{"email":`))
		if err == nil {
			resp.Body.Close()
			t.Fatalf("Prism answered malformed JSON with %d; update the findings", resp.StatusCode)
		}
		var ne interface{ Timeout() bool }
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("want a timeout, got %v", err)
		}
		if got := violations(); len(got) != 0 {
			t.Errorf("violations for malformed JSON: %q", got)
		}
	})
}
