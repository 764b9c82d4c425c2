package check

import (
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/column"
)

// Numbers typed on a Japanese or Chinese keyboard, or in another script's
// digits, are read as libphonenumber reads them, with a note.
func TestPhoneOtherDigits(t *testing.T) {
	tests := []struct {
		in, country, want, why string
	}{
		{"０６－６１２３－４５６７", "JP", "+81661234567", "full-width"},                              // Osaka, typed in full width
		{"＋８１　６　６１２３　４５６７", "", "+81661234567", "full-width"},                             // plus and ideographic spaces
		{"０６ー６１２３ー４５６７", "JP", "+81661234567", "full-width"},                              // the long-vowel mark as a dash
		{"٠٢٠ ٧٩٤٦ ٠٩٥٨", "GB", "+442079460958", "another script"},                        // Arabic-Indic digits
		{"＋４４ ٢٠ ७९४६ ०९५८", "", "+442079460958", "full-width characters and the digits"}, // mixed
	}
	for _, tc := range tests {
		got, note, err := Phone(tc.in, tc.country)
		if err != nil || got != tc.want || !strings.Contains(note, tc.why) || !strings.Contains(note, "from") {
			t.Errorf("Phone(%q) = %q, %q, %v; want %q with a note on %q", tc.in, got, note, err, tc.want, tc.why)
		}
	}
	// Folded digits are still checked: too few is still an error.
	if _, _, err := Phone("０６－６１", "JP"); err == nil {
		t.Error("a short full-width number passed")
	}
}

func TestExtensionOtherDigits(t *testing.T) {
	for in, want := range map[string]string{"１２３４": "1234", "١٢٣٤": "1234", "ｘ５６７８": "5678", "१२३": "123"} {
		if got, err := Extension(in); err != nil || got != want {
			t.Errorf("Extension(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, notes, problems := Row(Fields{Email: "a@b.example", Extension: "１２３４"}, Options{})
	if len(problems) != 0 || !strings.Contains(strings.Join(notes, "; "), `extension 1234 from "１２３４" (read the full-width characters as 0-9)`) {
		t.Errorf("notes %q, problems %v", notes, problems)
	}
}

// An extension Excel turned into a date is named as one, with the fix.
func TestExtensionExcelDate(t *testing.T) {
	for _, in := range []string{"15-Jan", "Jan-15", "1/15/2026", "15.01.2026", "2026-01-15", "15-Mär", "3-Dec"} {
		_, err := Extension(in)
		if err == nil || !strings.Contains(err.Error(), "a date") || !strings.Contains(err.Error(), "format the column as Text and retype") {
			t.Errorf("Extension(%q) error = %v", in, err)
		}
	}
	for _, in := range []string{"1234", "x15", "1501"} { // digits stay extensions
		if _, err := Extension(in); err != nil {
			t.Errorf("Extension(%q) = %v", in, err)
		}
	}
}

// Invisible and odd characters are named by their Unicode name, never
// shown as the bytes of their UTF-8 form.
func TestMessagesNameCharacters(t *testing.T) {
	tests := []struct {
		field column.Kind
		in    string
		want  string
	}{
		{column.Extension, "12\u202f34", "U+202F narrow no-break space"},
		{column.Extension, "12\u00a034", "U+00A0 no-break space"},
		{column.Phone, "+1 240 555 1212\u2063", "U+2063 invisible separator"}, // Row drops it; Phone names it
		{column.Phone, "+1 240\u00ad555 1212", "U+00AD soft hyphen"},
		{column.Extension, "12é4", `"é"`},
	}
	for _, tc := range tests {
		var err error
		if tc.field == column.Extension {
			_, err = Extension(tc.in)
		} else {
			_, _, err = Phone(tc.in, "US")
		}
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), `\x`) {
			t.Errorf("%q: error %v, want it to name %s", tc.in, err, tc.want)
		}
	}
	if got := RuneName('\u200b'); got != "U+200B zero width space" {
		t.Errorf("RuneName = %q", got)
	}
}
