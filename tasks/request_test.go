package tasks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/wholesale-batch/wholesale-batch/column"
	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// Every column's value lands where the column table says, and only there;
// an empty value is left out.
func TestRequestFollowsTheColumnTable(t *testing.T) {
	for _, c := range column.Table {
		if c.Request == "" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			var f pipeline.Fields
			*c.Field(&f) = "VALUE-" + c.Name
			req := tasks.PrecheckRequest(f)
			if strings.HasPrefix(c.Request, "?") { // a query parameter
				if req.OnBehalfOf != "VALUE-"+c.Name || tasks.ProvisionRequest(f).OnBehalfOf != req.OnBehalfOf {
					t.Errorf("%s: not sent as %s", c.Name, c.Request)
				}
				return
			}
			b, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			json.Unmarshal(b, &body)
			var got any = body
			for _, part := range strings.Split(c.Request, ".") {
				name, index, list := strings.Cut(part, "[")
				got = got.(map[string]any)[name]
				if list {
					if index != "0]" {
						t.Fatalf("path %s", c.Request)
					}
					got = got.([]any)[0]
				}
			}
			if got != "VALUE-"+c.Name || strings.Count(string(b), "VALUE-") != 1 {
				t.Errorf("%s: body %s, want the value at %s", c.Name, b, c.Request)
			}
		})
	}
	b, _ := json.Marshal(tasks.PrecheckRequest(pipeline.Fields{Email: "a@b.c"}))
	if string(b) != `{"email":"a@b.c"}` {
		t.Errorf("empty values sent: %s", b)
	}
	p, _ := json.Marshal(tasks.ProvisionRequest(pipeline.Fields{Email: "a@b.c", CustomerID: "c", CustomerPrimaryEmail: "x@y.z", FirstName: "A"}))
	if string(p) != `{"customerId":"c","email":"a@b.c","provisioningParameters":{"firstName":"A"}}` {
		t.Errorf("provision body %s", p)
	}
}
