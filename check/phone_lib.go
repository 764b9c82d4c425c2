package check

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// This file reads numbers with libphonenumber's data (github.com/nyaruka/phonenumbers,
// every region) and libphonenumber's parsing rules, ported step by step from
// its parseHelper so that a number means here what it means to the library.
// The library's own Parse and IsValidNumber run kilobyte-long regexps per
// call (tens of µs a number); here the validity patterns become automata
// (phone_dfa.go) and the few parsing regexps run only when their first digit
// can match. TestPhoneMatchesLibrary holds the two together.
//
// The library itself is linked into the tests only. Importing it decodes and
// unmarshals the metadata of every region, short numbers included, and
// compiles about twenty regexps at init, whatever the input: about 5 MiB of the
// tool's peak resident memory for a sheet of one country. The part of its data
// read here is copied into phone_data.go instead (static data, nothing to
// decode; TestPhoneData regenerates it and fails when it differs from the
// library's).

// regionData is the part of one region's libphonenumber metadata this package
// reads, as generated into phone_data.go.
type regionData struct {
	id                          string // ISO region code, or "001" for a non-geographic entity
	cc                          int
	internationalPrefix         string
	nationalPrefix              string
	nationalPrefixForParsing    string
	nationalPrefixTransformRule string
	leadingDigits               string
	general                     phoneDesc
	localOnly                   []int32     // the general description's local-only lengths
	types                       []phoneDesc // the number types with a pattern, in the order getNumberTypeHelper tries them
}

// phoneDesc is a PhoneNumberDesc: a national number pattern and the lengths a
// number matching it may have.
type phoneDesc struct {
	pattern string
	lens    []int32
}

// callingCode lists the regions of a calling code in the library's order
// (GetRegionCodesForCountryCode), main region first.
type callingCode struct {
	cc      int
	regions []string
}

// region is one libphonenumber region (or non-geographic entity, id "001").
type region struct {
	id    string
	meta  *regionData
	cc    int
	ccStr string

	once sync.Once
	// Built on first use by load.
	valid *dfa // general and type patterns; nil when they did not compile
	lead  *dfa // leading-digits pattern; nil when the region has none
	idd   prefixRE
	npp   prefixRE // national prefix for parsing
}

// prefixRE is an anchored regexp with the digits a non-empty match can start
// with, so that the regexp runs only when it may change something.
type prefixRE struct {
	re    *regexp.Regexp // nil: the region has none
	first uint16         // bit d: a match may start with digit d
	empty bool           // the empty string may match and matter
	// lits are the alternatives when the pattern is plain digits ("0",
	// "011", "0|180020"): tried in order, as the regexp would, without it.
	lits []string
}

func newPrefixRE(pattern string, emptyMatters bool) prefixRE {
	if pattern == "" {
		return prefixRE{}
	}
	p := prefixRE{re: regexp.MustCompile("^(?:" + pattern + ")"), first: 0x3ff, empty: true}
	if prog, err := compileDigits(pattern); err == nil {
		p.first, p.empty = firstDigits(prog)
		p.empty = p.empty && emptyMatters
	}
	if strings.Trim(pattern, "0123456789|") == "" {
		p.lits = strings.Split(pattern, "|")
	}
	return p
}

// literal returns the end of the plain-digits match at the start of s, or -1.
func (p *prefixRE) literal(s string) int {
	for _, l := range p.lits {
		if strings.HasPrefix(s, l) {
			return len(l)
		}
	}
	return -1
}

// may reports whether the regexp can match s in a way that matters.
func (p *prefixRE) may(s string) bool {
	if p.re == nil {
		return false
	}
	if p.empty {
		return true
	}
	return s != "" && s[0] >= '0' && s[0] <= '9' && p.first&(1<<(s[0]-'0')) != 0
}

// firstDigits over-approximates the first digits of prog's non-empty matches
// and reports whether it can match the empty string.
func firstDigits(prog *syntax.Prog) (mask uint16, empty bool) {
	seen := map[uint32]bool{}
	var walk func(pc uint32)
	walk = func(pc uint32) {
		if seen[pc] {
			return
		}
		seen[pc] = true
		in := &prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			walk(in.Out)
			walk(in.Arg)
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			walk(in.Out) // an anchor is assumed to hold: more digits, never fewer
		case syntax.InstMatch:
			empty = true
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			for c := rune('0'); c <= '9'; c++ {
				if in.MatchRune(c) {
					mask |= 1 << (c - '0')
				}
			}
		}
	}
	walk(uint32(prog.Start))
	return mask, empty
}

