package fakeapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Behaviour tags; see the package doc for what each one does.
const (
	tagExists     = "exists"
	tagInfoObj    = "infoobj"
	tagE500       = "e500"
	tagFlaky      = "flaky"
	tagThrottle   = "throttle"
	tagLocked     = "locked"
	tagSlow       = "slow"
	tagForbidden  = "forbidden"
	tagHTML       = "html"
	tagBadRequest = "badrequest"
	tagPending    = "pending"
	tagLost       = "lost"
	tagSubfail    = "subfail"

	// Answers the API never gives, as a proxy or a broken front gives them.
	tagHTML200   = "html200"
	tagCut200    = "cut200"
	tagSignIn    = "signin"
	tagOK200     = "ok200"
	tagNoItems   = "noitems"
	tagNoChange  = "nochange"
	tagConsented = "consented"
	tagTwin      = "twin"
)

// Durations of the slow behaviours: +slow's extra latency, and +lost's hold
// (of a provision, DELETE or consentMove answer), long enough that any sane
// client timeout fires first.
const (
	slowDelay = 1500 * time.Millisecond
	lostDelay = 30 * time.Second
)

// Codes the fake answers with. Only 10022 and infoCode 100 are published by
// Webex; the others are invented and their descriptions say so, so nobody
// mistakes them for real codes.
const (
	codeExists          = 10022
	codeInvalidPhone    = 10101 // fake
	codeProvisionFailed = 10110 // fake
	codeNoCustomer      = 10404 // fake
	infoPrecheckOK      = 100
)

// tagSet holds the lower-cased tags of an email.
type tagSet map[string]bool

// tagsOf reads the words after '+' in email's local part.
func tagsOf(email string) tagSet {
	local, _, _ := strings.Cut(email, "@")
	words := strings.Split(strings.ToLower(local), "+")
	t := tagSet{}
	for _, w := range words[1:] {
		t[w] = true
	}
	return t
}

// firstRequests lists the tags that spoil only an email's first n requests,
// in the order they fire when combined.
var firstRequests = []struct {
	tag string
	n   int
}{{tagThrottle, 1}, {tagLocked, 1}, {tagHTML, 1}, {tagFlaky, 2}, {tagHTML200, 1}, {tagCut200, 1}}

// fire reports whether tag still has one of its n spoiled requests left for
// email, and uses it up.
func (s *Server) fire(email, tag string, n int) bool {
	key := strings.ToLower(email) + "\x00" + tag
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fired[key] >= n {
		return false
	}
	s.fired[key]++
	return true
}

// transient applies the tags that act on every route (slow, e500, forbidden
// and the first-requests ones) and reports whether it answered.
func (s *Server) transient(x *exchange, email string) (answered bool) {
	if n := s.opts.ThrottleFirst; n > 0 && s.fire(email, "\x00throttle-first", n) {
		s.count(func(st *Stats) { st.Throttled429++; st.RowThrottled429++ })
		x.w.Header().Set("Retry-After", "1")
		x.empty(http.StatusTooManyRequests)
		return true
	}
	return s.transientFor(x, email, email)
}

