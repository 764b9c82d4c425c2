package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wholesale-batch/wholesale-batch/journal"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// resumable is the crash-safety of a run: the journal it writes and, with
// --resume, the journal of the earlier run it continues.
type resumable struct {
	path string
	old  *journal.Index // nil for a fresh run (until a second pass reloads it)
	// resumed: the journal is an earlier run's, continued; a run that
	// leaves nothing behind keeps it.
	resumed bool
	w       *journal.Writer
	// damaged lists the old journal's unreadable lines: their rows are
	// unknown, so every POST is preceded by a look-up.
	damaged []int
	// unknown: an earlier journal of this run was lost (see
	// journal.Header.Unknown): every row may have been sent.
	unknown bool
	emptied bool // this run found the journal empty
	// input is the fingerprint of this run's input, for the manifest too.
	input report.ManifestInput
}

// fingerprint identifies the input, so a resumed run refuses a changed file.
func fingerprint(path string) (size int64, sum string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	size, err = io.Copy(h, f)
	return size, hex.EncodeToString(h.Sum(nil)), err
}

// openJournal starts the journal of a run, or reopens the one to resume.
// It refuses to silently start over an unfinished run: for provisioning
// that could create a subscriber twice.
func openJournal(cfg *config) (*resumable, error) {
	if cfg.output == "-" || cfg.input == "-" {
		if cfg.resume {
			return nil, usagef("--resume needs --input and --output files (not \"-\"): the journal lives beside the output")
		}
		return nil, nil
	}
	path := journal.Path(cfg.output)
	size, sum, err := fingerprint(cfg.input)
	if err != nil {
		return nil, usagef("cannot read the input: %v", unwrapPath(err))
	}
	hdr := journal.Header{Tool: "wholesale-batch " + Version, Command: cfg.cmd.Name, Input: cfg.input,
		InputSize: size, InputHash: sum, Started: time.Now().UTC()}

	old, err := journal.Load(path)
	switch {
	case errors.Is(err, journal.ErrNoJournal):
		if cfg.resume {
			return nil, usagef("nothing to resume: %s does not exist (a run that finished removes its journal); run without --resume", path)
		}
		w, err := journal.Create(path, hdr)
		if err != nil {
			return nil, usagef("cannot create the journal: %v", unwrapPath(err))
		}
		return &resumable{path: path, w: w, input: report.ManifestInput{Path: cfg.input, SizeBytes: size, SHA256: sum}}, nil
	case errors.Is(err, journal.ErrEmpty):
		return resumeEmpty(cfg, path, hdr)
	case err != nil:
		return nil, usagef("cannot read the journal: %v", err)
	}
	if !cfg.resume {
		old.Close()
		return nil, usagef("%s exists: an earlier %s run into %s did not finish. Add --resume to continue it (rows already done are not sent again), or delete %s to start over",
			path, orWord(old.Header.Command, "unknown"), cfg.output, path)
	}
	damaged := len(old.Damaged) > 0 && old.Damaged[0] == 1
	switch {
	case damaged && !cfg.force:
		old.Close()
		return nil, usagef("the first line of %s (which run it belongs to) is damaged, so it cannot be checked against this run; add --force to resume anyway: every row not found in it is done again, and provisioning looks each subscriber up before sending", path)
	case !damaged && old.Header.Command != hdr.Command:
		old.Close()
		return nil, usagef("the journal %s belongs to a %s run, not %s", path, old.Header.Command, hdr.Command)
	case !damaged && old.Header.InputHash != hdr.InputHash && !cfg.force:
		old.Close()
		return nil, usagef("%s changed since the run being resumed (SHA-256 differs): rows may have moved, so resuming could skip or repeat rows. Restore the file, or add --force to resume anyway", cfg.input)
	}
	w, err := journal.Append(path)
	if err != nil {
		old.Close()
		return nil, usagef("cannot reopen the journal: %v", unwrapPath(err))
	}
	return &resumable{path: path, old: old, resumed: true, unknown: old.Header.Unknown, w: w, damaged: old.Damaged, input: report.ManifestInput{Path: cfg.input, SizeBytes: size, SHA256: sum}}, nil
}

// resumeEmpty answers a journal of 0 bytes: a run killed before its
// first line reached the disk. What it sent is unknown, so only --resume
// --force goes on, as for a damaged header: a new journal that says so,
// every row done again, each subscriber looked up before a write.
func resumeEmpty(cfg *config, path string, hdr journal.Header) (*resumable, error) {
	switch {
	case !cfg.resume:
		return nil, usagef("%s is empty: an earlier %s run into %s stopped before it recorded anything, so what it sent is unknown. Add --resume --force to continue it (every row is done again; provisioning and remove look each subscriber up first), or delete %s to start over",
			path, cfg.cmd.Name, cfg.output, path)
	case !cfg.force:
		return nil, usagef("%s is empty, so it cannot be checked against this run: add --force to resume anyway (every row is done again; provisioning and remove look each subscriber up first), or delete %s to start over", path, path)
	}
	hdr.Unknown = true
	w, err := journal.Create(path, hdr)
	if err != nil {
		return nil, usagef("cannot create the journal: %v", unwrapPath(err))
	}
	return &resumable{path: path, w: w, resumed: true, unknown: true, emptied: true, input: report.ManifestInput{Path: cfg.input, SizeBytes: hdr.InputSize, SHA256: hdr.InputHash}}, nil
}

