package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"app.galley/galley/internal/galley"
	"app.galley/galley/internal/store"
)

// Vocabulary is what the managers need to keep the library's shared
// names: topics, contributors and types. *store.Store provides it; every
// change gives the pieces concerned a new version, so an editor holding
// one open is asked before their old copy is saved back.
type Vocabulary interface {
	RenameTopic(ctx context.Context, id int64, name string) error
	MergeTopics(ctx context.Context, from, into int64) error
	DeleteTopic(ctx context.Context, id int64) error
	UpdateContributor(ctx context.Context, c galley.Contributor) error
	CreateContributor(ctx context.Context, c galley.Contributor) (galley.Contributor, error)
	DeleteContributor(ctx context.Context, id int64) error
	CreateType(ctx context.Context, name string) (galley.Type, error)
	RenameType(ctx context.Context, id int64, name string) error
	DeleteType(ctx context.Context, id int64) error
}

// The managers are offered only on a library that is a Vocabulary: a
// change to the store's methods breaks the build here, not the menu.
var _ Vocabulary = (*store.Store)(nil)

// manager is a window listing one vocabulary with actions on the chosen
// entry.
type manager struct {
	d       *Desk
	win     fyne.Window
	list    *widget.List
	rows    []managerRow
	chosen  int
	load    func() ([]managerRow, error)
	buttons []*widget.Button
	closed  bool // the window was closed
}

type managerRow struct {
	id     int64
	name   string
	detail string
	pieces int
}

func (d *Desk) vocabulary() (Vocabulary, bool) {
	v, ok := d.lib.(Vocabulary)
	if !ok {
		d.showError(galley.Errorf(galley.EInternal, "This library cannot be edited here."))
	}
	return v, ok
}

func (d *Desk) newManager(title string, load func() ([]managerRow, error)) *manager {
	m := &manager{d: d, win: d.app.NewWindow(title), load: load, chosen: -1}
	m.list = widget.NewList(func() int { return len(m.rows) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("Name")
			name.Truncation = fyne.TextTruncateEllipsis
			count := widget.NewLabel("0 pieces")
			count.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, nil, count, name)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			r := m.rows[i]
			text := r.name
			if r.detail != "" {
				text += " — " + r.detail
			}
			c.Objects[0].(*widget.Label).SetText(text)
			c.Objects[1].(*widget.Label).SetText(plural(r.pieces, "piece"))
		})
	m.list.OnSelected = func(i widget.ListItemID) { m.chosen = i; m.enable() }
	m.list.OnUnselected = func(widget.ListItemID) { m.chosen = -1; m.enable() }
	return m
}

// show lays the window out with the list and the action buttons.
func (m *manager) show(add *widget.Button, actions ...*widget.Button) {
	m.buttons = actions
	bar := container.NewHBox()
	if add != nil {
		bar.Add(add)
	}
	for _, b := range actions {
		bar.Add(b)
	}
	m.win.SetContent(container.NewBorder(nil, container.NewPadded(bar), nil, nil, m.list))
	m.win.Resize(fyne.NewSize(560, 520))
	m.reload()
	m.d.track(m.win, func() { m.closed = true })
	m.win.Show()
}

