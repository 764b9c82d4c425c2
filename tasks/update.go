package tasks

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/wholesale-batch/wholesale-batch/check"
	"github.com/wholesale-batch/wholesale-batch/command"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// PackageIntents are Intents that also keep the package a subscriber had
// before its PUT went out, so that a run resumed after a crash still
// writes previous_package (and --revert can put it back) for a PUT whose
// answer was lost.
type PackageIntents interface {
	Intents
	// RecordPrevious journals, durably, that row's PUT is about to go and
	// that its subscriber had the package previous.
	RecordPrevious(row *pipeline.Row, previous string) error
	// Previous is what an earlier run's RecordPrevious journaled for row.
	Previous(row *pipeline.Row) (string, bool)
}

// Updater is the worker of update: it changes each row's package with a
// PUT, exactly once. Every row is looked up first: its package now is its
// previous_package, and a row already on its package is unchanged (no
// PUT). A PUT whose answer was lost is looked up, never sent blindly again.
type Updater struct {
	Client  *webex.Client
	Intents PackageIntents
	Max     int64 // 0 = no cap
	// Revert: the package to move to is the row's previous_package (the
	// input is update's own output), not its package column.
	Revert bool
	// To, when set, is every row's package, whatever its column says.
	To string
	// Dir, as StatusChecker's, answers the look-up before the PUT; the
	// check after a PUT whose answer was lost GETs afresh.
	Dir *Directory

	started atomic.Int64
}

// Target is the package update moves row to ("" when it names none): to
// when set, else the row's previous_package with revert, else its package.
func Target(row *pipeline.Row, revert bool, to string) string {
	pkg := strings.TrimSpace(row.Fields.Package)
	switch {
	case to != "":
		pkg = to
	case revert:
		pkg = strings.TrimSpace(row.Prior[command.PreviousPackage])
	}
	if p, _, err := check.Package(pkg); err == nil {
		pkg = p // "Webex Suite" is webex_suite
	}
	return pkg
}

// packageOf is the subscriber's one package.
func packageOf(s webex.Subscriber) string {
	if len(s.Packages) > 0 {
		return s.Packages[0]
	}
	return s.Package
}

// Work moves row's subscriber to its package.
func (u *Updater) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	res := pipeline.Result{Row: row, Final: true, SubscriberID: strings.TrimSpace(row.Prior[priorSubscriberID])}
	target := Target(row, u.Revert, u.To)
	if target == "" {
		res.Outcome = pipeline.Skipped
		res.Message = "not updated: the row has no package (fill its package column)"
		if u.Revert {
			res.Message = "not updated: nothing to put back (no previous_package: update_result " + orEmpty(row.Prior[command.UpdateColumn]) + ")"
		}
		return res
	}
	sub, found, err := lookUpRow(ctx, u.Dir, u.Client, row, &res)
	if err != nil {
		lookupFailed(ctx, &res, err, "looking the subscriber up failed, nothing sent: ")
		return res
	}
	if !found {
		res.Outcome = pipeline.NotFound
		res.Message = "no such subscriber: it was removed, or never created; nothing sent"
		return res
	}
	res.SubscriberID, res.SubscriberStatus, res.LastStatusChange = sub.ID, sub.Status, sub.LastStatusChange
	now := packageOf(sub)
	res.PreviousPackage = now
	earlier := u.Intents.Sent(row)
	if earlier {
		// A PUT went out before and its answer was lost: the package it
		// changed from is the journal's, not today's.
		if prev, ok := u.Intents.Previous(row); ok {
			res.PreviousPackage = prev
		}
	}
	if now == target {
		res.Outcome = command.Unchanged
		res.Message = "already on " + target + ": nothing sent"
		if earlier && res.PreviousPackage != target {
			res.Outcome = command.Updated
			res.Message = "updated to " + target + " by an earlier attempt whose answer was lost (looked up)"
		}
		return res
	}
	if capped(&res, u.Max, &u.started, "not updated: --max-update") {
		return res
	}
	prev := res.PreviousPackage
	req := webex.UpdateRequest{Package: target}
	if f := row.Fields; f.PrimaryPhoneNumber != "" || f.Extension != "" || f.LocationID != "" {
		// A webex_meetings subscriber moving to calling needs a number or
		// an extension: the row's, when it has them.
		req.ProvisioningParameters = &webex.UpdateParameters{PrimaryPhoneNumber: f.PrimaryPhoneNumber, Extension: f.Extension, LocationID: f.LocationID}
	}
	got, info, err := u.Client.UpdateSubscriber(ctx, sub.ID, req, func() error {
		u.Dir.Changed(sub.ID) // before the PUT: its answer may be lost
		return u.Intents.RecordPrevious(row, prev)
	})
	res.Took(pipeline.Call(info))
	var ae *webex.APIError
	var doubt *webex.InDoubtError
	switch {
	case err == nil:
		res.Outcome = command.Updated
		res.SubscriberStatus, res.LastStatusChange = got.Status, got.LastStatusChange
	case errors.As(err, &doubt):
		u.confirm(ctx, &res, sub.ID, target, doubt)
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		ClassifyError(ctx, &res, err)
		res.Outcome = pipeline.NotFound
		res.Message = "no such subscriber (removed since the look-up); nothing changed"
	default:
		ClassifyError(ctx, &res, err)
		res.Outcome = outcomeOf(err)
	}
	return res
}

// confirm looks the subscriber up after a PUT whose answer was lost or
// odd: on the package now is updated; else error, left for --resume, which
// looks it up again before it sends anything.
func (u *Updater) confirm(ctx context.Context, res *pipeline.Result, id, target string, doubt *webex.InDoubtError) {
	sub, info, err := u.Client.GetSubscriber(ctx, id)
	res.Took(pipeline.Call(info))
	switch {
	case err == nil && packageOf(sub) == target:
		res.Outcome = command.Updated
		res.SubscriberStatus, res.LastStatusChange = sub.Status, sub.LastStatusChange
		res.Message = "the PUT's answer was lost (" + doubt.Error() + "); a look-up finds the subscriber on " + target
	case err != nil:
		ClassifyError(ctx, res, doubt)
		res.Outcome, res.Final = pipeline.Error, false
		res.Message = "in doubt: the PUT's answer was lost, and looking the subscriber up failed (" + err.Error() + "); --resume looks it up again"
	default:
		ClassifyError(ctx, res, doubt)
		res.Outcome, res.Final = pipeline.Error, false
		res.Message = "in doubt: the PUT's answer was lost and the subscriber is still on " + packageOf(sub) + "; --resume looks it up again before sending"
	}
}

func orEmpty(s string) string {
	if s == "" {
		return "empty"
	}
	return s
}
