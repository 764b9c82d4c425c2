//go:build contract

package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// TestContractCatchesBrokenRequests proves the end-to-end contract test can
// fail: the real webex client sends a precheck whose JSON body a transport
// wrapper breaks on the way out, and violationReport, the verdict
// TestToolRequestsMatchContract applies, must report it with Prism's message
// naming the broken field.
//
// It also pins down Prism's blind spot. Rules that live only in the spec's
// prose, such as "either packages or package field is required but not
// both" and "packages currently accepts only one package in the list", are
// not in the JSON schema, so Prism accepts such bodies and logs nothing; only
// our fake (webex/fakeapi) enforces them. The end-to-end test therefore
// cannot catch the tool sending both package and packages, or two packages:
// pipeline's and webex's own unit tests, run against the fake, must.
func TestContractCatchesBrokenRequests(t *testing.T) {
	baseURL, violations := sharedPrism(t)

	// A body with every field the tool can send, so each mutation has
	// something to break.
	base := webex.PrecheckRequest{
		Email:          "broken@example.com",
		CustomerID:     "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2Y1YjM2MTg3",
		ProvisioningID: "ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2",
		Packages:       []string{"webex_calling"},
		ProvisioningParameters: &webex.ProvisioningParameters{
			FirstName: "John", LastName: "Andersen", PrimaryPhoneNumber: "+12405551212",
			Extension: "51212", LocationID: "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OLzAx",
		},
		CustomerInfo: &webex.CustomerInfo{PrimaryEmail: "admin@acme.example.com"},
	}

	t.Run("unbroken body passes", func(t *testing.T) {
		client, _ := mutatingClient(t, baseURL, func(map[string]any) {})
		if _, _, err := client.Precheck(context.Background(), base); err != nil {
			t.Fatalf("precheck: %v", err)
		}
		if err := violationReport(violations()); err != nil {
			t.Fatalf("the unbroken body must pass: %v", err)
		}
	})

	// Schema violations: Prism answers 400 and the verdict names the field.
	broken := []struct {
		name   string
		mutate func(map[string]any)
		field  string // Prism's location of the violation
	}{
		{"extension as a number", func(b map[string]any) { params(b)["extension"] = 51212 }, "request.body.provisioningParameters.extension"},
		{"primaryPhoneNumber as a number", func(b map[string]any) { params(b)["primaryPhoneNumber"] = 12405551212 }, "request.body.provisioningParameters.primaryPhoneNumber"},
		{"packages as a string", func(b map[string]any) { b["packages"] = "webex_calling" }, "request.body.packages"},
		{"packages item not in the enum", func(b map[string]any) { b["packages"] = []any{"webex_calling_premium"} }, "request.body.packages.0"},
		{"deprecated package with a packages-only value", func(b map[string]any) {
			delete(b, "packages")
			b["package"] = "cx_premium_agent"
		}, "request.body.package"},
		{"email missing", func(b map[string]any) { delete(b, "email") }, "request.body Request body must have required property 'email'"},
		{"customerId as a number", func(b map[string]any) { b["customerId"] = 42 }, "request.body.customerId"},
		{"customerInfo without primaryEmail", func(b map[string]any) { b["customerInfo"] = map[string]any{"name": "Acme"} }, "request.body.customerInfo"},
	}
	for _, tc := range broken {
		t.Run(tc.name, func(t *testing.T) {
			client, sent := mutatingClient(t, baseURL, tc.mutate)
			_, info, err := client.Precheck(context.Background(), base)
			var ae *webex.APIError
			if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
				t.Errorf("Prism's answer: %v (status %d), want HTTP 400", err, info.Status)
			}
			report := violationReport(violations())
			if report == nil {
				t.Fatalf("the contract verdict passed a broken body: %s", sent())
			}
			if !strings.Contains(report.Error(), tc.field) {
				t.Errorf("the verdict does not name %q:\n%v\nbody: %s", tc.field, report, sent())
			}
			t.Logf("reported as: %v", report)
		})
	}

	// The whole end-to-end harness, not just its verdict: the real binary
	// over the variants file, through a proxy that breaks the extension on
	// its way to Prism. The run must fail exactly on the rows that have an
	// extension, and the verdict must name the field.
	t.Run("end to end through a breaking proxy", func(t *testing.T) {
		bin := buildTool(t)
		target, err := url.Parse(baseURL)
		if err != nil {
			t.Fatal(err)
		}
		breakExt := func(b map[string]any) {
			if p, ok := b["provisioningParameters"].(map[string]any); ok {
				if ext, ok := p["extension"].(string); ok {
					n, _ := strconv.Atoi(ext)
					p["extension"] = n
				}
			}
		}
		proxy := httptest.NewServer(&httputil.ReverseProxy{
			Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
			Transport: &mutatingTransport{next: http.DefaultTransport, mutate: breakExt},
		})
		defer proxy.Close()
		out := filepath.Join(t.TempDir(), "out.csv")
		run := runTool(t, bin, "precheck", "--input", variantsCSV, "--output", out,
			"--base-url", proxy.URL, "--rate", "0", "--no-progress")
		report := violationReport(violations())
		if report == nil || !strings.Contains(report.Error(), "request.body.provisioningParameters.extension") {
			t.Fatalf("the end-to-end verdict did not name provisioningParameters.extension: %v", report)
		}
		if run.code != 1 {
			t.Errorf("exit code %d, want 1 (some rows failed)", run.code)
		}
		in := readResults(t, variantsCSV)
		res := readResults(t, out)
		if len(res) != len(in) {
			t.Fatalf("%d results for %d rows", len(res), len(in))
		}
		for i, r := range res {
			want := "passed"
			if in[i]["extension"] != "" {
				want = "failed"
			}
			if r["precheck_result"] != want || (want == "failed" && r["http_status"] != "400") {
				t.Errorf("line %s (%s): %s with HTTP %s, want %s", r["line"], in[i]["variant"], r["precheck_result"], r["http_status"], want)
			}
		}
	})

	// Prose-only rules: Prism is silent, the fake refuses.
	fake := httptest.NewServer(fakeapi.New(fakeapi.Options{Token: contractToken}))
	t.Cleanup(fake.Close)
	blind := []struct {
		name   string
		mutate func(map[string]any)
	}{
		{"both package and packages", func(b map[string]any) { b["package"] = "webex_calling" }},
		{"two packages", func(b map[string]any) { b["packages"] = []any{"webex_calling", "webex_meetings"} }},
	}
	for _, tc := range blind {
		t.Run("prism blind spot/"+tc.name, func(t *testing.T) {
			client, sent := mutatingClient(t, baseURL, tc.mutate)
			if _, _, err := client.Precheck(context.Background(), base); err != nil {
				t.Errorf("Prism refused it (%v): the blind spot is gone; move this case to the broken list and update doc.go", err)
			}
			if err := violationReport(violations()); err != nil {
				t.Errorf("Prism now reports it: %v; move this case to the broken list and update doc.go", err)
			}
			body := sent()

			// The schema alone accepts it: it is a prose rule.
			if err := fakeapi.ValidateSchema(pathValidate, body); err != nil {
				t.Errorf("fakeapi.ValidateSchema refused it (%v); it should be a prose rule", err)
			}
			// The fake, which adds the prose rules, refuses it through the same client.
			fc, _ := mutatingClient(t, fake.URL+"/v1", tc.mutate)
			_, _, err := fc.Precheck(context.Background(), base)
			var ae *webex.APIError
			if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
				t.Fatalf("the fake answered %v, want HTTP 400", err)
			}
			if !strings.Contains(ae.Message, "Request violates a documented rule") || !strings.Contains(ae.Message, "packages") {
				t.Errorf("the fake's refusal %q is not a documented-rule error about packages", ae.Message)
			}
			t.Logf("Prism: silent; fake: %s", ae.Message)
		})
	}
}

