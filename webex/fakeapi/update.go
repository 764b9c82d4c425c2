package fakeapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// tagUpdateFail: a PUT of the email's subscriber is refused (see update).
const tagUpdateFail = "updatefail"

// codeUpdateFailed is the fake's errorCode for +updatefail (made up).
const codeUpdateFailed = 10120

// callingPackages are the calling-enabled packages: moving a webex_meetings
// subscriber to one of them needs a primary phone number or an extension
// (the PUT's provisioningParameters description).
var callingPackages = []string{"webex_calling", "webex_suite", "webex_voice", "cx_essentials", "webex_calling_standard"}

// update serves PUT /wholesale/subscribers/{id}, which "updates certain
// details of a provisioned Wholesale subscriber": here, its package. In
// order: the body (415, 400 as for provision, by updateSchema and the prose
// rules), the subscriber (404), its email's transient tags, +signin/+ok200
// (200, nothing done), +updatefail (400), a subscriber not provisioned
// (409), a webex_meetings subscriber moving to calling without a phone
// number or extension (400); then the package is changed (lastStatusChange
// set to now when it differs) and the subscriber answered 200 with a
// Location header; with +lost after the change the answer is held.
func (s *Server) update(x *exchange, id string) {
	body, ok := s.readBody(x)
	if !ok {
		return
	}
	sub, ok := s.lookup(id)
	if !ok {
		x.fail(http.StatusNotFound, "Subscriber not found.")
		return
	}
	if s.transient(x, sub.Email) || s.frontAnswered(x, sub.Email, true) {
		return
	}
	if tagsOf(sub.Email)[tagUpdateFail] {
		x.fail(http.StatusBadRequest, "The package could not be changed",
			ErrorItem{ErrorCode: codeUpdateFailed, Description: "The package could not be changed (fake API code 10120, not a published Webex code)."})
		return
	}
	pkg, pkgs := packagesOf(body)
	params, _ := body["provisioningParameters"].(map[string]any)
	phone, _ := params["primaryPhoneNumber"].(string)
	ext, _ := params["extension"].(string)
	updated, status, msg := s.changePackage(id, pkg, pkgs, phone != "" || ext != "")
	switch status {
	case http.StatusOK:
	case http.StatusBadRequest:
		s.count(func(st *Stats) { st.Rejected++ })
		x.fail(status, msg)
		return
	default:
		x.fail(status, msg)
		return
	}
	if tagsOf(updated.Email)[tagLost] && !sleep(x.r.Context(), lostDelay) {
		return // changed, but the client never hears of it: an in-doubt PUT
	}
	x.w.Header().Set("Location", baseURL(x.r)+pathSubscribers+"/"+updated.ID)
	x.json(http.StatusOK, updated)
}

// changePackage gives the subscriber id the package, checked and changed
// under one lock. It answers the status the PUT gets (200, 404, 409 not
// provisioned, 400 a calling package without phone details) and, for
// 200, the subscriber as seen after the change.
func (s *Server) changePackage(id, pkg string, pkgs []string, phoneGiven bool) (Subscriber, int, string) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.byIDLocked(id, false)
	if r == nil {
		return Subscriber{}, http.StatusNotFound, "Subscriber not found."
	}
	cur := r.view(now)
	if cur.Status != StatusProvisioned {
		return Subscriber{}, http.StatusConflict, fmt.Sprintf("The subscriber is not provisioned (status %q): its package cannot be changed.", cur.Status)
	}
	if slices.Equal(cur.Packages, []string{"webex_meetings"}) && slices.Contains(callingPackages, pkgs[0]) && !phoneGiven {
		return Subscriber{}, http.StatusBadRequest, (&FieldError{Field: "provisioningParameters", Rule: true,
			Problem: "a primary phone number or an extension is required when changing from webex_meetings to " + pkgs[0]}).Error()
	}
	if slices.Equal(cur.Packages, pkgs) {
		return cur, http.StatusOK, ""
	}
	r = s.byIDLocked(id, true)
	r.sub.Package, r.sub.Packages = pkg, slices.Clone(pkgs)
	// provisioned now, whether stored so or by ProvisionDelay's time
	r.sub.Status, r.sub.LastStatusChange, r.readyAt = StatusProvisioned, now.UTC(), time.Time{}
	s.version++
	s.stats.Updated[strings.ToLower(r.sub.Email)]++
	return r.view(now), http.StatusOK, ""
}
