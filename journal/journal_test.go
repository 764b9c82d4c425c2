package journal_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/journal"
)

func key(i int) string { return fmt.Sprintf("row-%d", i) }

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
			d := journal.Buffered
			if i%10 == 0 {
				d = journal.Synced
			}
			if err := w.Add(journal.Entry{Seq: i, Line: i + 2, Kind: journal.KindResult, Key: key(i), Data: data}, d); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// A later entry for the same key wins.
	if err := w.Add(journal.Entry{Seq: 7, Line: 9, Kind: journal.KindResult, Key: key(7), Data: json.RawMessage(`{"n":700}`)}, journal.Buffered); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(journal.Entry{Seq: 3, Line: 5, Kind: journal.KindIntent, Key: "email:a@b.c", Data: json.RawMessage(`{"post":true}`)}, journal.Synced); err != nil {
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
	if ix.Header.InputHash != "abc" || ix.Header.Format != journal.FormatVersion || ix.Count(journal.KindResult) != 100 || len(ix.Damaged) != 0 {
		t.Fatalf("header %+v, %d results, damaged %v", ix.Header, ix.Count(journal.KindResult), ix.Damaged)
	}
	e, ok, err := ix.Get(journal.KindResult, key(7))
	if err != nil || !ok || string(e.Data) != `{"n":700}` || e.Line != 9 {
		t.Fatalf("row 7: %+v %v %v", e, ok, err)
	}
	if _, ok, _ := ix.Get(journal.KindResult, key(100)); ok {
		t.Fatal("row 100 was never written")
	}
	// Kinds are apart: a key with an intent has no result, and the reverse.
	if _, ok, _ := ix.Get(journal.KindResult, "email:a@b.c"); ok || ix.Has(journal.KindIntent, key(3)) {
		t.Fatal("kinds mixed up")
	}
	if e, ok, _ := ix.Get(journal.KindIntent, "email:a@b.c"); !ok || string(e.Data) != `{"post":true}` || !ix.Has(journal.KindIntent, "email:a@b.c") {
		t.Fatalf("intent: %+v %v", e, ok)
	}
}

func TestJournalTornTailIsIgnoredThenCut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	w, err := journal.Create(path, journal.Header{Command: "precheck"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(journal.Entry{Seq: 0, Line: 2, Kind: journal.KindResult, Key: key(0), Data: json.RawMessage(`{}`)}, journal.Buffered); err != nil {
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
	if ix.Count(journal.KindResult) != 1 || len(ix.Damaged) != 0 {
		t.Fatalf("%d results, damaged %v; want 1 and none (a torn tail is a row in flight)", ix.Count(journal.KindResult), ix.Damaged)
	}
	ix.Close()
	// Appending after the crash must not glue onto the torn line.
	w, err = journal.Append(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(journal.Entry{Seq: 1, Line: 3, Kind: journal.KindResult, Key: key(1), Data: json.RawMessage(`{}`)}, journal.Buffered); err != nil {
		t.Fatal(err)
	}
	w.Close()
	ix, err = journal.Load(path)
	if err != nil || ix.Count(journal.KindResult) != 2 || len(ix.Damaged) != 0 {
		t.Fatalf("after append: %v, %d results", err, ix.Count(journal.KindResult))
	}
	ix.Close()
}

// A damaged line loses only itself: every intact line before and after it
// is kept, and the damaged ones are named by line number.
func TestJournalDamagedLinesAreSkippedAndNamed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	w, err := journal.Create(path, journal.Header{Command: "provision"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		w.Add(journal.Entry{Seq: i, Line: i + 2, Kind: journal.KindResult, Key: key(i), Data: json.RawMessage(`{}`)}, journal.Buffered)
	}
	w.Close()
	b, _ := os.ReadFile(path)
	lines := bytes.SplitAfter(b, []byte("\n"))
	lines[2] = []byte("{\"seq\":1,\"li\x00\xffne\":3, garbage\n")                 // bit rot in row 1's line
	lines[4] = []byte("{\"seq\":3,\"line\":5,\"kind\":\"result\",\"data\":{}}\n") // no key
	os.WriteFile(path, bytes.Join(lines, nil), 0o600)

	ix, err := journal.Load(path)
	if err != nil {
		t.Fatalf("a damaged line must not lose the others: %v", err)
	}
	defer ix.Close()
	if fmt.Sprint(ix.Damaged) != "[3 5]" {
		t.Errorf("damaged %v, want journal lines [3 5]", ix.Damaged)
	}
	for i, want := range []bool{true, false, true, false, true} {
		if _, ok, _ := ix.Get(journal.KindResult, key(i)); ok != want {
			t.Errorf("row %d found=%v, want %v", i, ok, want)
		}
	}

	// A damaged header is named too (line 1); the entries still load.
	lines[0] = []byte("{\"tool\":\n")
	os.WriteFile(path, bytes.Join(lines, nil), 0o600)
	ix2, err := journal.Load(path)
	if err != nil || len(ix2.Damaged) == 0 || ix2.Damaged[0] != 1 || ix2.Count(journal.KindResult) != 3 {
		t.Fatalf("damaged header: %v, damaged %v", err, ix2.Damaged)
	}
	ix2.Close()
}

func TestJournalErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := journal.Load(filepath.Join(dir, "none")); !errors.Is(err, journal.ErrNoJournal) {
		t.Errorf("missing: %v", err)
	}
	old := filepath.Join(dir, "old")
	os.WriteFile(old, []byte("{\"tool\":\"x\",\"command\":\"provision\"}\n{\"seq\":1,\"line\":2,\"kind\":\"intent\"}\n"), 0o600)
	if _, err := journal.Load(old); err == nil || !strings.Contains(err.Error(), "older") {
		t.Errorf("a journal of the format before keys must be refused, not misread: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	if _, err := journal.Load(empty); err == nil {
		t.Error("an empty journal must be reported")
	}
}

// Add writes an entry's line by hand for speed: every line must be what
// encoding/json writes for the same Entry, including the shapes it hands
// back to encoding/json (a multi-line Data, an odd kind, no Data).
func TestAddWritesWhatEncodingJSONWrites(t *testing.T) {
	entries := []journal.Entry{
		{Seq: 0, Line: 2, Kind: journal.KindResult, Key: "0a1b2c", Data: marshal(t, map[string]any{"email": `a"b@x.com`, "n": 1.5e3, "u": "é<>&\u2028"})},
		{Seq: 41, Line: 1_000_002, Kind: journal.KindIntent, Key: "email:ann@acme.example", Data: json.RawMessage(`{"post":true}`)},
		{Seq: 42, Line: 43, Kind: journal.KindIntent, Key: "email:a\"b\\c\u00e9@x", Data: json.RawMessage(`{}`)}, // a key that needs escaping
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
	hdr, _ := json.Marshal(journal.Header{Format: journal.FormatVersion})
	want.Write(append(hdr, '\n'))
	for _, e := range entries {
		if err := w.Add(e, journal.Buffered); err != nil {
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
