package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// roster is a fake of 300 subscribers in two customers (150 each: c1 on
// webex_calling, c2 on webex_suite) and a roster of 350 rows: per
// customer 40 on another package, 85 as they are, 50 new; the last 25 of
// each customer's subscribers are not in it.
func roster(t *testing.T, opts fakeapi.Options) (*fakeapi.Running, string) {
	t.Helper()
	opts.Customers = []fakeapi.Customer{{ID: "c1"}, {ID: "c2"}}
	opts.Bulk = []fakeapi.Bulk{{CustomerID: "c1", N: 150, Package: "webex_calling", Domain: "c1.example"},
		{CustomerID: "c2", N: 150, Package: "webex_suite", Domain: "c2.example"}}
	srv := fake(t, opts)
	var b strings.Builder
	b.WriteString("email,customerId,package,firstName,lastName\n")
	for _, c := range []struct{ id, now, other string }{{"c1", "webex_calling", "webex_suite"}, {"c2", "webex_suite", "webex_calling"}} {
		for i := 1; i <= 125; i++ {
			pkg := c.now
			if i <= 40 {
				pkg = c.other
			}
			// Upper case in some: the comparison is case-insensitive.
			email := fmt.Sprintf("user%d@%s.example", i, c.id)
			if i%7 == 0 {
				email = strings.ToUpper(email[:1]) + email[1:]
			}
			fmt.Fprintf(&b, "%s,%s,%s,User,%d\n", email, c.id, pkg, i)
		}
		for i := 1; i <= 50; i++ {
			fmt.Fprintf(&b, "new%d@%s.example,%s,webex_meetings,New,%d\n", i, c.id, c.id, i)
		}
	}
	in := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, in
}

// count counts a result file's rows by the value of col.
func count(t *testing.T, path, col string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, r := range readCSV(t, path) {
		n[r[col]]++
	}
	return n
}

// writes is what the fake was sent that changes something.
func writes(srv *fakeapi.Running) string {
	st := srv.Server.Stats()
	return fmt.Sprintf("%d prechecks, %d provisions, %d updates, %d deletes", st.Prechecks, st.Provisions, st.Updates, st.Deletes)
}

