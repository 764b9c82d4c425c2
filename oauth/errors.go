package oauth

import (
	"fmt"
	"time"
)

// Relogin is the command that re-authorizes the integration of the
// credentials file at path, keeping its client id and secret.
func Relogin(path string) string {
	return "wholesale-batch auth login --credentials " + path + " --force"
}

// RefusedError is a refresh the token endpoint refused for good: the
// refresh token expired or was revoked (invalid_grant), or the client id or
// secret is wrong (invalid_client). Every later refresh would fail too.
type RefusedError struct {
	Code string // the OAuth error code (secrets it echoed are redacted)
	Path string // the credentials file
}

func (e *RefusedError) Error() string {
	switch e.Code {
	case "invalid_client":
		return fmt.Sprintf("the token endpoint refused the client id or secret in %s (invalid_client): copy them again from the integration's page on the Webex developer portal", e.Path)
	case "invalid_grant":
		return fmt.Sprintf("the token endpoint refused the refresh token in %s (invalid_grant): it has expired or was revoked; re-authorize the integration: %s", e.Path, Relogin(e.Path))
	}
	return fmt.Sprintf("the token endpoint refused to refresh the access token (%s); check the credentials in %s", e.Code, e.Path)
}

// LostAnswerError is a refresh whose answer never came (a timeout, a
// dropped connection, a kill): the server may have replaced the refresh
// token, and the new one is not in the file. It is said as such, never as
// an expiry.
type LostAnswerError struct {
	Path    string
	At      time.Time // when the refresh without an answer was sent
	Earlier bool      // sent by an earlier run (the file says so), not this one
	Refused bool      // the endpoint has since refused the file's refresh token
	Err     error     // what the last attempt met, when not Refused
}

func (e *LostAnswerError) Error() string {
	when := "the refresh at " + e.At.Local().Format("15:04:05")
	if e.Earlier {
		when = "an earlier run's refresh at " + e.At.Local().Format("2006-01-02 15:04:05")
	}
	if e.Refused {
		return fmt.Sprintf("%s got no answer, and the token endpoint now refuses the refresh token in %s (invalid_grant): that refresh most likely replaced it, and the new one never arrived; re-authorize the integration: %s", when, e.Path, Relogin(e.Path))
	}
	return fmt.Sprintf("%s got no answer (%v); the refresh token may have been replaced: if the next run says invalid_grant, re-authorize the integration: %s", when, e.Err, Relogin(e.Path))
}

func (e *LostAnswerError) Unwrap() error { return e.Err }

// CannotSaveError is a refresh not sent because its answer could not have
// been kept: the folder, the disk or the file would refuse the new file.
// The refresh token in the file is untouched and still valid.
type CannotSaveError struct {
	Path    string // the credentials file
	Problem string // what stands in the way, and the fix
}

func (e *CannotSaveError) Error() string {
	return fmt.Sprintf("the credentials file %s could not be saved after a refresh, so its refresh token was not used (it stays valid): %s", e.Path, e.Problem)
}

// RejectedError is the API answering 401 to token after token from the
// credentials file, fresh ones included: refreshing again would not help.
type RejectedError struct {
	Path   string
	Tokens int // access tokens rejected in a row
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("the API answered 401 to %d access tokens in a row from the credentials file %s, freshly refreshed ones included: the integration's tokens are refused (missing the scopes spark-admin:wholesale_subscribers_read and _write, or the authorizing user is no longer a partner administrator); fix the integration and re-authorize it: %s", e.Tokens, e.Path, Relogin(e.Path))
}

// LaterError is Check's finding that the file could not be saved while
// its access token still has time left: the run may go on, and the
// refresh due at Expires (less its margin) will be refused with Err.
type LaterError struct {
	Expires time.Time
	Err     error
}

func (e *LaterError) Error() string {
	return fmt.Sprintf("the access token lasts until %s, but the refresh then will fail: %v", e.Expires.Local().Format("2006-01-02 15:04"), e.Err)
}

func (e *LaterError) Unwrap() error { return e.Err }
