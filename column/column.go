// Package column is the one table of input columns. Every stage reads it:
// the sheet reader matches headings against its names and aliases, the
// source reads cells into Fields by it, the offline checks check each
// value by its Kind, and the request builders put each value where its
// Request says. Adding a column is one Fields field and one Table entry.
package column

// Fields is one row's values by column, all strings as read (then as
// cleaned and sent). Each field has its entry in Table.
type Fields struct {
	Email                string
	CustomerID           string
	Package              string
	FirstName            string
	LastName             string
	PrimaryPhoneNumber   string
	Extension            string
	LocationID           string
	CustomerPrimaryEmail string
	ProvisioningID       string
	ExternalCustomerID   string
	SubPartnerOrgID      string
}

// Kind is how the offline checks treat a column's value.
type Kind int

const (
	Text      Kind = iota // trimmed; any text
	ID                    // an opaque id: trimmed
	Email                 // an email address: lower-cased, checked
	Package               // a package name: human wordings mapped, checked
	Phone                 // a phone number: normalised to E.164, checked
	Extension             // an extension: 2-10 digits
)

// Column is one input column.
type Column struct {
	Name string // canonical: the API's field name, used in headers and messages
	Desc string // for --help, the samples README and the HTML report
	// Aliases are headings people write for it (matched ignoring case,
	// spaces, '_', '-', '.'), also "did you mean" candidates; Abbrevs are
	// accepted but too short to suggest from ("Ext").
	Aliases, Abbrevs []string
	Kind             Kind
	// Request is where the value goes in the precheck and provision bodies
	// (a JSON path; "" when it is not sent as it is).
	Request string
	// Max is the longest value sent, in characters: the offline checks
	// refuse a longer one with its length rather than trim it or let the
	// API refuse it row by row. Cisco's OpenAPI file states no length for
	// any of these fields, so the figures are ours:
	//   - email, customerPrimaryEmail: 254, the longest address SMTP
	//     carries (RFC 5321's 256-octet path less its angle brackets);
	//   - firstName, lastName: 64, what Microsoft Entra ID and Active
	//     Directory allow for givenName and surname, from which Webex users
	//     are synchronised; a longer "name" is a full name or a paragraph;
	//   - the ids: 256; Webex ids are base64 of a URI, about 100 characters;
	//   - primaryPhoneNumber: 16 ("+" and E.164's 15 digits), extension: 10
	//     digits, package: 64, more than any package name.
	Max int
	// Field is the value's place in Fields.
	Field func(*Fields) *string
}

