package cli_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// twoCustomers is a fake with 250 subscribers of one customer and 40 of
// another, both registered as customers.
func twoCustomers(t *testing.T) *fakeapi.Running {
	t.Helper()
	return fake(t, fakeapi.Options{
		Customers: []fakeapi.Customer{{ID: "cust-big", ExternalID: "big-1"}, {ID: "cust-small", ExternalID: "small-1"}},
		Bulk: []fakeapi.Bulk{{CustomerID: "cust-big", N: 250, Domain: "big.example"},
			{CustomerID: "cust-small", N: 40, Domain: "small.example", Status: "pending_user_migration"}},
	})
}

// export --all-customers lists the customers once, then writes every
// subscriber once, in pages of 100: 250 take 3 pages, 40 one.
func TestExportAllCustomersWritesEachSubscriberOnce(t *testing.T) {
	t.Parallel()
	srv := twoCustomers(t)
	dir := t.TempDir()
	out, manifest := filepath.Join(dir, "subscribers.csv"), filepath.Join(dir, "m.json")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "export", "--all-customers", "--output", out,
		"--summary-json", manifest, "--base-url", srv.URL, "--rate", "0")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	seen := map[string]bool{}
	per := map[string]int{}
	for _, r := range rows {
		if seen[r["subscriber_id"]] {
			t.Errorf("subscriber %s written twice", r["subscriber_id"])
		}
		seen[r["subscriber_id"]] = true
		per[r["customerId"]]++
		if r["email"] == "" || r["input_email"] != r["email"] || r["package"] == "" || r["subscriber_status"] == "" || r["personId"] == "" && r["subscriber_status"] == "provisioned" {
			t.Fatalf("row without its fields: %v", r)
		}
	}
	if len(rows) != 290 || per["cust-big"] != 250 || per["cust-small"] != 40 {
		t.Errorf("%d rows (%v), want 290: 250 and 40", len(rows), per)
	}
	if st := srv.Server.Stats(); st.Lists != 4 || st.CustomerLists != 1 {
		t.Errorf("%d subscriber list requests and %d customer lists, want 4 (pages of 100) and 1", st.Lists, st.CustomerLists)
	}
	var m struct {
		Counts struct {
			Export map[string]int `json:"export"`
		} `json:"counts"`
	}
	if b, err := os.ReadFile(manifest); err != nil || json.Unmarshal(b, &m) != nil || m.Counts.Export["exported"] != 290 {
		t.Errorf("manifest counts.export = %v (%v), want exported: 290", m.Counts.Export, err)
	}
	if !strings.Contains(stderr, "export exported") {
		t.Errorf("summary lacks the count:\n%s", stderr)
	}
}

// The export is input for the follow-up commands: each reads it and acts
// on its rows (none refuses it as not a file it takes).
func TestExportIsInputForTheOtherCommands(t *testing.T) {
	t.Parallel()
	srv := twoCustomers(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "small.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	api := []string{"--base-url", srv.URL, "--rate", "0"}
	if code, _, stderr := run(t, env, append([]string{"export", "--external-customer-id", "small-1", "-o", out}, api...)...); code != cli.ExitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		col  string
		want string // every row's outcome
	}{
		{[]string{"status"}, "provision_result", "pending"},
		{[]string{"resend-consent", "--yes", "--older-than", "0s"}, "consent_result", "sent"},
		{[]string{"remove", "--yes"}, "remove_result", "removed"},
	} {
		res := filepath.Join(dir, tc.args[0]+".csv")
		code, _, stderr := run(t, env, append(append(tc.args, "--input", out, "--output", res), api...)...)
		if code == cli.ExitUsage {
			t.Errorf("%s refused the export: %s", tc.args[0], stderr)
			continue
		}
		rows := readCSV(t, res)
		if len(rows) != 40 {
			t.Errorf("%s: %d rows, want 40", tc.args[0], len(rows))
		}
		for _, r := range rows {
			if r[tc.col] != tc.want {
				t.Errorf("%s: %s %q, want %q (%v)", tc.args[0], tc.col, r[tc.col], tc.want, r["message"])
				break
			}
		}
	}
}

