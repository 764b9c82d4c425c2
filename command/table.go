package command

import "github.com/wholesale-batch/wholesale-batch/pipeline"

// Result columns that hold a step's outcome, and the other columns a
// command may add after the usual ones (see report.Columns).
const (
	PrecheckColumn   = "precheck_result"
	ProvisionColumn  = "provision_result"
	ConsentColumn    = "consent_result"
	RemoveColumn     = "remove_result"
	ExportColumn     = "export_result"
	UpdateColumn     = "update_result"
	PreviousPackage  = "previous_package"
	SyncColumn       = "sync_result"
	SyncAction       = "sync_action"
	LastStatusChange = "last_status_change"
)

func precheckField(r *pipeline.Result) *string { return &r.Precheck }
func ownField(r *pipeline.Result) *string      { return &r.Outcome }

// Outcomes every step that sends shares, in the words of pipeline's
// constants.
var (
	failed  = Outcome{Name: pipeline.Failed, Doc: "the API refused the row", Retry: RetryIfFailed, Health: pipeline.Healthy}
	errored = Outcome{Name: pipeline.Error, Doc: "no definite answer: retries exhausted, a transport failure, or stopped mid-request",
		Retry: RetryAlways, Health: pipeline.Broken}
	notSent  = Outcome{Name: pipeline.NotSent, Doc: "the run stopped before the row's turn: nothing was sent", Retry: RetryNoResume}
	notFound = Outcome{Name: pipeline.NotFound, Doc: "no such subscriber (any more)", Health: pipeline.Healthy,
		Issue: Issue{Label: "not found", Kind: "no such subscriber (any more)",
			Fix: "Nothing to do if it was removed on purpose; else check the row's subscriber_id or email (the status command looks it up)"}}
	invalid = Outcome{Name: pipeline.Invalid, Doc: "found wrong before sending; nothing was sent"}
)

// Steps shared by commands.
var (
	// PrecheckStep is precheck's, and provision's first pass.
	PrecheckStep = &Step{Column: PrecheckColumn, Counts: "precheck", field: precheckField, Outcomes: []Outcome{
		{Name: pipeline.Passed, Doc: "the API would provision the row", Goal: Reached, Health: pipeline.Healthy},
		failed, invalid, errored, notSent,
	}}
	// ValidateStep writes precheck_result too, offline: invalid, or ok
	// for a row that would be sent (a word, so a filter in Excel finds it).
	ValidateStep = &Step{Column: PrecheckColumn, Counts: "precheck", field: precheckField, Outcomes: []Outcome{
		{Name: pipeline.OK, Doc: "fit to send (nothing was sent: validate is offline)", Goal: Reached},
		invalid,
	}}
	// between is a provisioning status the API gives on the way.
	between = &Outcome{Doc: "an in-between status, as the API gives it", Health: pipeline.Healthy,
		Issue: Issue{Label: "provision {outcome}", Kind: "the subscriber is still {outcome} on the Webex side",
			Fix: "Not finished on the Webex side: look again later with the status command"}}
	pendingIssue = Issue{Label: "pending", Kind: "the consent email was sent; the user has not accepted yet",
		Fix: "Nothing to fix: the subscriber is provisioned once they accept the consent email; the status command shows who has, resend-consent reminds them"}
)

