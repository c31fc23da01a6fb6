package main

import (
	"os"
	"regexp"
	"testing"
)

// TestMetadataMatchesFyneAppToml keeps the constants a plain `go build`
// uses in step with FyneApp.toml, which `fyne package` reads.
func TestMetadataMatchesFyneAppToml(t *testing.T) {
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		`(?m)^ID = "([^"]*)"`:      appID,
		`(?m)^Name = "([^"]*)"`:    appName,
		`(?m)^Version = "([^"]*)"`: version,
		`(?m)^Build = (\d+)`:       "1",
		`(?m)^fyneDo = (\w+)`:      "true",
		`(?m)^Icon = "([^"]*)"`:    "assets/icon.png",
	}
	for pattern, value := range want {
		m := regexp.MustCompile(pattern).FindSubmatch(data)
		if m == nil || string(m[1]) != value {
			t.Errorf("FyneApp.toml %s: got %q, want %q", pattern, m, value)
		}
	}
	if appBuild != 1 {
		t.Errorf("appBuild = %d; update the test with FyneApp.toml", appBuild)
	}
}
