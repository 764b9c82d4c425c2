package sheet

import "github.com/wholesale-batch/wholesale-batch/column"

// unmapped lists headings that are close to a canonical column but must not be
// mapped to it automatically, with the reason. Canonical rejects them like any
// unknown heading, Suggest never proposes a column for them, and WhyUnmapped
// gives the reason so the CLI can say something better than "did you mean".
// The translations (German, French, Spanish, Italian, Portuguese, Dutch) sit
// with the English heading they translate, for the same reason.
//
// When a column's values settle what the heading leaves open (a "Handy"
// column of phone numbers, a "Nombre" column of single words), SuggestMap
// offers the --map: ifLooks is what the values must look like, mapTo the
// column, and why what it says (ending the sentence the CLI goes on from).
var unmapped = []struct {
	headings []string
	reason   string
	ifLooks  Looks
	mapTo    string
	why      string
}{
	{
		headings: []string{"Mobile", "Mobile Phone", "Mobile Number", "Mobile No", "Cell", "Cell Phone",
			"Cellphone", "Cell Number", "Work Phone", "Home Phone", "Business Phone", "Office Phone",
			"Handy", "Handynummer", "Mobil", "Mobiltelefon", "Mobilnummer", "Mobilfunknummer",
			"Telefon geschäftlich", "Telefon privat", "Festnetz", "Festnetznummer",
			"Portable", "Téléphone portable", "Téléphone mobile", "Numéro de portable", "Numéro de mobile",
			"Tél. portable", "Tél. mobile", "Téléphone bureau", "Téléphone professionnel", "Téléphone domicile",
			"Móvil", "Celular", "Teléfono móvil", "Teléfono celular", "Número de móvil", "Número de celular",
			"Teléfono del trabajo", "Teléfono particular",
			"Cellulare", "Telefono cellulare", "Numero di cellulare", "Telefono ufficio", "Telefono di casa",
			"Telemóvel", "Telefone celular", "Telefone móvel", "Número de celular", "Número de telemóvel",
			"Telefone comercial", "Telefone residencial",
			"Mobiel", "Mobiel nummer", "Mobiele telefoon", "Mobiel telefoonnummer", "GSM", "GSM-nummer",
			"Telefoon werk", "Telefoon thuis"},
		// Provisioning a mobile as the primary number fails, or claims a number
		// that belongs to another carrier.
		reason:  "not mapped automatically: a mobile or other existing number is not the subscriber's primary Webex Calling number (a DID the provider owns); map it to primaryPhoneNumber with --map only if it is one",
		ifLooks: LooksPhone, mapTo: "primaryPhoneNumber",
		why: "Its values look like phone numbers, but a mobile or other existing number is not the subscriber's primary Webex Calling number (a DID the provider owns): map it only if they are.",
	},
	{
		headings: []string{"Org ID", "Organization ID", "Organisation ID", "Org", "Webex Org ID",
			"Organisations-ID", "ID organisation", "ID d'organisation", "ID de organización",
			"ID organizzazione", "ID da organização", "Organisatie-ID"},
		reason: "not mapped automatically: a Webex organization ID is not the wholesale customerId; use the customer's id from the wholesale customers list",
	},
	{
		// Values cannot tell a customer number from a customerId: no ifLooks.
		headings: []string{"Customer Name", "Customer Number", "Account Number", "External ID",
			"Kundennummer", "Kunden-Nr.", "Kundenname", "Debitorennummer",
			"Numéro client", "Numéro de client", "N° client", "Code client", "Nom du client", "Nom client",
			"Número de cliente", "Código de cliente", "Nombre del cliente", "Nombre de cliente",
			"Numero cliente", "Codice cliente", "Nome cliente",
			"Número do cliente", "Código do cliente", "Nome do cliente",
			"Klantnummer", "Klantnr.", "Klantnaam", "Klantcode"},
		reason: "not mapped automatically: this names or numbers the customer in your own systems, while customerId is the Webex wholesale customer ID",
	},
	{
		headings: []string{"Primary Email", "Primäre E-Mail", "E-mail principal", "Email principale",
			"Primair e-mailadres"},
		reason: "not mapped automatically: it could be the subscriber's email or the customer's primary email; map it with --map to email or customerPrimaryEmail",
	},
	{
		headings: []string{"Name", "Full Name", "Display Name",
			"Vollständiger Name", "Anzeigename",
			"Nom complet", "Nom d'affichage",
			"Nombre completo", "Nombre y apellidos", "Nombre para mostrar",
			"Nome completo", "Nome e cognome", "Nome visualizzato",
			"Nome de exibição",
			"Naam", "Volledige naam", "Weergavenaam"},
		// "Name" is also the family name on German forms ("Name, Vorname") and
		// "Naam" on Dutch ones: not even its values could say which.
		reason: "not mapped automatically: a full name cannot be split into first and last name reliably; use separate first and last name columns",
	},
	{
		// Beside "Apellidos", "Cognome" or "Sobrenome" these are the first name
		// (Outlook's own exports use them so), but alone they often hold the
		// full name, and a full name sent as firstName is wrong data that no
		// check catches; single-word values settle it.
		headings: []string{"Nombre", "Nombres", "Nome"},
		reason:   "not mapped automatically: on its own it may hold the full name; if it holds first names (beside a surname column such as Apellidos, Cognome or Sobrenome), map it to firstName with --map",
		ifLooks:  LooksWord, mapTo: "firstName",
		why: "Its values are single words, like first names: map it if none is a full name.",
	},
	{
		// The surname in Portugal, a nickname in Brazil; values cannot tell.
		headings: []string{"Apelido", "Apelidos"},
		reason:   "not mapped automatically: it is the surname in Portugal but a nickname in Brazil; if it holds surnames, map it to lastName with --map",
	},
	{
		// French HR exports use "Poste" for the job title at least as often as
		// phone lists use it for the extension; digits settle it.
		headings: []string{"Poste"},
		reason:   "not mapped automatically: it may be the job title or the phone extension; if it holds extensions, map it to extension with --map",
		ifLooks:  LooksDigits, mapTo: "extension",
		why: "Its values are 2 to 10 digits, like extensions.",
	},
}

// WhyUnmapped explains why a heading that resembles a canonical column is
// deliberately not mapped (e.g. "Mobile", "Org ID", "Full Name"), or returns ""
// for any other heading. Use it before Suggest when reporting an unknown column.
func WhyUnmapped(header string) string {
	if i, ok := unmappedByKey[Key(header)]; ok {
		return unmapped[i].reason
	}
	return ""
}

// byKey maps every accepted Key to its canonical name; suggestKeys lists the
// Keys Suggest measures against, in table order so ties resolve predictably.
var (
	byKey         map[string]string
	suggestKeys   []suggestKey
	unmappedByKey map[string]int // index in unmapped
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
	unmappedByKey = make(map[string]int)
	for i, u := range unmapped {
		for _, h := range u.headings {
			k := Key(h)
			if name, clash := byKey[k]; clash {
				panic("sheet: " + h + " is both unmapped and an alias of " + name)
			}
			if j, dup := unmappedByKey[k]; dup && j != i {
				panic("sheet: " + h + " is unmapped for two reasons")
			}
			unmappedByKey[k] = i
		}
	}
}
