package fakeapi

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Subscriber statuses the fake reports. The spec documents only provisioned
// and pending_user_migration; the other two are the ones related Webex APIs
// use and the API notes tell clients to expect.
const (
	// StatusProvisioned: the subscriber is fully provisioned.
	StatusProvisioned = "provisioned"
	// StatusProvisioning: created, not yet ready (Options.ProvisionDelay).
	StatusProvisioning = "provisioning"
	// StatusPendingUserMigration: a free account exists and the user must consent (+pending).
	StatusPendingUserMigration = "pending_user_migration"
	// StatusError: provisioning failed after the request was accepted (+subfail).
	StatusError = "error"
)

// ErrorItem is one entry of a Webex error body's "errors" or of a
// Subscriber's "errors" (components/schemas/Error). ErrorCode 0 is omitted,
// as the live API omits it on platform errors such as 401.
type ErrorItem struct {
	// ErrorCode identifies the reason; Webex publishes few of them.
	ErrorCode int `json:"errorCode,omitempty"`
	// Description is the human-readable reason.
	Description string `json:"description"`
}

// Subscriber is components/schemas/Subscriber: the JSON tags give the spec's
// shape, with empty fields left out as the spec's examples do.
type Subscriber struct {
	// ID is the subscriber id used in GET /wholesale/subscribers/{id}.
	ID string `json:"id"`
	// PersonID is the /people id; the spec: "Only presented when status is
	// provisioned", so it stays empty before that.
	PersonID string `json:"personId,omitempty"`
	// Email is stored as sent; lookups ignore its case.
	Email string `json:"email"`
	// CustomerID is the Wholesale customer the subscriber belongs to.
	CustomerID string `json:"customerId,omitempty"`
	// ExternalCustomerID is the customer's external id (invented by the fake).
	ExternalCustomerID string `json:"externalCustomerId,omitempty"`
	// Package is the deprecated single package, when it can hold the one assigned.
	Package string `json:"package,omitempty"`
	// Packages lists the assigned packages (one, today).
	Packages []string `json:"packages,omitempty"`
	// Status is one of the Status constants; clients must accept others.
	Status string `json:"status"`
	// Errors is non-empty when provisioning failed after being accepted.
	Errors []ErrorItem `json:"errors,omitempty"`
	// Created is when the subscriber was provisioned.
	Created time.Time `json:"created,omitzero"`
	// LastStatusChange is when Status last changed.
	LastStatusChange time.Time `json:"lastStatusChange,omitzero"`
}

// clone deep-copies the slices so snapshots never alias the live state.
func (s Subscriber) clone() Subscriber {
	s.Packages = slices.Clone(s.Packages)
	s.Errors = slices.Clone(s.Errors)
	return s
}

// record is a stored subscriber plus what is needed to compute its status on
// read, so no goroutine or timer has to flip it.
type record struct {
	sub      Subscriber
	personID string    // revealed once provisioned
	readyAt  time.Time // when a "provisioning" subscriber becomes "provisioned"; zero: never by itself
	seq      uint64    // creation order, to break ties between equal Created times
	gone     bool      // removed (or replaced): skipped by lists, compacted out of s.order
	bulk     *block    // the bulk block it came from, nil for others (see bulk.go)
}

// before orders records as the list answers them: by Created (the spec's
// default sortBy), then by creation.
func (r *record) before(o *record) bool {
	if c := r.sub.Created.Compare(o.sub.Created); c != 0 {
		return c < 0
	}
	return r.seq < o.seq
}

// view is the subscriber as a client sees it at now.
func (r *record) view(now time.Time) Subscriber {
	s := r.sub.clone()
	if s.Status == StatusProvisioning && !r.readyAt.IsZero() && !now.Before(r.readyAt) {
		s.Status = StatusProvisioned
		s.LastStatusChange = r.readyAt
	}
	if s.Status == StatusProvisioned {
		s.PersonID = r.personID
	}
	if tagsOf(s.Email)[tagNoChange] {
		s.LastStatusChange = time.Time{} // optional in the spec: left out
	}
	return s
}

