package webex

import (
	"context"
	"net/url"
)

// Probe makes one read-only call, GET /wholesale/subscribers?max=1, to
// learn whether the token may use the wholesale subscriber calls: nil, or
// the call's error (an *APIError with Status 403 for a token without the
// scopes, a *TokenError when no token could be had).
func (c *Client) Probe(ctx context.Context) (CallInfo, error) {
	return paginate(ctx, c, listCall{path: "/wholesale/subscribers", query: url.Values{"max": {"1"}},
		what: "a subscriber list", maxPages: 1}, func(Page[Subscriber]) error { return ErrStopPaging })
}
