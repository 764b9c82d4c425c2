package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// Summary counts a run's results as they are written.
type Summary struct {
	// Command is the command whose results these are: the table names
	// its outcomes and says which reach its aim.
	Command    *command.Command
	Rows       int
	Outcomes   map[string]int // precheck outcome -> rows
	Own        map[string]int // the outcome of the command's own step (Command.Own) -> rows
	Unfinished int            // rows without a final answer (stopped run)
	NotSent    int            // of which no request of their step left the machine
	Resumed    int            // rows taken from an earlier run's journal
	// NotSelected counts rows --rows, --match or --skip left out: not
	// handled and not written (not in Rows).
	NotSelected int
	Problems    map[string]int // invalid rows' problems by column
	Ready       int            // rows an offline run found fit to send
	// Actions counts rows by the action their plan gave them (sync's
	// sync_action); empty for a command without a plan.
	Actions map[string]int
	// reached and reachedIfSure count the rows that reached the command's
	// aim (see command.Goal).
	reached, reachedIfSure int
	codes                  map[codeKey]*CodeCount
	// Canaries says how each customer's canary rows went (provision
	// --canary), one line a customer, for the end of the summary.
	Canaries []string
	// customers counts rows per customer (see customers.go).
	customers        map[string]*CustomerCount
	customersDropped int
}

type codeKey struct {
	kind string // "info" or "error"
	code string
}

// CodeCount is how many rows carried one info or error code.
type CodeCount struct {
	Kind, Code, Description string
	Rows                    int
}

// NewSummary returns an empty summary of cmd's results.
func NewSummary(cmd *command.Command) *Summary {
	return &Summary{Command: cmd, Outcomes: map[string]int{}, Own: map[string]int{},
		Problems: map[string]int{}, codes: map[codeKey]*CodeCount{}, customers: map[string]*CustomerCount{}}
}

// Add counts one result.
func (s *Summary) Add(r pipeline.Result) {
	s.Rows++
	if r.Precheck != "" && r.Precheck != pipeline.OK {
		s.Outcomes[r.Precheck]++
	} else if r.Outcome == "" {
		s.Ready++
	}
	if r.Outcome != "" {
		s.Own[r.Outcome]++
	}
	if r.Action != "" {
		if s.Actions == nil {
			s.Actions = map[string]int{}
		}
		s.Actions[r.Action]++
	}
	switch {
	case s.Command.Reached(r, false):
		s.reached++
	case s.Command.Reached(r, true):
		s.reachedIfSure++
	}
	if !r.Final {
		s.Unfinished++
		if r.Outcome == pipeline.NotSent || (r.Outcome == "" && r.Precheck == pipeline.NotSent) {
			s.NotSent++
		}
	}
	if r.Resumed {
		s.Resumed++
	}
	s.addCustomer(r)
	if r.Precheck == pipeline.Invalid && r.Row != nil {
		for _, p := range r.Row.Problems {
			kind := p.Field
			if kind == "" {
				kind = "row"
			}
			s.Problems[kind]++
		}
	}
	s.addCodes("info", r.InfoCodes, r.Descriptions)
	s.addCodes("error", r.ErrorCodes, r.Descriptions)
}

func (s *Summary) addCodes(kind, joined string, desc map[int]string) {
	if joined == "" {
		return
	}
	for _, c := range strings.Split(joined, ";") {
		k := codeKey{kind, c}
		cc := s.codes[k]
		if cc == nil {
			cc = &CodeCount{Kind: kind, Code: c}
			s.codes[k] = cc
		}
		cc.Rows++
		if cc.Description == "" {
			var n int
			if _, err := fmt.Sscan(c, &n); err == nil {
				cc.Description = desc[n]
			}
		}
	}
}

