package sheet

import (
	"slices"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/column"
)

var (
	phones   = []string{"+49 221 1234567", "0221 7654321", "+49 (0)30 1234567", "", "+4989123456"}
	nanp     = []string{"(240) 555-1201", "240-555-1202", "240.555.1203"}
	emails   = []string{"ann@acme.example", "Bob.Lee@Acme.example", "", "mailto:cy@acme.example"}
	packages = []string{"webex_calling", "Webex Calling", "Cisco Webex Suite", "cx_essentials", "webex-meetings"}
	shorts   = []string{"1201", "1202", "87", "1204"}
	marked   = []string{"x1201", "ext. 1202", "1203", "#1204"}
	firsts   = []string{"Ana", "Luis", "María-José", "Pedro", "Núria"}
	fulls    = []string{"Ana García", "Luis Pérez", "María José Ruiz", "Pedro Gil"}
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name    string
		samples []string
		want    Looks
	}{
		{"phones", phones, LooksPhone},
		{"North American", nanp, LooksPhone},
		{"emails", emails, LooksEmail},
		{"packages", packages, LooksPackage},
		{"bare short digits", shorts, LooksDigits},
		{"marked extensions", marked, LooksExtension},
		{"first names", firsts, LooksWord},
		{"full names", fulls, LooksUnknown},
		{"Excel text marker", []string{"'+4922112345", "'+4922154321", "'+4922199999"}, LooksPhone},
		{"one number is not a column", []string{"+49 221 1234567"}, LooksUnknown},
		{"two are not either", []string{"+49 221 1234567", "+49 221 7654321", "", " "}, LooksUnknown},
		{"mostly phones", []string{"+4922111", "+4922112", "+4922113", "+4922114", "n/a"}, LooksPhone},
		{"half phones", []string{"+4922111", "+4922112", "n/a", "none"}, LooksUnknown},
		{"dates are not phones", []string{"01.02.2024", "2024-01-15", "15/01/2024", "03.04.2023"}, LooksUnknown},
		{"bare long digits are ids", []string{"12345678901", "22345678901", "32345678901"}, LooksUnknown},
		{"Excel damage is not a phone", []string{"2.40555E+10", "2.40555E+10", "2.40555E+10"}, LooksUnknown},
		{"postcodes are only digits", []string{"10115", "80331", "50667"}, LooksDigits},
		{"amounts", []string{"1,234.50", "99.90", "10.00"}, LooksUnknown},
		{"bare product words are not packages", []string{"Calling", "Suite", "Meetings"}, LooksWord},
		{"a web address is not a package", []string{"webex.com", "webex.com", "webex.com"}, LooksUnknown},
		{"departments", []string{"Sales", "Sales", "Support"}, LooksWord},
		{"empty", nil, LooksUnknown},
	}
	for _, tc := range tests {
		if got := Sniff(tc.samples); got != tc.want {
			t.Errorf("%s: Sniff(%q) = %v, want %v", tc.name, tc.samples, got, tc.want)
		}
	}
}

func TestSniffReadsAHundred(t *testing.T) {
	s := slices.Repeat([]string{"+4922112345"}, 100)
	s = append(s, slices.Repeat([]string{"x"}, 1000)...)
	if got := Sniff(s); got != LooksPhone {
		t.Errorf("Sniff read past its first 100 values: %v", got)
	}
	if a := testing.AllocsPerRun(100, func() { Sniff(packages); Sniff(phones); Sniff(firsts) }); a != 0 {
		t.Errorf("Sniff allocates %v times", a)
	}
}

