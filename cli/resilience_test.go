package cli_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// TestRandom503sStillGiveTheTrueAnswer: with a fifth of all requests
// answered 503 at random, every row still ends with the answer the API
// gives it when healthy, never "error".
func TestRandom503sStillGiveTheTrueAnswer(t *testing.T) {
	srv := fake(t, fakeapi.Options{FailureRate: 0.2, Seed: 7})
	var b strings.Builder
	b.WriteString("email\n")
	for i := range 150 {
		if i%10 == 3 {
			fmt.Fprintf(&b, "user%d+exists@acme.example\n", i)
		} else {
			fmt.Fprintf(&b, "user%d@acme.example\n", i)
		}
	}
	in := writeFile(t, "in.csv", b.String())
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL, "--input", in,
		"--output", out, "--rate", "0", "--max-retries", "10")
	if code != cli.ExitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	retried := 0
	for _, r := range readCSV(t, out) {
		want := "passed"
		if strings.Contains(r["email"], "+exists") {
			want = "failed"
		}
		if r["precheck_result"] != want {
			t.Errorf("%s: %s (%s), want %s", r["email"], r["precheck_result"], r["message"], want)
		}
		if r["attempts"] != "1" {
			retried++
		}
	}
	if injected := srv.Server.Stats().Injected503; injected < 15 || retried == 0 {
		t.Fatalf("only %d 503s injected, %d rows retried: the test did not test", injected, retried)
	}
}
