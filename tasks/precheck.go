package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// RequestHash identifies what a row asks for: a plan's passed precheck is
// trusted later only if the row would send exactly the same body.
func RequestHash(f pipeline.Fields) string {
	b, _ := json.Marshal(PrecheckRequest(f))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Identity is what a journal knows a row by: everything the row would send
// and every problem found in it, but not its position, so a row that moved
// in the input is still itself and a row now in its place is not.
func Identity(row *pipeline.Row) string {
	h := sha256.New()
	req := PrecheckRequest(row.Fields)
	b, _ := json.Marshal(req)
	h.Write(b)
	h.Write([]byte("\x00" + req.OnBehalfOf)) // sent as a query parameter, not in b
	for _, p := range row.Problems {
		h.Write([]byte("\x00" + p.Field + "\x00" + p.Message))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Prechecker is the worker of a precheck run.
type Prechecker struct {
	Client *webex.Client
}

// Work prechecks one row. Rows with problems are not sent.
func (p *Prechecker) Work(ctx context.Context, row *pipeline.Row) pipeline.Result {
	if len(row.Problems) > 0 {
		return pipeline.Invalidated(row)
	}
	resp, info, err := p.Client.Precheck(ctx, PrecheckRequest(row.Fields))
	res := pipeline.Result{Row: row, HTTPStatus: info.Status, TrackingID: info.TrackingID, Attempts: info.Attempts, Final: true}
	if err != nil {
		ClassifyError(ctx, &res, err)
		res.Precheck = outcomeOf(err)
		if res.Precheck == pipeline.Failed {
			res.RequestHash, res.CheckedAt = RequestHash(row.Fields), time.Now().UTC()
		}
		return res
	}
	res.RequestHash, res.CheckedAt = RequestHash(row.Fields), time.Now().UTC()
	res.InfoCodes = infoCodes(resp.Info, &res)
	if resp.Passed() {
		res.Precheck = pipeline.Passed
		res.Message = infoText(resp)
	} else if msg := strings.TrimSpace(resp.Message); msg != "" {
		// A 2xx that is not "success" is not a pass: keep what it said.
		res.Precheck = pipeline.Failed
		res.Message = msg
	} else {
		// No verdict at all (an empty body, {}): neither pass nor fail.
		res.Precheck = pipeline.Error
		res.RequestHash, res.CheckedAt = "", time.Time{}
		res.Message = "HTTP " + strconv.Itoa(info.Status) + " without a precheck verdict (no message): not counted as passed"
	}
	return res
}

// outcomeOf maps a call error to a precheck outcome: the API's verdict on
// the row is Failed; no verdict is Error.
func outcomeOf(err error) string {
	var te *webex.TokenError
	if errors.Is(err, webex.ErrNotSent) || errors.As(err, &te) {
		return pipeline.NotSent
	}
	var ae *webex.APIError
	if errors.As(err, &ae) && !webex.Retryable(ae.Status, nil) && ae.Status != http.StatusUnauthorized {
		return pipeline.Failed
	}
	return pipeline.Error
}

// ClassifyError fills res from a failed call: codes, message, and whether
// the run must stop or the row stays unfinished.
func ClassifyError(ctx context.Context, res *pipeline.Result, err error) {
	var ae *webex.APIError
	switch {
	case errors.Is(err, webex.ErrNotSent):
		res.Final = false
		res.Message = "not sent: the run was stopped before this row's turn; this row is not done"
	case errors.Is(err, context.Canceled):
		res.Final = false
		why := "the run was stopped"
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			why += ": " + cause.Error()
		}
		res.Message = "no answer: " + why + "; this row is not done"
	case errors.As(err, new(*webex.TokenError)):
		// No token, so nothing was sent, and no later row can be: stop.
		res.Final = false
		res.Fatal = err
		res.Message = "not sent: " + err.Error()
	case errors.Is(err, webex.ErrUnauthorized):
		res.Final = false
		res.Fatal = webex.ErrUnauthorized
		if errors.As(err, &ae) && ae.TrackingID != "" {
			res.Fatal = fmt.Errorf("%w [trackingId %s]", webex.ErrUnauthorized, ae.TrackingID)
		}
		res.Message = "not done: " + webex.ErrUnauthorized.Error()
	case errors.As(err, &ae):
		res.ErrorCodes = ae.Codes()
		res.Message = ae.Detail()
		if res.Message == "" {
			res.Message = ae.Error()
		}
		describe(res, ae.Errors)
		if res.Attempts > 1 && webex.Retryable(ae.Status, nil) {
			res.Message += " (after " + strconv.Itoa(res.Attempts) + " attempts)"
		}
	default:
		res.Message = err.Error()
		if res.Attempts > 1 {
			res.Message += " (after " + strconv.Itoa(res.Attempts) + " attempts)"
		}
	}
}

func describe(r *pipeline.Result, items []webex.ErrorItem) {
	for _, it := range items {
		if it.ErrorCode != 0 && it.Description != "" {
			if r.Descriptions == nil {
				r.Descriptions = map[int]string{}
			}
			r.Descriptions[it.ErrorCode] = it.Description
		}
	}
}

func infoCodes(infos webex.InfoList, r *pipeline.Result) string {
	var b strings.Builder
	for _, in := range infos {
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(in.InfoCode))
		if in.Description != "" {
			if r.Descriptions == nil {
				r.Descriptions = map[int]string{}
			}
			r.Descriptions[in.InfoCode] = in.Description
		}
	}
	return b.String()
}

func infoText(resp webex.PrecheckResponse) string {
	var parts []string
	for _, in := range resp.Info {
		if in.Description != "" {
			parts = append(parts, in.Description)
		}
	}
	if len(parts) == 0 {
		return resp.Message
	}
	return strings.Join(parts, "; ")
}
