package fakeapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestValidateSchema(t *testing.T) {
	const pre, prov = "/wholesale/subscribers/validate", "/v1/wholesale/subscribers"
	provOK := `"customerId":"c","email":"a@b.c","provisioningParameters":{}`
	cases := []struct {
		name, path, body string
		field            string // "" means valid
	}{
		{"minimal precheck", pre, `{"email":"a@b.c"}`, ""}, // email is the only required field
		{"full precheck", pre, `{"email":"a@b.c","provisioningId":"p","customerId":"c","packages":["webex_suite"],"provisioningParameters":{"firstName":"A","lastName":"B","primaryPhoneNumber":"+1","extension":"1","locationId":"L"},"customerInfo":{"primaryEmail":"x@y.z"}}`, ""}, // every property at once
		{"unknown property", pre, `{"email":"a@b.c","colour":1}`, ""},                                                      // the spec does not forbid extras
		{"no email", pre, `{"customerId":"c"}`, "email"},                                                                   // required
		{"email number", pre, `{"email":5}`, "email"},                                                                      // must be a string
		{"email null", pre, `{"email":null}`, "email"},                                                                     // OpenAPI 3.0 without nullable
		{"provisioningId bool", pre, `{"email":"a@b.c","provisioningId":true}`, "provisioningId"},                          // string
		{"customerId number", pre, `{"email":"a@b.c","customerId":7}`, "customerId"},                                       // string
		{"package unknown", pre, `{"email":"a@b.c","package":"webex_ai_agent"}`, "package"},                                // a customer package, not a subscriber one
		{"package newer value", pre, `{"email":"a@b.c","package":"attendant_console"}`, "package"},                         // package has only the legacy six
		{"package case", pre, `{"email":"a@b.c","package":"Webex_Calling"}`, "package"},                                    // enums are case-sensitive
		{"packages string", pre, `{"email":"a@b.c","packages":"webex_calling"}`, "packages"},                               // must be an array
		{"packages item unknown", pre, `{"email":"a@b.c","packages":["webex_teams"]}`, "packages[0]"},                      // items in the nine-value enum
		{"packages item number", pre, `{"email":"a@b.c","packages":[1]}`, "packages[0]"},                                   // items are strings
		{"packages newer value", pre, `{"email":"a@b.c","packages":["cx_premium_agent"]}`, ""},                             // the newer three are fine in packages
		{"provisioningParameters string", pre, `{"email":"a@b.c","provisioningParameters":"x"}`, "provisioningParameters"}, // object
		{"firstName number", pre, `{"email":"a@b.c","provisioningParameters":{"firstName":1}}`, "provisioningParameters.firstName"},
		{"lastName array", pre, `{"email":"a@b.c","provisioningParameters":{"lastName":[]}}`, "provisioningParameters.lastName"},
		{"phone number", pre, `{"email":"a@b.c","provisioningParameters":{"primaryPhoneNumber":12405551212}}`, "provisioningParameters.primaryPhoneNumber"}, // a JSON number is not a phone string
		{"extension number", pre, `{"email":"a@b.c","provisioningParameters":{"extension":51212}}`, "provisioningParameters.extension"},
		{"locationId object", pre, `{"email":"a@b.c","provisioningParameters":{"locationId":{}}}`, "provisioningParameters.locationId"},
		{"customerInfo no primaryEmail", pre, `{"email":"a@b.c","customerInfo":{}}`, "customerInfo.primaryEmail"}, // required inside customerInfo
		{"customerInfo primaryEmail number", pre, `{"email":"a@b.c","customerInfo":{"primaryEmail":1}}`, "customerInfo.primaryEmail"},
		{"customerInfo array", pre, `{"email":"a@b.c","customerInfo":[]}`, "customerInfo"},
		{"body array", pre, `[{"email":"a@b.c"}]`, "(body)"},                                                                          // the body is one object
		{"body null", pre, `null`, "(body)"},                                                                                          // not an object either
		{"both packages fields pass the schema", pre, `{"email":"a@b.c","package":"webex_calling","packages":["webex_calling"]}`, ""}, // a prose rule, not schema
		{"two packages pass the schema", pre, `{"email":"a@b.c","packages":["webex_calling","webex_meetings"]}`, ""},                  // also prose only
		{"minimal provision", prov, `{` + provOK + `}`, ""},                                                                           // the three required fields
		{"provision no customerId", prov, `{"email":"a@b.c","provisioningParameters":{}}`, "customerId"},
		{"provision no email", prov, `{"customerId":"c","provisioningParameters":{}}`, "email"},
		{"provision no provisioningParameters", prov, `{"customerId":"c","email":"a@b.c"}`, "provisioningParameters"},
		{"provision customerInfo is unknown there", prov, `{` + provOK + `,"customerInfo":5}`, ""}, // not in provision's schema, so unchecked
		{"provision package unknown", prov, `{` + provOK + `,"package":"x"}`, "package"},
		{"provision parameters typed", prov, `{"customerId":"c","email":"a@b.c","provisioningParameters":{"extension":1}}`, "provisioningParameters.extension"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateSchema(c.path, []byte(c.body))
			if c.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FieldError on %s, got %v", c.field, err)
			}
			if fe.Field != c.field || fe.Rule {
				t.Errorf("got %+v, want schema error on %s", fe, c.field)
			}
			if !strings.Contains(err.Error(), c.field) {
				t.Errorf("message %q does not name %s", err, c.field)
			}
		})
	}
}

