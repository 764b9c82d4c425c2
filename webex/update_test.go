package webex_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// suiteSub is the documented answer to a PUT giving s1 webex_suite.
const suiteSub = `{"id":"s1","email":"ann@acme.example","customerId":"c1","package":"webex_suite","packages":["webex_suite"],"status":"provisioned"}`

// TestUpdateSubscriberAnswers: only 200 with the subscriber is done; any
// other answer that may follow an acted-on PUT is in doubt and sent once;
// answers that prove nothing was done are retried (429) or refusals (4xx).
func TestUpdateSubscriberAnswers(t *testing.T) {
	type verdict int
	const (
		done verdict = iota
		doubtAnswered
		doubtLost
		refused
	)
	cases := []struct {
		name     string
		answers  []func(w http.ResponseWriter, r *http.Request) // one per request; the last repeats
		want     verdict
		requests int
		say      string // in the error
	}{
		{name: "documented 200 with the subscriber", want: done, requests: 1,
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, suiteSub) }}},
		{name: "200 HTML page", want: doubtAnswered, requests: 1, say: "HTTP 200 with an HTML page",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, signIn) }}},
		{name: "200 {}", want: doubtAnswered, requests: 1, say: "HTTP 200 with body {}",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{}`) }}},
		{name: "204", want: doubtAnswered, requests: 1, say: "HTTP 204 with an empty body, not the documented 200",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }}},
		{name: "200 with another package", want: doubtAnswered, requests: 1, say: "holding webex_suite",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) {
				io.WriteString(w, strings.ReplaceAll(suiteSub, "webex_suite", "webex_meetings"))
			}}},
		{name: "303 redirect", want: doubtAnswered, requests: 1, say: "redirect",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Location", "/elsewhere")
				w.WriteHeader(303)
			}}},
		{name: "502 may have acted", want: doubtLost, requests: 1, say: "HTTP 502",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(502) }}},
		{name: "answer lost (timeout)", want: doubtLost, requests: 1, say: "timed out",
			answers: []func(http.ResponseWriter, *http.Request){func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }}},
		{name: "429 then done", want: done, requests: 2,
			answers: []func(http.ResponseWriter, *http.Request){
				func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("Retry-After", "0"); w.WriteHeader(429) },
				func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, suiteSub) }}},
		{name: "404 unknown subscriber", want: refused, requests: 1, say: "HTTP 404: Subscriber not found.",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(404)
				io.WriteString(w, `{"message":"Subscriber not found."}`)
			}}},
		{name: "409 still pending", want: refused, requests: 1, say: "HTTP 409",
			answers: []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(409) }}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			var mu sync.Mutex
			var bodies []string
			base := serve(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
				mu.Unlock()
				tc.answers[min(i, len(tc.answers)-1)](w, r)
			})
			cl, _ := newClient(t, base, func(c *webex.Config) { c.Timeout = 200 * time.Millisecond })
			intents := 0
			sub, info, err := cl.UpdateSubscriber(context.Background(), "s1", webex.UpdateRequest{Package: "webex_suite"},
				func() error { intents++; return nil })
			var doubt *webex.InDoubtError
			var ae *webex.APIError
			switch tc.want {
			case done:
				if err != nil || sub.ID != "s1" || info.Status != 200 {
					t.Fatalf("sub %+v, info %+v, err %v; want done", sub, info, err)
				}
			case doubtAnswered, doubtLost:
				if !errors.As(err, &doubt) || doubt.Answered != (tc.want == doubtAnswered) {
					t.Fatalf("err %v, want in doubt (answered=%v)", err, tc.want == doubtAnswered)
				}
			case refused:
				if !errors.As(err, &ae) || errors.As(err, &doubt) {
					t.Fatalf("err %v, want an *APIError, not in doubt", err)
				}
			}
			if tc.say != "" && !strings.Contains(err.Error(), tc.say) {
				t.Errorf("err %q, want it to say %q", err, tc.say)
			}
			if int(n.Load()) != tc.requests || info.Attempts != tc.requests || intents != 1 {
				t.Errorf("%d requests, %d attempts, intent ran %d times; want %d, %d, 1", n.Load(), info.Attempts, intents, tc.requests, tc.requests)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, b := range bodies {
				if want := `PUT /v1/wholesale/subscribers/s1 application/json {"packages":["webex_suite"]}`; b != want {
					t.Errorf("sent %s, want %s", b, want)
				}
			}
		})
	}
}

// TestUpdateSubscriberSendsNothingWhenItMustNot: no id or package, or an
// intent that fails, sends nothing.
func TestUpdateSubscriberSendsNothingWhenItMustNot(t *testing.T) {
	var n atomic.Int64
	base := serve(t, func(w http.ResponseWriter, _ *http.Request) { n.Add(1); io.WriteString(w, suiteSub) })
	cl, _ := newClient(t, base, nil)
	ctx := context.Background()
	journal := errors.New("journal full")
	if _, _, err := cl.UpdateSubscriber(ctx, "s1", webex.UpdateRequest{Package: "webex_suite"}, func() error { return journal }); !errors.Is(err, journal) {
		t.Errorf("intent error: %v", err)
	}
	if _, _, err := cl.UpdateSubscriber(ctx, "s1", webex.UpdateRequest{}, nil); err == nil {
		t.Error("no package: no error")
	}
	if _, _, err := cl.UpdateSubscriber(ctx, " ", webex.UpdateRequest{Package: "webex_suite"}, nil); err == nil {
		t.Error("no id: no error")
	}
	if n.Load() != 0 {
		t.Errorf("%d requests sent", n.Load())
	}
}

// TestUpdateSubscriberBody: calling details and the sub-partner go where
// the spec puts them; the id is escaped in the path.
func TestUpdateSubscriberBody(t *testing.T) {
	var got string
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.URL.EscapedPath() + "?" + r.URL.RawQuery + " " + string(b)
		io.WriteString(w, strings.ReplaceAll(suiteSub, "webex_suite", "webex_calling"))
	})
	cl, _ := newClient(t, base, nil)
	_, _, err := cl.UpdateSubscriber(context.Background(), "a/b", webex.UpdateRequest{OnBehalfOf: "sub-org", Package: "webex_calling",
		ProvisioningParameters: &webex.UpdateParameters{PrimaryPhoneNumber: "+12405551212", Extension: "5221"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `/v1/wholesale/subscribers/a%2Fb?onBehalfOfSubPartnerOrgId=sub-org {"packages":["webex_calling"],"provisioningParameters":{"primaryPhoneNumber":"+12405551212","extension":"5221"}}`
	if got != want {
		t.Errorf("sent %s\nwant %s", got, want)
	}
}
