package fakeapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// SnapshotFormat and SnapshotVersion head every snapshot, so Restore can
// tell a snapshot from another JSON file and from one of a later format.
const (
	SnapshotFormat  = "wholesale-batch fakeapi state"
	SnapshotVersion = 1
)

// snapshot is the JSON shape of Server.Snapshot: everything a later run
// needs to answer as if it had been running all along (subscribers, bulk
// blocks and what changed in them, customers, the first-requests tags
// already spent, the counters that number new ids). Stats, rate-limit
// tokens, listing cursors and OAuth tokens are per run and not kept.
type snapshot struct {
	Format      string         `json:"format"`
	Version     int            `json:"version"`
	Saved       time.Time      `json:"saved"`
	NextSeq     uint64         `json:"nextSeq"`
	CustomerSeq uint64         `json:"customerSeq"`
	Customers   []Customer     `json:"customers"`
	Subscribers []snapRecord   `json:"subscribers"`
	Blocks      []snapBlock    `json:"blocks,omitempty"`
	Fired       map[string]int `json:"fired,omitempty"`
}

// snapRecord is a stored record. PersonID is kept apart from the
// subscriber's own field, which stays empty until it is provisioned.
type snapRecord struct {
	Subscriber Subscriber `json:"subscriber"`
	PersonID   string     `json:"personId"`
	ReadyAt    time.Time  `json:"readyAt,omitzero"`
	Seq        uint64     `json:"seq"`
}

// snapBlock is a bulk block: its Bulk, and the items that changed (Gone:
// removed). The items that did not change are generated again on read.
type snapBlock struct {
	Bulk       Bulk       `json:"bulk"`
	ExternalID string     `json:"externalId"`
	FirstSeq   uint64     `json:"firstSeq"`
	Changed    []snapItem `json:"changed,omitempty"`
}

// snapItem is item Item of a block as it was changed.
type snapItem struct {
	Item   int        `json:"item"`
	Gone   bool       `json:"gone,omitempty"`
	Record snapRecord `json:"record"`
}

// Snapshot writes the server's state as versioned JSON, for Restore into
// a later Server: the tool's --sandbox-state keeps the sandbox between
// runs with it. Stats, listing cursors and OAuth tokens are not included.
func (s *Server) Snapshot(w io.Writer) error {
	s.mu.Lock()
	snap := snapshot{Format: SnapshotFormat, Version: SnapshotVersion, Saved: time.Now().UTC(),
		NextSeq: s.nextSeq, CustomerSeq: s.customerSeq, Fired: maps.Clone(s.fired)}
	for _, id := range s.customerOrder {
		snap.Customers = append(snap.Customers, s.customers[id].clone(true))
	}
	for _, r := range s.byID {
		snap.Subscribers = append(snap.Subscribers, snapOf(r))
	}
	for _, b := range s.blocks {
		sb := snapBlock{Bulk: b.Bulk, ExternalID: b.externalID, FirstSeq: b.firstSeq}
		for _, i := range b.touched {
			r := b.over[i]
			sb.Changed = append(sb.Changed, snapItem{Item: i, Gone: r.gone, Record: snapOf(r)})
		}
		snap.Blocks = append(snap.Blocks, sb)
	}
	s.mu.Unlock()
	slices.SortFunc(snap.Subscribers, func(a, b snapRecord) int { return cmp.Compare(a.Seq, b.Seq) })
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(snap)
}

func snapOf(r *record) snapRecord {
	return snapRecord{Subscriber: r.sub.clone(), PersonID: r.personID, ReadyAt: r.readyAt, Seq: r.seq}
}

// ErrSnapshot is wrapped by every error of Restore about the snapshot's
// content (not JSON, another format or version, inconsistent), as opposed
// to an error reading r.
var ErrSnapshot = errors.New("not a usable fake API snapshot")

// Restore replaces the server's subscribers, bulk blocks, customers and
// spent first-requests tags with those of a snapshot Snapshot wrote. It is
// all or nothing: a snapshot that is not JSON, of another format or
// version, or inconsistent (two subscribers with one email or id, an id
// counter behind the ids it gave) leaves the server as it was and returns
// an error wrapping ErrSnapshot that says what is wrong.
func (s *Server) Restore(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	var snap snapshot
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: more after the JSON object", ErrSnapshot)
	}
	if snap.Format != SnapshotFormat {
		return fmt.Errorf("%w: format %q, want %q", ErrSnapshot, snap.Format, SnapshotFormat)
	}
	if snap.Version != SnapshotVersion {
		return fmt.Errorf("%w: version %d, this build reads version %d", ErrSnapshot, snap.Version, SnapshotVersion)
	}
	st, err := snap.build()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSnapshot, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byEmail, s.byID, s.order, s.blocks = st.byEmail, st.byID, st.order, st.blocks
	s.orderUnsorted, s.orderGone = true, 0
	s.customers, s.customerOrder = st.customers, st.customerOrder
	s.nextSeq, s.customerSeq = snap.NextSeq, snap.CustomerSeq
	s.fired = maps.Clone(snap.Fired)
	if s.fired == nil {
		s.fired = map[string]int{}
	}
	s.version++
	clear(s.cursors)
	return nil
}