// Table lists the columns in the order we document and write them.
//
// Aliases include the wordings of German, French, Spanish, Italian,
// Portuguese and Dutch exports (a line each, in that order), spelt as exports
// spell them; sheet's Key drops accents, so "Prenom" matches "Prénom". The
// translations of "Customer" and "Location" are accepted for the reason below.
// French "Nom" is lastName: beside "Prénom" it is the family name, as on every
// French form. German "Durchwahl" is the digits after the company number; a
// cell holding a whole number fails the extension check with a message to
// move it, so that guess is loud. Words that may hold something else ("Nombre",
// "Nome", "Naam" may be full names; French "Poste" is as often the job title;
// Portuguese "Apelido" is a nickname in Brazil) are in sheet's unmapped table.
//
// "Customer" and "Location" are accepted (for customerId and locationId) even
// though a person may fill them with a name: the API then rejects the row with
// a clear error, which is louder than an unknown-column stop and less work for
// the far more common case where the column does hold the ID. Headings that
// look as if they belong here but deliberately do not are in sheet's unmapped
// table.
var Table = []Column{
	{
		Name: "email", Kind: Email, Request: "email", Max: 254,
		Field: func(f *Fields) *string { return &f.Email },
		Desc:  "Subscriber's email address; their Webex sign-in.",
		Aliases: []string{"Email", "E-mail", "Email Address", "E-mail Address", "Mail", "Mail Address",
			"User Email", "User Email Address", "User Mail", "Work Email", "Business Email",
			"Subscriber Email", "Email ID",
			"E-Mail-Adresse", "Mailadresse", "Benutzer-E-Mail",
			"Courriel", "Adresse e-mail", "Adresse mail", "Adresse courriel", "Adresse électronique", "Adresse de messagerie",
			"Correo electrónico", "Correo", "Dirección de correo electrónico", "Dirección de correo",
			"Indirizzo email", "Posta elettronica", "Indirizzo di posta elettronica",
			"Endereço de e-mail", "Correio eletrônico", "Correio eletrónico", "Correio electrónico",
			"E-mailadres"},
	},
	{
		Name: "customerId", Kind: ID, Request: "customerId", Max: 256,
		Field: func(f *Fields) *string { return &f.CustomerID },
		Desc:  "Wholesale customer ID the subscriber belongs to (from the wholesale customers API; not the Webex org ID).",
		Aliases: []string{"Customer ID", "Customer", "Customer Identifier", "Wholesale Customer ID",
			"Webex Customer ID",
			"Kunden-ID", "Kundenkennung", "Kunde", "Webex-Kunden-ID",
			"ID client", "ID du client", "Identifiant client", "Identifiant du client", "Client",
			"ID de cliente", "ID del cliente", "Identificador de cliente", "Cliente",
			"ID cliente", "Identificativo cliente",
			"ID do cliente", "Identificador do cliente",
			"Klant-ID", "Klant"},
		Abbrevs: []string{"Cust ID", "CustID"},
	},
	{
		Name: "package", Kind: Package, Request: "packages[0]", Max: 64,
		Field: func(f *Fields) *string { return &f.Package },
		Desc:  "Wholesale package to assign, e.g. webex_calling, webex_meetings, webex_suite, webex_voice, common_area_calling.",
		Aliases: []string{"Package", "Packages", "Package Name", "Licence", "License", "Licence Type",
			"License Type", "Plan", "Webex Package", "Wholesale Package",
			"Paket", "Pakete", "Paketname", "Lizenz", "Lizenzen", "Lizenztyp", "Webex-Paket",
			"Forfait", "Paquet", "Type de licence",
			"Paquete", "Licencia", "Tipo de licencia",
			"Pacchetto", "Licenza", "Tipo di licenza",
			"Pacote", "Licença", "Tipo de licença", "Plano",
			"Pakket", "Licentie", "Licentietype"},
	},
	{
		Name: "firstName", Kind: Text, Request: "provisioningParameters.firstName", Max: 64,
		Field: func(f *Fields) *string { return &f.FirstName },
		Desc:  "Subscriber's first (given) name.",
		Aliases: []string{"First Name", "First", "Given Name", "Forename",
			"Vorname",
			"Prénom",
			"Nombre de pila", "Primer nombre",
			"Nome proprio", "Nome di battesimo",
			"Primeiro nome", "Nome próprio",
			"Voornaam"},
		Abbrevs: []string{"FName"},
	},
	{
		Name: "lastName", Kind: Text, Request: "provisioningParameters.lastName", Max: 64,
		Field: func(f *Fields) *string { return &f.LastName },
		Desc:  "Subscriber's last (family) name.",
		Aliases: []string{"Last Name", "Last", "Surname", "Family Name",
			"Nachname", "Familienname", "Zuname",
			"Nom de famille",
			"Apellido", "Apellidos",
			"Cognome",
			"Sobrenome", "Último nome",
			"Achternaam", "Familienaam"},
		Abbrevs: []string{"LName", "Nom"},
	},
	{
		Name: "primaryPhoneNumber", Kind: Phone, Request: "provisioningParameters.primaryPhoneNumber", Max: 16,
		Field: func(f *Fields) *string { return &f.PrimaryPhoneNumber },
		Desc:  "Primary Webex Calling number (a DID the provider owns), preferably E.164 such as +14085551234; not a mobile. Calling packages need this, an extension, or both.",
		Aliases: []string{"Primary Phone Number", "Primary Phone", "Primary Number", "Phone", "Phone Number",
			"Phone No", "Telephone", "Telephone Number", "Direct Number", "Direct Dial", "DID Number",
			"Telefon", "Telefonnummer", "Rufnummer", "Hauptrufnummer", "Direktwahl",
			"Téléphone", "Numéro de téléphone", "N° de téléphone", "Ligne directe",
			"Teléfono", "Número de teléfono", "Línea directa",
			"Numero di telefono", "Numero telefonico", "Linea diretta",
			"Telefone", "Número de telefone", "Linha direta",
			"Telefoon", "Telefoonnummer", "Doorkiesnummer"},
		Abbrevs: []string{"DID", "DDI", "Tel", "Tel No", "Tel.-Nr.", "Tfno", "Tlf"},
	},
	{
		Name: "extension", Kind: Extension, Request: "provisioningParameters.extension", Max: 10,
		Field: func(f *Fields) *string { return &f.Extension },
		Desc:  "Internal extension. Calling packages need this, a primary phone number, or both.",
		Aliases: []string{"Extension", "Extension Number", "Ext No",
			"Durchwahl", "Nebenstelle", "Nebenstellennummer",
			"Numéro de poste", "N° de poste", "Poste téléphonique",
			"Número de extensión",
			"Interno", "Numero interno",
			"Ramal", "Número do ramal", "Extensão",
			"Toestel", "Toestelnummer"},
		Abbrevs: []string{"Ext", "Extn"},
	},
	{
		Name: "locationId", Kind: ID, Request: "provisioningParameters.locationId", Max: 256,
		Field: func(f *Fields) *string { return &f.LocationID },
		Desc:  "Webex Calling location ID the subscriber is placed in.",
		Aliases: []string{"Location ID", "Location", "Location Identifier", "Webex Location ID",
			"Standort", "Standort-ID",
			"Emplacement", "ID emplacement", "ID de l'emplacement",
			"Ubicación", "ID de ubicación",
			"ID sede",
			"Localização", "ID do local", "ID da localização",
			"Locatie", "Locatie-ID"},
		Abbrevs: []string{"Loc ID", "Sede"},
	},
	{
		Name: "customerPrimaryEmail", Kind: Email, Request: "customerInfo.primaryEmail", Max: 254,
		Field: func(f *Fields) *string { return &f.CustomerPrimaryEmail },
		Desc:  "Primary email of the customer organisation (customerInfo.primaryEmail), which identifies a customer that has no customerId yet, e.g. when prechecking.",
		Aliases: []string{"Customer Primary Email", "Customer Email", "Customer Email Address",
			"Customer Admin Email", "Admin Email", "Admin Email Address", "Administrator Email",
			"Kunden-E-Mail", "E-Mail des Kunden", "Admin-E-Mail", "Administrator-E-Mail",
			"E-mail du client", "Courriel du client", "E-mail client", "E-mail administrateur",
			"Correo del cliente", "Correo electrónico del cliente", "Correo del administrador",
			"Email del cliente", "Email cliente", "Email amministratore",
			"E-mail do cliente", "E-mail do administrador",
			"E-mail klant", "E-mailadres klant", "E-mail beheerder"},
	},
	{
		Name: "provisioningId", Kind: ID, Request: "provisioningId", Max: 256,
		Field: func(f *Fields) *string { return &f.ProvisioningID },
		Desc:  "Provisioning ID of the customer template in Control Hub; it defines how a new customer is set up.",
		Aliases: []string{"Provisioning ID", "Provisioning Identifier", "Provision ID",
			"Provisionierungs-ID", "Bereitstellungs-ID",
			"ID de provisionnement", "Identifiant de provisionnement",
			"ID de aprovisionamiento",
			"ID di provisioning",
			"ID de provisionamento",
			"Provisioning-ID"},
		Abbrevs: []string{"Prov ID"},
	},
	{
		Name: "externalCustomerId", Kind: ID, Request: "", Max: 256,
		Field: func(f *Fields) *string { return &f.ExternalCustomerID },
		Desc:  "The partner's own id of the customer (the externalId it was created with): looked up once a run to find its customerId.",
		Aliases: []string{"External Customer ID", "Customer External ID", "Partner Customer ID",
			"Wholesale External ID"},
	},
	{
		Name: "subPartnerOrgId", Kind: ID, Request: "?onBehalfOfSubPartnerOrgId", Max: 256,
		Field:   func(f *Fields) *string { return &f.SubPartnerOrgID },
		Desc:    "Sub-partner org the row is sent on behalf of (onBehalfOfSubPartnerOrgId); a blank cell takes --on-behalf-of.",
		Aliases: []string{"Sub-Partner Org ID", "Sub-Partner Organization ID", "Sub-Partner Organisation ID", "Sub-Partner ID", "On Behalf Of"},
	},
}

// Names lists the canonical names in Table order.
func Names() []string {
	out := make([]string, len(Table))
	for i, c := range Table {
		out[i] = c.Name
	}
	return out
}

// Index returns the position in Table of the column named name, or -1.
func Index(name string) int {
	for i, c := range Table {
		if c.Name == name {
			return i
		}
	}
	return -1
}
