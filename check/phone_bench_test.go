package check

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// benchPhone runs Phone over inputs in turn, one number per op.
func benchPhone(b *testing.B, def string, inputs ...string) {
	b.Helper()
	for _, in := range inputs {
		if _, _, err := Phone(in, def); err != nil {
			b.Fatalf("Phone(%q, %q): %v", in, def, err)
		}
	}
	i := 0
	for b.Loop() {
		Phone(inputs[i], def)
		i++
		if i == len(inputs) {
			i = 0
		}
	}
}

// Numbers already in E.164, the form of a clean sheet and of the bench's input.
func BenchmarkPhoneE164(b *testing.B) {
	benchPhone(b, "", "+12405551212", "+442079460958", "+4930123456", "+61293744000", "+33142685300", "+919876543210")
}

// International numbers with separators.
func BenchmarkPhoneInternational(b *testing.B) {
	benchPhone(b, "", "+1 (240) 555-1212", "+44 (0)20 7946 0958", "0049 30 123456", "+61 2 9374 4000")
}

// National numbers of the default country.
func BenchmarkPhoneNationalUS(b *testing.B) {
	benchPhone(b, "", "(240) 555-1212", "240.555.1213", "1 240 555 1214")
}

func BenchmarkPhoneNationalGB(b *testing.B) {
	benchPhone(b, "GB", "020 7946 0958", "07700 123456", "0113 496 0000")
}

// The library's own Parse and IsValidNumber on BenchmarkPhoneE164's numbers:
// what each number would cost without the automata.
func BenchmarkPhoneLibraryE164(b *testing.B) {
	inputs := []string{"+12405551212", "+442079460958", "+4930123456", "+61293744000", "+33142685300", "+919876543210"}
	i := 0
	for b.Loop() {
		n, err := phonenumbers.Parse(inputs[i], "US")
		if err != nil || !phonenumbers.IsValidNumber(n) {
			b.Fatal(inputs[i], err)
		}
		i++
		if i == len(inputs) {
			i = 0
		}
	}
}

// National numbers of countries whose prefixes need a regexp (AU's carrier
// codes, BR's, AR's 15), read by this package.
func BenchmarkPhoneNationalRegexp(b *testing.B) {
	b.Run("AU", func(b *testing.B) { benchPhone(b, "AU", "02 5550 1234", "0491 570 156", "1300 975 707") })
	b.Run("BR", func(b *testing.B) { benchPhone(b, "BR", "(11) 91234-5678", "011 91234 5678", "0 21 11 91234 5678") })
	b.Run("AR", func(b *testing.B) { benchPhone(b, "AR", "011 4123-4567", "011 15-2345-6789", "0351 412-3456") })
}
