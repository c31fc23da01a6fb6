package envlocale

import "testing"

func TestIsCLocale(t *testing.T) {
	for loc, want := range map[string]bool{
		"": true, "C": true, "C.UTF-8": true, "C.utf8": true, "POSIX": true,
		"en_US.UTF-8": false, "de_DE@euro": false, "uk_UA.UTF-8": false,
	} {
		if got := isCLocale(loc); got != want {
			t.Errorf("isCLocale(%q) = %v, want %v", loc, got, want)
		}
	}
}
