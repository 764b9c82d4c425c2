package journal_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/journal"
)

// An empty journal is told apart (ErrEmpty), so the caller can say what to
// do; a journal that replaces a lost one says so in its header, for every
// later run.
func TestEmptyJournalAndUnknownHeader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv.journal")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := journal.Load(path); !errors.Is(err, journal.ErrEmpty) {
		t.Fatalf("empty journal: %v, want ErrEmpty", err)
	}
	w, err := journal.Create(path, journal.Header{Command: "provision", Unknown: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"email:a@x", "email:b@x"} {
		if err := w.Add(journal.Entry{Kind: journal.KindIntent, Key: k, Data: []byte(`{}`)}, journal.Synced); err != nil {
			t.Fatal(err)
		}
	}
	w.Add(journal.Entry{Kind: journal.KindResult, Key: "r1", Data: []byte(`{}`)}, journal.Buffered)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.Header.Unknown {
		t.Error("the header lost Unknown")
	}
	var keys []string
	if err := ix.Each(journal.KindIntent, func(e journal.Entry) error { keys = append(keys, e.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	if len(keys) != 2 || keys[0] != "email:a@x" || keys[1] != "email:b@x" {
		t.Errorf("Each(intent) gave %v", keys)
	}
}
