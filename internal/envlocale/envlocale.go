// Package envlocale gives Fyne a language it can parse when the
// environment names the C locale ("C.UTF-8" is the default of Debian
// containers and many servers). Fyne reads the locale while its packages
// initialise and, failing to parse "C", prints three lines of "Fyne error"
// before every command, even `galley list`.
//
// Importing this package fixes that, because Go initialises packages in
// import-path order once their own imports are ready: this package needs
// only the standard library, and "app.galley/..." sorts before "fyne.io/...",
// so its init runs before Fyne's. Keep it free of other imports.
package envlocale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	if isCLocale(effectiveLocale()) {
		// LANGUAGE is what gettext-style lookups, Fyne's among them,
		// consult after LC_ALL, LC_MESSAGES and LANG; "en" is what the
		// C locale means for messages.
		os.Setenv("LANGUAGE", "en")
	}
}

// effectiveLocale returns the locale messages are shown in, by the POSIX
// order of precedence.
func effectiveLocale() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}

// isCLocale reports whether loc is unset or the C/POSIX locale, with or
// without an encoding ("C.UTF-8").
func isCLocale(loc string) bool {
	base, _, _ := strings.Cut(loc, ".")
	base, _, _ = strings.Cut(base, "@")
	return base == "" || base == "C" || base == "POSIX"
}
