//go:build race

package check

// raceOn: the race detector slows the library's regexps tenfold, so the
// comparison with it runs on fewer regions there.
const raceOn = true