func TestValidateSchemaInput(t *testing.T) {
	cases := []struct {
		name, path, body string
	}{
		{"malformed JSON", "/wholesale/subscribers", `{"email":`},                    // cut short
		{"trailing data", "/wholesale/subscribers/validate", `{"email":"a@b.c"} {}`}, // two values
		{"empty body", "/wholesale/subscribers/validate", ``},                        // nothing at all
		{"unknown path", "/wholesale/customers", `{}`},                               // no schema to apply
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateSchema(c.path, []byte(c.body))
			var fe *FieldError
			if err == nil || errors.As(err, &fe) {
				t.Fatalf("want a non-field error, got %v", err)
			}
		})
	}
}

func TestCheckRules(t *testing.T) {
	cases := []struct {
		name, op, body string
		field          string // "" means allowed
		mention        string // a word the message must contain
	}{
		{"both package fields", opPrecheck, `{"package":"webex_calling","packages":["webex_calling"]}`, "packages", "not both"}, // never both
		{"both on provision", opProvision, `{"package":"webex_calling","packages":["webex_calling"]}`, "packages", "not both"},
		{"empty packages", opPrecheck, `{"packages":[]}`, "packages", "exactly one"},                                  // one item, not zero
		{"two packages", opProvision, `{"packages":["webex_calling","webex_meetings"]}`, "packages", "exactly one"},   // nor two
		{"attendant_console alone", opPrecheck, `{"packages":["attendant_console"]}`, "packages[0]", "webex_calling"}, // names its dependency
		{"attendant_console on provision", opProvision, `{"packages":["attendant_console"]}`, "packages[0]", "cx_essentials"},
		{"provision needs a package", opProvision, `{}`, "packages", "required"},   // "Either packages or package field is required"
		{"precheck without package", opPrecheck, `{}`, "", ""},                     // the spec's own precheck example has none
		{"one package", opProvision, `{"packages":["cx_standard_agent"]}`, "", ""}, // the normal case
		{"legacy package", opProvision, `{"package":"webex_voice"}`, "", ""},       // deprecated but valid
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body map[string]any
			if err := json.Unmarshal([]byte(c.body), &body); err != nil {
				t.Fatal(err)
			}
			fe := checkRules(c.op, body)
			if c.field == "" {
				if fe != nil {
					t.Fatalf("want allowed, got %v", fe)
				}
				return
			}
			if fe == nil || fe.Field != c.field || !fe.Rule || !strings.Contains(fe.Error(), c.mention) {
				t.Fatalf("got %v, want rule error on %s mentioning %q", fe, c.field, c.mention)
			}
			if !strings.HasPrefix(fe.Error(), "Request violates a documented rule") {
				t.Errorf("rule message %q is not told apart from schema messages", fe)
			}
		})
	}
}

func TestBodyRejections(t *testing.T) {
	both := precheckBody("a@acme.com")
	both["package"], both["packages"] = "webex_calling", []string{"webex_calling"}
	noParams := provisionBody("b@acme.com")
	delete(noParams, "provisioningParameters")
	console := provisionBody("c@acme.com")
	console["packages"] = []string{"attendant_console"}
	cases := []struct {
		name, target string
		body         any
		ctype        string
		want         int
		mention      string
	}{
		{"wrong media type", validateURL, precheckBody("a@acme.com"), "text/plain", 415, "application/json"},     // 415, not 400
		{"no media type", subsURL, provisionBody("a@acme.com"), "-", 415, "application/json"},                    // "without specifying a media type"
		{"charset allowed", validateURL, precheckBody("a@acme.com"), "application/json; charset=utf-8", 200, ""}, // parameters are fine
		{"malformed JSON", validateURL, `{"email":`, "", 400, "Malformed JSON"},                                  // syntax first
		{"schema violation", validateURL, `{"email":1}`, "", 400, "email"},                                       // names the field
		{"both package fields", validateURL, both, "", 400, "not both"},                                          // prose rule
		{"provision missing parameters", subsURL, noParams, "", 400, "provisioningParameters"},                   // required on provision
		{"attendant console alone", subsURL, console, "", 400, "webex_calling, webex_suite, cx_essentials"},      // names the dependency
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{})
			var mods []func(*http.Request) *http.Request
			switch c.ctype {
			case "":
			case "-":
				mods = append(mods, header("Content-Type", ""))
			default:
				mods = append(mods, header("Content-Type", c.ctype))
			}
			w := call(t, s, "POST", c.target, c.body, mods...)
			if w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
			}
			wantRejected := 0
			if c.want != 200 {
				wantRejected = 1
				if msg := decodeError(t, w).Message; !strings.Contains(msg, c.mention) {
					t.Errorf("message %q does not mention %q", msg, c.mention)
				}
			}
			if got := s.Stats().Rejected; got != wantRejected {
				t.Errorf("Rejected = %d, want %d", got, wantRejected)
			}
			if len(s.Subscribers()) != 0 {
				t.Error("a refused body changed the state")
			}
		})
	}
}

