package fakeapi

import "maps"

// Stats counts what the fake saw and answered, so tests can assert on the
// client's behaviour (retries, pacing, no double provisioning) rather than
// only on its output.
type Stats struct {
	// Requests counts every request received, whatever its fate.
	Requests int
	// Prechecks, Provisions, Gets and Lists count requests routed to each
	// operation: past the failure injection, rate limit and token check.
	Prechecks, Provisions, Gets, Lists int
	// Throttled429 counts 429 answers: the rate limit and +throttle.
	Throttled429 int
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
	// Rejected counts bodies refused as not matching the spec: wrong media
	// type (415), malformed JSON, schema violations and the spec's prose
	// rules (400). Behaviour tags such as +badrequest are not counted.
	Rejected int
	// PostsByEmail counts, per lower-cased email, the provision requests
	// whose body passed validation, whatever they were answered (200, 409,
	// 503 from +flaky...): a value above 1 means the client sent the same
	// subscriber again.
	PostsByEmail map[string]int
	// MaxInFlight is the largest number of requests being served at once,
	// Latency waits included, to check a client's concurrency bound.
	MaxInFlight int
}

// Stats returns a snapshot of the counters, safe to call while requests run.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.PostsByEmail = maps.Clone(s.stats.PostsByEmail)
	if st.PostsByEmail == nil {
		st.PostsByEmail = map[string]int{}
	}
	return st
}

// count applies f to the counters under the lock.
func (s *Server) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}
