package cli_test

// soakOr is long under the soak build tag and short without it.
func soakOr(long, short int) int {
	if soak {
		return long
	}
	return short
}
