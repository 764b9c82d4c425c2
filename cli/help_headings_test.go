package cli_test

import (
	"strings"
	"testing"
)

// Every flag is listed under its own command's heading: remove's --yes and
// --max-remove are not "Provisioning".
func TestConfirmationFlagsUnderTheirCommandsHeading(t *testing.T) {
	t.Parallel()
	for cmd, heading := range map[string]string{"provision": "Provisioning:", "remove": "Removal:", "resend-consent": "Consent email:", "update": "Update:"} {
		_, stdout, _ := run(t, nil, cmd, "--help")
		i := strings.Index(stdout, heading)
		if i < 0 || !strings.Contains(stdout[i:], "--yes") {
			t.Errorf("%s --help: no %q heading above --yes:\n%s", cmd, heading, stdout)
		}
		if cmd != "provision" && strings.Contains(stdout, "Provisioning:") {
			t.Errorf("%s --help has a Provisioning heading", cmd)
		}
	}
}

// auth is listed among the commands, and its steps in the order they are
// taken: login, then status.
func TestAuthInHelpAndTheCommandList(t *testing.T) {
	t.Parallel()
	_, stdout, _ := run(t, nil, "--help")
	if !strings.Contains(stdout, "\n  auth ") {
		t.Errorf("root help lacks auth:\n%s", stdout)
	}
	_, stdout, _ = run(t, nil, "auth", "--help")
	if l, s := strings.Index(stdout, "\n  login "), strings.Index(stdout, "\n  status "); l < 0 || s < 0 || l > s {
		t.Errorf("auth help lists status before login:\n%s", stdout)
	}
	_, _, stderr := run(t, nil, "frobnicate")
	if !strings.Contains(stderr, "sync and auth") {
		t.Errorf("unknown command: %s", stderr)
	}
}
