// Package desktop asks the desktop for its own file chooser through the
// XDG desktop portal (org.freedesktop.portal.FileChooser): the dialog
// the editor knows from every other program, which takes a typed or
// pasted path, shows thumbnails and the desktop's bookmarks. Where there
// is no portal (no session bus, no portal service, another system), the
// desk uses Fyne's own dialogs.
package desktop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Request is what the chooser is asked for.
type Request struct {
	Title  string   // the dialog's title: what the file is for
	Accept string   // the accept button's label ("Import"); "" for the chooser's own
	Folder bool     // a folder, not a file
	Start  string   // the folder it opens in; "" for the chooser's own choice
	Kinds  string   // the name of the files offered ("WordPress or Ghost exports")
	Exts   []string // their extensions (".xml", ".json"); none for any file
	Parent string   // the window it belongs to ("x11:3a00004"), so it stays above it; "" for none
}

// ErrUnavailable says the desktop has no portal file chooser to ask.
var ErrUnavailable = errors.New("the desktop has no file chooser portal")

const (
	portalName   = "org.freedesktop.portal.Desktop"
	portalPath   = "/org/freedesktop/portal/desktop"
	chooserIface = "org.freedesktop.portal.FileChooser"
	requestIface = "org.freedesktop.portal.Request"
)

// Available reports whether there is a session bus to ask the portal on.
// Without one, connecting would start a bus of its own ("autolaunch"),
// which would outlive the desk.
func Available() bool {
	return os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
}

// Choose shows the desktop's file chooser and waits for the editor's
// choice: the path chosen, or "" when the editor cancelled. It fails with
// ErrUnavailable (wrapped) when no portal answers, and ends when ctx
// does, closing the dialog.
func Choose(ctx context.Context, r Request) (string, error) {
	if !Available() {
		return "", ErrUnavailable
	}
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer conn.Close()

	// The portal answers on a request object whose path it makes from our
	// name on the bus and a token we give: listened to before asking, so
	// a quick answer is not missed.
	var b [8]byte
	rand.Read(b[:])
	token := "galley" + hex.EncodeToString(b[:])
	names := conn.Names()
	if len(names) == 0 {
		return "", fmt.Errorf("%w: no name on the session bus", ErrUnavailable)
	}
	sender := strings.ReplaceAll(strings.TrimPrefix(names[0], ":"), ".", "_")
	want := dbus.ObjectPath(portalPath + "/request/" + sender + "/" + token)
	if err := conn.AddMatchSignal(dbus.WithMatchInterface(requestIface), dbus.WithMatchMember("Response"), dbus.WithMatchObjectPath(want)); err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	signals := make(chan *dbus.Signal, 4)
	conn.Signal(signals)

	method := chooserIface + ".OpenFile"
	var handle dbus.ObjectPath
	call := conn.Object(portalName, portalPath).CallWithContext(ctx, method, 0, r.Parent, r.Title, options(r, token))
	if call.Err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnavailable, call.Err)
	}
	if err := call.Store(&handle); err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if handle != want {
		// An older portal makes up its own path: listen there too.
		conn.AddMatchSignal(dbus.WithMatchInterface(requestIface), dbus.WithMatchMember("Response"), dbus.WithMatchObjectPath(handle))
	}
	for {
		select {
		case <-ctx.Done():
			conn.Object(portalName, handle).Call(requestIface+".Close", 0)
			return "", ctx.Err()
		case s := <-signals:
			if s == nil || s.Path != handle || s.Name != requestIface+".Response" {
				continue
			}
			return answer(s.Body)
		}
	}
}

// options are the chooser's options as the portal reads them.
func options(r Request, token string) map[string]dbus.Variant {
	opts := map[string]dbus.Variant{
		"handle_token": dbus.MakeVariant(token),
		"modal":        dbus.MakeVariant(true),
		"directory":    dbus.MakeVariant(r.Folder),
		"multiple":     dbus.MakeVariant(false),
	}
	if r.Accept != "" {
		opts["accept_label"] = dbus.MakeVariant(r.Accept)
	}
	if r.Start != "" {
		// A byte string ending in NUL, as the portal takes paths. GTK's
		// portal backend (xdg-desktop-portal-gtk) applies it to saving
		// only, and opens files from its Recent list instead; other
		// backends and Fyne's dialogs start in it.
		opts["current_folder"] = dbus.MakeVariant(append([]byte(r.Start), 0))
	}
	if len(r.Exts) > 0 {
		type rule struct {
			Kind    uint32 // 0: a glob pattern
			Pattern string
		}
		type filter struct {
			Name  string
			Rules []rule
		}
		f := filter{Name: r.Kinds}
		for _, ext := range r.Exts {
			// Patterns tell case apart: offer both.
			f.Rules = append(f.Rules, rule{0, "*" + strings.ToLower(ext)}, rule{0, "*" + strings.ToUpper(ext)})
		}
		if f.Name == "" {
			f.Name = strings.Join(r.Exts, ", ")
		}
		opts["filters"] = dbus.MakeVariant([]filter{f, {Name: "All files", Rules: []rule{{0, "*"}}}})
		opts["current_filter"] = dbus.MakeVariant(f)
	}
	return opts
}

// answer reads the portal's response: 0 and the chosen URIs, 1 when the
// editor cancelled, 2 when the dialog ended otherwise.
func answer(body []any) (string, error) {
	if len(body) < 2 {
		return "", fmt.Errorf("the file chooser answered %v", body)
	}
	code, _ := body[0].(uint32)
	if code != 0 {
		// 1 is a cancel; 2 a dialog closed some other way (GTK's answer
		// to Escape): no choice either way.
		return "", nil
	}
	results, _ := body[1].(map[string]dbus.Variant)
	uris, _ := results["uris"].Value().([]string)
	if len(uris) == 0 {
		return "", nil
	}
	// A URI's path is percent-encoded; "+" is a plus, not a space.
	u, err := url.Parse(uris[0])
	if err != nil || u.Scheme != "file" {
		return "", fmt.Errorf("the file chooser gave %q, which is not a file on this computer", uris[0])
	}
	return u.Path, nil
}
