package fakeapi

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bulk describes many subscribers of one customer, seeded at once and
// generated on read rather than stored: a block of 250,000 costs no memory
// and no time until one of them is changed (a PUT, a DELETE, a consent),
// when that one alone becomes a stored record. See the package doc.
type Bulk struct {
	// CustomerID is the customer they belong to (required).
	CustomerID string
	// N is how many: user1@Domain ... userN@Domain.
	N int
	// Package is every subscriber's one package; "" means webex_meetings.
	Package string
	// Status is every subscriber's status; "" means provisioned.
	Status string
	// Domain is the emails' domain; "" means bulkK.example, K the block's
	// number (1 for the server's first block).
	Domain string
	// Created is when they were created (their lastStatusChange too);
	// zero means when the block is added.
	Created time.Time
}

// block is a Bulk being served. Item i (1..n) is generated from i; what
// changed lives in over.
type block struct {
	Bulk
	no         int
	externalID string
	pkg        string   // the deprecated package field, when Package fits its enum
	pkgs       []string // shared by every generated item: never changed in place
	firstSeq   uint64   // item i has seq firstSeq+i
	over       map[int]*record
	touched    []int // the keys of over, sorted, so a listing finds the next at once
}

// bulkIDPrefix starts the decoded id of every bulk subscriber.
const bulkIDPrefix = "ciscospark://us/SUBSCRIBER/fa4eb000-"

// bulkIDs returns the subscriber and person ids of item i of block no.
func bulkIDs(no, i int) (id, personID string) {
	// Built by hand, not with Sprintf: a page of a large block makes 100.
	uuid := make([]byte, 0, 36)
	uuid = append(uuid, "fa4eb000-"...)
	uuid = hexPad(uuid, uint64(no), 4)
	uuid = append(uuid, "-4000-8000-"...)
	uuid = hexPad(uuid, uint64(i), 12)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(append([]byte("ciscospark://us/SUBSCRIBER/"), uuid...)),
		enc.EncodeToString(append([]byte("ciscospark://us/PEOPLE/"), uuid...))
}

// hexPad appends v in lower-case hex, zero-padded to width digits.
func hexPad(b []byte, v uint64, width int) []byte {
	h := strconv.FormatUint(v, 16)
	for range width - len(h) {
		b = append(b, '0')
	}
	return append(b, h...)
}

// AddBulk seeds b's N subscribers and returns b with its defaults filled
// in (Domain, so a test knows the emails). They are listed, looked up by
// id or email, updated, removed and sent consent emails like any other;
// provisioning one of their emails answers 409. N <= 0 adds none.
func (s *Server) AddBulk(b Bulk) Bulk {
	if b.Package == "" {
		b.Package = "webex_meetings"
	}
	if b.Status == "" {
		b.Status = StatusProvisioned
	}
	if b.Created.IsZero() {
		b.Created = time.Now().UTC()
	}
	ext := s.externalIDFor(b.CustomerID)
	s.mu.Lock()
	defer s.mu.Unlock()
	bl := &block{Bulk: b, no: len(s.blocks) + 1, externalID: ext, pkgs: []string{b.Package}, over: map[int]*record{}}
	if bl.Domain == "" {
		bl.Domain = fmt.Sprintf("bulk%d.example", bl.no)
	}
	bl.Domain = strings.ToLower(bl.Domain)
	for _, legacy := range legacyPackages {
		if b.Package == legacy {
			bl.pkg = legacy
		}
	}
	bl.firstSeq = s.nextSeq
	s.nextSeq += uint64(max(b.N, 0))
	s.blocks = append(s.blocks, bl)
	s.version++
	return bl.Bulk
}

// itemLocked is item i as it is now: its stored record once changed (gone
// if removed), else generated.
func (b *block) itemLocked(i int) *record {
	if r, ok := b.over[i]; ok {
		return r
	}
	id, personID := bulkIDs(b.no, i)
	return &record{seq: b.firstSeq + uint64(i), personID: personID, bulk: b, sub: Subscriber{
		ID: id, Email: "user" + strconv.Itoa(i) + "@" + b.Domain, CustomerID: b.CustomerID, ExternalCustomerID: b.externalID,
		Package: b.pkg, Packages: b.pkgs, Status: b.Status, Created: b.Created, LastStatusChange: b.Created,
	}}
}

// live is item i unless removed (nil); with change it is stored first, so
// that a change made to it stays.
func (b *block) live(i int, change bool) *record {
	r := b.itemLocked(i)
	if r.gone {
		return nil
	}
	if _, stored := b.over[i]; change && !stored {
		b.over[i] = r
		at, _ := slices.BinarySearch(b.touched, i)
		b.touched = slices.Insert(b.touched, at, i)
	}
	return r
}

// bulkItemByID finds the block and item an id names, or nil.
func (s *Server) bulkItemByID(id string) (*block, int) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || !strings.HasPrefix(string(raw), bulkIDPrefix) {
		return nil, 0
	}
	var no, i int
	if _, err := fmt.Sscanf(strings.TrimPrefix(string(raw), bulkIDPrefix), "%04x-4000-8000-%012x", &no, &i); err != nil {
		return nil, 0
	}
	if no < 1 || no > len(s.blocks) || i < 1 || i > s.blocks[no-1].N {
		return nil, 0
	}
	if want, _ := bulkIDs(no, i); want != id {
		return nil, 0 // same numbers, other spelling: not an id the fake gave
	}
	return s.blocks[no-1], i
}

// bulkItemByEmail finds the block and item an email names, or nil.
func (s *Server) bulkItemByEmail(email string) (*block, int) {
	local, domain, ok := strings.Cut(strings.ToLower(email), "@")
	digits, isUser := strings.CutPrefix(local, "user")
	if !ok || !isUser || digits == "" || digits[0] == '0' {
		return nil, 0
	}
	i, err := strconv.Atoi(digits)
	if err != nil {
		return nil, 0
	}
	for _, b := range s.blocks {
		if b.Domain == domain && i >= 1 && i <= b.N {
			return b, i
		}
	}
	return nil, 0
}
