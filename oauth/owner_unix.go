//go:build unix

package oauth

import (
	"io/fs"
	"syscall"
)

// owner returns the file's owner and group.
func owner(st fs.FileInfo) (uid, gid int, ok bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(s.Uid), int(s.Gid), true
}
