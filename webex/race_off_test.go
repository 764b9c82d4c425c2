//go:build !race

package webex_test

// raceEnabled: this test binary was built without -race.
const raceEnabled = false
