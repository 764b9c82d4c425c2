package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

func input(n int) string {
	var b strings.Builder
	b.WriteString("email\n")
	for i := range n {
		fmt.Fprintf(&b, "u%d@x.example\n", i)
	}
	return b.String()
}

func source(t *testing.T, in string) *pipeline.Source {
	t.Helper()
	src, err := pipeline.NewSource(strings.NewReader(in), pipeline.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestRunWritesEveryRowOnceInInputOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 500
		// Random latencies make workers finish out of order.
		work := func(ctx context.Context, r *pipeline.Row) pipeline.Result {
			time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond)
			return pipeline.Result{Row: r, Precheck: pipeline.Passed, Final: true}
		}
		var got []int
		_, wait := pipeline.Run(context.Background(), source(t, input(n)), work, func(r pipeline.Result) error {
			got = append(got, r.Row.Line)
			return nil
		}, pipeline.Options{Concurrency: 16})
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("wrote %d rows, want %d", len(got), n)
		}
		for i, line := range got {
			if line != i+2 {
				t.Fatalf("row %d has line %d, want %d", i, line, i+2)
			}
		}
	})
}

func TestRunWindowBoundsRowsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Row 0 is stuck (a long Retry-After); the others are instant. The
		// source must stop reading at the window, not buffer the whole file.
		const window = 40
		release := make(chan struct{})
		var read, written, maxAhead atomic.Int64
		work := func(ctx context.Context, r *pipeline.Row) pipeline.Result {
			if r.Seq == 0 {
				<-release
			}
			return pipeline.Result{Row: r, Final: true}
		}
		prep := func(*pipeline.Row) {
			ahead := read.Add(1) - written.Load()
			if ahead > maxAhead.Load() {
				maxAhead.Store(ahead)
			}
		}
		_, wait := pipeline.Run(context.Background(), source(t, input(10000)), work, func(pipeline.Result) error {
			written.Add(1)
			return nil
		}, pipeline.Options{Concurrency: 4, Window: window, Prepare: prep})
		synctest.Wait() // everything that can run has run: the source is blocked
		if got := read.Load(); got > window+1 {
			t.Errorf("with row 0 stuck the source read %d rows; the window is %d", got, window)
		}
		close(release)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if written.Load() != 10000 {
			t.Fatalf("wrote %d rows", written.Load())
		}
		if maxAhead.Load() > window+1 {
			t.Errorf("source ran %d rows ahead of the sink; window %d", maxAhead.Load(), window)
		}
	})
}

func TestRunInterruptFinishesRowsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var started atomic.Int64
		work := func(ctx context.Context, r *pipeline.Row) pipeline.Result {
			started.Add(1)
			select {
			case <-time.After(time.Second): // a request that completes
				return pipeline.Result{Row: r, Precheck: pipeline.Passed, Final: true}
			case <-ctx.Done():
				return pipeline.Result{Row: r, Precheck: pipeline.Error}
			}
		}
		var results []pipeline.Result
		stop, wait := pipeline.Run(context.Background(), source(t, input(1000)), work, func(r pipeline.Result) error {
			results = append(results, r)
			return nil
		}, pipeline.Options{Concurrency: 8})
		time.Sleep(2500 * time.Millisecond)
		stop(nil)
		err := wait()
		if !errors.Is(err, pipeline.ErrInterrupted) {
			t.Fatalf("err = %v, want ErrInterrupted", err)
		}
		if int64(len(results)) != started.Load() {
			t.Fatalf("started %d rows, wrote %d: a row in flight was lost", started.Load(), len(results))
		}
		for _, r := range results {
			if r.Precheck != pipeline.Passed {
				t.Fatalf("line %d: %s; an interrupt must let rows in flight finish", r.Row.Line, r.Precheck)
			}
		}
		if len(results) >= 1000 || len(results) < 16 {
			t.Fatalf("wrote %d rows", len(results))
		}
	})
}

func TestRunFatalResultStopsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fatal := errors.New("token rejected")
		work := func(ctx context.Context, r *pipeline.Row) pipeline.Result {
			if r.Seq == 20 {
				return pipeline.Result{Row: r, Precheck: pipeline.Error, Fatal: fatal}
			}
			select {
			case <-time.After(time.Duration(r.Seq%5) * 100 * time.Millisecond):
				return pipeline.Result{Row: r, Precheck: pipeline.Passed, Final: true}
			case <-ctx.Done():
				return pipeline.Result{Row: r, Precheck: pipeline.Error}
			}
		}
		var lines []int
		_, wait := pipeline.Run(context.Background(), source(t, input(1000)), work, func(r pipeline.Result) error {
			lines = append(lines, r.Row.Line)
			return nil
		}, pipeline.Options{Concurrency: 4})
		if err := wait(); !errors.Is(err, fatal) {
			t.Fatalf("err = %v, want the fatal cause", err)
		}
		if len(lines) < 21 || len(lines) > 100 {
			t.Fatalf("wrote %d rows; want the rows up to the fatal one and those in flight", len(lines))
		}
		for i, l := range lines {
			if l != i+2 {
				t.Fatalf("row %d has line %d: a gap in the output", i, l)
			}
		}
	})
}

func TestRunSinkErrorStopsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("disk full")
		n := 0
		work := func(ctx context.Context, r *pipeline.Row) pipeline.Result {
			return pipeline.Result{Row: r, Final: true}
		}
		_, wait := pipeline.Run(context.Background(), source(t, input(1000)), work, func(pipeline.Result) error {
			n++
			if n == 5 {
				return boom
			}
			return nil
		}, pipeline.Options{Concurrency: 4})
		if err := wait(); !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the write error", err)
		}
	})
}
