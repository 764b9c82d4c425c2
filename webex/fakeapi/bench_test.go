package fakeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
)

// BenchmarkPrecheck measures the fake's own cost per precheck, so a client
// benchmark can tell its overhead from the fake's.
func BenchmarkPrecheck(b *testing.B) {
	s := New(Options{})
	raw, _ := json.Marshal(precheckBody("alice@acme.com"))
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", validateURL, bytes.NewReader(raw))
		r.Header.Set("Authorization", "Bearer x")
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkProvision measures a provision into a growing state.
func BenchmarkProvision(b *testing.B) {
	s := New(Options{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		raw, _ := json.Marshal(provisionBody(fmt.Sprintf("u%d@acme.com", i)))
		r := httptest.NewRequest("POST", subsURL, bytes.NewReader(raw))
		r.Header.Set("Authorization", "Bearer x")
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
