package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// pages: scenario 6, status by the page. 10,000 rows of one customer of
// 10,000 subscribers are answered from its list (a probe and 100 pages),
// not by 10,000 GETs; 30 rows of a customer of 250,000 stay on GETs (a
// probe and 30 GETs), where listing would take 2,500 pages.
func (b *bench) pages(ctx context.Context) error {
	const limit = 50.0
	for _, r := range []struct {
		subscribers, rows int
		most              float64 // the requests allowed
	}{{10_000, 10_000, 1.05 * (10_000/100 + 1)}, {250_000, 30, 31}} {
		b.logf("== 6. status by the page: %d rows of a customer of %d subscribers, fake limited to %.0f req/s, --rate %.0f", r.rows, r.subscribers, limit, limit)
		srv, err := fakeapi.Start(fakeapi.Options{Token: b.token, RateLimit: limit})
		if err != nil {
			return err
		}
		bulk := srv.Server.AddBulk(fakeapi.Bulk{CustomerID: "bench-customer", N: r.subscribers})
		in, err := b.statusInput(r.rows, r.subscribers/r.rows, bulk.Domain)
		if err != nil {
			srv.Close()
			return err
		}
		out := filepath.Join(b.dir, fmt.Sprintf("out-pages-%d.csv", r.rows))
		before := srv.Server.Stats()
		p, err := runChild(ctx, 5*time.Minute, append(os.Environ(), "WEBEX_TOKEN="+b.token), nil, b.tool,
			"status", "--input", in, "--output", out, "--base-url", srv.URL, "--rate", strconv.FormatFloat(limit, 'f', -1, 64), "--no-progress")
		st := diffStats(before, srv.Server.Stats())
		srv.Close()
		if err != nil {
			return err
		}
		b.logf("pages-%d: tool exit %d, wall %s, CPU %s, peak RSS %.1f MiB; fake saw %d requests, %d answered 429",
			r.rows, p.code, p.wall.Round(time.Millisecond), p.cpu().Round(time.Millisecond), mib(p.maxRSS), st.Requests, st.Throttled429)
		if p.code != 0 {
			return fmt.Errorf("pages-%d: status exited %d, expected 0 (every row provisioned): %s", r.rows, p.code, p.errb)
		}
		ideal := float64(st.Requests) / limit
		ratio := p.wall.Seconds() / ideal
		ok := float64(st.Requests) <= r.most
		target := fmt.Sprintf("requests <= %.0f", r.most)
		if r.rows > r.subscribers/100 {
			ok = ok && ratio <= 1.10
			target += ", wall <= 1.10"
		}
		b.add(tableRow{
			scenario: fmt.Sprintf("6. status by the page, %s rows of a customer of %s, --rate %.0f vs server %.0f/s", thousands(r.rows), thousands(r.subscribers), limit, limit),
			measured: fmt.Sprintf("%d requests (%d×429), %.2f s", st.Requests, st.Throttled429, p.wall.Seconds()),
			limit:    fmt.Sprintf("requests/R = %.2f s; by the row %d requests, %.0f s", ideal, r.rows, float64(r.rows)/limit),
			ratio:    fmt.Sprintf("%.3f × requests/R", ratio),
			target:   target,
			verdict:  verdict(ok),
		})
	}
	return nil
}

// statusInput writes rows rows of email,customerId naming every step-th
// subscriber of the bulk block on domain.
func (b *bench) statusInput(rows, step int, domain string) (string, error) {
	p := filepath.Join(b.dir, fmt.Sprintf("status-%d.csv", rows))
	f, err := os.Create(p)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "email,customerId")
	for i := range rows {
		fmt.Fprintf(w, "user%d@%s,bench-customer\n", 1+i*step, domain)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", err
	}
	return p, f.Close()
}
