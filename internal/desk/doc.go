// Package desk holds the desk's decisions as plain functions of plain
// state: whether and how the open piece is saved, what a failed save
// leads to, what leaving a piece needs, what a status change does, which
// topics are offered while typing. The widgets in ui gather the state,
// ask here, and show the answer; nothing here knows Fyne, so each rule is
// changed in one place and tested table-driven in milliseconds
// (go test ./internal/desk), without a window.
package desk
