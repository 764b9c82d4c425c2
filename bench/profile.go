package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/wholesale-batch/wholesale-batch/cli"
	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// profile runs one unlimited precheck of rows rows against a fake in this
// process, with the tool in a child process that is this program acting as
// the tool (-as-tool: cli.Run, the code the binary runs), so the profiles
// hold the tool's costs alone: a CPU profile over the run and a heap
// profile taken when the tool's live heap peaked.
func (b *bench) profile(ctx context.Context, dir string, rows int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	in, err := b.input(rows)
	if err != nil {
		return err
	}
	srv, err := fakeapi.Start(fakeapi.Options{Token: b.token})
	if err != nil {
		return err
	}
	defer srv.Close()
	cpuPath, heapPath := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "heap.pprof")
	out := filepath.Join(b.dir, "out-profile.csv")
	env := append(os.Environ(), "WEBEX_TOKEN="+b.token)
	p, err := runChild(ctx, 8*time.Minute, env, nil, b.self, "-as-tool", "-cpuprofile", cpuPath, "-heapprofile", heapPath, "--",
		"precheck", "--input", in, "--output", out, "--base-url", srv.URL, "--rate", "0", "--no-progress")
	_ = os.Remove(out)
	fmt.Print(string(p.errb))
	if err != nil {
		return err
	}
	b.logf("profiled run: %d rows, exit %d, wall %s (%.0f rows/s), tool CPU %s (%.1f µs/row), peak RSS %.1f MiB",
		rows, p.code, p.wall.Round(time.Millisecond), float64(rows)/p.wall.Seconds(), p.cpu().Round(time.Millisecond),
		us(p.cpu(), rows), mib(p.maxRSS))
	b.logf("wrote %s and %s", cpuPath, heapPath)
	for _, args := range [][]string{
		{"tool", "pprof", "-top", "-nodecount=30", cpuPath},
		{"tool", "pprof", "-top", "-cum", "-nodecount=60", cpuPath},
		{"tool", "pprof", "-top", "-sample_index=inuse_space", "-nodecount=15", heapPath},
	} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
		fmt.Printf("\n$ go %s\n", strings.Join(args, " "))
		_ = cmd.Run()
	}
	return nil
}

// asTool is this program standing in for the wholesale-batch binary, with
// profiling: it runs cli.Run on args as main.go does.
func asTool(args []string, cpuPath, heapPath string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	// Keep a heap profile from when the live heap was highest.
	var (
		mu   sync.Mutex
		peak uint64
		prof bytes.Buffer
	)
	done := make(chan struct{})
	var wg sync.WaitGroup
	if heapPath != "" {
		samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		wg.Go(func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
				}
				// The heap profile lags the live-heap figure by up to two
				// GC cycles, so it is taken again on every tick while the live
				// heap is within a quarter of its peak.
				metrics.Read(samples)
				live := samples[0].Value.Uint64()
				mu.Lock()
				peak = max(peak, live)
				if live >= peak-peak/4 {
					prof.Reset()
					_ = pprof.Lookup("heap").WriteTo(&prof, 0)
				}
				mu.Unlock()
			}
		})
	}
	code := cli.Run(ctx, args, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	close(done)
	wg.Wait()
	if heapPath != "" {
		_ = os.WriteFile(heapPath, prof.Bytes(), 0o644)
		fmt.Fprintf(os.Stderr, "bench: peak live heap %.1f MiB\n", mib(int64(peak)))
	}
	return code
}
