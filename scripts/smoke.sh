#!/usr/bin/env bash
# Starts the real galley binary on a virtual display with a fresh default
# library and checks that its window appears, that it stays up, and that
# the library was created with the sample desk.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/goenv.sh

work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/galley" ./cmd/galley

# Find a free display number.
display=
for n in $(seq 90 140); do
	if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then
		display=":$n"
		break
	fi
done
[ -n "$display" ] || { echo "smoke: no free X display"; exit 1; }
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	[ -e "/tmp/.X11-unix/X${display#:}" ] && break
	sleep 0.1
done

export DISPLAY=$display XDG_DATA_HOME="$work/data" HOME="$work/home"
mkdir -p "$HOME"
"$work/galley" >"$work/galley.log" 2>&1 &
app=$!
pids+=("$app")

found=
for _ in $(seq 100); do
	if xwininfo -root -tree 2>/dev/null | grep -qE '"([^"]* — )?Galley"'; then
		found=yes
		break
	fi
	if ! kill -0 "$app" 2>/dev/null; then
		echo "smoke: galley exited early:"
		cat "$work/galley.log"
		exit 1
	fi
	sleep 0.2
done
if [ -z "$found" ]; then
	echo "smoke: no Galley window appeared within 20 seconds"
	cat "$work/galley.log"
	exit 1
fi
sleep 2
kill -0 "$app" 2>/dev/null || { echo "smoke: galley died after opening its window"; cat "$work/galley.log"; exit 1; }
grep -q "with the sample desk" "$work/galley.log" || { echo "smoke: the default library was not created with the sample desk"; cat "$work/galley.log"; exit 1; }
[ -s "$XDG_DATA_HOME/galley/library.galley" ] || { echo "smoke: no library file"; exit 1; }

# The command line works from the same binary, with FTS5 built in, and
# prints nothing but its answer even under the C locale.
LANG=C.UTF-8 "$work/galley" --db "$work/cli.galley" sample >"$work/cli.out" 2>"$work/cli.err"
LANG=C.UTF-8 "$work/galley" --db "$work/cli.galley" list --query "gauge" >>"$work/cli.out" 2>>"$work/cli.err"
if [ -s "$work/cli.err" ] || ! grep -q "what-a-river-treaty-can-teach-negotiators" "$work/cli.out"; then
	echo "smoke: the command line misbehaved:"
	cat "$work/cli.out" "$work/cli.err"
	exit 1
fi
echo "smoke: the Galley window opened on a new library with the sample desk; the command line answers cleanly"
