package fakeapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options shapes the fake's weather. The zero value is a fast, reliable
// server that accepts any bearer token.
type Options struct {
	// Token is the only bearer token accepted; "" accepts any non-empty
	// one. A missing or wrong token gets 401 with a Webex error body.
	Token string
	// Latency is added to every response, waiting on the request's context
	// so a client that gives up frees the handler.
	Latency time.Duration
	// RateLimit is a requests-per-second token bucket over all requests,
	// with a burst of max(1, RateLimit/10); 0 means unlimited. A request
	// beyond it gets 429 with an empty body and Retry-After in whole
	// seconds (rounded up, at least 1).
	RateLimit float64
	// FailureRate is the fraction (0..1, clamped) of requests answered 503
	// at random before anything else, to prove retries eventually succeed.
	FailureRate float64
	// ThrottleFirst answers the first n requests naming each email (of
	// precheck and provision) 429 with Retry-After: 1 and an empty body,
	// whatever the request rate: 429s tied to rows, not to the rate, which
	// an adaptive client must not take for a rate limit.
	ThrottleFirst int
	// Seed seeds FailureRate's randomness, so a test sees the same failures
	// for the same sequence of requests.
	Seed uint64
	// ProvisionDelay is how long a new subscriber reports "provisioning"
	// before "provisioned"; 0 means provisioned at once.
	ProvisionDelay time.Duration
	// OAuth, if set, makes the fake an OAuth server too: POST
	// /v1/access_token refreshes, and API calls accept only access tokens
	// it issued and that have not expired (plus Token, if set, which never
	// expires). New copies it; later changes to it have no effect.
	OAuth *OAuth
	// Customers seeds the registry the customer routes answer from, in
	// list order (see AddCustomer). nil means DefaultCustomers(), what
	// --sandbox starts from; an empty non-nil slice means no customers.
	Customers []Customer
	// Bulk seeds large customers cheaply: each entry adds its N
	// subscribers as AddBulk does.
	Bulk []Bulk
}

// Server is the fake API as an http.Handler. All methods are safe for
// concurrent use.
type Server struct {
	opts     Options
	limiter  *bucket
	trackSeq atomic.Uint64 // numbers FAKE_<n> tracking ids
	inFlight atomic.Int64

	mu      sync.Mutex // guards everything below
	rng     *rand.Rand
	stats   Stats
	byEmail map[string]*record // key: lower-cased email
	byID    map[string]*record
	nextSeq uint64
	// order holds every record stored, in list order once sorted; gone
	// ones are compacted out by the next list (see listing.go).
	order         []*record
	orderUnsorted bool
	orderGone     int
	blocks        []*block          // bulk subscribers (AddBulk), generated on read
	version       uint64            // bumped by every change of the subscribers, to drop stale cursors
	cursors       map[string]cursor // where the next page of a listing starts (listing.go)
	fired         map[string]int    // times a first-requests tag fired, per email and tag
	oauth         *oauthState       // nil without Options.OAuth; set by New, its contents guarded

	customers     map[string]Customer // key: id
	customerOrder []string            // ids in registration order
	customerSeq   uint64              // numbers generated customer ids
}

// New returns a Server with no subscribers and the customers of
// Options.Customers (or DefaultCustomers) registered.
func New(opts Options) *Server {
	if !(opts.FailureRate > 0) { // also catches NaN
		opts.FailureRate = 0
	}
	opts.FailureRate = math.Min(opts.FailureRate, 1)
	var oauth *oauthState
	if opts.OAuth != nil {
		oauth = newOAuthState(*opts.OAuth, time.Now())
		opts.OAuth = &oauth.cfg // not the caller's, which may change
	}
	s := &Server{
		opts:    opts,
		limiter: newBucket(opts.RateLimit),
		rng:     rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		stats:   newStats(),
		byEmail: map[string]*record{},
		byID:    map[string]*record{},
		fired:   map[string]int{},
		cursors: map[string]cursor{},
		oauth:   oauth,

		customers: map[string]Customer{},
	}
	seed := opts.Customers
	if seed == nil {
		seed = DefaultCustomers()
	}
	for _, c := range seed {
		s.addCustomerLocked(c.clone(true)) // not yet shared: no lock needed
	}
	s.opts.Customers = nil // seeded; the caller's slice is not kept
	for _, b := range opts.Bulk {
		s.AddBulk(b)
	}
	s.opts.Bulk = nil
	return s
}

