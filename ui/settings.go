package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/export"
	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/site"
	"app.galley/galley/internal/store"
)

// Preference keys. They are part of the user's saved settings: renaming
// one forgets what editors chose.
const (
	prefSiteName    = "export.siteName"
	prefBaseURL     = "export.baseURL"
	prefDateStyle   = "export.dateStyle"
	prefTemplateDir = "export.templateDir"
	prefExportDir   = "export.folder"
	prefRecent      = "library.recent"
	prefKeepAll     = "history.keepAllDays"
	prefKeepDaily   = "history.keepDailyDays"
	prefKeepMeta    = "export.keepPhotoMetadata"
)

// maxRecent is how many libraries File → Open Recent remembers.
const maxRecent = 8

// exportOptions are this computer's export settings; the site's own
// (its name, address, date style, templates) come from the library when
// the export runs (withSite).
func (d *Desk) exportOptions() export.Options {
	return export.Options{
		ImageCache:        d.imageCache,
		KeepPhotoMetadata: d.app.Preferences().Bool(prefKeepMeta),
	}
}

// recentLibraries lists the library files opened lately, newest first.
func (d *Desk) recentLibraries() []string {
	return d.app.Preferences().StringList(prefRecent)
}

// rememberLibrary puts path at the top of the recent list.
func (d *Desk) rememberLibrary(path string) {
	if path == "" {
		return
	}
	// A team library's password stays out of the preferences: it comes
	// from ~/.pgpass or PGPASSWORD, as for every PostgreSQL client.
	path = store.Shown(path)
	list := []string{path}
	for _, p := range d.recentLibraries() {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	d.app.Preferences().SetStringList(prefRecent, list)
}

// showSettings opens the settings: how exports look and where they go.
// The site's settings are the library's, shared by every editor; the rest
// are this computer's.
func (d *Desk) showSettings() {
	p := d.app.Preferences()
	// Shown: the library's, which exports use; saved: what changed.
	was, err := d.siteSettings(context.Background())
	if err != nil {
		d.showError(err)
		return
	}
	siteName := widget.NewEntry()
	siteName.SetText(was["site-name"])
	siteName.SetPlaceHolder("Publications")
	base := widget.NewEntry()
	base.SetText(was["base-url"])
	base.SetPlaceHolder("https://example.org/publications/ (optional)")
	base.Validator = checkBaseURL
	publishTo := widget.NewEntry()
	publishTo.SetText(was["publish-to"])
	publishTo.SetPlaceHolder("sftp://user@host/path/to/site (optional)")
	publishTo.Validator = checkPublishTo
	lang := widget.NewEntry()
	lang.SetText(was["language"])
	lang.SetPlaceHolder("en")
	lang.Validator = settingRule("language")
	zone := widget.NewEntry()
	zone.SetText(was["time-zone"])
	zone.SetPlaceHolder("UTC")
	zone.Validator = settingRule("time-zone")
	styles := []string{"Long: Tuesday, July 17, 2018", "AP: July 17, 2018"}
	style := widget.NewRadioGroup(styles, nil)
	style.Required = true
	if was["date-style"] == string(export.DateAP) {
		style.SetSelected(styles[1])
	} else {
		style.SetSelected(styles[0])
	}
	templates := d.folderField("Template override folder", was["templates"], "the built-in templates")
	siteNote := widget.NewLabel("The site's settings are the library's: every editor's desk and the command line use them.")
	siteNote.Wrapping = fyne.TextWrapWord
	if d.role == "writer" || d.role == "reader" {
		// The server refuses a writer's change; the desk says so first.
		siteNote.SetText("The site's settings are the library's; on this team library only an editor changes them.")
		siteName.Disable()
		base.Disable()
		lang.Disable()
		zone.Disable()
		publishTo.Disable()
		style.Disable()
	}
	folder := d.folderField("Default export folder", p.String(prefExportDir), "ask each time")
	keepMeta := widget.NewCheck("Keep the photos' original metadata (GPS and camera data included)", nil)
	keepMeta.SetChecked(p.Bool(prefKeepMeta))
	policy := d.revisionPolicy()
	keepAll := widget.NewEntry()
	keepAll.SetText(strconv.Itoa(int(policy.KeepAll.Hours() / 24)))
	keepAll.Validator = checkDays
	keepDaily := widget.NewEntry()
	keepDaily.SetText(strconv.Itoa(int(policy.Daily.Hours() / 24)))
	keepDaily.Validator = checkDays

	// The look is tried at once, and kept only if the settings are saved.
	oldVariant, oldScale := d.appearance()
	variant, scale := oldVariant, oldScale
	var variantLabels, sizeLabels []string
	for _, c := range themeChoices {
		variantLabels = append(variantLabels, c.label)
	}
	for _, c := range textSizes {
		sizeLabels = append(sizeLabels, c.label)
	}
	themeSelect := widget.NewSelect(variantLabels, func(label string) {
		for _, c := range themeChoices {
			if c.label == label && c.value != variant {
				variant = c.value
				d.applyAppearance(variant, scale)
			}
		}
	})
	sizeSelect := widget.NewSelect(sizeLabels, func(label string) {
		for _, c := range textSizes {
			if c.label == label && c.scale != scale {
				scale = c.scale
				d.applyAppearance(variant, scale)
			}
		}
	})
	for _, c := range themeChoices {
		if c.value == variant {
			themeSelect.SetSelected(c.label)
		}
	}
	sizeSelect.SetSelected(sizeLabels[1])
	for _, c := range textSizes {
		if c.scale == scale {
			sizeSelect.SetSelected(c.label)
		}
	}

	items := []*widget.FormItem{
		widget.NewFormItem("Theme", themeSelect),
		widget.NewFormItem("Text size", sizeSelect),
		widget.NewFormItem("Site", siteNote),
		widget.NewFormItem("Site name", siteName),
		widget.NewFormItem("Base URL", base),
		widget.NewFormItem("Publish to", publishTo),
		widget.NewFormItem("Language", lang),
		widget.NewFormItem("Time zone", zone),
		widget.NewFormItem("Dates", style),
		widget.NewFormItem("Templates", templates.box),
		widget.NewFormItem("Export folder", folder.box),
		widget.NewFormItem("Photos", keepMeta),
		widget.NewFormItem("Keep every revision for", container.NewBorder(nil, nil, nil, widget.NewLabel("days"), keepAll)),
		widget.NewFormItem("then one a day until", container.NewBorder(nil, nil, nil, widget.NewLabel("days, then one a week"), keepDaily)),
	}
	items[4].HintText = "Gives canonical links and absolute addresses in the feed and sitemap."
	items[5].HintText = "Where File → Publish Site puts the site, over SFTP with your SSH key."
	items[6].HintText = "The pages' language, as a tag such as en, en-GB or fr."
	items[7].HintText = "Where the site is (America/New_York): a publication date starts at midnight there."
	items[9].HintText = "A folder of templates replacing the defaults (see docs/export.md)."
	if files := d.newSiteFilesBox(!siteName.Disabled()); files != nil {
		// After Templates, so the hints above keep their places.
		item := widget.NewFormItem("Site files", files.content)
		item.HintText = "Copied to the top of every site export; favicon.* and logo.* appear in every page."
		items = append(items[:10], append([]*widget.FormItem{item}, items[10:]...)...)
	}
	d.showSettingsForm(items, func(ok bool) {
		if !ok {
			d.applyAppearance(oldVariant, oldScale)
			return
		}
		d.setAppearance(variant, scale)
		now := map[string]string{
			"site-name": siteName.Text, "base-url": base.Text, "publish-to": publishTo.Text, "language": lang.Text, "time-zone": zone.Text,
			"date-style": string(export.DateLong), "templates": templates.path,
		}
		if style.Selected == styles[1] {
			now["date-style"] = string(export.DateAP)
		}
		if !siteName.Disabled() {
			d.saveSiteChanges(was, now)
		}
		p.SetString(prefExportDir, folder.path)
		p.SetBool(prefKeepMeta, keepMeta.Checked)
		all, _ := strconv.Atoi(strings.TrimSpace(keepAll.Text))
		daily, _ := strconv.Atoi(strings.TrimSpace(keepDaily.Text))
		p.SetInt(prefKeepAll, all)
		p.SetInt(prefKeepDaily, max(daily, all))
	})
}

// showSettingsForm shows the settings' form in a dialog that scrolls, with
// Save and Cancel kept in view beneath it: the form is taller than a
// laptop's window, and a form dialog grows past the window's bottom, its
// buttons over the last settings. Save waits while a field is not valid,
// as a form dialog's does.
func (d *Desk) showSettingsForm(items []*widget.FormItem, done func(ok bool)) {
	form := widget.NewForm(items...)
	var dlg *dialog.CustomDialog
	save := widget.NewButtonWithIcon("Save", theme.ConfirmIcon(), func() {
		dlg.Hide()
		done(true)
	})
	save.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		dlg.Hide()
		done(false)
	})
	form.SetOnValidationChanged(func(err error) {
		if err != nil {
			save.Disable()
		} else {
			save.Enable()
		}
	})
	if form.Validate() != nil {
		save.Disable() // a setting kept before its rule was stricter
	}
	dlg = dialog.NewCustomWithoutButtons("Settings", container.NewVScroll(form), d.win)
	dlg.SetButtons([]fyne.CanvasObject{cancel, save})
	height := float32(720)
	if h := d.win.Canvas().Size().Height - 40; h > 300 && h < height {
		height = h
	}
	dlg.Resize(fyne.NewSize(720, height))
	dlg.Show()
}

