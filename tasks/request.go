package tasks

import (
	"github.com/wholesale-batch/wholesale-batch/column"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// PrecheckRequest builds the API body for a row from the column table:
// each non-empty value where its column's Request says, and the package as
// a one-item packages array (never the deprecated package too).
func PrecheckRequest(f pipeline.Fields) webex.PrecheckRequest {
	var req webex.PrecheckRequest
	var pp webex.ProvisioningParameters
	for i := range column.Table {
		c := &column.Table[i]
		if v := *c.Field(&f); v != "" {
			put(&req, &pp, c.Request, v)
		}
	}
	if !pp.IsZero() {
		req.ProvisioningParameters = &pp
	}
	return req
}

// put sets the body member path names. A column whose Request is a new
// path needs its case here and its member in the webex types.
func put(req *webex.PrecheckRequest, pp *webex.ProvisioningParameters, path, v string) {
	switch path {
	case "":
	case "email":
		req.Email = v
	case "customerId":
		req.CustomerID = v
	case "provisioningId":
		req.ProvisioningID = v
	case "packages[0]":
		req.Packages = []string{v}
	case "customerInfo.primaryEmail":
		req.CustomerInfo = &webex.CustomerInfo{PrimaryEmail: v}
	case "provisioningParameters.firstName":
		pp.FirstName = v
	case "provisioningParameters.lastName":
		pp.LastName = v
	case "provisioningParameters.primaryPhoneNumber":
		pp.PrimaryPhoneNumber = v
	case "provisioningParameters.extension":
		pp.Extension = v
	case "provisioningParameters.locationId":
		pp.LocationID = v
	case "?onBehalfOfSubPartnerOrgId": // a query parameter, not in the body
		req.OnBehalfOf = v
	default:
		panic("tasks: the column table names request member " + path + ", which no request builder knows")
	}
}

// ProvisionRequest builds the provisioning body for a row: the precheck's
// members that provisioning takes. The spec requires provisioningParameters,
// so it is always sent, empty if need be.
func ProvisionRequest(f pipeline.Fields) webex.ProvisionRequest {
	p := PrecheckRequest(f)
	req := webex.ProvisionRequest{OnBehalfOf: p.OnBehalfOf, CustomerID: p.CustomerID, Email: p.Email, Packages: p.Packages}
	if p.ProvisioningParameters != nil {
		req.ProvisioningParameters = *p.ProvisioningParameters
	}
	return req
}
