#!/usr/bin/env bash
# End-to-end tests: the real app window under Xvfb, a real gnome-keyring in a
# private D-Bus session, driven through tauri-driver + WebKitWebDriver.
# Screenshots land in e2e-screenshots/ of the target folder.
#
# The binaries are read from $CARGO_TARGET_DIR (as cargo builds them), else
# target/. STEWARD_E2E_FILES runs only the test files named;
# STEWARD_E2E_PORT_OFFSET moves the WebDriver ports (two suites at once).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
export STEWARD_APP="$target/debug/steward-app"
export STEWARD_CLI="$target/debug/steward"
export STEWARD_SCREENSHOTS="$target/e2e-screenshots"
export STEWARD_E2E_FILES="${STEWARD_E2E_FILES:-tests/e2e/foundation.test.mjs tests/e2e/consent.test.mjs tests/e2e/typed-signature.test.mjs tests/e2e/crm.test.mjs tests/e2e/recipients.test.mjs tests/e2e/backups.test.mjs tests/e2e/move.test.mjs tests/e2e/record-keeping.test.mjs tests/e2e/i18n.test.mjs tests/e2e/dashboard.test.mjs tests/e2e/purposes.test.mjs tests/e2e/dark.test.mjs tests/e2e/invitations.test.mjs}"
rm -rf "$STEWARD_SCREENSHOTS" && mkdir -p "$STEWARD_SCREENSHOTS"
export PATH="$HOME/.cargo/bin:$PATH"
# One file after the other, in this order (foundation first), each with its
# own vault and app session; every file runs even if an earlier one failed.
exec xvfb-run -a -s "-screen 0 1280x900x24" \
  scripts/with-keyring.sh bash -c '
    status=0
    for file in $STEWARD_E2E_FILES; do
      # A file that has not finished in 20 minutes is hung (e.g. an app
      # left running holds the output of the runner open): fail it.
      timeout --kill-after=30 1200 node --test --test-concurrency=1 "$file" || {
        echo "e2e: $file failed or did not finish in 20 minutes" >&2
        status=1
      }
    done
    exit $status
  '
