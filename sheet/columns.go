package sheet

// Columns lists the canonical column names in the order we document and
// write them (sample files, --help, reports). They are the field names of the
// Webex Wholesale subscriber API, so a mapped sheet needs no second rename.
var Columns = []string{
	"email",
	"customerId",
	"package",
	"firstName",
	"lastName",
	"primaryPhoneNumber",
	"extension",
	"locationId",
	"customerPrimaryEmail",
	"provisioningId",
}

// column is one row of the alias table: a canonical name, its description,
// and the headings people write for it. aliases are also Suggest candidates;
// abbrevs are accepted by Canonical but too short to suggest from, because
// edit distance to a short word says little ("Name" is one edit from "FName",
// yet a "Name" column holds full names).
type column struct {
	name    string
	desc    string
	aliases []string
	abbrevs []string
}

// table is the alias table. Keep it in Columns order (a test checks). Aliases
// are written as people write them; matching uses Key, so case, spaces, '_',
// '-' and '.' variants need no separate entry. Headings that look as if they
// belong here but deliberately do not are in the unmapped table below.
//
// "Customer" and "Location" are accepted (for customerId and locationId) even
// though a person may fill them with a name: the API then rejects the row with
// a clear error, which is louder than an unknown-column stop and less work for
// the far more common case where the column does hold the ID.
var table = []column{
	{
		name: "email",
		desc: "Subscriber's email address; their Webex sign-in.",
		aliases: []string{"Email", "E-mail", "Email Address", "E-mail Address", "Mail", "Mail Address",
			"User Email", "User Email Address", "User Mail", "Work Email", "Business Email",
			"Subscriber Email", "Email ID"},
	},
	{
		name: "customerId",
		desc: "Wholesale customer ID the subscriber belongs to (from the wholesale customers API; not the Webex org ID).",
		aliases: []string{"Customer ID", "Customer", "Customer Identifier", "Wholesale Customer ID",
			"Webex Customer ID"},
		abbrevs: []string{"Cust ID", "CustID"},
	},
	{
		name: "package",
		desc: "Wholesale package to assign, e.g. webex_calling, webex_meetings, webex_suite, webex_voice, common_area_calling.",
		aliases: []string{"Package", "Packages", "Package Name", "Licence", "License", "Licence Type",
			"License Type", "Plan", "Webex Package", "Wholesale Package"},
	},
	{
		name:    "firstName",
		desc:    "Subscriber's first (given) name.",
		aliases: []string{"First Name", "First", "Given Name", "Forename"},
		abbrevs: []string{"FName"},
	},
	{
		name:    "lastName",
		desc:    "Subscriber's last (family) name.",
		aliases: []string{"Last Name", "Last", "Surname", "Family Name"},
		abbrevs: []string{"LName"},
	},
	{
		name: "primaryPhoneNumber",
		desc: "Primary Webex Calling number (a DID the provider owns), preferably E.164 such as +14085551234; not a mobile. Calling packages need this, an extension, or both.",
		aliases: []string{"Primary Phone Number", "Primary Phone", "Primary Number", "Phone", "Phone Number",
			"Phone No", "Telephone", "Telephone Number", "Direct Number", "Direct Dial", "DID Number"},
		abbrevs: []string{"DID", "DDI", "Tel", "Tel No"},
	},
	{
		name:    "extension",
		desc:    "Internal extension. Calling packages need this, a primary phone number, or both.",
		aliases: []string{"Extension", "Extension Number", "Ext No"},
		abbrevs: []string{"Ext", "Extn"},
	},
	{
		name:    "locationId",
		desc:    "Webex Calling location ID the subscriber is placed in.",
		aliases: []string{"Location ID", "Location", "Location Identifier", "Webex Location ID"},
		abbrevs: []string{"Loc ID"},
	},
	{
		name: "customerPrimaryEmail",
		desc: "Primary email of the customer organisation (customerInfo.primaryEmail), which identifies a customer that has no customerId yet, e.g. when prechecking.",
		aliases: []string{"Customer Primary Email", "Customer Email", "Customer Email Address",
			"Customer Admin Email", "Admin Email", "Admin Email Address", "Administrator Email"},
	},
	{
		name:    "provisioningId",
		desc:    "Provisioning ID of the customer template in Control Hub; it defines how a new customer is set up.",
		aliases: []string{"Provisioning ID", "Provisioning Identifier", "Provision ID"},
		abbrevs: []string{"Prov ID"},
	},
}

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

// Describe returns the short human description of a canonical column name
// (for --help and the samples README), or "" for an unknown name.
func Describe(name string) string {
	for _, c := range table {
		if c.name == name {
			return c.desc
		}
	}
	return ""
}

// Aliases returns the headings Canonical accepts for a canonical column name,
// as people write them (the canonical name itself is always accepted too), or
// nil for an unknown name. The slice is a copy.
func Aliases(name string) []string {
	for _, c := range table {
		if c.name == name {
			out := make([]string, 0, len(c.aliases)+len(c.abbrevs))
			out = append(out, c.aliases...)
			return append(out, c.abbrevs...)
		}
	}
	return nil
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
	for _, c := range table {
		add(c.name, c.name, true)
		for _, a := range c.aliases {
			add(a, c.name, true)
		}
		for _, a := range c.abbrevs {
			add(a, c.name, false)
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