// Paths under the /v1 prefix. consentMove is the one the spec prints
// without /wholesale: /subscribers/{subscriberId}/emails/consentMove.
const (
	pathSubscribers   = "/wholesale/subscribers"
	pathCustomers     = "/wholesale/customers"
	pathValidate      = "/wholesale/subscribers/validate"
	pathConsentPrefix = "/subscribers/"
	pathConsentSuffix = "/emails/consentMove"
	apiPrefix         = "/v1"
)

// maxBody bounds how much of a request body is read; real bodies are < 1 KiB.
const maxBody = 1 << 20

// ServeHTTP runs the checks in the order the package doc lists, then the
// operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.trackSeq.Add(1)
	s.enter()
	defer s.inFlight.Add(-1)

	trackingID := r.Header.Get("TrackingID")
	if trackingID == "" {
		trackingID = "FAKE_" + strconv.FormatUint(n, 10)
	}
	w.Header().Set("Trackingid", trackingID)
	x := &exchange{w: w, r: r, trackingID: trackingID}

	if !sleep(r.Context(), s.opts.Latency) {
		return // the client left; nobody reads an answer
	}
	if s.oauth != nil && r.URL.Path == apiPrefix+pathAccessToken {
		// Kept simple: the token endpoint is exempt from FailureRate and
		// RateLimit (it neither draws a failure nor spends a token of the
		// bucket) and needs no bearer token; Latency applies.
		s.accessToken(x)
		return
	}
	if s.oauth != nil && r.URL.Path == apiPrefix+pathAuthorize {
		s.authorize(x) // a browser's page, exempt as the token endpoint is
		return
	}
	if s.injectFailure() {
		s.count(func(st *Stats) { st.Injected503++ })
		x.empty(http.StatusServiceUnavailable)
		return
	}
	if ok, wait := s.limiter.take(time.Now()); !ok {
		s.count(func(st *Stats) { st.Throttled429++ })
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
		x.empty(http.StatusTooManyRequests)
		return
	}
	if ok, expired := s.authorized(r); !ok {
		s.count(func(st *Stats) { st.Unauthorized++ })
		msg := msgNoToken
		if expired {
			msg = msgExpiredToken
		}
		x.fail(http.StatusUnauthorized, msg)
		return
	}
	if !s.scopeOK(r) {
		s.count(func(st *Stats) { st.ScopeRefusals++ })
		x.fail(http.StatusForbidden, msgScope)
		return
	}
	s.route(x)
}

// enter records one more request in flight.
func (s *Server) enter() {
	cur := int(s.inFlight.Add(1))
	s.mu.Lock()
	s.stats.Requests++
	s.stats.MaxInFlight = max(s.stats.MaxInFlight, cur)
	s.mu.Unlock()
}

// injectFailure draws whether this request is one of FailureRate's 503s.
func (s *Server) injectFailure() bool {
	if s.opts.FailureRate == 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < s.opts.FailureRate
}

// authorized checks the bearer token: Options.Token, or with Options.OAuth
// an access token issued and not expired. expired tells an issued access
// token past its life from one never issued.
func (s *Server) authorized(r *http.Request) (ok, expired bool) {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return false, false
	}
	static := s.opts.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.Token)) == 1
	if s.oauth == nil {
		return s.opts.Token == "" || static, false
	}
	if static {
		return true, false
	}
	return s.accessOK(token, time.Now())
}

