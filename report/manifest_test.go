package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/report"
)

// manifestFixture is a finished precheck run with every kind of outcome,
// fixed times in a non-UTC zone (the file must say UTC), and secrets on
// the command line and in the configuration.
func manifestFixture(t *testing.T) report.Manifest {
	t.Helper()
	row := func(line int, email string) *pipeline.Row {
		return &pipeline.Row{Line: line, Fields: pipeline.Fields{Email: email}}
	}
	s := report.NewSummary(command.Provision)
	for _, r := range []pipeline.Result{
		{Row: row(2, "ann@acme.example"), Precheck: pipeline.Passed, InfoCodes: "100", Descriptions: map[int]string{100: "Provisioning preCheck validation successful."}, Final: true},
		{Row: row(3, "ben@acme.example"), Precheck: pipeline.Failed, ErrorCodes: "10022", Descriptions: map[int]string{10022: "The email is already associated with another organization."}, Final: true},
		{Row: row(4, "cy@acme.example"), Precheck: pipeline.Failed, ErrorCodes: "10022", Final: true},
		{Row: row(5, ""), Precheck: pipeline.Invalid, Final: true},
		{Row: row(6, "dee@acme.example"), Precheck: pipeline.Error, HTTPStatus: 503, Final: true},
		{Row: row(7, "eve@acme.example"), Precheck: pipeline.Error, Final: false},
	} {
		s.Add(r)
	}
	var lat report.Latencies
	for _, ms := range []int{80, 90, 100, 110, 120, 130, 140, 150, 160, 900} {
		lat.Observe(time.Duration(ms) * time.Millisecond)
	}
	paris := time.FixedZone("CEST", 2*3600)
	start := time.Date(2025, 6, 1, 4, 15, 0, 123456789, paris)
	facts := report.RunFacts{
		Elapsed: 83250 * time.Millisecond, Blank: 2, Requests: 9, Retries: 3, Throttled: 1,
		RateLimit: 5, RateNow: 3.75, Output: "results.csv", StopReason: "interrupted; rows not reached are not in the results",
	}
	info := report.RunInfo{Tool: "wholesale-batch", Version: "v0.1.0", Command: "precheck", Input: "subscribers.csv", Start: start, ExitCode: 3}
	m := report.NewManifest(info, s, facts, &lat)

	// The command line as the cli hands it over, redacted; the config with
	// its secrets still in, which WriteManifest must hide by name.
	m.CommandLine = []string{"precheck", "--input", "subscribers.csv", "--token-file", "REDACTED", "--api-key=REDACTED", "--rate", "5"}
	m.Config = map[string]any{
		"input":      "subscribers.csv",
		"token-file": "/etc/webex/token",
		"api-key":    "s3cr3t",
		"rate":       5.0,
		"timeout":    30 * time.Second,
		"sandbox":    false,
	}
	m.Input.SizeBytes = 1234
	m.Input.SHA256 = strings.Repeat("ab", 32)
	m.Outputs.Report = "report.html"
	m.Outputs.SummaryJSON = "run.json"
	m.Outputs.RetryFile = "retry.csv"
	return m
}

func TestManifestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteManifest(&buf, manifestFixture(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "manifest.json", buf.Bytes())
	for _, secret := range []string{"s3cr3t", "/etc/webex/token"} {
		if bytes.Contains(buf.Bytes(), []byte(secret)) {
			t.Errorf("the manifest holds %q", secret)
		}
	}
}

