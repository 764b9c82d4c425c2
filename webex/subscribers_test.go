package webex_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

type subPacer struct{}

func (subPacer) Wait(ctx context.Context) error         { return ctx.Err() }
func (subPacer) Throttle(time.Time, time.Duration) bool { return true }
func (subPacer) Pause(time.Duration)                    {}
func (subPacer) Success()                               {}

func subClient(t *testing.T, base string, timeout time.Duration) *webex.Client {
	t.Helper()
	c, err := webex.New(webex.Config{BaseURL: base, Token: "tok", Pacer: subPacer{}, Timeout: timeout,
		Retry: webex.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProvisionAndFind(t *testing.T) {
	srv, err := fakeapi.Start(fakeapi.Options{Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := subClient(t, srv.URL, 5*time.Second)
	ctx := context.Background()
	req := webex.ProvisionRequest{CustomerID: "c1", Email: "Ann@Acme.example", Packages: []string{"webex_meetings"}}
	sub, info, err := c.Provision(ctx, req, nil)
	if err != nil || sub.ID == "" || info.Status != 200 {
		t.Fatalf("provision: %+v %+v %v", sub, info, err)
	}
	// A second POST is a conflict, not a second subscriber.
	_, info, err = c.Provision(ctx, req, nil)
	var ae *webex.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusConflict || ae.Codes() != "10022" {
		t.Fatalf("second provision: %v", err)
	}
	var id *webex.InDoubtError
	if errors.As(err, &id) {
		t.Fatal("a 409 proves the outcome: not in doubt")
	}
	found, _, err := c.FindByEmail(ctx, "ann@acme.example")
	if err != nil || len(found) != 1 || found[0].ID != sub.ID {
		t.Fatalf("find: %+v %v", found, err)
	}
	got, _, err := c.GetSubscriber(ctx, sub.ID)
	if err != nil || got.Email == "" || got.Status == "" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if found, _, err := c.FindByEmail(ctx, "nobody@acme.example"); err != nil || len(found) != 0 {
		t.Fatalf("find nobody: %+v %v", found, err)
	}
}

func TestProvisionTimeoutIsInDoubtAndNotRepeated(t *testing.T) {
	srv, err := fakeapi.Start(fakeapi.Options{Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := subClient(t, srv.URL, 200*time.Millisecond)
	_, _, err = c.Provision(context.Background(), webex.ProvisionRequest{CustomerID: "c1", Email: "bo+lost@acme.example", Packages: []string{"webex_meetings"}}, nil)
	var id *webex.InDoubtError
	if !errors.As(err, &id) {
		t.Fatalf("err = %v, want InDoubtError", err)
	}
	if n := srv.Server.Stats().PostsByEmail["bo+lost@acme.example"]; n != 1 {
		t.Fatalf("%d POSTs: an in-doubt POST must not be repeated", n)
	}
	found, _, err := c.FindByEmail(context.Background(), "bo+lost@acme.example")
	if err != nil || len(found) != 1 {
		t.Fatalf("the lost subscriber exists: %+v %v", found, err)
	}
}

func TestProvision5xxIsInDoubt429IsRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests) // refused: safe to send again
		default:
			w.WriteHeader(http.StatusBadGateway) // may have acted: in doubt
		}
	}))
	defer srv.Close()
	c := subClient(t, srv.URL, time.Second)
	_, info, err := c.Provision(context.Background(), webex.ProvisionRequest{CustomerID: "c", Email: "a@b.example"}, nil)
	var id *webex.InDoubtError
	if !errors.As(err, &id) || info.Attempts != 2 || calls.Load() != 2 {
		t.Fatalf("err %v, attempts %d, calls %d: want a retried 429 then an in-doubt 502", err, info.Attempts, calls.Load())
	}
}

func TestFindByEmailFollowsPages(t *testing.T) {
	cases := []struct {
		name string
		link bool
	}{
		{"offset paging", false}, // short page ends it
		{"link paging", true},    // Link rel=next drives it
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var pages atomic.Int32
			var srvURL string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				pages.Add(1)
				off := 0
				fmt.Sscan(r.URL.Query().Get("offset"), &off)
				n := 100
				if off >= 200 {
					n = 7
				}
				var items []string
				for i := range n {
					email := fmt.Sprintf("other%d@x.example", off+i)
					if off+i == 203 {
						email = "Target@X.example"
					}
					items = append(items, fmt.Sprintf(`{"id":"s%d","email":%q}`, off+i, email))
				}
				if tc.link && n == 100 {
					w.Header().Set("Link", fmt.Sprintf(`<%s/wholesale/subscribers?email=x&max=100&offset=%d>; rel="next"`, srvURL, off+100))
				}
				fmt.Fprintf(w, `{"items":[%s]}`, strings.Join(items, ","))
			}))
			defer srv.Close()
			srvURL = srv.URL
			c := subClient(t, srv.URL, time.Second)
			found, _, err := c.FindByEmail(context.Background(), "target@x.example")
			if err != nil || len(found) != 1 || found[0].ID != "s203" {
				t.Fatalf("found %+v, err %v", found, err)
			}
			if pages.Load() != 3 {
				t.Fatalf("%d pages, want 3", pages.Load())
			}
		})
	}
}
