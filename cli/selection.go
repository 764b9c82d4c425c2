package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/pipeline"
	"github.com/wholesale-batch/wholesale-batch/sheet"
)

// selection is --rows, --match and --skip: which rows of the input a run
// takes, as GAM's matchfield, skipfield and skiprows do, by the line
// numbers a spreadsheet shows.
type selection struct {
	rows  []lineRange // none: every line
	match []cellRule  // all must match
	skip  []cellRule  // any skips
}

type lineRange struct{ from, to int } // to 0: no end

// cellRule is COLUMN=REGEX resolved against the input's header.
type cellRule struct {
	spec string
	col  int // index in the row's own cells (pipeline.Row.Raw)
	re   *regexp.Regexp
}

// parseRows reads "2-500,750,1000-": spreadsheet line numbers and ranges.
func parseRows(spec string) ([]lineRange, error) {
	var out []lineRange
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(from))
		if err != nil || a < 2 {
			return nil, fmt.Errorf("--rows %q: %q is not a line number of a data row (the header is line 1, the first row line 2); write e.g. 2-500,750", spec, part)
		}
		r := lineRange{from: a, to: a}
		if isRange {
			r.to = 0
			if to = strings.TrimSpace(to); to != "" {
				b, err := strconv.Atoi(to)
				if err != nil || b < a {
					return nil, fmt.Errorf("--rows %q: %q is not a range from a lower to a higher line number", spec, part)
				}
				r.to = b
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--rows %q names no line; write e.g. 2-500,750", spec)
	}
	return out, nil
}

// parseRule reads COLUMN=REGEX; the column is resolved later, against the
// header.
func parseRule(flag, spec string) (cellRule, error) {
	name, expr, ok := strings.Cut(spec, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return cellRule{}, fmt.Errorf("%s %q: write COLUMN=REGEX, e.g. %s 'Customer=^ACME'", flag, spec, flag)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return cellRule{}, fmt.Errorf("%s %q: the pattern after = is not a regular expression: %v", flag, spec, err)
	}
	return cellRule{spec: strings.TrimSpace(name), re: re}, nil
}

// resolve finds each rule's column in the input's own header, by its
// heading (case, spaces, '_' and '-' ignored) or by our column name.
func (s *selection) resolve(h pipeline.Header, flag string, rules []cellRule) error {
	data, canon := h.Data(), h.Canonical[h.First:]
	for i := range rules {
		r := &rules[i]
		r.col = -1
		for j, cell := range data {
			if sheet.Key(cell) == sheet.Key(r.spec) || canon[j] == r.spec {
				r.col = j
				break
			}
		}
		if r.col < 0 {
			return usagef("%s: the input has no column %q; its columns are %s", flag, r.spec, strings.Join(data, ", "))
		}
	}
	return nil
}

// empty reports whether the selection takes every row.
func (s *selection) empty() bool { return len(s.rows) == 0 && len(s.match) == 0 && len(s.skip) == 0 }

// takes reports whether the run handles row.
func (s *selection) takes(row *pipeline.Row) bool {
	if len(s.rows) > 0 {
		in := false
		for _, r := range s.rows {
			if row.Line >= r.from && (r.to == 0 || row.Line <= r.to) {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	cell := func(c int) string {
		if c < len(row.Raw) {
			return row.Raw[c]
		}
		return ""
	}
	for _, r := range s.match {
		if !r.re.MatchString(cell(r.col)) {
			return false
		}
	}
	for _, r := range s.skip {
		if r.re.MatchString(cell(r.col)) {
			return false
		}
	}
	return true
}

// none refuses a selection that took no row of an input that has some:
// a pattern that matches nothing is a mistake to name, not a run with
// nothing to do.
func (s *selection) none(selected, rows int) error {
	if s.empty() || selected > 0 || rows == 0 {
		return nil
	}
	var flags []string
	if len(s.rows) > 0 {
		flags = append(flags, "--rows")
	}
	if len(s.match) > 0 {
		flags = append(flags, "--match")
	}
	if len(s.skip) > 0 {
		flags = append(flags, "--skip")
	}
	return usagef("%s selected 0 of %d rows: nothing was sent; check the line numbers or patterns against the input", strings.Join(flags, " and "), rows)
}
