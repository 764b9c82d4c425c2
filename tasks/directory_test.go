package tasks_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// statusRows are rows of cust-1 naming n of domain's bulk subscribers by
// email, a few emails no one has, and byID rows by subscriber id.
func statusRows(t *testing.T, c *webex.Client, domain string, n int, byID []string) []*pipeline.Row {
	t.Helper()
	var rows []*pipeline.Row
	for i := 1; i <= n; i++ {
		rows = append(rows, &pipeline.Row{Line: len(rows) + 2, Fields: pipeline.Fields{Email: fmt.Sprintf("User%d@%s", i, domain), CustomerID: "cust-1"}})
	}
	for i := range 3 {
		rows = append(rows, &pipeline.Row{Line: len(rows) + 2, Fields: pipeline.Fields{Email: fmt.Sprintf("nobody%d@%s", i, domain), CustomerID: "cust-1"}})
	}
	for _, id := range byID {
		rows = append(rows, &pipeline.Row{Line: len(rows) + 2, Fields: pipeline.Fields{Email: "stale@example.com", CustomerID: "cust-1"},
			Prior: map[string]string{"subscriber_id": id}})
	}
	return rows
}

// idsOf are the ids of the emails' subscribers, as the API gives them.
func idsOf(t *testing.T, c *webex.Client, emails ...string) []string {
	t.Helper()
	var ids []string
	for _, e := range emails {
		subs, _, err := c.FindByEmail(context.Background(), e)
		if err != nil || len(subs) != 1 {
			t.Fatalf("FindByEmail(%s) = %v, %v", e, subs, err)
		}
		ids = append(ids, subs[0].ID)
	}
	return ids
}

