package pipeline

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Worker turns one row into its result. It must return a result for every
// row, even when ctx ends (then with Final=false), so that the sink can write
// every row the source handed out.
type Worker func(ctx context.Context, row *Row) Result

// Sink receives results in input order.
type Sink func(Result) error

// Options size a run.
type Options struct {
	Concurrency int // workers; 1 if < 1
	// Window bounds the results kept in memory: rows finished before an
	// earlier, slower row wait for it there up to Window results, and
	// beyond that in a temporary file in SpillDir ("" = the system's), so
	// a row in backoff never holds up the rows behind it (the workers
	// always have rows while the source has them) and memory does not
	// grow while it waits.
	Window   int
	SpillDir string
	// Prepare, if set, checks and normalises each row in input order before
	// it reaches a worker (the place for checks that need the rows before it).
	Prepare func(*Row)
	// StopSending, if set, is called when the run is stopped: workers'
	// calls still waiting for their turn must give up without sending (the
	// API client's StopSending), while requests on the wire finish.
	StopSending func()
	// Select, if set, picks the rows the run handles (after Prepare, so
	// checks that look at the whole file, such as duplicates, still see
	// every row); the others are neither worked nor written, and Skipped
	// is told of each.
	Select  func(*Row) bool
	Skipped func(*Row)
	// Finished, if set, is told of each result as a worker finishes it,
	// from that worker, before it waits for its turn to be written: the
	// place for progress, which must show work done, not rows written
	// (those wait for the slowest row before them).
	Finished func(Result)
}

// Stop ends a run early. Stop(nil) is an interrupt: no new rows, the rows in
// flight finish. Stop(err) also cancels the rows in flight, and Run returns err.
type Stop func(cause error)

// Run streams src through work into sink. It returns nil when every row
// was handled, the cause given to stop, or the first input or sink error.
// Rows in flight when a run stops are still written (marked not final).
func Run(ctx context.Context, src *Source, work Worker, sink Sink, opt Options) (stop Stop, wait func() error) {
	if opt.Concurrency < 1 {
		opt.Concurrency = 1
	}
	if opt.Window < opt.Concurrency {
		opt.Window = 2*opt.Concurrency + 16
	}
	// Two contexts: readCtx stops taking rows (an interrupt), workCtx also
	// cancels requests in flight (a 401, a write error).
	workCtx, cancelWork := context.WithCancelCause(ctx)
	readCtx, cancelRead := context.WithCancelCause(workCtx)
	stopSending := func() {
		if opt.StopSending != nil {
			opt.StopSending()
		}
	}
	stop = func(cause error) {
		stopSending()
		if cause == nil {
			cancelRead(ErrInterrupted)
			return
		}
		cancelRead(cause)
		cancelWork(cause)
	}

	rows := make(chan *Row)
	results := make(chan Result)
	var g errgroup.Group

	g.Go(func() error {
		defer close(rows)
		seq := 0 // rows handed out, numbered for the ordered sink
		err := src.Each(readCtx, func(r Row) error {
			if opt.Prepare != nil {
				opt.Prepare(&r)
			}
			if opt.Select != nil && !opt.Select(&r) {
				if opt.Skipped != nil {
					opt.Skipped(&r)
				}
				return nil
			}
			r.Seq = seq
			seq++
			select {
			case rows <- &r:
				return nil
			case <-readCtx.Done():
				return readCtx.Err()
			}
		})
		if errors.Is(err, context.Canceled) {
			return nil // stopped on purpose: the cause is reported below
		}
		if err != nil {
			// Rows already handed out still finish and are written.
			cancelRead(err)
		}
		return err
	})

	var workers errgroup.Group
	for range opt.Concurrency {
		workers.Go(func() error {
			for r := range rows {
				res := work(workCtx, r)
				if opt.Finished != nil {
					opt.Finished(res)
				}
				if res.Fatal != nil {
					stop(res.Fatal)
				}
				results <- res
			}
			return nil
		})
	}
	g.Go(func() error {
		_ = workers.Wait()
		close(results)
		return nil
	})

	// The sink writes in input order; rows that finish early wait in
	// the reorder buffer, not in the workers' way.
	g.Go(func() error {
		order := newReorder(opt.Window, opt.SpillDir)
		defer order.close()
		var werr error
		for res := range results {
			order.add(res)
			for {
				r, ok, err := order.pop()
				if err != nil && werr == nil {
					werr = err
					stop(werr)
				}
				if !ok {
					break
				}
				if werr == nil {
					if werr = sink(r); werr != nil {
						werr = fmt.Errorf("writing results: %w", werr)
						stop(werr)
					}
				}
			}
		}
		return werr
	})

	wait = func() error {
		err := g.Wait()
		cancelRead(nil)
		cancelWork(nil)
		if err != nil {
			return err
		}
		if cause := context.Cause(readCtx); cause != nil && !errors.Is(cause, context.Canceled) {
			return cause
		}
		return ctx.Err()
	}
	return stop, wait
}

// ErrInterrupted reports a run ended by Stop(nil).
var ErrInterrupted = errors.New("interrupted")
