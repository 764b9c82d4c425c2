package cli

import "runtime/debug"

// Version is the tool's version, as --version, the manifest, the journal
// and the User-Agent give it. Stamp it at build time with
//
//	-ldflags "-X github.com/wholesale-batch/wholesale-batch/cli.Version=v1.2.3"
//
// Left unstamped, it is read from the build information when the package
// initialises (see buildVersion), so every use sees the same value.
var Version string

func init() { Version = buildVersion(Version, debug.ReadBuildInfo) }

// buildVersion is the version a binary reports: the stamped one if there is
// one; else the main module's version (go install module@v1.2.3, or the
// VCS-derived version Go 1.24+ stamps on go build); else "dev" followed by
// the commit the binary was built from, 12 characters, and "+dirty" when
// the work tree had changes ("dev-0123456789ab+dirty"); plain "dev" when
// nothing is known (go run, go test, -buildvcs=false).
func buildVersion(stamped string, read func() (*debug.BuildInfo, bool)) string {
	if stamped != "" {
		return stamped
	}
	info, ok := read()
	if !ok || info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v := "dev"
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			v += "-" + s.Value[:min(12, len(s.Value))]
		}
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += "+dirty"
		}
	}
	return v
}