// The run: plan create 100, update 80, unchanged 170, extra 50;
// applied, the fake holds the roster (the extras kept); the same sync
// again has nothing to do; then --remove-missing removes the 50.
func TestSyncRoster(t *testing.T) {
	t.Parallel()
	srv, in := roster(t, fakeapi.Options{})
	dir := t.TempDir()
	env := map[string]string{"WEBEX_TOKEN": token}
	api := []string{"--base-url", srv.URL, "--rate", "0"}

	plan := filepath.Join(dir, "plan.csv")
	code, _, stderr := run(t, env, append([]string{"sync", "--input", in, "--output", plan, "--plan-only"}, api...)...)
	if code != cli.ExitOK {
		t.Fatalf("--plan-only: exit %d\n%s", code, stderr)
	}
	want := map[string]int{"create": 100, "update": 80, "unchanged": 170, "extra": 50}
	if got := count(t, plan, "sync_action"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("plan %v, want %v", got, want)
	}
	if w := writes(srv); w != "0 prechecks, 0 provisions, 0 updates, 0 deletes" {
		t.Errorf("--plan-only sent %s", w)
	}
	for _, line := range []string{"c1      50      40         85        0        0     25", "update (80): user1@c1.example (webex_calling → webex_suite)"} {
		if !strings.Contains(stderr, line) {
			t.Errorf("the plan lacks %q:\n%s", line, stderr)
		}
	}

	out := filepath.Join(dir, "sync.csv")
	manifest := filepath.Join(dir, "sync.json")
	code, _, stderr = run(t, env, append([]string{"sync", "--plan", plan, "--output", out, "--yes", "--summary-json", manifest}, api...)...)
	if code != cli.ExitOK {
		t.Fatalf("sync --plan: exit %d\n%s", code, stderr)
	}
	var m struct {
		Counts struct {
			Actions, Sync map[string]int
		}
		Customers []struct {
			ID      string
			Actions map[string]int
		}
	}
	if raw, err := os.ReadFile(manifest); err != nil || json.Unmarshal(raw, &m) != nil {
		t.Fatalf("the manifest: %v\n%s", err, raw)
	}
	if fmt.Sprint(m.Counts.Actions) != fmt.Sprint(want) || m.Counts.Sync["provisioned"] != 100 {
		t.Errorf("manifest counts: actions %v, sync %v", m.Counts.Actions, m.Counts.Sync)
	}
	if len(m.Customers) != 2 || fmt.Sprint(m.Customers[0].Actions) != "map[create:50 extra:25 unchanged:85 update:40]" {
		t.Errorf("manifest customers: %+v", m.Customers)
	}
	wantResults := map[string]int{"provisioned": 100, "updated": 80, "unchanged": 170, "kept": 50}
	if got := count(t, out, "sync_result"); fmt.Sprint(got) != fmt.Sprint(wantResults) {
		t.Errorf("results %v, want %v\n%s", got, wantResults, stderr)
	}
	if w := writes(srv); w != "100 prechecks, 100 provisions, 80 updates, 0 deletes" {
		t.Errorf("applying sent %s", w)
	}
	held := map[string]string{}
	for _, s := range srv.Server.Subscribers() {
		held[strings.ToLower(s.Email)] = s.Packages[0]
	}
	for _, r := range readCSV(t, in) {
		if got := held[strings.ToLower(r["email"])]; got != r["package"] {
			t.Errorf("%s holds %q, the roster says %q", r["email"], got, r["package"])
		}
	}
	if len(held) != 400 {
		t.Errorf("%d subscribers after the sync, want 400 (350 of the roster, 50 extra kept)", len(held))
	}

	again := filepath.Join(dir, "again.csv")
	before := writes(srv)
	page := filepath.Join(dir, "again.html")
	code, _, stderr = run(t, env, append([]string{"sync", "--input", in, "--output", again, "--yes", "--report", page}, api...)...)
	if code != cli.ExitOK {
		t.Fatalf("the same sync again: exit %d\n%s", code, stderr)
	}
	// The page is titled by the roster, opens with what was done, and has
	// no precheck boxes for a run that prechecked nothing.
	html, _ := os.ReadFile(page)
	for _, want := range []string{"<h1>wholesale-batch sync: roster.csv</h1>", `<p class="lead">350 unchanged, 50 kept.</p>`, "Every row is as the sheet says."} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the report lacks %s", want)
		}
	}
	for _, never := range []string{"<b>0</b>passed", "<b>0</b>failed", "ok to send"} {
		if strings.Contains(string(html), never) {
			t.Errorf("the report of a sync that prechecked nothing has %s", never)
		}
	}
	if w := writes(srv); w != before {
		t.Errorf("the same sync again sent something: %s, before %s", w, before)
	}
	if !strings.Contains(stderr, "nothing to do") {
		t.Errorf("the second sync does not say there is nothing to do:\n%s", stderr)
	}
	if got := count(t, again, "sync_result"); got["unchanged"] != 350 || got["kept"] != 50 {
		t.Errorf("the second sync: %v, want 350 unchanged, 50 kept", got)
	}

	// Guard rails: refused before anything is sent.
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"no --max-remove", []string{"--remove-missing"}, "--remove-missing needs --max-remove"},
		{"more than --max-remove", []string{"--remove-missing", "--max-remove", "49"}, "removes 50 subscribers, more than --max-remove 49"},
	} {
		before := writes(srv)
		code, _, stderr := run(t, env, append([]string{"sync", "--input", in, "--output", filepath.Join(dir, "refused.csv"), "--yes"}, append(tc.args, api...)...)...)
		if code != cli.ExitUsage || !strings.Contains(stderr, tc.says) {
			t.Errorf("%s: exit %d, want 2 saying %q\n%s", tc.name, code, tc.says, stderr)
		}
		if w := writes(srv); w != before {
			t.Errorf("%s: sent %s", tc.name, w)
		}
	}

	gone := filepath.Join(dir, "gone.csv")
	code, _, stderr = run(t, env, append([]string{"sync", "--input", in, "--output", gone, "--yes", "--remove-missing", "--max-remove", "50"}, api...)...)
	if code != cli.ExitOK {
		t.Fatalf("--remove-missing: exit %d\n%s", code, stderr)
	}
	if got := count(t, gone, "sync_result"); got["removed"] != 50 || got["unchanged"] != 350 {
		t.Errorf("--remove-missing: %v, want 50 removed, 350 unchanged", got)
	}
	if st := srv.Server.Stats(); st.Deletes != 50 || len(srv.Server.Subscribers()) != 350 {
		t.Errorf("%d DELETEs, %d subscribers left; want 50 and 350", st.Deletes, len(srv.Server.Subscribers()))
	}
}