// params returns the body's provisioningParameters object.
func params(b map[string]any) map[string]any {
	m, _ := b["provisioningParameters"].(map[string]any)
	if m == nil {
		m = map[string]any{}
		b["provisioningParameters"] = m
	}
	return m
}

// mutatingClient is a real webex client whose transport rewrites every JSON
// request body with mutate. sent returns the last body as it went out.
func mutatingClient(t *testing.T, baseURL string, mutate func(map[string]any)) (*webex.Client, func() []byte) {
	t.Helper()
	rt := &mutatingTransport{next: http.DefaultTransport, mutate: mutate}
	c, err := webex.New(webex.Config{
		BaseURL: baseURL,
		Token:   contractToken,
		Pacer:   noPacer{},
		Timeout: 10 * time.Second,
		Retry:   webex.RetryPolicy{MaxAttempts: 1},
		HTTP:    &http.Client{Transport: rt},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, rt.last
}

type mutatingTransport struct {
	next   http.RoundTripper
	mutate func(map[string]any)
	mu     sync.Mutex
	sent   []byte
}

func (m *mutatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		return m.next.RoundTrip(req)
	}
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("mutatingTransport: the client sent a body that is not a JSON object: %v", err)
	}
	m.mutate(body)
	out, err := json.Marshal(body) // always valid JSON: Prism hangs on malformed bodies
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.sent = out
	m.mu.Unlock()
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(out))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(out)), nil }
	r.ContentLength = int64(len(out))
	return m.next.RoundTrip(r)
}

func (m *mutatingTransport) last() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sent
}

// noPacer lets every attempt go at once.
type noPacer struct{}

func (noPacer) Wait(ctx context.Context) error         { return ctx.Err() }
func (noPacer) Throttle(time.Time, time.Duration) bool { return true }
func (noPacer) Pause(time.Duration)                    {}
func (noPacer) Success()                               {}
