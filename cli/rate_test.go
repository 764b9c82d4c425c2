package cli_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// The summary's rate is measured from the first request, after the
// limiter's first burst: a run paced at --rate never reads above it (the
// old figure, requests over the run's time, read 11.1 at a limit of 10).
func TestSummaryRateNeverReadsAboveTheLimit(t *testing.T) {
	t.Parallel()
	srv := fake(t, fakeapi.Options{})
	code, _, stderr := run(t, map[string]string{"WEBEX_TOKEN": token}, "precheck", "--base-url", srv.URL,
		"--input", emailsFile(t, 12), "--output", filepath.Join(t.TempDir(), "o.csv"), "--rate", "10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := regexp.MustCompile(`rate +([0-9.]+) requests/s sent; limit 10/s`).FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no rate line:\n%s", stderr)
	}
	r, _ := strconv.ParseFloat(m[1], 64)
	if r > 10.05 || r < 2 { // below: a busy machine sends late, never early
		t.Errorf("rate %v requests/s at --rate 10:\n%s", r, stderr)
	}
}