// kill -9 at random points of a sync that creates, updates and removes,
// then --resume until it ends: every subscriber got one POST or one PUT,
// and was removed once (a DELETE whose answer a kill lost is sent again
// and answered 404, as remove does), and every row is written as it ended.
func TestSyncKillNineThenResume(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	srv := fake(t, fakeapi.Options{Latency: 10 * time.Millisecond, Customers: []fakeapi.Customer{{ID: "c1"}},
		Bulk: []fakeapi.Bulk{{CustomerID: "c1", N: 120, Package: "webex_calling", Domain: "c1.example"}}})
	var b strings.Builder
	b.WriteString("email,customerId,package\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "user%d@c1.example,c1,webex_suite\n", i)
	}
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "new%d@c1.example,c1,webex_meetings\n", i)
	}
	in := writeFile(t, "roster.csv", b.String())
	out := filepath.Join(t.TempDir(), "sync.csv")
	args := []string{"sync", "--base-url", srv.URL, "--input", in, "--output", out, "--yes", "--remove-missing", "--max-remove", "60",
		"--rate", "0", "--concurrency", "8"}
	kills := killAndResume(t, bin, args, soakOr(4, 2), 30*time.Millisecond, 200*time.Millisecond)
	got := count(t, out, "sync_result")
	if want := map[string]int{"provisioned": 40, "updated": 60, "removed": 60}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after %d kills: %v, want %v", kills, got, want)
	}
	st := srv.Server.Stats()
	for what, m := range map[string]map[string]int{"POSTs": st.PostsByEmail, "PUTs": st.UpdatesByID, "removals": st.Removed} {
		for k, n := range m {
			if n != 1 {
				t.Errorf("%s: %d %s after %d kills, want 1", k, n, what, kills)
			}
		}
	}
	if len(st.PostsByEmail) != 40 || len(st.UpdatesByID) != 60 || len(st.Removed) != 60 {
		t.Errorf("%d POSTs, %d PUTs, %d removals by subscriber; want 40, 60, 60", len(st.PostsByEmail), len(st.UpdatesByID), len(st.Removed))
	}
	if n := len(srv.Server.Subscribers()); n != 100 {
		t.Errorf("%d subscribers after the sync, want the roster's 100", n)
	}
	t.Logf("%d kills; %s", kills, writes(srv))
}

// A plan applied with --plan is refused, before anything is sent, when
// Webex changed since for a row it writes: a subscriber it would create
// now exists.
func TestSyncRefusesAStalePlan(t *testing.T) {
	t.Parallel()
	srv, in := roster(t, fakeapi.Options{})
	dir := t.TempDir()
	env := map[string]string{"WEBEX_TOKEN": token}
	api := []string{"--base-url", srv.URL, "--rate", "0"}
	plan := filepath.Join(dir, "plan.csv")
	if code, _, stderr := run(t, env, append([]string{"sync", "--input", in, "--output", plan, "--plan-only"}, api...)...); code != cli.ExitOK {
		t.Fatalf("--plan-only: exit %d\n%s", code, stderr)
	}
	srv.Server.AddSubscriber(fakeapi.Subscriber{Email: "new7@c1.example", CustomerID: "c1", Packages: []string{"webex_meetings"}, Status: fakeapi.StatusProvisioned})
	before := writes(srv)
	code, _, stderr := run(t, env, append([]string{"sync", "--plan", plan, "--output", filepath.Join(dir, "sync.csv"), "--yes"}, api...)...)
	if code != cli.ExitUsage || !strings.Contains(stderr, "new7@c1.example: planned create, but Webex now holds it") {
		t.Errorf("a stale plan: exit %d\n%s", code, stderr)
	}
	if w := writes(srv); w != before {
		t.Errorf("a stale plan sent %s", w)
	}
}