func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

// damagedNote names the journal lines that could not be read, for stderr.
func (r *resumable) damagedNote() string {
	if r != nil && r.emptied {
		return fmt.Sprintf("%s was empty: every row is done again, and provisioning and remove look each subscriber up before sending", r.path)
	}
	if r == nil || len(r.damaged) == 0 {
		return ""
	}
	lines := make([]string, 0, min(len(r.damaged), 10))
	for _, n := range r.damaged[:min(len(r.damaged), 10)] {
		lines = append(lines, strconv.Itoa(n))
	}
	more := ""
	if len(r.damaged) > 10 {
		more = fmt.Sprintf(" and %d more", len(r.damaged)-10)
	}
	return fmt.Sprintf("%s: line %s%s damaged and skipped; every other line is used. Rows they recorded are done again, and provisioning looks every subscriber up before sending it",
		r.path, strings.Join(lines, ", "), more)
}

// wrap journals every final result as it finishes and, when resuming,
// answers rows the old journal holds without sending them again.
func (r *resumable) wrap(work pipeline.Worker) pipeline.Worker {
	return r.wrapKind(journal.KindResult, work)
}

// wrapKind is wrap for the entries of one kind (a provisioning run
// journals its precheck pass apart from its results).
func (r *resumable) wrapKind(kind string, work pipeline.Worker) pipeline.Worker {
	if r == nil {
		return work
	}
	return func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		if res, ok := r.lookup(kind, row); ok {
			return res
		}
		res := work(ctx, row)
		if res.Final {
			if err := r.record(kind, row, res); err != nil && res.Fatal == nil {
				// Without the journal a crash could repeat work: stop.
				res.Fatal = err
			}
		}
		return res
	}
}

func (r *resumable) lookup(kind string, row *pipeline.Row) (pipeline.Result, bool) {
	if r == nil || r.old == nil {
		return pipeline.Result{}, false
	}
	e, ok, err := r.old.Get(kind, tasks.Identity(row))
	if err != nil || !ok {
		return pipeline.Result{}, false
	}
	var res pipeline.Result
	if json.Unmarshal(e.Data, &res) != nil || !res.Final {
		return pipeline.Result{}, false
	}
	res.Row = row
	res.Resumed = true
	return res, true
}

func (r *resumable) record(kind string, row *pipeline.Row, res pipeline.Result) error {
	data, err := json.Marshal(res)
	if err != nil {
		return err
	}
	return r.w.Add(journal.Entry{Seq: row.Seq, Line: row.Line, Kind: kind, Key: tasks.Identity(row), Data: data}, journal.Buffered)
}

// reload reads the journal again, with what this run has added: the
// provisioning pass reads the precheck pass's results from it.
func (r *resumable) reload() error {
	if r.old != nil {
		r.old.Close()
	}
	ix, err := journal.Load(r.path)
	if err != nil {
		return err
	}
	r.old, r.damaged = ix, ix.Damaged
	r.unknown = r.unknown || ix.Header.Unknown
	return nil
}

// intentKey: a POST creates the subscriber of an email, wherever its row
// is and whatever else it holds, so intents are known by the email.
func intentKey(row *pipeline.Row) string {
	return "email:" + strings.ToLower(row.Fields.Email)
}

// Sent reports that an earlier run may have sent row's POST: it journaled
// an intent for the email, or lost lines of its journal.
func (r *resumable) Sent(row *pipeline.Row) bool {
	if r != nil && r.unknown {
		return true
	}
	if r == nil || r.old == nil {
		return false
	}
	return len(r.damaged) > 0 || r.old.Has(journal.KindIntent, intentKey(row))
}

// Record journals, and syncs to disk, that row is about to be sent.
func (r *resumable) Record(row *pipeline.Row) error {
	data, _ := json.Marshal(map[string]string{"email": row.Fields.Email, "at": time.Now().UTC().Format(time.RFC3339Nano)})
	return r.w.Add(journal.Entry{Seq: row.Seq, Line: row.Line, Kind: journal.KindIntent, Key: intentKey(row), Data: data}, journal.Synced)
}

// close ends the journal; a run that wrote every row final removes it, so
// the next run into the same output starts fresh.
// A second call does nothing.
func (r *resumable) close(complete bool) error {
	if r == nil || r.w == nil {
		return nil
	}
	if r.old != nil {
		r.old.Close()
		r.old = nil
	}
	err := r.w.Close()
	r.w = nil
	if err == nil && complete {
		err = os.Remove(r.path)
	}
	return err
}

// resumeCommand is the exact command that continues this run.
func resumeCommand(args []string) string {
	parts := []string{"wholesale-batch"}
	for _, a := range args {
		if a == "--resume" || a == "-resume" {
			continue
		}
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(append(parts, "--resume"), " ")
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`|&;<>()*?[]#~!{}") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