// route dispatches on path, then method: an unknown path is 404 whatever the
// method, a known path with an unserved method (PUT...) is 405.
func (s *Server) route(x *exchange) {
	rest, ok := strings.CutPrefix(x.r.URL.Path, apiPrefix)
	if !ok {
		rest = ""
	}
	method := x.r.Method
	var op func(*exchange)
	var counter func(*Stats)
	allow := ""
	switch {
	case rest == pathValidate:
		allow = http.MethodPost
		if method == http.MethodPost {
			op, counter = s.precheck, func(st *Stats) { st.Prechecks++ }
		}
	case rest == pathSubscribers:
		allow = "GET, POST"
		switch method {
		case http.MethodGet:
			op, counter = s.list, func(st *Stats) { st.Lists++ }
		case http.MethodPost:
			op, counter = s.provision, func(st *Stats) { st.Provisions++ }
		}
	case strings.HasPrefix(rest, pathSubscribers+"/"):
		id := strings.TrimPrefix(rest, pathSubscribers+"/")
		if id == "" || strings.Contains(id, "/") {
			break
		}
		allow = "GET, PUT, DELETE"
		switch method {
		case http.MethodGet:
			op, counter = func(x *exchange) { s.get(x, id) }, func(st *Stats) { st.Gets++ }
		case http.MethodPut:
			op, counter = func(x *exchange) { s.update(x, id) }, func(st *Stats) { st.Updates++; st.UpdatesByID[id]++ }
		case http.MethodDelete:
			op, counter = func(x *exchange) { s.remove(x, id) }, func(st *Stats) { st.Deletes++; st.DeletesByID[id]++ }
		}
	case rest == pathCustomers:
		allow = http.MethodGet
		if method == http.MethodGet {
			externalID := x.r.URL.Query().Get("externalId")
			op, counter = s.listCustomers, func(st *Stats) {
				st.CustomerLists++
				if externalID != "" {
					st.CustomerListsByExternalID[externalID]++
				}
			}
		}
	case strings.HasPrefix(rest, pathCustomers+"/"):
		id := strings.TrimPrefix(rest, pathCustomers+"/")
		if id == "" || strings.Contains(id, "/") {
			break
		}
		allow = http.MethodGet
		if method == http.MethodGet {
			op, counter = func(x *exchange) { s.getCustomer(x, id) }, func(st *Stats) { st.CustomerGets++ }
		}
	case strings.HasPrefix(rest, pathConsentPrefix) && strings.HasSuffix(rest, pathConsentSuffix):
		id := strings.TrimSuffix(strings.TrimPrefix(rest, pathConsentPrefix), pathConsentSuffix)
		if id == "" || strings.Contains(id, "/") {
			break
		}
		allow = http.MethodPost
		if method == http.MethodPost {
			op, counter = func(x *exchange) { s.consentMove(x, id) }, func(st *Stats) { st.ConsentMoves++; st.ConsentMovesByID[id]++ }
		}
	}
	switch {
	case allow == "":
		x.fail(http.StatusNotFound, "The requested resource could not be found.")
	case op == nil:
		x.w.Header().Set("Allow", allow)
		x.fail(http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed on this resource.", method))
	default:
		s.count(counter)
		if s.checkQuery(x) {
			op(x)
		}
	}
}

// checkQuery enforces the one query parameter every route shares.
func (s *Server) checkQuery(x *exchange) bool {
	q, err := url.ParseQuery(x.r.URL.RawQuery) // unlike URL.Query, reports bad escapes
	if err != nil {
		x.fail(http.StatusBadRequest, "Invalid query string: "+err.Error())
		return false
	}
	if vals, ok := q["onBehalfOfSubPartnerOrgId"]; ok {
		if len(vals) > 1 { // a string in the spec: Prism refuses it repeated
			x.fail(http.StatusBadRequest, "onBehalfOfSubPartnerOrgId must be given at most once.")
			return false
		}
		for _, v := range vals {
			if v == "" {
				x.fail(http.StatusBadRequest, "onBehalfOfSubPartnerOrgId must be a non-empty organization ID when present.")
				return false
			}
		}
	}
	return true
}

// readBody applies the media type, JSON syntax, schema and prose checks of
// the operation at this path and returns the body as a JSON object. Every
// refusal is counted in Stats.Rejected.
func (s *Server) readBody(x *exchange) (map[string]any, bool) {
	reject := func(status int, msg string) (map[string]any, bool) {
		s.count(func(st *Stats) { st.Rejected++ })
		x.fail(status, msg)
		return nil, false
	}
	mt, _, err := mime.ParseMediaType(x.r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return reject(http.StatusUnsupportedMediaType, "Content-Type must be application/json.")
	}
	raw, err := io.ReadAll(io.LimitReader(x.r.Body, maxBody+1))
	if err != nil {
		return reject(http.StatusBadRequest, "Could not read the request body.")
	}
	if len(raw) > maxBody {
		return reject(http.StatusRequestEntityTooLarge, "Request body too large.")
	}
	op, sc, _ := operationFor(x.r.URL.Path)
	v, err := decodeJSON(raw)
	if err != nil {
		return reject(http.StatusBadRequest, "Malformed JSON in request body: "+err.Error())
	}
	if fe := sc.check(v, "(body)"); fe != nil {
		return reject(http.StatusBadRequest, fe.Error())
	}
	body := v.(map[string]any) // the schema's root type is object
	if fe := checkRules(op, body); fe != nil {
		return reject(http.StatusBadRequest, fe.Error())
	}
	return body, true
}

// bodyless refuses a non-empty body on an operation whose spec defines none
// (DELETE, consentMove), as Prism does ("No supported content types, but
// request included a non-empty body"): with status, 415 where the operation
// lists 415 among its responses (DELETE), else 400 (consentMove). An empty
// body passes, whatever its Content-Type. Refusals count in Stats.Rejected.
func (s *Server) bodyless(x *exchange, status int) bool {
	n, err := io.Copy(io.Discard, io.LimitReader(x.r.Body, 1))
	if err == nil && n == 0 {
		return true
	}
	s.count(func(st *Stats) { st.Rejected++ })
	if err != nil {
		x.fail(http.StatusBadRequest, "Could not read the request body.")
		return false
	}
	x.fail(status, "This operation takes no request body.")
	return false
}

// exchange is one request and its writer, so answers can carry the tracking
// id without threading it through every call.
type exchange struct {
	w          http.ResponseWriter
	r          *http.Request
	trackingID string
}

// errorBody is the platform-wide Webex error shape.
type errorBody struct {
	Message    string      `json:"message"`
	Errors     []ErrorItem `json:"errors,omitempty"`
	TrackingID string      `json:"trackingId"`
}

// json writes v as the JSON body of a status answer.
func (x *exchange) json(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only our own types reach here
		panic(fmt.Sprintf("fakeapi: marshal %T: %v", v, err))
	}
	x.w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	x.w.WriteHeader(status)
	_, _ = x.w.Write(append(b, '\n'))
}