// The guard rails refuse before anything is sent: a plan that updates
// more than --max-update, and a customer whose rows name nobody (a
// broken export) whose subscribers would all go with --yes.
func TestSyncGuardRails(t *testing.T) {
	t.Parallel()
	srv, in := roster(t, fakeapi.Options{})
	broken := writeFile(t, "broken.csv", "email,customerId,package\n,c1,webex_calling\n,c1,webex_calling\nuser1@c2.example,c2,webex_suite\n")
	env := map[string]string{"WEBEX_TOKEN": token}
	for _, tc := range []struct {
		name, input string
		args        []string
		says        string
	}{
		{"more than --max-update", in, []string{"--max-update", "79"}, "changes the package of 80 subscribers, more than --max-update 79"},
		{"a broken export", broken, []string{"--remove-missing", "--max-remove", "300"}, "customer c1: the sheet names none of its 150 subscribers"},
		{"--max-remove alone", in, []string{"--max-remove", "5"}, "--max-remove bounds --remove-missing"},
	} {
		out := filepath.Join(t.TempDir(), "sync.csv")
		code, _, stderr := run(t, env, append([]string{"sync", "--input", tc.input, "--output", out, "--yes", "--base-url", srv.URL, "--rate", "0"}, tc.args...)...)
		if code != cli.ExitUsage || !strings.Contains(stderr, tc.says) {
			t.Errorf("%s: exit %d, want 2 saying %q\n%s", tc.name, code, tc.says, stderr)
		}
		if w := writes(srv); w != "0 prechecks, 0 provisions, 0 updates, 0 deletes" {
			t.Errorf("%s: sent %s", tc.name, w)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: left %s", tc.name, out)
		}
	}
}

// Rows pending the user's consent are left alone, or, with
// --resend-consent-older-than, reminded when they have waited that long.
func TestSyncResendsConsentToTheLongPending(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{Customers: []fakeapi.Customer{{ID: "c1"}}, Bulk: []fakeapi.Bulk{
		{CustomerID: "c1", N: 3, Package: "webex_meetings", Status: "pending_user_migration", Domain: "old.example", Created: time.Now().Add(-100 * time.Hour)},
		{CustomerID: "c1", N: 2, Package: "webex_meetings", Status: "pending_user_migration", Domain: "new.example"}}})
	var b strings.Builder
	b.WriteString("email,customerId,package\n")
	for _, d := range []string{"old", "new"} {
		for i := 1; i <= 3; i++ {
			if d == "new" && i == 3 {
				break
			}
			fmt.Fprintf(&b, "user%d@%s.example,c1,webex_meetings\n", i, d)
		}
	}
	in := writeFile(t, "roster.csv", b.String())
	env := map[string]string{"WEBEX_TOKEN": token}
	api := []string{"--base-url", srv.URL, "--rate", "0", "--yes"}
	out := filepath.Join(t.TempDir(), "a.csv")
	if code, _, stderr := run(t, env, append([]string{"sync", "--input", in, "--output", out}, api...)...); code != cli.ExitOK || count(t, out, "sync_result")["pending"] != 5 {
		t.Fatalf("without the flag: exit %d, %v\n%s", code, count(t, out, "sync_result"), stderr)
	}
	if n := srv.Server.Stats().ConsentMoves; n != 0 {
		t.Errorf("without the flag: %d consent emails", n)
	}
	out = filepath.Join(t.TempDir(), "b.csv")
	code, _, stderr := run(t, env, append([]string{"sync", "--input", in, "--output", out, "--resend-consent-older-than", "72h"}, api...)...)
	if got := count(t, out, "sync_result"); code != cli.ExitOK || got["sent"] != 3 || got["pending"] != 2 {
		t.Errorf("--resend-consent-older-than 72h: exit %d, %v, want 3 sent and 2 pending\n%s", code, got, stderr)
	}
	if n := srv.Server.Stats().ConsentMoves; n != 3 {
		t.Errorf("%d consent emails, want 3", n)
	}
}

// Removing takes the typed count of removals at a terminal ("yes" is not
// enough), and no terminal without --yes is refused once the plan shows
// there is something to do; a declined sync leaves no result and sends
// nothing.
func TestSyncRemovalTakesTheTypedCount(t *testing.T) {
	t.Parallel()
	srv, in := roster(t, fakeapi.Options{})
	dir := t.TempDir()
	out := filepath.Join(dir, "sync.csv")
	args := []string{"sync", "--base-url", srv.URL, "--input", in, "--output", out, "--rate", "0", "--remove-missing", "--max-remove", "50"}
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...); code != cli.ExitUsage || !strings.Contains(stderr, "--yes") {
		t.Fatalf("no terminal: exit %d\n%s", code, stderr)
	}
	for _, answer := range []string{"yes\n", "230\n", "\n"} {
		var errb bytes.Buffer
		code := cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader(answer), Stdout: io.Discard, Stderr: &errb,
			StdinTTY: true, Getenv: tokenOnly})
		if code != cli.ExitPartial || !strings.Contains(errb.String(), "This removes 50 subscribers (230 changes in all). Type 50 to go ahead") {
			t.Fatalf("answer %q: exit %d\n%s", answer, code, errb.String())
		}
		if w := writes(srv); w != "0 prechecks, 0 provisions, 0 updates, 0 deletes" {
			t.Fatalf("answer %q: sent %s", answer, w)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("answer %q: a declined sync left %s", answer, out)
		}
	}
	var errb bytes.Buffer
	code := cli.Run(context.Background(), args, cli.Env{Stdin: strings.NewReader("50\n"), Stdout: io.Discard, Stderr: &errb,
		StdinTTY: true, Getenv: tokenOnly})
	if code != cli.ExitOK {
		t.Fatalf("confirmed: exit %d\n%s", code, errb.String())
	}
	if got := count(t, out, "sync_result"); got["removed"] != 50 {
		t.Fatalf("confirmed: %v\n%s", got, errb.String())
	}
}

