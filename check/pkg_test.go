package check

import (
	"strings"
	"testing"
)

func TestPackage(t *testing.T) {
	tests := []struct {
		in, want, note string
		err            string // substring of the error; "" = valid
	}{
		{"webex_calling", "webex_calling", "", ""},                                                                           // canonical, no note
		{"webex_calling_standard", "webex_calling_standard", "", ""},                                                         // canonical, longest name
		{"cx_standard_agent", "cx_standard_agent", "", ""},                                                                   // canonical, packages-only
		{" webex_suite\u00a0", "webex_suite", "", ""},                                                                        // trimming alone is not a note here
		{"Webex Calling", "webex_calling", `webex_calling from "Webex Calling"`, ""},                                         // the human name
		{"WEBEX_CALLING", "webex_calling", `webex_calling from "WEBEX_CALLING"`, ""},                                         // case only
		{"webex-calling", "webex_calling", `webex_calling from "webex-calling"`, ""},                                         // hyphens
		{"Calling", "webex_calling", `webex_calling from "Calling"`, ""},                                                     // short name
		{"Calling Basic", "webex_calling", `webex_calling from "Calling Basic"`, ""},                                         // the spec's description
		{"Webex Calling Package", "webex_calling", `webex_calling from "Webex Calling Package"`, ""},                         // "package" suffix
		{"Cisco Webex Calling", "webex_calling", `webex_calling from "Cisco Webex Calling"`, ""},                             // "cisco" prefix
		{"Meetings", "webex_meetings", `webex_meetings from "Meetings"`, ""},                                                 // meetings
		{"Webex Meeting", "webex_meetings", `webex_meetings from "Webex Meeting"`, ""},                                       // singular
		{"Suite", "webex_suite", `webex_suite from "Suite"`, ""},                                                             // suite
		{"voice", "webex_voice", `webex_voice from "voice"`, ""},                                                             // voice
		{"CX Essentials", "cx_essentials", `cx_essentials from "CX Essentials"`, ""},                                         // CX Essentials
		{"Customer Assist", "cx_essentials", `cx_essentials from "Customer Assist"`, ""},                                     // its current product name
		{"Calling Standard", "webex_calling_standard", `webex_calling_standard from "Calling Standard"`, ""},                 // standard calling
		{"Webex Calling - Standard", "webex_calling_standard", `webex_calling_standard from "Webex Calling - Standard"`, ""}, // with a dash
		{"Attendant Console", "attendant_console", `attendant_console from "Attendant Console"`, ""},                         // add-on (Row refuses it)
		{"Contact Centre Premium Agent", "cx_premium_agent", `cx_premium_agent from "Contact Centre Premium Agent"`, ""},     // British spelling
		{"CX Standard Agent", "cx_standard_agent", `cx_standard_agent from "CX Standard Agent"`, ""},                         // agent seat
		{"", "", "", "empty"},                                                  // empty
		{"Standard", "", "", "unknown package"},                                // ambiguous: calling standard or standard agent
		{"Basic", "", "", "unknown package"},                                   // ambiguous short word
		{"Webex", "", "", "unknown package"},                                   // brand alone
		{"Package", "", "", "unknown package"},                                 // the word alone
		{"Calling Professional", "", "", "unknown package"},                    // not a wholesale package
		{"webex.calling", "", "", "unknown package"},                           // dots are not ignored
		{"common_area_calling", "", "", "customer-level"},                      // workspaces, customer API only
		{"Cisco Calling Plan", "", "", "cisco_calling_plan, a customer-level"}, // PSTN plan, customer API only
		{"webex_ai_agent", "", "", "customer-level"},                           // customer API only
	}
	for _, tt := range tests {
		got, note, err := Package(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Package(%q) error = %v, want it to contain %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want || note != tt.note {
			t.Errorf("Package(%q) = %q, %q, %v; want %q, %q, nil", tt.in, got, note, err, tt.want, tt.note)
		}
	}
}

// An unknown package's message lists every allowed value, so the fix is in the message.
func TestPackageErrorListsAllowed(t *testing.T) {
	_, _, err := Package("Gold")
	if err == nil {
		t.Fatal("Package(Gold) gave no error")
	}
	for _, p := range Packages {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not list %s", err, p)
		}
	}
}

// Every canonical name maps to itself without a note.
func TestPackagesCanonical(t *testing.T) {
	if len(Packages) != 9 {
		t.Fatalf("len(Packages) = %d, want 9", len(Packages))
	}
	for _, p := range Packages {
		if got, note, err := Package(p); got != p || note != "" || err != nil {
			t.Errorf("Package(%q) = %q, %q, %v", p, got, note, err)
		}
	}
}

func TestIsCalling(t *testing.T) {
	tests := []struct {
		pkg  string
		want bool
	}{
		{"webex_calling", true},          // Calling Basic
		{"webex_suite", true},            // calling + meetings
		{"webex_voice", true},            // voice
		{"cx_essentials", true},          // Customer Assist runs on Webex Calling
		{"webex_calling_standard", true}, // Calling Standard
		{"webex_meetings", false},        // meetings only
		{"attendant_console", false},     // add-on, never sent alone
		{"cx_premium_agent", false},      // Contact Center seat
		{"cx_standard_agent", false},     // Contact Center seat
		{"", false},                      // no package
		{"Webex Calling", false},         // takes canonical names only
	}
	for _, tt := range tests {
		if got := IsCalling(tt.pkg); got != tt.want {
			t.Errorf("IsCalling(%q) = %v, want %v", tt.pkg, got, tt.want)
		}
	}
}
