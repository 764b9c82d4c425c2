package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestConcurrentUse drives the fake over real HTTP from several goroutines,
// for -race, and checks that one email is provisioned once however many
// clients race for it.
func TestConcurrentUse(t *testing.T) {
	run, err := Start(Options{Token: testToken, Latency: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, path string, body any) int {
		var rd io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, run.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}

	const workers = 8
	var wg sync.WaitGroup
	codes := make(chan int, workers)
	for i := range workers {
		wg.Go(func() {
			own := fmt.Sprintf("w%d@acme.com", i)
			if c := do("POST", "/wholesale/subscribers/validate", precheckBody(own)); c != 200 {
				t.Errorf("precheck %s: %d", own, c)
			}
			if c := do("POST", "/wholesale/subscribers", provisionBody(own)); c != 200 {
				t.Errorf("provision %s: %d", own, c)
			}
			codes <- do("POST", "/wholesale/subscribers", provisionBody("same@acme.com"))
			if c := do("GET", "/wholesale/subscribers?max=5", nil); c != 200 {
				t.Errorf("list: %d", c)
			}
			_ = run.Server.Stats()
			_ = run.Server.Subscribers()
		})
	}
	wg.Wait()
	close(codes)
	won := 0
	for c := range codes {
		switch c {
		case 200:
			won++
		case 409:
		default:
			t.Errorf("racing provision: %d", c)
		}
	}
	st := run.Server.Stats()
	if won != 1 || st.PostsByEmail["same@acme.com"] != workers {
		t.Errorf("%d racing provisions won, %d sent", won, st.PostsByEmail["same@acme.com"])
	}
	if got := len(run.Server.Subscribers()); got != workers+1 {
		t.Errorf("%d subscribers, want %d", got, workers+1)
	}
	if st.Requests != 4*workers || st.MaxInFlight < 2 || st.MaxInFlight > workers {
		t.Errorf("stats %+v", st)
	}
}