// restored is the state a snapshot builds, checked before it replaces the
// server's.
type restored struct {
	byEmail, byID map[string]*record
	order         []*record
	blocks        []*block
	customers     map[string]Customer
	customerOrder []string
}

// build checks the snapshot and makes the server's state of it.
func (snap *snapshot) build() (*restored, error) {
	st := &restored{byEmail: map[string]*record{}, byID: map[string]*record{}, customers: map[string]Customer{}}
	for i, c := range snap.Customers {
		if c.ID == "" {
			return nil, fmt.Errorf("customer %d has no id", i+1)
		}
		if _, dup := st.customers[c.ID]; dup {
			return nil, fmt.Errorf("customer id %s appears twice", c.ID)
		}
		st.customers[c.ID] = c.clone(true)
		st.customerOrder = append(st.customerOrder, c.ID)
	}
	for i, sr := range snap.Subscribers {
		r, err := sr.record(snap.NextSeq)
		if err != nil {
			return nil, fmt.Errorf("subscriber %d: %v", i+1, err)
		}
		key := strings.ToLower(r.sub.Email)
		if _, dup := st.byEmail[key]; dup {
			return nil, fmt.Errorf("subscriber %d: email %s appears twice", i+1, r.sub.Email)
		}
		if _, dup := st.byID[r.sub.ID]; dup {
			return nil, fmt.Errorf("subscriber %d: id %s appears twice", i+1, r.sub.ID)
		}
		st.byEmail[key], st.byID[r.sub.ID] = r, r
		st.order = append(st.order, r)
	}
	for k, sb := range snap.Blocks {
		b, err := sb.block(k+1, snap.NextSeq)
		if err != nil {
			return nil, fmt.Errorf("bulk block %d: %v", k+1, err)
		}
		st.blocks = append(st.blocks, b)
	}
	return st, nil
}

// record checks one stored subscriber against the id counter.
func (sr snapRecord) record(nextSeq uint64) (*record, error) {
	sub := sr.Subscriber.clone()
	switch {
	case sub.ID == "":
		return nil, errors.New("no id")
	case strings.Count(sub.Email, "@") != 1:
		return nil, fmt.Errorf("email %q is not an address", sub.Email)
	case sub.Status == "":
		return nil, errors.New("no status")
	case sr.Seq == 0 || sr.Seq > nextSeq:
		return nil, fmt.Errorf("seq %d is not one the counter (nextSeq %d) gave", sr.Seq, nextSeq)
	}
	sub.PersonID = "" // revealed on read, from the record's
	return &record{sub: sub, personID: sr.PersonID, readyAt: sr.ReadyAt, seq: sr.Seq}, nil
}

// block checks one bulk block and makes it number no.
func (sb snapBlock) block(no int, nextSeq uint64) (*block, error) {
	bk := sb.Bulk
	if bk.N < 0 || bk.Domain == "" || bk.Package == "" || bk.Status == "" {
		return nil, errors.New("incomplete (N, domain, package and status are required)")
	}
	if sb.FirstSeq+uint64(bk.N) > nextSeq {
		return nil, fmt.Errorf("its seqs end past the counter (nextSeq %d)", nextSeq)
	}
	b := &block{Bulk: bk, no: no, externalID: sb.ExternalID, pkgs: []string{bk.Package}, firstSeq: sb.FirstSeq, over: map[int]*record{}}
	for _, legacy := range legacyPackages {
		if bk.Package == legacy {
			b.pkg = legacy
		}
	}
	for _, it := range sb.Changed {
		if it.Item < 1 || it.Item > bk.N {
			return nil, fmt.Errorf("changed item %d is not in 1..%d", it.Item, bk.N)
		}
		if _, dup := b.over[it.Item]; dup {
			return nil, fmt.Errorf("changed item %d appears twice", it.Item)
		}
		r, err := it.Record.record(nextSeq)
		if err != nil {
			return nil, fmt.Errorf("changed item %d: %v", it.Item, err)
		}
		if want, _ := bulkIDs(no, it.Item); r.sub.ID != want {
			return nil, fmt.Errorf("changed item %d has id %s, not its own", it.Item, r.sub.ID)
		}
		r.bulk, r.gone = b, it.Gone
		b.over[it.Item] = r
		b.touched = append(b.touched, it.Item)
	}
	slices.Sort(b.touched)
	return b, nil
}
