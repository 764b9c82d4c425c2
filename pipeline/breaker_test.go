package pipeline_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

func TestBreaker(t *testing.T) {
	res := func(outcome string, status int) pipeline.Result {
		return pipeline.Result{Precheck: outcome, HTTPStatus: status, Final: true}
	}
	errRow, ok, forbidden := res(pipeline.Error, 503), res(pipeline.Passed, 200), res(pipeline.Failed, 403)
	invalid := res(pipeline.Invalid, 0)
	lostProvision := pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Error, HTTPStatus: 502, Final: false}
	notSent := pipeline.Result{Precheck: pipeline.NotSent, Final: false}
	cases := []struct {
		name   string
		rows   []pipeline.Result
		tripAt int // index of the row that trips it, -1 for never
		want   string
	}{
		// 11 errors of the first 20 is more than half
		{"errors", append(repeat(ok, 9), repeat(errRow, 11)...), 19, "11 of the first 20"},
		// exactly half is not more than half
		{"half", append(repeat(errRow, 10), repeat(ok, 10)...), -1, ""},
		// trips before 20 rows once the share is certain
		{"early", repeat(errRow, 15), 10, "11 of the first 11"},
		// errors after the first 20 rows do not count
		{"late", append(repeat(ok, 20), repeat(errRow, 30)...), -1, ""},
		// invalid rows were not sent and are not judged
		{"invalid", append(repeat(invalid, 30), repeat(ok, 20)...), -1, ""},
		// a run whose first answers are all 403 lacks rights
		{"forbidden", repeat(forbidden, 6), 4, "spark-admin:wholesale_subscribers_write"},
		// a 403 among passes is a row's problem, not the token's
		{"one 403", append([]pipeline.Result{ok}, repeat(forbidden, 6)...), -1, ""},
		// provisioning rows whose POST and look-up got 502: unfinished, but errors all the same
		{"unfinished errors", repeat(lostProvision, 15), 10, "11 of the first 11"},
		// rows the run never sent are not judged
		{"not sent", append(repeat(notSent, 30), repeat(ok, 20)...), -1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &pipeline.Breaker{AbortAfter: 20, ErrorRate: 0.5, ForbiddenBurst: 5, Judge: command.Provision.Judge}
			tripped := -1
			for i, r := range c.rows {
				if err := b.Observe(r); err != nil {
					if tripped >= 0 {
						t.Fatalf("tripped twice")
					}
					tripped = i
					if !strings.Contains(err.Error(), c.want) {
						t.Errorf("message %q lacks %q", err, c.want)
					}
				}
			}
			if tripped != c.tripAt {
				t.Fatalf("tripped at row %d, want %d", tripped, c.tripAt)
			}
		})
	}
}

func repeat(r pipeline.Result, n int) []pipeline.Result {
	out := make([]pipeline.Result, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// TestGuardIgnoresStoppedRows: rows that end because the run was stopped
// say nothing of the API: they never trip the breaker.
func TestGuardIgnoresStoppedRows(t *testing.T) {
	b := &pipeline.Breaker{AbortAfter: 20, ErrorRate: 0.5, Judge: command.Provision.Judge}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := pipeline.Guard(b, func(context.Context, *pipeline.Row) pipeline.Result {
		return pipeline.Result{Outcome: pipeline.Error, Final: false, Message: "no answer: the run was stopped"}
	})
	for range 30 {
		if r := w(ctx, &pipeline.Row{}); r.Fatal != nil {
			t.Fatalf("tripped on a stopped row: %v", r.Fatal)
		}
	}
	// The same rows in a running run trip it.
	tripped := false
	for range 30 {
		tripped = tripped || w(context.Background(), &pipeline.Row{}).Fatal != nil
	}
	if !tripped {
		t.Error("30 unfinished errors in a running run did not trip the breaker")
	}
}
