package cli

import (
	"context"
	"fmt"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// inDoubtIfSent keeps not_sent to its meaning: no request of the row's
// step left the machine. A row the run stopped while it waited between
// attempts (a backoff after a 502, a look-up after a lost answer) sent
// some: it is error, in doubt where a write may have happened, and stays
// unfinished so --resume looks it up or sends it again. outcome picks the
// step's outcome; sent is how many attempts the row had made before the
// step (a provisioning row carries its precheck's).
func inDoubtIfSent(res *pipeline.Result, outcome *string, sent int) {
	if *outcome != pipeline.NotSent || res.Attempts <= sent {
		return
	}
	*outcome = pipeline.Error
	res.Final = false
	last := "no answer"
	if res.HTTPStatus != 0 {
		last = fmt.Sprintf("HTTP %d", res.HTTPStatus)
	}
	res.Message = fmt.Sprintf("stopped after %d attempts (last: %s) without an answer that counts: the server may have acted; not done: --resume finishes it", res.Attempts-sent, last)
}

// truthful applies inDoubtIfSent to the outcome pick chooses.
func truthful(work pipeline.Worker, pick func(*pipeline.Result) *string) pipeline.Worker {
	return func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		res := work(ctx, row)
		inDoubtIfSent(&res, pick(&res), 0)
		return res
	}
}

// link wraps a row's worker in one more layer of the chain.
type link func(pipeline.Worker) pipeline.Worker

// chain builds a row's worker, the one place the layers are put together:
// the in-doubt rule for step's outcome, links from the innermost out (the
// request log of a command that sends a body, the journal, the customer
// look-up...), and outermost the breaker, which judges the row as the
// command table says.
func (j *job) chain(work pipeline.Worker, step *command.Step, links ...link) pipeline.Worker {
	return j.guarded(truthful(work, step.Field), links...)
}

// guarded is the outer part of a chain, for a worker that applies the
// in-doubt rule itself (provision's, which counts its precheck's
// attempts): links from the innermost out, then the breaker.
func (j *job) guarded(work pipeline.Worker, links ...link) pipeline.Worker {
	for _, l := range links {
		work = l(work)
	}
	return pipeline.Guard(j.breaker(), work)
}
