// Package fakeapi is an in-process fake of the Webex Wholesale subscriber API
// (spec: webex-wholesale.json, paths /wholesale/subscribers..., and the
// customer look-ups under /wholesale/customers). Tests,
// benchmarks and the tool's --sandbox mode talk to it over real HTTP (Start)
// or call its http.Handler directly (New), so the client under test cannot
// tell it from the real service except by the behaviours listed below.
//
// It is deliberately its own reading of the spec and imports nothing from the
// rest of the project: if the client and the fake shared code, a shared
// misreading would pass every test.
//
// # Routes
//
// All routes live under /v1, so a client's base URL is Running.URL:
//
//	POST   /v1/wholesale/subscribers/validate        precheck
//	POST   /v1/wholesale/subscribers                 provision
//	GET    /v1/wholesale/subscribers/{id}            one subscriber
//	PUT    /v1/wholesale/subscribers/{id}            change its package: 200 with the subscriber
//	DELETE /v1/wholesale/subscribers/{id}            remove: 204, no body
//	GET    /v1/wholesale/subscribers                 search: email, customerId, personId,
//	                                                 externalCustomerId, status, after,
//	                                                 lastStatusChange, max (1..100, default
//	                                                 50), offset; Link rel="next"
//	POST   /v1/subscribers/{id}/emails/consentMove   send the consent email again: 204, no
//	                                                 body (the spec prints this path without
//	                                                 /wholesale, under the same base)
//	GET    /v1/wholesale/customers                   customers: externalId, orgId, status
//	                                                 (repeated or comma-separated), max (1..100,
//	                                                 default 100), offset; Link rel="next"
//	GET    /v1/wholesale/customers/{id}              one customer (404 unless registered);
//	                                                 includePackageLicenseInfo=true adds licenseIds
//
// Every route accepts onBehalfOfSubPartnerOrgId (400 when present but empty,
// or given twice). Unknown query parameters are ignored, as Prism ignores
// them (sortBy and sortOrder too: lists are always in the default order).
// Other methods on these paths answer 405 with an Allow header (the spec's
// POST, PUT and DELETE of customers are not faked), other paths 404. With
// Options.OAuth there are two more, POST /v1/access_token and GET
// /v1/authorize (see OAuth and Authorization below).
//
// # Order of checks
//
// Each request goes through, in order: Options.Latency; Options.FailureRate
// (503, empty body); Options.RateLimit (429, Retry-After, empty body); the
// bearer token (401); routing (404/405); query parameters (400); for precheck,
// provision and PUT the media type (415), JSON syntax (400), ValidateSchema
// (400) and the spec's prose rules (400); then Options.ThrottleFirst (429 to
// an email's first requests); then the email's behaviour tags; then the state
// (a PUT looks its subscriber up, 404, before the tags). DELETE and consentMove have no request body in the spec: an empty
// body passes whatever its Content-Type, a non-empty one is refused as Prism
// refuses it, 415 on DELETE and 400 on consentMove (whose responses do not
// list 415), before anything else. The routes that name a subscriber by id
// (GET, DELETE, consentMove) then look it up (404 when unknown), then apply
// its email's tags. The customer list checks its query values (400), then
// the tags of its externalId filter; a GET of a customer its query, then the
// registry (404), then its externalId's tags. (A body sent with a GET is
// ignored.)
// /v1/access_token and /v1/authorize (with Options.OAuth) go through
// Options.Latency only, then their own checks. With Options.OAuth, a token
// lacking the route's scope gets 403 after the bearer token's check.
//
// # Behaviour tags
//
// A tag is a word after '+' in the local part of the subscriber's email
// (alice+exists@acme.com), matched case-insensitively; several may be
// combined (alice+slow+lost@acme.com) and unknown words are ignored, so real
// "+alias" addresses behave normally. Tags act on every request that names
// the email: the body of a precheck or provision, the email filter of a
// search, and a GET, PUT, DELETE or consentMove by id of a subscriber with
// that email. "First request" tags count per email and per tag across all routes,
// so alice+throttle+flaky gets 429, 503, 503, then normal answers, and a
// subscriber provisioned through the fake has spent them by the time it is
// removed: to meet them on a DELETE or consentMove, seed the subscriber with
// AddSubscriber, which sends no request.
//
//	tag          applies to           answer
//	+exists      precheck, provision  409, errorCode 10022 "The email is already associated
//	                                  with an existing user." (also for any email already in
//	                                  the state, tagged or not)
//	+infoobj     precheck             200 with "info" as one object instead of an array
//	                                  (the schema's shape; the live API sends an array)
//	+e500        all                  always 500 with a Webex JSON error body
//	+flaky       all                  first 2 requests: 503, empty body, no Retry-After
//	+throttle    all                  first request: 429, Retry-After: 1, empty body
//	+locked      all                  first request: 423, Retry-After: 1, Webex error body
//	+slow        all                  1500 ms extra latency on every response
//	+forbidden   all                  always 403 with a Webex error body
//	+html        all                  first request: 502 with an HTML (non-JSON) body
//	+badrequest  precheck, provision  400 "Invalid phone number", errorCode 10101 (fake)
//	+pending     provision            202, status "pending_user_migration", no personId
//	+lost        provision, PUT,      acts, then holds the answer 30 s (until the client
//	             DELETE, consentMove  gives up): provision creates the subscriber (an
//	                                  in-doubt POST that a later GET ?email= finds),
//	                                  PUT changes the package, DELETE removes it (a
//	                                  retry gets 404), consentMove counts the email in
//	                                  Stats.ConsentsSent
//	+updatefail  PUT                  always 400 "The package could not be changed",
//	                                  errorCode 10120 (fake); nothing changes
//	+subfail     provision            200, status "error", errors [{errorCode 10110 (fake)}]
//
// The next tags give answers the API never gives, as a proxy or a broken
// front in between gives them, so a client can prove it trusts only the
// documented answer:
//
//	+html200     all                  first request: 200 with an HTML error page
//	+cut200      all                  first request: 200, JSON cut short ({"message":"succ)
//	+signin      provision, PUT,      every request: 200 with an HTML sign-in page; nothing
//	             DELETE, consentMove  is done (no subscriber created, changed, removed or
//	                                  emailed)
//	+ok200       PUT, DELETE,         every request: 200 {}; nothing is done
//	             consentMove
//	+noitems     search               every search by the email: 200 {} (no items member)
//	+nochange    reads                the subscriber has no lastStatusChange (optional in
//	                                  the spec)
//	+consented   consentMove          the user accepts just before: a pending subscriber
//	                                  becomes provisioned and the answer is 400, "not pending
//	                                  user migration (status "provisioned")"
//	+twin        search               the email is also held by a second subscriber, in
//	                                  customer "twin-" + the first's customerId, pending user
//	                                  migration, id the first's + "-twin" (search answers
//	                                  only: a GET of that id is 404)
//
// The customer routes apply the tags of the "all" rows to the externalId
// they concern, with counts of their own: the list's externalId filter
// (acme+e500 always fails, acme+flaky fails twice), a GET's customer's;
// +noitems on the externalId filter answers the customer list 200 {}.
//
// A customerId starting with "unknown" answers 404 "Customer not found",
// errorCode 10404 (fake), on precheck and provision. An email without exactly
// one '@' answers 400 "Invalid email address" (not a schema rule, so not
// counted in Stats.Rejected). Codes 10101, 10110 and 10404 are made up and
// say so in their description; only 10022 and infoCode 100 are published
// (10120, +updatefail's, is made up too).
//
// # Provisioning state
//
// Subscribers are keyed by lower-cased email; a second provision of the same
// email answers 409 with errorCode 10022. A new subscriber reports status
// "provisioning" (no personId) until Options.ProvisionDelay has passed since
// its creation, then "provisioned"; the status is computed on read from
// time.Now, so testing/synctest's fake clock drives it.
//
// A DELETE removes the subscriber at once: GET by id answers 404, a search
// no longer finds it, and the email can be provisioned again (under a new
// id). A second DELETE of the id answers 404 (the client decides whether
// that means "already removed"). consentMove answers 204 only for a
// subscriber whose status is "pending_user_migration" (+pending, or seeded
// so), which it leaves pending; any other status answers 409 with a Webex
// error body whose message says the subscriber is not pending user
// migration. Stats counts both per subscriber: DeletesByID and
// ConsentMovesByID the requests (retries included), Removed and
// ConsentsSent, per lower-cased email, what the fake actually did.
//
// # Changing a package (PUT)
//
// PUT /wholesale/subscribers/{id} takes the spec's body: packages (one item)
// or the deprecated package (any WholesalePackagesSubscriber value), not
// both, one of them required (a documented rule, 400), and
// provisioningParameters {primaryPhoneNumber, extension, locationId}. Only
// a provisioned subscriber can be changed ("updates ... a provisioned
// Wholesale subscriber"): any other status (pending_user_migration,
// provisioning, error) answers 409, message "The subscriber is not
// provisioned (status "..."): its package cannot be changed." A
// webex_meetings subscriber moving to a calling package (webex_calling,
// webex_suite, webex_voice, cx_essentials, webex_calling_standard) without
// a primaryPhoneNumber or extension answers 400 (a documented rule, as the
// spec's provisioningParameters description says). Otherwise the packages
// become the one asked for (package, too, when it is one of the deprecated
// field's six), lastStatusChange becomes now, the status stays provisioned,
// and the answer is 200 with the subscriber and a Location header. Asking
// for the package it already has answers 200 and changes nothing
// (lastStatusChange kept). Stats: Updates and UpdatesByID count the PUT
// requests routed (retries included), Updated, per lower-cased email, the
// PUTs that changed a package.
//
// # Lists
//
// The subscriber list answers in the spec's default order, created then
// creation, and filters on every parameter listed above: email, customerId,
// personId, externalCustomerId and status exactly (email ignoring case);
// after and lastStatusChange strictly after a moment given as epoch
// milliseconds or ISO 8601 (RFC 3339, or without zone, or a date; anything
// else is 400), a subscriber without lastStatusChange never matching the
// latter. A page is max items from offset; when more match, a Link
// rel="next" header names the next page (the same query, offset+max).
// Reading a listing page by page costs one page's work per page: the fake
// remembers where each page ended until the subscribers change.
//
// # Large customers
//
// Options.Bulk and Server.AddBulk seed many subscribers of one customer at
// once, e.g. Bulk{CustomerID: "big", N: 250000}: nothing is stored per
// subscriber (seeding takes microseconds, whatever N) until one is changed
// by a PUT or a DELETE, which stores that one alone. Subscriber i
// (1..N) has email user{i}@{Domain} (Domain defaults to bulk{K}.example, K
// the block's number from 1; AddBulk returns the Bulk with it filled in),
// the package Package (default webex_meetings), the status Status (default
// provisioned; a personId when provisioned), Created and lastStatusChange
// the block's Created (default: when it was added), the customer's
// externalId as a stored subscriber's, and ids shaped like the others'.
// They are listed (among stored subscribers, in created order), found by
// id or email, changed, removed and sent consent emails like stored ones,
// and Subscribers includes them (all N: costly for a large block);
// provisioning one of their emails answers 409.
// The emails carry no tags. Give each block its own Domain.
//
// # Customers
//
// The customer routes answer from a registry: Options.Customers, or
// DefaultCustomers() when that is nil (so --sandbox has them), plus
// Server.AddCustomer; Server.Customers is a snapshot. The list answers in
// registration order; externalId and orgId match exactly, and several
// customers may share an externalId (a look-up by it is then ambiguous).
// The defaults (DefaultCustomers), whose ids are unpadded base64url of
// ciscospark://us/ENTERPRISE/fa4ec000-0000-4000-8000-00000000000N:
//
//	N  externalId    status                   id
//	1  acme-001      provisioned              Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAx
//	2  globex-002    provisioning             Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAy
//	3  initech-003   provisioned              Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAz
//	4  initech-003   provisioned              Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDA0
//	5  umbrella-004  pending_rpl_review       Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDA1
//	6  hooli-005     provisioned_with_errors  Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvZmE0ZWMwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDA2
//
// Only provisioned and provisioned_with_errors customers have an orgId.
// Precheck and provision are unchanged by the registry: any customerId
// passes except one starting with "unknown"; a subscriber of a registered
// customer reports that customer's externalId as externalCustomerId, of
// another customer "ext-" + its id. Stats.CustomerListsByExternalID counts
// the list requests per externalId, so a test can assert one look-up each.
//
// # Snapshots
//
// Server.Snapshot writes the state as versioned JSON (SnapshotFormat,
// SnapshotVersion) and Server.Restore replaces a server's state with one,
// so the tool's --sandbox-state can keep the sandbox between runs: the
// stored subscribers (with their person ids, readiness times and creation
// order), the bulk blocks (their Bulk, and only the items that changed or
// were removed: a block of 250,000 stays small), the customers, the
// first-requests tags already spent, and the counters that number new
// subscriber and customer ids, so a restored server never gives an id
// twice. Stats, listing cursors, rate-limit tokens and OAuth tokens belong
// to one run and are not kept. Restore is all or nothing: a snapshot that
// is not JSON, of another format or version, or inconsistent is refused
// with an error wrapping ErrSnapshot, and the server keeps its state.
//
// # OAuth
//
// With Options.OAuth the fake also plays the Webex token endpoint, for the
// refresh_token and authorization_code grants (Webex's is
// https://webexapis.com/v1/access_token, the fake's
// {Running.URL}/access_token), and the authorization page before it (see
// Authorization below):
//
//	POST /v1/access_token
//	Content-Type: application/x-www-form-urlencoded
//
//	grant_type=refresh_token&client_id=...&client_secret=...&refresh_token=...
//
// The client id and secret may come as HTTP Basic credentials instead (form
// encoded first, as RFC 6749 section 2.3.1 says, or raw). A success answers
// 200 with Cache-Control: no-store and
//
//	{"access_token":"fake-access-...","expires_in":1209599,
//	 "refresh_token":"fake-refresh-...","refresh_token_expires_in":7775999,
//	 "token_type":"Bearer"}
//
// (expires_in is OAuth.AccessTTL in whole seconds rounded down as of a moment
// after issue, at least 1; likewise refresh_token_expires_in for RefreshTTL).
// Each refresh issues a new random access token and a new refresh token, and
// the refresh token used stops working at once (rotation); access tokens
// issued earlier keep working until they expire. Refusals are RFC 6749
// section 5.2 JSON, {"error":"...","error_description":"..."}, whose
// description never quotes a secret or token:
//
//	405 invalid_request          not a POST (Allow: POST)
//	400 invalid_request          wrong or no Content-Type, unreadable or repeated
//	                             fields, a missing (or empty) field, credentials both
//	                             in Basic and in the body, malformed Basic
//	400 unsupported_grant_type   a grant_type other than refresh_token
//	401 invalid_client           wrong client id or secret (WWW-Authenticate: Basic
//	                             when Basic was used)
//	400 invalid_grant            a refresh token unknown, already used, revoked or
//	                             expired (the description says which)
//
// The token endpoint is exempt from Options.FailureRate and Options.RateLimit
// and needs no bearer token. API calls then accept only unexpired access
// tokens the endpoint issued, and Options.Token if set (it never expires):
// any other bearer token is refused, even with Options.Token "". An expired
// access token gets the usual 401 Webex error body, its message saying the
// token expired. Tests steer it with Server.RevokeRefreshTokens,
// Server.ExpireAccessTokens and Server.LastRefreshToken, and read
// Stats.Refreshes and Stats.RefreshFailures. Expiry is computed from
// time.Now, so testing/synctest's fake clock drives it too. Faults of the
// endpoint itself: OAuth.FailFirst answers the first refreshes with an
// outage (503 or OAuth.FailStatus, with Retry-After OAuth.FailRetryAfter)
// and rotates nothing; OAuth.LateFirst rotates at once and answers
// OAuth.LateBy later, or never to a client that gave up.
//
// # Authorization
//
// GET /v1/authorize (with Options.OAuth; exempt from FailureRate, RateLimit
// and the bearer token, as the token endpoint) is a person who signs in and
// accepts at once:
//
//	GET /v1/authorize?client_id=...&response_type=code&redirect_uri=...
//	    &scope=...&state=...&code_challenge=...&code_challenge_method=S256
//
// answers 302 to redirect_uri with code=fake-code-... and the state. An
// unknown client_id, a repeated parameter or a redirect_uri not registered
// (OAuth.RedirectURIs exactly; with nil, any http URI on 127.0.0.1, [::1] or
// localhost) gets a 400 page, never a redirect. Otherwise the browser is sent
// back with error (and the state): unsupported_response_type for a
// response_type other than code, invalid_scope for no scope, invalid_request
// without PKCE (the fake requires code_challenge_method S256 and a 43-character
// challenge, so a client that forgets PKCE is caught; Webex accepts it),
// access_denied when OAuth.DenyConsent is set (the person declines). A code
// lives 10 minutes and is redeemed once:
//
//	grant_type=authorization_code&client_id=...&client_secret=...
//	&code=...&redirect_uri=...&code_verifier=...
//
// checked as a refresh is (405, 400 invalid_request for a missing field, 401
// invalid_client), then 400 invalid_grant for a code unknown, already used or
// expired, a redirect_uri other than the authorization's, or a code_verifier
// whose S256 digest is not the challenge. A refusal spends nothing. The answer
// is a refresh's plus "scope", the scopes granted. Stats.Authorizations and
// Stats.CodeGrants count codes issued and redeemed.
//
// Scopes: a token has the scopes its authorization asked for, and a refresh
// passes them on; the first refresh token has OAuth.Scopes (nil: every scope),
// as has Options.Token always. An API call whose token lacks its route's scope
// gets 403 with a Webex error body ("...missing required scopes...") after
// the token check: the customer routes need
// spark-admin:wholesale_customers_read, a GET of the subscriber routes
// spark-admin:wholesale_subscribers_read, any other call (precheck included)
// spark-admin:wholesale_subscribers_write. Stats.ScopeRefusals counts them.
package fakeapi
