package widgets

// Fyne prints three lines of errors before the tests under the C locale
// of a container or a CI machine, as package ui's tests would without it.
import _ "app.galley/galley/internal/envlocale"
