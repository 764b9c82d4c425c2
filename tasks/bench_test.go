package tasks_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/ratelimit"
	"github.com/wholesale-batch/wholesale-batch/tasks"
	"github.com/wholesale-batch/wholesale-batch/webex"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// BenchmarkPrecheckWork: the worker's part of a row without the network:
// request built from the row and encoded, the unlimited limiter, tracking
// id and headers, the response decoded, the result filled in. The row is
// the first of the migration file go run ./bench generates.
func BenchmarkPrecheckWork(b *testing.B) {
	client, err := webex.New(webex.Config{
		BaseURL: "http://127.0.0.1:1/v1", Token: "x", Pacer: ratelimit.New(0),
		HTTP:      &http.Client{Transport: fakeapi.Canned{}},
		OnAttempt: func(webex.Attempt) {},
	})
	if err != nil {
		b.Fatal(err)
	}
	in := "email,customerId,package,firstName,lastName,primaryPhoneNumber,extension,locationId\n" +
		"user1000000@acme.example,Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU,webex_calling,Given0,Family0,+12402500000,1000000,Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2hx\n"
	src, err := pipeline.NewSource(bytes.NewReader([]byte(in)), pipeline.SourceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var row pipeline.Row
	_ = src.Each(context.Background(), func(r pipeline.Row) error { row = r; return nil })
	w := (&tasks.Prechecker{Client: client}).Work
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res := w(ctx, &row); res.Precheck != pipeline.Passed {
			b.Fatalf("%+v", res)
		}
	}
}
