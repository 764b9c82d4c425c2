package pipeline

import (
	"context"
	"strings"

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
	// Dupes is the duplicate index; nil starts an empty one that keeps
	// every key. Scan builds one that keeps only the keys that repeat.
	Dupes *check.Index
	// LookupOnly is for the commands that act on subscribers an earlier run
	// made (status, resend-consent, remove): the row only names one, so its
	// email is trimmed and nothing else is checked.
	LookupOnly bool
}

// Prepare applies defaults and the offline checks to one row: the row's
// Fields become what will be sent, Notes say what changed, Problems why it
// must not be sent.
func (p *Preparer) Prepare(r *Row) {
	if p.LookupOnly {
		r.Fields.Email = strings.ToLower(check.Trim(r.Fields.Email))
		r.Fields.CustomerID = check.Trim(r.Fields.CustomerID)
		return
	}
	if p.Dupes == nil {
		p.Dupes = check.NewIndex()
	}
	if clean, ok := p.clean(r); ok {
		r.Problems = append(r.Problems, p.Dupes.Add(r.Line, clean)...)
	}
}

// clean applies the defaults and the checks of one row; ok says the row is
// fit to send and so takes part in the duplicate check.
func (p *Preparer) clean(r *Row) (clean Fields, ok bool) {
	f := r.Fields
	// A row that names its customer by the partner's id gets it resolved,
	// not the default.
	if check.Trim(f.CustomerID) == "" && check.Trim(f.ExternalCustomerID) == "" && p.Defaults.CustomerID != "" {
		f.CustomerID = p.Defaults.CustomerID
	}
	if check.Trim(f.Package) == "" && p.Defaults.Package != "" {
		f.Package = p.Defaults.Package
	}
	if check.Trim(f.Email) == "" {
		// Say it plainly: check.Row would call it malformed.
		r.Problems = append(r.Problems, Problem{Field: "email", Message: "empty: every row needs the subscriber's email address"})
		r.Fields = f
		return f, false
	}
	clean, notes, problems := check.Row(f, p.Check)
	r.Fields = clean
	r.Notes = append(r.Notes, notes...)
	r.Problems = append(r.Problems, problems...)
	if p.NeedPackage && clean.Package == "" {
		r.Problems = append(r.Problems, Problem{Field: "package", Message: "empty: provisioning needs a package; fill the column or pass --package"})
	}
	// A row already wrong is not indexed: its values are not the ones sent.
	return clean, len(r.Problems) == 0
}

// Scan reads a whole input ahead of the run, with the same checks, so that
// the duplicate index keeps only the keys that repeat (see check.Scanner):
// memory stays flat however long the file. It sets Dupes and returns the
// number of rows, which the progress bar's ETA needs. spillDir holds the
// scanner's temporary file ("" = the system's temporary directory).
func (p *Preparer) Scan(ctx context.Context, src *Source, spillDir string) (rows int, err error) {
	if p.LookupOnly {
		err = src.Each(ctx, func(Row) error { rows++; return nil })
		return rows, err
	}
	sc := check.NewScanner(spillDir)
	defer sc.Close()
	err = src.Each(ctx, func(r Row) error {
		rows++
		if len(r.Problems) > 0 {
			return nil // a ragged row: never indexed
		}
		if clean, ok := p.clean(&r); ok {
			sc.Add(clean)
		}
		return nil
	})
	if err != nil {
		return rows, err
	}
	x, err := sc.Repeats()
	if err != nil {
		return rows, err
	}
	p.Dupes = x
	return rows, nil
}
