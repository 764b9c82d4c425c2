package oauth

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/wholesale-batch/wholesale-batch/lock"
)

// refresh gets a new access token under the credentials file's lock. It
// reads the file again first (another process using it may have refreshed
// and rotated the refresh token meanwhile); makes the new file ready (room,
// owner, mode) and writes the intent (the refresh's start) into the file,
// which proves it can be replaced, before any refresh token is spent; then
// asks, and saves the answer into the room made for it as soon as it comes.
func (s *Source) refresh(ctx context.Context) error {
	if s.ReadOnly {
		got, _, _, err := s.ask(ctx, s.current())
		if err == nil {
			s.set(got)
			s.told(got)
		}
		return err
	}
	l, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer l.Release()
	f := s.reload()
	s.mu.Lock()
	ok := s.fresh() && f.AccessToken != s.rejected
	s.mu.Unlock()
	if ok {
		return nil // another process refreshed
	}
	answer, err := prepare(s.path, roomFor(f))
	if err != nil {
		return err
	}
	intent := f
	intent.RefreshStartedAt = s.now().UTC()
	if err := intent.Save(s.path); err != nil {
		answer.abort()
		return err
	}
	s.set(intent)

	got, used, lost, err := s.ask(ctx, f)
	if err != nil {
		// Nothing new to keep: the file gets back what it held, with the
		// time of a refresh whose answer was lost (the server may have
		// replaced the token: the next refusal says so).
		back := f
		if !lost.IsZero() {
			back.RefreshStartedAt = lost
		}
		if b, eerr := back.encode(); eerr == nil && answer.commit(b) == nil {
			s.set(back)
		} else {
			answer.abort()
		}
		return s.explain(err, back, lost)
	}
	got.RefreshStartedAt = time.Time{}
	got.PreviousRefreshToken = ""
	if got.RefreshToken != used {
		got.PreviousRefreshToken = used // until the new one has worked once
	}
	b, err := got.encode()
	if err == nil {
		err = answer.commit(b)
	}
	if err != nil {
		// Unlikely after the checks; one more try with a new file.
		if err2 := got.Save(s.path); err2 != nil {
			return fmt.Errorf("the access token was refreshed but %w", err)
		}
	}
	s.set(got)
	s.told(got)
	return nil
}

// told reports a refresh to OnRefresh.
func (s *Source) told(got File) {
	if s.OnRefresh != nil {
		s.OnRefresh(time.Duration(got.Lifetime) * time.Second)
	}
}

// explain turns a failed refresh into what happened: a refusal after a
// refresh whose answer was lost (in this run or, as the file says, an
// earlier one) is that, not an expiry; a run that stops with an answer
// lost says the token may have been replaced.
func (s *Source) explain(err error, f File, lost time.Time) error {
	var refused *RefusedError
	switch {
	case errors.As(err, &refused) && refused.Code == "invalid_grant" && !f.RefreshStartedAt.IsZero():
		return &LostAnswerError{Path: s.path, At: f.RefreshStartedAt, Earlier: lost.IsZero(), Refused: true}
	case refused == nil && !lost.IsZero() && !errors.Is(err, context.Canceled):
		return &LostAnswerError{Path: s.path, At: lost, Err: err}
	}
	return err
}

// reload reads the file again under its lock and takes what it holds
// (another process may have refreshed); if it cannot be read, the
// credentials in memory stand.
func (s *Source) reload() File {
	f, err := Load(s.path)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.cur = f
	}
	return s.cur
}

// lock takes the credentials file's lock (beside a symlink's target, so
// every path to one file shares it), waiting at most LockWait.
func (s *Source) lock(ctx context.Context) (*lock.Lock, error) {
	wait := s.LockWait
	if wait <= 0 {
		wait = DefaultLockWait
	}
	lctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	path := resolve(s.path) + ".lock"
	l, err := lock.Wait(lctx, path)
	var held *lock.HeldError
	switch {
	case err == nil:
		removeStale(s.path)
		return l, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.As(err, &held):
		return nil, fmt.Errorf("waited %v for the credentials file's lock %s, held by %s: another run is refreshing the same file and has not finished; if it is stuck, stop it (the refresh token in the file is not spent)", wait, path, holder(held))
	}
	return nil, &CannotSaveError{Path: s.path, Problem: folderProblem(filepath.Dir(path), err)}
}

func holder(h *lock.HeldError) string {
	if h.Holder == "" {
		return "another process"
	}
	return h.Holder
}