// fakeIDs returns a subscriber id and person id shaped like Webex's: base64 of
// a ciscospark:// URI. The URL alphabet keeps them safe in paths.
func fakeIDs(n uint64) (id, personID string) {
	uuid := fmt.Sprintf("fa4e0000-0000-4000-8000-%012x", n)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte("ciscospark://us/SUBSCRIBER/" + uuid)),
		enc.EncodeToString([]byte("ciscospark://us/PEOPLE/" + uuid))
}

// externalIDFor is the customer's external id, which the real service holds
// but the request does not carry: the registered customer's, else invented.
func (s *Server) externalIDFor(customerID string) string {
	if customerID == "" {
		return ""
	}
	s.mu.Lock()
	c, ok := s.customers[customerID]
	s.mu.Unlock()
	if ok {
		return c.ExternalID
	}
	return "ext-" + customerID
}

// storeLocked adds sub under its lower-cased email, replacing any previous
// one. Callers hold s.mu.
func (s *Server) storeLocked(sub Subscriber, personID string, readyAt time.Time) *record {
	s.nextSeq++
	s.version++
	if old, ok := s.byEmail[strings.ToLower(sub.Email)]; ok {
		delete(s.byID, old.sub.ID)
		s.forgetLocked(old)
	}
	r := &record{sub: sub, personID: personID, readyAt: readyAt, seq: s.nextSeq}
	s.byEmail[strings.ToLower(sub.Email)] = r
	s.byID[sub.ID] = r
	if n := len(s.order); n > 0 && r.before(s.order[n-1]) {
		s.orderUnsorted = true // a seeded Created in the past: sorted on the next list
	}
	s.order = append(s.order, r)
	return r
}

// forgetLocked marks r gone, so lists skip it until s.order is compacted.
func (s *Server) forgetLocked(r *record) {
	if !r.gone {
		r.gone = true
		s.orderGone++
		s.version++
	}
}

// AddSubscriber pre-seeds the state, e.g. with a user who already exists so
// that prechecks and provisions of that email answer 409. Empty fields are
// filled in: ID and PersonID are generated, Status defaults to provisioned,
// Created to now and LastStatusChange to Created. A seeded "provisioning"
// subscriber becomes provisioned Options.ProvisionDelay after Created. An
// existing subscriber with the same email (case-insensitively) is replaced.
func (s *Server) AddSubscriber(sub Subscriber) {
	sub = sub.clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	id, personID := fakeIDs(s.nextSeq + 1)
	if sub.ID == "" {
		sub.ID = id
	}
	if sub.PersonID != "" {
		personID = sub.PersonID
	}
	if sub.Status == "" {
		sub.Status = StatusProvisioned
	}
	if sub.Created.IsZero() {
		sub.Created = time.Now().UTC()
	}
	if sub.LastStatusChange.IsZero() {
		sub.LastStatusChange = sub.Created
	}
	var readyAt time.Time
	if sub.Status == StatusProvisioning {
		readyAt = sub.Created.Add(s.opts.ProvisionDelay)
	}
	sub.PersonID = ""
	s.storeLocked(sub, personID, readyAt)
}

// Subscribers returns a snapshot of the state, sorted by email, with each
// status as a client would read it now.
func (s *Server) Subscribers() []Subscriber {
	now := time.Now()
	s.mu.Lock()
	out := make([]Subscriber, 0, len(s.byEmail))
	for _, r := range s.byEmail {
		out = append(out, r.view(now))
	}
	for _, b := range s.blocks {
		for i := 1; i <= b.N; i++ {
			if r := b.itemLocked(i); !r.gone {
				out = append(out, r.view(now))
			}
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Subscriber) int { return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) })
	return out
}

