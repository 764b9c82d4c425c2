//go:build contract

package contract

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// TestFakeAgreesWithPrism replays the verdict table (prism_verdicts_test.go)
// against Prism and against our fake, webex/fakeapi, both as a function
// (fakeapi.ValidateSchema) and as the HTTP server the unit tests and
// --sandbox use (fakeapi.New behind httptest, with a bearer token). The fake
// is only worth testing the tool against if it refuses what the real API's
// contract refuses:
//
//   - schema-level cases (fakeSame): the fake accepts exactly when Prism
//     does, and when both refuse, ValidateSchema names a field Prism's
//     violation names;
//   - prose rules (fakeRule): Prism accepts, ValidateSchema accepts, and the
//     fake server refuses with a documented-rule error (FieldError.Rule);
//   - fakeStricter: the documented differences outside the body schema (the
//     bearer token, an empty body), asserted so they stay deliberate.
//
// Malformed JSON is never sent to Prism (it hangs); ValidateSchema's own
// tests cover it.
func TestFakeAgreesWithPrism(t *testing.T) {
	baseURL, violations := sharedPrism(t)
	fake := httptest.NewServer(fakeapi.New(fakeapi.Options{Token: contractToken}))
	t.Cleanup(fake.Close)
	client := &http.Client{Timeout: 10 * time.Second}

	send := func(t *testing.T, base string, tc verdictCase, bearer bool) (int, []byte) {
		t.Helper()
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, err := http.NewRequest(tc.method, base+tc.path, body)
		if err != nil {
			t.Fatal(err)
		}
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		if bearer {
			req.Header.Set("Authorization", "Bearer "+contractToken)
		}
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	for _, tc := range verdictCases() {
		t.Run(tc.name, func(t *testing.T) {
			// Prism: refused means a logged request violation, and then a 4xx.
			pStatus, _ := send(t, baseURL, tc, true)
			pViolations := violations()
			prismRefuses := len(pViolations) > 0
			if prismRefuses != (pStatus >= 400) {
				t.Fatalf("Prism: status %d with violations %q: inconsistent", pStatus, pViolations)
			}

			// The fake server: refused means 400 or 415 with a validation
			// message. Other answers (200, 404 for an unknown subscriber,
			// as abc123 is to a DELETE or consentMove, 409 for an email the
			// fake has seen) are its business logic, after a request it
			// accepted.
			fStatus, fBody := send(t, fake.URL+"/v1", tc, true)
			var fErr struct {
				Message string `json:"message"`
			}
			_ = json.Unmarshal(fBody, &fErr)
			fakeRefuses := fStatus == http.StatusBadRequest || fStatus == http.StatusUnsupportedMediaType
			byRule := fakeRefuses && strings.HasPrefix(fErr.Message, "Request violates a documented rule")

			// ValidateSchema, for JSON bodies of the operations that have a
			// body schema: the two POSTs and the PUT (consentMove has none).
			bodyPath := strings.SplitN(tc.path, "?", 2)[0]
			schemaApplies := tc.body != "" && strings.HasPrefix(tc.contentType, jsonCT) &&
				((tc.method == http.MethodPost && (bodyPath == pathValidate || bodyPath == pathCreate)) ||
					(tc.method == http.MethodPut && strings.HasPrefix(bodyPath, pathCreate+"/")))
			var fe *fakeapi.FieldError
			var schemaErr error
			if schemaApplies {
				schemaErr = fakeapi.ValidateSchema(bodyPath, []byte(tc.body))
				if schemaErr != nil && !errors.As(schemaErr, &fe) {
					t.Fatalf("ValidateSchema: %v (not a FieldError: this table sends no malformed JSON)", schemaErr)
				}
				if fe != nil && fe.Rule {
					t.Errorf("ValidateSchema returned a prose rule (%v); it must check the schema only", fe)
				}
			}

			switch tc.fake {
			case fakeSame:
				if fakeRefuses != prismRefuses {
					t.Errorf("DISAGREEMENT: Prism refuses=%v (status %d, %q), fake server refuses=%v (status %d, %s)",
						prismRefuses, pStatus, pViolations, fakeRefuses, fStatus, fBody)
				}
				if byRule {
					t.Errorf("the fake refused a schema-level case by a prose rule: %s", fErr.Message)
				}
				if schemaApplies {
					if (schemaErr != nil) != prismRefuses {
						t.Errorf("DISAGREEMENT: Prism refuses=%v (%q), fakeapi.ValidateSchema says %v", prismRefuses, pViolations, schemaErr)
					}
					if fe != nil && prismRefuses && !sameField(fe.Field, pViolations) {
						t.Errorf("the fake names field %q, Prism %q", fe.Field, pViolations)
					}
				}
			case fakeRule:
				if prismRefuses {
					t.Errorf("Prism refuses a prose-rule case (%q): it is schema-level after all; make it fakeSame", pViolations)
				}
				if schemaApplies && schemaErr != nil {
					t.Errorf("ValidateSchema refuses a prose-rule case: %v", schemaErr)
				}
				if !byRule {
					t.Errorf("the fake server did not refuse it by a documented rule: status %d, %s", fStatus, fBody)
				}
			case fakeStricter:
				if prismRefuses || !(fStatus >= 400) {
					t.Errorf("expected Prism to accept and the fake to refuse (%s): Prism %d %q, fake %d %s",
						tc.fakeNote, pStatus, pViolations, fStatus, fBody)
				}
				t.Logf("deliberate difference: %s", tc.fakeNote)
			}
		})
	}

	// The token must be the only reason the fake refused the Authorization
	// case above (a fresh email: the fake remembers a@b.com as provisioned).
	t.Run("bearer token is the only difference for Authorization Basic", func(t *testing.T) {
		tc := verdictCase{method: "POST", path: pathValidate, body: `{"email":"basic@b.com"}`, contentType: jsonCT}
		if status, body := send(t, fake.URL+"/v1", tc, true); status != http.StatusOK {
			t.Errorf("with the bearer token the fake answered %d %s", status, body)
		}
		tc.header = map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}
		if status, _ := send(t, fake.URL+"/v1", tc, true); status != http.StatusUnauthorized {
			t.Errorf("with Basic the fake answered %d, want 401", status)
		}
	})
}

// prismFieldRE reads the location and message of one violation as
// violations() formats it: "POST /path: request.body.x.0 Request body ...".
var prismFieldRE = regexp.MustCompile(`: request\.body(\S*) (.*)$`)

// requiredRE finds the property a "required" violation is about.
var requiredRE = regexp.MustCompile(`must have required property '([^']+)'`)

// bracketRE matches an array index in the fake's field paths ("packages[0]").
var bracketRE = regexp.MustCompile(`\[(\d+)\]`)

// sameField reports whether the fake's field (e.g. "packages[0]",
// "customerInfo.primaryEmail", "(body)") is one Prism's violations name
// (e.g. "request.body.packages.0", or "request.body.customerInfo" with
// "must have required property 'primaryEmail'").
func sameField(fakeField string, violations []string) bool {
	want := bracketRE.ReplaceAllString(fakeField, ".$1")
	if want == "(body)" {
		want = ""
	}
	for _, v := range violations {
		m := prismFieldRE.FindStringSubmatch(v)
		if m == nil {
			continue
		}
		got := strings.TrimPrefix(m[1], ".")
		if r := requiredRE.FindStringSubmatch(m[2]); r != nil {
			if got != "" {
				got += "."
			}
			got += r[1]
		}
		if got == want {
			return true
		}
	}
	return false
}
