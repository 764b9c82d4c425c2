package sheet_test

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/unicode"

	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// Reading an Excel "Unicode text" export (UTF-16LE with BOM, tab-separated,
// CRLF) end to end: decode, sniff the delimiter from the first line, parse with
// encoding/csv, and map the headings.
func Example() {
	export, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(
		"E-mail\tFirst Name\tSurname\tMobile\tExt.\r\n" +
			"zoe@example.com\tZoë\tMüller\t+447700900123\t1234\r\n")

	rd, enc, err := sheet.Decode(strings.NewReader(export))
	if err != nil {
		fmt.Println(err)
		return
	}
	br := bufio.NewReader(rd)
	first, _ := br.ReadString('\n')
	delim := sheet.SniffDelimiter(first)
	if d, ok := sheet.ExcelSepLine(first); ok { // Excel's "sep=;" line: obey it, skip it
		delim = d
		first, _ = br.ReadString('\n')
	}
	cr := csv.NewReader(io.MultiReader(strings.NewReader(first), br))
	cr.Comma = delim
	records, err := cr.ReadAll()
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println("encoding:", enc, "replaced:", rd.(*sheet.Decoder).Replaced())
	for i, h := range records[0] {
		if name, ok := sheet.Canonical(h); ok {
			fmt.Printf("%s = %q\n", name, records[1][i])
		} else if why := sheet.WhyUnmapped(h); why != "" {
			fmt.Printf("%q: %s\n", h, why)
		}
	}
	// Output:
	// encoding: utf-16le replaced: 0
	// email = "zoe@example.com"
	// firstName = "Zoë"
	// lastName = "Müller"
	// "Mobile": not mapped automatically: a mobile or other existing number is not the subscriber's primary Webex Calling number (a DID the provider owns); map it to primaryPhoneNumber with --map only if it is one
	// extension = "1234"
}

func ExampleSuggest() {
	for _, h := range []string{"Emial", "frist name", "custmer id", "Department"} {
		fmt.Printf("%q -> %q\n", h, sheet.Suggest(h))
	}
	// Output:
	// "Emial" -> "email"
	// "frist name" -> "firstName"
	// "custmer id" -> "customerId"
	// "Department" -> ""
}

func ExampleParseMap() {
	fmt.Println(sheet.ParseMap("Work Phone=primaryPhoneNumber"))
	_, _, err := sheet.ParseMap("Work Phone=phone")
	fmt.Println(err)
	// Output:
	// Work Phone primaryPhoneNumber <nil>
	// sheet: invalid column mapping "Work Phone=phone": unknown column "phone" (did you mean primaryPhoneNumber?); allowed: email, customerId, package, firstName, lastName, primaryPhoneNumber, extension, locationId, customerPrimaryEmail, provisioningId, externalCustomerId, subPartnerOrgId
}
