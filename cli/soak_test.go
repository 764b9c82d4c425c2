//go:build soak

package cli_test

// soak is set by the build tag that .ci/run passes: the kill -9 loops and
// the large memory runs take their long form there, and a developer's
// `go test ./cli/` stays quick with the short form of the same tests.
const soak = true
