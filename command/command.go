// Package command is the one table of commands, as package column is the
// one table of columns. For each command it says which result column holds
// its outcome, its outcomes and which of them reach its aim (the exit
// code), which go to the retry file, what the breaker makes of them, how
// the summary, manifest and report label them, what it asks before it
// changes anything, and which columns of the tool's own earlier outputs it
// reads back. The sink, the exit code, the retry file, the breaker, the
// summary, the manifest, the report and the input reader all read it; none
// of them names a command. Adding a command is one Table entry (and its
// worker and flags in cli).
package command

import (
	"slices"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// Goal is whether a row of an outcome reached what the command is for:
// the exit code is 0 only when every row did.
type Goal int

const (
	Missed        Goal = iota // the row did not
	Reached                   // it did
	ReachedIfSure             // only with --accept-pending: the user still has to accept
)

// Retry is whether a row of an outcome goes to the retry file.
type Retry int

const (
	NoRetry       Retry = iota // done, or sending it again cannot help
	RetryAlways                // no definite answer: sending again may work
	RetryIfFailed              // refused: only with --retry-failed
	RetryNoResume              // not sent: --resume sends it when the run has a journal, else the retry file does
)

// Issue is what the report says of a row whose outcome missed the aim,
// when the report's general rules (a token refused, problems found, error
// codes, no answer) do not already say it. In Label and Kind of a step's
// Other issue, {outcome} stands for the outcome.
type Issue struct {
	Label, Kind, Fix string
	// FromMessage: the row's message says why and what next ("…: give
	// --max-provision"), split at its first ": ".
	FromMessage bool
}

// Outcome is one value a step writes in its column.
type Outcome struct {
	Name   string
	Doc    string // one line, for the README and help
	Goal   Goal
	Retry  Retry
	Health pipeline.Health
	Issue  Issue
}

// Step is one stage of a command with a result column of its own: every
// command has one, provision two (its precheck, then its own).
type Step struct {
	// Column is the result column holding the step's outcome.
	Column string
	// Label goes before its outcomes in the summary and the report
	// ("provision pending"); "" shows them bare.
	Label string
	// Counts is the manifest's key for its counts (counts.provision).
	Counts   string
	Outcomes []Outcome
	// InDoubt is what the report says of a row the run stopped in this
	// step without an answer, when the step may have changed something
	// ("" for a step that only reads).
	InDoubt string
	// Other is taken for an outcome not in Outcomes (status writes an
	// in-between status as the API gives it); nil when there is none.
	Other *Outcome
	// field is where a result carries the step's outcome: Result.Precheck
	// for the precheck, Result.Outcome for a command's own step.
	field func(*pipeline.Result) *string
}

// Of is r's outcome at this step ("" when it has none).
func (s *Step) Of(r pipeline.Result) string { return *s.field(&r) }

// Set sets r's outcome at this step.
func (s *Step) Set(r *pipeline.Result, outcome string) { *s.field(r) = outcome }

// Field is where a result carries the step's outcome, for code that sets
// it (cli's in-doubt rule).
func (s *Step) Field(r *pipeline.Result) *string { return s.field(r) }

// Find returns the entry of an outcome: its own, else Other.
func (s *Step) Find(name string) (Outcome, bool) {
	for _, o := range s.Outcomes {
		if o.Name == name {
			return o, true
		}
	}
	if s.Other != nil && name != "" {
		o := *s.Other
		o.Name = name
		return o, true
	}
	return Outcome{}, false
}

// Names are the step's outcomes, in the table's order.
func (s *Step) Names() []string {
	out := make([]string, len(s.Outcomes))
	for i, o := range s.Outcomes {
		out[i] = o.Name
	}
	return out
}

// Prompt is what a command that changes things says before it does.
type Prompt struct {
	// Changes completes "COMMAND ... and asks for confirmation first".
	Changes string
	// Question asks for n rows (one %d, twice with TypeCount).
	Question string
	// TypeCount: the answer is the number of rows, not "yes", so a
	// reflexive "y" cannot undo a migration.
	TypeCount bool
	// NotDone says what a declined run did not do.
	NotDone string
}

// Command is one entry of the table.
type Command struct {
	Name string
	// Precheck is the step whose outcome is in Result.Precheck (precheck,
	// validate, and provision's first pass); Own the command's own step,
	// in Result.Outcome. Either may be nil, not both.
	Precheck, Own *Step
	// Extra are the result columns it writes after the usual ones.
	Extra []string
	// Omits are usual result columns it never fills (validate sends
	// nothing, so has no status or tracking id): left out of its result
	// file, which the person reads.
	Omits []string
	// ReadsBack are the columns of the tool's own earlier outputs it reads
	// (Row.Prior): every one must be a column some command writes.
	ReadsBack []string
	// Prompt is nil for a command that asks nothing.
	Prompt *Prompt
	// AllReached is the report's headline when every row reached the aim.
	AllReached string
	// Offline: no token, no network.
	Offline bool
	// FollowUp: it acts on subscribers an earlier run made; rows only name
	// them, so the input's values are not checked as provisioning data.
	FollowUp bool
	// NoInput: its rows come from the API, not from an input file (export):
	// no --input, no journal, no retry file; a failed page stops the run.
	NoInput bool
	// ListsFirst: it lists what Webex holds before it takes any row
	// (sync's plan): a list that fails stops the run (exit 3) before any
	// row is sent or written.
	ListsFirst bool
	// RetryKeepsPlan: given back one of its own result files (sync's
	// plan), its retry file keeps the result cells, so it is that plan's
	// rows to do again, not a new sheet (which sync would read as the
	// whole roster).
	RetryKeepsPlan bool
}

// Steps are the command's steps in order.
func (c *Command) Steps() []*Step {
	var out []*Step
	for _, s := range []*Step{c.Precheck, c.Own} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Last is the step whose outcome is the command's.
func (c *Command) Last() *Step {
	if c.Own != nil {
		return c.Own
	}
	return c.Precheck
}

// Current is the latest step r has an outcome for (provision's first pass
// has only the precheck's), nil when none.
func (c *Command) Current(r pipeline.Result) (*Step, Outcome) {
	steps := c.Steps()
	for i := len(steps) - 1; i >= 0; i-- {
		if o := steps[i].Of(r); o != "" {
			e, _ := steps[i].Find(o)
			return steps[i], e
		}
	}
	// validate's rows that would be sent have no outcome: its "" entry.
	e, ok := c.Last().Find("")
	if ok {
		return c.Last(), e
	}
	return nil, Outcome{}
}

// Reached reports whether r reached the command's aim (acceptPending:
// ReachedIfSure counts). A row a limit (--max-remove) left is not reached,
// whatever its outcome.
func (c *Command) Reached(r pipeline.Result, acceptPending bool) bool {
	o, _ := c.Last().Find(c.Last().Of(r))
	return !r.Capped && (o.Goal == Reached || acceptPending && o.Goal == ReachedIfSure)
}

// Passed reports whether every step of r reached its aim, --accept-pending
// not counted: the report lists the rest.
func (c *Command) Passed(r pipeline.Result) bool {
	if r.Capped {
		return false
	}
	for _, s := range c.Steps() {
		o := s.Of(r)
		if o == "" && s != c.Last() {
			continue // a step the row did not reach
		}
		if e, _ := s.Find(o); e.Goal != Reached {
			return false
		}
	}
	return true
}

// Judge is the breaker's view of r: the latest step's outcome, judged by
// the table. A provisioning row is judged on its own calls.
func (c *Command) Judge(r pipeline.Result) pipeline.Health {
	_, o := c.Current(r)
	return o.Health
}

// Retry is what the retry file does with r: the strongest rule of its
// steps' outcomes (a row not sent is for --resume first).
func (c *Command) Retry(r pipeline.Result) Retry {
	best := NoRetry
	rank := map[Retry]int{NoRetry: 0, RetryIfFailed: 1, RetryAlways: 2, RetryNoResume: 3}
	for _, s := range c.Steps() {
		if o, ok := s.Find(s.Of(r)); ok && rank[o.Retry] > rank[best] {
			best = o.Retry
		}
	}
	return best
}

// Cell is the value of result column col that a step of c writes, and
// whether col is one of its steps' columns.
func (c *Command) Cell(col string, r pipeline.Result) (string, bool) {
	for _, s := range c.Steps() {
		if s.Column == col {
			return s.Of(r), true
		}
	}
	return "", false
}

// Lookup returns the command named name.
func Lookup(name string) (*Command, bool) {
	for _, c := range Table {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// Names lists the commands in the table's order.
func Names() []string {
	out := make([]string, len(Table))
	for i, c := range Table {
		out[i] = c.Name
	}
	return out
}

// ExtraColumns are the columns some command writes after the usual ones,
// each once, in the table's order.
func ExtraColumns() []string {
	var out []string
	for _, c := range Table {
		for _, x := range c.Extra {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	return out
}