// fail writes a Webex error body. Without items, errors holds the message
// alone with no errorCode, as the live API does for platform errors.
func (x *exchange) fail(status int, message string, items ...ErrorItem) {
	if len(items) == 0 {
		items = []ErrorItem{{Description: message}}
	}
	x.json(status, errorBody{Message: message, Errors: items, TrackingID: x.trackingID})
}

// html writes an HTML page, as a proxy or gateway does.
func (x *exchange) html(status int, page string) {
	x.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	x.w.WriteHeader(status)
	_, _ = x.w.Write([]byte(page))
}

// empty writes a status with no body, as gateways do for 429 and 503.
func (x *exchange) empty(status int) {
	x.w.Header().Set("Content-Length", "0")
	x.w.WriteHeader(status)
}

// noContent writes 204 No Content: no body, so no Content-Type either.
func (x *exchange) noContent() {
	x.w.WriteHeader(http.StatusNoContent)
}

// baseURL is the client-visible base URL ({scheme}://{host}/v1), used for
// Location and Link headers so they work behind any listener address.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + apiPrefix
}

// sleep waits d or until ctx is done, reporting whether the full wait
// elapsed. A timer in a select, never time.Sleep, so a client that gives up
// releases the handler (and synctest can advance fake time).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Running is a fake served over real HTTP on a loopback port.
type Running struct {
	// URL is the base URL a client uses, e.g. "http://127.0.0.1:PORT/v1".
	URL string
	// Server is the fake itself, for Stats, Subscribers and AddSubscriber.
	Server *Server

	srv       *http.Server
	served    chan error
	closeOnce sync.Once
	closeErr  error
}

// Start serves a new fake on 127.0.0.1 at a free port, for tests that need a
// real network path and for the tool's --sandbox mode. Call Close when done.
func Start(opts Options) (*Running, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fakeapi: listen: %w", err)
	}
	s := New(opts)
	run := &Running{
		URL:    "http://" + ln.Addr().String() + apiPrefix,
		Server: s,
		srv:    &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		served: make(chan error, 1),
	}
	go func() { run.served <- run.srv.Serve(ln) }()
	return run, nil
}

// Close stops the listener and drops open connections at once, which cancels
// handlers still waiting (Latency, +slow, +lost), and waits for the serving
// goroutine to end so tests leak nothing. Later calls return the first
// call's result, so a deferred Close after an explicit one is harmless.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		r.closeErr = r.srv.Close()
		if err := <-r.served; !errors.Is(err, http.ErrServerClosed) && r.closeErr == nil {
			r.closeErr = err
		}
	})
	return r.closeErr
}
