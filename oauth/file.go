// Package oauth keeps a run supplied with access tokens from a Webex
// integration's (or service app's) refresh token: it reads the credentials
// file, refreshes the access token before it expires and once after an
// unexpected 401, one refresh at a time, and writes the rotated refresh
// token back to the file atomically, so that tonight's run starts from what
// last night's left. No secret ever leaves the file and the token endpoint:
// errors name fields and OAuth error codes, never values.
package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
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
}

// Load reads and checks the credentials file at path. A file others can
// read is refused: it holds the integration's secret.
func Load(path string) (File, error) {
	var f File
	st, err := os.Stat(path)
	if err != nil {
		return f, fmt.Errorf("cannot read the credentials file: %w", pathErr(err))
	}
	if st.Mode().Perm()&0o044 != 0 {
		return f, fmt.Errorf("the credentials file %s is readable by other users of this machine (mode %v); it holds the integration's secret: run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
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

// Save writes f to path atomically: a temporary file in the same folder,
// synced, renamed over the old one, mode 0600; then the folder is synced,
// so a crash leaves the old file or the new one, never half of one.
func (f File) Save(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".credentials-*")
	if err != nil {
		return fmt.Errorf("saving the credentials file: %w", pathErr(err))
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("saving the credentials file: %w", pathErr(err))
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("saving the credentials file: %w", pathErr(err))
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("saving the credentials file: %w", pathErr(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the credentials file: %w", pathErr(err))
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("saving the credentials file: %w", pathErr(err))
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
