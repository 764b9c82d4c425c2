// Package check holds the offline row checks of wholesale-batch: it cleans one
// spreadsheet row (trimming, lower-casing, canonical package names, E.164 phone
// numbers) and says what is wrong with it before any request is sent.
//
// Everything here is a pure function of its input: no network, no clock, no
// globals that change. That keeps the checks table-testable and lets the
// pipeline call them from any goroutine. The one stateful piece, Index, finds
// duplicates across a file and belongs to a single goroutine.
//
// Two rules shape the API. First, every change made to a value is reported as a
// note a person can read ("primaryPhoneNumber +12405551212 from \"(240)
// 555-1212\""), because a silently rewritten value in a provisioning run is a
// support case later. Second, nothing ambiguous is guessed: a value that could
// mean two things is a Problem whose message names the fix.
package check
