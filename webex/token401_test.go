package webex_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// acceptingTokens is the tokens stub that also hears of accepted tokens.
type acceptingTokens struct {
	tokens
	accepted atomic.Int64
}

func (s *acceptingTokens) Accepted(string) { s.accepted.Add(1) }

// A token that dies unannounced while a call rides out 503s is one more
// token to renew, not "the token was rejected twice": the second-401 rule
// counts per token. The source hears of every accepted token (so it can
// bound 401s in a row across calls).
func TestSecond401CountsPerToken(t *testing.T) {
	var mu sync.Mutex
	var sent []string
	n503 := 0
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		auth := r.Header.Get("Authorization")
		sent = append(sent, auth)
		switch {
		case auth == "Bearer tok-1": // died before the call
			w.WriteHeader(401)
		case auth == "Bearer tok-2" && n503 < 2: // the outage
			n503++
			w.WriteHeader(503)
		case auth == "Bearer tok-2": // died during the outage
			w.WriteHeader(401)
		default:
			w.Write([]byte(`{"id":"s1","status":"provisioned","email":"a@b.c"}`))
		}
	})
	src := &acceptingTokens{}
	cl, _ := newClient(t, srv, func(c *webex.Config) {
		c.Token, c.Tokens = "", src
		c.Retry.MaxAttempts = 6
	})
	sub, info, err := cl.GetSubscriber(context.Background(), "s1")
	if err != nil || sub.ID != "s1" || info.Attempts != 5 {
		t.Fatalf("%v, %d attempts, sent %v; want the subscriber after 5", err, info.Attempts, sent)
	}
	if src.accepted.Load() != 1 {
		t.Errorf("the source heard of %d accepted tokens, want 1", src.accepted.Load())
	}
}