// revisionPolicy is how old revisions thin out, as set in Settings.
func (d *Desk) revisionPolicy() store.RevisionPolicy {
	p := d.app.Preferences()
	day := 24 * time.Hour
	def := store.DefaultRevisionPolicy
	all := time.Duration(p.IntWithFallback(prefKeepAll, int(def.KeepAll/day))) * day
	daily := time.Duration(p.IntWithFallback(prefKeepDaily, int(def.Daily/day))) * day
	return store.RevisionPolicy{KeepAll: all, Daily: max(daily, all)}
}

// checkDays accepts a whole number of days from 1 to 3650.
func checkDays(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 3650 {
		return fmt.Errorf("a number of days from 1 to 3650")
	}
	return nil
}

// saveSiteChanges keeps in the library the site's settings that changed
// from was, each checked by its own rule, in the background; a refusal
// (a writer on a team library, the server away) is shown.
func (d *Desk) saveSiteChanges(was, now map[string]string) {
	changed := map[string]string{}
	for name, v := range now {
		checked, err := site.Check(name, v)
		if err != nil {
			d.showError(err)
			return
		}
		// An unset date style is the long one.
		if checked != was[name] && !(name == "date-style" && checked == string(export.DateLong) && was[name] == "") {
			changed[name] = checked
		}
	}
	if len(changed) == 0 {
		return
	}
	g := d.jobs
	g.start(func(ctx context.Context) {
		err := d.saveSiteSettings(ctx, changed)
		g.do(func() {
			if err != nil {
				d.showError(galley.Errorf(galley.ErrorCode(err), "The site's settings were not changed: %s", galley.ErrorMessage(err)))
			}
		})
	})
}

