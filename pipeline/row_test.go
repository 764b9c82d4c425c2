package pipeline_test

import (
	"encoding/json"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// A journal written before the command table kept an outcome field per
// command: a resumed run reads each as the result's one outcome.
func TestResultReadsEarlierJournals(t *testing.T) {
	for _, c := range []struct{ json, precheck, outcome string }{
		{`{"precheck":"passed","provision":"pending","final":true}`, "passed", "pending"},
		{`{"consent":"sent","final":true}`, "", "sent"},
		{`{"remove":"removed","final":true}`, "", "removed"},
		{`{"precheck":"passed","outcome":"provisioned","final":true}`, "passed", "provisioned"},
	} {
		var r pipeline.Result
		if err := json.Unmarshal([]byte(c.json), &r); err != nil {
			t.Fatal(err)
		}
		if r.Precheck != c.precheck || r.Outcome != c.outcome || !r.Final {
			t.Errorf("%s: precheck %q outcome %q final %v", c.json, r.Precheck, r.Outcome, r.Final)
		}
	}
	// And what is written now comes back the same.
	in := pipeline.Result{Precheck: pipeline.Passed, Outcome: pipeline.Skipped, Capped: true, Attempts: 2, Final: true}
	b, _ := json.Marshal(in)
	var out pipeline.Result
	if err := json.Unmarshal(b, &out); err != nil || out.Outcome != in.Outcome || !out.Capped || out.Attempts != 2 {
		t.Errorf("round trip of %s: %+v, %v", b, out, err)
	}
}

// Took counts a call's attempts with the row's others and keeps its status
// and tracking id as the latest.
func TestTook(t *testing.T) {
	r := pipeline.Result{Attempts: 2, HTTPStatus: 503, TrackingID: "A"}
	r.Took(pipeline.Call{Attempts: 3, Status: 200, TrackingID: "B"})
	if r.Attempts != 5 || r.HTTPStatus != 200 || r.TrackingID != "B" {
		t.Errorf("%+v", r)
	}
}
