package fakeapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// FieldError reports one request-body violation, naming the field, so that a
// client author sees at once which column of their sheet is wrong.
type FieldError struct {
	// Field is the JSON path of the offending value, e.g. "packages[0]" or
	// "customerInfo.primaryEmail"; "(body)" means the whole body.
	Field string
	// Problem says what is wrong with it.
	Problem string
	// Rule is true for a rule taken from the spec's prose (package xor
	// packages, one package, attendant_console's dependency) and false for a
	// JSON-schema violation, because a schema-only validator such as Prism
	// enforces only the latter and a contract test must tell them apart.
	Rule bool
}

// Error words schema and prose violations differently, as the brief asks for
// distinct messages.
func (e *FieldError) Error() string {
	if e.Rule {
		return fmt.Sprintf("Request violates a documented rule: %s: %s", e.Field, e.Problem)
	}
	return fmt.Sprintf("Invalid request body: %s: %s", e.Field, e.Problem)
}

// schema is the small subset of OpenAPI 3.0 the two request bodies use. It is
// written out by hand from webex-wholesale.json (and checked against the file
// by a test) rather than loaded at run time, so the fake needs no spec file.
type schema struct {
	typ      string // "object", "string" or "array"
	required []string
	props    map[string]*schema
	items    *schema
	enum     []string
}

// legacyPackages is the enum of the deprecated "package" property.
var legacyPackages = []string{
	"webex_calling", "webex_meetings", "webex_suite", "webex_voice",
	"cx_essentials", "webex_calling_standard",
}

// subscriberPackages is components/schemas/WholesalePackagesSubscriber, the
// enum of "packages" items: the legacy six plus three newer packages.
var subscriberPackages = append(slices.Clone(legacyPackages),
	"attendant_console", "cx_premium_agent", "cx_standard_agent")

var str = &schema{typ: "string"}

var provisioningParametersSchema = &schema{typ: "object", props: map[string]*schema{
	"firstName": str, "lastName": str, "primaryPhoneNumber": str, "extension": str, "locationId": str,
}}

// precheckSchema is the requestBody schema of POST /wholesale/subscribers/validate.
var precheckSchema = &schema{typ: "object", required: []string{"email"}, props: map[string]*schema{
	"provisioningId":         str,
	"customerId":             str,
	"email":                  str,
	"package":                {typ: "string", enum: legacyPackages},
	"packages":               {typ: "array", items: &schema{typ: "string", enum: subscriberPackages}},
	"provisioningParameters": provisioningParametersSchema,
	"customerInfo": {typ: "object", required: []string{"primaryEmail"}, props: map[string]*schema{
		"primaryEmail": str,
	}},
}}

// provisionSchema is the requestBody schema of POST /wholesale/subscribers. It
// has no provisioningId or customerInfo; sent anyway they are unknown
// properties, which the spec does not forbid.
var provisionSchema = &schema{typ: "object", required: []string{"customerId", "email", "provisioningParameters"}, props: map[string]*schema{
	"customerId":             str,
	"email":                  str,
	"package":                {typ: "string", enum: legacyPackages},
	"packages":               {typ: "array", items: &schema{typ: "string", enum: subscriberPackages}},
	"provisioningParameters": provisioningParametersSchema,
}}

// updateSchema is the requestBody schema of PUT
// /wholesale/subscribers/{subscriberId}: nothing required, and its package
// takes every value packages does (WholesalePackagesSubscriber).
var updateSchema = &schema{typ: "object", props: map[string]*schema{
	"package":  {typ: "string", enum: subscriberPackages},
	"packages": {typ: "array", items: &schema{typ: "string", enum: subscriberPackages}},
	"provisioningParameters": {typ: "object", props: map[string]*schema{
		"primaryPhoneNumber": str, "extension": str, "locationId": str,
	}},
}}

// Operation names used by the validators.
const (
	opPrecheck  = "precheck"
	opProvision = "provision"
	opUpdate    = "update"
)

// operationFor maps a request path, with or without the /v1 prefix, to the
// operation whose body schema applies.
func operationFor(path string) (string, *schema, bool) {
	p := strings.TrimSuffix(strings.TrimPrefix(path, "/v1"), "/")
	switch p {
	case "/wholesale/subscribers/validate":
		return opPrecheck, precheckSchema, true
	case "/wholesale/subscribers":
		return opProvision, provisionSchema, true
	}
	if id, ok := strings.CutPrefix(p, "/wholesale/subscribers/"); ok && id != "" && !strings.Contains(id, "/") {
		return opUpdate, updateSchema, true
	}
	return "", nil, false
}

