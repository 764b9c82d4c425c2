package pipeline_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// The benchmarks here are per row: one op is one input row, so ns/op and
// allocs/op read as the cost of a row. The input is a realistic Webex
// Calling migration file (the one go run ./bench generates): every row
// valid and distinct, so every row takes the whole path.

const benchHeader = "email,customerId,package,firstName,lastName,primaryPhoneNumber,extension,locationId\n"

func benchRow(b *bytes.Buffer, i int) {
	block := i / 10000
	b.WriteString("user")
	b.WriteString(strconv.Itoa(1_000_000 + i))
	b.WriteString("@acme.example,Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU,webex_calling,Given")
	b.WriteString(strconv.Itoa(i % 1000))
	b.WriteString(",Family")
	b.WriteString(strconv.Itoa(i))
	b.WriteString(",+1")
	b.WriteString(strconv.Itoa([]int{240, 301, 410, 443, 202, 703, 571, 212, 646, 718}[block/50%10])) // assigned area codes, as bench/gen.go
	b.WriteString(strconv.Itoa(250 + block%50))
	b.WriteString(strconv.Itoa(10000 + i%10000)[1:])
	b.WriteString(",")
	b.WriteString(strconv.Itoa(1_000_000 + i))
	b.WriteString(",Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2hx\n")
}

// benchInput returns an n-row input.
func benchInput(n int) []byte {
	var b bytes.Buffer
	b.Grow(len(benchHeader) + n*160)
	b.WriteString(benchHeader)
	for i := range n {
		benchRow(&b, i)
	}
	return b.Bytes()
}

func benchSource(b *testing.B, in []byte) *pipeline.Source {
	src, err := pipeline.NewSource(bytes.NewReader(in), pipeline.SourceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// BenchmarkSourceDecode: CSV decode per row (encoding/csv, then each cell
// into Fields by the column table).
func BenchmarkSourceDecode(b *testing.B) {
	in := benchInput(b.N)
	b.ReportAllocs()
	b.SetBytes(int64(len(in) / max(b.N, 1)))
	b.ResetTimer()
	src := benchSource(b, in)
	n := 0
	if err := src.Each(context.Background(), func(pipeline.Row) error { n++; return nil }); err != nil {
		b.Fatal(err)
	}
	if n != b.N {
		b.Fatalf("%d rows, want %d", n, b.N)
	}
}

// BenchmarkSourceDecodeFloor: the floor under BenchmarkSourceDecode: the
// same encoding/csv reader settings, each record copied into Fields by
// hard-coded position, no blank-row, line or shape bookkeeping.
func BenchmarkSourceDecodeFloor(b *testing.B) {
	in := benchInput(b.N)
	b.ReportAllocs()
	b.SetBytes(int64(len(in) / max(b.N, 1)))
	b.ResetTimer()
	cr := csv.NewReader(bytes.NewReader(in))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	if _, err := cr.Read(); err != nil {
		b.Fatal(err)
	}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		f := pipeline.Fields{Email: rec[0], CustomerID: rec[1], Package: rec[2], FirstName: rec[3], LastName: rec[4],
			PrimaryPhoneNumber: rec[5], Extension: rec[6], LocationID: rec[7]}
		if f.Email != "" {
			n++
		}
	}
	if n != b.N {
		b.Fatalf("%d rows, want %d", n, b.N)
	}
}

// BenchmarkSourcePrepare: CSV decode + the offline row checks per row
// (check.Row: trim, email, package, E.164 phone, extension; then the
// whole-file duplicate index), as the source stage of a run does them.
func BenchmarkSourcePrepare(b *testing.B) {
	in := benchInput(b.N)
	b.ReportAllocs()
	b.SetBytes(int64(len(in) / max(b.N, 1)))
	b.ResetTimer()
	src := benchSource(b, in)
	prep := &pipeline.Preparer{Check: check.Options{DefaultCountry: "US"}}
	bad := 0
	err := src.Each(context.Background(), func(r pipeline.Row) error {
		prep.Prepare(&r)
		if len(r.Problems) > 0 {
			bad++
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if bad > 0 {
		b.Fatalf("%d rows invalid: the benchmark input must be all valid", bad)
	}
}

// BenchmarkRun: the staged run per row with every stage but the network:
// decode, checks, the hand-off to 32 workers, the reorder window and an
// in-order sink that drops the result.
func BenchmarkRun(b *testing.B) {
	in := benchInput(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	src := benchSource(b, in)
	prep := &pipeline.Preparer{Check: check.Options{DefaultCountry: "US"}}
	work := func(_ context.Context, r *pipeline.Row) pipeline.Result {
		return pipeline.Result{Row: r, Precheck: pipeline.Passed, Final: true}
	}
	n := 0
	_, wait := pipeline.Run(context.Background(), src, work, func(pipeline.Result) error { n++; return nil },
		pipeline.Options{Concurrency: 32, Prepare: prep.Prepare})
	if err := wait(); err != nil {
		b.Fatal(err)
	}
	if n != b.N {
		b.Fatalf("%d results, want %d", n, b.N)
	}
}

// BenchmarkResultJSON: the JSON of a finished row, which the journal writes
// for every row (cli's resumable.record).
func BenchmarkResultJSON(b *testing.B) {
	row := &pipeline.Row{Seq: 41, Line: 43}
	res := pipeline.Result{Row: row, Precheck: pipeline.Passed, HTTPStatus: 200, InfoCodes: "100",
		Message: "Provisioning preCheck validation successful.", TrackingID: "WHOLESALE-BATCH_0a1b2c3d4e5f_42",
		Attempts: 1, Descriptions: map[int]string{100: "Provisioning preCheck validation successful."}, Final: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(res); err != nil {
			b.Fatal(err)
		}
	}
}
