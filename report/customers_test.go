package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// A run over several customers is judged per customer: the summary, the
// manifest and the HTML report each count rows by customer.
func TestPerCustomerCounts(t *testing.T) {
	s := report.NewSummary(command.Provision)
	row := func(cust, ext string) *pipeline.Row {
		return &pipeline.Row{Fields: pipeline.Fields{Email: "x@y.z", CustomerID: cust, ExternalCustomerID: ext}}
	}
	for _, r := range []pipeline.Result{
		{Row: row("c-acme", "acme-001"), Precheck: pipeline.Passed, Outcome: pipeline.Provisioned, Final: true},
		{Row: row("c-acme", "acme-001"), Precheck: pipeline.Passed, Outcome: pipeline.Skipped, Final: true},
		{Row: row("c-globex", ""), Precheck: pipeline.Failed, Outcome: pipeline.Skipped, ErrorCodes: "10022", Final: true},
		{Row: row("", "nope-9"), Precheck: pipeline.Invalid, Outcome: pipeline.Skipped, Final: true},
	} {
		s.Add(r)
	}
	var out bytes.Buffer
	s.Print(&out, report.RunFacts{Offline: true})
	for _, want := range []string{"customer  externalId", "c-acme    acme-001    2", "c-globex  -", "-         nope-9"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	var m bytes.Buffer
	info := report.RunInfo{Tool: "wholesale-batch", Command: "provision", Start: time.Unix(0, 0)}
	if err := report.WriteManifest(&m, report.NewManifest(info, s, report.RunFacts{}, nil)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Customers []struct {
			ID, ExternalID string
			Rows           int
			Provision      map[string]int
		} `json:"customers"`
	}
	json.Unmarshal(m.Bytes(), &doc)
	if len(doc.Customers) != 3 || doc.Customers[1].ID != "c-acme" || doc.Customers[1].Rows != 2 || doc.Customers[1].Provision["provisioned"] != 1 {
		t.Errorf("manifest customers %+v", doc.Customers)
	}
	var page bytes.Buffer
	if err := report.WriteHTML(&page, info, s, report.RunFacts{}, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), `id="customers"`) || !strings.Contains(page.String(), "acme-001") || !strings.Contains(page.String(), "10022 ×1") {
		t.Error("the report has no per-customer section")
	}
}
