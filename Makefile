# Shipshape: `make run` builds and starts the app, `make test` runs every
# check CI runs. Both install what is missing first (tools/deps.sh).

SHELL := /bin/bash
CARGO ?= cargo
UI_SOURCES := $(shell find ui/src ui/index.html ui/public ui/vite.config.ts ui/svelte.config.js -type f 2>/dev/null)

.PHONY: run test deps build ui check-types fmt-check clippy test-rust test-ui audit-ui e2e pkexec bench release package test-package

run: deps build
	./target/debug/shipshape-app

deps:
	@bash tools/deps.sh

ui: ui/dist/index.html

ui/dist/index.html: $(UI_SOURCES) ui/package-lock.json
	cd ui && npm run build --silent

build: ui
	$(CARGO) build -p shipshape-cli -p shipshape-app

test: deps ui fmt-check clippy test-rust check-types test-ui audit-ui build e2e pkexec test-package
	@echo "make test: all checks passed"

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace

# The TypeScript twins of IPC types are written by ts-rs when core's tests
# run, and the UI's list of commands by the app's build step; fail when the
# committed files differ from what the Rust code says.
check-types:
	rm -rf ui/src/lib/ipc/generated
	$(CARGO) test -p shipshape-core --lib --quiet export_bindings >/dev/null
	$(CARGO) check -p shipshape-app --quiet
	@if [[ -n "$$(git status --porcelain -- ui/src/lib/ipc/generated ui/src/lib/ipc/commands.ts)" ]]; then \
	  git status --short -- ui/src/lib/ipc/generated ui/src/lib/ipc/commands.ts; \
	  echo "check-types: the UI's IPC types are stale: commit the regenerated files" >&2; exit 1; \
	fi

test-ui:
	cd ui && npm run --silent check && npm run --silent lint && npm run --silent test

audit-ui:
	bash tools/audit-ui.sh

e2e: build
	bash tests/e2e/run.sh

# The real pkexec and polkit, with throwaway accounts (needs root).
pkexec: build
	bash tests/pkexec/run.sh

release: ui
	$(CARGO) build --release -p shipshape-cli -p shipshape-app

# The .deb a user installs, checked by lintian: target/package/.
package: deps release
	bash tools/package.sh

# Installs that package with apt, starts the app from its menu entry and
# removes it again; then installs it on a clean Debian 12 and Ubuntu 24.04
# in chroots, with the dependencies apt resolves there (needs root).
test-package: package
	bash tests/package/install.sh
	bash tests/package/clean.sh

bench: deps release build
	SHIPSHAPE_CLI=$(CURDIR)/target/release/shipshape bash tests/bench/verify.sh
	SHIPSHAPE_CLI=$(CURDIR)/target/release/shipshape bash tests/bench/health.sh
	SHIPSHAPE_CLI=$(CURDIR)/target/release/shipshape bash tests/bench/security.sh
	SHIPSHAPE_CLI=$(CURDIR)/target/release/shipshape bash tests/bench/updates.sh
	$(CARGO) build --profile measured -p shipshape-cli
	SHIPSHAPE_DEBUG_CLI=$(CURDIR)/target/measured/shipshape bash tests/bench/backup.sh
	SHIPSHAPE_CLI=$(CURDIR)/target/measured/shipshape bash tests/bench/install.sh
	SHIPSHAPE_CLI=$(CURDIR)/target/measured/shipshape bash tests/bench/access.sh
	SHIPSHAPE_CLI=$(CURDIR)/target/release/shipshape bash tests/bench/fleet.sh
	cargo bench -p shipshape-core --bench history
	SHIPSHAPE_APP=$(CURDIR)/target/release/shipshape-app SHIPSHAPE_SAMPLE_SECONDS=5 \
	SHIPSHAPE_CLI=$(CURDIR)/target/release/shipshape \
	E2E_SCRIPT=$(CURDIR)/tests/bench/launch.mjs bash tests/e2e/run.sh
