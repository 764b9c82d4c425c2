package check

import (
	"reflect"
	"testing"
)

// A line break typed in a cell (Alt+Enter) never reaches the API: text gets
// a space and a note, a number or an id is refused naming its column.
func TestRowLineBreaks(t *testing.T) {
	tests := []struct {
		name     string
		in       Fields
		want     Fields
		notes    []string
		problems []Problem
	}{
		{
			name:  "name: a space instead, noted",
			in:    Fields{Email: "a@b.com", FirstName: "Mary\nAnn", LastName: "O'Neil\r\nSmith"},
			want:  Fields{Email: "a@b.com", FirstName: "Mary Ann", LastName: "O'Neil Smith"},
			notes: []string{`firstName "Mary Ann" from "Mary\nAnn" (a line break in the cell became a space)`, `lastName "O'Neil Smith" from "O'Neil\r\nSmith" (a line break in the cell became a space)`},
		},
		{
			name:  "no doubled space, tab and Unicode line separator",
			in:    Fields{Email: "a@b.com", FirstName: "Mary \n Ann", LastName: "Lee\tKim\u2028Jr"},
			want:  Fields{Email: "a@b.com", FirstName: "Mary Ann", LastName: "Lee Kim Jr"},
			notes: []string{`firstName "Mary Ann" from "Mary \n Ann" (a line break in the cell became a space)`, `lastName "Lee Kim Jr" from "Lee\tKim\u2028Jr" (a tab in the cell became a space)`},
		},
		{
			name:  "package wording across two lines",
			in:    Fields{Email: "a@b.com", Package: "Webex\nMeetings"},
			want:  Fields{Email: "a@b.com", Package: "webex_meetings"},
			notes: []string{`package "Webex Meetings" from "Webex\nMeetings" (a line break in the cell became a space)`, `package webex_meetings from "Webex Meetings"`},
		},
		{
			name:     "phone number: refused, not read as a separator",
			in:       Fields{Email: "a@b.com", PrimaryPhoneNumber: "+1 240 555\n1212"},
			want:     Fields{Email: "a@b.com", PrimaryPhoneNumber: "+1 240 555\n1212"},
			problems: []Problem{{"primaryPhoneNumber", `"+1 240 555\n1212" holds a line break (Alt+Enter in the cell), which a number cannot have: delete it`}},
		},
		{
			name:     "extension and id",
			in:       Fields{Email: "a@b.com", Extension: "12\x0734", CustomerID: "cust\n1"},
			want:     Fields{Email: "a@b.com", Extension: "12\x0734", CustomerID: "cust\n1"},
			problems: []Problem{{"customerId", `"cust\n1" holds a line break (Alt+Enter in the cell), which an id cannot have: delete it`}, {"extension", `"12\a34" holds the invisible control character U+0007, which a number cannot have: delete it`}},
		},
		{
			name:     "two addresses on two lines",
			in:       Fields{Email: "ann@b.com\nben@b.com"},
			want:     Fields{Email: "ann@b.com\nben@b.com"},
			problems: []Problem{{"email", `"ann@b.com\nben@b.com" holds more than one address, separated by a line break (Alt+Enter in the cell): put one address per row`}},
		},
		{
			name:     "one address broken in two",
			in:       Fields{Email: "ann.lee@\nb.com"},
			want:     Fields{Email: "ann.lee@\nb.com"},
			problems: []Problem{{"email", `"ann.lee@\nb.com" holds a line break (Alt+Enter in the cell), which an address cannot have: delete it`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, notes, problems := Row(tt.in, Options{})
			if clean != tt.want {
				t.Errorf("clean = %+v\nwant    %+v", clean, tt.want)
			}
			if !reflect.DeepEqual(notes, tt.notes) {
				t.Errorf("notes = %q\nwant    %q", notes, tt.notes)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems = %q\nwant       %q", problems, tt.problems)
			}
		})
	}
}

// Invisible characters are called invisible, and removed where that has one
// reading: around any value (bidi marks around a number pasted from a
// contact card), inside a number.
func TestRowInvisibleCharacters(t *testing.T) {
	tests := []struct {
		name     string
		in       Fields
		want     Fields
		notes    []string
		problems []Problem
	}{
		{
			name:  "contact card number",
			in:    Fields{Email: "a@b.com", PrimaryPhoneNumber: "\u202a+1 240 555 1212\u202c"},
			want:  Fields{Email: "a@b.com", PrimaryPhoneNumber: "+12405551212"},
			notes: []string{"primaryPhoneNumber removed the invisible characters U+202A left-to-right embedding, U+202C pop directional formatting", `primaryPhoneNumber +12405551212 from "+1 240 555 1212"`},
		},
		{
			name:  "inside an extension, around an address and a name",
			in:    Fields{Email: "\u202aa@b.com\u202c", Extension: "12\u200b34", LastName: "Lee\u200e"},
			want:  Fields{Email: "a@b.com", Extension: "1234", LastName: "Lee"},
			notes: []string{"email removed the invisible characters U+202A left-to-right embedding, U+202C pop directional formatting", "lastName removed the invisible character U+200E left-to-right mark", "extension removed the invisible character U+200B zero width space"},
		},
		{
			name: "inside a name it may be meant: kept",
			in:   Fields{Email: "a@b.com", FirstName: "Mehr\u200cdad"},
			want: Fields{Email: "a@b.com", FirstName: "Mehr\u200cdad"},
		},
		{
			name:     "inside an address: called invisible",
			in:       Fields{Email: "ann\u202a@b.com"},
			want:     Fields{Email: "ann\u202a@b.com"},
			problems: []Problem{{"email", `"ann\u202a@b.com" contains an invisible character or odd space (U+202A left-to-right embedding) at byte 3: retype the address`}},
		},
		{
			name:     "inside an id: called invisible",
			in:       Fields{Email: "a@b.com", CustomerID: "cust\u200b1"},
			want:     Fields{Email: "a@b.com", CustomerID: "cust\u200b1"},
			problems: []Problem{{"customerId", `"cust\u200b1" holds an invisible character (U+200B zero width space) inside, which an id cannot have: retype it`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, notes, problems := Row(tt.in, Options{})
			if clean != tt.want {
				t.Errorf("clean = %+v\nwant    %+v", clean, tt.want)
			}
			if !reflect.DeepEqual(notes, tt.notes) {
				t.Errorf("notes = %q\nwant    %q", notes, tt.notes)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems = %q\nwant       %q", problems, tt.problems)
			}
		})
	}
}

// Lines that are not subscribers say so, and a note beside an address says
// what to delete, instead of advice about spaces.
func TestRowNotASubscriber(t *testing.T) {
	tests := []struct {
		name string
		in   Fields
		want Problem
	}{
		{"report footer", Fields{Email: "Grand Totals (4 records)"}, Problem{"", "a total line, not a subscriber: delete it"}},
		{"Excel subtotal", Fields{Email: "webex_calling Count", Package: "4"}, Problem{"", "a total line, not a subscriber: delete it"}},
		{"German grand total", Fields{Email: "Gesamtergebnis"}, Problem{"", "a total line, not a subscriber: delete it"}},
		{"French grand total", Fields{Email: "Total général"}, Problem{"", "a total line, not a subscriber: delete it"}},
		{"repeated header", Fields{Email: "Email Address", FirstName: "First Name", Package: "Package"}, Problem{"", "a repeated header line: delete it"}},
		{"repeated header, email mapped by --map", Fields{Email: "Work Mail", FirstName: "First Name", LastName: "Surname"}, Problem{"", "a repeated header line: delete it"}},
		{"a footer's text", Fields{Email: "Confidential Information - Do Not Distribute"}, Problem{"email", `"Confidential Information - Do Not Distribute" is text, not an address (it has no @): fill in the address, or delete the line if it is not a subscriber (a title, a note, a footer)`}},
		{"a note after the address", Fields{Email: "carl@acme.example (Carl Jr)"}, Problem{"email", `"carl@acme.example (Carl Jr)" has more than the address: delete "(Carl Jr)"`}},
		{"the address in brackets", Fields{Email: "Carl Jr (carl@acme.example)"}, Problem{"email", `"Carl Jr (carl@acme.example)" has more than the address: delete "Carl Jr (" and ")"`}},
		{"a word before: may be part of it", Fields{Email: "carl jr@acme.example"}, Problem{"email", `"carl jr@acme.example" contains a space: an address has no spaces, remove them`}},
		{"a name like a total is still checked as an address", Fields{Email: "totally@acme"}, Problem{"email", `"totally@acme" has the domain "acme" without a dot: use the full domain, as in example.com`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, notes, problems := Row(tt.in, Options{})
			if len(problems) != 1 || problems[0] != tt.want || notes != nil && tt.want.Field == "" {
				t.Errorf("problems = %q, notes %q; want %q", problems, notes, tt.want)
			}
		})
	}
	for _, s := range []string{"Total", "Grand Total", "Totals: 12", "Sum 4", "Summe", "Sales Total", "Zwischensumme Anzahl"} {
		if !IsTotal(s) {
			t.Errorf("IsTotal(%q) = false", s)
		}
	}
	for _, s := range []string{"Totally Spies", "Countess", "Summer", "Anzahl", "ann@totals.example"} {
		if IsTotal(s) {
			t.Errorf("IsTotal(%q) = true", s)
		}
	}
}
