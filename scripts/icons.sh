#!/usr/bin/env bash
# Makes every icon the app and its packages carry from the one source image,
# assets/icon-source.svg, with the Tauri CLI's `tauri icon` (pinned in
# packaging/package-lock.json). `scripts/icons.sh` writes them to
# assets/icons/; `scripts/icons.sh --check` makes them again in a temporary
# folder and fails if the committed ones differ (run by `make package`).
# Only the desktop sizes are kept: the mobile and Windows Store sets
# `tauri icon` also makes are not used by Steward.
set -euo pipefail
cd "$(dirname "$0")/.."
tauri=packaging/node_modules/.bin/tauri
[ -x "$tauri" ] || npm ci --prefix packaging --no-audit --no-fund >/dev/null
source=assets/icon-source.svg
out=assets/icons
# What src-tauri/tauri.conf.json's bundle.icon lists, in the same order.
keep=(32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.icns icon.ico)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# `tauri icon` names every file it makes on stderr: shown only if it fails.
"$tauri" icon "$source" -o "$tmp/set" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }

if [ "${1:-}" = --check ]; then
  bad=0
  for f in "${keep[@]}"; do
    if [ ! -f "$out/$f" ]; then
      echo "icons: $out/$f is missing; run scripts/icons.sh and commit it" >&2
      bad=1
    # An .icns holds a timestamp, so only its presence is compared.
    elif [ "$f" != icon.icns ] && ! cmp -s "$tmp/set/$f" "$out/$f"; then
      echo "icons: $out/$f was not made from $source; run scripts/icons.sh and commit it" >&2
      bad=1
    fi
  done
  extra="$(cd "$out" && ls | grep -vxF -f <(printf '%s\n' "${keep[@]}") || true)"
  if [ -n "$extra" ]; then
    echo "icons: $out holds files nothing uses: $extra" >&2
    bad=1
  fi
  exit $bad
fi

rm -rf "$out"
mkdir -p "$out"
for f in "${keep[@]}"; do cp "$tmp/set/$f" "$out/$f"; done
echo "icons: made ${#keep[@]} icons in $out from $source"
