package webex_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
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
	raw := []byte(fakeapi.PassedPrecheckBody)
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

func (benchPacer) Wait(ctx context.Context) error         { return ctx.Err() }
func (benchPacer) Throttle(time.Time, time.Duration) bool { return true }
func (benchPacer) Pause(time.Duration)                    {}
func (benchPacer) Success()                               {}

// BenchmarkClientPrecheck: Client.Precheck end to end minus the wire:
// encode, URL and headers, tracking id, per-attempt timeout context,
// http.Client bookkeeping, body read and decode.
func BenchmarkClientPrecheck(b *testing.B) {
	c, err := webex.New(webex.Config{BaseURL: "http://127.0.0.1:1/v1", Token: "x", Pacer: benchPacer{},
		HTTP: &http.Client{Transport: fakeapi.Canned{}}})
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
