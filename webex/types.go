package webex

import (
	"bytes"
	"encoding/json"
)

// PrecheckRequest is the body of POST /wholesale/subscribers/validate. Every
// optional field is omitted when empty: the API distinguishes "absent" from
// "empty string", and the spec forbids sending package and packages together.
type PrecheckRequest struct {
	// OnBehalfOf is the row's sub-partner org, sent as the query parameter
	// onBehalfOfSubPartnerOrgId, not in the body; Config.OnBehalfOf when "".
	OnBehalfOf             string                  `json:"-"`
	Email                  string                  `json:"email"`
	CustomerID             string                  `json:"customerId,omitempty"`
	ProvisioningID         string                  `json:"provisioningId,omitempty"`
	Packages               []string                `json:"packages,omitempty"`
	ProvisioningParameters *ProvisioningParameters `json:"provisioningParameters,omitempty"`
	CustomerInfo           *CustomerInfo           `json:"customerInfo,omitempty"`
}

// ProvisionRequest is the body of POST /wholesale/subscribers. The spec
// requires customerId, email and provisioningParameters (possibly empty).
type ProvisionRequest struct {
	OnBehalfOf             string                 `json:"-"` // as PrecheckRequest.OnBehalfOf
	CustomerID             string                 `json:"customerId"`
	Email                  string                 `json:"email"`
	Packages               []string               `json:"packages,omitempty"`
	ProvisioningParameters ProvisioningParameters `json:"provisioningParameters"`
}

// ProvisioningParameters carries the per-user calling details.
type ProvisioningParameters struct {
	FirstName          string `json:"firstName,omitempty"`
	LastName           string `json:"lastName,omitempty"`
	PrimaryPhoneNumber string `json:"primaryPhoneNumber,omitempty"`
	Extension          string `json:"extension,omitempty"`
	LocationID         string `json:"locationId,omitempty"`
}

// IsZero reports whether no parameter is set, so the object can be left out.
func (p ProvisioningParameters) IsZero() bool { return p == ProvisioningParameters{} }

// CustomerInfo identifies a customer that does not exist yet (the
// provisioningId variant of precheck).
type CustomerInfo struct {
	PrimaryEmail string `json:"primaryEmail"`
}

// Info is one informational code of a precheck answer.
type Info struct {
	InfoCode    int    `json:"infoCode"`
	Description string `json:"description,omitempty"`
}

// InfoList accepts the precheck `info` member as an array (what the API and
// the spec's example send) or as a single object (what the spec's schema says).
type InfoList []Info

// UnmarshalJSON implements json.Unmarshaler.
func (l *InfoList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case b[0] == '{':
		var one Info
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = InfoList{one}
		return nil
	}
	var many []Info
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// PrecheckResponse is the 2xx body of a precheck.
type PrecheckResponse struct {
	Message string   `json:"message"`
	Info    InfoList `json:"info"`
}

// ErrorItem is one entry of a Webex error body's errors array.
type ErrorItem struct {
	Description string `json:"description,omitempty"`
	ErrorCode   int    `json:"errorCode,omitempty"`
}

// Subscriber is the API's view of a provisioned subscriber. Status is kept
// as a plain string: the documented enum is known to be incomplete.
type Subscriber struct {
	ID                 string      `json:"id"`
	PersonID           string      `json:"personId,omitempty"`
	Email              string      `json:"email"`
	CustomerID         string      `json:"customerId,omitempty"`
	ExternalCustomerID string      `json:"externalCustomerId,omitempty"`
	Package            string      `json:"package,omitempty"`
	Packages           []string    `json:"packages,omitempty"`
	Status             string      `json:"status,omitempty"`
	Errors             []ErrorItem `json:"errors,omitempty"`
	Created            string      `json:"created,omitempty"`
	LastStatusChange   string      `json:"lastStatusChange,omitempty"`
}

// Customer is a wholesale customer as GET /wholesale/customers lists it:
// only what the tool reads. Status is kept as a plain string.
type Customer struct {
	ID         string `json:"id"`
	OrgID      string `json:"orgId,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
	Status     string `json:"status,omitempty"`
}