// errMalformed marks bodies that are not a single JSON value, so the server
// can answer "malformed JSON" rather than a field error.
var errMalformed = errors.New("request body is not valid JSON")

// ValidateSchema checks body against the JSON schema of the request body of
// path ("/wholesale/subscribers/validate", "/wholesale/subscribers" or
// "/wholesale/subscribers/{id}" for PUT, with or without "/v1"), and nothing more: no prose rules, so a contract test can
// compare its verdict with Prism's. It returns nil, a *FieldError, or an
// error wrapping the JSON syntax problem. An empty body is an error here
// although the spec does not mark the request body required.
func ValidateSchema(path string, body []byte) error {
	_, sc, ok := operationFor(path)
	if !ok {
		return fmt.Errorf("fakeapi: no request body schema for path %q", path)
	}
	v, err := decodeJSON(body)
	if err != nil {
		return err
	}
	if fe := sc.check(v, "(body)"); fe != nil {
		return fe
	}
	return nil
}

// decodeJSON parses exactly one JSON value, refusing trailing data that
// encoding/json would otherwise silently ignore with a Decoder.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON value", errMalformed)
	}
	return v, nil
}

// check validates v against s, returning the first violation found. Required
// properties are checked before present ones, and present ones in name order,
// so the same body always yields the same message.
func (s *schema) check(v any, field string) *FieldError {
	switch s.typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return &FieldError{Field: field, Problem: "must be a JSON object, got " + kind(v)}
		}
		for _, name := range s.required {
			if _, ok := m[name]; !ok {
				return &FieldError{Field: join(field, name), Problem: "is required"}
			}
		}
		names := make([]string, 0, len(m))
		for name := range m {
			if _, known := s.props[name]; known {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			if fe := s.props[name].check(m[name], join(field, name)); fe != nil {
				return fe
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return &FieldError{Field: field, Problem: "must be an array, got " + kind(v)}
		}
		for i, item := range a {
			if fe := s.items.check(item, fmt.Sprintf("%s[%d]", field, i)); fe != nil {
				return fe
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return &FieldError{Field: field, Problem: "must be a string, got " + kind(v)}
		}
		if s.enum != nil && !slices.Contains(s.enum, str) {
			return &FieldError{Field: field, Problem: fmt.Sprintf("%q is not one of %s", str, strings.Join(s.enum, ", "))}
		}
	}
	return nil
}

// join builds a field path; the root's placeholder name is dropped.
func join(parent, name string) string {
	if parent == "(body)" {
		return name
	}
	return parent + "." + name
}

// kind names a decoded JSON value's type for error messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// attendantConsoleNeeds lists the packages attendant_console depends on,
// from the operations' descriptions ("attendant_console is dependent on:
// webex_calling, webex_suite, cx_essentials").
var attendantConsoleNeeds = []string{"webex_calling", "webex_suite", "cx_essentials"}

// checkRules applies the rules that the spec states only in prose, to a body
// that already passed the schema. They are:
//   - "Either packages or package field is required but not both": never
//     both; for provision and update (PUT) one of them is required. Precheck's own example
//     sends neither, and the Wholesale guide describes email-only prechecks,
//     so the "required" half is not applied to precheck.
//   - packages "currently accepts only one package in the list".
//   - attendant_console depends on another package; with one item allowed it
//     can never be sent alone.
func checkRules(op string, body map[string]any) *FieldError {
	_, hasPackage := body["package"]
	list, hasPackages := body["packages"].([]any)
	switch {
	case hasPackage && hasPackages:
		return &FieldError{Field: "packages", Rule: true, Problem: "send either package or packages, not both"}
	case (op == opProvision || op == opUpdate) && !hasPackage && !hasPackages:
		return &FieldError{Field: "packages", Rule: true, Problem: "either packages or package is required"}
	case hasPackages && len(list) != 1:
		return &FieldError{Field: "packages", Rule: true, Problem: fmt.Sprintf("must hold exactly one package, got %d", len(list))}
	case hasPackages && list[0] == "attendant_console":
		return &FieldError{Field: "packages[0]", Rule: true, Problem: "attendant_console is dependent on " +
			strings.Join(attendantConsoleNeeds, ", ") + " and cannot be assigned alone"}
	case body["package"] == "attendant_console": // PUT's package takes it
		return &FieldError{Field: "package", Rule: true, Problem: "attendant_console is dependent on " +
			strings.Join(attendantConsoleNeeds, ", ") + " and cannot be assigned alone"}
	}
	return nil
}