// The commands.
var (
	Precheck = &Command{Name: "precheck", Precheck: PrecheckStep, AllReached: "Every row passed."}

	Validate = &Command{Name: "validate", Precheck: ValidateStep, Offline: true, AllReached: "Every row passed.",
		Omits: []string{ProvisionColumn, "http_status", "info_codes", "error_codes", "tracking_id", "attempts",
			"subscriber_id", "subscriber_status", "request_hash", "checked_at"}}

	Provision = &Command{Name: "provision", Precheck: PrecheckStep,
		Own: &Step{Column: ProvisionColumn, Label: "provision", Counts: "provision", field: ownField, Other: between,
			InDoubt: "provisioning stopped before an answer came: the subscriber may exist", Outcomes: []Outcome{
				{Name: pipeline.Provisioned, Doc: "the subscriber exists", Goal: Reached, Health: pipeline.Healthy},
				{Name: pipeline.Pending, Doc: "the user must accept the consent email", Goal: ReachedIfSure, Health: pipeline.Healthy, Issue: pendingIssue},
				{Name: pipeline.Skipped, Doc: "not provisioned: the precheck did not pass, --max-provision was reached, or a canary failed",
					Issue: Issue{Label: "skipped", FromMessage: true}},
				failed, errored, notSent,
			}},
		Prompt: &Prompt{Changes: "changes customers' organisations and licences",
			Question: "Provision these %d subscribers? Type yes to go ahead: ", NotDone: "no subscriber was provisioned"},
		ReadsBack:  []string{PrecheckColumn, "request_hash", "checked_at", "info_codes", "message", "tracking_id", "http_status"},
		AllReached: "Every row was provisioned."}

	Status = &Command{Name: "status", FollowUp: true,
		Own: &Step{Column: ProvisionColumn, Label: "provision", Counts: "provision", field: ownField, Other: between, Outcomes: []Outcome{
			{Name: pipeline.Provisioned, Doc: "the subscriber is provisioned", Goal: Reached, Health: pipeline.Healthy},
			{Name: pipeline.Pending, Doc: "the user has not accepted the consent email yet", Health: pipeline.Healthy, Issue: pendingIssue},
			notFound, errored, notSent,
		}},
		Extra:      []string{LastStatusChange},
		ReadsBack:  []string{"subscriber_id"},
		AllReached: "Every subscriber is provisioned."}

	ResendConsent = &Command{Name: "resend-consent", FollowUp: true,
		Own: &Step{Column: ConsentColumn, Label: "consent", Counts: "consent", field: ownField,
			InDoubt: "sending stopped before an answer came: the consent email may have gone", Outcomes: []Outcome{
				{Name: pipeline.Sent, Doc: "the consent email was sent again", Goal: Reached, Health: pipeline.Healthy},
				{Name: pipeline.NotPending, Doc: "the subscriber is not waiting for consent", Goal: Reached, Health: pipeline.Healthy},
				{Name: pipeline.TooRecent, Doc: "its status changed within --older-than", Goal: Reached, Health: pipeline.Healthy},
				notFound, failed, errored, notSent,
			}},
		Extra:     []string{LastStatusChange, ConsentColumn},
		ReadsBack: []string{"subscriber_id", "subscriber_status", ProvisionColumn, LastStatusChange},
		Prompt: &Prompt{Changes: "changes subscribers",
			Question: "Send the consent email again to up to %d subscribers? Type yes to go ahead: ", NotDone: "no consent email was sent"},
		AllReached: "Every row was sent the consent email, or needs none."}

	Remove = &Command{Name: "remove", FollowUp: true,
		Own: &Step{Column: RemoveColumn, Label: "remove", Counts: "remove", field: ownField,
			InDoubt: "removing stopped before an answer came: the subscriber may be gone", Outcomes: []Outcome{
				{Name: pipeline.Removed, Doc: "the subscriber was removed", Goal: Reached, Health: pipeline.Healthy},
				// Skipped as made by no run is the aim; --max-remove's skips
				// are Capped, and so not.
				{Name: pipeline.Skipped, Doc: "not removed: no run of this tool made it, or --max-remove was reached", Goal: Reached,
					Issue: Issue{Label: "skipped", FromMessage: true}},
				notFound, failed, errored, notSent,
			}},
		Extra:     []string{RemoveColumn},
		ReadsBack: []string{"subscriber_id", "subscriber_status", ProvisionColumn},
		Prompt: &Prompt{Changes: "changes subscribers",
			Question: "This removes %d subscribers. Type %d to go ahead: ", TypeCount: true, NotDone: "no subscriber was removed"},
		AllReached: "Every row was removed, or skipped as made by no run."}
)

// Export lists subscribers into a file the other commands read: each one
// listed is a row, exported. A page that fails stops the run (exit 3), so
// no outcome of its own says so.
var Export = &Command{Name: "export", NoInput: true,
	Own: &Step{Column: ExportColumn, Label: "export", Counts: "export", field: ownField, Outcomes: []Outcome{
		{Name: Exported, Doc: "the subscriber is in the file", Goal: Reached, Health: pipeline.Healthy},
	}},
	Extra:      []string{ExportColumn},
	AllReached: "Every subscriber listed was exported."}

// Exported is export's one outcome.
const Exported = "exported"

