package fakeapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listAll follows the fake's Link headers from target and returns every
// item and the number of pages.
func listAll(t *testing.T, s *Server, target string) ([]Subscriber, int) {
	t.Helper()
	var all []Subscriber
	pages := 0
	for target != "" {
		w := call(t, s, "GET", target, nil)
		if w.Code != 200 {
			t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
		}
		all = append(all, decodeList(t, w)...)
		pages++
		next := nextLink(t, w)
		target = strings.TrimPrefix(next, "http://example.com")
	}
	return all, pages
}

func emails(subs []Subscriber) string {
	var out []string
	for _, s := range subs {
		out = append(out, strings.Split(s.Email, "@")[0])
	}
	return strings.Join(out, ",")
}

// seedMixed is a customer c1 of stored and bulk subscribers whose Created
// times interleave, and one subscriber of c2:
//
//	a (c1, T-3h)  user1..user250 (c1 bulk, T-150m)  b (c1 pending, T-2h)  c (c2, T-1h)  d+nochange (c1, T-30m)
func seedMixed(t *testing.T) (*Server, time.Time, Bulk) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	s := New(Options{})
	s.AddSubscriber(Subscriber{Email: "a@acme.com", CustomerID: "c1", ExternalCustomerID: "ext-c1", Packages: []string{"webex_calling"}, Created: now.Add(-3 * time.Hour)})
	s.AddSubscriber(Subscriber{Email: "b@acme.com", CustomerID: "c1", ExternalCustomerID: "ext-c1", Status: StatusPendingUserMigration, Created: now.Add(-2 * time.Hour)})
	b := s.AddBulk(Bulk{CustomerID: "c1", N: 250, Created: now.Add(-150 * time.Minute)})
	s.AddSubscriber(Subscriber{Email: "c@acme.com", CustomerID: "c2", Created: now.Add(-time.Hour)})
	s.AddSubscriber(Subscriber{Email: "d+nochange@acme.com", CustomerID: "c1", ExternalCustomerID: "ext-c1", Created: now.Add(-30 * time.Minute)})
	return s, now, b
}

func bulkNames(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, "user"+strconv.Itoa(i))
	}
	return out
}

func TestListFilters(t *testing.T) {
	s, now, b := seedMixed(t)
	c1 := strings.Join(append(append([]string{"a"}, bulkNames(1, 250)...), "b", "d+nochange"), ",")
	ms := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	cases := []struct {
		name  string
		query string
		want  string // the emails' local parts, in order, over every page
		pages int
	}{
		{"customer, pages of 100 by Link", "customerId=c1&max=100", c1, 3},
		{"customer, default max 50", "customerId=c1", c1, 6},
		{"externalCustomerId", "externalCustomerId=ext-c1&max=100", c1, 3},
		{"status", "customerId=c1&status=pending_user_migration&max=100", "b", 1},
		{"status provisioned", "customerId=c1&status=provisioned&max=100", strings.Join(append(append([]string{"a"}, bulkNames(1, 250)...), "d+nochange"), ","), 3},
		{"other customer", "customerId=c2&max=100", "c", 1},
		{"unknown customer", "customerId=nope", "", 1},
		{"everyone", "max=100", strings.Join(append(append([]string{"a"}, bulkNames(1, 250)...), "b", "c", "d+nochange"), ","), 3},
		{"email of a bulk subscriber", "email=USER7%40" + b.Domain, "user7", 1},
		{"email and customer", "email=user7%40" + b.Domain + "&customerId=c2", "", 1},
		{"offset without Link", "customerId=c1&max=100&offset=250", "user250,b,d+nochange", 1},
		{"after, epoch ms", "after=" + ms(-2*time.Hour-time.Millisecond), "b,c,d+nochange", 1},
		{"after, ISO 8601", "after=" + url.QueryEscape(now.Add(-150*time.Minute).Format(time.RFC3339Nano)) + "&customerId=c1", "b,d+nochange", 1},
		{"lastStatusChange: none is not after", "lastStatusChange=" + ms(-90*time.Minute), "c", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, pages := listAll(t, s, subsURL+"?"+c.query)
			if emails(got) != c.want || pages != c.pages {
				t.Errorf("%d pages: %.300s\nwant %d: %.300s", pages, emails(got), c.pages, c.want)
			}
		})
	}
	for _, q := range []string{"after=yesterday", "lastStatusChange=2024-13-01", "max=0", "max=101", "offset=-1"} {
		if w := call(t, s, "GET", subsURL+"?"+q, nil); w.Code != 400 {
			t.Errorf("%s: %d, want 400", q, w.Code)
		}
	}
}

