package cli_test

// Tests of issue 22's API-layer cases: an outcome is written only when the
// API's documented answer (or a look-up) proves it. Each case has the
// fake's behaviour that broke it: a front answering writes 200 with a
// sign-in page or {}, a list without items, an email in two customers, a
// subscriber without lastStatusChange, a precheck answered 200 with an
// unreadable body, every POST and look-up answered 502.

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// byEmail indexes result rows by their email.
func byEmail(rows []map[string]string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range rows {
		out[r["email"]] = r
	}
	return out
}

// want checks one row's outcome column and that its message says say.
func want(t *testing.T, rows map[string]map[string]string, email, col, outcome, say string) {
	t.Helper()
	r, ok := rows[email]
	if !ok {
		t.Errorf("%s: no result row", email)
		return
	}
	if r[col] != outcome || !strings.Contains(r["message"], say) {
		t.Errorf("%s: %s=%s %q; want %s saying %q", email, col, r[col], r["message"], outcome, say)
	}
}

// provisioned provisions emails (customer c1) through srv and returns the
// result file.
func provisioned(t *testing.T, srv *fakeapi.Running, emails ...string) string {
	t.Helper()
	in := writeFile(t, "in.csv", "email\n"+strings.Join(emails, "\n")+"\n")
	out := filepath.Join(t.TempDir(), "results.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, in, out)...); code > cli.ExitPartial {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	return out
}

// statusOf writes the status of emails (seeded in srv) as a result file,
// for subscribers the fake's tags keep from being provisioned through it.
func statusOf(t *testing.T, srv *fakeapi.Running, emails ...string) string {
	t.Helper()
	in := writeFile(t, "emails.csv", "email\n"+strings.Join(emails, "\n")+"\n")
	out := filepath.Join(t.TempDir(), "status.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "status", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0"); code != cli.ExitOK {
		t.Fatalf("status: exit %d\n%s", code, stderr)
	}
	return out
}

// editResults rewrites the cells of a result file's rows, by email.
func editResults(t *testing.T, path string, edits map[string]map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, rec := range recs[1:] {
		for k, v := range edits[rec[col["email"]]] {
			rec[col[k]] = v
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.WriteAll(recs)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Case 1: a DELETE answered 200 (a sign-in page, {}) while the subscriber
// remains is error naming the answer, never removed; a 204 is removed.
func TestRemoveTrustsOnlyTheDocumented204(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	emails := []string{"ann+signin@acme.example", "ben+ok200@acme.example", "cy@acme.example"}
	for _, e := range emails {
		srv.Server.AddSubscriber(fakeapi.Subscriber{Email: e, CustomerID: "c1"})
	}
	results := statusOf(t, srv, emails...)
	out := filepath.Join(t.TempDir(), "removed.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "remove", "--base-url", srv.URL,
		"--input", results, "--output", out, "--yes", "--rate", "0")
	if code != cli.ExitPartial {
		t.Errorf("exit %d, want 1\n%s", code, stderr)
	}
	rows := byEmail(readCSV(t, out))
	want(t, rows, "ann+signin@acme.example", "remove_result", "error", "HTTP 200 with an HTML page (body <!DOCTYPE html><html><head><title>Sign in")
	want(t, rows, "ann+signin@acme.example", "remove_result", "error", "not the documented 204")
	want(t, rows, "ann+signin@acme.example", "remove_result", "error", "the subscriber is still there")
	want(t, rows, "ben+ok200@acme.example", "remove_result", "error", "HTTP 200 with body {}, not the documented 204")
	want(t, rows, "cy@acme.example", "remove_result", "removed", "")
	if subs := srv.Server.Subscribers(); len(subs) != 2 {
		t.Errorf("%d subscribers left, want ann and ben", len(subs))
	}
}

// Case 2: consentMove answered 200 with an HTML page is error (nothing says
// the email went out), and not asked again; a 400 because the user
// consented in between is not_pending, not failed.
func TestResendConsentTrustsOnlyTheDocumented204(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	for _, e := range []string{"ann+signin@acme.example", "ben+consented@acme.example", "cy@acme.example", "dee+ok200@acme.example"} {
		srv.Server.AddSubscriber(fakeapi.Subscriber{Email: e, CustomerID: "c1", Status: fakeapi.StatusPendingUserMigration})
	}
	in := writeFile(t, "in.csv", "email\nann+signin@acme.example\nben+consented@acme.example\ncy@acme.example\ndee+ok200@acme.example\n")
	out := filepath.Join(t.TempDir(), "consent.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "resend-consent", "--base-url", srv.URL,
		"--input", in, "--output", out, "--older-than", "0s", "--yes", "--rate", "0")
	if code != cli.ExitPartial {
		t.Errorf("exit %d, want 1\n%s", code, stderr)
	}
	rows := byEmail(readCSV(t, out))
	want(t, rows, "ann+signin@acme.example", "consent_result", "error", "unknown whether the consent email went out (HTTP 200 with an HTML page")
	want(t, rows, "dee+ok200@acme.example", "consent_result", "error", "HTTP 200 with body {}, not the documented 204")
	want(t, rows, "ben+consented@acme.example", "consent_result", "not_pending", "status now provisioned")
	want(t, rows, "cy@acme.example", "consent_result", "sent", "")
	st := srv.Server.Stats()
	if len(st.ConsentsSent) != 1 || st.ConsentMoves != 4 {
		t.Errorf("consents sent %v after %d requests; want cy's alone, one request a row", st.ConsentsSent, st.ConsentMoves)
	}
}

// Case 4: a row whose provisioning answer was lost (provision_result
// error, no subscriber_id) is looked up by email in its customer and
// removed if found; not found, it is not_found and nothing is sent.
func TestRemoveLooksUpRowsInDoubt(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	results := provisioned(t, srv, "ann@acme.example", "ben@acme.example", "cy+badrequest@acme.example")
	lost := map[string]string{"provision_result": "error", "subscriber_id": "", "subscriber_status": "",
		"message": "outcome unknown (the server may have acted): HTTP 502; looking the subscriber up failed"}
	// ann exists (the POST worked, its answer was lost); cy's never did.
	editResults(t, results, map[string]map[string]string{"ann@acme.example": lost, "cy+badrequest@acme.example": lost})
	out := filepath.Join(t.TempDir(), "removed.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "remove", "--base-url", srv.URL,
		"--input", results, "--output", out, "--yes", "--rate", "0")
	rows := byEmail(readCSV(t, out))
	want(t, rows, "ann@acme.example", "remove_result", "removed", "")
	want(t, rows, "ben@acme.example", "remove_result", "removed", "")
	want(t, rows, "cy+badrequest@acme.example", "remove_result", "not_found", "created none")
	if rows["ann@acme.example"]["subscriber_id"] == "" {
		t.Error("ann: the subscriber id found is not written")
	}
	if subs := srv.Server.Subscribers(); len(subs) != 0 {
		t.Errorf("left behind: %+v (exit %d)\n%s", subs, code, stderr)
	}
	if n := srv.Server.Stats().Deletes; n != 2 {
		t.Errorf("%d DELETEs, want 2", n)
	}
}

// Case 5: an email held by subscribers in two customers, on a row that
// names no customer, is error naming both for status and resend-consent
// (nothing sent); a row naming its customer gets that one.
func TestEmailInTwoCustomersIsNotGuessed(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	srv.Server.AddSubscriber(fakeapi.Subscriber{Email: "ann+twin@acme.example", CustomerID: "c1"})
	in := writeFile(t, "in.csv", "email,customerId\nann+twin@acme.example,\nann+twin@acme.example,c1\n")
	env := map[string]string{"WEBEX_TOKEN": token}
	dir := t.TempDir()
	status := filepath.Join(dir, "status.csv")
	code, _, stderr := run(t, env, "status", "--base-url", srv.URL, "--input", in, "--output", status, "--rate", "0")
	rows := readCSV(t, status)
	if code == cli.ExitOK || len(rows) != 2 {
		t.Fatalf("status: exit %d, %d rows\n%s", code, len(rows), stderr)
	}
	if r := rows[0]; r["provision_result"] != "error" || !strings.Contains(r["message"], "2 subscribers have the email ann+twin@acme.example, in customers c1, twin-c1") {
		t.Errorf("no customer: %s %q; want error naming c1 and twin-c1", r["provision_result"], r["message"])
	}
	if r := rows[1]; r["provision_result"] != "provisioned" {
		t.Errorf("customer c1: %s %q; want provisioned", r["provision_result"], r["message"])
	}
	consent := filepath.Join(dir, "consent.csv")
	run(t, env, "resend-consent", "--base-url", srv.URL, "--input", in, "--output", consent, "--older-than", "0s", "--yes", "--rate", "0")
	rows = readCSV(t, consent)
	if r := rows[0]; r["consent_result"] != "error" || !strings.Contains(r["message"], "twin-c1") {
		t.Errorf("resend-consent, no customer: %s %q; want error naming the customers", r["consent_result"], r["message"])
	}
	if n := srv.Server.Stats().ConsentMoves; n != 0 {
		t.Errorf("%d consent requests, want none", n)
	}
}

// Case 6: a list answered 200 {} is not "none": status and resend-consent
// write error (not not_found), and the customers look-up says the look-up
// failed, not that no customer has the externalId.
func TestListWithoutItemsIsAnError(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	srv.Server.AddSubscriber(fakeapi.Subscriber{Email: "ann+noitems@acme.example", CustomerID: "c1", Status: fakeapi.StatusPendingUserMigration})
	in := writeFile(t, "in.csv", "email\nann+noitems@acme.example\n")
	env := map[string]string{"WEBEX_TOKEN": token}
	dir := t.TempDir()
	const say = "HTTP 200 with body {}, not a subscriber list with items"
	status := filepath.Join(dir, "status.csv")
	run(t, env, "status", "--base-url", srv.URL, "--input", in, "--output", status, "--rate", "0", "--max-retries", "1")
	want(t, byEmail(readCSV(t, status)), "ann+noitems@acme.example", "provision_result", "error", say)
	consent := filepath.Join(dir, "consent.csv")
	run(t, env, "resend-consent", "--base-url", srv.URL, "--input", in, "--output", consent, "--older-than", "0s", "--yes", "--rate", "0", "--max-retries", "1")
	want(t, byEmail(readCSV(t, consent)), "ann+noitems@acme.example", "consent_result", "error", say)

	cin := writeFile(t, "c.csv", "email,externalCustomerId\nben@acme.example,acme+noitems\n")
	pre := filepath.Join(dir, "pre.csv")
	run(t, env, "precheck", "--base-url", srv.URL, "--input", cin, "--output", pre, "--rate", "0", "--max-retries", "1")
	want(t, byEmail(readCSV(t, pre)), "ben@acme.example", "precheck_result", "error",
		"looking up externalCustomerId acme+noitems failed: HTTP 200 with body {}, not a customer list with items")
}

// Case 7: --older-than needs a known age: a pending subscriber without
// lastStatusChange is not sent, with the reason; one pending long enough is.
func TestOlderThanNeedsAKnownAge(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	long := time.Now().Add(-100 * time.Hour)
	srv.Server.AddSubscriber(fakeapi.Subscriber{Email: "ann+nochange@acme.example", CustomerID: "c1", Status: fakeapi.StatusPendingUserMigration, Created: long})
	srv.Server.AddSubscriber(fakeapi.Subscriber{Email: "ben@acme.example", CustomerID: "c1", Status: fakeapi.StatusPendingUserMigration, Created: long})
	in := writeFile(t, "in.csv", "email\nann+nochange@acme.example\nben@acme.example\n")
	out := filepath.Join(t.TempDir(), "consent.csv")
	run(t, map[string]string{"WEBEX_TOKEN": token}, "resend-consent", "--base-url", srv.URL, "--input", in, "--output", out,
		"--older-than", "72h", "--yes", "--rate", "0")
	rows := byEmail(readCSV(t, out))
	want(t, rows, "ann+nochange@acme.example", "consent_result", "too_recent", "no readable lastStatusChange")
	want(t, rows, "ben@acme.example", "consent_result", "sent", "")
	if sent := srv.Server.Stats().ConsentsSent; len(sent) != 1 || sent["ben@acme.example"] != 1 {
		t.Errorf("consents sent %v, want ben's alone", sent)
	}
}

// Case 18: a precheck answered 200 with an unreadable body (an HTML page,
// JSON cut short) is retried like a 502, so one bad answer per row costs a
// retry, not the row (nor, with more than half the rows, the run). A
// provisioning POST answered so is never repeated: it is looked up.
func TestUnreadable2xxAnswers(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	var b strings.Builder
	b.WriteString("email\n")
	for i := range 30 {
		fmt.Fprintf(&b, "u%d+%s@acme.example\n", i, []string{"html200", "cut200"}[i%2])
	}
	in := writeFile(t, "in.csv", b.String())
	out := filepath.Join(t.TempDir(), "pre.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0")
	got := countColumn(readCSV(t, out), "precheck_result")
	if code != cli.ExitOK || got["passed"] != 30 {
		t.Errorf("precheck: exit %d, %v; want 30 passed\n%s", code, got, stderr)
	}

	pin := writeFile(t, "p.csv", "email\nann+signin@acme.example\n")
	pout := filepath.Join(t.TempDir(), "prov.csv")
	run(t, map[string]string{"WEBEX_TOKEN": token}, provisionArgs(srv, pin, pout)...)
	want(t, byEmail(readCSV(t, pout)), "ann+signin@acme.example", "provision_result", "error",
		"not counted as provisioned: the API answered HTTP 200 with a body that is not a subscriber")
	if n := srv.Server.Stats().PostsByEmail["ann+signin@acme.example"]; n != 1 {
		t.Errorf("%d POSTs for ann, want 1: an unreadable answer to a POST is looked up, never repeated", n)
	}
}

// Case 19: when every POST and every look-up answers 502, the provisioning
// pass stops as the precheck pass does, instead of trying every row.
func TestProvisioningBreakerTripsOnLostAnswers(t *testing.T) {
	t.Parallel()
	var posts, lists atomic.Int64
	base, _ := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, _ string) bool {
		switch {
		case isPost(r, ""):
			posts.Add(1)
		case r.Method == http.MethodGet && r.URL.Path == "/v1/wholesale/subscribers":
			lists.Add(1)
		default:
			return false
		}
		w.WriteHeader(http.StatusBadGateway)
		return true
	})
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "provision", "--base-url", base, "--input", emailsFile(t, 40),
		"--output", out, "--customer-id", "c1", "--package", "webex_meetings", "--yes", "--rate", "0", "--max-retries", "1", "--concurrency", "2")
	if !strings.Contains(stderr, "stopped: ") || code == cli.ExitOK || code == cli.ExitPartial {
		t.Errorf("exit %d; want the breaker's stop\n%s", code, stderr)
	}
	if p := posts.Load(); p > 20 {
		t.Errorf("%d of 40 rows POSTed (%d look-ups); want the run stopped after about 11", p, lists.Load())
	}
	t.Logf("%d POSTs, %d look-ups before the stop", posts.Load(), lists.Load())
}

// Case 20: a redirect's message says "the API answered" once.
func TestRedirectMessageSaysItOnce(t *testing.T) {
	t.Parallel()
	base, _ := misbehaving(t, fakeapi.Options{}, func(w http.ResponseWriter, r *http.Request, _ string) bool {
		if !isPost(r, "") {
			return false
		}
		http.Redirect(w, r, "/v1/wholesale/subscribers", http.StatusSeeOther)
		return true
	})
	out := filepath.Join(t.TempDir(), "out.csv")
	run(t, map[string]string{"WEBEX_TOKEN": token}, "provision", "--base-url", base, "--input", emailsFile(t, 1),
		"--output", out, "--customer-id", "c1", "--package", "webex_meetings", "--yes", "--rate", "0")
	for _, r := range readCSV(t, out) {
		if msg := r["message"]; strings.Count(msg, "the API answered") != 1 || !strings.Contains(msg, "redirect (HTTP 303)") {
			t.Errorf("message %q: want \"the API answered\" once, naming the 303", msg)
		}
	}
}

// Case 20: an input cell that starts with a carriage return comes back with
// it (behind the quote that keeps a spreadsheet from running it), not
// starting with a line feed.
func TestCellStartingWithCRComesBack(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,firstName\nann@acme.example,\"\rAnn\"\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0"); code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	if got := rows[0]["firstName"]; got != "'\rAnn" {
		t.Errorf("firstName written %q, want %q", got, "'\rAnn")
	}
}
