// Package contract holds contract tests that run requests against Stoplight
// Prism serving the official Webex Wholesale OpenAPI file (the copy in
// spec/webex-wholesale.json), so that what our client sends, and what our own fake server (webex/fakeapi) accepts, is
// checked against the published schema.
//
// The tests need the build tag "contract" and a Prism install:
//
//	bash .ci/prism.sh                       # installs Prism 5.16.0 into .prism/
//	PRISM_BIN=$(bash .ci/prism.sh) PRISM_REQUIRED=1 go test -tags contract -race ./contract/ -v
//
// Environment:
//
//	PRISM_BIN      path of the prism binary (default: <repo>/.prism/node_modules/.bin/prism)
//	WEBEX_SPEC     path of webex-wholesale.json (default: the repository's own copy,
//	               spec/webex-wholesale.json; spec/README.md says where it comes from)
//	PRISM_REQUIRED =1 turns "Prism or spec not found" from a skip into an immediate
//	               failure naming the fix (for CI)
//	PRISM_START_TIMEOUT  readiness deadline as a Go duration (default 30s)
//
// # The tests
//
// One Prism serves the whole test binary (sharedPrism; TestMain stops it);
// the tests run one after another, as violations are read from its log.
//
//   - TestToolRequestsMatchContract builds the real binary (go build, with
//     -race when the tests have it) and runs precheck and provision, each also
//     with --on-behalf-of, against Prism over testdata/contract/variants.csv,
//     which holds every request variant the tool sends (its "variant" column
//     says which). Every row must pass with infoCode 100 (the example's info
//     array) or be provisioned with the example's subscriber id, the exit code
//     must be 0, and Prism must log no request violation.
//   - TestContractCatchesBrokenRequests proves that test can fail: the real
//     webex client, behind a transport that breaks the JSON body (a number for
//     extension, a string for packages...), and the real binary behind a
//     proxy doing the same, are reported by the same verdict, naming the field.
//   - TestFakeAgreesWithPrism replays the verdict table against Prism and the
//     fake (fakeapi.ValidateSchema and the fakeapi.New server): equal verdicts
//     on every schema-level case, and the same field named.
//   - TestPrismAcceptsAndRejects pins down how Prism 5.16.0 itself behaves
//     (messages, status codes, the sl-violations header, its hang on
//     malformed JSON), so a Prism upgrade that changes it shows up here.
//   - TestClientSubscriberCallsMatchContract sends the real webex client's
//     other calls, GetSubscriber, FindByEmail, RemoveSubscriber (DELETE
//     /wholesale/subscribers/{id}) and ResendConsent (POST
//     /subscribers/{id}/emails/consentMove), with and without
//     onBehalfOfSubPartnerOrgId: no request violation, the operation's
//     documented success, and on the wire exactly the method, path and
//     query the spec describes, with no body.
//   - TestFakeAgreesWithPrismOnSubscriberCalls runs the same calls against
//     a fake seeded with the spec's example subscriber, and raw requests
//     around those routes (bodies, wrong methods, unknown paths) against
//     both: the same statuses.
//   - TestClientFindCustomersMatchesContract sends the client's
//     FindCustomers (GET /wholesale/customers?externalId=...&max=100), with
//     no sub-partner, the call's and the client's: no request violation,
//     200 at once, the example customer found, exactly that request.
//   - TestFakeAgreesWithPrismOnCustomerCalls: a fake seeded with the spec's
//     example customer answers FindCustomers as Prism does, and its list
//     and GET bodies equal the spec's examples; the statuses of good and bad
//     customer queries are in the verdict table (customers/...).
//   - TestClientFindCustomersAgainstFake (no Prism): the client against the
//     fake's default customers (an ambiguous externalId) and two pages, one
//     request per page in Stats.CustomerListsByExternalID.
//   - TestClientListAndUpdateMatchContract sends the client's
//     ListSubscribers (every filter the tool sends: customerId, status,
//     email, externalCustomerId, personId, after, lastStatusChange, with
//     max=100), ListCustomers (all, and externalId, orgId and a repeated
//     status) and UpdateSubscriber (PUT /wholesale/subscribers/{id} with
//     {"packages":[...]}, with and without provisioningParameters), with and
//     without onBehalfOfSubPartnerOrgId: no request violation, 200 at once,
//     exactly that request on the wire. The PUT asks for the example's
//     package: Prism answers the example to every PUT, and the client counts
//     a PUT done only when the answer holds the package it asked for.
//   - TestFakeAgreesWithPrismOnListAndUpdate: a fake seeded with the spec's
//     example subscriber and customer answers the comparable calls as Prism
//     does, its PUT answer is the spec's example value for value, and a
//     bulk customer of 250 is read in three pages of max=100 by Link. The
//     verdict table holds PUT bodies (update/...) and the list queries the
//     tool sends (list/..., customers/every filter...).
//
// The spec has no servers entry, so Prism serves every path at its root,
// consentMove's (printed without /wholesale) included: a client's base URL
// is Prism's root, as it is https://webexapis.com/v1 for the real API and
// {fake}/v1 for the fake, and consentMove lives under the same base as the
// /wholesale paths in all three. Under /wholesale, or with /v1 added, Prism
// answers 404 (no path matched). DELETE and consentMove define no request
// body: Prism refuses a non-empty one ("No supported content types, but
// request included a non-empty body", 415 on DELETE, 400 on consentMove,
// whose responses do not list 415) and accepts a Content-Type with an empty
// body; the fake does the same.
//
// # What Prism cannot catch
//
// Prism checks the JSON schema only. Rules that the spec states in prose are
// invisible to it, and requests that break them pass with a 200:
//
//   - "Either packages or package field is required but not both": a body
//     with both passes, and so does a provisioning body with neither;
//   - packages "currently accepts only one package in the list": two
//     packages, or none ([]), pass;
//   - attendant_console "is dependent on" a base package: alone, it passes;
//   - a calling package needs a primaryPhoneNumber or an extension;
//   - email has no format, so "not-an-email" passes; unknown fields pass (no
//     additionalProperties: false); an empty body passes (the requestBody is
//     not marked required).
//
// So the end-to-end test cannot catch the tool sending package and packages
// together, or two packages. Our fake enforces the first three rules
// (fakeapi.FieldError with Rule=true); TestContractCatchesBrokenRequests and
// TestFakeAgreesWithPrism assert that Prism stays silent on them while the
// fake refuses, and the unit tests run against the fake are what guard them.
//
// The fake is deliberately stricter than Prism in a few more places, outside
// the body schema: it answers 401 to anything but a bearer token (Prism does
// not check Authorization), 400 to an empty body, and 400 to a customer list
// max or offset that is not an integer (max 1..100), which the spec types as
// strings. It also refuses an empty PUT body, a subscriber list max outside
// 1..100, and an after or lastStatusChange that is neither epoch
// milliseconds nor ISO 8601 (strings in the spec). Both refuse onBehalfOfSubPartnerOrgId, and the customer routes'
// parameters, given twice (Prism: "must be string"; Prism refuses any
// parameter so, the fake's subscriber list still takes the first), and both
// ignore unknown query parameters.
package contract
