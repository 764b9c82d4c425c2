package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what the load loop child prints as one JSON line.
type loadResult struct {
	Requests int     `json:"requests"`
	OK       int     `json:"ok"`
	Other    int     `json:"other"` // non-200 answers and transport errors
	Seconds  float64 `json:"seconds"`
	FirstErr string  `json:"firstErr,omitempty"`
}

// runLoadLoop is the raw HTTP ceiling: the least a Go client can do to get
// n precheck answers from the server, c at a time. Same transport settings,
// headers and body as the tool; no CSV, no checks, no limiter, no report.
func runLoadLoop(url, token string, n, c int, timeout time.Duration) int {
	body := requestBody(0)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	target := url + "/wholesale/subscribers/validate"

	var next, ok, other atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Accept", "application/json")
				req.Header.Set("User-Agent", "wholesale-batch-bench")
				req.Header.Set("TrackingID", "BENCH_LOADLOOP")
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					other.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ok.Add(1)
				} else {
					other.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("HTTP %d", resp.StatusCode))
				}
			}
		})
	}
	wg.Wait()
	res := loadResult{Requests: int(ok.Load() + other.Load()), OK: int(ok.Load()), Other: int(other.Load()),
		Seconds: time.Since(start).Seconds()}
	if e, _ := firstErr.Load().(string); e != "" {
		res.FirstErr = e
	}
	_ = json.NewEncoder(os.Stdout).Encode(res)
	if ctx.Err() != nil || res.Other > 0 {
		return 1
	}
	return 0
}