// transientFor is transient for the tags of source (an email, or a
// customer's externalId), counting first-requests tags under key, so an
// externalId spelled like an email does not share that email's counts.
func (s *Server) transientFor(x *exchange, source, key string) (answered bool) {
	t := tagsOf(source)
	if t[tagSlow] && !sleep(x.r.Context(), slowDelay) {
		return true // the client left
	}
	switch {
	case t[tagE500]:
		x.fail(http.StatusInternalServerError, "Internal Server Error (fake +e500).",
			ErrorItem{Description: "Something went wrong on the server (fake +e500: retrying never helps)."})
		return true
	case t[tagForbidden]:
		x.fail(http.StatusForbidden, "The request is understood, but it has been refused or access is not allowed (fake +forbidden).")
		return true
	}
	for _, f := range firstRequests {
		if !t[f.tag] || !s.fire(key, f.tag, f.n) {
			continue
		}
		switch f.tag {
		case tagThrottle:
			s.count(func(st *Stats) { st.Throttled429++ })
			x.w.Header().Set("Retry-After", "1")
			x.empty(http.StatusTooManyRequests)
		case tagLocked:
			x.w.Header().Set("Retry-After", "1")
			x.fail(http.StatusLocked, "The requested resource is temporarily unavailable (fake +locked).")
		case tagHTML:
			x.w.Header().Set("Content-Type", "text/html; charset=utf-8")
			x.w.WriteHeader(http.StatusBadGateway)
			_, _ = x.w.Write([]byte("<html><head><title>502 Bad Gateway</title></head>" +
				"<body><center><h1>502 Bad Gateway</h1></center></body></html>\n"))
		case tagFlaky:
			s.count(func(st *Stats) { st.Injected503++ })
			x.empty(http.StatusServiceUnavailable)
		case tagHTML200:
			x.html(http.StatusOK, errorPage)
		case tagCut200:
			x.w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			x.w.WriteHeader(http.StatusOK)
			_, _ = x.w.Write([]byte(`{"message":"succ`))
		}
		return true
	}
	return false
}

// Pages a proxy in front of the API answers with 200 instead of passing
// the request on.
const (
	errorPage  = "<!DOCTYPE html><html><head><title>Service unavailable</title></head><body><p>Please try again later.</p></body></html>\n"
	signInPage = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method=\"post\" action=\"/login\">" +
		"<input name=\"user\"><input name=\"password\" type=\"password\"></form></body></html>\n"
)

// frontAnswered applies +signin and +ok200 to a write (provision, DELETE,
// consentMove): a front that answers 200 itself and passes nothing on. It
// reports whether it answered.
func (s *Server) frontAnswered(x *exchange, email string, ok200 bool) bool {
	t := tagsOf(email)
	switch {
	case t[tagSignIn]:
		x.html(http.StatusOK, signInPage)
		return true
	case ok200 && t[tagOK200]:
		x.json(http.StatusOK, map[string]any{})
		return true
	}
	return false
}

// screen applies what precheck and provision share after the body is valid:
// the email's shape, the transient tags, +badrequest, an unknown customer,
// and +exists or an email already provisioned. It reports whether it
// answered.
func (s *Server) screen(x *exchange, email string, body map[string]any) (answered bool) {
	if local, domain, ok := strings.Cut(email, "@"); !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		x.fail(http.StatusBadRequest, "Invalid email address.")
		return true
	}
	if s.transient(x, email) {
		return true
	}
	t := tagsOf(email)
	if t[tagBadRequest] {
		x.fail(http.StatusBadRequest, "Invalid phone number",
			ErrorItem{ErrorCode: codeInvalidPhone, Description: "Invalid phone number (fake API code 10101, not a published Webex code)."})
		return true
	}
	if customerID, _ := body["customerId"].(string); strings.HasPrefix(customerID, "unknown") {
		x.fail(http.StatusNotFound, "Customer not found",
			ErrorItem{ErrorCode: codeNoCustomer, Description: "Customer not found (fake API code 10404, not a published Webex code)."})
		return true
	}
	if t[tagExists] || s.exists(email) {
		x.fail(http.StatusConflict, "The email is already associated with an existing user.",
			ErrorItem{ErrorCode: codeExists, Description: "The email is already associated with an existing user."})
		return true
	}
	return false
}

// precheckInfo is one ProvisioningPreCheckResponseInfo.
type precheckInfo struct {
	InfoCode    int    `json:"infoCode"`
	Description string `json:"description"`
}

// precheck serves POST /wholesale/subscribers/validate.
func (s *Server) precheck(x *exchange) {
	body, ok := s.readBody(x)
	if !ok {
		return
	}
	email := body["email"].(string) // required string, per the schema
	if s.screen(x, email, body) {
		return
	}
	info := passedPrecheck
	if tagsOf(email)[tagInfoObj] {
		x.json(http.StatusOK, map[string]any{"message": "success", "info": info})
		return
	}
	x.json(http.StatusOK, map[string]any{"message": "success", "info": []precheckInfo{info}})
}

