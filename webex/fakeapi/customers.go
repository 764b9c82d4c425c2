package fakeapi

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Customer statuses, components/schemas/Customer's status enum.
const (
	CustomerProvisioned           = "provisioned"
	CustomerProvisionedWithErrors = "provisioned_with_errors"
	CustomerProvisioning          = "provisioning"
	CustomerUpdating              = "updating"
	CustomerDeleting              = "deleting"
	CustomerError                 = "error"
	CustomerPendingRPLReview      = "pending_rpl_review"
)

// Customer is components/schemas/Customer, shaped as the spec's examples:
// empty fields are left out.
type Customer struct {
	// ID is the customerId that precheck and provision bodies carry.
	ID string `json:"id"`
	// OrgID is the customer's Webex organization; the spec: "Only presented
	// when status is provisioned".
	OrgID string `json:"orgId,omitempty"`
	// ExternalID is the partner's own id of the customer; not unique.
	ExternalID string `json:"externalId,omitempty"`
	// Address is the customer's address.
	Address *Address `json:"address,omitempty"`
	// Status is one of the Customer status constants.
	Status string `json:"status"`
	// Packages lists the customer's packages.
	Packages []string `json:"packages,omitempty"`
	// ResourceDetails gives each package's own status.
	ResourceDetails *ResourceDetails `json:"resourceDetails,omitempty"`
	// Errors is non-empty when provisioning the customer failed.
	Errors []ErrorItem `json:"errors,omitempty"`
}

// Address is components/schemas/Address.
type Address struct {
	AddressLine1    string `json:"addressLine1,omitempty"`
	AddressLine2    string `json:"addressLine2,omitempty"`
	City            string `json:"city,omitempty"`
	StateOrProvince string `json:"stateOrProvince,omitempty"`
	ZipOrPostalCode string `json:"zipOrPostalCode,omitempty"`
	Country         string `json:"country,omitempty"`
}

// ResourceDetails is components/schemas/ResourceDetails.
type ResourceDetails struct {
	Packages []PackageDetail `json:"packages"`
}

// PackageDetail is components/schemas/Package: one package of a customer.
type PackageDetail struct {
	Name     string      `json:"name"`
	Status   string      `json:"status"`
	Warnings []ErrorItem `json:"warnings,omitempty"`
	Errors   []ErrorItem `json:"errors,omitempty"`
	// LicenseIDs is answered only by GET /wholesale/customers/{id} with
	// includePackageLicenseInfo=true.
	LicenseIDs []string `json:"licenseIds,omitempty"`
}

// clone deep-copies c; licenses false drops the licenseIds.
func (c Customer) clone(licenses bool) Customer {
	if c.Address != nil {
		a := *c.Address
		c.Address = &a
	}
	c.Packages = slices.Clone(c.Packages)
	c.Errors = slices.Clone(c.Errors)
	if c.ResourceDetails != nil {
		rd := ResourceDetails{Packages: slices.Clone(c.ResourceDetails.Packages)}
		for i, p := range rd.Packages {
			p.Warnings, p.Errors = slices.Clone(p.Warnings), slices.Clone(p.Errors)
			p.LicenseIDs = slices.Clone(p.LicenseIDs)
			if !licenses {
				p.LicenseIDs = nil
			}
			rd.Packages[i] = p
		}
		c.ResourceDetails = &rd
	}
	return c
}

// fakeCustomerIDs returns a customer id and org id shaped like Webex's
// (base64 of a ciscospark:// URI, as the spec's example), distinct from
// fakeIDs' subscriber ids.
func fakeCustomerIDs(n uint64) (id, orgID string) {
	uuid := fmt.Sprintf("fa4ec000-0000-4000-8000-%012x", n)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte("ciscospark://us/ENTERPRISE/" + uuid)),
		enc.EncodeToString([]byte("ciscospark://us/ORGANIZATION/" + uuid))
}

// orgIDShown reports whether a customer in status has an orgId: the spec says
// provisioned only, its list example shows one for provisioned_with_errors.
func orgIDShown(status string) bool {
	return status == CustomerProvisioned || status == CustomerProvisionedWithErrors
}

