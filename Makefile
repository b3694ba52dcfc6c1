# Steward: `make run` starts the app, `make test` runs every check.
# Both install what they need first (Debian/Ubuntu).

CARGO ?= cargo
SHELL := /bin/bash

.PHONY: run test deps deps-build deps-package lint unit e2e bench crash-test package package-test icons

run: deps-build
	$(CARGO) build -p steward-app
	@if [ -z "$$DBUS_SESSION_BUS_ADDRESS" ]; then \
	  echo "No desktop session bus: starting Steward inside a private one with its own keyring."; \
	  scripts/with-keyring.sh $(CARGO) run -q -p steward-app -- $(ARGS); \
	else \
	  $(CARGO) run -q -p steward-app -- $(ARGS); \
	fi

test: deps lint unit e2e package-test

deps:
	scripts/install-deps.sh test

deps-build:
	scripts/install-deps.sh build

deps-package:
	scripts/install-deps.sh package

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

# All Rust tests, with a real Secret Service keyring for the ones that need it.
unit:
	scripts/with-keyring.sh $(CARGO) test --workspace --all-features

# The crash harness at a large count: a child process making changes is
# killed with SIGKILL that many times (`make unit` runs 20). Set
# STEWARD_CRASH_SEED to repeat a failed run.
crash-test:
	STEWARD_CRASH_ITERATIONS=$${STEWARD_CRASH_ITERATIONS:-300} \
	  $(CARGO) test -p steward-core --all-features --test crash

# The real app window under Xvfb, driven over WebDriver.
e2e:
	$(CARGO) build -p steward-app -p steward-cli
	scripts/e2e.sh

# Timings against raw rusqlite baselines (100,000 customers); `make unit`
# runs the same benchmarks at a small size so that they keep working.
bench:
	$(CARGO) run --release -p steward-bench -- open
	$(CARGO) run --release -p steward-bench -- crm
	$(CARGO) run --release -p steward-bench -- retention
	$(CARGO) run --release -p steward-bench -- invitations

# The Linux packages a shop installs: .deb and .rpm of the optimised build
# (the `release` profile in Cargo.toml), made by Tauri's bundler, in
# target/release/bundle/{deb,rpm}/ (scripts/package.sh; docs/packaging.md).
package: deps-package
	scripts/package.sh

# The install test (scripts/package-test.sh; needs root or sudo for apt):
# installs the .deb, drives the installed app and `steward` command in a
# fresh home folder, removes it and checks nothing is left. In `make test`
# it packages the debug build the tests above compiled (the same files,
# desktop entry, icons and dependencies, in about a minute instead of a
# full optimised build); STEWARD_PACKAGE_PROFILE=release tests what
# `make package` made.
package-test:
	STEWARD_PACKAGE_PROFILE=$${STEWARD_PACKAGE_PROFILE:-debug} scripts/package.sh
	STEWARD_PACKAGE_PROFILE=$${STEWARD_PACKAGE_PROFILE:-debug} scripts/package-test.sh

# Every icon from assets/icon-source.svg (commit the result).
icons:
	scripts/icons.sh
