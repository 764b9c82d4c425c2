package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/tasks"
)

// The generated input is what a real Webex Calling migration file looks
// like: every row valid and distinct (email, number and extension), so every
// row goes through the whole precheck path and none is refused offline.
const (
	genCustomer = "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU"
	genLocation = "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2hx"
	genHeader   = "email,customerId,package,firstName,lastName,primaryPhoneNumber,extension,locationId\n"
	maxGenRows  = 5_000_000
)

// genAreas are assigned US area codes: libphonenumber's data refuses a
// number in an unassigned one (such as 241), so each has to be real. Ten
// of them, 500,000 numbers each, cover maxGenRows.
var genAreas = []int{240, 301, 410, 443, 202, 703, 571, 212, 646, 718}

// genFields returns row i (0-based) as it is sent: already clean, so the
// offline checks change nothing. Numbers are North American: 10,000 lines
// per exchange, exchanges 250-299 (no N11 code), then the next area code
// of genAreas; distinct up to maxGenRows.
func genFields(i int) pipeline.Fields {
	block := i / 10000
	area := genAreas[block/50%len(genAreas)]
	exchange := 250 + block%50
	return pipeline.Fields{
		Email:              "user" + strconv.Itoa(1_000_000+i) + "@acme.example",
		CustomerID:         genCustomer,
		Package:            "webex_calling",
		FirstName:          "Given" + strconv.Itoa(i%1000),
		LastName:           "Family" + strconv.Itoa(i),
		PrimaryPhoneNumber: fmt.Sprintf("+1%03d%03d%04d", area, exchange, i%10000),
		Extension:          strconv.Itoa(1_000_000 + i),
		LocationID:         genLocation,
	}
}

// writeInput writes an n-row input CSV and returns its size in bytes.
func writeInput(path string, n int) (int64, error) {
	if n > maxGenRows {
		return 0, fmt.Errorf("at most %d generated rows", maxGenRows)
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, _ = w.WriteString(genHeader)
	for i := range n {
		r := genFields(i)
		for j, c := range []string{r.Email, r.CustomerID, r.Package, r.FirstName, r.LastName, r.PrimaryPhoneNumber, r.Extension, r.LocationID} {
			if j > 0 {
				_ = w.WriteByte(',')
			}
			_, _ = w.WriteString(c)
		}
		_ = w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	st, err := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// requestBody is the exact JSON body the tool sends for row i
// (tasks.PrecheckRequest, encoded as webex.Client encodes it).
func requestBody(i int) []byte {
	b, err := json.Marshal(tasks.PrecheckRequest(genFields(i)))
	if err != nil {
		panic(err)
	}
	return b
}
