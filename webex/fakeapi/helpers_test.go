package fakeapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testToken = "t0ken"

// Paths as a client sends them.
const (
	validateURL = "/v1/wholesale/subscribers/validate"
	subsURL     = "/v1/wholesale/subscribers"
)

// call sends one request straight to the handler, authorised and typed as
// JSON unless a mod changes that. body is sent as is when it is a string,
// else marshalled.
func call(t *testing.T, h http.Handler, method, target string, body any, mods ...func(*http.Request) *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	r := httptest.NewRequest(method, target, bytes.NewReader(raw))
	r.Header.Set("Authorization", "Bearer "+testToken)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for _, m := range mods {
		r = m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// header returns a mod that sets a request header ("" deletes it).
func header(name, value string) func(*http.Request) *http.Request {
	return func(r *http.Request) *http.Request {
		if value == "" {
			r.Header.Del(name)
		} else {
			r.Header.Set(name, value)
		}
		return r
	}
}

// precheckBody is a minimal valid precheck.
func precheckBody(email string) map[string]any {
	return map[string]any{"email": email, "customerId": "cust-1"}
}

// provisionBody is a minimal valid provision.
func provisionBody(email string) map[string]any {
	return map[string]any{
		"email":      email,
		"customerId": "cust-1",
		"packages":   []string{"webex_calling"},
		"provisioningParameters": map[string]any{
			"firstName": "Ada", "lastName": "Lovelace", "primaryPhoneNumber": "+12405551212", "extension": "51212",
		},
	}
}

// webexError is the error body as a client decodes it.
type webexError struct {
	Message string `json:"message"`
	Errors  []struct {
		Description string `json:"description"`
		ErrorCode   *int   `json:"errorCode"`
	} `json:"errors"`
	TrackingID string `json:"trackingId"`
}

// decodeError decodes w's body as a Webex error and checks its tracking id
// matches the header.
func decodeError(t *testing.T, w *httptest.ResponseRecorder) webexError {
	t.Helper()
	var e webexError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("status %d: body %q is not a Webex error: %v", w.Code, w.Body, err)
	}
	if e.Message == "" || len(e.Errors) == 0 {
		t.Errorf("error body lacks message or errors: %s", w.Body)
	}
	if got := w.Header().Get("Trackingid"); e.TrackingID != got {
		t.Errorf("body trackingId %q != header %q", e.TrackingID, got)
	}
	return e
}

// errorCode returns the first errorCode of a Webex error, 0 if none.
func errorCode(t *testing.T, w *httptest.ResponseRecorder) int {
	t.Helper()
	e := decodeError(t, w)
	if e.Errors[0].ErrorCode == nil {
		return 0
	}
	return *e.Errors[0].ErrorCode
}

// decodeSub decodes a Subscriber answer.
func decodeSub(t *testing.T, w *httptest.ResponseRecorder) Subscriber {
	t.Helper()
	var s Subscriber
	if err := json.Unmarshal(w.Body.Bytes(), &s); err != nil {
		t.Fatalf("status %d: body %q is not a Subscriber: %v", w.Code, w.Body, err)
	}
	return s
}

// decodeList decodes a list answer.
func decodeList(t *testing.T, w *httptest.ResponseRecorder) []Subscriber {
	t.Helper()
	var l struct{ Items []Subscriber }
	if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil {
		t.Fatalf("status %d: body %q is not a list: %v", w.Code, w.Body, err)
	}
	return l.Items
}

// nextLink extracts the target of a Link rel="next" header, "" if none.
func nextLink(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	link := w.Header().Get("Link")
	if link == "" {
		return ""
	}
	target, rel, ok := strings.Cut(link, ">; ")
	if !ok || !strings.HasPrefix(target, "<") || rel != `rel="next"` {
		t.Fatalf("malformed Link %q", link)
	}
	return target[1:]
}