// provision serves POST /wholesale/subscribers.
func (s *Server) provision(x *exchange) {
	body, ok := s.readBody(x)
	if !ok {
		return
	}
	email := body["email"].(string) // required string, per the schema
	s.count(func(st *Stats) { st.PostsByEmail[strings.ToLower(email)]++ })
	if s.screen(x, email, body) {
		return
	}
	if s.frontAnswered(x, email, false) {
		return
	}
	t := tagsOf(email)
	customerID := body["customerId"].(string) // required string, per the schema
	sub := Subscriber{
		Email:              email,
		CustomerID:         customerID,
		ExternalCustomerID: s.externalIDFor(customerID),
		Status:             StatusProvisioning,
	}
	sub.Package, sub.Packages = packagesOf(body)
	status := http.StatusOK
	switch {
	case t[tagPending]:
		sub.Status, status = StatusPendingUserMigration, http.StatusAccepted
	case t[tagSubfail]:
		sub.Status = StatusError
		sub.Errors = []ErrorItem{{ErrorCode: codeProvisionFailed,
			Description: "Provisioning of the subscriber failed (fake API code 10110, not a published Webex code)."}}
	}
	created, ok := s.create(sub)
	if !ok { // a concurrent POST of the same email won the race
		x.fail(http.StatusConflict, "The email is already associated with an existing user.",
			ErrorItem{ErrorCode: codeExists, Description: "The email is already associated with an existing user."})
		return
	}
	if t[tagLost] && !sleep(x.r.Context(), lostDelay) {
		return // created, but the client never hears of it: an in-doubt POST
	}
	x.w.Header().Set("Location", baseURL(x.r)+pathSubscribers+"/"+created.ID)
	x.json(status, created)
}

// packagesOf fills both package fields as the spec's examples show them: the
// packages list (from packages, or from the deprecated package), and package
// when the one item is also in package's narrower enum.
func packagesOf(body map[string]any) (pkg string, pkgs []string) {
	if p, ok := body["package"].(string); ok {
		return p, []string{p}
	}
	list, _ := body["packages"].([]any)
	for _, item := range list {
		pkgs = append(pkgs, item.(string)) // items are strings, per the schema
	}
	for _, legacy := range legacyPackages {
		if len(pkgs) == 1 && pkgs[0] == legacy {
			pkg = legacy
		}
	}
	return pkg, pkgs
}

// get serves GET /wholesale/subscribers/{id}.
func (s *Server) get(x *exchange, id string) {
	sub, ok := s.lookup(id)
	if !ok {
		x.fail(http.StatusNotFound, "Subscriber not found.")
		return
	}
	if s.transient(x, sub.Email) {
		return
	}
	if again, ok := s.lookup(id); ok { // +slow may have waited past ProvisionDelay
		sub = again
	}
	x.json(http.StatusOK, sub)
}

// list serves GET /wholesale/subscribers.
func (s *Server) list(x *exchange) {
	q := x.r.URL.Query() // checkQuery already proved it parses
	limit, offset := 50, 0
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			x.fail(http.StatusBadRequest, "max must be an integer from 1 to 100.")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			x.fail(http.StatusBadRequest, "offset must be a non-negative integer.")
			return
		}
		offset = n
	}
	f := listFilter{
		email:              q.Get("email"),
		customerID:         q.Get("customerId"),
		personID:           q.Get("personId"),
		externalCustomerID: q.Get("externalCustomerId"),
		status:             q.Get("status"),
	}
	for name, at := range map[string]*time.Time{"after": &f.after, "lastStatusChange": &f.changedAfter} {
		if v := q.Get(name); v != "" {
			t, ok := parseMoment(v)
			if !ok {
				x.fail(http.StatusBadRequest, name+" must be epoch milliseconds or an ISO 8601 date and time.")
				return
			}
			*at = t
		}
	}
	if f.email != "" && s.transient(x, f.email) {
		return
	}
	if f.email != "" && tagsOf(f.email)[tagNoItems] {
		x.json(http.StatusOK, map[string]any{})
		return
	}
	page, more := s.search(f, offset, limit)
	if f.email != "" && tagsOf(f.email)[tagTwin] && !more {
		page = append(page, twins(page, f)...)
	}
	if more {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("max", strconv.Itoa(limit))
		next.Set("offset", strconv.Itoa(offset+limit))
		x.w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, baseURL(x.r), pathSubscribers, next.Encode()))
	}
	x.json(http.StatusOK, map[string]any{"items": page})
}

