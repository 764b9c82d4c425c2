package sheet

import "testing"

func TestEmailColumn(t *testing.T) {
	tests := []struct {
		name    string
		cells   []string
		samples [][]string
		want    int
	}{
		// Microsoft 365's export: the addresses are under "User principal name".
		{"upn values", []string{"Display name", "User principal name"}, [][]string{{"Ann Lee", "Bob Ode", "Cy Ng"}, {"ann@x.example", "bob@x.example", "cy@x.example"}}, 1},
		// One row: too few values to judge, but the heading is a sign-in heading.
		{"upn heading, one row", []string{"UPN", "First"}, [][]string{{"ann@x.example"}, {"Ann"}}, 0},
		// A heading we do not know, holding addresses.
		{"unknown heading", []string{"Kontakt", "Name"}, [][]string{{"a@x.example", "b@x.example", "c@x.example"}, {"A", "B", "C"}}, 0},
		// A sign-in heading with user names that are no addresses.
		{"username without @", []string{"Username"}, [][]string{{"alee", "bode"}}, -1},
		// Nothing looks like an address.
		{"no addresses", []string{"First", "Last"}, [][]string{{"Ann"}, {"Lee"}}, -1},
	}
	for _, tc := range tests {
		if got, _ := EmailColumn(tc.cells, tc.samples); got != tc.want {
			t.Errorf("%s: EmailColumn = %d, want %d", tc.name, got, tc.want)
		}
	}
}