// TestManifestSchema pins every documented field name: renaming one
// breaks scripts, so it needs a new schemaVersion, not a quiet change.
func TestManifestSchema(t *testing.T) {
	var buf bytes.Buffer
	// The zero manifest too: every key must be there even when nothing is known.
	for _, m := range []report.Manifest{manifestFixture(t), {}} {
		buf.Reset()
		if err := report.WriteManifest(&buf, m); err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{
			"": {"schemaVersion", "tool", "command", "startTime", "endTime", "durationSeconds", "commandLine",
				"input", "outputs", "config", "inputEncoding", "counts", "codes", "customers", "rate", "exitCode", "stopReason"},
			"tool":    {"name", "version"},
			"input":   {"path", "sizeBytes", "sha256"},
			"outputs": {"results", "report", "summaryJson", "retryFile"},
			"counts":  {"rows", "blankRowsSkipped", "unfinished", "resumed", "notSelected", "precheck", "provision", "consent", "remove"},
			"rate":    {"requests", "retries", "throttled429", "configuredRate", "finalRate", "latencyP50Ms", "latencyP95Ms"},
		}
		for obj, keys := range want {
			o := doc
			if obj != "" {
				o, _ = doc[obj].(map[string]any)
			}
			if o == nil {
				t.Errorf("%s is not an object", obj)
				continue
			}
			for _, k := range keys {
				if _, ok := o[k]; !ok {
					t.Errorf("%s.%s is missing", obj, k)
				}
			}
			if len(o) != len(keys) {
				t.Errorf("%s has %d keys, the schema documents %d: document the new one here", obj, len(o), len(keys))
			}
		}
		if v := doc["schemaVersion"]; v != float64(1) {
			t.Errorf("schemaVersion = %v, want 1", v)
		}
		for _, k := range []string{"commandLine", "codes"} {
			if _, ok := doc[k].([]any); !ok {
				t.Errorf("%s = %v, want an array", k, doc[k])
			}
		}
		for _, k := range []string{"config"} {
			if _, ok := doc[k].(map[string]any); !ok {
				t.Errorf("%s = %v, want an object", k, doc[k])
			}
		}
		precheck := doc["counts"].(map[string]any)["precheck"].(map[string]any)
		for _, o := range []string{"passed", "failed", "invalid", "error"} {
			if _, ok := precheck[o]; !ok {
				t.Errorf("counts.precheck.%s is missing", o)
			}
		}
		for _, k := range []string{"startTime", "endTime"} {
			s, _ := doc[k].(string)
			if _, err := time.Parse(time.RFC3339, s); err != nil || !strings.HasSuffix(s, "Z") {
				t.Errorf("%s = %q, want RFC 3339 in UTC", k, s)
			}
		}
	}
	// The code entries of the full fixture.
	buf.Reset()
	if err := report.WriteManifest(&buf, manifestFixture(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Codes []map[string]any `json:"codes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Codes) == 0 {
		t.Fatal("no codes")
	}
	for _, c := range doc.Codes {
		for _, k := range []string{"kind", "code", "description", "rows"} {
			if _, ok := c[k]; !ok {
				t.Errorf("codes[].%s is missing in %v", k, c)
			}
		}
	}
}

// TestRedactConfig: a secret-named key given a value is hidden, one not
// given stays "" (REDACTED would say it was given), durations are written
// as people write them, and the caller's map is not changed.
func TestRedactConfig(t *testing.T) {
	in := map[string]any{
		"token-file": "/etc/t", "API_KEY": "k", "client-secret": nil, "password": "",
		"input": "a.csv", "max-retries": 5, "timeout": time.Second, "sandbox": true,
	}
	orig := maps.Clone(in)
	want := map[string]any{
		"token-file": "REDACTED", "API_KEY": "REDACTED", "client-secret": "", "password": "",
		"input": "a.csv", "max-retries": 5, "timeout": "1s", "sandbox": true,
	}
	got := report.RedactConfig(in)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RedactConfig = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(in, orig) {
		t.Errorf("RedactConfig changed its argument to %v", in)
	}
	if again := report.RedactConfig(got); !reflect.DeepEqual(again, got) {
		t.Errorf("not idempotent: %v", again)
	}
	if got := report.RedactConfig(nil); got == nil || len(got) != 0 {
		t.Errorf("RedactConfig(nil) = %#v, want an empty map", got)
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"token-file": true, "TOKEN": true, "client-secret": true, "password": true, "passwd": true, "api-key": true,
		"input": false, "rate": false, "summary-json": false, "on-behalf-of": false,
	} {
		if got := report.SecretName(name); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestDigestReader(t *testing.T) {
	data := "email\nann@acme.example\n"
	d := report.NewDigestReader(strings.NewReader(data))
	if _, err := io.Copy(io.Discard, d); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	want := report.ManifestInput{Path: "-", SizeBytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	if got := d.Input("-"); got != want {
		t.Errorf("Input = %+v, want %+v", got, want)
	}
}

func TestLatenciesQuantile(t *testing.T) {
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	uniform := func(from, to, step float64) []time.Duration {
		var out []time.Duration
		for v := from; v <= to; v += step {
			out = append(out, ms(v))
		}
		return out
	}
	cases := []struct {
		name    string
		samples []time.Duration
		q       float64
		want    time.Duration
		relErr  float64 // 0: exact
	}{
		{"empty", nil, 0.5, 0, 0},
		{"one sample is exact", []time.Duration{ms(123)}, 0.5, ms(123), 0},
		{"min is exact", uniform(1, 1000, 1), 0, ms(1), 0},
		{"max is exact", uniform(1, 1000, 1), 1, ms(1000), 0},
		{"median", uniform(1, 1000, 1), 0.5, ms(500), 0.05},
		{"p95", uniform(1, 1000, 1), 0.95, ms(950), 0.05},
		// 90 fast samples and 10 slow ones: the 99th of 100 is the 9th slow one.
		{"p99 of a long tail", append(uniform(10, 99, 1), uniform(5000, 50000, 5000)...), 0.99, ms(45000), 0.05},
		{"below the first bucket", []time.Duration{time.Microsecond, 2 * time.Microsecond, 3 * time.Microsecond}, 0.5, 3 * time.Microsecond, 0},
		{"beyond the last bucket", []time.Duration{2 * time.Hour, 3 * time.Hour}, 0.5, 3 * time.Hour, 0},
		{"negative counts as zero", []time.Duration{-time.Second}, 0.5, 0, 0},
		{"q above 1 is clamped", []time.Duration{ms(5), ms(7)}, 2, ms(7), 0.05},
		{"q below 0 is clamped", []time.Duration{ms(5), ms(7)}, -1, ms(5), 0.05},
		{"seconds", uniform(1000, 4000, 10), 0.5, ms(2500), 0.05},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var l report.Latencies
			for _, d := range c.samples {
				l.Observe(d)
			}
			if got := l.Count(); got != uint64(len(c.samples)) {
				t.Errorf("Count = %d, want %d", got, len(c.samples))
			}
			got := l.Quantile(c.q)
			if c.relErr == 0 {
				if got != c.want {
					t.Errorf("Quantile(%g) = %v, want %v", c.q, got, c.want)
				}
				return
			}
			if e := math.Abs(float64(got-c.want)) / float64(c.want); e > c.relErr {
				t.Errorf("Quantile(%g) = %v, want %v within %.0f%% (off by %.1f%%)", c.q, got, c.want, c.relErr*100, e*100)
			}
		})
	}
}

// TestLatenciesConcurrent is for the race detector: workers observe while
// the end of the run reads.
func TestLatenciesConcurrent(t *testing.T) {
	var l report.Latencies
	var wg sync.WaitGroup
	const workers, each = 8, 500
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				l.Observe(time.Duration(1+(w*each+i)%200) * time.Millisecond)
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			if q := l.Quantile(0.95); q < 0 || q > 200*time.Millisecond {
				t.Errorf("Quantile(0.95) = %v during the run", q)
			}
		}
	})
	wg.Wait()
	if l.Count() != workers*each {
		t.Errorf("Count = %d, want %d", l.Count(), workers*each)
	}
	if q := l.Quantile(0.5); q < 90*time.Millisecond || q > 110*time.Millisecond {
		t.Errorf("median = %v, want about 100ms", q)
	}
}
