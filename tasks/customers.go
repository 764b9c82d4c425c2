package tasks

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/webex"
)

// Customers resolves the partner's own customer ids (externalCustomerId)
// to Webex customerIds, once a run for each distinct value (and
// sub-partner), through the client's shared limiter. It is safe for
// concurrent use: workers asking for a value being looked up wait for it.
type Customers struct {
	Client *webex.Client

	mu    sync.Mutex
	cache map[[2]string]*lookup
}

// lookup is one externalId's answer, or its look-up in flight (done open).
type lookup struct {
	done    chan struct{}
	id      string
	problem string // why rows naming it are invalid; "" when resolved
	err     error  // the look-up itself failed (no verdict)
	info    webex.CallInfo
}

const customerProvisioned = "provisioned"

// resolve returns the answer for ext, looking it up on first use. first
// reports whether this call made the request (its attempts count for the
// row that asked).
func (c *Customers) resolve(ctx context.Context, ext, subPartner string) (l *lookup, first bool) {
	key := [2]string{subPartner, ext}
	c.mu.Lock()
	if c.cache == nil {
		c.cache = map[[2]string]*lookup{}
	}
	if l, ok := c.cache[key]; ok {
		c.mu.Unlock()
		select {
		case <-l.done:
		case <-ctx.Done():
			return &lookup{err: ctx.Err()}, false
		}
		return l, false
	}
	l = &lookup{done: make(chan struct{})}
	c.cache[key] = l
	c.mu.Unlock()
	defer close(l.done)
	found, info, err := c.Client.FindCustomers(ctx, ext, subPartner)
	l.info = info
	switch {
	case err != nil:
		l.err = err
		// Not cached: a later row may try again (a transient failure).
		c.mu.Lock()
		delete(c.cache, key)
		c.mu.Unlock()
	case len(found) == 0:
		l.problem = fmt.Sprintf("no customer has externalId %q: check the value, or create the customer first", ext)
	case len(found) > 1:
		ids := make([]string, len(found))
		for i, cu := range found {
			ids[i] = cu.ID
		}
		l.problem = fmt.Sprintf("ambiguous: %d customers have externalId %q (%s); give the row a customerId instead", len(found), ext, strings.Join(ids, ", "))
	case found[0].Status != customerProvisioned:
		l.problem = fmt.Sprintf("customer %s (externalId %q) is %s, not provisioned: its subscribers cannot be provisioned yet", found[0].ID, ext, found[0].Status)
		l.id = found[0].ID
	default:
		l.id = found[0].ID
	}
	return l, true
}

// Resolve wraps work: a row that names its customer by externalCustomerId
// gets the customerId looked up before it is sent (a note says which); a
// value with no customer, several, or one not provisioned makes the row
// invalid, naming it; a row whose customerId disagrees with it too. Rows
// without the column pass through untouched.
func (c *Customers) Resolve(work pipeline.Worker) pipeline.Worker {
	return func(ctx context.Context, row *pipeline.Row) pipeline.Result {
		ext := strings.TrimSpace(row.Fields.ExternalCustomerID)
		if ext == "" || len(row.Problems) > 0 {
			return work(ctx, row)
		}
		l, first := c.resolve(ctx, ext, row.Fields.SubPartnerOrgID)
		if l.err != nil {
			res := pipeline.Result{Row: row, Final: true}
			if first {
				res.Took(pipeline.Call(l.info))
			}
			ClassifyError(ctx, &res, l.err)
			res.Precheck = outcomeOf(l.err)
			if res.Precheck == pipeline.Failed {
				res.Precheck = pipeline.Error // the look-up failed, not the row
			}
			res.Message = "looking up externalCustomerId " + ext + " failed: " + res.Message
			return res
		}
		if l.problem == "" && row.Fields.CustomerID != "" && row.Fields.CustomerID != l.id {
			row.Problems = append(row.Problems, pipeline.Problem{Field: "customerId", Message: fmt.Sprintf(
				"customerId %s and externalCustomerId %q (customer %s) name different customers: keep one of them", row.Fields.CustomerID, ext, l.id)})
			return pipeline.Invalidated(row)
		}
		if l.problem != "" {
			row.Problems = append(row.Problems, pipeline.Problem{Field: "externalCustomerId", Message: l.problem})
			return pipeline.Invalidated(row)
		}
		if row.Fields.CustomerID == "" {
			row.Fields.CustomerID = l.id
			row.Notes = append(row.Notes, fmt.Sprintf("customerId %s from externalCustomerId %q", l.id, ext))
		}
		return work(ctx, row)
	}
}
