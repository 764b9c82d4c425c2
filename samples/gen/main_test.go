package main

import (
	"bytes"
	"os"
	"testing"
)

// TestSampleIsGenerated: the committed samples/sales.xlsx is what this
// program writes, so the sample changes only through it (go generate).
func TestSampleIsGenerated(t *testing.T) {
	want, err := build()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../sales.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("samples/sales.xlsx is not what samples/gen writes: run go generate ./samples/gen")
	}
}