func TestSuggestMap(t *testing.T) {
	tests := []struct {
		header  string
		samples []string
		mapped  []string
		want    string // mapTo
		why     string // a part of why; "" means why is ""
	}{
		// The heading alone, as Suggest and WhyUnmapped.
		{"Frist Name", nil, nil, "firstName", "Did you mean firstName?"},
		{"Vornmae", nil, nil, "firstName", "Did you mean firstName?"},
		{"Telefonummer", nil, nil, "primaryPhoneNumber", "Did you mean"},
		{"Mobile", nil, nil, "", "not mapped automatically: a mobile"},
		{"Department", nil, nil, "", ""},
		{"Email", nil, nil, "", ""}, // ours already: nothing to map
		{"", nil, nil, "", ""},

		// The example: a German mobile column holding phone numbers.
		{"Handy", phones, nil, "primaryPhoneNumber", "map it only if they are"},
		{"Handy", nil, nil, "", "not mapped automatically: a mobile"},
		{"Handy", firsts, nil, "", "not mapped automatically: a mobile"},
		{"Handy", phones, []string{"primaryPhoneNumber"}, "", "not mapped automatically"}, // already has one
		{"Téléphone portable", nanp, nil, "primaryPhoneNumber", "phone numbers"},

		// Unknown headings: the values decide.
		{"Rufnr. Firma", phones, nil, "primaryPhoneNumber", "Its values look like phone numbers."},
		{"Kontakt", emails, []string{"", "firstName"}, "email", "email addresses"},
		{"Kontakt", emails, []string{"email"}, "", ""},         // would be a second email column
		{"Manager", emails, []string{"email"}, "", ""},         // never customerPrimaryEmail from values alone
		{"Produkt", packages, nil, "package", "package names"}, // German "product"
		{"Angebot", []string{"Webex Calling", "Webex Calling", "Webex Suite"}, nil, "package", "package names"},
		{"Nr", marked, nil, "extension", "extensions"},
		{"Nr", shorts, nil, "", ""},                       // bare digits alone say nothing
		{"PLZ", shorts, nil, "", ""},                      // a postcode is not an extension
		{"Notiz", firsts, nil, "", ""},                    // words alone say nothing
		{"Kontakt", []string{"+4922112345"}, nil, "", ""}, // one number is not a column

		// Heading and values: the heading wins when they agree, values when
		// they clearly disagree.
		{"Pakage", packages, nil, "package", "Did you mean package?"},
		{"Emial", phones, nil, "primaryPhoneNumber", "phone numbers"},
		{"Customer Emial", emails, nil, "customerPrimaryEmail", "Did you mean customerPrimaryEmail?"},
		{"Pakage", nil, []string{"package"}, "", ""},

		// Ambiguous headings that the right values settle.
		{"Nombre", firsts, nil, "firstName", "single words"},
		{"Nome", firsts, []string{"lastName"}, "firstName", "single words"},
		{"Nombre", fulls, nil, "", "may hold the full name"},
		{"Nombre", firsts, []string{"firstName"}, "", "may hold the full name"},
		{"Poste", shorts, nil, "extension", "like extensions"},
		{"Poste", marked, nil, "extension", "like extensions"},
		{"Poste", []string{"Directeur commercial", "Comptable", "Assistante"}, nil, "", "job title"},
		{"Name", firsts, nil, "", "full name"},                      // a German surname too
		{"Apelido", firsts, nil, "", "nickname"},                    // values cannot tell
		{"Kundennummer", shorts, nil, "", "your own systems"},       // never a customerId
		{"Primary Email", emails, nil, "", "subscriber's email or"}, // two readings
		{"Org ID", []string{"Y2lzY29z", "Y2lzY29z", "Y2lzY29z"}, nil, "", "organization ID"},
	}
	for _, tc := range tests {
		to, why := SuggestMap(tc.header, tc.samples, tc.mapped...)
		if to != tc.want || (tc.why == "") != (why == "") || !strings.Contains(why, tc.why) {
			t.Errorf("SuggestMap(%q, %q, %q) = %q, %q; want %q, with %q", tc.header, tc.samples, tc.mapped, to, why, tc.want, tc.why)
		}
		if to != "" && !strings.HasSuffix(why, ".") && !strings.HasSuffix(why, "?") {
			t.Errorf("SuggestMap(%q): why %q does not end a sentence", tc.header, why)
		}
	}
}

