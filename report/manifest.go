package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"maps"
	"math"
	"strings"
	"sync/atomic"
	"time"
)

// ManifestSchemaVersion is the manifest's schemaVersion. Bump it when a field
// is renamed, removed or changes meaning; adding a field does not, so that
// scripts reading the file keep working.
const ManifestSchemaVersion = 1

// Redacted replaces the value of a flag or setting whose name looks secret.
const Redacted = "REDACTED"

// RunInfo names a run: what the manifest and the HTML report say about it
// beyond what Summary and RunFacts count.
type RunInfo struct {
	Tool    string // "wholesale-batch"
	Version string // cli.Version
	Command string // precheck, validate or provision
	Input   string // the --input value; "-" is standard input
	// From is the sheet the input was made from, when the run's input is
	// a file the tool made from it (sync's plan): the page is titled by it.
	From     string
	Start    time.Time // when the run started
	End      time.Time // when it ended; zero means Start + RunFacts.Elapsed
	ExitCode int       // the process's exit code
	// Headings are the sheet's own headings of our columns where they
	// differ ("primaryPhoneNumber" → "Telefon"): the report names a
	// problem as the person who fixes the sheet sees it.
	Headings map[string]string
}

// Manifest is the machine-readable record of a run (--summary-json), for
// audits and for scripts that decide what to do after an unattended run.
// Field order here is the order in the file. Every field is always written
// (no omitempty), so a script can rely on a key being there.
type Manifest struct {
	SchemaVersion   int          `json:"schemaVersion"`
	Tool            ManifestTool `json:"tool"`
	Command         string       `json:"command"`
	StartTime       time.Time    `json:"startTime"` // written in UTC, millisecond precision
	EndTime         time.Time    `json:"endTime"`
	DurationSeconds float64      `json:"durationSeconds"`
	// CommandLine is the arguments after the program name, written as
	// given: the caller redacts them first, since only the command line's
	// parser knows which argument is a secret flag's value.
	CommandLine []string        `json:"commandLine"`
	Input       ManifestInput   `json:"input"`
	Outputs     ManifestOutputs `json:"outputs"`
	// Config is every setting's effective value by name (for this tool,
	// every flag by flag name). The caller redacts it; WriteManifest does
	// again by name (see RedactConfig), so a secret-named key cannot
	// reach the file by a forgotten call.
	Config map[string]any `json:"config"`
	// InputEncoding is how the input was read when it was not plain
	// UTF-8, as the summary says it ("read as Windows-1250 (Central
	// European)"); "" for UTF-8.
	InputEncoding string         `json:"inputEncoding"`
	Counts        ManifestCounts `json:"counts"`
	Codes         []ManifestCode `json:"codes"`
	// Customers are the rows per customer, by customerId.
	Customers  []CustomerCount `json:"customers"`
	Rate       ManifestRate    `json:"rate"`
	ExitCode   int             `json:"exitCode"`
	StopReason string          `json:"stopReason"` // "" when the run was not stopped early
}