// DefaultCustomers is the registry a Server starts with when
// Options.Customers is nil (the tool's --sandbox), in list order; the
// package doc lists them. initech-003 is deliberately ambiguous.
func DefaultCustomers() []Customer {
	calling := func(status string, warnings ...ErrorItem) *ResourceDetails {
		return &ResourceDetails{Packages: []PackageDetail{{Name: "webex_calling", Status: status, Warnings: warnings}}}
	}
	specs := []struct {
		externalID, status, city string
		details                  *ResourceDetails
	}{
		{"acme-001", CustomerProvisioned, "Milpitas", &ResourceDetails{Packages: []PackageDetail{
			{Name: "webex_calling", Status: "provisioned", LicenseIDs: []string{"ZmFrZS1saWNlbnNlLWNhbGxpbmc"}},
			{Name: "webex_meetings", Status: "provisioned", LicenseIDs: []string{"ZmFrZS1saWNlbnNlLW1lZXRpbmdz"}},
		}}},
		{"globex-002", CustomerProvisioning, "Springfield", calling("provisioning")},
		{"initech-003", CustomerProvisioned, "Austin", calling("provisioned")},
		{"initech-003", CustomerProvisioned, "Dallas", calling("provisioned")},
		{"umbrella-004", CustomerPendingRPLReview, "Raccoon City", nil},
		{"hooli-005", CustomerProvisionedWithErrors, "Palo Alto", calling("error", ErrorItem{ErrorCode: 2560,
			Description: "One or more Webex Calling services are unavailable due to maintenance, unable to start provisioning. Consult status.webex.com and retry later."})},
	}
	out := make([]Customer, len(specs))
	for i, sp := range specs {
		id, org := fakeCustomerIDs(uint64(i + 1))
		c := Customer{ID: id, ExternalID: sp.externalID, Status: sp.status,
			Address:         &Address{AddressLine1: fmt.Sprintf("%d Main Street", 100+i), City: sp.city, StateOrProvince: "CA", ZipOrPostalCode: "95035", Country: "US"},
			ResourceDetails: sp.details}
		if orgIDShown(sp.status) {
			c.OrgID = org
		}
		if sp.details != nil {
			for _, p := range sp.details.Packages {
				c.Packages = append(c.Packages, p.Name)
			}
		}
		out[i] = c
	}
	return out
}

// AddCustomer registers c, for the customer routes. Empty fields are filled
// in: ID (and, for a provisioned or provisioned_with_errors customer, OrgID)
// generated, Status defaulting to provisioned. A customer with the same ID
// is replaced in place; customers may share an ExternalID. Precheck and
// provision take any customerId, registered or not (except "unknown..."); a
// subscriber of a registered customer reports its externalId.
func (s *Server) AddCustomer(c Customer) {
	c = c.clone(true)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCustomerLocked(c)
}

// addCustomerLocked is AddCustomer under s.mu.
func (s *Server) addCustomerLocked(c Customer) {
	s.customerSeq++
	id, org := fakeCustomerIDs(s.customerSeq)
	if c.ID == "" {
		c.ID = id
	}
	if c.Status == "" {
		c.Status = CustomerProvisioned
	}
	if c.OrgID == "" && orgIDShown(c.Status) {
		c.OrgID = org
	}
	if _, ok := s.customers[c.ID]; !ok {
		s.customerOrder = append(s.customerOrder, c.ID)
	}
	s.customers[c.ID] = c
}

// Customers returns a snapshot of the registry in the order the list
// answers it (registration order).
func (s *Server) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Customer, 0, len(s.customerOrder))
	for _, id := range s.customerOrder {
		out = append(out, s.customers[id].clone(true))
	}
	return out
}

// customerFilter holds the list's filters; "" and nil mean any.
type customerFilter struct {
	externalID, orgID string
	statuses          []string
}

func (f customerFilter) match(c Customer) bool {
	return (f.externalID == "" || f.externalID == c.ExternalID) &&
		(f.orgID == "" || f.orgID == c.OrgID) &&
		(len(f.statuses) == 0 || slices.Contains(f.statuses, c.Status))
}

