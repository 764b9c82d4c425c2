package check

import "testing"

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
