package pipeline

import (
	"github.com/wholesale-batch/wholesale-batch/check"
)

// Defaults fill blank cells.
type Defaults struct {
	CustomerID string
	Package    string
}

// Preparer checks and normalises rows in input order before they are sent.
// It runs in the source stage alone, so the duplicate index needs no lock.
type Preparer struct {
	Defaults Defaults
	Check    check.Options
	// NeedPackage: provisioning needs a package (precheck does not).
	NeedPackage bool
	dupes       *check.Index
}

// Prepare applies defaults and the offline checks to one row: the row's
// Fields become what will be sent, Notes say what changed, Problems why it
// must not be sent.
func (p *Preparer) Prepare(r *Row) {
	if p.dupes == nil {
		p.dupes = check.NewIndex()
	}
	f := check.Fields(r.Fields)
	if check.Trim(f.CustomerID) == "" && p.Defaults.CustomerID != "" {
		f.CustomerID = p.Defaults.CustomerID
	}
	if check.Trim(f.Package) == "" && p.Defaults.Package != "" {
		f.Package = p.Defaults.Package
	}
	if check.Trim(f.Email) == "" {
		// Say it plainly: check.Row would call it malformed.
		r.Problems = append(r.Problems, Problem{Field: "email", Message: "empty: every row needs the subscriber's email address"})
		r.Fields = Fields(f)
		return
	}
	clean, notes, problems := check.Row(f, p.Check)
	r.Fields = Fields(clean)
	r.Notes = append(r.Notes, notes...)
	r.Problems = append(r.Problems, problems...)
	if p.NeedPackage && clean.Package == "" {
		r.Problems = append(r.Problems, Problem{Field: "package", Message: "empty: provisioning needs a package; fill the column or pass --package"})
	}
	// A row already wrong is not indexed: its values are not the ones sent.
	if len(r.Problems) == 0 {
		r.Problems = append(r.Problems, p.dupes.Add(r.Line, clean)...)
	}
}
