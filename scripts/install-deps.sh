#!/usr/bin/env bash
# Installs what Steward needs on a Debian/Ubuntu machine, skipping whatever
# is already there. `build` = what `make run` needs (Tauri's WebKitGTK stack
# and a Secret Service keyring); `package` adds the Tauri CLI that makes the
# .deb and .rpm (`make package`); `test` adds the end-to-end and PDF tools,
# `rpm` (to read the .rpm's file list on Debian) and PyYAML (the tidy test
# reads the release workflow with it).
set -euo pipefail

want="${1:-test}"

build_pkgs=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  libssl-dev libdbus-1-dev pkg-config build-essential curl file libxdo-dev
  gnome-keyring libsecret-tools dbus
)
test_pkgs=(
  xvfb xauth webkit2gtk-driver dbus-x11 poppler-utils imagemagick fonts-dejavu-core fontconfig zbar-tools
  faketime rpm python3-yaml
)

pkgs=("${build_pkgs[@]}")
[ "$want" = test ] && pkgs+=("${test_pkgs[@]}")
# The Tauri CLI (make package) is an npm package with a prebuilt binary.
{ [ "$want" = test ] || [ "$want" = package ]; } && node_too=1 || node_too=0
# The end-to-end runner is Node's built-in test runner; its one npm package
# (axe-core, the accessibility checker) comes from tests/e2e/package-lock.json.
[ "$node_too" = 1 ] && ! command -v node >/dev/null && pkgs+=(nodejs)
[ "$node_too" = 1 ] && ! command -v npm >/dev/null && pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is required: install it from your distribution or rustup, then run make again." >&2
  exit 1
fi

if [ "$want" = test ] && ! command -v tauri-driver >/dev/null; then
  echo "Installing tauri-driver 2.1.0 (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --version 2.1.0 --locked
fi

e2e_dir="$(dirname "$0")/../tests/e2e"
if [ "$want" = test ] && [ ! -f "$e2e_dir/node_modules/axe-core/axe.min.js" ]; then
  echo "Installing the end-to-end tests' npm packages (tests/e2e/package-lock.json)"
  npm ci --prefix "$e2e_dir" --no-audit --no-fund
fi

pkg_dir="$(dirname "$0")/../packaging"
if [ "$node_too" = 1 ] && [ ! -x "$pkg_dir/node_modules/.bin/tauri" ]; then
  echo "Installing the Tauri CLI for make package (packaging/package-lock.json)"
  npm ci --prefix "$pkg_dir" --no-audit --no-fund
fi

# Say loudly, before any test runs, if something the tests rely on is still
# missing (a failed install, a package renamed on this release): a missing
# tool would otherwise show up as a confusing test failure much later.
if [ "$want" = test ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
  absent=()
  for tool in xvfb-run WebKitWebDriver tauri-driver dbus-run-session gnome-keyring-daemon \
              secret-tool pdftoppm pdftotext zbarimg node npm rpm; do
    command -v "$tool" >/dev/null || absent+=("$tool")
  done
  # The end-to-end tests are written for the fonts a fresh machine has:
  # DejaVu Sans (fonts-dejavu-core). Layout and screenshots depend on it.
  if ! fc-list 2>/dev/null | grep -q "DejaVu Sans"; then
    absent+=("the DejaVu Sans font (fonts-dejavu-core)")
  fi
  if [ "${#absent[@]}" -gt 0 ]; then
    echo "install-deps: still missing after installing: ${absent[*]}" >&2
    echo "install-deps: the tests cannot run without them; install them and run make test again." >&2
    exit 1
  fi
fi
