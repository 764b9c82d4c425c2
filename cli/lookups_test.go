package cli_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// withoutPathColumns is a result file's bytes with the columns that say
// which requests answered (tracking_id, attempts) blanked: the one thing
// a list and a GET a row are meant to differ in.
func withoutPathColumns(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var blank []int
	for i, h := range recs[0] {
		if h == "tracking_id" || h == "attempts" {
			blank = append(blank, i)
		}
	}
	var out strings.Builder
	w := csv.NewWriter(&out)
	for _, r := range recs {
		for _, i := range blank {
			if i < len(r) && r[0] != "line" {
				r[i] = ""
			}
		}
		_ = w.Write(r)
	}
	w.Flush()
	return out.String()
}

// TestStatusSameByPageAndByRow: status over the same fake state, forced by
// the page and forced a GET a row, writes the same result file, rows by
// email (provisioned, pending, unknown) and, fed its own output, by
// subscriber_id; the default (auto) too.
func TestStatusSameByPageAndByRow(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	prov := srv.Server.AddBulk(fakeapi.Bulk{CustomerID: "cust-1", N: 250})
	pend := srv.Server.AddBulk(fakeapi.Bulk{CustomerID: "cust-1", N: 40, Status: "pending_user_migration"})
	var b strings.Builder
	b.WriteString("email,customerId\n")
	for i := 1; i <= 200; i++ {
		fmt.Fprintf(&b, "user%d@%s,cust-1\n", i, prov.Domain)
	}
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&b, "user%d@%s,cust-1\nnobody%d@%s,cust-1\n", i, pend.Domain, i, pend.Domain)
	}
	in := writeFile(t, "in.csv", b.String())
	dir := t.TempDir()
	requests := map[string]int{}
	status := func(name, mode, input string) string {
		out := filepath.Join(dir, name)
		before := srv.Server.Stats()
		code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token, "WHOLESALE_BATCH_LOOKUPS": mode},
			"status", "--base-url", srv.URL, "--input", input, "--output", out, "--rate", "0", "--no-progress")
		if code != cli.ExitPartial {
			t.Fatalf("status %s: exit %d\n%s", mode, code, stderr)
		}
		after := srv.Server.Stats()
		requests[name] = after.Requests - before.Requests
		t.Logf("%s: %d requests (%d lists, %d GETs)", name, after.Requests-before.Requests, after.Lists-before.Lists, after.Gets-before.Gets)
		return out
	}
	defer func() {
		for _, r := range []string{"0", "1"} {
			if requests[r+"-auto.csv"] > requests[r+"-row.csv"]/5 {
				t.Errorf("round %s: auto sent %d requests, a GET a row %d", r, requests[r+"-auto.csv"], requests[r+"-row.csv"])
			}
		}
	}()
	for round, input := range []string{in, ""} {
		if input == "" {
			// Its own output: the rows by subscriber_id now.
			raw, err := os.ReadFile(filepath.Join(dir, "0-row.csv"))
			if err != nil {
				t.Fatal(err)
			}
			input = writeFile(t, "ids.csv", string(raw))
		}
		row := withoutPathColumns(t, status(fmt.Sprint(round, "-row.csv"), "row", input))
		for _, mode := range []string{"page", "auto"} {
			if got := withoutPathColumns(t, status(fmt.Sprint(round, "-", mode, ".csv"), mode, input)); got != row {
				t.Errorf("%s: by %s the result file differs from a GET a row:\n%s\n---\n%s", filepath.Base(input), mode, firstDiff(got, row), "")
			} else if round == 1 && !strings.Contains(got, "pending_user_migration") {
				t.Errorf("the sample has no pending subscriber:\n%s", got)
			}
		}
	}
}

// TestLookupsVarIsChecked: a value of WHOLESALE_BATCH_LOOKUPS other than
// auto, page or row is a usage error before anything is sent, for the
// follow-ups and for provision --wait.
func TestLookupsVarIsChecked(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,customerId\na@acme.example,cust-1\n")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token, "WHOLESALE_BATCH_LOOKUPS": "pages"},
		"status", "--base-url", srv.URL, "--input", in, "--output", filepath.Join(t.TempDir(), "o.csv"), "--rate", "0")
	if code != cli.ExitUsage || !strings.Contains(stderr, "give auto, page or row") || srv.Server.Stats().Requests != 0 {
		t.Errorf("exit %d, %d requests\n%s", code, srv.Server.Stats().Requests, stderr)
	}
	// provision --wait follows by the page too: refused before its prechecks.
	code, _, stderr = run(t, map[string]string{"WEBEX_TOKEN": token, "WHOLESALE_BATCH_LOOKUPS": "pages"},
		"provision", "--wait", "--yes", "--package", "webex_meetings", "--base-url", srv.URL, "--input", in, "--output", filepath.Join(t.TempDir(), "p.csv"), "--rate", "0")
	if code != cli.ExitUsage || !strings.Contains(stderr, "give auto, page or row") || srv.Server.Stats().Requests != 0 {
		t.Errorf("provision --wait: exit %d, %d requests\n%s", code, srv.Server.Stats().Requests, stderr)
	}
}

// firstDiff is the first line where a and b differ, from each.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return al[i] + "\n" + bl[i]
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}
