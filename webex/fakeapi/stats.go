package fakeapi

import "maps"

// Stats counts what the fake saw and answered, so tests can assert on the
// client's behaviour (retries, pacing, no double provisioning) rather than
// only on its output.
type Stats struct {
	// Requests counts every request received, whatever its fate.
	Requests int
	// Prechecks, Provisions, Gets, Lists, Deletes and ConsentMoves count
	// requests routed to each operation: past the failure injection, rate
	// limit and token check, whatever they were answered.
	Prechecks, Provisions, Gets, Lists, Deletes, ConsentMoves int
	// Throttled429 counts 429 answers: the rate limit, ThrottleFirst and +throttle.
	Throttled429 int
	// RowThrottled429 counts those of ThrottleFirst (answered on the
	// precheck and provision routes, so also counted there).
	RowThrottled429 int
	// Injected503 counts 503 answers: Options.FailureRate and +flaky.
	Injected503 int
	// Unauthorized counts 401 answers to API calls: a missing, wrong or
	// (with Options.OAuth) expired bearer token. The token endpoint's
	// refusals, its 401 invalid_client included, count in RefreshFailures.
	Unauthorized int
	// Refreshes counts successful refreshes at /v1/access_token, and
	// RefreshFailures the requests it refused, whatever the error (always 0
	// without Options.OAuth).
	Refreshes, RefreshFailures int
	// Authorizations counts codes GET /v1/authorize issued, CodeGrants the
	// codes redeemed at /v1/access_token (refused ones count in
	// RefreshFailures), and ScopeRefusals the 403 answers to API calls
	// with a token lacking the route's scope.
	Authorizations, CodeGrants, ScopeRefusals int
	// Rejected counts bodies refused as not matching the spec: wrong media
	// type (415), malformed JSON, schema violations and the spec's prose
	// rules (400), and a non-empty body sent to DELETE (415) or consentMove
	// (400), which take none. Behaviour tags such as +badrequest are not
	// counted.
	Rejected int
	// PostsByEmail counts, per lower-cased email, the provision requests
	// whose body passed validation, whatever they were answered (200, 409,
	// 503 from +flaky...): a value above 1 means the client sent the same
	// subscriber again.
	PostsByEmail map[string]int
	// DeletesByID counts, per subscriber id in the path, the DELETE
	// requests routed, whatever they were answered (204, 404 for an id
	// unknown or already removed, 503 from +flaky...): a value above 1
	// means the client sent the same removal again, e.g. a retry.
	DeletesByID map[string]int
	// Removed counts, per lower-cased email, the subscribers the fake
	// actually deleted: one per 204, and one per +lost DELETE whose answer
	// was held. A value of 1 means the subscriber was removed exactly once
	// (it can only exceed 1 if the email was provisioned again and removed
	// again, under a new id).
	Removed map[string]int
	// ConsentMovesByID counts, per subscriber id in the path, the
	// consentMove requests routed, whatever they were answered (204, 404,
	// 409 not pending, 429 from +throttle...).
	ConsentMovesByID map[string]int
	// ConsentsSent counts, per lower-cased email, the consent emails the
	// fake "sent": one per consentMove it acted on (a 204, or a +lost
	// request whose answer was held). The request is not idempotent, so a
	// value above 1 means the subscriber got the email more than once.
	ConsentsSent map[string]int
	// Updates counts PUT requests routed, and UpdatesByID them per
	// subscriber id in the path, whatever they were answered (200, 404,
	// 409 not provisioned, 503 from +flaky...): a value above 1 means the
	// client sent the same change again.
	Updates     int
	UpdatesByID map[string]int
	// Updated counts, per lower-cased email, the PUTs that changed a
	// subscriber's package (a 200 giving the package it already had
	// changes nothing and is not counted; a +lost PUT is).
	Updated map[string]int
	// CustomerLists and CustomerGets count requests routed to GET
	// /wholesale/customers and GET /wholesale/customers/{id}, whatever
	// they were answered.
	CustomerLists, CustomerGets int
	// CustomerListsByExternalID counts, per externalId query value (as
	// sent), the customer list requests routed, whatever they were answered
	// (refusals, +flaky 503s and retries included): a value above 1 means
	// the client looked the same externalId up again.
	CustomerListsByExternalID map[string]int
	// MaxInFlight is the largest number of requests being served at once,
	// Latency waits included, to check a client's concurrency bound.
	MaxInFlight int
}

// newStats returns zero counters with their maps made.
func newStats() Stats {
	return Stats{PostsByEmail: map[string]int{}, DeletesByID: map[string]int{}, Removed: map[string]int{},
		ConsentMovesByID: map[string]int{}, ConsentsSent: map[string]int{}, CustomerListsByExternalID: map[string]int{},
		UpdatesByID: map[string]int{}, Updated: map[string]int{}}
}

// Stats returns a snapshot of the counters, safe to call while requests run.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	for _, m := range []*map[string]int{&st.PostsByEmail, &st.DeletesByID, &st.Removed, &st.ConsentMovesByID, &st.ConsentsSent, &st.CustomerListsByExternalID, &st.UpdatesByID, &st.Updated} {
		*m = maps.Clone(*m)
		if *m == nil {
			*m = map[string]int{}
		}
	}
	return st
}

// count applies f to the counters under the lock.
func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}
