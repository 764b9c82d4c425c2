//go:build race

package webex_test

// raceEnabled: this test binary was built with -race, which makes JSON
// several times slower; tests that move a lot of it scale down.
const raceEnabled = true