// remove serves DELETE /wholesale/subscribers/{id}, which "removes the
// mapping between Wholesale Subscriber and a Webex user": 204 with no body,
// after which the id is unknown (404) and the email free to provision again.
// A request body is refused (bodyless). The transient tags of the
// subscriber's email apply first; with +lost the subscriber is removed, then
// the answer held like a +lost provision's.
func (s *Server) remove(x *exchange, id string) {
	if !s.bodyless(x, http.StatusUnsupportedMediaType) {
		return
	}
	sub, ok := s.lookup(id)
	if !ok {
		x.fail(http.StatusNotFound, "Subscriber not found.")
		return
	}
	if s.transient(x, sub.Email) || s.frontAnswered(x, sub.Email, true) {
		return
	}
	if _, ok := s.drop(id); !ok { // a concurrent DELETE won, e.g. during +slow
		x.fail(http.StatusNotFound, "Subscriber not found.")
		return
	}
	if tagsOf(sub.Email)[tagLost] && !sleep(x.r.Context(), lostDelay) {
		return // removed, but the client never hears of it
	}
	x.noContent()
}

// consentMove serves POST /subscribers/{id}/emails/consentMove, which sends
// the consent email to a subscriber in pending_user_migration: 204 with no
// body, 409 when the subscriber is in another status. The spec defines no
// request body: an empty one passes whatever its Content-Type, any other is
// refused (bodyless). The transient tags of the subscriber's email apply
// first; with +lost the email is "sent" (counted), then the answer held.
func (s *Server) consentMove(x *exchange, id string) {
	if !s.bodyless(x, http.StatusBadRequest) {
		return
	}
	sub, ok := s.lookup(id)
	if !ok {
		x.fail(http.StatusNotFound, "Subscriber not found.")
		return
	}
	if s.transient(x, sub.Email) || s.frontAnswered(x, sub.Email, true) {
		return
	}
	if tagsOf(sub.Email)[tagConsented] {
		// The user accepted the consent email a moment ago.
		if sub, ok := s.consent(id); ok {
			x.fail(http.StatusBadRequest, fmt.Sprintf("The subscriber is not pending user migration (status %q): no consent email was sent.", sub.Status))
			return
		}
	}
	sub, found, sent := s.sendConsent(id) // again: +slow may have waited past a change
	switch {
	case !found:
		x.fail(http.StatusNotFound, "Subscriber not found.")
		return
	case !sent:
		x.fail(http.StatusConflict, fmt.Sprintf("The subscriber is not pending user migration (status %q): no consent email was sent.", sub.Status))
		return
	}
	if tagsOf(sub.Email)[tagLost] && !sleep(x.r.Context(), lostDelay) {
		return // sent, but the client never hears of it: an in-doubt POST
	}
	x.noContent()
}

// twins are +twin's second subscribers with the same email, one for each
// of page, in another customer ("twin-" + its customerId) and pending user
// migration. They live only in search answers: a GET of their id is 404.
func twins(page []Subscriber, f listFilter) []Subscriber {
	var out []Subscriber
	for _, sub := range page {
		tw := sub.clone()
		tw.ID, tw.PersonID = sub.ID+"-twin", ""
		tw.CustomerID, tw.ExternalCustomerID = "twin-"+sub.CustomerID, "twin-"+sub.ExternalCustomerID
		tw.Status = StatusPendingUserMigration
		if f.match(tw) {
			out = append(out, tw)
		}
	}
	return out
}
