package check

import (
	"cmp"
	"encoding/binary"
	"errors"
	"regexp/syntax"
	"slices"
)

// maxNSN is libphonenumber's longest national significant number.
const maxNSN = 17

// dfa answers libphonenumber's pattern questions about a digit string in one
// pass. The library runs Go regexps of several kilobytes per number type
// (about 24 µs a number); these automata are built once per region from the
// same patterns and walk a digit per step. Their languages are finite (no
// number is longer than maxNSN), so the states are layered by length.
type dfa struct {
	next  []int32 // next[s*10+d]: the state after digit d, or -1
	flags []uint8 // per state: the f* bits below
	// lens[s] has bit r set when some string of r more digits from s ends in a
	// state with fValid: what a message can say about the missing digits.
	lens []uint32
}

const (
	fGeneral = 1 << iota // the general pattern matches (pattern only, as "viable" in the library)
	fValid               // general pattern and length, and one number type with its lengths
	fLead                // the leading-digits pattern matched a prefix
)

// dfaPart is one pattern of a region: its compiled program and, when given,
// the lengths a whole match may have.
type dfaPart struct {
	prog *syntax.Prog
	lens []int32 // empty: any length
	kind int     // partGeneral, partType or partLead
}

const (
	partGeneral = iota
	partType
	partLead
)

var errDFASize = errors.New("phone patterns too large for an automaton")

// maxDFAStates bounds one region's automaton; a region past it falls back to
// the library (none does with today's data: see TestPhoneDFASizes).
const maxDFAStates = 1 << 16

func compileDigits(pattern string) (*syntax.Prog, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	return syntax.Compile(re.Simplify())
}

// buildDFA determinises parts by subset construction. A state is the length
// read so far, the leading-digits bit and the set of live instructions of
// every part. It runs once per region, on the region's first number, so its
// scratch space is reused across states: what it allocates is close to what
// it keeps.
func buildDFA(parts []dfaPart) (*dfa, error) {
	type pos struct{ part, pc uint32 }
	d := &dfa{}
	ids := map[string]int32{}
	var depths []int
	var keyBuf []byte
	// The instruction sets of the states, one after another: state s has
	// sets[setEnd[s]:setEnd[s+1]].
	var sets []pos
	setEnd := []int{0}
	var set []pos // the set of the state being added
	// mark[part][pc] == stamp: the instruction is already in the closure of
	// the current add.
	mark := make([][]uint32, len(parts))
	for i, p := range parts {
		mark[i] = make([]uint32, len(p.prog.Inst))
	}
	stamp := uint32(0)

	// closure adds the instructions reachable from pc without input to set,
	// and reports whether the part can end here.
	var closure func(part int, pc uint32) (match bool, err error)
	closure = func(part int, pc uint32) (bool, error) {
		if mark[part][pc] == stamp {
			return false, nil
		}
		mark[part][pc] = stamp
		in := &parts[part].prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			m1, err := closure(part, in.Out)
			if err != nil {
				return false, err
			}
			m2, err := closure(part, in.Arg)
			return m1 || m2, err
		case syntax.InstCapture, syntax.InstNop:
			return closure(part, in.Out)
		case syntax.InstMatch:
			return true, nil
		case syntax.InstFail:
			return false, nil
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			set = append(set, pos{uint32(part), pc})
			return false, nil
		}
		return false, errors.New("phone pattern uses an anchor or word boundary")
	}
	lenOK := func(ls []int32, n int) bool {
		if len(ls) == 0 {
			return true
		}
		for _, l := range ls {
			if int(l) == n {
				return true
			}
		}
		return false
	}
	// add interns the state reached with the given starts (part, pc) at depth.
	add := func(starts []pos, depth int, lead bool) (int32, error) {
		stamp++
		set = set[:0]
		var gen, anyType, lenGen bool
		for _, st := range starts {
			m, err := closure(int(st.part), st.pc)
			if err != nil {
				return 0, err
			}
			if !m {
				continue
			}
			pt := parts[st.part]
			switch pt.kind {
			case partGeneral:
				gen, lenGen = true, lenOK(pt.lens, depth)
			case partType:
				if lenOK(pt.lens, depth) {
					anyType = true
				}
			case partLead:
				lead = true
			}
		}
		slices.SortFunc(set, func(a, b pos) int {
			if a.part != b.part {
				return cmp.Compare(a.part, b.part)
			}
			return cmp.Compare(a.pc, b.pc)
		})
		var fl uint8
		if gen {
			fl |= fGeneral
			if lenGen && anyType {
				fl |= fValid
			}
		}
		if lead {
			fl |= fLead
		}
		if len(set) == 0 && fl == 0 && depth > 0 {
			return -1, nil
		}
		keyBuf = keyBuf[:0]
		keyBuf = append(keyBuf, byte(depth), fl)
		for _, p := range set {
			keyBuf = binary.AppendUvarint(keyBuf, uint64(p.part))
			keyBuf = binary.AppendUvarint(keyBuf, uint64(p.pc))
		}
		if id, ok := ids[string(keyBuf)]; ok {
			return id, nil
		}
		if len(depths) >= maxDFAStates {
			return 0, errDFASize
		}
		id := int32(len(depths))
		ids[string(keyBuf)] = id
		sets = append(sets, set...)
		setEnd = append(setEnd, len(sets))
		depths = append(depths, depth)
		d.flags = append(d.flags, fl)
		d.next = append(d.next, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)
		return id, nil
	}

	var starts []pos
	for i, p := range parts {
		starts = append(starts, pos{uint32(i), uint32(p.prog.Start)})
	}
	if _, err := add(starts, 0, false); err != nil {
		return nil, err
	}
	for s := 0; s < len(depths); s++ {
		if depths[s] == maxNSN {
			continue
		}
		lead := d.flags[s]&fLead != 0
		// add appends to sets, and may move it: this state's set stays
		// where it was read from.
		cur := sets[setEnd[s]:setEnd[s+1]]
		for c := rune('0'); c <= '9'; c++ {
			starts = starts[:0]
			for _, p := range cur {
				in := &parts[p.part].prog.Inst[p.pc]
				if in.MatchRune(c) {
					starts = append(starts, pos{p.part, in.Out})
				}
			}
			if len(starts) == 0 && !lead {
				continue
			}
			id, err := add(starts, depths[s]+1, lead)
			if err != nil {
				return nil, err
			}
			d.next[s*10+int(c-'0')] = id
		}
	}
	// States only lead to deeper ones, so reverse creation order (BFS by
	// depth) sees every successor first.
	d.lens = make([]uint32, len(depths))
	for s := len(depths) - 1; s >= 0; s-- {
		var m uint32
		if d.flags[s]&fValid != 0 {
			m = 1
		}
		for c := 0; c < 10; c++ {
			if n := d.next[s*10+c]; n >= 0 {
				m |= d.lens[n] << 1
			}
		}
		d.lens[s] = m
	}
	return d, nil
}

// walk returns the state after digits, or -1.
func (d *dfa) walk(digits string) int32 {
	s := int32(0)
	for i := 0; i < len(digits) && s >= 0; i++ {
		c := digits[i] - '0'
		if c > 9 {
			return -1
		}
		s = d.next[int(s)*10+int(c)]
	}
	return s
}

// has reports whether digits end in a state with flag f.
func (d *dfa) has(digits string, f uint8) bool {
	s := d.walk(digits)
	return s >= 0 && d.flags[s]&f != 0
}