// searchCustomers returns one page of matching customers in registration
// order, without licenseIds, and whether more follow.
func (s *Server) searchCustomers(f customerFilter, offset, limit int) (page []Customer, more bool) {
	s.mu.Lock()
	var all []Customer
	for _, id := range s.customerOrder {
		if c := s.customers[id]; f.match(c) {
			all = append(all, c.clone(false))
		}
	}
	s.mu.Unlock()
	if offset >= len(all) {
		return []Customer{}, false
	}
	end := min(len(all), offset+limit)
	return all[offset:end], end < len(all)
}

// customer returns the registered customer id.
func (s *Server) customer(id string, licenses bool) (Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	return c.clone(licenses), ok
}

// customerMaxDefault is the page size without max; the spec gives none.
const customerMaxDefault = 100

// singleValued refuses a query parameter of names given more than once: they
// are strings (or booleans) in the spec, and Prism refuses an array for them.
func singleValued(x *exchange, q url.Values, names ...string) bool {
	for _, n := range names {
		if len(q[n]) > 1 {
			x.fail(http.StatusBadRequest, n+" must be given at most once.")
			return false
		}
	}
	return true
}

// listCustomers serves GET /wholesale/customers. The spec types max and
// offset as strings; the fake holds them to integers, max 1..100 as the
// subscriber list's. status is an array (style form, explode: repeated
// parameters); comma-separated values are split too. Unknown parameters are
// ignored, as on the other routes and by Prism.
func (s *Server) listCustomers(x *exchange) {
	q := x.r.URL.Query() // checkQuery already proved it parses
	if !singleValued(x, q, "externalId", "orgId", "max", "offset") {
		return
	}
	limit, offset := customerMaxDefault, 0
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			x.fail(http.StatusBadRequest, "max must be an integer from 1 to 100.")
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			x.fail(http.StatusBadRequest, "offset must be a non-negative integer.")
			return
		}
		offset = n
	}
	f := customerFilter{externalID: q.Get("externalId"), orgID: q.Get("orgId")}
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st != "" {
				f.statuses = append(f.statuses, st)
			}
		}
	}
	if f.externalID != "" && s.transientFor(x, f.externalID, externalIDKey(f.externalID)) {
		return
	}
	if f.externalID != "" && tagsOf(f.externalID)[tagNoItems] {
		x.json(http.StatusOK, map[string]any{})
		return
	}
	page, more := s.searchCustomers(f, offset, limit)
	if more {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("max", strconv.Itoa(limit))
		next.Set("offset", strconv.Itoa(offset+limit))
		x.w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, baseURL(x.r), pathCustomers, next.Encode()))
	}
	x.json(http.StatusOK, map[string]any{"items": page})
}

// getCustomer serves GET /wholesale/customers/{id}: 404 unless registered;
// licenseIds only with includePackageLicenseInfo=true (a boolean: "", true
// or false, as Prism takes it). The tags of its externalId apply.
func (s *Server) getCustomer(x *exchange, id string) {
	q := x.r.URL.Query()
	if !singleValued(x, q, "includePackageLicenseInfo") {
		return
	}
	licenses := false
	switch v := q.Get("includePackageLicenseInfo"); v {
	case "", "false":
	case "true":
		licenses = true
	default:
		x.fail(http.StatusBadRequest, "includePackageLicenseInfo must be true or false.")
		return
	}
	c, ok := s.customer(id, licenses)
	if !ok {
		x.fail(http.StatusNotFound, "Customer not found",
			ErrorItem{ErrorCode: codeNoCustomer, Description: "Customer not found (fake API code 10404, not a published Webex code)."})
		return
	}
	if c.ExternalID != "" && s.transientFor(x, c.ExternalID, externalIDKey(c.ExternalID)) {
		return
	}
	x.json(http.StatusOK, c)
}

// externalIDKey keys an externalId's first-requests tag counts apart from
// emails'.
func externalIDKey(externalID string) string {
	return "externalId:" + externalID
}
