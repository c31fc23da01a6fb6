package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Preference keys of how the desk looks (see the other keys in settings.go).
const (
	prefThemeVariant = "desk.theme"    // one of the themeChoices values
	prefTextScale    = "desk.textSize" // a factor from textSizes
)

// Theme choices as stored in the preferences.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// themeChoices are the Settings labels of the theme choices, in order.
var themeChoices = []struct{ value, label string }{
	{themeSystem, "As the system"},
	{themeLight, "Light"},
	{themeDark, "Dark"},
}

// textSizes are the text sizes Settings offers, as factors of Fyne's.
var textSizes = []struct {
	scale float64
	label string
}{
	{0.9, "Small"},
	{1, "Normal"},
	{1.15, "Large"},
	{1.3, "Larger"},
}

// deskTheme is the theme the desk draws with: the app's theme in the
// variant and text size chosen in Settings, with the status colours made
// to read as text (WCAG AA: 4.5:1) on every background they meet. Fyne's
// light theme shows warnings in #ff9800 (2.16:1 on white) and errors in
// #f44336 (3.7:1); its dark theme's error red is 3.9:1 on menus.
type deskTheme struct {
	base    fyne.Theme
	variant string  // themeSystem, themeLight or themeDark
	scale   float32 // of the text sizes
}

var _ fyne.Theme = (*deskTheme)(nil)

// The light variant's status colours, each over 5:1 on white.
var (
	lightWarning = color.NRGBA{R: 0x9a, G: 0x5a, B: 0x00, A: 0xff}
	lightError   = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	lightSuccess = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	darkError    = color.NRGBA{R: 0xff, G: 0x6b, B: 0x6b, A: 0xff} // over 5:1 on the dark menus
)

func (t *deskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case themeLight:
		v = theme.VariantLight
	case themeDark:
		v = theme.VariantDark
	}
	if v == theme.VariantLight {
		switch n {
		case theme.ColorNameWarning:
			return lightWarning
		case theme.ColorNameError:
			return lightError
		case theme.ColorNameSuccess:
			return lightSuccess
		case theme.ColorNameForegroundOnWarning, theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnSuccess:
			// White reads on the darker colours above.
			return color.White
		}
	} else if n == theme.ColorNameError {
		return darkError
	}
	return t.base.Color(n, v)
}

func (t *deskTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base.Font(s) }

func (t *deskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *deskTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon:
		return s * t.scale
	}
	return s
}

// appearance is the theme variant and text size in the preferences.
func (d *Desk) appearance() (variant string, scale float64) {
	p := d.app.Preferences()
	variant = p.StringWithFallback(prefThemeVariant, themeSystem)
	scale = p.FloatWithFallback(prefTextScale, 1)
	if scale < 0.5 || scale > 3 {
		scale = 1
	}
	return variant, scale
}

// applyAppearance draws the whole app in the theme variant and text size
// chosen, at once.
func (d *Desk) applyAppearance(variant string, scale float64) {
	if d.baseTheme == nil {
		d.baseTheme = d.app.Settings().Theme()
		if dt, ok := d.baseTheme.(*deskTheme); ok {
			d.baseTheme = dt.base // another desk of this app laid it over
		}
	}
	d.app.Settings().SetTheme(&deskTheme{base: d.baseTheme, variant: variant, scale: float32(scale)})
}

// setAppearance keeps a choice of theme variant and text size and applies it.
func (d *Desk) setAppearance(variant string, scale float64) {
	p := d.app.Preferences()
	p.SetString(prefThemeVariant, variant)
	p.SetFloat(prefTextScale, scale)
	d.applyAppearance(variant, scale)
}
