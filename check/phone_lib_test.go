package check

import (
	"runtime"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// libRead is what the library makes of digits dialled in region def: its
// E.164 form ("" when Parse fails) and IsValidNumber.
func libRead(digits, def string) (string, bool) {
	n, err := phonenumbers.Parse(digits, def)
	if err != nil {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), phonenumbers.IsValidNumber(n)
}

// ourRead is the same through this package's port: an international prefix
// of def, else a national number of def. The "00" everywhere and "(0)"
// conventions of the front end are left out: the library has neither.
func ourRead(digits string, home *region) reading {
	home.load()
	if plus := len(digits) > 0 && digits[0] == '+'; plus {
		return readPlus(digits[1:])
	}
	if rest, ok := home.iddRest(digits); ok {
		return readPlus(rest)
	}
	return home.readNational(digits)
}

// phoneSamples derives test inputs from the library's example numbers of
// every type of every region: national and international forms, with the
// trunk prefix, with the calling code but no '+', one digit short, one too
// many, and every other first digit.
func phoneSamples(t testing.TB, r *region) []string {
	m := libMeta(t, r)
	var out []string
	np := m.GetNationalPrefix()
	for _, d := range []*phonenumbers.PhoneNumberDesc{m.GetGeneralDesc(), m.GetFixedLine(), m.GetMobile(), m.GetTollFree(),
		m.GetPremiumRate(), m.GetSharedCost(), m.GetPersonalNumber(), m.GetVoip(), m.GetPager(), m.GetUan(), m.GetVoicemail()} {
		e := d.GetExampleNumber()
		if e == "" {
			continue
		}
		vs := []string{e, e[:len(e)-1], e + "5", e + "55"}
		for c := '0'; c <= '9'; c++ {
			vs = append(vs, string(c)+e[1:], string(c)+e)
		}
		for _, v := range vs {
			out = append(out, v, np+v, r.ccStr+v, "+"+r.ccStr+v, "+"+r.ccStr+np+v)
		}
	}
	return out
}

// TestPhoneMatchesLibrary: for every region, the port reads the samples to
// the same number as the library's Parse, and validates them as its
// IsValidNumber does.
func TestPhoneMatchesLibrary(t *testing.T) {
	pd := phoneIndex()
	ids := pd.isos
	if testing.Short() || raceOn {
		ids = []string{"US", "CA", "AG", "GB", "IM", "DE", "IT", "ES", "NL", "MX", "ZA", "SG", "CH", "AR", "AU", "IN", "BR", "PL", "IE", "JP"}
	}
	cases, bad := 0, 0
	for _, id := range ids {
		home := pd.byID[id]
		for _, s := range phoneSamples(t, home) {
			cases++
			libE, libOK := libRead(s, id)
			rd := ourRead(s, home)
			ourOK := rd.valid()
			ourE := ""
			if rd.nsn != "" {
				ourE = rd.e164()
			}
			if libOK != ourOK || (libE != "" && ourE != "" && libE != ourE) || (libOK && libE != ourE) {
				bad++
				if bad <= 30 {
					t.Errorf("%s %q: library %q valid %v; port %q valid %v", id, s, libE, libOK, ourE, ourOK)
				}
			}
		}
	}
	t.Logf("%d cases over %d regions, %d differ", cases, len(ids), bad)
}

// Every region's patterns become an automaton of bounded size. -v shows what
// the automata of every region add to the heap (run alone: other tests build
// some of them).
func TestPhoneAutomata(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pd := phoneIndex()
	total := 0
	all := append([]*region(nil), func() []*region {
		var rs []*region
		for _, id := range pd.isos {
			rs = append(rs, pd.byID[id])
		}
		for _, r := range pd.nonGe {
			rs = append(rs, r)
		}
		return rs
	}()...)
	for _, r := range all {
		r.load()
		if r.valid == nil {
			t.Errorf("%s: no automaton", r.id)
			continue
		}
		if r.meta.leadingDigits != "" && r.lead == nil {
			t.Errorf("%s: no leading-digits automaton", r.id)
		}
		total += len(r.valid.flags)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("%d regions, %d states; heap %d KiB before, %d KiB with every automaton built (the tool builds a region's on its first number)",
		len(all), total, before.HeapAlloc/1024, after.HeapAlloc/1024)
}
