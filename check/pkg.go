package check

import (
	"errors"
	"fmt"
	"strings"
)

// Packages lists every package a subscriber may be given, as spelled in the
// API (schema WholesalePackagesSubscriber of the spec). The first six are also
// accepted by the deprecated single "package" field; the last three only inside
// the "packages" array. Callers must not modify it.
var Packages = []string{
	"webex_calling",
	"webex_meetings",
	"webex_suite",
	"webex_voice",
	"cx_essentials",
	"webex_calling_standard",
	"attendant_console",
	"cx_premium_agent",
	"cx_standard_agent",
}

// isPackage is Packages as a set.
var isPackage = func() map[string]bool {
	m := make(map[string]bool, len(Packages))
	for _, p := range Packages {
		m[p] = true
	}
	return m
}()

// attendantConsoleBases are the packages attendant_console depends on ("packages
// Note" of the precheck and provisioning operations in the spec).
var attendantConsoleBases = []string{"webex_calling", "webex_suite", "cx_essentials"}

// IsCalling reports whether pkg (a canonical name) is calling-enabled, so that
// provisioning it needs primaryPhoneNumber or extension unless the user already
// has Webex Calling.
//
// The spec never lists the calling-enabled packages by name; it says only that
// "a calling-enabled package" needs a number or extension. The closest thing to a
// list is the customer-level note that cisco_calling_plan (PSTN service, which
// only makes sense on top of calling) depends on common_area_calling,
// webex_calling, webex_suite, webex_voice, cx_essentials and
// webex_calling_standard. Minus common_area_calling (workspaces, not
// subscribers) that is our set; it matches the package descriptions: Calling
// Basic, Suite (calling plus meetings), Voice, Customer Assist (a calling queue
// agent, built on Webex Calling) and Calling Standard.
//
// Not calling: webex_meetings; attendant_console (an add-on on top of a calling
// package, never sent alone, see Row); cx_premium_agent and cx_standard_agent
// (Contact Center agent seats, absent from the cisco_calling_plan list and not
// given a number by the provisioning call). If the API disagrees for one of them
// it answers the precheck with an error we report; asking for a number it does
// not need would instead block valid rows offline, which is worse.
func IsCalling(pkg string) bool {
	switch pkg {
	case "webex_calling", "webex_suite", "webex_voice", "cx_essentials", "webex_calling_standard":
		return true
	}
	return false
}

// packageWords maps a package name with case, blanks, '_' and '-' removed and an
// optional "cisco"/"webex" prefix and "package" suffix stripped (see
// packageKey) to the canonical name. Only wordings that mean one package are
// here: "standard" or "basic" alone could be several, so they are errors.
var packageWords = map[string]string{
	"calling":                      "webex_calling",
	"callingbasic":                 "webex_calling", // the spec's own description of webex_calling
	"basiccalling":                 "webex_calling",
	"meetings":                     "webex_meetings",
	"meeting":                      "webex_meetings",
	"suite":                        "webex_suite",
	"voice":                        "webex_voice",
	"cxessentials":                 "cx_essentials",
	"customerassist":               "cx_essentials", // the spec's description of cx_essentials
	"customerexperienceessentials": "cx_essentials", // the product's former name
	"callingstandard":              "webex_calling_standard",
	"standardcalling":              "webex_calling_standard",
	"attendantconsole":             "attendant_console",
	"cxpremiumagent":               "cx_premium_agent",
	"contactcenterpremiumagent":    "cx_premium_agent",
	"contactcentrepremiumagent":    "cx_premium_agent",
	"cxstandardagent":              "cx_standard_agent",
	"contactcenterstandardagent":   "cx_standard_agent",
	"contactcentrestandardagent":   "cx_standard_agent",
	"premiumagent":                 "cx_premium_agent",
	"standardagent":                "cx_standard_agent",
}

// customerPackages are packages the spec knows for customers but not for
// subscribers; naming them gets its own message because "it is in the spec" is
// the first thing a partner will say.
var customerPackages = map[string]string{
	"commonareacalling": "common_area_calling",
	"callingplan":       "cisco_calling_plan",
	"cxvoiceports":      "cx_voice_ports",
	"cxaiassistant":     "cx_ai_assistant",
	"aiagent":           "webex_ai_agent",
}

// Package maps s to its canonical package name. s may be the canonical name or
// a human wording such as "Webex Calling", "Calling Basic", "Suite" or "CX
// Essentials"; case, spaces, '_' and '-' do not matter. note is "webex_calling
// from \"Webex Calling\"" when the value changed and "" otherwise. An unknown or
// ambiguous value is an error listing the allowed names.
func Package(s string) (canonical string, note string, err error) {
	in := Trim(s)
	if in == "" {
		return "", "", fmt.Errorf("package is empty: use one of %s", strings.Join(Packages, ", "))
	}
	if isPackage[in] {
		return in, "", nil
	}
	key := packageKey(in)
	canonical, ok := packageWords[key]
	if !ok {
		if name, isCustomer := customerPackages[key]; isCustomer {
			return "", "", fmt.Errorf("package %q is %s, a customer-level package that cannot be given to a subscriber: use one of %s",
				in, name, strings.Join(Packages, ", "))
		}
		return "", "", fmt.Errorf("unknown package %q: use one of %s", in, strings.Join(Packages, ", "))
	}
	if canonical != in {
		note = fmt.Sprintf("%s from %q", canonical, in)
	}
	return canonical, note, nil
}

// packageKey reduces a package wording to the form packageWords is keyed by.
func packageKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r == '_' || r == '-' || isBlank(r) {
			continue
		}
		b.WriteRune(r)
	}
	k := b.String()
	k = strings.TrimPrefix(k, "cisco")
	if k != "webex" { // "webex" alone names no package
		k = strings.TrimPrefix(k, "webex")
	}
	if k != "package" {
		k = strings.TrimSuffix(k, "package")
	}
	return k
}

// errAttendantAlone explains why a row cannot carry attendant_console: the API
// takes one package per request, and attendant_console needs a base package.
var errAttendantAlone = errors.New("attendant_console is an add-on that needs one of the base packages " +
	strings.Join(attendantConsoleBases, ", ") + ", and a row sends only one package: " +
	"provision the base package first, then assign attendant_console separately")
