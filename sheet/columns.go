package sheet

import "github.com/wholesale-batch/wholesale-batch/column"

// unmapped lists headings that are close to a canonical column but must not be
// mapped to it automatically, with the reason. Canonical rejects them like any
// unknown heading, Suggest never proposes a column for them, and WhyUnmapped
// gives the reason so the CLI can say something better than "did you mean".
var unmapped = []struct {
	headings []string
	reason   string
}{
	{
		headings: []string{"Mobile", "Mobile Phone", "Mobile Number", "Mobile No", "Cell", "Cell Phone",
			"Cellphone", "Cell Number", "Work Phone", "Home Phone", "Business Phone", "Office Phone"},
		// Provisioning a mobile as the primary number fails, or claims a number
		// that belongs to another carrier.
		reason: "not mapped automatically: a mobile or other existing number is not the subscriber's primary Webex Calling number (a DID the provider owns); map it to primaryPhoneNumber with --map only if it is one",
	},
	{
		headings: []string{"Org ID", "Organization ID", "Organisation ID", "Org", "Webex Org ID"},
		reason:   "not mapped automatically: a Webex organization ID is not the wholesale customerId; use the customer's id from the wholesale customers list",
	},
	{
		headings: []string{"Customer Name", "Customer Number", "Account Number", "External ID"},
		reason:   "not mapped automatically: this names or numbers the customer in your own systems, while customerId is the Webex wholesale customer ID",
	},
	{
		headings: []string{"Primary Email"},
		reason:   "not mapped automatically: it could be the subscriber's email or the customer's primary email; map it with --map to email or customerPrimaryEmail",
	},
	{
		headings: []string{"Name", "Full Name", "Display Name"},
		reason:   "not mapped automatically: a full name cannot be split into first and last name reliably; use separate first and last name columns",
	},
}

// WhyUnmapped explains why a heading that resembles a canonical column is
// deliberately not mapped (e.g. "Mobile", "Org ID", "Full Name"), or returns ""
// for any other heading. Use it before Suggest when reporting an unknown column.
func WhyUnmapped(header string) string {
	return unmappedByKey[Key(header)]
}

// byKey maps every accepted Key to its canonical name; suggestKeys lists the
// Keys Suggest measures against, in table order so ties resolve predictably.
var (
	byKey         map[string]string
	suggestKeys   []suggestKey
	unmappedByKey map[string]string
)

type suggestKey struct {
	key  []rune
	name string
}

func init() {
	byKey = make(map[string]string)
	add := func(h, name string, suggest bool) {
		k := Key(h)
		if prev, dup := byKey[k]; dup && prev != name {
			panic("sheet: alias " + h + " maps to both " + prev + " and " + name)
		}
		byKey[k] = name
		if suggest {
			suggestKeys = append(suggestKeys, suggestKey{key: []rune(k), name: name})
		}
	}
	for _, c := range column.Table {
		add(c.Name, c.Name, true)
		for _, a := range c.Aliases {
			add(a, c.Name, true)
		}
		for _, a := range c.Abbrevs {
			add(a, c.Name, false)
		}
	}
	unmappedByKey = make(map[string]string)
	for _, u := range unmapped {
		for _, h := range u.headings {
			k := Key(h)
			if name, clash := byKey[k]; clash {
				panic("sheet: " + h + " is both unmapped and an alias of " + name)
			}
			unmappedByKey[k] = u.reason
		}
	}
}
