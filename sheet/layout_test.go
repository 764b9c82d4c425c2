package sheet

import "testing"

func TestFindLayout(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		delim rune // given
		want  Layout
	}{
		{"header on line 1", "email,firstName\na@x.example,Ann\n", 0, Layout{Delimiter: ','}},
		{"semicolons", "email;firstName\na@x.example;Ann\n", 0, Layout{Delimiter: ';'}},
		{"tabs", "email\tfirstName\na@x.example\tAnn\n", 0, Layout{Delimiter: '\t'}},
		{"pipes", "email|firstName\na@x.example|Ann\n", 0, Layout{Delimiter: '|'}},
		{"one column", "email\na@x.example\n", 0, Layout{Delimiter: ','}},
		{"a comma inside a semicolon heading", "Email;Phone, mobile\na@x.example;1\n", 0, Layout{Delimiter: ';'}},
		// A report: title, date, empty record, blank line, then the header.
		{"title lines", "\"Subscribers\"\n\"Generated 2026-11-30\"\n\"\"\n\nEmail Address,Surname\na@x.example,Lee\n", 0, Layout{Delimiter: ',', Skip: 3}},
		// Merged group headings above the header.
		{"group headings", "Contact;;Telephony;\nEmail;First Name;Phone;Ext\na@x.example;Ann;+1;12\n", 0, Layout{Delimiter: ';', Skip: 1}},
		// A group heading that names email loses to the fuller header below.
		{"group heading naming email", "Email,,\nEmail Address,First Name,Last Name\na@x.example,Ann,Lee\n", 0, Layout{Delimiter: ',', Skip: 1}},
		// A title that holds an address is not data yet.
		{"address in the title", "Sent by ops@x.example\nemail,package\na@x.example,webex_meetings\n", 0, Layout{Delimiter: ',', Skip: 1}},
		// Once data has begun, a fuller header further down is a repeat.
		{"fuller header after data", "email,package\na@x.example,webex_meetings\nemail,firstName,lastName,package\n", 0, Layout{Delimiter: ','}},
		{"repeated header", "email,package\na@x.example,x\nemail,package\n", 0, Layout{Delimiter: ','}},
		{"delimiter given", "title;x\nemail,package\n", ',', Layout{Delimiter: ',', Skip: 1}},
		// No email column: the record naming the most columns, so the
		// message can show it, in the delimiter that splits it most.
		{"no email: the most header-like", "Report\nName|Phone|Package\nAnn|+1|x\n", 0, Layout{Delimiter: '|', Skip: 1}},
		{"no email, nothing known", "Contact|Name\nann|Ann\n", 0, Layout{Delimiter: '|'}},
		// A bare list of addresses has no header at all.
		{"bare list", "ann@x.example\r\nben@x.example\r\n\r\ncy@x.example\r\n", 0, Layout{Delimiter: ',', NoHeader: true}},
		{"bare list with trailing delimiters", "ann@x.example;\nben@x.example;\n", ';', Layout{Delimiter: ';', NoHeader: true}},
		{"not a bare list: two columns", "ann@x.example,Ann\nben@x.example,Ben\n", 0, Layout{Delimiter: ','}},
		{"trailing empty cells", "email,package\na@x.example,x,\n", 0, Layout{Delimiter: ',', TrailingEmpty: true}},
		{"trailing empty cells below a title", "Title\nemail,package\na@x.example,x,\n", 0, Layout{Delimiter: ',', Skip: 1, TrailingEmpty: true}},
		{"the delimiter that isolates the email heading", "email;x,y\na@x.example;1,2\n", 0, Layout{Delimiter: ';'}},
		{"empty", "", 0, Layout{Delimiter: ','}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FindLayout([]byte(tc.text), true, tc.delim, nil); got != tc.want {
				t.Errorf("FindLayout = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// A text that goes on past the peeked prefix: its cut last record is not
// read, so it cannot pass for anything.
func TestFindLayoutCutText(t *testing.T) {
	if got := FindLayout([]byte("email,package\na@x.example,x,\nb@x.exa"), false, 0, nil); got != (Layout{Delimiter: ',', TrailingEmpty: true}) {
		t.Errorf("cut: %+v", got)
	}
	if got := FindLayout([]byte("ann@x.example"), false, 0, nil); got != (Layout{Delimiter: ','}) {
		t.Errorf("no whole line: %+v", got)
	}
	// The caller's matcher (--map) names the columns.
	match := func(h string) (string, bool) {
		if h == "Work Mail" {
			return "email", true
		}
		return Canonical(h)
	}
	if got := FindLayout([]byte("Team list\nWork Mail,Name\na@x.example,Ann\n"), true, 0, match); got != (Layout{Delimiter: ',', Skip: 1}) {
		t.Errorf("--map: %+v", got)
	}
}
