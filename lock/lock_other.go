//go:build !unix && !windows

package lock

import "os"

// Platforms without file locks (wasm, plan9) run unlocked.
func tryLock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