// TestListAfterChanges: a listing read page by page sees removals and new
// subscribers made between its pages (no stale resume point), and bulk
// subscribers behave as stored ones.
func TestListAfterChanges(t *testing.T) {
	s, _, b := seedMixed(t)
	w := call(t, s, "GET", subsURL+"?customerId=c1&max=100", nil)
	next := strings.TrimPrefix(nextLink(t, w), "http://example.com")
	// user150 is on the second page: removed before it is read.
	victim := decodeList(t, call(t, s, "GET", subsURL+"?email=user150%40"+b.Domain, nil))[0]
	if w := call(t, s, "DELETE", subsURL+"/"+victim.ID, nil); w.Code != 204 {
		t.Fatalf("DELETE: %d %s", w.Code, w.Body)
	}
	page2 := decodeList(t, call(t, s, "GET", next, nil))
	if want := strings.Join(append(bulkNames(100, 149), bulkNames(151, 200)...), ","); emails(page2) != want {
		t.Errorf("page 2 after a removal: %s", emails(page2))
	}
	// Read at an offset afresh (no resume point): the skipped runs of the
	// block end at the removed one, whatever the filter.
	for q, want := range map[string]string{
		"customerId=c1&max=3&offset=150":                              "user151,user152,user153",
		"customerId=c1&max=3&offset=148":                              "user148,user149,user151",
		"customerId=c1&status=pending_user_migration":                 "b",
		"customerId=c1&status=provisioned&max=2&offset=250":           "d+nochange",
		"customerId=c1&status=provisioned&max=2&offset=249":           "user250,d+nochange",
		"externalCustomerId=ext-c1&status=provisioned&max=1&offset=1": "user1",
	} {
		if got := emails(decodeList(t, call(t, s, "GET", subsURL+"?"+q, nil))); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	if w := call(t, s, "GET", subsURL+"/"+victim.ID, nil); w.Code != 404 {
		t.Errorf("GET of the removed: %d", w.Code)
	}
	if w := call(t, s, "POST", subsURL, provisionBody("user151@"+b.Domain)); w.Code != 409 {
		t.Errorf("provisioning a bulk email: %d, want 409", w.Code)
	}
	w = call(t, s, "POST", subsURL, provisionBody("user150@"+b.Domain))
	if w.Code != 200 || decodeSub(t, w).ID == victim.ID {
		t.Errorf("provisioning the removed email again: %d %s", w.Code, w.Body)
	}
	all, _ := listAll(t, s, subsURL+"?max=100")
	if len(all) != 254 || len(s.Subscribers()) != 254 {
		t.Errorf("%d listed, %d in the state; want 254", len(all), len(s.Subscribers()))
	}
	seen := map[string]bool{}
	for _, sub := range all {
		if seen[sub.ID] {
			t.Errorf("%s listed twice", sub.ID)
		}
		seen[sub.ID] = true
	}
}

// TestBulkLarge: a block of 250,000 is seeded and served without storing
// them: its last page by offset, its last subscriber by id and email.
func TestBulkLarge(t *testing.T) {
	s := New(Options{Bulk: []Bulk{{CustomerID: "big", N: 250_000, Package: "webex_suite", Domain: "Big.Example"}}})
	last := decodeList(t, call(t, s, "GET", subsURL+"?customerId=big&max=100&offset=249950", nil))
	if len(last) != 50 || last[49].Email != "user250000@big.example" || last[49].Packages[0] != "webex_suite" || last[49].PersonID == "" {
		t.Fatalf("last page: %d items, last %+v", len(last), last[len(last)-1])
	}
	if w := call(t, s, "GET", subsURL+"?customerId=big&max=100&offset=249950", nil); nextLink(t, w) != "" {
		t.Error("a Link after the last page")
	}
	if got := decodeSub(t, call(t, s, "GET", subsURL+"/"+last[49].ID, nil)); got.Email != "user250000@big.example" {
		t.Errorf("by id: %+v", got)
	}
	for _, bad := range []string{"user0@big.example", "user250001@big.example", "user01@big.example", "user1@other.example"} {
		if got := decodeList(t, call(t, s, "GET", subsURL+"?email="+url.QueryEscape(bad), nil)); len(got) != 0 {
			t.Errorf("%s found: %+v", bad, got)
		}
	}
	if w := call(t, s, "GET", fmt.Sprintf("%s/%s", subsURL, strings.Replace(last[49].ID, "A", "B", 1)), nil); w.Code != 404 {
		t.Errorf("a made-up id: %d", w.Code)
	}
}