// Update's own outcomes.
const (
	Updated   = "updated"
	Unchanged = "unchanged"
)

// Update changes each row's package with a PUT, once: every row is looked
// up first (its package now is previous_package, and a row already on its
// package is unchanged), and a PUT whose answer was lost is looked up
// again before anything else is sent.
var Update = &Command{Name: "update", FollowUp: true,
	Own: &Step{Column: UpdateColumn, Label: "update", Counts: "update", field: ownField,
		InDoubt: "updating stopped before an answer came: the package may have changed", Outcomes: []Outcome{
			{Name: Updated, Doc: "the subscriber has the row's package now", Goal: Reached, Health: pipeline.Healthy},
			{Name: Unchanged, Doc: "it had that package already: nothing was sent", Goal: Reached, Health: pipeline.Healthy},
			notFound,
			{Name: pipeline.Skipped, Doc: "not updated: the row names no package (or, with --revert, none to put back), or --max-update was reached",
				Issue: Issue{Label: "skipped", FromMessage: true}},
			failed, errored, notSent,
		}},
	Extra:     []string{UpdateColumn, PreviousPackage},
	ReadsBack: []string{"subscriber_id", "subscriber_status", UpdateColumn, PreviousPackage},
	Prompt: &Prompt{Changes: "changes subscribers' packages",
		Question: "Change the package of up to %d subscribers? Type yes to go ahead: ", NotDone: "no package was changed"},
	AllReached: "Every row has its package."}

// Kept is sync's outcome for an extra (in Webex, not in the sheet) left as
// it is: without --remove-missing that is the aim.
const Kept = "kept"

// Sync brings Webex to the sheet: each row of a customer is created
// (precheck, then provision), updated (PUT), or left as it is; the
// customer's subscribers the sheet does not name are kept, or removed with
// --remove-missing. The plan (sync_action) is made first, from what Webex
// lists, and written to a file; applying it is one journaled run over
// that file, so every write goes out once.
var Sync = &Command{Name: "sync", Precheck: PrecheckStep, ListsFirst: true, RetryKeepsPlan: true,
	Own: &Step{Column: SyncColumn, Label: "sync", Counts: "sync", field: ownField, Other: between,
		InDoubt: "syncing stopped before an answer came: the subscriber may have changed", Outcomes: []Outcome{
			{Name: pipeline.Provisioned, Doc: "created: the subscriber exists", Goal: Reached, Health: pipeline.Healthy},
			{Name: pipeline.Pending, Doc: "created, or already there, and waiting for the user to accept the consent email", Goal: Reached, Health: pipeline.Healthy,
				Issue: pendingIssue},
			{Name: Updated, Doc: "its package changed to the sheet's", Goal: Reached, Health: pipeline.Healthy},
			{Name: pipeline.Sent, Doc: "pending longer than --resend-consent-older-than: the consent email was sent again", Goal: Reached, Health: pipeline.Healthy},
			{Name: pipeline.NotPending, Doc: "planned pending, but the user accepted since: nothing sent", Goal: Reached, Health: pipeline.Healthy},
			{Name: Unchanged, Doc: "in Webex as the sheet says: nothing sent", Goal: Reached, Health: pipeline.Healthy},
			{Name: Kept, Doc: "in Webex, not in the sheet, and kept (--remove-missing removes it)", Goal: Reached},
			{Name: pipeline.Removed, Doc: "in Webex, not in the sheet: removed (--remove-missing)", Goal: Reached, Health: pipeline.Healthy},
			{Name: pipeline.Skipped, Doc: "nothing sent: the row is invalid, its precheck did not pass, or a --max-* limit was reached",
				Issue: Issue{Label: "skipped", FromMessage: true}},
			notFound, failed, errored, notSent,
		}},
	Extra:     []string{SyncAction, SyncColumn, PreviousPackage},
	ReadsBack: []string{"subscriber_id", "subscriber_status", SyncAction, PreviousPackage, "message"},
	Prompt: &Prompt{Changes: "creates, changes and may remove subscribers",
		Question: "Apply this plan: %d changes? Type yes to go ahead: ", NotDone: "nothing was changed"},
	AllReached: "Every row is as the sheet says."}

// Table lists the commands in the order help shows them.
var Table = []*Command{Precheck, Validate, Provision, Status, ResendConsent, Remove, Export, Update, Sync}
