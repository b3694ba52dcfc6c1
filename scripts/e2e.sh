#!/usr/bin/env bash
# End-to-end tests: the real app window under Xvfb, a real gnome-keyring in a
# private D-Bus session, driven through tauri-driver + WebKitWebDriver.
# Screenshots land in target/e2e-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
export STEWARD_APP="$PWD/target/debug/steward-app"
export STEWARD_CLI="$PWD/target/debug/steward"
export STEWARD_SCREENSHOTS="$PWD/target/e2e-screenshots"
rm -rf "$STEWARD_SCREENSHOTS" && mkdir -p "$STEWARD_SCREENSHOTS"
export PATH="$HOME/.cargo/bin:$PATH"
# One file after the other, in this order (foundation first), each with its
# own vault and app session; every file runs even if an earlier one failed.
exec xvfb-run -a -s "-screen 0 1280x900x24" \
  scripts/with-keyring.sh bash -c '
    status=0
    for file in tests/e2e/foundation.test.mjs tests/e2e/consent.test.mjs tests/e2e/crm.test.mjs; do
      node --test --test-concurrency=1 "$file" || status=1
    done
    exit $status
  '
