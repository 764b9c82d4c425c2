package tasks_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/tasks"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// provisionWaiting provisions n rows at once with --wait, each new
// subscriber provisioning for delay, and returns the outcomes and the
// reads the fake saw (GETs by id, lists).
func provisionWaiting(t *testing.T, n int, delay time.Duration, watch bool, intercept func(http.ResponseWriter, *http.Request, string) bool) (map[string]int, int64, int64) {
	t.Helper()
	a := newAPI(t, fakeapi.Options{ProvisionDelay: delay}, intercept)
	c := a.client(t)
	p := &tasks.Provisioner{Client: c, Intents: &intents{}, Wait: true, WaitTimeout: 10 * time.Second, PollEvery: 50 * time.Millisecond}
	if watch {
		p.Watch = &tasks.Watch{Client: c, Since: time.Now(), Every: 50 * time.Millisecond}
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row, pre := passedRow(fmt.Sprintf("user%d@acme.example", i))
			res := p.Work(context.Background(), row, pre)
			mu.Lock()
			got[res.Outcome+" "+res.SubscriberStatus]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return got, a.gets.Load(), a.lists.Load()
}

// --wait by the page: 40 rows waiting at once cost a list a poll and one
// GET each at the end, where polling by GET asks each row every time;
// the outcomes are the same. A list that fails leaves the rows to GETs,
// with the same outcomes still.
func TestWatchFollowsByThePage(t *testing.T) {
	t.Parallel()
	const n = 40
	byRow, rowGets, _ := provisionWaiting(t, n, 600*time.Millisecond, false, nil)
	byPage, pageGets, pageLists := provisionWaiting(t, n, 600*time.Millisecond, true, nil)
	want := fmt.Sprint(map[string]int{"provisioned provisioned": n})
	if fmt.Sprint(byRow) != want || fmt.Sprint(byPage) != want {
		t.Fatalf("by GET %v, by the page %v; want %s", byRow, byPage, want)
	}
	// Each row's look-up in doubt is none here: every list is a poll.
	if pageGets > n || pageGets+pageLists >= rowGets/2 {
		t.Errorf("by the page: %d GETs and %d lists; by GET: %d GETs", pageGets, pageLists, rowGets)
	}
	t.Logf("by GET: %d requests; by the page: %d GETs + %d lists", rowGets, pageGets, pageLists)

	failLists := func(w http.ResponseWriter, r *http.Request, _ string) bool {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/wholesale/subscribers" && r.URL.Query().Get("status") == "provisioning" {
			w.WriteHeader(http.StatusBadRequest)
			return true
		}
		return false
	}
	failed, _, _ := provisionWaiting(t, 5, 300*time.Millisecond, true, failLists)
	if fmt.Sprint(failed) != fmt.Sprint(map[string]int{"provisioned provisioned": 5}) {
		t.Errorf("after a failed list: %v", failed)
	}
}
