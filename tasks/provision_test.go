package tasks_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/ratelimit"
	"github.com/wholesale-batch/wholesale-batch/tasks"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// intents is an in-memory journal of "about to send".
type intents struct {
	earlier bool  // an earlier run journaled an intent for every row
	fail    error // Record fails with this
	records atomic.Int64
}

func (in *intents) Sent(*pipeline.Row) bool { return in.earlier }
func (in *intents) Record(*pipeline.Row) error {
	in.records.Add(1)
	return in.fail
}

// api serves the fake behind intercept (which answers a request itself by
// returning true) and counts what reaches the server.
type api struct {
	fake               *fakeapi.Server
	posts, lists, gets atomic.Int64
	url                string
	intercept          func(w http.ResponseWriter, r *http.Request, body string) bool
}

func newAPI(t *testing.T, opts fakeapi.Options, intercept func(w http.ResponseWriter, r *http.Request, body string) bool) *api {
	t.Helper()
	a := &api{fake: fakeapi.New(opts), intercept: intercept}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/wholesale/subscribers":
			a.posts.Add(1)
		case r.Method == http.MethodGet && r.URL.Path == "/v1/wholesale/subscribers":
			a.lists.Add(1)
		case r.Method == http.MethodGet:
			a.gets.Add(1)
		}
		if a.intercept != nil && a.intercept(w, r, string(b)) {
			return
		}
		a.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a.url = srv.URL + "/v1"
	return a
}

func (a *api) client(t *testing.T) *webex.Client {
	t.Helper()
	return a.clientTimeout(t, 300*time.Millisecond)
}

