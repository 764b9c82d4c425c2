package cli_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// mixedCustomer is a fake whose customer c1 has 40 subscribers on
// webex_calling (a calling package: moving to suite needs no number) and 20 on webex_suite, and the export of them.
func mixedCustomer(t *testing.T, opts fakeapi.Options) (*fakeapi.Running, string) {
	t.Helper()
	opts.Customers = []fakeapi.Customer{{ID: "c1"}}
	opts.Bulk = []fakeapi.Bulk{{CustomerID: "c1", N: 40, Package: "webex_calling", Domain: "meet.example"},
		{CustomerID: "c1", N: 20, Package: "webex_suite", Domain: "suite.example"}}
	srv := fake(t, opts)
	out := filepath.Join(t.TempDir(), "subscribers.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "export", "--customer-id", "c1", "-o", out,
		"--base-url", srv.URL, "--rate", "0"); code != cli.ExitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	return srv, out
}

// packages counts the fake's subscribers of c1 per package.
func packages(srv *fakeapi.Running) map[string]int {
	n := map[string]int{}
	for _, s := range srv.Server.Subscribers() {
		n[s.Packages[0]]++
	}
	return n
}

// 60 rows, 20 already on the new package: 40 PUTs, previous_package
// written; --revert on the output sends the 40 back.
func TestUpdateThenRevert(t *testing.T) {
	t.Parallel()
	srv, in := mixedCustomer(t, fakeapi.Options{})
	dir := t.TempDir()
	out, back := filepath.Join(dir, "updated.csv"), filepath.Join(dir, "reverted.csv")
	env := map[string]string{"WEBEX_TOKEN": token}
	code, _, stderr := run(t, env, "update", "--input", in, "--output", out, "--to", "webex_suite", "--yes", "--base-url", srv.URL, "--rate", "0")
	if code != cli.ExitOK {
		t.Fatalf("update: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "(looked up) → webex_suite") {
		t.Errorf("the plan does not say from → to:\n%s", stderr)
	}
	if st := srv.Server.Stats(); st.Updates != 40 {
		t.Errorf("%d PUTs, want 40 (20 rows were on webex_suite already)", st.Updates)
	}
	got := map[string]int{}
	for _, r := range readCSV(t, out) {
		got[r["update_result"]+" from "+r["previous_package"]]++
	}
	if got["updated from webex_calling"] != 40 || got["unchanged from webex_suite"] != 20 {
		t.Errorf("results %v, want 40 updated from webex_calling and 20 unchanged", got)
	}
	if p := packages(srv); p["webex_suite"] != 60 {
		t.Errorf("packages after the update: %v", p)
	}

	code, _, stderr = run(t, env, "update", "--revert", "--input", out, "--output", back, "--yes", "--base-url", srv.URL, "--rate", "0")
	if code != cli.ExitOK {
		t.Fatalf("update --revert: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "(looked up) → webex_calling  40") {
		t.Errorf("the revert's plan does not say from → to:\n%s", stderr)
	}
	if st := srv.Server.Stats(); st.Updates != 80 {
		t.Errorf("%d PUTs in all, want 80: 40 back", st.Updates)
	}
	if p := packages(srv); p["webex_calling"] != 40 || p["webex_suite"] != 20 {
		t.Errorf("packages after the revert: %v, want 40 meetings and 20 suite as before", p)
	}
}

// A row without subscriber_id is looked up by email in its customer; a
// row on no known subscriber is not_found, and one without a package is
// skipped: nothing is sent for either.
func TestUpdateByEmail(t *testing.T) {
	t.Parallel()
	srv, _ := mixedCustomer(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,customerId,package\nuser1@meet.example,c1,Webex Suite\nnobody@meet.example,c1,webex_suite\nuser2@meet.example,c1,\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "update", "--input", in, "--output", out, "--yes", "--base-url", srv.URL, "--rate", "0")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	rows := readCSV(t, out)
	want := []string{"updated", "not_found", "skipped"}
	for i, r := range rows {
		if r["update_result"] != want[i] {
			t.Errorf("row %d: %s (%s), want %s", i+2, r["update_result"], r["message"], want[i])
		}
	}
	if st := srv.Server.Stats(); st.Updates != 1 {
		t.Errorf("%d PUTs, want 1", st.Updates)
	}
}

// A PUT whose answer is lost (the server changes the package, the
// connection drops) is looked up, not sent again: updated, one PUT.
func TestUpdateLostAnswerIsLookedUp(t *testing.T) {
	t.Parallel()
	f := fakeapi.New(fakeapi.Options{Token: token, Customers: []fakeapi.Customer{{ID: "c1"}},
		Bulk: []fakeapi.Bulk{{CustomerID: "c1", N: 3, Package: "webex_calling", Domain: "meet.example"}}})
	var drops atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && drops.Add(1) == 1 {
			f.ServeHTTP(httptest.NewRecorder(), r) // done on the server...
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close() // ...and the answer lost
			return
		}
		f.ServeHTTP(w, r)
	}))
	defer srv.Close()
	in := writeFile(t, "in.csv", "email,customerId,package\nuser1@meet.example,c1,webex_suite\nuser2@meet.example,c1,webex_suite\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "update", "--input", in, "--output", out, "--yes",
		"--base-url", srv.URL+"/v1", "--rate", "0", "--concurrency", "1")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, r := range readCSV(t, out) {
		if r["update_result"] != "updated" || r["previous_package"] != "webex_calling" {
			t.Errorf("%s: %s from %q (%s)", r["email"], r["update_result"], r["previous_package"], r["message"])
		}
	}
	for id, n := range f.Stats().UpdatesByID {
		if n != 1 {
			t.Errorf("subscriber %s got %d PUTs, want 1", id, n)
		}
	}
}