func (r *region) load() {
	r.once.Do(func() {
		m := r.meta
		var parts []dfaPart
		ok := true
		add := func(kind int, d phoneDesc) {
			if d.pattern == "" {
				return // matches only the empty string, which is never an NSN
			}
			prog, err := compileDigits(d.pattern)
			if err != nil {
				ok = false
				return
			}
			parts = append(parts, dfaPart{prog: prog, lens: d.lens, kind: kind})
		}
		add(partGeneral, m.general)
		// A number is valid when it matches the general description and one
		// of the types. A type the same as an earlier one (fixed line and
		// mobile in North America) adds nothing but the cost of compiling it.
		for i, d := range m.types {
			if !slices.ContainsFunc(m.types[:i], func(e phoneDesc) bool {
				return e.pattern == d.pattern && slices.Equal(e.lens, d.lens)
			}) {
				add(partType, d)
			}
		}
		if ok && len(parts) > 0 && parts[0].kind == partGeneral {
			if d, err := buildDFA(parts); err == nil {
				r.valid = d
			}
		}
		if ld := m.leadingDigits; ld != "" {
			if prog, err := compileDigits(ld); err == nil {
				r.lead, _ = buildDFA([]dfaPart{{prog: prog, kind: partLead}})
			}
		}
		r.idd = newPrefixRE(m.internationalPrefix, false)
		tr := m.nationalPrefixTransformRule
		r.npp = newPrefixRE(m.nationalPrefixForParsing, tr != "")
		if tr != "" {
			r.npp.lits = nil // the library transforms even a plain match
		}
	})
}

// viable is the library's check of a national number against the general
// pattern alone.
func (r *region) viable(nsn string) bool {
	return r.valid == nil || r.valid.has(nsn, fGeneral)
}

// phoneData is the index of the metadata in phone_data.go. It is built at
// init (it only points into the static data): the hot path reads it without
// a once-check per number.
type phoneData struct {
	byID  map[string]*region // ISO region codes
	byCC  [1000][]*region    // by calling code, in the library's order, main region first
	isos  []string           // sorted
	nonGe map[int]*region    // non-geographic entities (+800, +882...)
}

var phoneIdx = buildPhoneIndex()

func phoneIndex() *phoneData { return phoneIdx }

func buildPhoneIndex() *phoneData {
	pd := &phoneData{byID: make(map[string]*region, len(phoneRegions)), nonGe: map[int]*region{}}
	rs := make([]region, len(phoneRegions))
	for i := range phoneRegions {
		m := &phoneRegions[i]
		r := &rs[i]
		r.id, r.meta, r.cc, r.ccStr = m.id, m, m.cc, strconv.Itoa(m.cc)
		if r.id == "001" {
			pd.nonGe[r.cc] = r
			continue
		}
		pd.byID[r.id] = r
		pd.isos = append(pd.isos, r.id)
	}
	sort.Strings(pd.isos)
	for _, c := range phoneCallingCodes {
		if c.cc <= 0 || c.cc >= len(pd.byCC) {
			continue
		}
		for _, id := range c.regions {
			if r := pd.byID[id]; r != nil {
				pd.byCC[c.cc] = append(pd.byCC[c.cc], r)
			} else if r := pd.nonGe[c.cc]; r != nil && id == "001" {
				pd.byCC[c.cc] = append(pd.byCC[c.cc], r)
			}
		}
	}
	return pd
}

// mainRegion is the region whose rules the library uses for a calling code
// (GetRegionCodeForCountryCode), or nil for an unknown code.
func mainRegion(cc int) *region {
	if cc <= 0 || cc >= len(phoneIdx.byCC) {
		return nil
	}
	rs := phoneIdx.byCC[cc]
	if len(rs) == 0 {
		return nil
	}
	rs[0].load()
	return rs[0]
}

// ccPrefix finds the calling code digits start with, as extractCountryCode.
func ccPrefix(digits string) (cc int, n int) {
	c := 0
	for n = 1; n <= 3 && n <= len(digits); n++ {
		c = c*10 + int(digits[n-1]-'0')
		if c > 0 && len(phoneIdx.byCC[c]) > 0 {
			return c, n
		}
	}
	return 0, 0
}