// clientTimeout is client with another per-request timeout: a test that
// counts requests must not see a retry a loaded machine's slow answer
// caused.
func (a *api) clientTimeout(t *testing.T, timeout time.Duration) *webex.Client {
	t.Helper()
	c, err := webex.New(webex.Config{BaseURL: a.url, Token: "t", Pacer: ratelimit.New(0), Timeout: timeout,
		Retry: webex.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func passedRow(email string) (*pipeline.Row, pipeline.Result) {
	row := &pipeline.Row{Line: 2, Fields: pipeline.Fields{Email: email, CustomerID: "cust-1", Package: "webex_meetings"}}
	return row, pipeline.Result{Row: row, Precheck: pipeline.Passed, HTTPStatus: 200, Attempts: 1, Final: true}
}

// TestProvisionerBranches walks every branch of the exactly-once logic
// against the fake: what is written, whether it is final, and how many
// POSTs, look-ups and reads it took.
func TestProvisionerBranches(t *testing.T) {
	answer := func(status int, body string) func(http.ResponseWriter, *http.Request, string) bool {
		return func(w http.ResponseWriter, r *http.Request, _ string) bool {
			if r.Method != http.MethodPost {
				return false
			}
			w.WriteHeader(status)
			w.Write([]byte(body))
			return true
		}
	}
	cases := []struct {
		name      string
		email     string
		opts      fakeapi.Options
		existing  *fakeapi.Subscriber // in the fake before the run
		intercept func(http.ResponseWriter, *http.Request, string) bool
		earlier   bool  // an earlier run journaled an intent
		journal   error // recording an intent fails
		wait      bool

		outcome          string
		final            bool
		message          string // substring
		posts, lists     int64
		gets             int64
		attempts         int // pre's 1 included
		wantSubscriberID bool
	}{
		{name: "provisioned", email: "ann@acme.example", outcome: pipeline.Provisioned, final: true, posts: 1, attempts: 2, wantSubscriberID: true},
		{name: "pending consent", email: "ann+pending@acme.example", outcome: pipeline.Pending, final: true, message: "consent email", posts: 1, attempts: 2, wantSubscriberID: true},
		{name: "created with errors", email: "ann+subfail@acme.example", outcome: pipeline.Failed, final: true, message: "10110", posts: 1, attempts: 2, wantSubscriberID: true},
		{name: "in-between status", email: "ann@acme.example", opts: fakeapi.Options{ProvisionDelay: time.Hour}, outcome: "provisioning", final: true, message: "use --wait", posts: 1, attempts: 2, wantSubscriberID: true},
		{name: "wait follows it to the end", email: "ann@acme.example", opts: fakeapi.Options{ProvisionDelay: 150 * time.Millisecond}, wait: true, outcome: pipeline.Provisioned, final: true, posts: 1, gets: 1, attempts: 3, wantSubscriberID: true},
		{name: "already exists: 409", email: "ann+exists@acme.example", outcome: pipeline.Failed, final: true, message: "already associated", posts: 1, attempts: 2},
		{name: "answer lost, found by look-up", email: "ann+lost@acme.example", outcome: pipeline.Provisioned, final: true, message: "not sent again", posts: 1, lists: 1, attempts: 3, wantSubscriberID: true},
		{name: "earlier intent, subscriber exists", email: "ann@acme.example", existing: &fakeapi.Subscriber{Email: "ann@acme.example", CustomerID: "cust-1"},
			earlier: true, outcome: pipeline.Provisioned, final: true, message: "not sent again", lists: 1, attempts: 2, wantSubscriberID: true},
		{name: "earlier intent, not found: sent once", email: "ann@acme.example", earlier: true, outcome: pipeline.Provisioned, final: true, posts: 1, lists: 1, attempts: 3, wantSubscriberID: true},
		{name: "earlier intent, exists under another customer", email: "ann@acme.example", existing: &fakeapi.Subscriber{Email: "ann@acme.example", CustomerID: "cust-9"},
			earlier: true, outcome: pipeline.Failed, final: true, message: "another customer (cust-9)", lists: 1, attempts: 2, wantSubscriberID: true},
		{name: "5xx every time: three POSTs, each looked up", email: "ann@acme.example", intercept: answer(502, ""), outcome: pipeline.Error, final: false, message: "3 POSTs each ended in doubt", posts: 3, lists: 3, attempts: 7},
		{name: "200 {}: looked up, not sent again", email: "ann@acme.example", intercept: answer(200, "{}"), outcome: pipeline.Error, final: false, message: "without a subscriber id", posts: 1, lists: 1, attempts: 3},
		{name: "redirect: looked up, not sent again", email: "ann@acme.example", intercept: func(w http.ResponseWriter, r *http.Request, _ string) bool {
			if r.Method != http.MethodPost {
				return false
			}
			http.Redirect(w, r, "/v1/wholesale/subscribers", http.StatusFound)
			return true
		}, outcome: pipeline.Error, final: false, message: "not followed", posts: 1, lists: 1, attempts: 3},
		{name: "no status: read again by id", email: "ann@acme.example", intercept: answer(200, `{"id":"sub-77","email":"ann@acme.example"}`),
			outcome: pipeline.Error, final: false, message: "but no status", posts: 1, gets: 1, attempts: 3, wantSubscriberID: true},
		{name: "look-up fails after a lost answer", email: "ann@acme.example", intercept: func(w http.ResponseWriter, r *http.Request, _ string) bool {
			w.WriteHeader(http.StatusServiceUnavailable) // POST and look-up alike
			return true
		}, outcome: pipeline.Error, final: false, message: "looking the subscriber up failed", posts: 1, lists: 2, attempts: 4},
		{name: "journal fails: nothing sent", email: "ann@acme.example", journal: errors.New("disk full"), outcome: pipeline.Error, final: false, message: "journal could not be written", attempts: 1},
		{name: "token rejected", email: "ann@acme.example", intercept: answer(401, `{"message":"expired"}`), outcome: pipeline.Error, final: false, message: "rejected the token", posts: 1, attempts: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newAPI(t, c.opts, c.intercept)
			if c.existing != nil {
				a.fake.AddSubscriber(*c.existing)
			}
			in := &intents{earlier: c.earlier, fail: c.journal}
			p := &tasks.Provisioner{Client: a.client(t), Intents: in, Wait: c.wait, WaitTimeout: 5 * time.Second, PollEvery: 250 * time.Millisecond}
			row, pre := passedRow(c.email)
			res := p.Work(context.Background(), row, pre)
			if res.Outcome != c.outcome || res.Final != c.final || !strings.Contains(res.Message, c.message) {
				t.Errorf("got %s final=%v %q; want %s final=%v saying %q", res.Outcome, res.Final, res.Message, c.outcome, c.final, c.message)
			}
			if a.posts.Load() != c.posts || a.lists.Load() != c.lists || a.gets.Load() != c.gets {
				t.Errorf("%d POSTs, %d look-ups, %d reads; want %d, %d, %d", a.posts.Load(), a.lists.Load(), a.gets.Load(), c.posts, c.lists, c.gets)
			}
			if res.Attempts != c.attempts {
				t.Errorf("attempts %d, want %d (every request of the row)", res.Attempts, c.attempts)
			}
			if (res.SubscriberID != "") != c.wantSubscriberID {
				t.Errorf("subscriber id %q", res.SubscriberID)
			}
			if res.Outcome == pipeline.Provisioned && res.SubscriberStatus != "provisioned" {
				t.Errorf("provisioned with status %q", res.SubscriberStatus)
			}
			if in.records.Load() != c.posts && c.journal == nil {
				t.Errorf("%d intents journaled for %d POSTs", in.records.Load(), c.posts)
			}
		})
	}
}

// A row whose precheck did not pass, or beyond --max-provision, is skipped
// without a request; a stopped client sends nothing and says not_sent.
func TestProvisionerSkipsAndStops(t *testing.T) {
	a := newAPI(t, fakeapi.Options{}, nil)
	p := &tasks.Provisioner{Client: a.client(t), Intents: &intents{}, Max: 1}
	row, pre := passedRow("ann@acme.example")
	failed := pre
	failed.Precheck = pipeline.Failed
	if res := p.Work(context.Background(), row, failed); res.Outcome != pipeline.Skipped {
		t.Errorf("precheck failed: %s", res.Outcome)
	}
	if res := p.Work(context.Background(), row, pre); res.Outcome != pipeline.Provisioned {
		t.Errorf("first: %s %q", res.Outcome, res.Message)
	}
	row2, pre2 := passedRow("ben@acme.example")
	if res := p.Work(context.Background(), row2, pre2); res.Outcome != pipeline.Skipped || !strings.Contains(res.Message, "--max-provision 1") {
		t.Errorf("beyond the cap: %s %q", res.Outcome, res.Message)
	}
	c := a.client(t)
	c.StopSending()
	stopped := &tasks.Provisioner{Client: c, Intents: &intents{}}
	row3, pre3 := passedRow("cy@acme.example")
	if res := stopped.Work(context.Background(), row3, pre3); res.Outcome != pipeline.NotSent || res.Final {
		t.Errorf("stopped: %s final=%v %q", res.Outcome, res.Final, res.Message)
	}
	if a.posts.Load() != 1 {
		t.Errorf("%d POSTs, want 1", a.posts.Load())
	}
}

// TestClassifyError: what a failed call writes, for each kind of failure.
func TestClassifyError(t *testing.T) {
	canceled, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("the error-rate breaker tripped"))
	cases := []struct {
		name     string
		ctx      context.Context
		err      error
		attempts int
		final    bool
		fatal    bool
		message  string
		codes    string
	}{
		{"not sent", context.Background(), webex.ErrNotSent, 0, false, false, "not sent: the run was stopped before this row's turn", ""},
		{"stopped mid-request", canceled, context.Canceled, 1, false, false, "no answer: the run was stopped: the error-rate breaker tripped", ""},
		{"token", context.Background(), &webex.APIError{Status: 401, Message: "Unauthorized"}, 1, false, true, "rejected the token", ""},
		{"a verdict with codes", context.Background(), &webex.APIError{Status: 400, Message: "Bad", Errors: []webex.ErrorItem{{ErrorCode: 10101, Description: "Invalid phone"}}}, 1, true, false, "Invalid phone", "10101"},
		{"transient after retries", context.Background(), &webex.APIError{Status: 503, Message: "Service Unavailable"}, 6, true, false, "Service Unavailable (after 6 attempts)", ""},
		{"transport", context.Background(), errors.New("connection reset by peer"), 3, true, false, "connection reset by peer (after 3 attempts)", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := pipeline.Result{Attempts: c.attempts, Final: true}
			tasks.ClassifyError(c.ctx, &res, c.err)
			if res.Final != c.final || (res.Fatal != nil) != c.fatal || !strings.Contains(res.Message, c.message) || res.ErrorCodes != c.codes {
				t.Errorf("got final=%v fatal=%v %q codes %q", res.Final, res.Fatal, res.Message, res.ErrorCodes)
			}
		})
	}
}
