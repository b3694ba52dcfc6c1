#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real, unlocked
# gnome-keyring (Secret Service), so that tests store keys in a real OS
# keyring without touching the developer's own. The keyring files live
# under target/xdg.
set -euo pipefail
export XDG_DATA_HOME="${STEWARD_TEST_XDG:-$PWD/target/xdg}"
mkdir -p "$XDG_DATA_HOME"
exec dbus-run-session -- bash -c '
  echo "steward-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' bash "$@"
