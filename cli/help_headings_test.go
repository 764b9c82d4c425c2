package cli_test

import (
	"strings"
	"testing"
)

// Every flag is listed under its own command's heading: remove's --yes and
// --max-remove are not "Provisioning".
func TestConfirmationFlagsUnderTheirCommandsHeading(t *testing.T) {
	for cmd, heading := range map[string]string{"provision": "Provisioning:", "remove": "Removal:", "resend-consent": "Consent email:"} {
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
