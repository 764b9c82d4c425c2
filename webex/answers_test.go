package webex_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// signIn is what a proxy in front of the API answers when it wants a login.
const signIn = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>...</form></body></html>"

// TestUnreadablePrecheckIsRetried: a precheck answered 200 with a body that
// is no answer (a proxy's page, a body cut short) is a transient fault like
// a 502: precheck changes nothing, so it is asked again and the second
// answer counts.
func TestUnreadablePrecheckIsRetried(t *testing.T) {
	for name, first := range map[string]string{
		"html":      signIn,
		"truncated": `{"message":"succ`,
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int64
			base := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				if n.Add(1) == 1 {
					io.WriteString(w, first)
					return
				}
				io.WriteString(w, `{"message":"success","info":[{"infoCode":100}]}`)
			})
			cl, _ := newClient(t, base, nil)
			resp, info, err := cl.Precheck(context.Background(), email)
			if err != nil || !resp.Passed() || info.Attempts != 2 {
				t.Fatalf("passed=%v attempts=%d err=%v; want passed after 2 attempts", resp.Passed(), info.Attempts, err)
			}
		})
	}
}

// TestWritesCountOnlyTheDocumentedAnswer: DELETE and consentMove are done
// only when answered 204. Any other 2xx (a sign-in page, {}, any JSON) is
// an error naming what came back, sent once: consentMove's is in doubt
// (an email may have gone out), DELETE's is for the caller to look up.
func TestWritesCountOnlyTheDocumentedAnswer(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   string // in the error; "" for done
	}{
		{"204 is done", 204, "", ""},
		{"200 sign-in page", 200, signIn, "HTTP 200 with an HTML page (body <!DOCTYPE html><html><head><title>Sign in"},
		{"200 {}", 200, "{}", "HTTP 200 with body {}, not the documented 204"},
		{"200 any JSON", 200, `{"id":"s1","status":"provisioned"}`, `HTTP 200 with body {"id":"s1","status":"provisioned"}, not the documented 204`},
		{"202 empty", 202, "", "HTTP 202 with an empty body, not the documented 204"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hits atomic.Int64
			base := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				hits.Add(1)
				w.Header().Set("Trackingid", "ROUTER_T")
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			})
			cl, _ := newClient(t, base, nil)
			ctx := context.Background()

			_, err := cl.RemoveSubscriber(ctx, "s1", nil)
			var ae *webex.AnswerError
			switch {
			case c.want == "" && err != nil:
				t.Errorf("remove: %v, want done", err)
			case c.want != "" && (!errors.As(err, &ae) || !strings.Contains(err.Error(), c.want) || ae.TrackingID != "ROUTER_T"):
				t.Errorf("remove: %v, want an *AnswerError saying %q with the tracking id", err, c.want)
			}

			_, err = cl.ResendConsent(ctx, "s1", nil)
			var doubt *webex.InDoubtError
			switch {
			case c.want == "" && err != nil:
				t.Errorf("consent: %v, want done", err)
			case c.want != "" && (!errors.As(err, &doubt) || !doubt.Answered || !errors.As(err, &ae) || !strings.Contains(err.Error(), c.want)):
				t.Errorf("consent: %v, want in doubt (answered) saying %q", err, c.want)
			}
			if hits.Load() != 2 {
				t.Errorf("%d requests, want 2: an answer that is not the documented one is not repeated", hits.Load())
			}
		})
	}
}

// TestListWithoutItemsIsNotNone: a list answered 200 without items ({},
// an HTML page) is not "no such subscriber" or "no such customer": it is
// retried, then an error naming it. A list with empty items is none.
func TestListWithoutItemsIsNotNone(t *testing.T) {
	for _, body := range []string{`{}`, `{"item":[]}`, signIn, `{"items":null}`} {
		t.Run(body, func(t *testing.T) {
			var hits atomic.Int64
			base := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				hits.Add(1)
				io.WriteString(w, body)
			})
			cl, _ := newClient(t, base, nil)
			ctx := context.Background()
			var ae *webex.AnswerError
			if found, _, err := cl.FindByEmail(ctx, "ann@acme.example"); !errors.As(err, &ae) || !strings.Contains(err.Error(), "not a subscriber list") {
				t.Errorf("FindByEmail: %v, %v; want an error naming the list", found, err)
			}
			if found, _, err := cl.FindCustomers(ctx, "acme-001", ""); !errors.As(err, &ae) || !strings.Contains(err.Error(), "not a customer list") {
				t.Errorf("FindCustomers: %v, %v; want an error naming the list", found, err)
			}
			if sub, _, err := cl.GetSubscriber(ctx, "s1"); !errors.As(err, &ae) || !strings.Contains(err.Error(), "not a subscriber") {
				t.Errorf("GetSubscriber: %+v, %v; want an error naming the subscriber", sub, err)
			}
			if want := int64(3 * fastRetry.MaxAttempts); hits.Load() != want {
				t.Errorf("%d requests, want %d: a read-only call retries an unreadable answer", hits.Load(), want)
			}
		})
	}
	base := serve(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{"items":[]}`) })
	cl, _ := newClient(t, base, nil)
	if found, _, err := cl.FindByEmail(context.Background(), "ann@acme.example"); err != nil || len(found) != 0 {
		t.Errorf("empty items: %v, %v; want none, no error", found, err)
	}
}
