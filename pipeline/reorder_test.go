package pipeline

import (
	"reflect"
	"testing"
	"time"
)

// A result read back from the spill file must be the one that went in,
// byte for byte: the row's cells are the user's and are written out again.
func TestReorderSpillKeepsEveryField(t *testing.T) {
	o := newReorder(1, t.TempDir())
	defer o.close()
	mk := func(seq int) Result {
		row := &Row{Seq: seq, Line: seq + 2,
			Fields:   Fields{Email: "a@x.example", FirstName: "Jos\x8e", PrimaryPhoneNumber: "+14155550100"},
			Raw:      []string{"a@x.example", "Jos\x8e", "", "=\"0123\""},
			Prior:    map[string]string{"precheck": "passed"},
			Problems: []Problem{{Field: "firstName", Message: "holds U+FFFD"}},
			Notes:    []string{"trimmed"},
		}
		return Result{Row: row, Precheck: Failed, Outcome: Skipped, Capped: true, HTTPStatus: 400, InfoCodes: "1;2",
			ErrorCodes: "10022", Message: "m", TrackingID: "T", Attempts: 3, SubscriberID: "S",
			SubscriberStatus: "provisioned", LastStatusChange: "2026",
			RequestHash: "h", CheckedAt: time.Date(2026, 12, 1, 2, 3, 4, 5, time.UTC), PlanNote: "p",
			Descriptions: map[int]string{10022: "bad"}, Final: true, Resumed: true}
	}
	// Seq 0 is late: 1 stays in memory, 2 and 3 go to the file.
	for seq := 1; seq <= 3; seq++ {
		o.add(mk(seq))
	}
	if len(o.spills) != 2 {
		t.Fatalf("%d results spilled, want 2 (memory holds 1)", len(o.spills))
	}
	if _, ok, _ := o.pop(); ok {
		t.Fatal("popped a result before row 0 arrived")
	}
	o.add(mk(0))
	for seq := range 4 {
		got, ok, err := o.pop()
		if err != nil || !ok {
			t.Fatalf("seq %d: ok=%v err=%v", seq, ok, err)
		}
		if want := mk(seq); !reflect.DeepEqual(got, want) {
			t.Errorf("seq %d came back as\n%+v\n%+v\nwant\n%+v\n%+v", seq, got, *got.Row, want, *want.Row)
		}
	}
}

// A reorder file that cannot be read back (damaged, cut short) is an
// error, never a made-up or empty result in the row's place.
func TestReorderDamagedSpillIsAnError(t *testing.T) {
	o := newReorder(1, t.TempDir())
	defer o.close()
	row := func(seq int) Result {
		return Result{Row: &Row{Seq: seq, Line: seq + 2, Fields: Fields{Email: "a@x.example"}}, Precheck: Passed, Final: true}
	}
	o.add(row(1)) // memory
	o.add(row(2)) // the file
	if err := o.file.Truncate(3); err != nil {
		t.Fatal(err)
	}
	o.add(row(0))
	for seq := range 2 {
		if _, ok, err := o.pop(); !ok || err != nil {
			t.Fatalf("seq %d: ok=%v err=%v", seq, ok, err)
		}
	}
	if r, ok, err := o.pop(); err == nil || ok {
		t.Fatalf("a cut-short record came back as ok=%v %+v", ok, r)
	}
}
