package pipeline

import (
	"strings"
)

// Defaults fill blank cells.
type Defaults struct {
	CustomerID string
	Package    string
}

// Preparer checks and normalises rows in input order before they are sent.
type Preparer struct {
	Defaults Defaults
}

// Prepare applies defaults and the offline checks to one row.
func (p *Preparer) Prepare(r *Row) {
	f := &r.Fields
	for _, s := range []*string{&f.Email, &f.CustomerID, &f.Package, &f.FirstName, &f.LastName,
		&f.PrimaryPhoneNumber, &f.Extension, &f.LocationID, &f.CustomerPrimaryEmail, &f.ProvisioningID} {
		*s = strings.TrimSpace(*s)
	}
	if f.CustomerID == "" && p.Defaults.CustomerID != "" {
		f.CustomerID = p.Defaults.CustomerID
	}
	if f.Package == "" && p.Defaults.Package != "" {
		f.Package = p.Defaults.Package
	}
	if f.Email == "" {
		r.Problems = append(r.Problems, "email is empty: every row needs the subscriber's email address")
	} else if at := strings.LastIndexByte(f.Email, '@'); at <= 0 || !strings.Contains(f.Email[at+1:], ".") {
		r.Problems = append(r.Problems, "email "+quote(f.Email)+" is not an email address (expected name@domain.tld)")
	}
}

func quote(s string) string { return "\"" + s + "\"" }
