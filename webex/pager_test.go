package webex_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// listSrv is a subscriber list of total items that a case's answer
// function shapes; it records every request's query.
type listSrv struct {
	mu      sync.Mutex
	queries []url.Values
}

func (l *listSrv) seen() []url.Values {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]url.Values(nil), l.queries...)
}

// page renders items [off, off+n) of a list of total as a list body.
func page(off, n, total int) string {
	var items []string
	for i := off; i < min(off+n, total); i++ {
		items = append(items, fmt.Sprintf(`{"id":"s%d","email":"u%d@acme.example"}`, i, i))
	}
	return `{"items":[` + strings.Join(items, ",") + `]}`
}

func offsetOf(q url.Values) int {
	off, _ := strconv.Atoi(q.Get("offset"))
	return off
}

// TestPagerWalksEveryPage: ListSubscribers delivers every item once, in
// order, whatever way the server pages, and refuses what it must.
func TestPagerWalksEveryPage(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached another origin: %s %s (Authorization %q)", r.Method, r.URL, r.Header.Get("Authorization"))
	}))
	defer other.Close()

	type answer func(n int, q url.Values, base string, w http.ResponseWriter)
	link := func(w http.ResponseWriter, target string) { w.Header().Set("Link", "<"+target+`>; rel="next"`) }
	cases := []struct {
		name     string
		answer   answer
		items    int    // delivered to the callback
		requests int    // that reached the server
		attempts int    // in the CallInfo
		err      string // in the error; "" for none
		errAs    any    // a target errors.As must match, or nil
	}{
		{name: "Link next, absolute", items: 250, requests: 3, attempts: 3,
			answer: func(_ int, q url.Values, base string, w http.ResponseWriter) {
				off := offsetOf(q)
				if off+100 < 250 {
					link(w, fmt.Sprintf("%s/wholesale/subscribers?customerId=c1&max=100&offset=%d", base, off+100))
				}
				io.WriteString(w, page(off, 100, 250))
			}},
		{name: "Link next, relative to the origin", items: 250, requests: 3, attempts: 3,
			answer: func(_ int, q url.Values, _ string, w http.ResponseWriter) {
				off := offsetOf(q)
				if off+100 < 250 {
					link(w, fmt.Sprintf("/v1/wholesale/subscribers?customerId=c1&max=100&offset=%d", off+100))
				}
				io.WriteString(w, page(off, 100, 250))
			}},
		{name: "Link next, a query relative to the page", items: 250, requests: 3, attempts: 3,
			answer: func(_ int, q url.Values, _ string, w http.ResponseWriter) {
				off := offsetOf(q)
				if off+100 < 250 {
					link(w, fmt.Sprintf("?customerId=c1&max=100&offset=%d", off+100))
				}
				io.WriteString(w, page(off, 100, 250))
			}},
		{name: "Link paging: a full page without a Link is the last", items: 200, requests: 2, attempts: 2,
			answer: func(_ int, q url.Values, base string, w http.ResponseWriter) {
				off := offsetOf(q)
				if off+100 < 200 {
					link(w, fmt.Sprintf("%s/wholesale/subscribers?customerId=c1&max=100&offset=%d", base, off+100))
				}
				io.WriteString(w, page(off, 100, 200))
			}},
		{name: "offset fallback, a short page ends it", items: 250, requests: 3, attempts: 3,
			answer: func(_ int, q url.Values, _ string, w http.ResponseWriter) {
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "offset fallback, an empty page ends it", items: 200, requests: 3, attempts: 3,
			answer: func(_ int, q url.Values, _ string, w http.ResponseWriter) {
				io.WriteString(w, page(offsetOf(q), 100, 200))
			}},
		{name: "a short page with a Link is not the last", items: 150, requests: 3, attempts: 3,
			answer: func(_ int, q url.Values, base string, w http.ResponseWriter) {
				off := offsetOf(q)
				if off < 100 {
					link(w, fmt.Sprintf("%s/wholesale/subscribers?customerId=c1&max=100&offset=%d", base, off+50))
				}
				io.WriteString(w, page(off, 50, 150))
			}},
		{name: "next link to another origin is refused", items: 100, requests: 1, attempts: 1,
			err: "outside the API's base URL", errAs: new(*webex.NextLinkError),
			answer: func(_ int, q url.Values, _ string, w http.ResponseWriter) {
				link(w, other.URL+"/v1/wholesale/subscribers?offset=100&token=x")
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "next link outside the base path is refused", items: 100, requests: 1, attempts: 1,
			err: "outside the API's base URL", errAs: new(*webex.NextLinkError),
			answer: func(_ int, q url.Values, _ string, w http.ResponseWriter) {
				link(w, "/elsewhere/wholesale/subscribers?offset=100")
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "next link naming the same page", items: 100, requests: 1, attempts: 1, err: "names the page it came with",
			answer: func(_ int, q url.Values, base string, w http.ResponseWriter) {
				link(w, base+"/wholesale/subscribers?customerId=c1&max=100")
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "200 without items once mid-way is retried", items: 250, requests: 4, attempts: 4,
			answer: func(n int, q url.Values, _ string, w http.ResponseWriter) {
				if n == 2 {
					io.WriteString(w, `{}`)
					return
				}
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "200 without items mid-way, every time", items: 100, requests: 4, attempts: 4,
			err: "not a subscriber list", errAs: new(*webex.AnswerError),
			answer: func(n int, q url.Values, _ string, w http.ResponseWriter) {
				if n >= 2 {
					io.WriteString(w, signIn)
					return
				}
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "429 on page 3 is retried", items: 250, requests: 4, attempts: 4,
			answer: func(n int, q url.Values, _ string, w http.ResponseWriter) {
				if n == 3 {
					w.Header().Set("Retry-After", "0")
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "a page cut short is retried", items: 250, requests: 4, attempts: 4,
			answer: func(n int, q url.Values, _ string, w http.ResponseWriter) {
				if n == 2 {
					io.WriteString(w, page(offsetOf(q), 100, 250)[:500])
					return
				}
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
		{name: "a 404 mid-way ends it", items: 100, requests: 2, attempts: 2, err: "HTTP 404", errAs: new(*webex.APIError),
			answer: func(n int, q url.Values, _ string, w http.ResponseWriter) {
				if n == 2 {
					w.WriteHeader(http.StatusNotFound)
					return
				}
				io.WriteString(w, page(offsetOf(q), 100, 250))
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ls listSrv
			var n atomic.Int64
			var base string
			base = serve(t, func(w http.ResponseWriter, r *http.Request) {
				ls.mu.Lock()
				ls.queries = append(ls.queries, r.URL.Query())
				ls.mu.Unlock()
				tc.answer(int(n.Add(1)), r.URL.Query(), base, w)
			})
			cl, p := newClient(t, base, nil)
			var ids []string
			pages := 0
			info, err := cl.ListSubscribers(context.Background(), webex.SubscriberFilter{CustomerID: "c1"}, func(pg webex.Page[webex.Subscriber]) error {
				if pg.N != pages {
					t.Errorf("page numbered %d, want %d", pg.N, pages)
				}
				pages++
				for _, s := range pg.Items {
					ids = append(ids, s.ID)
				}
				return nil
			})
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("err %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("err %v, want one saying %q", err, tc.err)
			case tc.errAs != nil && !errors.As(err, tc.errAs):
				t.Fatalf("err %T %v, want %T", err, err, tc.errAs)
			}
			if strings.Contains(fmt.Sprint(err), "token=x") {
				t.Errorf("the refused link's query reached the error: %v", err)
			}
			if len(ids) != tc.items {
				t.Errorf("%d items delivered, want %d", len(ids), tc.items)
			}
			for i, id := range ids {
				if id != fmt.Sprintf("s%d", i) {
					t.Fatalf("item %d is %s: an item lost, repeated or out of order", i, id)
				}
			}
			if got := int(n.Load()); got != tc.requests || info.Attempts != tc.attempts {
				t.Errorf("%d requests, %d attempts; want %d, %d", got, info.Attempts, tc.requests, tc.attempts)
			}
			if w := int(p.waits.Load()); w != tc.requests {
				t.Errorf("the pacer gave %d turns for %d requests: every page goes through it", w, tc.requests)
			}
			for _, q := range ls.seen() {
				if q.Get("customerId") != "c1" || q.Get("max") != "100" {
					t.Errorf("a page asked %v: the filter and max=100 must hold on every page", q)
				}
			}
		})
	}
}

// TestPagerThrottleSlowsThePool: a 429 on a page is the whole client's,
// told to the pacer like any other call's.
func TestPagerThrottleSlowsThePool(t *testing.T) {
	var n atomic.Int64
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 3 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, page(offsetOf(r.URL.Query()), 100, 250))
	})
	cl, p := newClient(t, base, nil)
	if _, err := cl.ListSubscribers(context.Background(), webex.SubscriberFilter{}, func(webex.Page[webex.Subscriber]) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := p.throttled(); len(got) != 1 {
		t.Errorf("throttles %v, want one for the 429", got)
	}
}

// TestPagerStops: the callback's error ends the listing at once and is
// returned; ErrStopPaging ends it without error.
func TestPagerStops(t *testing.T) {
	boom := errors.New("disk full")
	for _, tc := range []struct {
		name string
		ret  error
		want error
	}{
		{"callback error", boom, boom},
		{"ErrStopPaging", fmt.Errorf("found it: %w", webex.ErrStopPaging), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			base := serve(t, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				io.WriteString(w, page(offsetOf(r.URL.Query()), 100, 1000))
			})
			cl, _ := newClient(t, base, nil)
			calls := 0
			_, err := cl.ListSubscribers(context.Background(), webex.SubscriberFilter{}, func(webex.Page[webex.Subscriber]) error {
				calls++
				if calls == 2 {
					return tc.ret
				}
				return nil
			})
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("err %v, want %v", err, tc.want)
			}
			if n.Load() != 2 || calls != 2 {
				t.Errorf("%d requests, %d pages: no page after the one that stopped it", n.Load(), calls)
			}
		})
	}
}

// TestListQueries: each filter field goes out as the spec's parameter, on
// every page, with the sub-partner once (the client's, unless the filter
// names one), never a second copy from the next link.
func TestListQueries(t *testing.T) {
	var mu sync.Mutex
	var got []url.Values
	var base string
	base = serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Query())
		first := len(got) == 1
		mu.Unlock()
		if first {
			next := r.URL.Query()
			next.Set("offset", "1")
			w.Header().Set("Link", "<"+base+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
		}
		io.WriteString(w, `{"items":[]}`)
	})
	cl, _ := newClient(t, base, func(c *webex.Config) { c.OnBehalfOf = "client-org" })
	ctx := context.Background()
	none := func(webex.Page[webex.Subscriber]) error { return nil }
	if _, err := cl.ListSubscribers(ctx, webex.SubscriberFilter{CustomerID: "c1", ExternalCustomerID: "x1", Email: "a@b.example",
		PersonID: "p1", Status: "provisioned", After: "1579046400245", LastStatusChange: "2024-01-02T03:04:05Z", OnBehalfOf: "sub-org"}, none); err != nil {
		t.Fatal(err)
	}
	want := url.Values{"customerId": {"c1"}, "externalCustomerId": {"x1"}, "email": {"a@b.example"}, "personId": {"p1"},
		"status": {"provisioned"}, "after": {"1579046400245"}, "lastStatusChange": {"2024-01-02T03:04:05Z"},
		"max": {"100"}, "onBehalfOfSubPartnerOrgId": {"sub-org"}}
	mu.Lock()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2 (the link was followed)", len(got))
	}
	want.Set("offset", "1")
	for i, q := range got {
		if i == 0 {
			q.Set("offset", "1") // the first page has none
		}
		if q.Encode() != want.Encode() {
			t.Errorf("page %d asked %s, want %s", i, q.Encode(), want.Encode())
		}
	}
	got = nil
	mu.Unlock()

	if _, err := cl.ListCustomers(ctx, webex.CustomerFilter{ExternalID: "acme", OrgID: "o1", Status: []string{"provisioned", "error"}},
		func(webex.Page[webex.Customer]) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	wantC := url.Values{"externalId": {"acme"}, "orgId": {"o1"}, "status": {"provisioned", "error"}, "max": {"100"},
		"onBehalfOfSubPartnerOrgId": {"client-org"}, "offset": {"1"}}
	if len(got) != 2 || got[1].Encode() != wantC.Encode() {
		t.Errorf("customer pages asked %v, want the second %s", got, wantC.Encode())
	}
}