// tokenOnly is an environment holding only WEBEX_TOKEN.
func tokenOnly(k string) string {
	if k == "WEBEX_TOKEN" {
		return token
	}
	return ""
}

// Each write of a sync counts as done only on the answer the API documents
// for it: a create answered with a sign-in page, a PUT or DELETE answered
// 200 {} by something in between (nothing done), a PUT refused, a DELETE
// that keeps failing. None is written done; the retry file is the plan's
// rows to do again (those in doubt are --resume's), and sync --plan takes
// it.
func TestSyncTrustsOnlyTheDocumentedAnswer(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{Customers: []fakeapi.Customer{{ID: "c1"}}})
	for _, e := range []string{"ok+ok200@c1.example", "refused+updatefail@c1.example", "same@c1.example", "gone+ok200@c1.example", "down+e500@c1.example"} {
		srv.Server.AddSubscriber(fakeapi.Subscriber{Email: e, CustomerID: "c1", Packages: []string{"webex_calling"}})
	}
	in := writeFile(t, "roster.csv", "email,customerId,package\n"+
		"new+signin@c1.example,c1,webex_meetings\n"+
		"ok+ok200@c1.example,c1,webex_suite\n"+
		"refused+updatefail@c1.example,c1,webex_suite\n"+
		"same@c1.example,c1,webex_calling\n")
	dir := t.TempDir()
	out, retry := filepath.Join(dir, "sync.csv"), filepath.Join(dir, "retry.csv")
	args := []string{"sync", "--base-url", srv.URL, "--input", in, "--output", out, "--retry-file", retry, "--retry-failed", "--yes", "--rate", "0",
		"--remove-missing", "--max-remove", "2", "--max-retries", "1", "--retry-for", "0"}
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
	if code != cli.ExitPartial {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	got := map[string]string{}
	for _, r := range readCSV(t, out) {
		got[r["email"]] = r["sync_action"] + " " + r["sync_result"]
	}
	want := map[string]string{
		"new+signin@c1.example":         "create error",
		"ok+ok200@c1.example":           "update error",
		"refused+updatefail@c1.example": "update failed",
		"same@c1.example":               "unchanged unchanged",
		"gone+ok200@c1.example":         "extra error",
		"down+e500@c1.example":          "extra error",
	}
	for e, w := range want {
		if got[e] != w {
			t.Errorf("%s: %q, want %q", e, got[e], w)
		}
	}
	if n := len(srv.Server.Subscribers()); n != 5 {
		t.Errorf("%d subscribers, want the 5 there were: nothing was done", n)
	}
	rows := readCSV(t, retry)
	if len(rows) != 3 || rows[0]["sync_action"] != "update" || rows[2]["line"] != "7" {
		t.Fatalf("the retry file: %d rows, want the 3 refused or failed (the 2 in doubt are for --resume), with their sync_action and plan line\n%v", len(rows), rows)
	}
	code, _, stderr = run(t, map[string]string{"WEBEX_TOKEN": token}, "sync", "--base-url", srv.URL, "--plan", retry, "--output", filepath.Join(dir, "again.csv"),
		"--yes", "--rate", "0", "--remove-missing", "--max-remove", "2", "--max-retries", "1", "--retry-for", "0")
	if code != cli.ExitPartial || !strings.Contains(stderr, "plan: 1 row of 1 customer, and 2 subscribers the sheet does not name") {
		t.Errorf("sync --plan retry.csv: exit %d\n%s", code, stderr)
	}
}
