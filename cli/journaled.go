package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/journal"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// keepsJournaled refuses, before anything is sent, a resumed run that would
// leave out a subscriber the earlier run sent a write for (a POST, a
// DELETE, a consent email): its row moved outside --rows or --match, or
// is gone from an edited input. The run would not write it, and would
// then delete the journal, the only record left of it.
func (j *job) keepsJournaled(ctx context.Context) error {
	if j.jr == nil || j.jr.old == nil || j.jr.old.Count(journal.KindIntent) == 0 {
		return nil
	}
	sent := map[string]int{} // email -> line in the earlier run
	err := j.jr.old.Each(journal.KindIntent, func(e journal.Entry) error {
		var d struct{ Email string }
		_ = json.Unmarshal(e.Data, &d)
		email := strings.TrimPrefix(e.Key, "email:")
		if d.Email != "" {
			email = strings.ToLower(d.Email)
		}
		sent[email] = e.Line
		return nil
	})
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	in, err := openInput(j.cfg, j.env)
	if err != nil {
		return err
	}
	defer in.close()
	err = in.src.Each(ctx, func(r pipeline.Row) error {
		if !j.cfg.sel.empty() && !j.cfg.sel.takes(&r) {
			return nil
		}
		email := check.Trim(r.Fields.Email)
		if norm, _, err := check.Email(email); err == nil {
			email = norm
		}
		delete(sent, strings.ToLower(email))
		return nil
	})
	if err != nil || len(sent) == 0 {
		return err // a broken line is the run's to report
	}
	type left struct {
		email string
		line  int
	}
	var out []left
	for e, l := range sent {
		out = append(out, left{e, l})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].line < out[b].line })
	names := make([]string, 0, min(len(out), 5))
	for _, l := range out[:min(len(out), 5)] {
		names = append(names, fmt.Sprintf("%s (its line %d then)", l.email, l.line))
	}
	more := ""
	if len(out) > 5 {
		more = fmt.Sprintf(" and %d more", len(out)-5)
	}
	return usagef("the run being resumed sent a %s request for %d subscribers that this run would not write (not among the rows of %s%s): %s%s. Put their rows back (or widen the selection) and run the same command again; %s is kept: it is the only record of them. Nothing was sent",
		j.cfg.cmd.Name, len(out), j.cfg.input, selectionNote(j.cfg), strings.Join(names, ", "), more, j.jr.path)
}

// selectionNote names the selection flags in use, for a message.
func selectionNote(cfg *config) string {
	if cfg.sel.empty() {
		return ""
	}
	return " that --rows, --match and --skip take"
}
