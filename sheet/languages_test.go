package sheet

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/wholesale-batch/wholesale-batch/column"
)

// exports are header lines as the sales teams' spreadsheets write them, with
// the column each cell must map to ("" for one that must not map, then
// WhyUnmapped must explain it). Each language's lines together cover every
// column the issue asked for.
var exports = []struct {
	lang, line string
	want       []string
}{
	// The German export of the issue: everything but the email was ignored.
	{"de", "E-Mail;Vorname;Nachname;Telefon;Durchwahl;Paket;Kunden-ID",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId"}},
	{"de", "E-Mail-Adresse;Vorname;Nachname;Telefonnummer;Nebenstelle;Lizenz;Kunden-ID;Standort-ID;Kunden-E-Mail;Provisionierungs-ID",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId", "locationId", "customerPrimaryEmail", "provisioningId"}},
	{"de", "EMAIL-ADRESSE;VORNAME;NACHNAME;RUFNUMMER;DURCHWAHL;LIZENZTYP;KUNDE;STANDORT",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId", "locationId"}},
	{"de", "E-Mail;Vorname;Nachname;Handy;Kundennummer;Name",
		[]string{"email", "firstName", "lastName", "", "", ""}},

	{"fr", "Adresse e-mail;Prénom;Nom;Téléphone;Numéro de poste;Forfait;ID client",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId"}},
	{"fr", "COURRIEL;PRENOM;NOM;TELEPHONE;N° DE POSTE;FORFAIT;IDENTIFIANT CLIENT;EMPLACEMENT;E-MAIL ADMINISTRATEUR;ID DE PROVISIONNEMENT",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId", "locationId", "customerPrimaryEmail", "provisioningId"}},
	{"fr", "Courriel;Pre\u0301nom;Nom;Tél.;Poste;Type de licence;Numéro client", // decomposed é, as macOS writes it
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "", "package", ""}},

	{"es", "Correo electrónico;Nombre;Apellidos;Teléfono;Extensión;Paquete;ID de cliente",
		[]string{"email", "", "lastName", "primaryPhoneNumber", "extension", "package", "customerId"}},
	{"es", "Dirección de correo electrónico;Nombre de pila;Apellido;Número de teléfono;Número de extensión;Licencia;ID del cliente;Ubicación;Correo del cliente;ID de aprovisionamiento",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId", "locationId", "customerPrimaryEmail", "provisioningId"}},
	{"es", "CORREO;NOMBRE COMPLETO;TELEFONO;MOVIL;NUMERO DE CLIENTE",
		[]string{"email", "", "primaryPhoneNumber", "", ""}},

	{"it", "Indirizzo email;Nome;Cognome;Telefono;Interno;Pacchetto;ID cliente",
		[]string{"email", "", "lastName", "primaryPhoneNumber", "extension", "package", "customerId"}},
	{"it", "Posta elettronica;Nome proprio;Cognome;Numero di telefono;Numero interno;Tipo di licenza;Identificativo cliente;Sede;Email amministratore;ID di provisioning",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId", "locationId", "customerPrimaryEmail", "provisioningId"}},
	{"it", "E-mail;Nome e cognome;Cellulare;Codice cliente",
		[]string{"email", "", "", ""}},

	{"pt", "Endereço de e-mail;Nome;Sobrenome;Telefone;Ramal;Pacote;ID do cliente", // Brazil
		[]string{"email", "", "lastName", "primaryPhoneNumber", "extension", "package", "customerId"}},
	{"pt", "Correio eletrónico;Nome próprio;Apelido;Telefone;Extensão;Pacote;ID do cliente", // Portugal
		[]string{"email", "firstName", "", "primaryPhoneNumber", "extension", "package", "customerId"}},
	{"pt", "Correio eletrônico;Primeiro nome;Último nome;Número de telefone;Número do ramal;Licença;Identificador do cliente;Localização;E-mail do cliente;ID de provisionamento",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId", "locationId", "customerPrimaryEmail", "provisioningId"}},
	{"pt", "Email;Nome completo;Celular;Telemóvel;Código do cliente",
		[]string{"email", "", "", "", ""}},

	{"nl", "E-mailadres;Voornaam;Achternaam;Telefoonnummer;Toestel;Pakket;Klant-ID",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId"}},
	{"nl", "E-mail adres;Voornaam;Familienaam;Telefoon;Toestelnummer;Licentie;Klant;Locatie-ID;E-mail klant;Provisioning-ID",
		[]string{"email", "firstName", "lastName", "primaryPhoneNumber", "extension", "package", "customerId", "locationId", "customerPrimaryEmail", "provisioningId"}},
	{"nl", "Emailadres;Naam;Mobiel;GSM-nummer;Klantnummer",
		[]string{"email", "", "", "", ""}},
}

// issueColumns are the columns every language must cover.
var issueColumns = []string{"email", "customerId", "package", "firstName", "lastName",
	"primaryPhoneNumber", "extension", "locationId", "customerPrimaryEmail", "provisioningId"}

func TestExportHeaders(t *testing.T) {
	covered := map[string]map[string]bool{}
	for _, e := range exports {
		cells := strings.Split(e.line, ";")
		if len(cells) != len(e.want) {
			t.Fatalf("%s: %d cells, %d expectations", e.line, len(cells), len(e.want))
		}
		if covered[e.lang] == nil {
			covered[e.lang] = map[string]bool{}
		}
		seen := map[string]string{}
		for i, cell := range cells {
			name, ok := Canonical(cell)
			if name != e.want[i] || ok != (e.want[i] != "") {
				t.Errorf("%s: Canonical(%q) = %q, %v; want %q", e.lang, cell, name, ok, e.want[i])
			}
			if !ok {
				if WhyUnmapped(cell) == "" {
					t.Errorf("%s: %q maps to nothing and WhyUnmapped does not say why", e.lang, cell)
				}
				continue
			}
			// The source refuses two columns with one meaning.
			if prev, dup := seen[name]; dup {
				t.Errorf("%s: %q and %q both mean %s", e.lang, prev, cell, name)
			}
			seen[name] = cell
			covered[e.lang][name] = true
		}
	}
	for _, lang := range []string{"de", "fr", "es", "it", "pt", "nl"} {
		for _, c := range issueColumns {
			if !covered[lang][c] {
				t.Errorf("%s: no export line maps a heading to %s", lang, c)
			}
		}
	}
}

// Headings these exports carry that are none of ours must stay unknown, with
// no "did you mean": the new short aliases ("Nom", "Sede", "Plano", "Kunde")
// must not attract them.
func TestExportHeadersUnrelated(t *testing.T) {
	for _, h := range []string{
		"Abteilung", "Firma", "Ort", "Stadt", "PLZ", "Postleitzahl", "Straße", "Hausnummer", "Land",
		"Geburtsdatum", "Kommentar", "Bemerkung", "Notiz", "Titel", "Anrede", "Position", "Funktion",
		"Kostenstelle", "Personalnummer", "Sprache", "Status", "Datum", "Telefax", "Fax", "Faxnummer", "Rolle",
		"Service", "Société", "Ville", "Code postal", "Adresse", "Pays", "Fonction", "Titre", "Civilité",
		"Commentaire", "Date de naissance", "Statut", "Langue", "Matricule", "Note", "Notes",
		"Departamento", "Empresa", "Ciudad", "Código postal", "Dirección", "País", "Cargo", "Puesto",
		"Comentario", "Fecha", "Estado", "Idioma",
		"Reparto", "Azienda", "Città", "CAP", "Indirizzo", "Paese", "Ruolo", "Qualifica", "Data", "Stato", "Lingua",
		"Cidade", "CEP", "Endereço", "Morada", "Função", "Observações",
		"Afdeling", "Bedrijf", "Plaats", "Postcode", "Adres", "Functie", "Opmerking", "Taal",
	} {
		if name, ok := Canonical(h); ok {
			t.Errorf("Canonical(%q) = %q; want no column", h, name)
		}
		if s := Suggest(h); s != "" {
			t.Errorf("Suggest(%q) = %q; want no guess", h, s)
		}
	}
}

// foldLatin agrees with Unicode's decompositions: every letter of Latin-1
// and Latin Extended-A that decomposes folds to its base letter.
func TestFoldLatin(t *testing.T) {
	if len(latin1Fold) != 0x20 || len(latinExtAFold) != 0x80 {
		t.Fatalf("table lengths %d, %d; want 32, 128", len(latin1Fold), len(latinExtAFold))
	}
	for r := rune(0xC0); r <= 0x17F; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		lower := unicode.ToLower(r)
		got := Key(string(r))
		if base := []rune(norm.NFD.String(string(lower)))[0]; base < 0x80 {
			if got != string(base) {
				t.Errorf("Key(%q) = %q; Unicode decomposes it to %q", r, got, base)
			}
			continue
		}
		// No decomposition: only the letters spelt out here fold.
		want, spelt := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ĳ': "ij", 'ø': "o", 'ð': "d",
			'đ': "d", 'ħ': "h", 'ı': "i", 'ĸ': "k", 'ŀ': "l", 'ł': "l", 'ŉ': "n", 'ŋ': "n", 'ŧ': "t", 'ſ': "s",
		}[lower]
		if !spelt {
			want = string(lower)
		}
		if got != want {
			t.Errorf("Key(%q) = %q, want %q", r, got, want)
		}
	}
	for _, r := range []rune{'a', '÷', 'þ', 'Σ', '\u0300'} {
		if f := foldLatin(r); f != "" {
			t.Errorf("foldLatin(%q) = %q; want it kept", r, f)
		}
	}
}

// Every alias written with accents also matches written without them, in
// capitals, and decomposed.
func TestAliasesWithoutAccents(t *testing.T) {
	strip := func(s string) string {
		var b strings.Builder
		for _, r := range norm.NFD.String(s) {
			if !unicode.Is(unicode.Mn, r) {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	n := 0
	for _, c := range column.Table {
		for _, a := range c.Aliases {
			if strip(a) == a {
				continue
			}
			n++
			for _, v := range []string{strip(a), strings.ToUpper(a), strings.ToUpper(strip(a)), norm.NFD.String(a)} {
				if got, ok := Canonical(v); !ok || got != c.Name {
					t.Errorf("Canonical(%q) = %q, %v; want %q (from alias %q)", v, got, ok, c.Name, a)
				}
			}
		}
	}
	if n == 0 {
		t.Error("no alias has an accent: the test tests nothing")
	}
	for _, u := range unmapped {
		for _, h := range u.headings {
			if WhyUnmapped(strip(h)) != u.reason || WhyUnmapped(strings.ToUpper(h)) != u.reason {
				t.Errorf("WhyUnmapped(%q) differs without accents or in capitals", h)
			}
		}
	}
}
