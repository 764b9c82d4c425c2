package webex

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// APIError is a non-2xx answer, with everything support will ask for.
type APIError struct {
	Status     int
	Message    string      // the body's message, or the status text when the body had none
	Errors     []ErrorItem // the body's errors[], possibly empty
	TrackingID string      // from the body, else the Trackingid header
	RetryAfter time.Duration
	// HasRetryAfter tells a Retry-After of zero from an absent one.
	HasRetryAfter bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if codes := e.Codes(); codes != "" {
		fmt.Fprintf(&b, " (errorCode %s)", codes)
	}
	if e.TrackingID != "" {
		fmt.Fprintf(&b, " [trackingId %s]", e.TrackingID)
	}
	return b.String()
}

// Codes joins the error codes with ';', in the order the API sent them.
func (e *APIError) Codes() string {
	return JoinCodes(e.Errors)
}

// Detail is the most specific human text: the descriptions of errors[] when
// present (they say more than the generic message), else the message.
func (e *APIError) Detail() string {
	var parts []string
	for _, it := range e.Errors {
		if it.Description != "" {
			parts = append(parts, it.Description)
		}
	}
	if len(parts) == 0 {
		return e.Message
	}
	return strings.Join(parts, "; ")
}

// JoinCodes renders error codes as "10022;10101", skipping absent ones.
func JoinCodes(items []ErrorItem) string {
	var b strings.Builder
	for _, it := range items {
		if it.ErrorCode == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(it.ErrorCode))
	}
	return b.String()
}

// ErrUnauthorized marks a 401: the token is missing, wrong or expired, so
// every later call would fail too and the run must stop.
var ErrUnauthorized = errors.New("the API rejected the token (HTTP 401): it is missing, wrong or expired; get a fresh token and set WEBEX_TOKEN or --token-file")

// Unwrap lets errors.Is(err, ErrUnauthorized) see a 401.
func (e *APIError) Unwrap() error {
	if e.Status == http.StatusUnauthorized {
		return ErrUnauthorized
	}
	return nil
}

// errorBody is the platform-wide Webex error shape.
type errorBody struct {
	Message    string      `json:"message"`
	Errors     []ErrorItem `json:"errors"`
	TrackingID string      `json:"trackingId"`
}

// parseError builds an APIError from a response whose body was already read.
// An empty or non-JSON body (a proxy's HTML page, a bare 429) is tolerated.
func parseError(status int, h http.Header, body []byte, now time.Time) *APIError {
	e := &APIError{Status: status}
	var eb errorBody
	if len(body) > 0 && json.Unmarshal(body, &eb) == nil {
		e.Message = strings.TrimSpace(eb.Message)
		e.Errors = eb.Errors
		e.TrackingID = eb.TrackingID
	}
	// A failure's body that says "success" (a misconfigured proxy or
	// server) must not reach a result's message as if it were one.
	if e.Message == "" || strings.EqualFold(e.Message, "success") {
		e.Message = http.StatusText(status)
	}
	if e.TrackingID == "" {
		e.TrackingID = h.Get("Trackingid")
	}
	e.RetryAfter, e.HasRetryAfter = ParseRetryAfter(h.Get("Retry-After"), now)
	return e
}

// ParseRetryAfter reads a Retry-After value in either form the HTTP spec
// allows: delay-seconds or an HTTP date. A date in the past means "now".
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs != secs {
			return 0, false
		}
		if secs > 24*3600 {
			secs = 24 * 3600
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// RedirectError is a 3xx answer to an API call. It is never followed (see
// New): the row ends with this error, and a provisioning POST answered so
// is in doubt (a 303 may follow a POST the server acted on).
type RedirectError struct {
	Status     int
	Location   string // where the server pointed, without credentials or query
	TrackingID string
}

func (e *RedirectError) Error() string {
	if e.Location == "" {
		return fmt.Sprintf("the API answered a redirect (HTTP %d, no Location); not followed", e.Status)
	}
	return fmt.Sprintf("the API answered a redirect (HTTP %d) to %s; not followed", e.Status, e.Location)
}

// redirectError names a 3xx's target, resolved against base, without its
// user info and query (they could carry secrets or another row's data).
func redirectError(status int, h http.Header, base *url.URL) *RedirectError {
	e := &RedirectError{Status: status, TrackingID: h.Get("Trackingid")}
	if loc := strings.TrimSpace(h.Get("Location")); loc != "" {
		if u, err := base.Parse(loc); err == nil {
			u.User, u.RawQuery, u.Fragment = nil, "", ""
			e.Location = u.String()
		} else {
			e.Location = strconv.Quote(loc)
		}
	}
	return e
}

// AnswerError is a 2xx answer that is not what the call documents: a body
// that cannot be read (a proxy's HTML page, a body cut short), a list
// without items, a subscriber without an id, or a write answered with
// another status than its own (a DELETE answered 200 instead of 204).
// Nothing in it proves the call was done. A read-only call retries it like
// a 502; a write never counts it as done (see the callers).
type AnswerError struct {
	Status     int
	Want       string // what the API documents, e.g. "the documented 204"
	Body       string // a short, one-line view of what came back
	TrackingID string
	Err        error // why the body could not be read, if that was the fault
}

func (e *AnswerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d with %s", e.Status, e.Body)
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	if e.Want != "" {
		b.WriteString(", not ")
		b.WriteString(e.Want)
	}
	if e.TrackingID != "" {
		fmt.Fprintf(&b, " [trackingId %s]", e.TrackingID)
	}
	return b.String()
}

func (e *AnswerError) Unwrap() error { return e.Err }

// answerError describes what a 2xx brought back instead of want; do (or
// the caller) adds the tracking id.
func answerError(status int, raw []byte, want string, err error) *AnswerError {
	return &AnswerError{Status: status, Want: want, Body: snippet(raw), Err: err}
}

// snippet shows a body in a message: short, on one line, and named for
// what it looks like when it is an HTML page (a proxy's sign-in or error page).
func snippet(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if s == "" {
		return "an empty body"
	}
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	if l := strings.ToLower(s); strings.HasPrefix(l, "<!doctype html") || strings.HasPrefix(l, "<html") {
		return "an HTML page (body " + s + ")"
	}
	return "body " + s
}

// unexpected is the *AnswerError of a write whose 2xx is not the one its
// call documents.
func unexpected(info CallInfo, raw []byte, want string) *AnswerError {
	ae := answerError(info.Status, raw, want, nil)
	ae.TrackingID = info.TrackingID
	return ae
}
