package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/webex/fakeapi"
)

// credentials returns the token and base URL of the run. The token comes
// from $WEBEX_TOKEN or --token-file, never from a flag value (it would show
// in ps and shell history). --sandbox starts the fake API with a token of its own.
func credentials(cfg *config, env Env) (token, baseURL string, closeFn func(), err error) {
	if cfg.sandbox {
		var b [16]byte
		_, _ = rand.Read(b[:])
		token = "sandbox-" + hex.EncodeToString(b[:])
		srv, err := fakeapi.Start(fakeapi.Options{Token: token})
		if err != nil {
			return "", "", nil, fmt.Errorf("starting the sandbox: %w", err)
		}
		return token, srv.URL, func() { _ = srv.Close() }, nil
	}
	token, err = readToken(cfg.tokenFile, env)
	if err != nil {
		return "", "", nil, err
	}
	return token, cfg.baseURL, func() {}, nil
}

func readToken(file string, env Env) (string, error) {
	if file != "" {
		st, err := os.Stat(file)
		if err != nil {
			return "", usagef("cannot read --token-file: %v", unwrapPath(err))
		}
		if st.Mode().Perm()&0o004 != 0 {
			return "", usagef("--token-file %s is readable by every user of this machine; run: chmod 600 %s", file, file)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", usagef("cannot read --token-file: %v", unwrapPath(err))
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", usagef("--token-file %s is empty", file)
		}
		return tok, nil
	}
	tok := strings.TrimSpace(env.Getenv("WEBEX_TOKEN"))
	if tok == "" {
		return "", usagef("no API token: set WEBEX_TOKEN or pass --token-file FILE (or try --sandbox, which needs none)")
	}
	return tok, nil
}