// --max-update 0 is refused with the count, a negative one is a usage
// error, --to with --revert too: nothing sent.
func TestUpdateLimits(t *testing.T) {
	t.Parallel()
	srv, in := mixedCustomer(t, fakeapi.Options{})
	for _, extra := range [][]string{{"--max-update", "0"}, {"--max-update", "-1"}, {"--revert"}, {"--to", "no_such_package"}} {
		args := append([]string{"update", "--input", in, "--output", filepath.Join(t.TempDir(), "o.csv"), "--to", "webex_suite", "--yes",
			"--base-url", srv.URL, "--rate", "0"}, extra...)
		if extra[0] == "--to" {
			args = append([]string{"update", "--input", in, "--output", filepath.Join(t.TempDir(), "o.csv"), "--yes", "--base-url", srv.URL}, extra...)
		}
		code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, args...)
		if code != cli.ExitUsage || !strings.Contains(stderr, extra[0]) {
			t.Errorf("%v: exit %d, want 2 naming %s\n%s", extra, code, extra[0], stderr)
		}
	}
	// --revert on a file that is not update's output (the export).
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "update", "--revert", "--input", in, "--output", filepath.Join(t.TempDir(), "o.csv"),
		"--yes", "--base-url", srv.URL)
	if code != cli.ExitUsage || !strings.Contains(stderr, "previous_package") {
		t.Errorf("--revert on an export: exit %d\n%s", code, stderr)
	}
	if st := srv.Server.Stats(); st.Updates != 0 {
		t.Errorf("%d PUTs sent by refused runs", st.Updates)
	}
	out := filepath.Join(t.TempDir(), "o.csv")
	code, _, stderr = run(t, map[string]string{"WEBEX_TOKEN": token}, "update", "--input", in, "--output", out, "--to", "webex_suite",
		"--yes", "--max-update", "15", "--base-url", srv.URL, "--rate", "0", "--concurrency", "1")
	if code != cli.ExitPartial || srv.Server.Stats().Updates != 15 {
		t.Errorf("--max-update 15: exit %d, %d PUTs\n%s", code, srv.Server.Stats().Updates, stderr)
	}
}

// kill -9 at random points of an update, then --resume until it ends:
// every subscriber got exactly one PUT (a resumed row is looked up first,
// and a PUT that reached the server changed it), and every row is written
// updated from webex_calling, those whose answer a kill lost included.
func TestUpdateKillNineThenResume(t *testing.T) {
	t.Parallel()
	bin := buildTool(t)
	const n = 200
	srv := fake(t, fakeapi.Options{Latency: 5 * time.Millisecond, Customers: []fakeapi.Customer{{ID: "c1"}},
		Bulk: []fakeapi.Bulk{{CustomerID: "c1", N: n, Package: "webex_calling", Domain: "meet.example"}}})
	in := filepath.Join(t.TempDir(), "subscribers.csv")
	if code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "export", "--customer-id", "c1", "-o", in,
		"--base-url", srv.URL, "--rate", "0"); code != cli.ExitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "out.csv")
	args := []string{"update", "--base-url", srv.URL, "--input", in, "--output", out, "--to", "webex_suite", "--yes", "--rate", "0", "--concurrency", "8"}
	kills := killAndResume(t, bin, args, 3, 40*time.Millisecond, 150*time.Millisecond)
	rows := readCSV(t, out)
	if len(rows) != n {
		t.Fatalf("%d rows after %d kills, want %d", len(rows), kills, n)
	}
	for i, r := range rows {
		if r["line"] != fmt.Sprint(i+2) || r["update_result"] != "updated" || r["previous_package"] != "webex_calling" {
			t.Fatalf("row %d: %s from %q (%s)", i+2, r["update_result"], r["previous_package"], r["message"])
		}
	}
	st := srv.Server.Stats()
	for id, c := range st.UpdatesByID {
		if c != 1 {
			t.Errorf("subscriber %s: %d PUTs after %d kills, want 1", id, c, kills)
		}
	}
	if len(st.UpdatesByID) != n {
		t.Errorf("%d subscribers got a PUT, want %d", len(st.UpdatesByID), n)
	}
	t.Logf("%d kills, %d PUTs, %d GETs for %d rows", kills, st.Updates, st.Gets, n)
}
