// Package oauth keeps a run supplied with access tokens from a Webex
// integration's (or service app's) refresh token: it reads the credentials
// file, refreshes the access token before it expires and after an
// unexpected 401, one refresh at a time, and writes the rotated refresh
// token back to the file atomically, so that tonight's run starts from what
// last night's left. A refresh token is never spent on an answer that could
// not be kept: the new file is made ready (room, owner, mode) and the file
// proved replaceable before the request, the intent is in the file while
// it is out, and a lost answer is reported as such. No secret ever leaves
// the file and the token endpoint: errors name fields and OAuth error
// codes, never values.
package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File is the credentials file, JSON:
//
//	{"client_id": "...", "client_secret": "...", "refresh_token": "..."}
//
// The tool adds the current access token and its expiry after each refresh,
// so the next run does not refresh without need.
type File struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token"`
	AccessToken  string `json:"access_token,omitempty"`
	// ExpiresAt is when AccessToken stops working; Lifetime is how long it
	// was issued for (the renewal margin is a tenth of it).
	ExpiresAt time.Time `json:"access_token_expires_at,omitzero"`
	Lifetime  int64     `json:"access_token_expires_in,omitempty"` // seconds
	// RefreshExpiresAt is when RefreshToken expires unless used (informative).
	RefreshExpiresAt time.Time `json:"refresh_token_expires_at,omitzero"`
	// PreviousRefreshToken is the one RefreshToken replaced, kept until
	// RefreshToken has worked once: tried when RefreshToken is refused.
	PreviousRefreshToken string `json:"previous_refresh_token,omitempty"`
	// RefreshStartedAt is set while a refresh is under way, and stays set
	// when its answer was lost (a timeout, a kill): the server may have
	// replaced RefreshToken, and a later refusal says so.
	RefreshStartedAt time.Time `json:"refresh_started_at,omitzero"`
}

// Load reads and checks the credentials file at path. A file others can
// read is refused: it holds the integration's secret.
func Load(path string) (File, error) {
	var f File
	st, err := os.Stat(path)
	if err != nil {
		return f, fmt.Errorf("cannot read the credentials file: %w", pathErr(err))
	}
	if st.IsDir() {
		return f, fmt.Errorf("the credentials file %s is a folder, not a file: give the path of the JSON file (for instance %s)", path, filepath.Join(path, "credentials.json"))
	}
	if st.Mode().Perm()&0o044 != 0 {
		return f, fmt.Errorf("the credentials file %s is readable by other users of this machine (mode %v); it holds the integration's secret: run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if uid, _, ok := owner(st); ok && errors.Is(err, fs.ErrPermission) && uid != os.Geteuid() {
			return f, fmt.Errorf("cannot read the credentials file: %w; it belongs to uid %d (after a run as another user?): chown it back to the job's user", pathErr(err), uid)
		}
		return f, fmt.Errorf("cannot read the credentials file: %w", pathErr(err))
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return File{}, fmt.Errorf("the credentials file %s is not the JSON object expected (%s); it needs \"client_id\", \"client_secret\" and \"refresh_token\"", path, jsonProblem(b, err))
	}
	for _, field := range []struct{ name, value string }{{"client_id", f.ClientID}, {"client_secret", f.ClientSecret}, {"refresh_token", f.RefreshToken}} {
		if strings.TrimSpace(field.value) == "" {
			return File{}, fmt.Errorf("the credentials file %s has no %q: add the integration's %s", path, field.name, strings.ReplaceAll(field.name, "_", " "))
		}
	}
	return f, nil
}

// jsonProblem says where JSON went wrong without quoting the file (it
// holds secrets): a line number and the decoder's words.
func jsonProblem(b []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + strings.Count(string(b[:min(int(se.Offset), len(b))]), "\n")
		return fmt.Sprintf("line %d: %s", line, se.Error())
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%q must be a %s", te.Field, te.Type)
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return "unknown field " + strings.TrimPrefix(msg, "json: unknown field ")
	}
	return "not JSON"
}

// Save writes f to path atomically: a temporary file in the same folder
// (a symlink's target's), synced, given the old file's owner and mode
// 0600, renamed over the old one; then the folder is synced, so a crash
// leaves the old file or the new one, never half of one.
func (f File) Save(path string) error {
	b, err := f.encode()
	if err != nil {
		return err
	}
	r, err := prepare(path, len(b))
	if err != nil {
		return err
	}
	return r.commit(b)
}

// encode is the file's bytes.
func (f File) encode() ([]byte, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	return append(b, '\n'), err
}

// roomFor is the room a refresh's answer may take, reserved before it is
// sent: f as it is, a previous refresh token beside it, and new tokens
// (Webex's are about 100 characters) with a wide margin.
func roomFor(f File) int {
	b, _ := f.encode()
	return len(b) + len(f.RefreshToken) + 2048
}

func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
