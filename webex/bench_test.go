package webex_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
)

// Per-row costs of the client's side of a precheck, without the network:
// one op is one row.

var benchReq = webex.PrecheckRequest{
	Email:      "user1000042@acme.example",
	CustomerID: "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU",
	Packages:   []string{"webex_calling"},
	ProvisioningParameters: &webex.ProvisioningParameters{FirstName: "Given42", LastName: "Family42",
		PrimaryPhoneNumber: "+12402500042", Extension: "1000042", LocationID: "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2hx"},
}

// benchAnswer is the fake API's precheck answer, byte for byte.
const benchAnswer = `{"info":[{"infoCode":100,"description":"Provisioning preCheck validation successful."}],"message":"success"}` + "\n"

// BenchmarkPrecheckEncode: the request body of a row.
func BenchmarkPrecheckEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(benchReq); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrecheckDecode: the answer of a row (info as an array, through
// InfoList's UnmarshalJSON).
func BenchmarkPrecheckDecode(b *testing.B) {
	raw := []byte(benchAnswer)
	b.ReportAllocs()
	for b.Loop() {
		var out webex.PrecheckResponse
		if err := json.Unmarshal(raw, &out); err != nil || !out.Passed() {
			b.Fatal(err)
		}
	}
}

// benchPacer is a pacer that never waits, so only the client is measured.
type benchPacer struct{}

func (benchPacer) Wait(ctx context.Context) error { return ctx.Err() }
func (benchPacer) Throttle(time.Duration)         {}
func (benchPacer) Pause(time.Duration)            {}
func (benchPacer) Success()                       {}

// benchTransport answers in memory with the fake's precheck answer.
type benchTransport struct{}

func (benchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Trackingid", req.Header.Get("TrackingID"))
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: h, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Body: io.NopCloser(strings.NewReader(benchAnswer)), ContentLength: int64(len(benchAnswer)), Request: req}, nil
}

// BenchmarkClientPrecheck: Client.Precheck end to end minus the wire:
// encode, URL and headers, tracking id, per-attempt timeout context,
// http.Client bookkeeping, body read and decode.
func BenchmarkClientPrecheck(b *testing.B) {
	c, err := webex.New(webex.Config{BaseURL: "http://127.0.0.1:1/v1", Token: "x", Pacer: benchPacer{},
		HTTP: &http.Client{Transport: benchTransport{}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, _, err := c.Precheck(ctx, benchReq)
		if err != nil || !resp.Passed() {
			b.Fatal(err)
		}
	}
}
