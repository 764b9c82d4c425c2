//go:build !soak

package cli_test

// soak is false without the soak build tag: see soak_test.go.
const soak = false
