package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// customerByExternal finds a default sandbox customer's id.
func customerByExternal(t *testing.T, srv *fakeapi.Running, ext string) string {
	t.Helper()
	for _, c := range srv.Server.Customers() {
		if c.ExternalID == ext {
			return c.ID
		}
	}
	t.Fatalf("no default customer %s", ext)
	return ""
}

// Four customers by the partner's own id: one resolves, one is unknown,
// one ambiguous, one not provisioned. One look-up per distinct value; the
// resolved rows are sent with its customerId; the others are invalid,
// naming why, and never sent. A row whose customerId disagrees is invalid.
func TestExternalCustomerIDs(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	acme := customerByExternal(t, srv, "acme-001")
	in := writeFile(t, "in.csv", "email,External Customer ID,customerId,Sub-Partner Org ID\n"+
		"ann@acme.example,acme-001,,\n"+ // 2
		"ben@acme.example,acme-001,,sub-9\n"+ // 3: on behalf of a sub-partner: its own look-up
		"cy@acme.example,acme-001,,\n"+ // 4
		"dee@nope.example,nope-999,,\n"+ // 5: unknown
		"eve@initech.example,initech-003,,\n"+ // 6: ambiguous
		"fay@initech.example,initech-003,,\n"+ // 7
		"gus@umbrella.example,umbrella-004,,\n"+ // 8: pending_rpl_review
		"hal@acme.example,acme-001,cust-other,\n") // 9: disagrees
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, out, "--customer-id", "")...)
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := map[string]string{
		"ann@acme.example": "provisioned", "ben@acme.example": "provisioned", "cy@acme.example": "provisioned",
		"dee@nope.example": "no customer has externalId", "eve@initech.example": "ambiguous: 2 customers",
		"fay@initech.example": "ambiguous", "gus@umbrella.example": "pending_rpl_review, not provisioned",
		"hal@acme.example": "name different customers",
	}
	for _, r := range readCSV(t, out) {
		w := want[r["email"]]
		if w == "provisioned" {
			if r["provision_result"] != "provisioned" || !strings.Contains(r["notes"], "customerId "+acme+" from externalCustomerId") {
				t.Errorf("%s: %s %q notes %q", r["email"], r["provision_result"], r["message"], r["notes"])
			}
			continue
		}
		if r["precheck_result"] != "invalid" || r["provision_result"] != "skipped" || !strings.Contains(r["message"], w) {
			t.Errorf("%s: %s/%s %q, want invalid saying %q", r["email"], r["precheck_result"], r["provision_result"], r["message"], w)
		}
	}
	st := srv.Server.Stats()
	for ext, n := range st.CustomerListsByExternalID {
		if n > 2 { // acme-001 twice: once on its own, once on behalf of sub-9
			t.Errorf("%s looked up %d times", ext, n)
		}
	}
	if st.CustomerListsByExternalID["nope-999"] != 1 || st.CustomerListsByExternalID["initech-003"] != 1 {
		t.Errorf("look-ups %v: want one per distinct value", st.CustomerListsByExternalID)
	}
	for email := range st.PostsByEmail {
		if !strings.HasSuffix(email, "@acme.example") || email == "hal@acme.example" {
			t.Errorf("%s was POSTed", email)
		}
	}
	for _, s := range srv.Server.Subscribers() {
		if s.CustomerID != acme {
			t.Errorf("%s created under %s, want %s", s.Email, s.CustomerID, acme)
		}
	}
}

// provision --canary 2: a customer whose second canary fails has its other
// rows skipped and never POSTed; another customer's go ahead.
func TestCanaryPerCustomer(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,customerId\n"+
		"a1@acme.example,cust-a\n"+ // canary
		"b1@beta.example,cust-b\n"+ // canary
		"a2+subfail@acme.example,cust-a\n"+ // canary: fails
		"b2@beta.example,cust-b\n"+ // canary
		"a3@acme.example,cust-a\n"+ // held back
		"b3@beta.example,cust-b\n"+ // goes
		"a4@acme.example,cust-a\n") // held back
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, out, "--customer-id", "", "--canary", "2",
		"--summary-json", filepath.Join(dir, "m.json"), "--report", filepath.Join(dir, "r.html"))...)
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := map[string]string{"a1@acme.example": "provisioned", "b1@beta.example": "provisioned", "a2+subfail@acme.example": "failed",
		"b2@beta.example": "provisioned", "a3@acme.example": "skipped", "b3@beta.example": "provisioned", "a4@acme.example": "skipped"}
	rows := readCSV(t, out)
	if len(rows) != 7 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, r := range rows {
		if r["line"] != string(rune('2'+i)) || r["provision_result"] != want[r["email"]] {
			t.Errorf("line %s %s: %s %q", r["line"], r["email"], r["provision_result"], r["message"])
		}
		if r["provision_result"] == "skipped" && !strings.Contains(r["message"], "canary line 4 ended failed") {
			t.Errorf("%s: %q does not name the canary", r["email"], r["message"])
		}
	}
	posts := srv.Server.Stats().PostsByEmail
	if posts["a3@acme.example"] != 0 || posts["a4@acme.example"] != 0 || posts["b3@beta.example"] != 1 {
		t.Errorf("POSTs %v", posts)
	}
	// The manifest and the report count each customer's rows.
	m, _ := os.ReadFile(filepath.Join(dir, "m.json"))
	var man struct {
		Customers []struct {
			ID        string         `json:"id"`
			Rows      int            `json:"rows"`
			Provision map[string]int `json:"provision"`
		} `json:"customers"`
	}
	if err := json.Unmarshal(m, &man); err != nil || len(man.Customers) != 2 || man.Customers[0].ID != "cust-a" ||
		man.Customers[0].Rows != 4 || man.Customers[0].Provision["skipped"] != 2 || man.Customers[1].Provision["provisioned"] != 3 {
		t.Errorf("manifest customers %+v (%v)", man.Customers, err)
	}
	if page, _ := os.ReadFile(filepath.Join(dir, "r.html")); !strings.Contains(string(page), `id="customers"`) {
		t.Error("the report has no per-customer section")
	}
	if !strings.Contains(stderr, "canary  cust-a: canary line 4 ended failed") || !strings.Contains(stderr, "canary  cust-b: 2 provisioned or pending") ||
		!strings.Contains(stderr, "each customer's first 2 rows that passed (4 rows) are provisioned first") {
		t.Errorf("the canaries are not reported per customer:\n%s", stderr)
	}
}