// runStatus runs status's worker over rows through a Directory in mode m,
// 16 workers at once, and returns what each row's result says (not how
// many requests it took, nor their tracking ids: those differ by path).
func runStatus(t *testing.T, c *webex.Client, m tasks.LookupMode, rows []*pipeline.Row) []string {
	t.Helper()
	dir := tasks.NewDirectory(c, m)
	for _, r := range rows {
		dir.Add(r)
	}
	w := &tasks.StatusChecker{Client: c, Dir: dir}
	out := make([]string, len(rows))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range next {
				r := w.Work(context.Background(), rows[i])
				out[i] = fmt.Sprintf("%d %s|%s|%s|%s|%s|%s|final=%v", r.Row.Line, r.Outcome, r.SubscriberID, r.SubscriberStatus, r.LastStatusChange, r.ErrorCodes, r.Message, r.Final)
			}
		})
	}
	for i := range rows {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// seeded is a fake with cust-1: 200 provisioned and 50 pending bulk
// subscribers.
func seeded(t *testing.T, intercept func(w http.ResponseWriter, r *http.Request, body string) bool) (*api, string, string) {
	a := newAPI(t, fakeapi.Options{}, intercept)
	prov := a.fake.AddBulk(fakeapi.Bulk{CustomerID: "cust-1", N: 200})
	pend := a.fake.AddBulk(fakeapi.Bulk{CustomerID: "cust-1", N: 50, Status: "pending_user_migration"})
	return a, prov.Domain, pend.Domain
}

// TestDirectorySameResults: status over the same state by the page and by
// the row writes the same thing for every row (found by email, by id,
// pending, not found), and Auto too.
func TestDirectorySameResults(t *testing.T) {
	a, prov, pend := seeded(t, nil)
	c := a.client(t)
	rows := statusRows(t, c, prov, 120, idsOf(t, c, "user7@"+pend, "user150@"+prov))
	rows = append(rows, &pipeline.Row{Line: len(rows) + 2, Fields: pipeline.Fields{Email: "user3@" + pend, CustomerID: "cust-1"}})
	byRow := runStatus(t, c, tasks.ByRow, rows)
	gets, lists := a.gets.Load(), a.lists.Load()
	byPage := runStatus(t, c, tasks.ByPage, rows)
	if got := a.gets.Load() - gets; got != 0 {
		t.Errorf("by the page: %d GETs by id, want none (the rows by id are in the list)", got)
	}
	if got := a.lists.Load() - lists; got != 3+3 {
		t.Errorf("by the page: %d list requests, want 3 pages + 3 misses looked up by email", got)
	}
	auto := runStatus(t, c, tasks.Auto, rows)
	for i := range rows {
		if byRow[i] != byPage[i] || byRow[i] != auto[i] {
			t.Errorf("row %d:\n by row  %s\n by page %s\n auto    %s", i, byRow[i], byPage[i], auto[i])
		}
	}
	if !strings.Contains(byPage[len(rows)-1], " pending|") || !strings.Contains(byPage[120], " not_found|") {
		t.Errorf("the sample does not cover what it says: %s / %s", byPage[len(rows)-1], byPage[120])
	}
}

// TestDirectoryFaults: a list that fails (503 after the retries), a page
// without items, or a lost Link header that ends the list early: every row
// still gets the answer a GET gives.
func TestDirectoryFaults(t *testing.T) {
	second := func(r *http.Request) bool {
		return r.Method == http.MethodGet && r.URL.Path == "/v1/wholesale/subscribers" && r.URL.Query().Get("email") == "" && r.URL.Query().Get("offset") == "100"
	}
	for _, tc := range []struct {
		name      string
		intercept func(w http.ResponseWriter, r *http.Request, body string) bool
		lostLink  bool
	}{
		{name: "5xx page", intercept: func(w http.ResponseWriter, r *http.Request, _ string) bool {
			if second(r) {
				w.WriteHeader(http.StatusServiceUnavailable)
				return true
			}
			return false
		}},
		{name: "page without items", intercept: func(w http.ResponseWriter, r *http.Request, _ string) bool {
			if second(r) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{}`)
				return true
			}
			return false
		}},
		{name: "lost Link", lostLink: true},
		{name: "every list 5xx, the probe too", intercept: func(w http.ResponseWriter, r *http.Request, _ string) bool {
			if r.Method == http.MethodGet && r.URL.Path == "/v1/wholesale/subscribers" && r.URL.Query().Get("email") == "" {
				w.WriteHeader(http.StatusBadGateway)
				return true
			}
			return false
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a *api
			intercept := tc.intercept
			if tc.lostLink {
				intercept = func(w http.ResponseWriter, r *http.Request, _ string) bool {
					if !second(r) {
						return false
					}
					rec := httptest.NewRecorder()
					a.fake.ServeHTTP(rec, r)
					for k, v := range rec.Header() {
						if k != "Link" {
							w.Header()[k] = v
						}
					}
					w.WriteHeader(rec.Code)
					w.Write(rec.Body.Bytes())
					return true
				}
			}
			var prov, pend string
			a, prov, pend = seeded(t, intercept)
			c := a.client(t)
			rows := statusRows(t, c, prov, 150, idsOf(t, c, "user9@"+pend))
			want := runStatus(t, c, tasks.ByRow, rows)
			lists, gets := a.lists.Load(), a.gets.Load()
			runStatus(t, c, tasks.ByPage, rows)
			switch lists, gets := a.lists.Load()-lists, a.gets.Load()-gets; {
			case tc.lostLink && gets != 1:
				// The list ended after its second page: the pending
				// subscriber after it, asked for by id, is read alone.
				t.Errorf("after a lost Link: %d GETs by id, want 1", gets)
			case !tc.lostLink && lists < int64(len(rows))-100:
				// Rows found on the first page may be answered before the
				// fault; every other row is looked up alone.
				t.Errorf("after a list fault: %d list requests, want the %d rows past the first page looked up alone", lists, len(rows)-100)
			}
			for _, m := range []tasks.LookupMode{tasks.ByPage, tasks.Auto} {
				got := runStatus(t, c, m, rows)
				for i := range rows {
					if got[i] != want[i] {
						t.Errorf("mode %d row %d:\n by row  %s\n by page %s", m, i, want[i], got[i])
					}
				}
			}
		})
	}
}

// TestDirectoryRequests counts what the fake sees: 10,000 rows of a
// customer of 10,000 subscribers take a probe and 100 pages, not 10,000
// GETs; 30 rows of a customer of 250,000 take a probe and 30 GETs.
func TestDirectoryRequests(t *testing.T) {
	for _, tc := range []struct {
		subscribers, rows int
		most              int64
	}{{10_000, 10_000, 101}, {250_000, 30, 31}} {
		t.Run(fmt.Sprintf("%d of %d", tc.rows, tc.subscribers), func(t *testing.T) {
			a := newAPI(t, fakeapi.Options{}, nil)
			b := a.fake.AddBulk(fakeapi.Bulk{CustomerID: "cust-1", N: tc.subscribers})
			c := a.clientTimeout(t, time.Minute)
			rows := make([]*pipeline.Row, tc.rows)
			step := tc.subscribers / tc.rows
			for i := range rows {
				rows[i] = &pipeline.Row{Line: i + 2, Fields: pipeline.Fields{Email: fmt.Sprintf("user%d@%s", 1+i*step, b.Domain), CustomerID: "cust-1"}}
			}
			out := runStatus(t, c, tasks.Auto, rows)
			t.Logf("%d requests: %d GETs by id, %d list requests", a.gets.Load()+a.lists.Load(), a.gets.Load(), a.lists.Load())
			if n := a.gets.Load() + a.lists.Load(); n > tc.most {
				t.Errorf("%d requests (%d GETs, %d lists), want at most %d", n, a.gets.Load(), a.lists.Load(), tc.most)
			}
			for _, o := range out {
				if !strings.Contains(o, " provisioned|") {
					t.Fatalf("row not provisioned: %s", o)
				}
			}
		})
	}
}

// packageIntents is an in-memory PackageIntents.
type packageIntents struct {
	mu   sync.Mutex
	prev map[int]string
}

func (p *packageIntents) Sent(*pipeline.Row) bool    { return false }
func (p *packageIntents) Record(*pipeline.Row) error { return nil }
func (p *packageIntents) RecordPrevious(row *pipeline.Row, previous string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.prev == nil {
		p.prev = map[int]string{}
	}
	p.prev[row.Line] = previous
	return nil
}
func (p *packageIntents) Previous(row *pipeline.Row) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.prev[row.Line]
	return v, ok
}

// TestDirectoryUpdateSeesItsOwnWrites: update by the page, over rows that
// name some subscribers twice, answers the second row from a GET (the list
// holds the package before the PUT): unchanged, as a GET a row says.
func TestDirectoryUpdateSeesItsOwnWrites(t *testing.T) {
	outcomes := map[tasks.LookupMode]string{}
	for _, m := range []tasks.LookupMode{tasks.ByRow, tasks.ByPage} {
		a := newAPI(t, fakeapi.Options{}, nil)
		b := a.fake.AddBulk(fakeapi.Bulk{CustomerID: "cust-1", N: 250, Package: "webex_suite"})
		c := a.client(t)
		var rows []*pipeline.Row
		for i := range 160 {
			rows = append(rows, &pipeline.Row{Line: i + 2, Fields: pipeline.Fields{Email: fmt.Sprintf("user%d@%s", 1+i%150, b.Domain), CustomerID: "cust-1", Package: "webex_meetings"}})
		}
		dir := tasks.NewDirectory(c, m)
		for _, r := range rows {
			dir.Add(r)
		}
		u := &tasks.Updater{Client: c, Intents: &packageIntents{}, Dir: dir}
		var got strings.Builder
		for _, r := range rows {
			res := u.Work(context.Background(), r)
			fmt.Fprintf(&got, "%d %s %s %s\n", r.Line, res.Outcome, res.PreviousPackage, res.Message)
		}
		outcomes[m] = got.String()
		if !strings.Contains(got.String(), "161 unchanged webex_meetings") {
			t.Errorf("mode %d: the second row of user10 is not unchanged:\n%s", m, got.String())
		}
	}
	if outcomes[tasks.ByRow] != outcomes[tasks.ByPage] {
		t.Errorf("by row:\n%s\nby page:\n%s", firstLines(outcomes[tasks.ByRow]), firstLines(outcomes[tasks.ByPage]))
	}
}

func firstLines(s string) string { return s[:min(len(s), 600)] }

// TestDirectoryCap: past MaxEntries the list keeps no more subscribers and
// their rows are looked up alone; the answers stay the same.
func TestDirectoryCap(t *testing.T) {
	a, prov, _ := seeded(t, nil)
	c := a.client(t)
	rows := statusRows(t, c, prov, 60, nil)
	want := runStatus(t, c, tasks.ByRow, rows)
	dir := tasks.NewDirectory(c, tasks.ByPage)
	dir.MaxEntries = 10
	for _, r := range rows {
		dir.Add(r)
	}
	w := &tasks.StatusChecker{Client: c, Dir: dir}
	lists := a.lists.Load()
	for i, r := range rows {
		res := w.Work(context.Background(), r)
		got := fmt.Sprintf("%d %s|%s|%s|%s|%s|%s|final=%v", r.Line, res.Outcome, res.SubscriberID, res.SubscriberStatus, res.LastStatusChange, res.ErrorCodes, res.Message, res.Final)
		if got != want[i] {
			t.Errorf("row %d:\n by row %s\n capped %s", i, want[i], got)
		}
	}
	// 3 pages, then a look-up by email for each of the 50 rows past the
	// cap and the 3 that no one has.
	if n := a.lists.Load() - lists; n != 3+50+3 {
		t.Errorf("%d list requests, want 56", n)
	}
}

// TestDirectoryByExternalCustomerID: rows that name their customer by the
// partner's own id are listed by externalCustomerId, with the same answers.
func TestDirectoryByExternalCustomerID(t *testing.T) {
	a, prov, pend := seeded(t, nil)
	c := a.client(t)
	subs, _, err := c.FindByEmail(context.Background(), "user1@"+prov)
	if err != nil || len(subs) != 1 || subs[0].ExternalCustomerID == "" {
		t.Fatalf("%v %v", subs, err)
	}
	rows := statusRows(t, c, prov, 120, nil)
	rows = append(rows, &pipeline.Row{Fields: pipeline.Fields{Email: "user2@" + pend}})
	for i, r := range rows {
		r.Line, r.Fields.CustomerID, r.Fields.ExternalCustomerID = i+2, "", subs[0].ExternalCustomerID
	}
	want := runStatus(t, c, tasks.ByRow, rows)
	lists := a.lists.Load()
	got := runStatus(t, c, tasks.Auto, rows)
	for i := range rows {
		if got[i] != want[i] {
			t.Errorf("row %d:\n by row %s\n auto   %s", i, want[i], got[i])
		}
	}
	// A probe, 3 pages, and the 3 emails no one has, looked up alone.
	if n := a.lists.Load() - lists; n != 1+3+3 {
		t.Errorf("%d list requests, want 7", n)
	}
}