// lookup returns the subscriber with id as seen now.
func (s *Server) lookup(id string) (Subscriber, bool) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byIDLocked(id, false)
	if r == nil {
		return Subscriber{}, false
	}
	return r.view(now), true
}

// exists reports whether email is already in the state.
func (s *Server) exists(email string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byEmailLocked(email) != nil
}

// byIDLocked finds the subscriber id, bulk ones included; nil if unknown
// or removed. With change, a bulk subscriber is made a record of its own
// first, so that what the caller changes stays. Callers hold s.mu.
func (s *Server) byIDLocked(id string, change bool) *record {
	if r, ok := s.byID[id]; ok {
		return r
	}
	b, i := s.bulkItemByID(id)
	if b == nil {
		return nil
	}
	return b.live(i, change)
}

// byEmailLocked finds the subscriber with email (case-insensitively), bulk
// ones included; nil if none. Callers hold s.mu.
func (s *Server) byEmailLocked(email string) *record {
	if r, ok := s.byEmail[strings.ToLower(email)]; ok {
		return r
	}
	b, i := s.bulkItemByEmail(email)
	if b == nil {
		return nil
	}
	return b.live(i, false)
}

// create provisions sub unless its email is already in the state, checking
// and inserting under one lock so two concurrent POSTs of one email cannot
// both succeed. The ID, PersonID, Created and LastStatusChange of sub are
// filled in here; a "provisioning" status becomes "provisioned" after
// Options.ProvisionDelay. It returns the subscriber as seen now.
func (s *Server) create(sub Subscriber) (Subscriber, bool) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byEmailLocked(sub.Email) != nil {
		return Subscriber{}, false
	}
	id, personID := fakeIDs(s.nextSeq + 1)
	sub.ID = id
	sub.Created = now.UTC()
	sub.LastStatusChange = sub.Created
	var readyAt time.Time
	if sub.Status == StatusProvisioning {
		readyAt = sub.Created.Add(s.opts.ProvisionDelay)
	}
	return s.storeLocked(sub, personID, readyAt).view(now), true
}

// drop removes the subscriber with id, checking and deleting under one
// lock so that of two concurrent DELETEs only one removes it, and counts the
// removal in Stats.Removed. It returns the subscriber as it was.
func (s *Server) drop(id string) (Subscriber, bool) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byIDLocked(id, true)
	if r == nil {
		return Subscriber{}, false
	}
	key := strings.ToLower(r.sub.Email)
	if r.bulk == nil {
		delete(s.byID, id)
		if s.byEmail[key] == r {
			delete(s.byEmail, key)
		}
	}
	s.forgetLocked(r)
	s.stats.Removed[key]++
	return r.view(now), true
}

// sendConsent "sends" the consent email of the subscriber with id if its
// status, as seen now, is pending_user_migration, counting it in
// Stats.ConsentsSent; checked and counted under one lock so a concurrent
// DELETE cannot slip in between. It returns the subscriber as seen now and
// whether it exists.
func (s *Server) sendConsent(id string) (sub Subscriber, found, sent bool) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byIDLocked(id, false)
	if r == nil {
		return Subscriber{}, false, false
	}
	sub = r.view(now)
	if sub.Status != StatusPendingUserMigration {
		return sub, true, false
	}
	s.stats.ConsentsSent[strings.ToLower(sub.Email)]++
	return sub, true, true
}

// consent is the user accepting the consent email: the subscriber with id,
// if pending_user_migration, becomes provisioned now. It returns the
// subscriber as seen then and whether it was pending.
func (s *Server) consent(id string) (Subscriber, bool) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byIDLocked(id, true)
	if r == nil || r.view(now).Status != StatusPendingUserMigration {
		return Subscriber{}, false
	}
	s.version++
	r.sub.Status, r.sub.LastStatusChange, r.readyAt = StatusProvisioned, now.UTC(), time.Time{}
	return r.view(now), true
}
