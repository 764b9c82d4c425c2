package fakeapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// passedPrecheck is the fake's answer to a precheck that passes.
var passedPrecheck = precheckInfo{InfoCode: infoPrecheckOK, Description: "Provisioning preCheck validation successful."}

// PassedPrecheckBody is the fake's answer to a passed precheck, byte for
// byte as Server writes it.
var PassedPrecheckBody = func() string {
	b, _ := json.Marshal(map[string]any{"message": "success", "info": []precheckInfo{passedPrecheck}})
	return string(b) + "\n"
}()

// Canned is an http.RoundTripper that answers every request in memory with
// PassedPrecheckBody: no socket, no routing, no checks. Benchmarks use it to
// measure a client's own work per request.
type Canned struct{}

// RoundTrip reads and discards the request body and answers 200.
func (Canned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Trackingid", req.Header.Get("TrackingID"))
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: h, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Body: io.NopCloser(strings.NewReader(PassedPrecheckBody)), ContentLength: int64(len(PassedPrecheckBody)), Request: req}, nil
}
