package sheet

import "unicode/utf8"

// Suggest returns the canonical name closest to an unknown header (edit
// distance on Key, with a sensible threshold), or "".
//
// It powers messages like `unknown column "Emial": did you mean email?`, so a
// wrong guess costs more than no guess. The distance is optimal string
// alignment (Levenshtein plus adjacent transposition, so "Emial" is one edit
// from "email"), measured against the canonical names and their aliases but not
// the abbreviations. The threshold grows with the length of the Key: 1 edit up
// to 8 runes, 2 up to 12, 3 beyond (so "Username", two edits from
// "Surname", gets no suggestion); Keys shorter than 3 runes get none either.
// On a tie the earlier column in the alias table wins. A header Canonical
// accepts returns its canonical name; one WhyUnmapped explains returns "".
func Suggest(header string) string {
	if name, ok := Canonical(header); ok {
		return name
	}
	var buf [64]byte
	k := appendKey(buf[:0], header)
	if t, cut := trimNote(k); cut {
		k = t
	}
	if _, no := unmappedByKey[string(k)]; no {
		return "" // "Cell Phone" is two edits from "Telephone", and that is the point
	}
	n := utf8.RuneCount(k)
	if n < 3 {
		return ""
	}
	limit := 1
	switch {
	case n >= 13:
		limit = 3
	case n >= 9:
		limit = 2
	}
	var kr [64]rune
	key := kr[:0]
	for _, r := range string(k) {
		key = append(key, r)
	}
	best, bestD := "", limit+1
	for _, c := range suggestKeys {
		if d := osaDistance(key, c.key, bestD-1); d < bestD {
			best, bestD = c.name, d
		}
	}
	return best
}

// osaDistance returns the optimal string alignment distance between a and b,
// or a number greater than max as soon as the result is known to exceed max.
func osaDistance(a, b []rune, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	// Three rolling rows: two back is needed for transpositions. Keys are
	// short, so fixed arrays avoid allocation for all realistic headers.
	var rowsBuf [3][65]int
	var rows [3][]int
	if len(b) < 65 {
		for i := range rows {
			rows[i] = rowsBuf[i][:len(b)+1]
		}
	} else {
		for i := range rows {
			rows[i] = make([]int, len(b)+1)
		}
	}
	prev2, prev, cur := rows[0], rows[1], rows[2]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
