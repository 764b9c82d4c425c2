package oauth

import "os"

// SetReserve replaces how the room for a new file is claimed (a full disk
// without root) and returns the restore function.
func SetReserve(f func(*os.File, int) error) (restore func()) {
	old := reserve
	reserve = f
	return func() { reserve = old }
}
