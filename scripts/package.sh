#!/usr/bin/env bash
# `make package`: the .deb and .rpm of the app and the `steward` command,
# made by Tauri's bundler (the Tauri CLI pinned in packaging/package-lock.json)
# from src-tauri/tauri.conf.json plus packaging/tauri.linux.json (which adds the
# command as /usr/bin/steward). AppImage is not made here: its tools are
# downloaded at build time (the release workflow makes it).
#
# STEWARD_PACKAGE_PROFILE=release (the default; what a shop installs) or
# debug (`make test`'s install test: the same files and dependencies from
# the debug build the other tests already compiled, in a minute instead of
# a full optimised build). The packages land in
# $CARGO_TARGET_DIR/<profile>/bundle/{deb,rpm}/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
profile="${STEWARD_PACKAGE_PROFILE:-release}"
case "$profile" in
  release) cargo_profile=(--release); tauri_profile=(); first=(-p steward-cli) ;;
  debug) cargo_profile=(); tauri_profile=(--debug); first=(-p steward-app -p steward-cli) ;;
  *) echo "package: STEWARD_PACKAGE_PROFILE is release or debug, not $profile" >&2; exit 2 ;;
esac
tauri=packaging/node_modules/.bin/tauri
[ -x "$tauri" ] || npm ci --prefix packaging --no-audit --no-fund

# Every icon was made from assets/icon-source.svg (see scripts/icons.sh).
scripts/icons.sh --check

# The command first. Debug: with the app, as `make e2e` builds them (the
# same features, so what the tests compiled is reused). Release: alone, as
# the Tauri CLI builds the app itself (with its own environment, so an app
# built here would be built again).
cargo build "${cargo_profile[@]}" "${first[@]}"
mkdir -p packaging/bin
install -m 755 "$target/$profile/steward" packaging/bin/steward
rm -rf "$target/$profile/bundle/deb" "$target/$profile/bundle/rpm"
"$tauri" build "${tauri_profile[@]}" --ci --bundles deb,rpm --config packaging/tauri.linux.json -- -p steward-app
ls -l "$target/$profile/bundle/deb/"*.deb "$target/$profile/bundle/rpm/"*.rpm