// settingRule is the site setting name's own rule, for an entry.
func settingRule(name string) func(string) error {
	return func(v string) error {
		if _, err := site.Check(name, v); err != nil {
			return errors.New(galley.ErrorMessage(err))
		}
		return nil
	}
}

// checkPublishTo is the publish address's own rule: the publish-to
// setting's, which Settings and the publish dialog both use.
func checkPublishTo(s string) error { return settingRule("publish-to")(s) }

// checkBaseURL is the base-url setting's own rule, the one saving it
// applies (site.Check), which is the export's (export.CheckBaseURL): the
// field refuses what saving would, and Settings never accepts a base URL
// every export would then refuse.
func checkBaseURL(s string) error { return settingRule("base-url")(s) }

// folderField is a chosen folder shown with Choose and Clear buttons.
type folderField struct {
	title string
	path  string
	box   fyne.CanvasObject
}

func (d *Desk) folderField(title, path, none string) *folderField {
	f := &folderField{title: title, path: path}
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	show := func() {
		if f.path == "" {
			label.SetText("(" + none + ")")
		} else {
			label.SetText(f.path)
		}
	}
	show()
	choose := widget.NewButton("Choose…", func() {
		d.chooseFolder(f.title, "Choose", f.path, func(dir string) { f.path = dir; show() })
	})
	clearIt := widget.NewButton("Clear", func() { f.path = ""; show() })
	f.box = container.NewBorder(nil, nil, nil, container.NewHBox(choose, clearIt), label)
	return f
}

// chooseFolder asks for a folder under a title saying what it is for,
// starting in start when it exists; confirm names the button that takes it.
func (d *Desk) chooseFolder(title, confirm, start string, chosen func(dir string)) {
	d.choose(fileChoice{title: title, accept: confirm, folder: true, start: start}, chosen)
}
