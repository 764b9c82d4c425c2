package webex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// PageSize is the largest page the list endpoints answer (their max), and
// the one every list call of this package asks for.
const PageSize = 100

// Page is one page of a list call, as the pager hands it to its callback.
type Page[T any] struct {
	Items []T      // this page's items, in the server's order; may be empty
	N     int      // 0 for the first page
	Info  CallInfo // this page's request: attempts (retries included), status, tracking id
}

// ErrStopPaging, returned by a page callback, ends a list call early
// without an error: the caller has what it came for.
var ErrStopPaging = errors.New("stop paging")

// NextLinkError is a next-page link the pager refused to follow: it points
// outside the base URL (another scheme, host or port, or a path outside the
// base path), where the token must not go, like a redirect (RedirectError).
// The pages before it were delivered.
type NextLinkError struct {
	Link string // where it pointed, without credentials or query
}

func (e *NextLinkError) Error() string {
	return fmt.Sprintf("the server's next-page link points to %s, outside the API's base URL; not following it", e.Link)
}

// listCall is one list endpoint as the pager walks it.
type listCall struct {
	path       string
	query      url.Values // the first page's; max is set to PageSize when absent
	onBehalfOf string     // as call.onBehalfOf
	what       string     // "a subscriber list", for errors
	maxPages   int        // a guard against a server that never ends the list
}

// paginate walks a list endpoint page by page and hands each page to fn, so
// memory stays that of one page whatever the list's length. Each page's
// request goes through do like any GET: the pacer, retries, a 2xx without
// items retried as an *AnswerError. The next page is the one a
// `Link: <...>; rel="next"` header names (same origin and base path only,
// else a *NextLinkError), and once the server has sent one, a page without
// it is the last; a server that sends none is paged by offset: a full page
// (as many items as max) is followed by the page at offset+len(items), and
// a short page ends the list. The CallInfo returned sums the attempts of
// every page; its status and tracking id are the last page's. An error of
// fn ends the walk and is returned as is, except ErrStopPaging, which ends
// it without error.
func paginate[T any](ctx context.Context, c *Client, lc listCall, fn func(Page[T]) error) (CallInfo, error) {
	var total CallInfo
	path, q := lc.path, url.Values{}
	for k, v := range lc.query {
		q[k] = v
	}
	if q.Get("max") == "" {
		q.Set("max", strconv.Itoa(PageSize))
	}
	linked := false // the server pages by Link: a page without one is the last
	for n := 0; n < lc.maxPages; n++ {
		current := path + "?" + q.Encode()
		var items []T
		info, rep, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q, onBehalfOf: lc.onBehalfOf, decode: listDecoder(&items, lc.what)})
		total.Attempts += info.Attempts
		total.Status, total.TrackingID = info.Status, info.TrackingID
		if err != nil {
			return total, err
		}
		if err := fn(Page[T]{Items: items, N: n, Info: info}); err != nil {
			if errors.Is(err, ErrStopPaging) {
				return total, nil
			}
			return total, err
		}
		if next := nextLink(rep.header); next != nil {
			page, _ := url.Parse(c.target(call{path: path, query: q, onBehalfOf: lc.onBehalfOf}))
			if path, q, err = c.relative(page, next); err != nil {
				return total, err
			}
			// A link back to the page just read would loop for ever.
			if path+"?"+q.Encode() == current {
				return total, fmt.Errorf("%s: the server's next-page link names the page it came with; stopped after %d pages", lc.what, n+1)
			}
			linked = true
			continue
		}
		if linked {
			return total, nil
		}
		size, err := strconv.Atoi(q.Get("max"))
		if err != nil || size <= 0 {
			size = PageSize
		}
		if len(items) < size {
			return total, nil // a short page is the last
		}
		off, _ := strconv.Atoi(q.Get("offset"))
		q.Set("offset", strconv.Itoa(off+len(items)))
	}
	return total, fmt.Errorf("%s did not end after %d pages", lc.what, lc.maxPages)
}

// listPage is the body of a list endpoint. Items is a pointer so that a
// body without it (`{}`) is told from an empty list: only the latter says
// "none".
type listPage[T any] struct {
	Items *[]T `json:"items"`
}

// listDecoder reads one page of a list into *items; a body that is not a
// list with items is an *AnswerError (retried: a list changes nothing).
func listDecoder[T any](items *[]T, what string) func(int, []byte) error {
	return func(status int, raw []byte) error {
		var lp listPage[T]
		if err := json.Unmarshal(raw, &lp); err != nil {
			return answerError(status, raw, what, err)
		}
		if lp.Items == nil {
			return answerError(status, raw, what+" with items", nil)
		}
		*items = *lp.Items
		return nil
	}
}

// nextLink returns the target of a Link: <...>; rel="next" header, if any.
func nextLink(h http.Header) *url.URL {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			segs := strings.Split(part, ";")
			if len(segs) < 2 {
				continue
			}
			target := strings.TrimSpace(segs[0])
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for _, p := range segs[1:] {
				p = strings.ReplaceAll(strings.TrimSpace(p), " ", "")
				if strings.EqualFold(p, `rel="next"`) || strings.EqualFold(p, "rel=next") {
					if u, err := url.Parse(target[1 : len(target)-1]); err == nil {
						return u
					}
				}
			}
		}
	}
	return nil
}

// relative turns a next link into a path under our base and its query. A
// relative link is resolved against the page that carried it (RFC 8288), so
// "?offset=100" and "/v1/wholesale/..." both stay at the base URL's origin;
// a link to another origin, or outside the base path, is refused: the token
// must not follow it there (as no redirect is followed).
func (c *Client) relative(page, next *url.URL) (string, url.Values, error) {
	u := page.ResolveReference(next)
	if u.Host != c.base.Host || u.Scheme != c.base.Scheme || !strings.HasPrefix(u.Path, c.base.Path+"/") {
		shown := *u
		shown.User, shown.RawQuery, shown.Fragment = nil, "", ""
		return "", nil, &NextLinkError{Link: shown.String()}
	}
	q := u.Query()
	q.Del("onBehalfOfSubPartnerOrgId") // do() adds ours
	return strings.TrimPrefix(u.EscapedPath(), c.base.EscapedPath()), q, nil
}
