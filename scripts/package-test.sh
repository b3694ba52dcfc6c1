#!/usr/bin/env bash
# The install test (issue 15 §1), run by `make test` after `make package`:
# checks the .rpm's file list and dependencies with `rpm -qp` (an .rpm
# cannot be installed on Debian), then installs the .deb with apt (so its
# declared dependencies resolve), drives the INSTALLED app and command
# through tests/e2e/installed.test.mjs in a home folder nobody has used,
# removes the package with `apt-get remove --purge` and checks that nothing
# it installed is left, while the vault in the user's data folder is.
#
# Needs root (or sudo) for apt. The packages are read from the target
# folder's `<profile>/bundle/`: STEWARD_PACKAGE_PROFILE=release (what
# `make package` builds) or debug (what `make test` builds, see Makefile).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
target="${CARGO_TARGET_DIR:-$PWD/target}"
profile="${STEWARD_PACKAGE_PROFILE:-release}"
name=steward

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
apt_get() { DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 -y -qq "$@"; }

fail=0
problem() { echo "package-test: $*" >&2; fail=1; }

shopt -s nullglob
debs=("$target/$profile/bundle/deb/"*.deb)
rpms=("$target/$profile/bundle/rpm/"*.rpm)
shopt -u nullglob
if [ "${#debs[@]}" -ne 1 ] || [ "${#rpms[@]}" -ne 1 ]; then
  echo "package-test: expected one .deb and one .rpm under $target/$profile/bundle; run make package first" >&2
  exit 1
fi
deb="${debs[0]}"
rpm="${rpms[0]}"

# What both packages must install: the app, the command, the desktop entry
# and the icons (each size the config lists, in the hicolor theme).
expected_files=(
  /usr/bin/steward-app
  /usr/bin/steward
  /usr/share/applications/Steward.desktop
  /usr/share/icons/hicolor/32x32/apps/steward-app.png
  /usr/share/icons/hicolor/64x64/apps/steward-app.png
  /usr/share/icons/hicolor/128x128/apps/steward-app.png
  /usr/share/icons/hicolor/256x256@2/apps/steward-app.png
  /usr/share/icons/hicolor/512x512/apps/steward-app.png
)

# --- The .rpm: its file list and what it requires ---------------------------
rpm_files="$(rpm -qpl "$rpm" 2>/dev/null)"
for f in "${expected_files[@]}"; do
  grep -qxF "$f" <<<"$rpm_files" || problem "the .rpm does not install $f"
done
rpm_needs="$(rpm -qpR "$rpm" 2>/dev/null)"
for dep in 'libwebkit2gtk-4.1.so.0()(64bit)' 'libgtk-3.so.0()(64bit)' openssl-libs '(gnome-keyring or keepassxc)'; do
  grep -qxF "$dep" <<<"$rpm_needs" || problem "the .rpm does not require $dep (it requires: $(tr '\n' ' ' <<<"$rpm_needs"))"
done

# --- The .deb: what it declares ---------------------------------------------
deb_needs="$(dpkg-deb -f "$deb" Depends)"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 'libssl3 | libssl3t64' 'gnome-keyring | keepassxc'; do
  grep -qF "$dep" <<<"$deb_needs" || problem "the .deb does not depend on $dep (Depends: $deb_needs)"
done

if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "install ok installed"; then
  echo "package-test: $name is already installed on this computer; remove it first (apt-get remove $name)" >&2
  exit 1
fi

# --- Install, use, remove ---------------------------------------------------
work="$(mktemp -d)"
chmod 755 "$work"
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then apt_get remove --purge "$name" >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cp "$deb" "$work/$name.deb"
chmod 644 "$work/$name.deb"
apt_get install "$work/$name.deb" >/dev/null
installed=1
dpkg -L "$name" >"$work/files"
echo "package-test: installed $(basename "$deb"): $(dpkg-query -W -f='${Installed-Size}' "$name") KiB by dpkg's count, $(grep -c . "$work/files") paths"

for f in "${expected_files[@]}"; do
  grep -qxF "$f" "$work/files" || problem "the .deb does not install $f"
done
desktop=/usr/share/applications/Steward.desktop
grep -qx 'Exec=steward-app' "$desktop" || problem "the desktop entry does not start steward-app: $(grep '^Exec' "$desktop")"
grep -qx 'Icon=steward-app' "$desktop" || problem "the desktop entry does not name the installed icon"
# Every library the two programs load comes from a package the .deb's
# dependencies pull in (on this computer they would load anyway: the build
# needs them all), so a shop's fresh system gets them too.
closure="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances "$name" 2>/dev/null | grep -v '^[ |<]' | sort -u)"
for bin in /usr/bin/steward-app /usr/bin/steward; do
  missing="$(ldd "$bin" | grep 'not found' || true)"
  [ -z "$missing" ] || problem "$bin needs libraries nothing installed: $missing"
  for so in $(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    owner="$(dpkg -S "*/$so" 2>/dev/null | head -1 | cut -d: -f1)"
    if [ -z "$owner" ]; then
      problem "$bin loads $so, which no installed package provides"
    elif ! grep -qxF "$owner" <<<"$closure"; then
      problem "$bin loads $so from $owner, which the .deb's dependencies do not bring"
    fi
  done
done

# The installed app and command, in a home folder nobody has used: their
# own data, config and cache folders, and their own keyring in it.
home="$work/home"
mkdir -p "$home"
shots="$target/e2e-screenshots"
mkdir -p "$shots"
env HOME="$home" \
  XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache" \
  STEWARD_TEST_XDG="$home/.local/share" \
  STEWARD_APP=/usr/bin/steward-app STEWARD_CLI=/usr/bin/steward STEWARD_SCREENSHOTS="$shots" \
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" \
  xvfb-run -a -s "-screen 0 1280x900x24" \
  "$root/scripts/with-keyring.sh" \
  timeout --kill-after=30 900 node --test --test-concurrency=1 "$root/tests/e2e/installed.test.mjs" \
  || problem "the installed app or command failed (tests/e2e/installed.test.mjs above)"

apt_get remove --purge "$name" >/dev/null
installed=0
if dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q .; then
  problem "dpkg still knows $name after a purge: $(dpkg-query -W -f='${Status}' "$name")"
fi
# Every file and link the package installed is gone (the folders it shared
# with the system, /usr/bin and the like, stay).
while IFS= read -r path; do
  if [ -e "$path" ] || [ -L "$path" ]; then
    [ -d "$path" ] && [ ! -L "$path" ] && continue
    problem "$path is still there after the package was removed"
  fi
done <"$work/files"
leftovers="$(find /usr/bin /usr/lib /usr/share/applications /usr/share/icons /usr/share/doc /etc \
  \( -name steward -o -name 'steward-app*' -o -name 'Steward*' \) 2>/dev/null || true)"
[ -z "$leftovers" ] || problem "left after removal: $leftovers"
# The shop's data is never the package's: the vault stays in the user's
# data folder until the shop retires it (`steward retire`).
[ -f "$home/.local/share/steward/vault.steward" ] || problem "the vault in the user's data folder is gone"

if [ "$fail" = 0 ]; then
  echo "package-test: the .deb installs, runs and removes cleanly; the .rpm lists its files and dependencies"
fi
exit "$fail"
