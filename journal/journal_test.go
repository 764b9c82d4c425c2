package journal_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/journal"
)

func TestJournalRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv.journal")
	w, err := journal.Create(path, journal.Header{Command: "precheck", InputHash: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	// Concurrent writers, as the workers are.
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			data, _ := json.Marshal(map[string]int{"n": i})
			if err := w.Add(journal.Entry{Seq: i, Line: i + 2, Kind: journal.KindResult, Data: data}, i%10 == 0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// A later entry for the same row wins.
	if err := w.Add(journal.Entry{Seq: 7, Line: 9, Kind: journal.KindResult, Data: json.RawMessage(`{"n":700}`)}, false); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(journal.Entry{Seq: 3, Line: 5, Kind: journal.KindIntent, Data: json.RawMessage(`{"post":true}`)}, true); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Header.InputHash != "abc" || ix.Results() != 100 {
		t.Fatalf("header %+v, %d results", ix.Header, ix.Results())
	}
	e, ok, err := ix.Result(7)
	if err != nil || !ok || string(e.Data) != `{"n":700}` || e.Line != 9 {
		t.Fatalf("row 7: %+v %v %v", e, ok, err)
	}
	if _, ok, _ := ix.Result(100); ok {
		t.Fatal("row 100 was never written")
	}
	if e, ok, _ := ix.Intent(3); !ok || string(e.Data) != `{"post":true}` {
		t.Fatalf("intent: %+v %v", e, ok)
	}
}

func TestJournalTornTailIsIgnoredThenCut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	w, err := journal.Create(path, journal.Header{Command: "precheck"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(journal.Entry{Seq: 0, Line: 2, Kind: journal.KindResult, Data: json.RawMessage(`{}`)}, false); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// A crash in the middle of a write leaves half a line.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":1,"line":3,"kind":"res`)
	f.Close()

	ix, err := journal.Load(path)
	if err != nil {
		t.Fatalf("a torn last line must not stop a resume: %v", err)
	}
	if ix.Results() != 1 {
		t.Fatalf("%d results, want 1", ix.Results())
	}
	ix.Close()
	// Appending after the crash must not glue onto the torn line.
	w, err = journal.Append(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(journal.Entry{Seq: 1, Line: 3, Kind: journal.KindResult, Data: json.RawMessage(`{}`)}, false); err != nil {
		t.Fatal(err)
	}
	w.Close()
	ix, err = journal.Load(path)
	if err != nil || ix.Results() != 2 {
		t.Fatalf("after append: %v, %d results", err, ix.Results())
	}
	ix.Close()
}

func TestJournalErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := journal.Load(filepath.Join(dir, "none")); !errors.Is(err, journal.ErrNoJournal) {
		t.Errorf("missing: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("{\"tool\":\"x\"}\nnot json\n{\"seq\":1}\n"), 0o600)
	if _, err := journal.Load(bad); err == nil {
		t.Error("a damaged line in the middle must be reported")
	}
}

// Add writes an entry's line by hand for speed: every line must be what
// encoding/json writes for the same Entry, including the shapes it hands
// back to encoding/json (a multi-line Data, an odd kind, no Data).
func TestAddWritesWhatEncodingJSONWrites(t *testing.T) {
	entries := []journal.Entry{
		{Seq: 0, Line: 2, Kind: journal.KindResult, Data: marshal(t, map[string]any{"email": `a"b@x.com`, "n": 1.5e3, "u": "é<>&\u2028"})},
		{Seq: 41, Line: 1_000_002, Kind: journal.KindIntent, Data: json.RawMessage(`{"post":true}`)},
		{Seq: -1, Line: -5, Kind: journal.KindPrecheck, Data: json.RawMessage(`[1,2]`)},
		{Seq: 3, Line: 4, Kind: journal.KindResult},                                            // no data: null
		{Seq: 5, Line: 6, Kind: journal.KindResult, Data: json.RawMessage("{\n  \"a\": 1\n}")}, // indented: compacted
		{Seq: 7, Line: 8, Kind: "Odd \"kind\"", Data: json.RawMessage(`1`)},                    // needs escaping
	}
	path := filepath.Join(t.TempDir(), "j")
	w, err := journal.Create(path, journal.Header{})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	hdr, _ := json.Marshal(journal.Header{})
	want.Write(append(hdr, '\n'))
	for _, e := range entries {
		if err := w.Add(e, false); err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(&want).Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("journal differs from encoding/json's lines:\n--- got\n%s--- want\n%s", got, want.Bytes())
	}
}

func marshal(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