// Codes returns the code counts, most frequent first.
func (s *Summary) Codes() []CodeCount {
	out := make([]CodeCount, 0, len(s.codes))
	for _, c := range s.codes {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rows != out[j].Rows {
			return out[i].Rows > out[j].Rows
		}
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// AllReached reports whether every row reached the command's aim: the
// exit code's question. acceptPending counts the rows that reach it only
// with --accept-pending (command.ReachedIfSure).
func (s *Summary) AllReached(acceptPending bool) bool {
	n := s.reached
	if acceptPending {
		n += s.reachedIfSure
	}
	return n == s.Rows
}

// ownLabel is an outcome of the command's own step as the summary and the
// report show it: "provision pending".
func (s *Summary) ownLabel(o string) string {
	if s.Command.Own == nil || s.Command.Own.Label == "" {
		return o
	}
	return s.Command.Own.Label + " " + o
}

// RunFacts are the figures of a run that do not come from its rows.
type RunFacts struct {
	Elapsed  time.Duration
	Blank    int   // blank rows skipped
	Requests int64 // HTTP attempts
	// Sending is the time from the first request's start to the last's;
	// Burst the requests the limiter lets go at once. The effective rate is
	// the requests after the first burst over Sending: a paced run reads
	// its rate, never above it, whatever the time before the first request.
	Sending    time.Duration
	Burst      int
	Retries    int64   // attempts after the first
	Throttled  int64   // 429 answers
	RowTied    int64   // of which taken as tied to their row: only that row waited
	RateLimit  float64 // configured requests/s, 0 = unlimited
	RateNow    float64 // the adaptive rate at the end
	Output     string
	Encoding   string // how the input was decoded, when not plain UTF-8
	Offline    bool   // validate: no requests, so no rate figures
	Files      []File // other files the run wrote
	StopReason string // why the run ended early, "" when it did not
}

// File is an artefact the summary points to.
type File struct{ Label, Path string }

// shows says whether the page has a count for precheck outcome o: one the
// command's precheck step can give (validate cannot pass or fail; status
// has no precheck), or one that happened; not_sent only when it did (an
// interrupted run).
func (s *Summary) shows(o string) bool {
	if s.Outcomes[o] > 0 {
		return true
	}
	if o == pipeline.NotSent || s.Command.Precheck == nil {
		return false
	}
	if s.Command.Own != nil && s.prechecked(false) == 0 {
		return false // a command that prechecks only some rows (sync's creates), none this run
	}
	_, ok := s.Command.Precheck.Find(o)
	return ok
}

// prechecked counts the rows with a precheck outcome; with offline too,
// those the offline checks refused (invalid: no precheck was asked).
func (s *Summary) prechecked(offline bool) int {
	n := 0
	for o, c := range s.Outcomes {
		if offline || o != pipeline.Invalid {
			n += c
		}
	}
	return n
}

// outcomeOrder lists outcomes in the order people read them.
var outcomeOrder = []string{pipeline.Passed, pipeline.Failed, pipeline.Invalid, pipeline.Error, pipeline.NotSent}

// Print writes the summary as a small aligned table.
func (s *Summary) Print(w io.Writer, f RunFacts) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "rows\t%d\n", s.Rows)
	if f.Blank > 0 {
		fmt.Fprintf(tw, "blank rows skipped\t%d\n", f.Blank)
	}
	if s.Ready > 0 {
		fmt.Fprintf(tw, "  ok to send\t%d\n", s.Ready)
	}
	for _, o := range outcomeOrder {
		if n := s.Outcomes[o]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d\n", o, n)
		}
	}
	for _, o := range sortedKeys(s.Own) {
		fmt.Fprintf(tw, "  %s\t%d\n", s.ownLabel(o), s.Own[o])
	}
	if s.Unfinished > 0 {
		fmt.Fprintf(tw, "  unfinished\t%d\n", s.Unfinished)
	}
	if s.Resumed > 0 {
		fmt.Fprintf(tw, "  from the earlier run\t%d (not sent again)\n", s.Resumed)
	}
	if s.NotSelected > 0 {
		fmt.Fprintf(tw, "not selected\t%d (--rows, --match, --skip: neither sent nor written)\n", s.NotSelected)
	}
	if len(s.Problems) > 0 {
		var parts []string
		for _, k := range sortedKeys(s.Problems) {
			parts = append(parts, fmt.Sprintf("%s %d", k, s.Problems[k]))
		}
		fmt.Fprintf(tw, "problems by column\t%s\n", strings.Join(parts, ", "))
	}
	for _, c := range s.Codes() {
		desc := c.Description
		if desc == "" {
			desc = "-"
		}
		fmt.Fprintf(tw, "%s %s\t%d\t%s\n", c.Kind, c.Code, c.Rows, desc)
	}
	if f.Offline {
		fmt.Fprintf(tw, "elapsed\t%s\n", f.Elapsed.Round(time.Millisecond))
		f.printTail(tw)
		tw.Flush()
		s.printCustomers(w)
		return
	}
	rate := "unlimited"
	if f.RateLimit > 0 {
		rate = fmt.Sprintf("%.3g/s configured, %.3g/s at the end", f.RateLimit, f.RateNow)
	}
	tied := ""
	if f.RowTied > 0 {
		tied = fmt.Sprintf(", %d of them tied to rows: only those rows waited", f.RowTied)
	}
	fmt.Fprintf(tw, "requests\t%d (%d retries, %d answered 429%s)\n", f.Requests, f.Retries, f.Throttled, tied)
	if eff, ok := f.EffectiveRate(); ok {
		fmt.Fprintf(tw, "rate\t%.1f requests/s sent; limit %s\n", eff, rate)
	} else {
		fmt.Fprintf(tw, "rate\tlimit %s\n", rate)
	}
	fmt.Fprintf(tw, "elapsed\t%s\n", f.Elapsed.Round(time.Millisecond))
	f.printTail(tw)
	s.printStopped(tw, f)
	tw.Flush()
	s.printCustomers(w)
}

// EffectiveRate is the rate the requests were sent at, once the first
// burst has gone (see Sending); false when too few requests were sent to
// tell.
func (f RunFacts) EffectiveRate() (float64, bool) {
	n := f.Requests - int64(max(f.Burst, 1))
	if n <= 0 || f.Sending <= 0 {
		return 0, false
	}
	return float64(n) / f.Sending.Seconds(), true
}

func (f RunFacts) printTail(tw io.Writer) {
	if f.Encoding != "" {
		fmt.Fprintf(tw, "input\t%s\n", f.Encoding)
	}
	if f.Output != "" {
		fmt.Fprintf(tw, "results\t%s\n", f.Output)
	}
	for _, file := range f.Files {
		fmt.Fprintf(tw, "%s\t%s\n", file.Label, file.Path)
	}
	if f.StopReason != "" {
		fmt.Fprintf(tw, "stopped\t%s\n", f.StopReason)
	}
}

// printStopped says, in one line that adds up, what a stopped run leaves:
// rows done, rows in doubt (sent, no final answer: --resume looks them
// up) and rows not sent.
func (s *Summary) printStopped(tw io.Writer, f RunFacts) {
	if f.StopReason == "" && s.Unfinished == 0 {
		return
	}
	doubt := s.Unfinished - s.NotSent
	line := fmt.Sprintf("of %d rows, %d done", s.Rows, s.Rows-s.Unfinished)
	if doubt > 0 {
		line += fmt.Sprintf(", %d in doubt (sent without a final answer: --resume looks them up)", doubt)
	}
	fmt.Fprintf(tw, "left\t%s, %d not sent\n", line, s.NotSent)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