func (m *manager) enable() {
	for _, b := range m.buttons {
		if m.chosen >= 0 {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// reload reads the list again, and tells the desk the vocabulary changed.
func (m *manager) reload() {
	rows, err := m.load()
	if err != nil {
		dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), m.win)
	}
	m.rows = rows
	m.chosen = -1
	m.list.UnselectAll()
	m.list.Refresh()
	m.enable()
}

// apply runs a change, then brings the manager and the desk up to date.
// The open piece is saved first, so the change never conflicts with the
// editor's own unsaved words; it is then reloaded to show the new names.
//
// A change can touch thousands of pieces (renaming a topic reindexes every
// piece that has it: 4.5 s for 6,600 pieces), so it runs off the UI
// goroutine. Meanwhile the manager and the desk wait behind a "working"
// overlay, so nothing is typed into a piece that is about to be reloaded,
// and closing Galley waits for the change to finish.
func (m *manager) apply(change func(ctx context.Context) error) {
	d := m.d
	if !d.editor.flush() {
		dialog.ShowError(fmt.Errorf("save or undo the changes to the open piece first"), m.win)
		return
	}
	libGen := d.libGen
	hideManager := working(m.win, "Changing the library…")
	hideDesk := working(d.win, "Changing the library…")
	g := d.jobs
	started := g.startAsked(func(ctx context.Context) {
		err := change(ctx)
		g.do(func() {
			hideManager()
			hideDesk()
			if libGen != d.libGen {
				return // the desk went on to another library meanwhile
			}
			if err != nil {
				w := m.win
				if m.closed {
					w = d.win // closed while it worked: the desk says it
				}
				dialog.ShowError(fmt.Errorf("%s", galley.ErrorMessage(err)), w)
				return
			}
			m.reload()
			d.vocabularyChanged()
		})
	})
	if !started {
		hideManager()
		hideDesk()
	}
}

// working shows a modal "working" overlay on w with a moving bar, until
// the returned func hides it.
func working(w fyne.Window, what string) (hide func()) {
	bar := widget.NewProgressBarInfinite()
	dlg := dialog.NewCustomWithoutButtons("Working", container.NewVBox(widget.NewLabel(what), bar), w)
	dlg.Resize(fyne.NewSize(360, 120))
	dlg.Show()
	return func() {
		bar.Stop()
		dlg.Hide()
	}
}

// track keeps a window that belongs to the library on the desk, so it is
// closed when another library replaces it; onClosed run when it closes.
func (d *Desk) track(w fyne.Window, onClosed ...func()) {
	d.libWindows = append(d.libWindows, w)
	w.SetOnClosed(func() {
		for _, f := range onClosed {
			f()
		}
		for i, m := range d.libWindows {
			if m == w {
				d.libWindows = removeItem(d.libWindows, i)
				break
			}
		}
	})
}

// vocabularyChanged refreshes what shows names from the vocabulary.
func (d *Desk) vocabularyChanged() {
	d.shelf.refreshChoices()
	d.shelf.reload()
	if p := d.editor.piece; p != nil && p.ID != 0 {
		if fresh, err := d.lib.Piece(context.Background(), p.ID); err == nil {
			d.editor.load(fresh)
		}
	}
}

func (m *manager) row() managerRow { return m.rows[m.chosen] }

// ask asks for a name in a small form.
func (m *manager) ask(title, initial string, done func(string)) {
	e := widget.NewEntry()
	e.SetText(initial)
	dlg := dialog.NewForm(title, "OK", "Cancel", []*widget.FormItem{widget.NewFormItem("Name", e)}, func(ok bool) {
		if ok && strings.TrimSpace(e.Text) != "" {
			done(strings.TrimSpace(e.Text))
		}
	}, m.win)
	// Enter in the name confirms, as OK does.
	e.OnSubmitted = func(string) { dlg.Submit() }
	dlg.Resize(fyne.NewSize(420, 160))
	dlg.Show()
	m.win.Canvas().Focus(e)
}

// showTopics opens the topic manager: rename, merge and delete topics.
func (d *Desk) showTopics() *manager {
	v, ok := d.vocabulary()
	if !ok {
		return nil
	}
	m := d.newManager("Topics", func() ([]managerRow, error) {
		list, err := d.lib.Topics(context.Background())
		rows := make([]managerRow, len(list))
		for i, t := range list {
			rows[i] = managerRow{id: t.ID, name: t.Name, pieces: t.Pieces}
		}
		return rows, err
	})
	rename := widget.NewButton("Rename…", func() {
		if d.editorOnly("renaming a topic") {
			return
		}
		r := m.row()
		m.ask("Rename topic", r.name, func(name string) {
			m.apply(func(ctx context.Context) error { return v.RenameTopic(ctx, r.id, name) })
		})
	})
	merge := widget.NewButton("Merge into…", func() {
		if d.editorOnly("merging topics") {
			return
		}
		r := m.row()
		var names []string
		ids := map[string]int64{}
		for _, o := range m.rows {
			if o.id != r.id {
				names = append(names, o.name)
				ids[o.name] = o.id
			}
		}
		into := widget.NewSelect(names, nil)
		dlg := dialog.NewForm("Merge “"+r.name+"”", "Merge", "Cancel",
			[]*widget.FormItem{widget.NewFormItem("Into", into)}, func(ok bool) {
				switch {
				case ok && into.Selected == "":
					dialog.ShowInformation("Nothing merged", "Choose the topic to merge “"+r.name+"” into; nothing was changed.", m.win)
				case ok:
					m.apply(func(ctx context.Context) error { return v.MergeTopics(ctx, r.id, ids[into.Selected]) })
				}
			}, m.win)
		dlg.Resize(fyne.NewSize(420, 160)) // wide enough to read the topic names
		dlg.Show()
	})
	remove := widget.NewButton("Delete…", func() {
		if d.editorOnly("deleting a topic") {
			return
		}
		r := m.row()
		confirm(m.win, "Delete topic?", fmt.Sprintf("Delete the topic “%s”? It is removed from %s.", r.name, plural(r.pieces, "piece")),
			func() { m.apply(func(ctx context.Context) error { return v.DeleteTopic(ctx, r.id) }) })
	})
	m.show(nil, rename, merge, remove)
	return m
}

// showContributors opens the contributor manager: names and roles, shared
// by every piece a person is on.
func (d *Desk) showContributors() *manager {
	v, ok := d.vocabulary()
	if !ok {
		return nil
	}
	m := d.newManager("Contributors", func() ([]managerRow, error) {
		list, err := d.lib.Contributors(context.Background())
		rows := make([]managerRow, len(list))
		for i, c := range list {
			rows[i] = managerRow{id: c.ID, name: c.Name, detail: c.Role, pieces: c.Pieces}
		}
		return rows, err
	})
	person := func(title string, c galley.Contributor, done func(galley.Contributor)) {
		name, role := widget.NewEntry(), widget.NewEntry()
		name.SetText(c.Name)
		role.SetText(c.Role)
		role.SetPlaceHolder("e.g. senior fellow")
		dlg := dialog.NewForm(title, "Save", "Cancel",
			[]*widget.FormItem{widget.NewFormItem("Name", name), widget.NewFormItem("Role", role)}, func(ok bool) {
				if ok {
					c.Name, c.Role = strings.TrimSpace(name.Text), strings.TrimSpace(role.Text)
					done(c)
				}
			}, m.win)
		name.OnSubmitted = func(string) { dlg.Submit() }
		role.OnSubmitted = func(string) { dlg.Submit() }
		dlg.Resize(fyne.NewSize(480, 200))
		dlg.Show()
	}
	add := widget.NewButton("Add…", func() {
		person("New contributor", galley.Contributor{}, func(c galley.Contributor) {
			m.apply(func(ctx context.Context) error { _, err := v.CreateContributor(ctx, c); return err })
		})
	})
	edit := widget.NewButton("Edit…", func() {
		r := m.row()
		person("Edit contributor", galley.Contributor{ID: r.id, Name: r.name, Role: r.detail}, func(c galley.Contributor) {
			m.apply(func(ctx context.Context) error { return v.UpdateContributor(ctx, c) })
		})
	})
	remove := widget.NewButton("Delete…", func() {
		r := m.row()
		confirm(m.win, "Delete contributor?", fmt.Sprintf("Delete %s from the list of contributors?", r.name),
			func() { m.apply(func(ctx context.Context) error { return v.DeleteContributor(ctx, r.id) }) })
	})
	m.show(add, edit, remove)
	return m
}

// showTypes opens the type manager.
func (d *Desk) showTypes() *manager {
	v, ok := d.vocabulary()
	if !ok {
		return nil
	}
	m := d.newManager("Types", func() ([]managerRow, error) {
		list, err := d.lib.Types(context.Background())
		rows := make([]managerRow, len(list))
		for i, t := range list {
			rows[i] = managerRow{id: t.ID, name: t.Name, pieces: t.Pieces}
		}
		return rows, err
	})
	add := widget.NewButton("Add…", func() {
		m.ask("New type", "", func(name string) {
			m.apply(func(ctx context.Context) error { _, err := v.CreateType(ctx, name); return err })
		})
	})
	rename := widget.NewButton("Rename…", func() {
		r := m.row()
		m.ask("Rename type", r.name, func(name string) {
			m.apply(func(ctx context.Context) error { return v.RenameType(ctx, r.id, name) })
		})
	})
	remove := widget.NewButton("Delete…", func() {
		r := m.row()
		confirm(m.win, "Delete type?", fmt.Sprintf("Delete the type “%s”? Its %s become untyped.", r.name, plural(r.pieces, "piece")),
			func() { m.apply(func(ctx context.Context) error { return v.DeleteType(ctx, r.id) }) })
	})
	m.show(add, rename, remove)
	return m
}
