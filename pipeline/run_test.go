package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
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

func TestRunSlowRowDoesNotHoldUpTheOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Row 0 is stuck (a long backoff); the others are instant. They must
		// all be worked meanwhile, their results waiting in memory up to the
		// window and in a temporary file beyond it, and come out in order.
		const n, window = 10000, 40
		spill := t.TempDir()
		release := make(chan struct{})
		var worked, finished atomic.Int64
		work := func(ctx context.Context, r *pipeline.Row) pipeline.Result {
			if r.Seq == 0 {
				<-release
			}
			worked.Add(1)
			return pipeline.Result{Row: r, Precheck: pipeline.Passed, Message: r.Fields.Email, Final: true}
		}
		var lines []int
		_, wait := pipeline.Run(context.Background(), source(t, input(n)), work, func(r pipeline.Result) error {
			if r.Message != r.Row.Fields.Email {
				t.Errorf("line %d came back with another row's result %q", r.Row.Line, r.Message)
			}
			lines = append(lines, r.Row.Line)
			return nil
		}, pipeline.Options{Concurrency: 4, Window: window, SpillDir: spill, Finished: func(pipeline.Result) { finished.Add(1) }})
		synctest.Wait() // everything that can run has run
		if got := worked.Load(); got != n-1 {
			t.Errorf("with row 0 stuck %d rows were worked; want the other %d", got, n-1)
		}
		// Progress counts work done, not rows written.
		if got := finished.Load(); got != n-1 {
			t.Errorf("Finished was told of %d rows; want the %d done", got, n-1)
		}
		if len(lines) != 0 {
			t.Errorf("wrote %d rows before row 0", len(lines))
		}
		close(release)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if len(lines) != n {
			t.Fatalf("wrote %d rows, want %d", len(lines), n)
		}
		for i, l := range lines {
			if l != i+2 {
				t.Fatalf("row %d has line %d, want %d", i, l, i+2)
			}
		}
		if files, _ := os.ReadDir(spill); len(files) != 0 {
			t.Errorf("the spill file was left behind: %v", files)
		}
	})
}

func TestRunStuckWorkersStopTheSource(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Every worker is stuck: the source must not read ahead of them.
		const workers = 4
		release := make(chan struct{})
		var read atomic.Int64
		work := func(ctx context.Context, r *pipeline.Row) pipeline.Result {
			<-release
			return pipeline.Result{Row: r, Final: true}
		}
		written := 0
		_, wait := pipeline.Run(context.Background(), source(t, input(10000)), work, func(pipeline.Result) error {
			written++
			return nil
		}, pipeline.Options{Concurrency: workers, Prepare: func(*pipeline.Row) { read.Add(1) }})
		synctest.Wait()
		if got := read.Load(); got > workers+1 {
			t.Errorf("with every worker stuck the source read %d rows", got)
		}
		close(release)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if written != 10000 {
			t.Fatalf("wrote %d rows", written)
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
