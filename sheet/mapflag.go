package sheet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wholesale-batch/wholesale-batch/column"
)

// ParseMap parses one --map value, "Work Phone=primaryPhoneNumber", into the
// header as the user wrote it and the canonical column name it maps to.
//
// Why it exists: Canonical deliberately leaves ambiguous headings ("Mobile",
// "Work Phone", "Org ID") unmapped, and teams invent their own; --map lets the
// user say what they mean without editing the sheet. The CLI may accept several
// pairs (comma-separated or repeated flags) but passes one "a=b" pair per call.
//
// The split is at the first '=' so a stray list ("A=email,B=package") fails on
// its target instead of silently mapping a header called "A=email,B". The header
// is returned trimmed of surrounding space but otherwise as written; compare it
// with Key. The target is matched by Key against the canonical names only (not
// aliases), so "primary_phone_number" works but "Phone" does not: a mapping
// should be explicit. Errors name the allowed canonical names and, when one is
// close, suggest it.
func ParseMap(spec string) (header, canonical string, err error) {
	h, target, found := strings.Cut(spec, "=")
	if !found {
		return "", "", fmt.Errorf(`sheet: invalid column mapping %q: want "Header=column", e.g. "Work Phone=primaryPhoneNumber"`, spec)
	}
	h, target = strings.TrimSpace(h), strings.TrimSpace(target)
	if Key(h) == "" {
		return "", "", fmt.Errorf(`sheet: invalid column mapping %q: the header before "=" is empty`, spec)
	}
	if target == "" {
		return "", "", fmt.Errorf(`sheet: invalid column mapping %q: the column after "=" is empty; allowed: %s`, spec, allowedList())
	}
	if strings.ContainsAny(target, ",=") {
		return "", "", fmt.Errorf(`sheet: invalid column mapping %q: give one "Header=column" pair at a time`, spec)
	}
	tk := Key(target)
	for _, c := range column.Table {
		if Key(c.Name) == tk {
			return h, c.Name, nil
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "sheet: invalid column mapping %q: unknown column %q", spec, target)
	if s := Suggest(target); s != "" {
		fmt.Fprintf(&b, " (did you mean %s?)", s)
	}
	fmt.Fprintf(&b, "; allowed: %s", allowedList())
	return "", "", errors.New(b.String())
}

func allowedList() string { return strings.Join(column.Names(), ", ") }