// ManifestTool names the program that wrote the manifest.
type ManifestTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ManifestInput identifies the input exactly, so an audit can tell which
// file a run read even after it was edited or replaced.
type ManifestInput struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"sizeBytes"`
	SHA256    string `json:"sha256"` // lower-case hex
}

// ManifestOutputs lists the files the run wrote; "" for one it did not
// write (or wrote to standard output).
type ManifestOutputs struct {
	Results     string `json:"results"`
	Report      string `json:"report"`
	SummaryJSON string `json:"summaryJson"`
	RetryFile   string `json:"retryFile"`
}

// ManifestCounts are the rows by outcome.
type ManifestCounts struct {
	Rows             int            `json:"rows"`
	BlankRowsSkipped int            `json:"blankRowsSkipped"`
	Unfinished       int            `json:"unfinished"`
	Resumed          int            `json:"resumed"`
	NotSelected      int            `json:"notSelected"`      // rows --rows, --match and --skip left out
	Precheck         map[string]int `json:"precheck"`         // outcome -> rows; the four outcomes always written
	Provision        map[string]int `json:"provision"`        // provision (or status) outcome -> rows; {} when none
	Consent          map[string]int `json:"consent"`          // resend-consent outcome -> rows; {} when none
	Remove           map[string]int `json:"remove"`           // remove outcome -> rows; {} when none
	Export           map[string]int `json:"export,omitempty"` // export outcome -> rows; only export's manifest
	Update           map[string]int `json:"update,omitempty"` // update outcome -> rows; only update's manifest
	Sync             map[string]int `json:"sync,omitempty"`   // sync outcome -> rows; only sync's manifest
	// Actions are the rows by the action a plan gave them (sync_action:
	// create, update, unchanged, pending, invalid, extra); only sync's.
	Actions map[string]int `json:"actions,omitempty"`
}

// byKey is the counts map of a step's manifest key (command.Step.Counts).
func (c *ManifestCounts) byKey(key string) *map[string]int {
	return map[string]*map[string]int{"precheck": &c.Precheck, "provision": &c.Provision, "consent": &c.Consent, "remove": &c.Remove, "export": &c.Export, "update": &c.Update, "sync": &c.Sync}[key]
}

// ManifestCode is how many rows carried one info or error code.
type ManifestCode struct {
	Kind        string `json:"kind"` // "info" or "error"
	Code        string `json:"code"`
	Description string `json:"description"`
	Rows        int    `json:"rows"`
}

// ManifestRate describes the HTTP traffic of the run.
type ManifestRate struct {
	Requests       int64   `json:"requests"`
	Retries        int64   `json:"retries"`
	Throttled429   int64   `json:"throttled429"`
	RowTied429     int64   `json:"rowTied429,omitempty"` // of which tied to their row: only that row waited
	ConfiguredRate float64 `json:"configuredRate"`       // requests/s, 0 = unlimited
	FinalRate      float64 `json:"finalRate"`            // the adaptive rate at the end
	SentRate       float64 `json:"sentRate,omitempty"`   // requests/s as sent, after the first burst (RunFacts.EffectiveRate)
	LatencyP50Ms   float64 `json:"latencyP50Ms"`         // per HTTP attempt; 0 when none
	LatencyP95Ms   float64 `json:"latencyP95Ms"`
}

// NewManifest fills a manifest from what the run counted. The caller then
// sets CommandLine, Input, the other Outputs and Config, which only it knows.
// lat may be nil (validate sends nothing).
func NewManifest(info RunInfo, s *Summary, f RunFacts, lat *Latencies) Manifest {
	end := info.End
	if end.IsZero() {
		end = info.Start.Add(f.Elapsed)
	}
	m := Manifest{
		SchemaVersion:   ManifestSchemaVersion,
		Tool:            ManifestTool{Name: info.Tool, Version: info.Version},
		Command:         info.Command,
		StartTime:       info.Start,
		EndTime:         end,
		DurationSeconds: f.Elapsed.Seconds(),
		Input:           ManifestInput{Path: info.Input},
		Outputs:         ManifestOutputs{Results: f.Output},
		InputEncoding:   f.Encoding,
		Counts: ManifestCounts{
			BlankRowsSkipped: f.Blank,
			Precheck:         map[string]int{},
			Provision:        map[string]int{},
		},
		Rate: ManifestRate{
			Requests:       f.Requests,
			Retries:        f.Retries,
			Throttled429:   f.Throttled,
			RowTied429:     f.RowTied,
			ConfiguredRate: f.RateLimit,
			FinalRate:      f.RateNow,
		},
		ExitCode:   info.ExitCode,
		StopReason: f.StopReason,
	}
	if r, ok := f.EffectiveRate(); ok {
		m.Rate.SentRate = r
	}
	if lat != nil && lat.Count() > 0 {
		m.Rate.LatencyP50Ms = millis(lat.Quantile(0.50))
		m.Rate.LatencyP95Ms = millis(lat.Quantile(0.95))
	}
	if s != nil {
		m.Counts.Rows = s.Rows
		m.Counts.Unfinished = s.Unfinished
		m.Counts.Resumed = s.Resumed
		m.Counts.NotSelected = s.NotSelected
		for o, n := range s.Outcomes {
			m.Counts.Precheck[o] = n
		}
		if own := s.Command.Own; own != nil {
			if counts := m.Counts.byKey(own.Counts); counts != nil {
				*counts = maps.Clone(s.Own)
			}
		}
		if len(s.Actions) > 0 {
			m.Counts.Actions = maps.Clone(s.Actions)
		}
		for _, c := range s.Codes() {
			m.Codes = append(m.Codes, ManifestCode(c))
		}
		m.Customers = s.Customers()
	}
	return m
}

func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// WriteManifest writes m as indented JSON. It redacts the configuration's
// secret-named keys itself (RedactConfig), whatever the caller did; the
// command line it writes as given, already redacted by the caller. It
// normalises times to UTC and nil collections to empty ones, so every
// documented key has a value of its documented type.
func WriteManifest(w io.Writer, m Manifest) error {
	m.SchemaVersion = ManifestSchemaVersion
	m.StartTime = m.StartTime.UTC().Truncate(time.Millisecond)
	m.EndTime = m.EndTime.UTC().Truncate(time.Millisecond)
	m.DurationSeconds = math.Round(m.DurationSeconds*1000) / 1000
	if m.CommandLine == nil {
		m.CommandLine = []string{}
	}
	m.Config = RedactConfig(m.Config)
	// Zeros for the four outcomes let a script read .counts.precheck.error
	// without handling a missing key. A copy: m's maps are the caller's.
	precheck := make(map[string]int, len(m.Counts.Precheck)+len(outcomeOrder))
	for _, o := range outcomeOrder {
		precheck[o] = 0
	}
	for o, n := range m.Counts.Precheck {
		precheck[o] = n
	}
	m.Counts.Precheck = precheck
	if m.Counts.Provision == nil {
		m.Counts.Provision = map[string]int{}
	}
	if m.Counts.Consent == nil {
		m.Counts.Consent = map[string]int{}
	}
	if m.Counts.Remove == nil {
		m.Counts.Remove = map[string]int{}
	}
	if m.Codes == nil {
		m.Codes = []ManifestCode{}
	}
	if m.Customers == nil {
		m.Customers = []CustomerCount{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // the file is read by people and jq, not embedded in HTML
	return enc.Encode(m)
}

// SecretName reports whether a setting's name (a flag's, for this tool)
// looks like it holds a secret: it contains token, secret, password or
// key, ignoring case. The rule is by name only, so it also hides harmless
// values such as the token-file path: a name cannot tell a path from a
// pasted token, and an audit file that leaks a token is worse than one
// missing a path. The command line uses the same rule for its redaction.
func SecretName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "secret", "password", "passwd", "key"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// RedactConfig returns a copy of cfg in which the value of every
// secret-named key is Redacted, and time.Duration values are written as
// "30s" instead of a count of nanoseconds. cfg is not modified; nil gives
// an empty map.
func RedactConfig(cfg map[string]any) map[string]any {
	out := make(map[string]any, len(cfg))
	for k, v := range cfg {
		switch {
		case SecretName(k) && v != "" && v != nil:
			out[k] = Redacted
		case SecretName(k):
			out[k] = "" // not given: nothing to hide, and "REDACTED" would say it was
		default:
			if d, ok := v.(time.Duration); ok {
				out[k] = d.String()
			} else {
				out[k] = v
			}
		}
	}
	return out
}

// DigestReader counts and hashes the bytes read through it, so the
// manifest can identify an input read once from standard input, where it
// cannot be opened again to hash.
type DigestReader struct {
	r    io.Reader
	h    hash.Hash
	size int64
}

// NewDigestReader returns a reader that passes r through and hashes it.
func NewDigestReader(r io.Reader) *DigestReader {
	return &DigestReader{r: r, h: sha256.New()}
}

// Read reads from the underlying reader, hashing what it returns.
func (d *DigestReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	d.size += int64(n)
	return n, err
}

// Input returns the path with the size and SHA-256 of the bytes read so
// far. A run that stopped early has not read the whole input: drain the
// reader first (io.Copy(io.Discard, d)) for the hash of the whole file.
func (d *DigestReader) Input(path string) ManifestInput {
	return ManifestInput{Path: path, SizeBytes: d.size, SHA256: hex.EncodeToString(d.h.Sum(nil))}
}

// Latencies is a histogram of durations in constant memory, for the
// percentiles of a run of any length: a run of a million requests cannot
// keep every latency to sort. Buckets are log-spaced, latencyPerOctave to
// each doubling from latencyMin, so every estimate is within about 4.5% of
// a true sample, from 0.1 ms to about an hour. The zero value is ready to
// use; Observe and Quantile are safe from any goroutine. Do not copy a
// Latencies after first use.
type Latencies struct {
	buckets [latencyBuckets]atomic.Uint64
	count   atomic.Uint64
	// minPlus1 is the smallest sample in nanoseconds plus one, so that zero
	// means "none yet" and the zero value needs no constructor.
	minPlus1 atomic.Int64
	max      atomic.Int64
}

const (
	latencyMin       = 100 * time.Microsecond  // bucket 0 holds everything below
	latencyPerOctave = 8                       // buckets per doubling: 2^(1/8) ≈ 9% wide
	latencyBuckets   = 1 + 25*latencyPerOctave // 0.1 ms · 2^25 ≈ 56 min; the last bucket holds the rest
)

// latencyBucket returns the bucket of d: 0 below latencyMin, then bucket i
// covers [latencyMin·2^((i-1)/k), latencyMin·2^(i/k)).
func latencyBucket(d time.Duration) int {
	if d < latencyMin {
		return 0
	}
	i := 1 + int(math.Floor(latencyPerOctave*math.Log2(float64(d)/float64(latencyMin))))
	return min(i, latencyBuckets-1)
}

// latencyBound returns the lower edge of bucket i (i ≥ 1).
func latencyBound(i int) float64 {
	return float64(latencyMin) * math.Exp2(float64(i-1)/latencyPerOctave)
}

// Observe records one duration; negative ones count as zero.
func (l *Latencies) Observe(d time.Duration) {
	d = max(d, 0)
	// min and max first: a Quantile that sees this sample in a bucket then
	// also sees it in the bounds it clamps to.
	for {
		old := l.minPlus1.Load()
		if old != 0 && old-1 <= int64(d) || l.minPlus1.CompareAndSwap(old, int64(d)+1) {
			break
		}
	}
	for {
		old := l.max.Load()
		if old >= int64(d) || l.max.CompareAndSwap(old, int64(d)) {
			break
		}
	}
	l.buckets[latencyBucket(d)].Add(1)
	l.count.Add(1)
}

// Count returns the number of durations observed.
func (l *Latencies) Count() uint64 { return l.count.Load() }

// Quantile returns an estimate of the q-quantile (0.5 = median, 0.95 =
// p95): the geometric middle of the bucket holding the sample of that rank,
// clamped to the smallest and largest sample seen, so that Quantile(0) and
// Quantile(1) are exact. It returns 0 when nothing was observed. q outside
// [0, 1] is clamped. Samples observed while it runs may or may not count.
func (l *Latencies) Quantile(q float64) time.Duration {
	var snap [latencyBuckets]uint64
	var total uint64
	for i := range l.buckets {
		snap[i] = l.buckets[i].Load()
		total += snap[i]
	}
	if total == 0 {
		return 0
	}
	lo, hi := time.Duration(l.minPlus1.Load()-1), time.Duration(l.max.Load())
	q = min(max(q, 0), 1)
	// The nearest-rank definition: the smallest sample with at least q of
	// the samples at or below it.
	rank := max(uint64(math.Ceil(q*float64(total))), 1)
	var seen uint64
	i := 0
	for ; i < latencyBuckets-1; i++ {
		seen += snap[i]
		if seen >= rank {
			break
		}
	}
	var est time.Duration
	switch {
	case i == 0:
		est = latencyMin / 2
	case i == latencyBuckets-1:
		est = hi // beyond the last edge only the maximum is known
	default:
		est = time.Duration(math.Sqrt(latencyBound(i) * latencyBound(i+1)))
	}
	return min(max(est, lo), hi)
}