// specFile reads the official OpenAPI file: the repository's copy, or
// WEBEX_OPENAPI when set. It is part of the repository, so a missing file
// fails the test rather than skipping it.
func specFile(t *testing.T) map[string]any {
	t.Helper()
	p := "../../spec/webex-wholesale.json"
	if env := os.Getenv("WEBEX_OPENAPI"); env != "" {
		p = env
	}
	raw, err := os.ReadFile(filepath.Clean(p))
	if err != nil {
		t.Fatalf("the official OpenAPI file: %v; restore it with `git checkout -- spec/webex-wholesale.json` (see spec/README.md), or set WEBEX_OPENAPI", err)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return spec
}

// fromOpenAPI converts an OpenAPI schema node into the fake's schema type,
// resolving local $refs.
func fromOpenAPI(t *testing.T, spec, node map[string]any) *schema {
	t.Helper()
	if ref, ok := node["$ref"].(string); ok {
		var cur any = spec
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[part]
		}
		return fromOpenAPI(t, spec, cur.(map[string]any))
	}
	s := &schema{typ: node["type"].(string)}
	for _, r := range asSlice(node["required"]) {
		s.required = append(s.required, r.(string))
	}
	for _, e := range asSlice(node["enum"]) {
		s.enum = append(s.enum, e.(string))
	}
	if props, ok := node["properties"].(map[string]any); ok {
		s.props = map[string]*schema{}
		for name, p := range props {
			s.props[name] = fromOpenAPI(t, spec, p.(map[string]any))
		}
	}
	if items, ok := node["items"].(map[string]any); ok {
		s.items = fromOpenAPI(t, spec, items)
	}
	return s
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// TestSchemasMatchSpec proves the hand-written schemas are the spec's, so a
// new property or enum value in a future spec shows up as a failure here.
func TestSchemasMatchSpec(t *testing.T) {
	spec := specFile(t)
	paths := spec["paths"].(map[string]any)
	for _, path := range []string{"/wholesale/subscribers/validate", "/wholesale/subscribers"} {
		post := paths[path].(map[string]any)["post"].(map[string]any)
		node := post["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		want := fromOpenAPI(t, spec, node)
		_, got, _ := operationFor(path)
		if !reflect.DeepEqual(normalise(got), normalise(want)) {
			t.Errorf("%s: hand-written schema differs from the spec's", path)
		}
		// The prose rules quoted in checkRules are still in the description.
		desc := post["description"].(string)
		for _, phrase := range []string{"`attendant_console` is dependent on: `webex_calling`, `webex_suite`, `cx_essentials`",
			"Either `packages` or `package` field is required but not both"} {
			if !strings.Contains(desc, phrase) {
				t.Errorf("%s: description no longer says %q", path, phrase)
			}
		}
	}
	// The Subscriber we answer with has only properties the spec defines.
	props := spec["components"].(map[string]any)["schemas"].(map[string]any)["Subscriber"].(map[string]any)["properties"].(map[string]any)
	raw, _ := json.Marshal(Subscriber{ID: "i", PersonID: "p", Email: "e", CustomerID: "c", ExternalCustomerID: "x",
		Package: "webex_calling", Packages: []string{"webex_calling"}, Status: "provisioned", Errors: []ErrorItem{{1, "d"}}})
	var fields map[string]any
	_ = json.Unmarshal(raw, &fields)
	for name := range fields {
		if _, ok := props[name]; !ok {
			t.Errorf("Subscriber field %q is not in the spec", name)
		}
	}
}

// normalise sorts required lists and enums so order does not matter.
func normalise(s *schema) *schema {
	if s == nil {
		return nil
	}
	c := *s
	c.required = slices.Sorted(slices.Values(s.required))
	c.enum = slices.Sorted(slices.Values(s.enum))
	c.items = normalise(s.items)
	if s.props != nil {
		c.props = map[string]*schema{}
		for k, v := range s.props {
			c.props[k] = normalise(v)
		}
	}
	return &c
}
