package ui

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// contrast is WCAG 2's contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// over lays a translucent colour on an opaque one.
func over(top, bottom color.Color) color.Color {
	t := color.NRGBAModel.Convert(top).(color.NRGBA)
	b := color.NRGBAModel.Convert(bottom).(color.NRGBA)
	a := float64(t.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(t.R, b.R), G: mix(t.G, b.G), B: mix(t.B, b.B), A: 0xff}
}

// TestDeskColoursMeetWCAGAA computes, from the colours the desk's theme
// gives, the contrast of the text in status colours (checks, warnings on
// photos, removed words in History) and of the words added in History on
// their highlight, on every background they are drawn on, in the light
// and the dark variant. Fyne's light theme gave warnings 2.16:1 on white.
func TestDeskColoursMeetWCAGAA(t *testing.T) {
	if c := contrast(theme.DefaultTheme().Color(theme.ColorNameWarning, theme.VariantLight), color.White); c > 2.2 {
		t.Fatalf("Fyne's light warning colour is %.2f:1 on white; this test measures the wrong thing", c)
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for _, chosen := range []string{themeSystem, themeLight, themeDark} {
			th := &deskTheme{base: theme.DefaultTheme(), variant: chosen, scale: 1}
			for _, bgName := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground} {
				bg := th.Color(bgName, v)
				for _, fg := range []fyne.ThemeColorName{theme.ColorNameWarning, theme.ColorNameError, theme.ColorNameSuccess, theme.ColorNameForeground} {
					if c := contrast(th.Color(fg, v), bg); c < 4.5 {
						t.Errorf("%s theme (system %d): %s text on %s is %.2f:1, below 4.5:1", chosen, v, fg, bgName, c)
					}
				}
				highlight := over(highlightColor(th.Color(theme.ColorNameSuccess, v)), bg)
				if c := contrast(th.Color(theme.ColorNameForeground, v), highlight); c < 4.5 {
					t.Errorf("%s theme (system %d): added words on their highlight over %s are %.2f:1", chosen, v, bgName, c)
				}
			}
			for n, on := range map[fyne.ThemeColorName]fyne.ThemeColorName{
				theme.ColorNameWarning: theme.ColorNameForegroundOnWarning,
				theme.ColorNameError:   theme.ColorNameForegroundOnError,
				theme.ColorNameSuccess: theme.ColorNameForegroundOnSuccess,
			} {
				if c := contrast(th.Color(on, v), th.Color(n, v)); c < 4.5 {
					t.Errorf("%s theme (system %d): text on a %s button is %.2f:1", chosen, v, n, c)
				}
			}
		}
	}
}

// TestSettingsThemeAndTextSizeApplyAtOnce: the theme and the text size
// chosen in Settings show at once, are kept in the preferences when the
// settings are saved, and go back when they are cancelled.
func TestSettingsThemeAndTextSizeApplyAtOnce(t *testing.T) {
	d := newTestDesk(t, testLibrary(t))
	a := d.app
	normal := theme.TextSize()
	selects := func() (variant, size *widget.Select) {
		for _, o := range d.win.Canvas().Overlays().List() {
			walk(t, o, func(c fyne.CanvasObject) {
				if s, ok := c.(*widget.Select); ok {
					switch {
					case containsOption(s.Options, "Dark"):
						variant = s
					case containsOption(s.Options, "Larger"):
						size = s
					}
				}
			})
		}
		if variant == nil || size == nil {
			t.Fatalf("Settings offers no theme or text size:\n%s", overlayText(d.win))
		}
		return variant, size
	}
	background := func() color.Color {
		return a.Settings().Theme().Color(theme.ColorNameBackground, a.Settings().ThemeVariant())
	}
	d.showSettings()
	variant, size := selects()
	if variant.Selected != "As the system" || size.Selected != "Normal" {
		t.Errorf("Settings starts at %q, %q", variant.Selected, size.Selected)
	}
	// The variant the system does not use, so the change shows.
	dark, light := d.baseTheme.Color(theme.ColorNameBackground, theme.VariantDark), d.baseTheme.Color(theme.ColorNameBackground, theme.VariantLight)
	system := d.baseTheme.Color(theme.ColorNameBackground, a.Settings().ThemeVariant())
	other, want := "Dark", dark
	if system == dark {
		other, want = "Light", light
	}
	variant.SetSelected(other)
	if background() != want {
		t.Errorf("choosing %s does not change the desk at once", other)
	}
	size.SetSelected("Large")
	if got := theme.TextSize(); math.Abs(float64(got-normal*1.15)) > 0.01 {
		t.Errorf("the text is %.1f after choosing Large, want %.1f", got, normal*1.15)
	}
	tapButton(t, d.win, "Cancel")
	if background() != system || theme.TextSize() != normal {
		t.Error("Cancel leaves the theme and text size tried")
	}

	d.showSettings()
	variant, size = selects()
	variant.SetSelected(other)
	size.SetSelected("Larger")
	tapButton(t, d.win, "Save")
	if v, s := d.appearance(); v != strings.ToLower(other) || s != 1.3 {
		t.Errorf("the preferences keep %q and %.2f", v, s)
	}
	if background() != want {
		t.Errorf("the %s theme is not shown", other)
	}
	// The next run draws the desk as chosen.
	d2 := queuedNewDesk(t, a, testLibrary(t))
	t.Cleanup(func() { stopped(t, d2) })
	opened(t, d2)
	if got := theme.TextSize(); math.Abs(float64(got-normal*1.3)) > 0.01 {
		t.Errorf("a new desk draws text at %.1f, want %.1f", got, normal*1.3)
	}
}