// Possible-length verdicts of testNumberLength.
const (
	lenPossible = iota
	lenLocalOnly
	lenTooShort
	lenTooLong
	lenInvalid
)

// testLength is testNumberLength for the general description.
func (r *region) testLength(nsn string) int {
	ls := r.meta.general.lens
	if len(ls) == 0 || ls[0] == -1 {
		return lenInvalid
	}
	n := int32(len(nsn))
	for _, l := range r.meta.localOnly {
		if l == n {
			return lenLocalOnly
		}
	}
	switch {
	case n < ls[0]:
		return lenTooShort
	case n > ls[len(ls)-1]:
		return lenTooLong
	}
	for _, l := range ls {
		if l == n {
			return lenPossible
		}
	}
	return lenInvalid
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode: the national
// prefix (and carrier code) is removed, or the prefix transformed, unless the
// number was viable before and would not be after.
func (r *region) stripNationalPrefix(nsn string) string {
	if nsn == "" || !r.npp.may(nsn) {
		return nsn
	}
	if r.npp.lits != nil {
		// No group, so no transform: the prefix goes when the rest is viable.
		n := r.npp.literal(nsn)
		if n < 0 || r.viable(nsn) && !r.viable(nsn[n:]) {
			return nsn
		}
		return nsn[n:]
	}
	loc := r.npp.re.FindStringSubmatchIndex(nsn)
	if loc == nil {
		return nsn
	}
	viable := r.viable(nsn)
	groups := len(loc)/2 - 1
	tr := r.meta.nationalPrefixTransformRule
	if tr == "" || loc[groups*2] < 0 {
		if viable && !r.viable(nsn[loc[1]:]) {
			return nsn
		}
		return nsn[loc[1]:]
	}
	out := r.npp.re.ReplaceAllString(nsn, tr)
	if viable && !r.viable(out) {
		return nsn
	}
	return out
}

// afterCC is the end of parseHelper for a national number read in region r's
// rules: the national prefix is dropped when what remains has a possible
// length. It returns the NSN, or "" when its length is out of the library's
// bounds.
func (r *region) afterCC(nsn string) string {
	if len(nsn) < 2 {
		return ""
	}
	if p := r.stripNationalPrefix(nsn); p != nsn {
		switch r.testLength(p) {
		case lenTooShort, lenLocalOnly, lenInvalid:
		default:
			nsn = p
		}
	}
	if len(nsn) < 2 || len(nsn) > maxNSN {
		return ""
	}
	return nsn
}

// iddRest strips region r's international prefix from digits, as
// maybeStripInternationalPrefixAndNormalize: ok is false when there is none,
// or when a 0 follows it (no calling code starts with 0).
func (r *region) iddRest(digits string) (rest string, ok bool) {
	if !r.idd.may(digits) {
		return "", false
	}
	if r.idd.lits != nil {
		n := r.idd.literal(digits)
		if n <= 0 {
			return "", false
		}
		rest = digits[n:]
	} else {
		loc := r.idd.re.FindStringIndex(digits)
		if loc == nil || loc[1] == 0 {
			return "", false
		}
		rest = digits[loc[1]:]
	}
	if rest != "" && rest[0] == '0' {
		return "", false
	}
	return rest, true
}

// nationalCC is maybeExtractCountryCode for a number without an international
// prefix: digits that start with r's own calling code are read as
// international when the library would (the full number not viable but the
// rest is, or the full number too long). It returns the digits after the
// calling code and the region whose rules apply to them, or ok false.
func (r *region) nationalCC(digits string) (rest string, ok bool) {
	if !strings.HasPrefix(digits, r.ccStr) {
		return "", false
	}
	pot := r.stripNationalPrefix(digits[len(r.ccStr):])
	if (!r.viable(digits) && r.viable(pot)) || r.testLength(digits) == lenTooLong {
		return pot, true
	}
	return "", false
}

// validNumber is IsValidNumber for calling code cc and national significant
// number nsn: the region is picked as GetRegionCodeForNumber does (leading
// digits, else the first region whose patterns take it), then checked.
func validNumber(cc int, nsn string) bool {
	if cc <= 0 || cc >= len(phoneIdx.byCC) {
		return false
	}
	rs := phoneIdx.byCC[cc]
	if len(rs) == 1 {
		return rs[0].validHere(nsn)
	}
	for _, r := range rs {
		r.load()
		if r.lead != nil {
			if r.lead.has(nsn, fLead) {
				return r.validHere(nsn)
			}
		} else if r.validHere(nsn) {
			return true
		}
	}
	return false
}

// validHere is IsValidNumberForRegion. A region whose patterns could not be
// made an automaton (none with today's data) is one the tool cannot judge:
// its numbers are sent, and the API decides.
func (r *region) validHere(nsn string) bool {
	r.load()
	if r.valid == nil {
		return len(nsn) >= 2 && len(nsn) <= maxNSN
	}
	return r.valid.has(nsn, fValid)
}

// lengthsText says "9", "9 or 10", "5 to 12" or "7, 9 or 10".
func lengthsText(ls []int32) string {
	if len(ls) == 0 {
		return "no"
	}
	if len(ls) > 2 && int(ls[len(ls)-1]-ls[0]) == len(ls)-1 {
		return fmt.Sprintf("%d to %d", ls[0], ls[len(ls)-1])
	}
	var b strings.Builder
	for i, l := range ls {
		switch {
		case i == 0:
		case i == len(ls)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(int(l)))
	}
	return b.String()
}

// maskLengths lists the set bits of m plus add.
func maskLengths(m uint32, add int) []int32 {
	var ls []int32
	for i := 0; i < 32; i++ {
		if m&(1<<i) != 0 {
			ls = append(ls, int32(i+add))
		}
	}
	return ls
}

// digitsText says "6, 7, 8 or 9".
func digitsText(mask uint16) string {
	var ds []string
	for d := 0; d < 10; d++ {
		if mask&(1<<d) != 0 {
			ds = append(ds, strconv.Itoa(d))
		}
	}
	if len(ds) < 2 {
		return strings.Join(ds, "")
	}
	return strings.Join(ds[:len(ds)-1], ", ") + " or " + ds[len(ds)-1]
}

// whyInvalid explains why the NSN of calling code cc is not a number:
// its length, or the first digits no number of that length starts with.
// where names the digits counted ("after the country code 44").
func whyInvalid(cc int, nsn, where string) string {
	r := mainRegion(cc)
	if where != "" {
		where = " " + where
	}
	name := r.id
	if name == "001" {
		name = "+" + r.ccStr
	}
	n := len(nsn)
	if cc == 1 && n == 10 {
		switch {
		case nsn[0] < '2' || nsn[3] < '2':
			return "the area code and the exchange (first and fourth digit) must start with 2-9"
		case nsn[1:3] == "11":
			return "N11 codes such as 911 are not area codes"
		}
	}
	switch r.testLength(nsn) {
	case lenTooShort, lenTooLong, lenInvalid:
		if cc == 1 {
			return fmt.Sprintf("it has %d digits%s; North American numbers have 10", n, where)
		}
		return fmt.Sprintf("it has %d digits%s; %s numbers have %s", n, where, name, lengthsText(r.meta.general.lens))
	case lenLocalOnly:
		return fmt.Sprintf("it has %d digits%s, a local number without its area code: add the area code", n, where)
	}
	d := r.valid
	if d == nil || n > maxNSN {
		return "it is not a number in use there"
	}
	s := int32(0)
	if d.lens[0]&(1<<n) == 0 {
		return fmt.Sprintf("it has %d digits%s; %s numbers have %s", n, where, name, lengthsText(maskLengths(d.lens[0], 0)))
	}
	for i := 0; i < n; i++ {
		t := d.next[int(s)*10+int(nsn[i]-'0')]
		if t >= 0 && d.lens[t]&(1<<(n-i-1)) != 0 {
			s = t
			continue
		}
		if t < 0 || d.lens[t] == 0 {
			msg := fmt.Sprintf("no %s number starts with %s", name, nsn[:i+1])
			if i == 0 {
				var first uint16
				for c := 0; c < 10; c++ {
					if u := d.next[c]; u >= 0 && d.lens[u]&(1<<(n-1)) != 0 {
						first |= 1 << c
					}
				}
				msg += fmt.Sprintf("; %d-digit ones start with %s", n, digitsText(first))
			}
			return msg
		}
		return fmt.Sprintf("it has %d digits%s, but %s numbers starting with %s have %s: check for a missing or extra digit",
			n, where, name, nsn[:i+1], lengthsText(maskLengths(d.lens[t], i+1)))
	}
	return "it is not a number in use there" // unreachable: lens said it was
}
