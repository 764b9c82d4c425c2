package cli_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// A resumed provisioning run's plan and confirmation count what is left:
// "21 of 40 still to provision; 19 done by the earlier run", and the
// number asked about is the 21, not the 40.
func TestResumedPlanCountsWhatIsLeft(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	const n = 40
	in := emailsFile(t, n)
	out := filepath.Join(t.TempDir(), "out.csv")
	args := provisionArgs(srv, in, out, "--rate", "50")
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	go func() { // interrupt once provisioning has begun
		deadline := time.Now().Add(20 * time.Second)
		for srv.Server.Stats().Provisions < 5 && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		interrupt()
	}()
	var stderr bytes.Buffer
	env := cli.Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return token }}
	if code := cli.Run(ctx, args, env); code != cli.ExitAborted {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	done := len(srv.Server.Subscribers())
	if done == 0 || done >= n {
		t.Fatalf("%d of %d provisioned before the interrupt", done, n)
	}
	// The interrupted run's summary says what it leaves, in one line that adds up.
	left := regexp.MustCompile(`left +of (\d+) rows, (\d+) done(?:, (\d+) in doubt[^,]*)?, (\d+) not sent`).FindStringSubmatch(stderr.String())
	if left == nil {
		t.Fatalf("no line of what the interrupted run leaves:\n%s", stderr.String())
	}
	doubt := 0
	if left[3] != "" {
		doubt = atoiT(t, left[3])
	}
	if rows, sum := atoiT(t, left[1]), atoiT(t, left[2])+doubt+atoiT(t, left[4]); rows != n || sum != n {
		t.Errorf("%q: %d rows, parts add up to %d, want %d", left[0], rows, sum, n)
	}

	// The resume, at a terminal, without --yes: the plan, then the question.
	resume := make([]string, 0, len(args)+1)
	for _, a := range args {
		if a != "--yes" {
			resume = append(resume, a)
		}
	}
	stderr.Reset()
	env = cli.Env{Stdin: strings.NewReader("yes\n"), StdinTTY: true, Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return token }}
	if code := cli.Run(context.Background(), append(resume, "--resume"), env); code != cli.ExitOK {
		t.Fatalf("resume: exit %d\n%s", code, stderr.String())
	}
	m := regexp.MustCompile(`(\d+) of (\d+) still to provision; (\d+) done by the earlier run`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("the resumed plan does not say what is left:\n%s", stderr.String())
	}
	toGo, all, earlier := atoiT(t, m[1]), atoiT(t, m[2]), atoiT(t, m[3])
	if all != n || earlier != done || toGo != n-done {
		t.Errorf("plan says %d of %d left, %d earlier; the earlier run provisioned %d of %d", toGo, all, earlier, done, n)
	}
	if want := "Provision these " + strconv.Itoa(n-done) + " subscribers?"; !strings.Contains(stderr.String(), want) {
		t.Errorf("the confirmation does not ask about the %d left:\n%s", n-done, stderr.String())
	}
	if got := len(srv.Server.Subscribers()); got != n {
		t.Errorf("%d subscribers after the resume, want %d", got, n)
	}
}

func atoiT(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The plan names a customer the way the partner knows it: the sheet's
// externalCustomerId, with the Webex id beside it, never the id alone.
func TestPlanNamesCustomersByExternalID(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	in := writeFile(t, "in.csv", "email,externalCustomerId\nann@acme.example,acme-001\nbob@acme.example,acme-001\n")
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "provision", "--base-url", srv.URL, "--input", in, "--output", out,
		"--package", "webex_meetings", "--yes", "--rate", "0")
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^  acme-001 \(\S+\)\s+webex_meetings\s+2$`).MatchString(stderr) {
		t.Errorf("the plan does not name the customer by its externalId:\n%s", stderr)
	}
}
