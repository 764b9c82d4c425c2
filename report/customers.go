package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
)

// CustomerCount is one customer's rows by outcome: a migration runs in
// waves of customers, and each wave is judged per customer.
type CustomerCount struct {
	ID         string         `json:"id"`         // Webex customerId ("" for rows without one)
	ExternalID string         `json:"externalId"` // the partner's own id, when the rows named it
	Rows       int            `json:"rows"`
	Precheck   map[string]int `json:"precheck"`
	Provision  map[string]int `json:"provision"`
	// ErrorCodes counts the rows that carried each error code.
	ErrorCodes map[string]int `json:"errorCodes"`
	// Actions counts the rows by their plan's action (sync); omitted
	// for a command without a plan.
	Actions map[string]int `json:"actions,omitempty"`
	// Outcomes counts the rows by the outcome of the command's own step
	// when that is not provisioning's (sync); omitted otherwise.
	Outcomes map[string]int `json:"outcomes,omitempty"`
}

// maxCustomers bounds the per-customer table: a file of one row per
// customer would otherwise grow it with the rows.
const maxCustomers = 1000

// addCustomer counts r under its customer.
func (s *Summary) addCustomer(r pipeline.Result) {
	if r.Row == nil {
		return
	}
	id := r.Row.Fields.CustomerID
	key := id
	if id == "" && r.Row.Fields.ExternalCustomerID != "" {
		key = "\x00" + r.Row.Fields.ExternalCustomerID // not resolved: known by the partner's id alone
	}
	c := s.customers[key]
	if c == nil {
		if len(s.customers) >= maxCustomers {
			s.customersDropped++
			return
		}
		c = &CustomerCount{ID: id, Precheck: map[string]int{}, Provision: map[string]int{}, ErrorCodes: map[string]int{}}
		s.customers[key] = c
	}
	if c.ExternalID == "" {
		c.ExternalID = r.Row.Fields.ExternalCustomerID
	}
	c.Rows++
	if r.Precheck != "" {
		c.Precheck[r.Precheck]++
	}
	// The table has a column for provisioning outcomes only (provision,
	// status): the other commands' are counted per run, not per customer.
	if r.Outcome != "" && s.Command.Own != nil && s.Command.Own.Counts == "provision" {
		c.Provision[r.Outcome]++
	}
	if r.Action != "" {
		if c.Actions == nil {
			c.Actions, c.Outcomes = map[string]int{}, map[string]int{}
		}
		c.Actions[r.Action]++
		if r.Outcome != "" {
			c.Outcomes[r.Outcome]++
		}
	}
	if r.ErrorCodes != "" {
		for _, code := range strings.Split(r.ErrorCodes, ";") {
			c.ErrorCodes[code]++
		}
	}
}

// codesText is a customer's error codes, most frequent first: "10022 ×3, 10101 ×1".
func (c CustomerCount) codesText() string {
	codes := make([]string, 0, len(c.ErrorCodes))
	for code := range c.ErrorCodes {
		codes = append(codes, code)
	}
	sort.Slice(codes, func(i, j int) bool {
		if c.ErrorCodes[codes[i]] != c.ErrorCodes[codes[j]] {
			return c.ErrorCodes[codes[i]] > c.ErrorCodes[codes[j]]
		}
		return codes[i] < codes[j]
	})
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%s ×%d", code, c.ErrorCodes[code])
	}
	return strings.Join(parts, ", ")
}

// Customers returns the per-customer counts, by customerId.
func (s *Summary) Customers() []CustomerCount {
	out := make([]CustomerCount, 0, len(s.customers))
	for _, c := range s.customers {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].ExternalID < out[j].ExternalID
	})
	return out
}

// printCustomers writes the per-customer table when the run spans more
// than one customer.
func (s *Summary) printCustomers(w io.Writer) {
	for _, c := range s.Canaries {
		fmt.Fprintf(w, "canary  %s\n", c)
	}
	cs := s.Customers()
	counted := 0
	for _, c := range cs {
		counted += len(c.Precheck) + len(c.Provision)
	}
	if len(cs) < 2 || counted == 0 { // one customer, or a command that neither prechecks nor provisions
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// The partner's own id first, as they know the customer; the Webex id,
	// 40 to 84 characters of base64, last, beside it.
	// Provisioning columns only for a command that provisions (or looks
	// provisioning up): a precheck's would always read 0.
	prov := s.Command.Own != nil && s.Command.Own.Counts == "provision"
	head := "customer\trows\tpassed\tfailed\tinvalid\terror"
	if prov {
		head += "\tprovisioned\tpending\tskipped"
	}
	fmt.Fprintln(tw, head+"\tcustomerId")
	for _, c := range cs {
		name, id := c.ExternalID, c.ID
		if name == "" {
			name, id = c.ID, ""
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d", dash(name), c.Rows,
			c.Precheck[pipeline.Passed], c.Precheck[pipeline.Failed], c.Precheck[pipeline.Invalid], c.Precheck[pipeline.Error])
		if prov {
			fmt.Fprintf(tw, "\t%d\t%d\t%d", c.Provision[pipeline.Provisioned], c.Provision[pipeline.Pending], c.Provision[pipeline.Skipped])
		}
		fmt.Fprintf(tw, "\t%s\n", dash(id))
	}
	tw.Flush()
	if s.customersDropped > 0 {
		fmt.Fprintf(w, "and %d rows of further customers (the table keeps %d)\n", s.customersDropped, maxCustomers)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