// An interrupt after two pages keeps them in the file and says the export
// is partial: exit 3.
func TestExportInterruptedIsPartial(t *testing.T) {
	t.Parallel()
	f := fakeapi.New(fakeapi.Options{Token: token, Customers: []fakeapi.Customer{}, Bulk: []fakeapi.Bulk{{CustomerID: "c1", N: 1000}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lists atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ServeHTTP(w, r)
		if r.URL.Path == "/v1/wholesale/subscribers" && lists.Add(1) == 2 {
			cancel() // the user presses Ctrl-C once the second page is answered
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "s.csv")
	var stderr strings.Builder
	code := cli.Run(ctx, []string{"export", "--customer-id", "c1", "-o", out, "--base-url", srv.URL + "/v1", "--rate", "0"},
		cli.Env{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &stderr, Getenv: func(k string) string {
			return map[string]string{"WEBEX_TOKEN": token}[k]
		}})
	if code != cli.ExitAborted || !strings.Contains(stderr.String(), "partial") {
		t.Fatalf("exit %d, want 3 and the word partial\n%s", code, stderr.String())
	}
	if rows := readCSV(t, out); len(rows) < 100 || len(rows) >= 1000 || len(rows)%100 != 0 {
		t.Errorf("%d rows written, want the whole pages before the interrupt", len(rows))
	}
}

// Every list request carries --on-behalf-of; a refusal before the first
// page (a 401) leaves no file.
func TestExportOnBehalfOfAndNoFileOn401(t *testing.T) {
	t.Parallel()
	f := fakeapi.New(fakeapi.Options{Token: token, Customers: []fakeapi.Customer{{ID: "c1"}}, Bulk: []fakeapi.Bulk{{CustomerID: "c1", N: 150}}})
	var missing atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("onBehalfOfSubPartnerOrgId") != "sub-9" {
			missing.Add(1)
		}
		f.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "s.csv")
	api := []string{"--base-url", srv.URL + "/v1", "--rate", "0", "--on-behalf-of", "sub-9"}
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, append([]string{"export", "--all-customers", "-o", out}, api...)...)
	if code != cli.ExitOK || missing.Load() != 0 || len(readCSV(t, out)) != 150 {
		t.Fatalf("exit %d, %d requests without the sub-partner\n%s", code, missing.Load(), stderr)
	}
	out2 := filepath.Join(dir, "s2.csv")
	code, _, stderr = run(t, map[string]string{"WEBEX_TOKEN": "wrong"}, append([]string{"export", "--all-customers", "-o", out2}, api...)...)
	if code != cli.ExitAborted {
		t.Errorf("401: exit %d, want 3\n%s", code, stderr)
	}
	if _, err := os.Stat(out2); err == nil {
		t.Errorf("a run refused at its first request left %s", out2)
	}
}

// Usage errors: nothing to list, two ways at once, an existing output
// without --overwrite, a --after that is no time.
func TestExportUsage(t *testing.T) {
	t.Parallel()
	existing := writeFile(t, "old.csv", "email\n")
	for _, args := range [][]string{
		{"export", "-o", filepath.Join(t.TempDir(), "x.csv")},
		{"export", "--all-customers", "--customer-id", "c1", "-o", filepath.Join(t.TempDir(), "x.csv")},
		{"export", "--customer-id", "c1"},
		{"export", "--customer-id", "c1", "-o", existing},
		{"export", "--customer-id", "c1", "-o", filepath.Join(t.TempDir(), "x.csv"), "--after", "yesterday"},
		{"export", "--customer-id", "c1", "-o", filepath.Join(t.TempDir(), "x.csv"), "--retry-file", filepath.Join(t.TempDir(), "r.csv")},
	} {
		code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, append(args, "--base-url", "http://127.0.0.1:1/v1")...)
		if code != cli.ExitUsage || !strings.Contains(stderr, "--") {
			t.Errorf("%v: exit %d, want 2 with the flag named\n%s", args, code, stderr)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "email\n" {
		t.Errorf("the existing file was replaced")
	}
}

// Memory stays flat: 250,000 subscribers of one customer go through the
// file while the heap, read at every page the fake serves, never holds
// them (about 100 MB if it did).
func TestExportMemoryFlat(t *testing.T) {
	// Not parallel: it measures the process's heap, which other tests share.
	// Holding every subscriber would take far more than the limit: the
	// file alone is about 330 bytes a subscriber.
	n, limit := soakOr(250_000, 50_000), soakOr(40<<20, 8<<20)
	f := fakeapi.New(fakeapi.Options{Token: token, Customers: []fakeapi.Customer{}, Bulk: []fakeapi.Bulk{{CustomerID: "c1", N: n}}})
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	var pages atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ServeHTTP(w, r)
		if pages.Add(1)%25 == 0 { // every 2,500 subscribers: ReadMemStats stops the world
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "s.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "export", "--customer-id", "c1", "-o", out,
		"--base-url", srv.URL+"/v1", "--rate", "0")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := int(pages.Load()); got != n/100 && got != n/100+1 { // +1: an empty page ends an offset listing
		t.Errorf("%d pages, want %d", got, n/100)
	}
	st, _ := os.Stat(out)
	if grew := int64(peak.Load()) - int64(base.HeapInuse); grew > int64(limit) {
		t.Errorf("heap grew by %d MB while exporting %d subscribers (file %d MB): it holds them", grew>>20, n, st.Size()>>20)
	}
	t.Logf("heap in use grew at most %d MB; file %d MB", (int64(peak.Load())-int64(base.HeapInuse))>>20, st.Size()>>20)
}

// A subscriber's errors[] are written as codes and words, and a value a
// spreadsheet would run as a formula is quoted, as in every result file.
func TestExportErrorsAndFormulaCells(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{Customers: []fakeapi.Customer{{ID: "c1"}}})
	srv.Server.AddSubscriber(fakeapi.Subscriber{ID: "s1", Email: "ann@acme.example", CustomerID: "c1", Packages: []string{"webex_calling"},
		Status: "error", Errors: []fakeapi.ErrorItem{{ErrorCode: 7001, Description: `=HYPERLINK("http://evil.example")`}}})
	out := filepath.Join(t.TempDir(), "s.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "export", "--customer-id", "c1", "-o", out, "--base-url", srv.URL, "--rate", "0"); code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	if len(rows) != 1 || rows[0]["error_codes"] != "7001" || rows[0]["message"] != `7001: =HYPERLINK("http://evil.example")` || rows[0]["provision_result"] != "error" {
		t.Errorf("rows %v", rows)
	}
	srv.Server.AddSubscriber(fakeapi.Subscriber{ID: "s2", Email: "bob@acme.example", CustomerID: "c1", Packages: []string{"webex_calling"},
		Status: "provisioned", ExternalCustomerID: "=1+1"})
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "export", "--customer-id", "c1", "-o", out, "--overwrite", "--base-url", srv.URL, "--rate", "0"); code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), ",'=1+1,") {
		t.Errorf("a formula cell is written as it is:\n%s", b)
	}
}

// --status is sent with every page: only the 40 pending subscribers.
func TestExportStatusFilter(t *testing.T) {
	t.Parallel()
	srv := twoCustomers(t)
	out := filepath.Join(t.TempDir(), "pending.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "export", "--all-customers", "--status", "pending_user_migration",
		"-o", out, "--base-url", srv.URL, "--rate", "0")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	for _, r := range rows {
		if r["subscriber_status"] != "pending_user_migration" || r["provision_result"] != "pending" {
			t.Fatalf("row %v", r)
		}
	}
	if len(rows) != 40 {
		t.Errorf("%d rows, want the 40 pending", len(rows))
	}
}
