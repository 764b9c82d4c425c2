//go:build contract && !race

package contract

// raceEnabled: this test binary was built with -race.
const raceEnabled = false
