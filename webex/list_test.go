package webex_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// bigCustomer is a fake with one customer of n subscribers, and a client
// that reaches it in memory (no sockets: 2,500 pages cost no ports).
func bigCustomer(t testing.TB, n int) (*webex.Client, *fakeapi.Server) {
	t.Helper()
	s := fakeapi.New(fakeapi.Options{Token: testToken, Bulk: []fakeapi.Bulk{{CustomerID: "big", N: n}}})
	c, err := webex.New(webex.Config{BaseURL: memBase, Token: testToken, Pacer: &recPacer{}, Retry: fastRetry, HTTP: memHTTP(s)})
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// TestListSubscribersMemoryIsFlat: listing a customer of 250,000
// subscribers hands over every one once, 100 per request, and the heap
// stays that of a page: measured after a GC every 50 pages, it grows by
// less than 4 MiB (the 250,000 subscribers, kept, would take over 100 MiB).
// Under -race, where JSON is about ten times slower, 40,000 (kept: over
// 15 MiB).
func TestListSubscribersMemoryIsFlat(t *testing.T) {
	n := 250_000
	if raceEnabled {
		n = 40_000
	}
	c, s := bigCustomer(t, n)
	var samples []uint64
	count, pages := 0, 0
	seen := map[string]bool{} // the first and last pages' ids: none repeated at the seams
	info, err := c.ListSubscribers(context.Background(), webex.SubscriberFilter{CustomerID: "big"}, func(p webex.Page[webex.Subscriber]) error {
		count += len(p.Items)
		pages++
		if p.N < 2 || p.N >= n/100-2 {
			for _, sub := range p.Items {
				if seen[sub.ID] {
					t.Errorf("%s delivered twice", sub.ID)
				}
				seen[sub.ID] = true
			}
		}
		if p.N%50 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			samples = append(samples, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count != n || pages != n/100 || info.Attempts != n/100 || s.Stats().Lists != n/100 {
		t.Fatalf("%d subscribers in %d pages, %d attempts, %d lists; want %d in %d", count, pages, info.Attempts, s.Stats().Lists, n, n/100)
	}
	peak := samples[0]
	for _, v := range samples {
		peak = max(peak, v)
	}
	if growth := int64(peak) - int64(samples[0]); growth > 4<<20 {
		t.Errorf("the heap grew by %d KiB while listing (samples %v): the listing holds what it handed over", growth>>10, samples)
	}
	t.Logf("%d subscribers; heap after GC, every 50 pages: %v", n, samples)
}

// BenchmarkListSubscribersPage: one page of 99 subscribers (short, so one
// request: a full page without a Link is followed by the next offset's),
// its request and decoding against the in-memory fake, the fake's work
// included: what a page costs, in time and allocations.
func BenchmarkListSubscribersPage(b *testing.B) {
	c, _ := bigCustomer(b, 99)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		got := 0
		if _, err := c.ListSubscribers(ctx, webex.SubscriberFilter{CustomerID: "big"}, func(p webex.Page[webex.Subscriber]) error {
			got += len(p.Items)
			return nil
		}); err != nil || got != 99 {
			b.Fatal(got, err)
		}
	}
}

// TestListCustomersPages: every customer the token sees, each once, in
// pages of 100 (the fake pages by Link, and takes the client's
// sub-partner); Each hands them over one by one.
func TestListCustomersPages(t *testing.T) {
	var seed []fakeapi.Customer
	for i := range 250 {
		seed = append(seed, fakeapi.Customer{ExternalID: fmt.Sprintf("cust-%03d", i)})
	}
	s := fakeapi.New(fakeapi.Options{Token: testToken, Customers: seed})
	c, err := webex.New(webex.Config{BaseURL: memBase, Token: testToken, Pacer: &recPacer{}, Retry: fastRetry, HTTP: memHTTP(s), OnBehalfOf: "sub-org"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	info, err := c.ListCustomers(context.Background(), webex.CustomerFilter{}, webex.Each(func(cu webex.Customer) error {
		got = append(got, cu.ExternalID)
		return nil
	}))
	if err != nil || info.Attempts != 3 || s.Stats().CustomerLists != 3 {
		t.Fatalf("err %v, %d attempts, %d lists; want 3", err, info.Attempts, s.Stats().CustomerLists)
	}
	if len(got) != 250 || got[0] != "cust-000" || got[249] != "cust-249" || !slices.IsSorted(got) {
		t.Errorf("%d customers: %v", len(got), got)
	}
}