// The message the CLI builds from SuggestMap without values is the one it
// builds today from Suggest and WhyUnmapped (testdata/golden/sheets).
func TestSuggestMapKeepsHeaderMessages(t *testing.T) {
	msg := func(col string) string {
		m := ""
		if to, why := SuggestMap(col, nil); to != "" {
			m = why + " Rename it, or pass --map " + strconvQuote(col+"="+to)
		} else if why != "" {
			m = strings.ToUpper(why[:1]) + why[1:]
		}
		return m
	}
	for col, want := range map[string]string{
		"Frist Name": `Did you mean firstName? Rename it, or pass --map "Frist Name=firstName"`,
		"Department": "",
		"Mobile":     "Not mapped automatically: a mobile or other existing number is not the subscriber's primary Webex Calling number (a DID the provider owns); map it to primaryPhoneNumber with --map only if it is one",
	} {
		if got := msg(col); got != want {
			t.Errorf("%q: %q, want %q", col, got, want)
		}
	}
}

func strconvQuote(s string) string { return `"` + s + `"` }

func TestNumberColumn(t *testing.T) {
	tests := []struct {
		name      string
		cells     []string
		canonical []string
		samples   [][]string
		want      int
		mapTo     string
	}{
		{"German export with a mobile column",
			[]string{"E-Mail", "Vorname", "Handy", "Paket"},
			[]string{"email", "firstName", "", "package"},
			[][]string{emails, firsts, phones, packages}, 2, "primaryPhoneNumber"},
		{"numbers under an unknown heading",
			[]string{"email", "Abteilung", "Rufnr. Büro"},
			[]string{"email", "", ""},
			[][]string{emails, {"Sales", "Sales", "IT"}, nanp}, 2, "primaryPhoneNumber"},
		{"marked extensions",
			[]string{"email", "Kurzwahl"},
			[]string{"email", ""},
			[][]string{emails, marked}, 1, "extension"},
		{"a misspelt heading, no values read",
			[]string{"email", "Extention"},
			[]string{"email", ""},
			nil, 1, "extension"},
		{"the file has an extension column",
			[]string{"email", "Durchwahl", "Handy"},
			[]string{"email", "extension", ""},
			[][]string{emails, shorts, phones}, -1, ""},
		{"nothing looks like a number",
			[]string{"email", "PLZ", "Notiz"},
			[]string{"email", "", ""},
			[][]string{emails, shorts, firsts}, -1, ""},
		{"a mobile heading without values is only explained",
			[]string{"email", "Handy"},
			[]string{"email", ""},
			nil, -1, ""},
	}
	for _, tc := range tests {
		i, to, why := NumberColumn(tc.cells, tc.canonical, tc.samples)
		if i != tc.want || to != tc.mapTo || (i >= 0) != (why != "") {
			t.Errorf("%s: NumberColumn = %d, %q, %q; want %d, %q", tc.name, i, to, why, tc.want, tc.mapTo)
		}
	}
}

func FuzzSuggestMap(f *testing.F) {
	for _, s := range []string{"Handy", "Frist Name", "Nombre", "Poste", "Kontakt", "Email", "Mobile", "+49 221 1234567",
		"x1201", "webex_calling", "ann@acme.example", "Ana", "01.02.2024"} {
		f.Add(s, s, "")
	}
	f.Fuzz(func(t *testing.T, header, value, mappedName string) {
		samples := []string{value, value, value}
		mapped := []string{mappedName}
		to, why := SuggestMap(header, samples, mapped...)
		if to != "" {
			if !slices.Contains(column.Names(), to) || to == mappedName {
				t.Fatalf("SuggestMap(%q, %q, %q) = %q", header, value, mappedName, to)
			}
			if !strings.HasSuffix(why, ".") && !strings.HasSuffix(why, "?") {
				t.Fatalf("SuggestMap(%q, %q): why %q", header, value, why)
			}
		}
		if _, ok := Canonical(header); ok && (to != "" || why != "") {
			t.Fatalf("SuggestMap(%q) = %q, %q for a heading we accept", header, to, why)
		}
		// Without values it says what Suggest and WhyUnmapped say.
		to0, why0 := SuggestMap(header, nil)
		if _, ok := Canonical(header); !ok && (to0 != Suggest(header) || to0 == "" && why0 != WhyUnmapped(header)) {
			t.Fatalf("SuggestMap(%q, nil) = %q, %q; Suggest %q, WhyUnmapped %q", header, to0, why0, Suggest(header), WhyUnmapped(header))
		}
		_ = Sniff(samples)
	})
}
