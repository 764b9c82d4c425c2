// Command xlsxgen writes the same generated rows as a CSV and as an .xlsx
// workbook (excelize's StreamWriter: inline strings; with -shared, a
// shared-string table as Excel saves it), so the two inputs can be timed
// against each other:
//
//	go run ./bench/xlsxgen -rows 200000 -out /tmp/rows
//	/usr/bin/time -v wholesale-batch validate --input /tmp/rows.csv  --output /tmp/a.csv
//	/usr/bin/time -v wholesale-batch validate --input /tmp/rows.xlsx --output /tmp/b.csv
//
// Phone numbers are written as numbers and extensions as text, as a sales
// sheet holds them.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/xuri/excelize/v2"
)

var header = []string{"email", "customerId", "package", "firstName", "lastName", "primaryPhoneNumber", "extension", "locationId"}

var areas = []int{240, 301, 410, 443, 202, 703, 571, 212, 646, 718}

// row i: distinct, valid (the bench's own generator's shape).
func row(i int) (cells []string, phone int) {
	block := i / 10000
	area := areas[block/50%len(areas)]
	phone = 1_000_000_000_0 + area*10_000_000 + (250+block%50)*10_000 + i%10000
	return []string{"user" + strconv.Itoa(1_000_000+i) + "@acme.example", "Y2lzY29zcGFyazovL3VzL0NVU1RPTUVSL2FjbWU", "webex_calling",
		"Given" + strconv.Itoa(i%1000), "Family" + strconv.Itoa(i), "", strconv.Itoa(1_000_000 + i), "Y2lzY29zcGFyazovL3VzL0xPQ0FUSU9OL2hx"}, phone
}

func main() {
	n := flag.Int("rows", 200_000, "rows to write")
	out := flag.String("out", "rows", "path without extension: writes .csv and .xlsx")
	shared := flag.Bool("shared", false, "text in a shared-string table, as Excel saves it (slower to write: the sheet is built in memory)")
	flag.Parse()
	if err := writeCSV(*out+".csv", *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	write := writeXLSX
	if *shared {
		write = writeShared
	}
	if err := write(*out+".xlsx", *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func writeCSV(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "email,customerId,package,firstName,lastName,primaryPhoneNumber,extension,locationId")
	for i := range n {
		c, phone := row(i)
		fmt.Fprintf(w, "%s,%s,%s,%s,%s,+%d,%s,%s\n", c[0], c[1], c[2], c[3], c[4], phone, c[6], c[7])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	vals := make([]any, len(header))
	for i := range n {
		c, phone := row(i)
		for j, v := range c {
			vals[j] = v
		}
		vals[5] = phone // a number, as typed into a sheet
		vals[6] = excelize.Cell{StyleID: text, Value: c[6]}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// writeShared writes the rows cell by cell, which puts text in the shared
// string table as Excel does.
func writeShared(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := f.SetSheetRow("Sheet1", "A1", &head); err != nil {
		return err
	}
	for i := range n {
		c, phone := row(i)
		vals := make([]any, len(c))
		for j, v := range c {
			vals[j] = v
		}
		vals[5] = phone
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			return err
		}
	}
	if err := f.SetColStyle("Sheet1", "G", text); err != nil {
		return err
	}
	return f.SaveAs(path)
}
